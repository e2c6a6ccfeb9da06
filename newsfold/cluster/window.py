"""Batch clustering of a whole window with window-level statistics.

A backfill knows every article of its window before it clusters any of them, so it does not
have to score with the stream's progressive IDF and truncated member vectors:

* one :class:`~newsfold.cluster.features.DocFreq` over the whole window (IDF, and the
  capitalisation evidence that decides which words are names);
* untruncated sparse TF-IDF matrices per channel (``full`` over the first ``BODY_CHARS_WINDOW``
  characters, ``title``, ``lead``, ``ent`` = names and numbers), L2-normalised;
* candidate pairs: each article's ``neighbours`` most similar articles by full-text + name
  cosine (sparse products in row blocks: no dense N x N matrix);
* a logistic pair model over window features (:data:`WINDOW_FEATURES`, two length regimes as
  in the stream), fitted by ``python -m newsfold.cluster.calibrate`` and stored in
  ``model.json`` under ``"window"``;
* agglomerative average link over the candidate graph (:func:`_average_link` of the stream
  module), copies merged first;
* a story that reads as two events of one kind, or two stages of one affair (the headlines
  and leads of each half keep using their own words, names and numbers, which the other
  half never uses), is cut in two (:func:`split_events`).

Everything is general text processing: nothing here knows a data set.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from newsfold.cluster import features as F
from newsfold.cluster.stream import BASE_FEATURES
from newsfold.model import NEAR_COPY, Article
from newsfold.unionfind import UnionFind

#: Characters of body text in the window's ``full`` channel (the stream keeps 4,000).
BODY_CHARS_WINDOW = 20000

#: The stream's pair features that mean the same here (computed over the window's untruncated
#: vectors), then the neighbourhood ranks, which only a window has.
BASE = tuple(f for f in BASE_FEATURES if f not in ("lead_shared", "max_shared_idf")) + (
    "rank_best",
    "rank_worst",
)
#: Three length regimes with their own coefficients: both sides short (headline + lead),
#: one short and one full text, both full text; plus an intercept per non-short regime.
REGIMES = ("short", "mixed", "body")
#: Sign constraints of the fitted coefficients (see ``calibrate.fit_window``): similarity
#: evidence can only raise the probability; rank, date gap and year conflict only lower it.
SIGNS = {
    "cos_full": (0.0, None), "cos_title": (0.0, None), "cos_lead": (0.0, None),
    "ent_cos": (0.0, None), "ent_shared": (0.0, None), "num_shared": (0.0, None),
    "full_x_ent": (0.0, None), "year_conflict": (None, 0.0), "gap_log": (None, 0.0),
    "rank_best": (None, 0.0), "rank_worst": (None, 0.0), "dense_cos": (0.0, None),
}
WINDOW_FEATURES = tuple(f"{f}@{r}" for r in REGIMES for f in BASE) + ("is_mixed", "is_body")
#: With the optional dense channel (:mod:`newsfold.cluster.dense`): the cosine of the two
#: articles' sentence embeddings joins each regime. Fitted separately (``model.json``
#: ``"window_dense"``), so the lexical model is unchanged when no encoder is installed.
BASE_DENSE = BASE + ("dense_cos",)
WINDOW_FEATURES_DENSE = tuple(f"{f}@{r}" for r in REGIMES for f in BASE_DENSE) + ("is_mixed", "is_body")


def uses_dense(model: dict) -> bool:
    """Whether a fitted window model reads the dense channel."""
    return any(str(f).startswith("dense_cos@") for f in model.get("features", ()))


@dataclass
class Window:
    """Sparse feature matrices of one window (rows in input order)."""

    full: Any
    title: Any
    lead: Any
    ent: Any
    ent_idf_bin: Any  # entity presence weighted by IDF (shared-entity mass)
    ent_bin: Any  # entity presence (0/1)
    num_rare: Any  # number presence weighted by its rarity in the window (see build)
    year_bin: Any  # year presence (0/1)
    has_years: Any  # bool per row
    year_pub: Any  # year presence (0/1), with the year of publication when dated
    has_year_pub: Any  # bool per row
    day: Any  # float day ordinal per row (nan when undated)
    body: Any  # bool per row
    titles: list
    dense: Any = None  # (rows x dim) unit sentence embeddings, when the dense channel is on
    pairs: Any = None  # (i, j, p, ent_cos, linked) of the scored candidate pairs, once clustered


def _matrix(rows: list[dict], vocab: dict) -> Any:
    import numpy as np
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for r in rows:
        for t, v in r.items():
            j = vocab.get(t)
            if j is None:
                j = vocab[t] = len(vocab)
            indices.append(j)
            data.append(v)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64),
                              np.asarray(indptr, dtype=np.int64)), shape=(len(rows), max(1, len(vocab))))


#: windows of at least this many articles are parsed on worker processes
PARSE_PARALLEL_MIN = 2_000
#: articles per parsing task
PARSE_CHUNK = 500


def parse_all(articles: Sequence[Article], workers: Optional[int] = None) -> list:
    """``features.parse`` of every article (the window's raw features). A large window is
    parsed on ``workers`` forked processes (default min(2, CPU count)), a chunk of articles
    per task: parsing is per article, so the values are the same (it was 5.4 of the 9.1 s of
    clustering 4,171 real articles, on one core)."""
    from newsfold import workers as workers_

    rows = [(a.title, a.text or "", a.published) for a in articles]
    n_workers = workers_.default_count() if workers is None else workers
    if n_workers > 1 and len(rows) >= PARSE_PARALLEL_MIN and workers_.can_fork():
        chunks = [rows[s : s + PARSE_CHUNK] for s in range(0, len(rows), PARSE_CHUNK)]
        return [p for part in workers_.run_tasks(_parse_rows, chunks, {}, n_workers) for p in part]
    return _parse_rows(rows)


def _parse_rows(rows: list) -> list:
    return [F.parse(title, text, published, body_chars=BODY_CHARS_WINDOW) for title, text, published in rows]


def build(articles: Sequence[Article], encoder: Any = None, parsed: Optional[list] = None) -> Window:
    """Window-level features of ``articles`` (IDF and name evidence from the whole window);
    with an ``encoder`` (:class:`newsfold.cluster.dense.Encoder`, or any object with
    ``encode(texts)`` returning unit vectors) also their sentence embeddings. ``parsed``: the
    articles' :func:`parse_all` output, when the caller already has it."""
    import numpy as np

    if parsed is None:
        parsed = parse_all(articles)
    dfs = F.DocFreq()
    for p in parsed:
        F.observe(dfs, p)
    full, title, lead, ent, ent_w, ent_b, num_b, year_b, year_p = [], [], [], [], [], [], [], [], []
    span = math.log(dfs.n + 1) or 1.0
    for p in parsed:
        e = F.entities(p, dfs)
        full.append(F.weigh(p.full, dfs) if p.full else {})
        title.append(F.weigh(p.title, dfs) if p.title else {})
        lead.append(F.weigh(p.lead, dfs) if p.lead else {})
        ent.append(F.weigh(e, dfs) if e else {})
        ent_w.append({k: dfs.idf(k) for k in e})
        ent_b.append({k: 1.0 for k in e})
        # a shared number counts by its rarity: sqrt((idf - 1) / log(n + 1)) on each side,
        # so a row product sums (idf - 1) / log(n + 1) over the shared numbers: ~1 for a
        # number two articles alone state, ~0 for one in most of the window. Counted
        # alike, a "10" or "2018" that long unrelated texts all hold joined their stories
        num_b.append({k: math.sqrt(max(0.0, dfs.idf(k) - 1.0) / span) for k in e if k[0] == "#"})
        year_b.append({k: 1.0 for k in e if _is_year(k)})
        # with the year it was published in: the year of its news, which a feed's cleaning
        # may have moved out of the text ("May 2, 2013" -> ``published``)
        pub = {f"#{date.fromordinal(p.day).year}": 1.0} if p.day is not None else {}
        year_p.append({**year_b[-1], **pub})
    ev: dict = {}
    yv: dict = {}
    return Window(
        full=_matrix(full, {}),
        title=_matrix(title, {}),
        lead=_matrix(lead, {}),
        ent=_matrix(ent, ev),
        ent_idf_bin=_matrix(ent_w, ev),
        ent_bin=_matrix(ent_b, ev),
        num_rare=_matrix(num_b, ev),
        year_bin=_matrix(year_b, yv),
        has_years=np.asarray([bool(y) for y in year_b]),
        year_pub=_matrix(year_p, yv),
        has_year_pub=np.asarray([bool(y) for y in year_p]),
        day=np.asarray([np.nan if p.day is None else float(p.day) for p in parsed]),
        body=np.asarray([p.has_body for p in parsed]),
        titles=[F.display_title(a.title, a.text) for a in articles],
        dense=None if encoder is None else embed(articles, encoder),
    )


def embed(articles: Sequence[Article], encoder: Any):
    """Unit sentence embeddings of ``articles`` (headline + start of text)."""
    from newsfold.cluster.dense import article_text

    return encoder.encode([article_text(a.title, a.text) for a in articles])


def _is_year(key: str) -> bool:
    return len(key) == 5 and key[0] == "#" and key[1:3] in ("19", "20") and key[1:].isdigit()


#: terms in more than this share of a window's articles are multiplied as dense columns when
#: candidate neighbours are scored (see :func:`candidate_pairs`)
DENSE_DF_SHARE = 0.02
#: cells of the dense similarity block scored at a time (block rows x window size)
BLOCK_CELLS = 4_000_000


def candidate_pairs(w: Window, neighbours: int = 50, block: Optional[int] = None):
    """Pairs (i < j) where j is among i's ``neighbours`` best by full + name cosine, or the
    reverse. Returns ``(i, j, rank_ij, rank_ji)``: int arrays; the rank of j among i's
    neighbours (1 = nearest; ``neighbours + 1`` when j is not among them) and the reverse;
    neighbours of equal similarity rank by position. Ranks make the pair model aware of how
    crowded a neighbourhood is: in a window full of similar stories an absolute cosine says
    less than being someone's nearest neighbour.

    Every article shares some common word with almost every other, so the similarities of a
    block of rows are a dense block, and a sparse product spends most of its time on the few
    terms most articles hold (a term in d articles costs d^2 products). Those terms (in more
    than ``DENSE_DF_SHARE`` of the window) are multiplied as dense columns (BLAS), the rest
    as sparse; the top neighbours are then taken for a whole block at once. Same similarities
    (up to float rounding): on a 10,000-article window of 4.5-kB texts 18.6 -> ~5 s."""
    import numpy as np
    import scipy.sparse as sp

    n = w.full.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty, empty, empty
    full = w.full.tocsr()
    df = np.bincount(full.indices, minlength=full.shape[1])
    heavy = df > DENSE_DF_SHARE * n
    # [light terms | names] . [light terms | names]^T = light . light^T + names . names^T
    light = sp.hstack([full[:, ~heavy] if heavy.any() else full, w.ent], format="csr")
    light_t = light.T.tocsr()
    dense = full[:, heavy].toarray().astype(np.float32) if heavy.any() else None
    if block is None:
        block = max(16, min(1024, BLOCK_CELLS // n))
    k = min(neighbours, n - 1)
    ii, jj, rr = [], [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        sim = (light[start:stop] @ light_t).toarray().astype(np.float32, copy=False)
        if dense is not None:
            sim += dense[start:stop] @ dense.T
        rows = np.arange(stop - start)
        sim[rows, rows + start] = 0.0  # not its own neighbour
        if k < n - 1:
            top = np.argpartition(sim, n - k, axis=1)[:, n - k:]
        else:
            top = np.broadcast_to(np.arange(n), (stop - start, n))
        top = np.sort(top, axis=1)  # ties rank by position
        vals = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        vals = np.take_along_axis(vals, order, axis=1)
        ok = vals > 0  # no shared term: not a neighbour
        ii.append(np.repeat(np.arange(start, stop, dtype=np.int64), ok.sum(axis=1)))
        jj.append(top[ok].astype(np.int64))
        rr.append(np.broadcast_to(np.arange(1, top.shape[1] + 1, dtype=np.int64), top.shape)[ok])
    a = np.concatenate(ii)
    b = np.concatenate(jj)
    rank = np.concatenate(rr)
    if not len(a):
        return empty, empty, empty, empty
    directed = dict(zip((a * n + b).tolist(), rank.tolist()))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = np.unique(lo * n + hi)
    i, j = key // n, key % n
    miss = neighbours + 1
    r_ij = np.asarray([directed.get(k, miss) for k in (i * n + j).tolist()], dtype=np.int64)
    r_ji = np.asarray([directed.get(k, miss) for k in (j * n + i).tolist()], dtype=np.int64)
    return i, j, r_ij, r_ji


#: candidate pairs whose rows are gathered at a time by ``_rowdot``
ROWDOT_CHUNK = 32_768


def _rowdot(m, i, j, other=None):
    """Row-wise dot products m[i] . other[j] for index arrays i, j, a chunk of pairs at a time:
    gathering the rows of every pair at once held one sparse row per pair side (on 4,171
    full-text articles, ~150k pairs, ~460 MB for the full-text channel alone, growing with the
    window); each product is the same row operation either way."""
    import numpy as np

    other = m if other is None else other
    parts = [np.asarray(m[i[s : s + ROWDOT_CHUNK]].multiply(other[j[s : s + ROWDOT_CHUNK]]).sum(axis=1)).ravel()
             for s in range(0, len(i), ROWDOT_CHUNK)]
    return np.concatenate(parts) if parts else np.asarray(m[i].multiply(other[j]).sum(axis=1)).ravel()


def pair_features(w: Window, i, j, r_ij, r_ji, dense: bool = False):
    """Feature matrix (len(i) x len(WINDOW_FEATURES)) of candidate pairs; with ``dense``,
    (len(i) x len(WINDOW_FEATURES_DENSE))."""
    import numpy as np

    cos_full = _rowdot(w.full, i, j)
    cos_title = _rowdot(w.title, i, j)
    cos_lead = _rowdot(w.lead, i, j)
    ent_cos = _rowdot(w.ent, i, j)
    ent_shared = np.log1p(_rowdot(w.ent_idf_bin, i, j, w.ent_bin))
    num_shared = np.log1p(_rowdot(w.num_rare, i, j))
    years_shared = _rowdot(w.year_bin, i, j)
    year_conflict = w.has_years[i] & w.has_years[j] & (years_shared == 0)
    # one side dated, the other not: the dated side's year of publication counts as a year it
    # states (two dated sides are compared by their date gap)
    one = np.isnan(w.day[i]) ^ np.isnan(w.day[j])
    if one.any():
        a, b = i[one], j[one]
        year_conflict[one] = w.has_year_pub[a] & w.has_year_pub[b] & (_rowdot(w.year_pub, a, b) == 0)
    year_conflict = year_conflict.astype(float)
    gap = np.abs(w.day[i] - w.day[j])
    gap = np.where(np.isnan(gap), 0.0, gap)
    cols = [cos_full, cos_title, cos_lead, ent_cos, ent_shared, num_shared,
            year_conflict, np.log1p(gap), cos_full * ent_cos,
            np.log(np.minimum(r_ij, r_ji)), np.log(np.maximum(r_ij, r_ji))]
    if dense:
        if w.dense is None:
            raise ValueError("this window model reads the dense channel: build the window with an encoder")
        cols.append(np.einsum("ij,ij->i", w.dense[i], w.dense[j]))
    base = np.stack(cols, axis=1)
    both = (w.body[i] & w.body[j])[:, None]
    mixed = (w.body[i] ^ w.body[j])[:, None]
    short = ~(both | mixed)
    zero = np.zeros_like(base)
    return np.concatenate([np.where(short, base, zero), np.where(mixed, base, zero),
                           np.where(both, base, zero), mixed.astype(float),
                           both.astype(float)], axis=1)


def probabilities(model: dict, X):
    import numpy as np

    z = X @ np.asarray(model["coef"], dtype=float) + float(model["intercept"])
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def cluster_window(articles: Sequence[Article], model: dict, *, neighbours: int = 50,
                   window_days: Optional[int] = 21, threshold: Optional[float] = None,
                   must: Sequence[tuple[int, int]] = (),
                   storyline_days: Optional[int] = None,
                   encoder: Any = None, parsed: Optional[list] = None,
                   split: bool = True) -> tuple[list[int], Optional[Window]]:
    """Cluster labels (a representative index per article) for one window, and the window's
    features. Pairs dated more than ``window_days`` apart are never linked (undated pairs
    are: no time evidence); pairs up to ``storyline_days`` apart are still scored (kept in
    ``Window.pairs`` for :func:`storylines`). A model that reads the dense channel
    (:func:`uses_dense`) needs the ``encoder``. Near copies past the first ``MAX_COPIES``
    of an origin are scored as that origin and take its label. ``split``: cut stories made of
    two events of one kind (:func:`split_events`)."""
    n = len(articles)
    if n == 0:
        return [], None
    rep = copy_representatives(articles)
    kept_copies: dict[int, int] = {}
    for k in range(n):
        if rep[k] != k:
            c = kept_copies.get(rep[k], 0)
            if c < MAX_COPIES:
                kept_copies[rep[k]] = c + 1
                rep[k] = k
    keep = [k for k in range(n) if rep[k] == k]
    if len(keep) < n:
        # near copies past the first MAX_COPIES of an origin are scored as that origin: each
        # copy of a report syndicated hundreds of times counted in every word's document
        # frequency (the report's own words then weighed like stop words) and filled the
        # neighbour lists (the event's other reports then ranked past all the copies): 400
        # copies of one wire report split the other reports of its event into three stories
        at = {k: x for x, k in enumerate(keep)}
        row = [at[rep[k]] for k in range(n)]
        sub_must = [(row[a], row[b]) for a, b in must if row[a] != row[b]]
        sub_labels, w = _cluster_all(
            [articles[k] for k in keep], model, neighbours=neighbours, window_days=window_days,
            threshold=threshold, must=sub_must, storyline_days=storyline_days, encoder=encoder,
            parsed=None if parsed is None else [parsed[k] for k in keep], split=split)
        return [keep[sub_labels[r]] for r in row], _expand(w, row, keep, articles)
    return _cluster_all(articles, model, neighbours=neighbours, window_days=window_days,
                        threshold=threshold, must=must, storyline_days=storyline_days,
                        encoder=encoder, parsed=parsed, split=split)


def _cluster_all(articles: Sequence[Article], model: dict, *, neighbours: int,
                 window_days: Optional[int], threshold: Optional[float],
                 must: Sequence[tuple[int, int]], storyline_days: Optional[int],
                 encoder: Any, parsed: Optional[list], split: bool = True) -> tuple[list[int], Optional[Window]]:
    """``cluster_window`` over every one of ``articles``."""
    import numpy as np

    from newsfold.cluster.stream import _average_link

    n = len(articles)
    dense = uses_dense(model)
    if dense and encoder is None:
        raise ValueError("this window model reads the dense channel: pass an encoder")
    w = build(articles, encoder if dense else None, parsed)
    i, j, r_ij, r_ji = candidate_pairs(w, neighbours)
    linked = np.ones(len(i), dtype=bool)
    if window_days is not None and len(i):
        gap = np.abs(w.day[i] - w.day[j])
        reach = max(window_days, storyline_days or 0)
        keep = ~(gap > reach)  # nan (undated) keeps the pair
        i, j, r_ij, r_ji, gap = i[keep], j[keep], r_ij[keep], r_ji[keep], gap[keep]
        linked = ~(gap > window_days)
    nf = len(WINDOW_FEATURES_DENSE if dense else WINDOW_FEATURES)
    X = pair_features(w, i, j, r_ij, r_ji, dense) if len(i) else np.zeros((0, nf))
    p = probabilities(model, X) if len(i) else np.zeros(0)
    k = len(BASE_DENSE if dense else BASE)
    ent_cos = X[:, 3] + X[:, k + 3] + X[:, 2 * k + 3] if len(i) else np.zeros(0)
    w.pairs = (i, j, p, ent_cos, linked)
    edges = {(int(a), int(b)): float(q) for a, b, q, ok in zip(i, j, p, linked) if ok}
    thr = float(model["threshold"] if threshold is None else threshold)
    merges: list = []
    labels = _average_link(n, edges, thr, must, merges=merges)
    if split:
        labels = split_events(labels, merges, w, must, articles)
    return labels, w


#: :func:`split_events`: a story is cut in two only where its two halves were joined by a mean
#: pair probability below ``SPLIT_MAX_LINK`` (the window threshold plus the merge pass's
#: margin) and each half uses at least ``SPLIT_MIN_TERMS`` terms (words, names, numbers) in
#: its headlines and leads that at least ``SPLIT_MIN_REPORTS`` independent reports and
#: ``SPLIT_TERM_SHARE`` of its reports use and no article of the other half does. Reports are
#: independent unless one outlet printed both or they are one copy family. Chosen on the
#: clustering model's fitting windows (docs/clustering.md, "Two events of one kind").
SPLIT_MIN_REPORTS = 2
SPLIT_MAX_LINK = 0.6
SPLIT_MIN_TERMS = 2
SPLIT_TERM_SHARE = 0.6


def split_events(labels: Sequence[int], merges: Sequence[tuple[int, int, float]], w: Window,
                 must: Sequence[tuple[int, int]], articles: Sequence[Article]) -> list[int]:
    """Cut stories that average link made of two events of one kind.

    Two earthquakes, two navy actions against pirates or two players put on injured reserve
    share their topic words, so their reports score as one story pair by pair; so do two
    stages of one affair (a trial opens, a verdict). What tells them apart is the words their
    headlines and leads keep using: each event's reports keep naming its ship, its player,
    its count ("INS Mysore", "23 pirates"), each stage its own act ("guilty", "sentenced"),
    which the other's reports never use. Each story of at least twice ``SPLIT_MIN_REPORTS``
    articles is cut at its last merge (``merges``: average link's dendrogram, from
    :func:`_average_link`; copies were merged before it and stay together); the cut is kept
    when the merge's link is below ``SPLIT_MAX_LINK`` and each half has terms of its own
    (:func:`_terms_apart`), with reports counted first by outlet (cheap), then by outlet and
    copy family (:func:`_families`). The two halves are then cut at their own last merges in
    turn. Labels stay the lowest index of each story (its earliest article)."""
    out = list(labels)
    # the dendrogram: a node is a merge (left, right, link); a leaf (-1 - r) is the group
    # of articles that copies had joined to article r before any merge
    tree: list[tuple[int, int, float]] = []
    top: dict[int, int] = {}
    for a, b, link in merges:
        tree.append((top.get(a, -1 - a), top.get(b, -1 - b), link))
        top[a] = len(tree) - 1
    uf = UnionFind(len(labels))
    for a, b in must:
        uf.union(a, b)
    copies = uf.labels()  # per article, its leaf: a copy counts as the report it copies
    leaf: dict[int, list[int]] = {}
    for k, r in enumerate(copies):
        leaf.setdefault(r, []).append(k)
    todo = [top[lab] for lab, n in Counter(labels).items() if lab in top and n >= 2 * SPLIT_MIN_REPORTS]
    if not todo:
        return out

    def members(node: int) -> list[int]:
        got, stack = [], [node]
        while stack:
            x = stack.pop()
            if x < 0:
                got.extend(leaf[-1 - x])
            else:
                stack.extend(tree[x][:2])
        return sorted(got)

    from newsfold.dedup.families import outlet_key

    lead = w.lead.tocsr()  # the terms of each headline and lead (only which, not weights)
    outlets: dict[int, Optional[str]] = {}
    fam: dict[int, str] = {}

    def by_outlet(k):
        return (("outlet", outlets[k] or k), ("copies", copies[k]))

    def by_outlet_and_family(k):
        return (("outlet", outlets[k] or k), ("copies", copies[k]), ("family", fam[k]))

    while todo:
        # a round: every cut that its outlets let through (cheap) waits for the copy families
        # of its articles, found in one fold for the whole round (a fold has a fixed cost)
        ready = []
        for node in todo:
            left, right, link = tree[node]
            if link >= SPLIT_MAX_LINK:
                continue
            A, B = members(left), members(right)
            for k in A + B:
                if k not in outlets:
                    outlets[k] = outlet_key(articles[k])
            if _terms_apart(A, B, lead, by_outlet):
                ready.append((left, right, A, B))
        need = sorted({k for _, _, A, B in ready for k in A + B if k not in fam})
        if need:
            fam.update(_families(need, articles))
        todo = []
        for left, right, A, B in ready:
            if not _terms_apart(A, B, lead, by_outlet_and_family):
                continue
            for node, half in ((left, A), (right, B)):
                for k in half:
                    out[k] = half[0]
                if node >= 0 and len(half) >= 2 * SPLIT_MIN_REPORTS:
                    todo.append(node)
    return out


def _families(idx: list[int], articles: Sequence[Article]) -> dict[int, str]:
    """Copy family per article of ``idx``: the one dedup gave it when every one has one (as
    in ``newsfold run``), else from one fold of copies of these articles (the articles
    themselves are not changed)."""
    if all(articles[k].family for k in idx):
        return {k: articles[k].family for k in idx}
    from newsfold.dedup.families import DedupConfig, fold_detect

    copies = [Article(id=str(x), text=articles[k].text or "", title=articles[k].title,
                      source=articles[k].source, url=articles[k].url,
                      published=articles[k].published) for x, k in enumerate(idx)]
    # in process: a window pass may run in a background thread, which must not fork
    fold_detect(copies, config=DedupConfig(workers=1))
    return {k: articles[k].family or f"#{c.family}" for k, c in zip(idx, copies)}


def _terms_apart(A: list[int], B: list[int], lead, report_of) -> bool:
    """Each half using ``SPLIT_MIN_TERMS`` terms in its headlines and leads (``lead``: rows
    of the articles' terms) that at least ``SPLIT_MIN_REPORTS`` and ``SPLIT_TERM_SHARE`` of
    its reports use and no article of the other half does (``report_of``: keys per article;
    articles sharing a key are one report)."""
    terms, reports = [], []
    for half in (A, B):
        uf = UnionFind(len(half))
        first: dict = {}
        for x, k in enumerate(half):
            for key in report_of(k):
                uf.union(x, first.setdefault(key, x))
        report = uf.labels()
        n = len(set(report))
        if n < SPLIT_MIN_REPORTS:
            return False  # (no term could reach SPLIT_MIN_REPORTS reports)
        told: dict[int, set] = {}
        for x, k in enumerate(half):
            for t in lead.indices[lead.indptr[k]:lead.indptr[k + 1]].tolist():
                told.setdefault(t, set()).add(report[x])
        terms.append(told)
        reports.append(n)
    for mine, theirs, n in ((terms[0], terms[1], reports[0]), (terms[1], terms[0], reports[1])):
        own = sum(1 for t, r in mine.items()
                  if t not in theirs and len(r) >= max(SPLIT_MIN_REPORTS, SPLIT_TERM_SHARE * n))
        if own < SPLIT_MIN_TERMS:
            return False
    return True


#: near copies of one origin a window keeps as articles of their own; the rest are scored
#: as their origin. Chosen among 0, 2, 4, 8, 16 and all (the behaviour before) through
#: ``newsfold run`` (docs/clustering.md, "Many copies of one report"): pairwise F1 on the
#: real-text corpus with planted copies 0.728 / 0.772 / 0.766 / - / 0.768 / 0.768, on the
#: feed dated like a live one 0.854 with 2, 0.849 with all; the seeds plus 20 copies of one
#: of them stay one story with 2 or 4 and split with 8 or more.
MAX_COPIES = 2


def copy_representatives(articles: Sequence[Article]) -> list[int]:
    """Per article, the position of the article that stands for it in scoring: its origin
    (followed up a chain of near copies) when it is a near copy (``NEAR_COPY``) of an
    article in ``articles``, else itself. Rewrites stand for themselves: what they add is
    evidence of their own."""
    pos = {}
    for k, a in enumerate(articles):
        pos.setdefault(a.id, k)
    out = []
    for k, a in enumerate(articles):
        seen = {k}
        cur = k
        while articles[cur].relation in NEAR_COPY and articles[cur].origin in pos:
            nxt = pos[articles[cur].origin]
            if nxt in seen:  # a cycle (never made by dedup): stop where it closes
                break
            seen.add(nxt)
            cur = nxt
        out.append(cur)
    return out


def _expand(w: Optional[Window], row: Sequence[int], keep: Sequence[int],
            articles: Sequence[Article]) -> Optional[Window]:
    """The window ``w`` of the articles at ``keep`` as one of all ``articles``: each article
    takes row ``row[k]`` of the features (a copy its origin's), its own title, and the
    scored pairs are named by article position."""
    import dataclasses

    import numpy as np

    if w is None:
        return None
    r = np.asarray(row, dtype=np.int64)
    take = {f.name: getattr(w, f.name) for f in dataclasses.fields(w)}
    for name, v in take.items():
        if name in ("titles", "pairs") or v is None:
            continue
        take[name] = v[r]
    take["titles"] = [F.display_title(a.title, a.text) for a in articles]
    if w.pairs is not None:
        k = np.asarray(keep, dtype=np.int64)
        i, j, p, ent, linked = w.pairs
        take["pairs"] = (k[i], k[j], p, ent, linked)
    return Window(**take)


def storylines(labels: Sequence[int], w: Window, *, min_p: float, min_ent: float) -> dict[int, int]:
    """Stories (cluster labels) about one ongoing situation, linked without merging: two
    stories join a storyline when the mean probability over their scored cross pairs reaches
    ``min_p`` and their most similar pair's name cosine reaches ``min_ent`` (the stream's rule,
    ``ClusterConfig.storyline_p`` / ``storyline_ent``). Returns label -> storyline root label,
    for labels in a storyline of at least two stories."""
    if w is None or w.pairs is None:
        return {}
    i, j, p, ent_cos, _ = w.pairs
    agg: dict[tuple[int, int], list] = {}
    for a, b, q, e in zip(i.tolist(), j.tolist(), p.tolist(), ent_cos.tolist()):
        la, lb = labels[a], labels[b]
        if la == lb:
            continue
        key = (la, lb) if la < lb else (lb, la)
        v = agg.setdefault(key, [0.0, 0, 0.0])
        v[0] += q
        v[1] += 1
        v[2] = max(v[2], e)
    uf = UnionFind(len(labels))
    linked: set[int] = set()
    for (la, lb), (sp, cnt, best_e) in agg.items():
        if sp / cnt >= min_p and best_e >= min_ent:
            uf.union(la, lb)
            linked.update((la, lb))
    return {x: uf.find(x) for x in linked}


def representative(w: Window, idxs: Sequence[int]) -> int:
    """The member whose title is closest to the other members' titles (first 50 looked at)."""
    import numpy as np

    if len(idxs) == 1:
        return idxs[0]
    sub = list(idxs[:50])
    t = w.title[sub]
    sims = np.asarray((t @ t.T).sum(axis=1)).ravel()
    return sub[int(np.argmax(sims))]


def fit_pairs(rows: list[dict], neighbours: int = 50, encoder: Any = None):
    """(X, y) over a labelled window's candidate pairs (for calibration); with an
    ``encoder``, the dense-channel features (:data:`WINDOW_FEATURES_DENSE`)."""
    import numpy as np

    from newsfold.cluster.cli import article_from_row

    arts = [article_from_row(r, k) for k, r in enumerate(rows, 1)]
    gold = np.asarray([str(r["cluster"]) for r in rows])
    w = build(arts, encoder)
    i, j, r_ij, r_ji = candidate_pairs(w, neighbours)
    return pair_features(w, i, j, r_ij, r_ji, encoder is not None), (gold[i] == gold[j]).astype(int)

