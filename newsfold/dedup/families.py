"""Copy families in batch (:func:`fold`), per story (:func:`story_sources`) and incrementally
(:class:`FamilyIndex`).

Pipeline (batch): word 5-gram shingles (shingle.py) -> per-outlet boilerplate shingles removed
-> rensa RMinHash signatures (minhash.py) -> banding as sort/group-by (banding.py), candidate
threshold ~0.2 Jaccard -> exact verification (verify.py: Jaccard/containment >= 0.7 plus the
facts check against templated reports) -> sentence alignment for the rest and for document
neighbours (rewrite.py) -> union-find components -> provenance tree (provenance.py).
"""

from __future__ import annotations

import heapq
import dataclasses
import random
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from newsfold.dedup import banding, minhash, rare
from newsfold.dedup.provenance import Link, describe, direction, sentence_diff
from newsfold.dedup.rewrite import SentenceAligner, doc_neighbours, is_rewrite, lis_share, sentence_facts
from newsfold.dedup.shingle import (intersect_sorted, isin_sorted, shingle_batch, shingles_from_tokens, sorted_unique,
                                    token_hash_batch)
from newsfold.dedup.verify import (NEAR_COPY_CONTAINMENT, Features, facts_agree, numbers_batch, prefetch_sentences,
                                   rewrite_facts_agree, set_overlap)
from newsfold import workers as workers_
from newsfold.model import Article, Family, FamilyMember, arrival_key, version_of
from newsfold.unionfind import UnionFind


@dataclass
class DedupConfig:
    rows_per_band: int = 2  # 64 bands of 2 over 128 permutations
    num_perm: int = minhash.NUM_PERM
    near_containment: float = NEAR_COPY_CONTAINMENT
    #: pairs sharing this much wording must also agree on numbers/names (templated reports)
    template_containment: float = 0.3
    #: banding candidates below this exact Jaccard are not tried as rewrites
    rewrite_min_jaccard: float = 0.05
    #: document-neighbour rewrite candidates (TF-IDF top-k) for batches up to this size
    knn_limit: int = 2_000
    knn_k: int = 10
    #: larger batches (kept-shingle layout): rewrite candidates from shared rare words
    #: (``rare.py``): each article's ``rare_k`` rarest words (document frequency from
    #: ``rare_sample`` articles, at most ``rare_max_share`` of them); pairs of articles of
    #: different outlets sharing ``rare_min_shared`` of them are verified as banding's pairs
    #: are. 0 turns it off.
    rare_k: int = 16
    rare_min_shared: int = 3
    rare_group_max: int = 64
    rare_sample: int = 1_000
    rare_max_share: float = 0.01
    #: a shingle in this share of one outlet's (sampled) articles is that outlet's boilerplate,
    #: unless the articles holding it are related (``_related_holders``: a story the outlet
    #: ran several times is not its header)
    boilerplate_share: float = 0.3
    boilerplate_sample: int = 64
    #: articles naming no outlet (``_unsourced_bad``): a head/tail shingle held by at least
    #: ``unsourced_min`` of them is boilerplate when ``unsourced_probe`` of its articles,
    #: compared in consecutive pairs, share under ``unsourced_related`` of their shingles (median);
    #: at most ``unsourced_sample`` such articles are looked at (streaming layout). The probe
    #: and the relatedness bar also judge an outlet's boilerplate (``_related_holders``)
    unsourced_min: int = 3
    unsourced_probe: int = 5
    unsourced_related: float = 0.5
    unsourced_sample: int = 20_000
    aligner_sample_docs: int = 200
    seed: int = 0
    #: outlet -> owner, so outlets of one owner count once in ``story_sources``
    owners: Optional[dict] = None
    #: worker processes (fork) for shingling and for checking/describing candidate pairs;
    #: None = min(2, CPU count). Batches under ``parallel_min`` articles run in process.
    workers: Optional[int] = None
    parallel_min: int = 5_000
    #: candidate pairs per task (one task: verify, align, direct and describe its pairs)
    pair_chunk: int = 2_048
    #: above this many articles the batch's shingle arrays are not kept (streaming layout:
    #: outlet boilerplate learnt from the sampled articles only, then each chunk shingled,
    #: masked and signed in a worker, which returns only its signatures, 512 B per article;
    #: the pair tasks re-shingle their own articles). Same results, bounded memory.
    keep_shingles_max: int = 100_000


def _dedup_config(config: Any) -> DedupConfig:
    if isinstance(config, DedupConfig):
        return config
    dc = DedupConfig()
    if config is not None:
        owners = getattr(config, "dedup_owners", None) or getattr(config, "owners", None)
        if isinstance(owners, dict):
            dc.owners = owners
        workers = getattr(config, "dedup_workers", None)
        if isinstance(workers, int):
            dc.workers = workers
    return dc


def outlet_of(a) -> Optional[str]:
    """The outlet whose own header/footer boilerplate an article may carry: its ``source``,
    else the host of its ``url`` (a feed without a source field still names its outlets)."""
    src = getattr(a, "source", None)
    if src:
        return src
    from newsfold.clean.metadata import domain

    return domain(getattr(a, "url", None))


def outlet_key(a) -> Optional[str]:
    """:func:`outlet_of`, case-folded: the key under which two articles are one outlet's."""
    o = outlet_of(a)
    return o.casefold() if o else None


# --------------------------------------------------------------------------- worker processes

def _n_workers(dc: DedupConfig, n: int) -> int:
    w = dc.workers if dc.workers is not None else workers_.default_count()
    return max(1, int(w)) if n >= dc.parallel_min else 1


def _shingle_task(texts):
    if isinstance(texts, tuple):  # (s, e): read here from the file-backed texts
        texts = workers_.state()["texts"].read_range(*texts)
    return _shingle_part(texts, workers_.state().get("rare"))


def _shingle_part(texts: list, rare_args: Optional[tuple]):
    """shingle_batch of these texts; with ``rare_args`` (vocab, k, max_share) also their rare
    word sketches (``rare.sketches``), from the same tokens."""
    if rare_args is None:
        return shingle_batch(texts)
    tok, lens = token_hash_batch(texts)
    return (*shingles_from_tokens(tok, lens), rare.sketches(tok, lens, *rare_args))


def _read_in_workers(texts) -> bool:
    """Whether forked workers read ``texts`` themselves (a file-backed corpus, e.g.
    :class:`newsfold.dedup.corpus.CorpusTexts`: ``read_range``/``read_many`` re-read lines with
    ``os.pread`` on an inherited descriptor, touching nothing of the parent's heap), so a task
    carries only indices. An in-memory list is shipped with each task instead: a worker reading
    the parent's Python strings would write their reference counts and so copy their pages."""
    return bool(getattr(texts, "read_in_workers", False))


def _texts_at(texts, idx) -> list:
    """The texts of these articles, in the given order (one batch read when file-backed)."""
    return texts.read_many(idx) if _read_in_workers(texts) else [texts[i] for i in idx]


class _Meta:
    """What direction and description read of an article (its text travels separately)."""

    __slots__ = ("id", "published", "wire", "source", "first_seen", "removed")

    def __init__(self, a):
        self.id, self.published, self.wire = a.id, a.published, a.wire
        self.source, self.first_seen = a.source, a.first_seen
        self.removed = [r for r in (a.removed or []) if isinstance(r, dict) and r.get("rule") == "source_tag"]


def _check_task(task: tuple) -> list:
    """Verify a group of candidate pairs; for each link found, its direction and the
    description of the derived side (``describe``), so the parent only assembles the tree.
    The task carries the texts and metadata of its articles (a forked worker reading the
    parent's Python strings would copy their pages: reference counts are written);
    the shingle arrays and the aligner come from the inherited state.
    Returns [(pair index, link, (origin, derived, why), description)]."""
    idx, pairs, flags, texts, arts = task
    st = workers_.state()
    ck = _Checker(texts, st["flat"], st["offsets"], st["dc"], st["boiler"], mark_boiler=st.get("mark_boiler"))
    if st["flat"] is None:  # streaming layout: this task's articles shingled here, in one batch
        ck.shingle_all(sorted(texts))
    ck._aligner = st["aligner"]
    feats_of = _FeatView(ck)
    found = []
    for flag in (False, True):
        sel = [k for k, f in enumerate(flags) if f == flag]
        if sel:
            lns = ck.check_many([pairs[k] for k in sel], flag)
            found.extend((idx[k], ln) for k, ln in zip(sel, lns) if ln is not None)
    found.sort(key=lambda x: x[0])
    dirs = [direction(arts, feats_of, ln) for _, ln in found]
    # near copies are described without their sentence diff (``describe_copies`` adds it);
    # rewrites already have their sentences (alignment needed them)
    return [(k, ln, dr, describe(arts, feats_of, ln, dr[0], dr[1], dr[2], diff=False)) for (k, ln), dr in zip(found, dirs)]


def _pair_tasks(pairs: np.ndarray, flags: np.ndarray, n: int, chunk: int) -> list:
    """Candidate pairs grouped into tasks of about ``chunk`` pairs, whole connected components
    together (an article's features are then computed by one worker), a component larger
    than ``chunk`` split in pieces. Each task: (pair indices, pairs, try_rewrite flags)."""
    m = len(pairs)
    if m == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = coo_matrix((np.ones(m, dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(g, directed=False)
    comp = label[pairs[:, 0]]
    order = np.argsort(comp, kind="stable")  # pairs of one component together, in input order
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    groups = np.split(order, bounds)
    groups.sort(key=lambda g_: int(g_[0]))  # components in order of their first pair
    tasks, cur, size = [], [], 0
    for g_ in groups:
        for s0 in range(0, len(g_), chunk):
            piece = g_[s0 : s0 + chunk]
            cur.append(piece)
            size += len(piece)
            if size >= chunk:
                tasks.append(np.concatenate(cur))
                cur, size = [], 0
    if cur:
        tasks.append(np.concatenate(cur))
    return [(t.tolist(), [tuple(p) for p in pairs[t].tolist()], flags[t].tolist()) for t in tasks]


class _MetaView:
    def __init__(self, arts):
        self.arts = arts

    def __getitem__(self, i: int) -> _Meta:
        return _Meta(self.arts[i])


def _with_docs(tasks: list, texts: Sequence[str], metas) -> Iterable[tuple]:
    """Each task with the texts and metadata of the articles its pairs touch (made as the pool
    asks for tasks, so only a few tasks' copies exist at a time)."""
    for idx, pairs, flags in tasks:
        docs = sorted({i for p in pairs for i in p})
        yield idx, pairs, flags, dict(zip(docs, _texts_at(texts, docs))), {i: metas[i] for i in docs}


# --------------------------------------------------------------------------- boilerplate


def boilerplate_mask(flat: np.ndarray, offsets: np.ndarray, sources: Sequence[Optional[str]], dc: DedupConfig) -> np.ndarray:
    """True for shingles to keep. An outlet's boilerplate = shingles found in at least
    ``boilerplate_share`` (and >= 3) of a sample of that outlet's articles; for an outlet with
    only 2-3 articles, shingles shared by the heads or tails of all of them."""
    bad = _groups_bad(flat, offsets, _boiler_groups(sources, dc), dc)
    keep = np.ones(flat.size, dtype=bool)
    if bad:
        b = np.unique(np.concatenate(bad))
        if b.size:
            keep = isin_sorted(flat, b)
            np.logical_not(keep, out=keep)
    return keep


def _outlet_shingles(flat: np.ndarray, o: int, e: int, few: bool) -> np.ndarray:
    """The unique shingles of one article that the boilerplate rule counts: all of them, or for
    an outlet with too few articles to judge by frequency, those of its head (first 40) and
    tail (last 60 shingles), where a header or footer is."""
    return sorted_unique(np.concatenate((flat[o : min(o + 40, e)], flat[max(e - 60, o) : e])) if few else flat[o:e])


def _outlet_bad(parts: list, few: bool, dc: DedupConfig) -> np.ndarray:
    """One outlet's boilerplate from its articles' ``_outlet_shingles``: shingles in all of
    them (few), else in ``boilerplate_share`` (and >= 3) of them."""
    vals, counts = np.unique(np.concatenate(parts), return_counts=True)
    need = len(parts) if few else max(3, int(np.ceil(dc.boilerplate_share * len(parts))))
    return vals[counts >= need]


def _groups_bad(flat: np.ndarray, offsets: np.ndarray, groups: list, dc: DedupConfig) -> list:
    """``_outlet_bad`` of each (few, indices) group of ``_boiler_groups``, less what
    ``_related_holders`` finds to be a story the outlet ran several times."""
    out = []
    for few, idx in groups:
        parts = [_outlet_shingles(flat, int(offsets[i]), int(offsets[i + 1]), few) for i in idx]
        cand = _outlet_bad(parts, few, dc)
        if cand.size:
            full = [sorted_unique(flat[int(offsets[i]) : int(offsets[i + 1])]) for i in idx] if few else parts
            cand = cand[~_related_holders(cand, parts, full, dc)]
        out.append(cand)
    return out


def _related_holders(cand: np.ndarray, parts: list, full: list, dc: DedupConfig) -> np.ndarray:
    """Which candidate boilerplate values of one outlet are held by articles that are related
    to each other: True = not boilerplate. ``parts``: per sampled article, the sorted shingles
    the candidates were counted in; ``full``: its whole sorted unique shingle set.

    A header or footer is shared by articles that share nothing else; a story the outlet ran
    three times (a wire report and its updates) is shared by articles that share all of it.
    Counting alone took such a story for the outlet's header: its text was then removed from
    every article of the batch, the wire's own copy and other outlets' copies included, and
    none of them was folded. The rule of articles naming no outlet (``_unsourced_bad``) tells
    the two apart: candidates are grouped by the exact set of articles holding them, and a
    group is boilerplate only when ``unsourced_probe`` of its holders, compared in consecutive
    pairs, share under ``unsourced_related`` of their shingles (median containment)."""
    if cand.size == 0:
        return np.zeros(0, dtype=bool)
    held = np.stack([isin_sorted(cand, p) for p in parts])  # (articles, candidates)
    with np.errstate(over="ignore"):  # an order-free key per set of holders
        mixed = (np.arange(1, len(parts) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        mixed ^= mixed >> np.uint64(31)
        keys = (held * mixed[:, None]).sum(axis=0, dtype=np.uint64)
    _, rep, inv = np.unique(keys, return_index=True, return_inverse=True)
    related = np.array([_median_containment(np.flatnonzero(held[:, j]), full.__getitem__, dc.unsourced_probe)
                        >= dc.unsourced_related for j in rep.tolist()], dtype=bool)
    return related[inv.ravel()]


def _median_containment(arts: np.ndarray, shingles, probe: int) -> float:
    """Median shingle containment of consecutive pairs among ``probe`` of ``arts`` spread over
    them (``shingles(i)``: article i's sorted unique shingles)."""
    probe = max(2, probe)
    if arts.size > probe:
        arts = arts[np.linspace(0, arts.size - 1, probe).astype(np.int64)]
    cont = []
    for x in range(len(arts) - 1):
        a, b = shingles(int(arts[x])), shingles(int(arts[x + 1]))
        cont.append(intersect_sorted(a, b).size / max(1, min(a.size, b.size)))
    if not cont:
        return 0.0
    cont.sort()
    k = len(cont)
    return (cont[k // 2] + cont[(k - 1) // 2]) / 2


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + l)`` for each (start, length), without a Python loop."""
    lens = np.asarray(lens, dtype=np.int64)
    if lens.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - np.concatenate(([0], np.cumsum(lens)[:-1]))
    return np.repeat(shift, lens) + np.arange(int(lens.sum()), dtype=np.int64)


def _unsourced_bad(flat: np.ndarray, offsets: np.ndarray, idx: Sequence[int], dc: DedupConfig) -> np.ndarray:
    """Boilerplate of articles that name no outlet (no ``source``, no URL), so cannot be
    grouped by outlet: shingles of their heads or tails (first 40, last 60 shingles, where a
    masthead, byline or footer is) found in at least ``unsourced_min`` of them, *whose
    articles are otherwise unrelated*. A shingle shared by the heads of a wire story's copies
    is shared with the rest of their text; one shared by an outlet's mastheads or footers is
    not. Candidate shingles are grouped by the exact set of articles holding them (one
    masthead's shingles, one footer's); for each group, ``unsourced_probe`` of its articles
    (spread over it) are compared in consecutive pairs, and the group is boilerplate when the
    median shingle containment of those pairs is under ``unsourced_related``."""
    idx = np.asarray(idx, dtype=np.int64)
    need = max(2, dc.unsourced_min)
    if idx.size < need:
        return np.zeros(0, dtype=np.uint64)
    o, e = offsets[idx].astype(np.int64), offsets[idx + 1].astype(np.int64)
    h_end = np.minimum(o + 40, e)
    t_start = np.maximum(e - 60, h_end)
    pos = _ranges(np.concatenate((o, t_start)), np.concatenate((h_end - o, e - t_start)))
    art = np.repeat(np.concatenate((idx, idx)), np.concatenate((h_end - o, e - t_start)))
    vals = flat[pos]
    # most head/tail shingles are in one article only: a count of their low bits rules them
    # out without sorting them all (a bucket's count >= the count of any value in it)
    bits = int(min(24, max(10, np.ceil(np.log2(max(2, vals.size))) + 1)))
    low = (vals & np.uint64((1 << bits) - 1)).astype(np.int64)
    shared = np.bincount(low, minlength=1 << bits)[low] >= need
    vals, art = vals[shared], art[shared]
    del low, shared
    order = np.lexsort((art, vals))
    vals, art = vals[order], art[order]
    first = np.ones(vals.size, dtype=bool)
    first[1:] = (vals[1:] != vals[:-1]) | (art[1:] != art[:-1])
    vals, art = vals[first], art[first]  # (value, article) pairs, each once, sorted by value
    if vals.size == 0:
        return np.zeros(0, dtype=np.uint64)
    starts = np.flatnonzero(np.concatenate(([True], vals[1:] != vals[:-1])))
    counts = np.diff(np.append(starts, vals.size))
    cand = counts >= need
    if not cand.any():
        return np.zeros(0, dtype=np.uint64)
    # a key per candidate value for the set of articles holding it (order-free sum of mixed ids)
    with np.errstate(over="ignore"):
        mixed = (art.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        mixed ^= mixed >> np.uint64(31)
        keys = np.add.reduceat(mixed, starts)
    cs, cc = starts[cand], counts[cand]
    with np.errstate(over="ignore"):
        gkey = keys[cand] ^ (cc.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9))
    _, rep, inv = np.unique(gkey, return_index=True, return_inverse=True)
    sets: dict[int, np.ndarray] = {}

    def shingles(i: int) -> np.ndarray:
        s = sets.get(i)
        if s is None:
            if len(sets) >= 8_192:  # bounded memory
                sets.clear()
            s = sets[i] = sorted_unique(flat[int(offsets[i]) : int(offsets[i + 1])])
        return s

    is_bad = np.zeros(rep.size, dtype=bool)
    for g, j0 in enumerate(rep.tolist()):  # (a group's articles are in index order)
        is_bad[g] = _median_containment(art[cs[j0] : cs[j0] + cc[j0]], shingles, dc.unsourced_probe) < dc.unsourced_related
    return np.unique(vals[cs[is_bad[inv.ravel()]]])


def boilerplate_values(flat: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return sorted_unique(flat[~keep]) if not keep.all() else np.zeros(0, dtype=np.uint64)


def _drop_boiler_sentences(sents: list[str], boiler: np.ndarray) -> list[str]:
    """Sentences most of whose shingles are outlet boilerplate are left out of alignment."""
    if not sents:
        return sents
    flat, offs = shingle_batch(sents)
    pos = np.searchsorted(boiler, flat)
    pos[pos >= boiler.size] = 0
    hit = (boiler[pos] == flat).astype(np.int64)
    c = np.concatenate(([0], np.cumsum(hit)))
    n = offs[1:] - offs[:-1]
    share = (c[offs[1:]] - c[offs[:-1]]) / np.maximum(n, 1)
    return [s for s, sh in zip(sents, share) if sh < 0.5]


def _apply_mask(flat, offsets, keep):
    c = np.concatenate(([0], np.cumsum(keep)))
    return flat[keep], c[offsets]


def _compact(flat: np.ndarray, offsets: np.ndarray, keep: np.ndarray, block: int = 1 << 22):
    """``_apply_mask`` in place, block by block: the kept values move to the front of ``flat``
    (a view of it is returned), so masking a large batch needs no second full-size array."""
    n = flat.size
    new_off = np.empty(len(offsets), dtype=np.int64)
    w = 0
    for s in range(0, n, block):
        e = min(s + block, n)
        k = keep[s:e]
        lo, hi = np.searchsorted(offsets, [s, e], "left")
        if hi > lo:
            cs = np.zeros(e - s + 1, dtype=np.int64)
            np.cumsum(k, out=cs[1:])
            new_off[lo:hi] = w + cs[offsets[lo:hi] - s]
        part = flat[s:e][k]
        flat[w : w + part.size] = part
        w += part.size
    new_off[np.searchsorted(offsets, n, "left") :] = w
    return flat[:w], new_off


# --------------------------------------------------------------------------- pair checks


class _Checker:
    def __init__(self, texts: Sequence[str], flat: np.ndarray, offsets: np.ndarray, dc: DedupConfig,
                 boiler: Optional[np.ndarray] = None, raw_sents: Optional[dict] = None,
                 mark_boiler: Optional[np.ndarray] = None):
        self.texts = texts
        #: the boilerplate the editorial-mark check discounts, when not ``boiler``: an
        #: outlet's own (an update note printed under all its articles says nothing about one),
        #: not what articles naming no outlet share (a note worded alike in many of them is
        #: still a note)
        self.mark_boiler = mark_boiler
        #: index -> cached (sentences, flat, offsets) before boilerplate filtering
        self.raw_sents = raw_sents or {}
        self.keep_raw = raw_sents is not None
        self.flat = flat
        self.offsets = offsets
        self.dc = dc
        self.boiler = boiler if boiler is not None and boiler.size else None
        self._feats: dict[int, Features] = {}
        self._aligner: Optional[SentenceAligner] = None
        self._memo: dict = {}  # per text: names, numbers, editorial marks (Features.memo)
        self._sfacts: dict[int, list] = {}
        self._vecs: dict[int, Any] = {}
        #: index -> unique masked shingles computed in advance (``shingle_all``)
        self._sets: dict[int, np.ndarray] = {}

    def shingle_all(self, idx: list) -> None:
        """Shingle sets of these articles in one batch (when the batch's arrays are not kept)."""
        for i, sh in zip(idx, _masked_sets([self.texts[i] for i in idx], self.boiler)):
            self._sets[i] = sh

    #: features of at most this many articles are cached (memory stays bounded at scale; the
    #: pairs of one task are whole components, so a task's articles fit)
    CACHE = 4_096

    def feats(self, i: int) -> Features:
        f = self._feats.get(i)
        if f is None:
            if len(self._feats) >= self.CACHE:
                self._feats.clear()
                self._memo.clear()
                self._vecs.clear()
                self._sfacts.clear()
            sh = self._sets.pop(i, None)
            if sh is None:
                if self.flat is not None:
                    sh = sorted_unique(self.flat[self.offsets[i] : self.offsets[i + 1]])
                else:
                    sh = _masked_sets([self.texts[i]], self.boiler)[0]
            f = self._feats[i] = Features(self.texts[i], sh, boiler=self.boiler, memo=self._memo)
            if self.mark_boiler is not None:
                f.extra["mark_boiler"] = self.mark_boiler
            if self.keep_raw:  # FamilyIndex keeps raw sentences per row
                f.extra["keep_raw"] = True
                f._raw_sents = self.raw_sents.get(i)
        return f

    def vecs(self, i: int):
        v = self._vecs.get(i)
        if v is None:
            v = self._vecs[i] = self.aligner.vectors(self.feats(i).sentences)
        return v

    def prefetch_vecs(self, idx) -> None:
        """Sentence vectors of these articles, in one batch (``SentenceAligner.vectors_many``)."""
        todo = [i for i in dict.fromkeys(idx) if i not in self._vecs]
        for s in range(0, len(todo), 512):
            part = todo[s : s + 512]
            for i, v in zip(part, self.aligner.vectors_many([self.feats(i).sentences for i in part])):
                self._vecs[i] = v

    @property
    def aligner(self) -> SentenceAligner:
        if self._aligner is None:
            al = SentenceAligner()
            n = len(self.texts)
            idx = range(n) if n <= self.dc.aligner_sample_docs else random.Random(self.dc.seed).sample(range(n), self.dc.aligner_sample_docs)
            sents = []
            fs = [self.feats(i) for i in idx]
            prefetch_sentences(fs)
            for f in fs:
                sents.extend(f.sentences)
            # each distinct sentence counted once: the copies of a syndicated report repeat
            # its sentences, which then weighed like common ones, and a rewrite of it that
            # others republished no longer aligned with its origin (seed 003 run again by
            # three outlets was counted as a fourth independent source)
            al.observe(list(dict.fromkeys(sents)))
            self._aligner = al
        return self._aligner

    def sfacts(self, i: int):
        v = self._sfacts.get(i)
        if v is None:
            v = self._sfacts[i] = sentence_facts(self.feats(i).sentences)
        return v

    def needs_sentences(self, a: int, b: int, try_rewrite: bool, ov: dict) -> bool:
        """Whether ``check`` will look at the sentences of this pair (same tests, same order)."""
        if ov["containment"] >= self.dc.near_containment:
            return False
        if not try_rewrite and ov["jaccard"] < self.dc.rewrite_min_jaccard:
            return False
        if ov["containment"] >= self.dc.template_containment and not facts_agree(self.feats(a), self.feats(b))[0]:
            return False
        if not rewrite_facts_agree(self.feats(a), self.feats(b))[0]:
            return False
        return True

    def check_many(self, pairs: list, try_rewrite: bool, chunk: int = 2048) -> list:
        """``check`` over many pairs, in input order; the sentences of the articles that
        alignment will need are computed in one batch per chunk of pairs."""
        out = []
        for s in range(0, len(pairs), chunk):
            part = pairs[s : s + chunk]
            ovs = [set_overlap(self.feats(a).shingles, self.feats(b).shingles) for a, b in part]
            # the numbers of the articles the facts check will read, in one batch
            lim = min(self.dc.template_containment, self.dc.near_containment)
            fs = [f for f in {id(f): f for (a, b), ov in zip(part, ovs) if ov["containment"] >= lim
                              for f in (self.feats(a), self.feats(b)) if f._numbers is None}.values()
                  if ("numbers", f.text) not in self._memo]
            texts = list(dict.fromkeys(f.text for f in fs))  # copies of one text: read once
            for t, nums in zip(texts, numbers_batch(texts)):
                self._memo[("numbers", t)] = nums
            need = []
            for (a, b), ov in zip(part, ovs):
                if self.needs_sentences(a, b, try_rewrite, ov):
                    need.append(a)
                    need.append(b)
            prefetch_sentences([self.feats(i) for i in need])
            self.prefetch_vecs(need)
            for (a, b), ov in zip(part, ovs):
                out.append(self.check(a, b, try_rewrite, ov))
        return out

    def check(self, a: int, b: int, try_rewrite: bool, ov: Optional[dict] = None) -> Optional[Link]:
        fa, fb = self.feats(a), self.feats(b)
        if ov is None:
            ov = set_overlap(fa.shingles, fb.shingles)
        if ov["containment"] >= self.dc.near_containment:
            ok, _why = facts_agree(fa, fb)
            if ok:
                return Link(a, b, "near", ov)
            return None
        if not try_rewrite and ov["jaccard"] < self.dc.rewrite_min_jaccard:
            return None
        if ov["containment"] >= self.dc.template_containment and not facts_agree(fa, fb)[0]:
            return None  # much shared wording, different facts: a templated report
        if not rewrite_facts_agree(fa, fb)[0]:
            return None  # a template's skeleton filled with other names and numbers
        sa, sb = fa.sentences, fb.sentences
        if not sa or not sb:
            return None
        aligned = self.aligner.align(sa, sb, self.sfacts(a), self.sfacts(b), self.vecs(a), self.vecs(b))
        if is_rewrite(len(aligned), len(sa), len(sb), low_overlap=ov["jaccard"] < self.dc.rewrite_min_jaccard):
            ov = dict(ov)
            ov["order_kept"] = round(lis_share(aligned), 3)
            return Link(a, b, "rewrite", ov, aligned, (len(sa), len(sb)))
        return None


# --------------------------------------------------------------------------- union-find / tree


def _build_tree(arts, feats_of, links: list[Link], dirs: Optional[list] = None) -> dict[int, tuple[int, Link, str]]:
    """derived index -> (origin index, link, why). Roots are absent. ``dirs``: the links'
    ``direction`` results when already computed (by the check tasks)."""
    n = len(arts)
    uf = UnionFind(n)
    adj: dict[int, list[tuple[int, Link, bool, str]]] = {}
    net: dict[int, int] = {}
    for k, ln in enumerate(links):
        o, d, why = dirs[k] if dirs is not None else direction(arts, feats_of, ln)
        uf.union(o, d)
        adj.setdefault(o, []).append((d, ln, False, why))  # neighbour d is derived from o
        adj.setdefault(d, []).append((o, ln, True, why))  # neighbour o is d's origin
        net[d] = net.get(d, 0) + 1
        net[o] = net.get(o, 0) - 1
    comps: dict[int, list[int]] = {}
    for i in adj:
        comps.setdefault(uf.find(i), []).append(i)
    parent: dict[int, tuple[int, Link, str]] = {}
    for members in comps.values():
        members.sort(key=lambda i: (net.get(i, 0), (arts[i].published or "~")[:10], i))
        placed = {members[0]}
        pending = members[1:]
        while pending:
            rest = []
            for i in pending:
                best = None
                for j, ln, j_is_origin, why in adj[i]:
                    if j not in placed:
                        continue
                    key = (j_is_origin, ln.kind == "near", ln.score)
                    if best is None or key > best[0]:
                        best = (key, j, ln, why if j_is_origin else "placed after its family's origin")
                if best is None:
                    rest.append(i)
                else:
                    parent[i] = (best[1], best[2], best[3])
                    placed.add(i)
            if len(rest) == len(pending):  # disconnected leftovers (cannot happen): roots
                break
            pending = rest
    return parent


def _root(parent: dict, i: int) -> int:
    seen = set()
    while i in parent and i not in seen:
        seen.add(i)
        i = parent[i][0]
    return i


def _assign(arts: Sequence[Article], feats_of, parent: dict, described: Optional[dict] = None) -> list[Family]:
    """Set the dedup fields of every article from the tree. ``described``: id(link) ->
    (origin, derived, why, describe() result) computed by the check tasks; a tree edge that
    matches it (same origin, derived and reason) reuses it, any other is described here."""
    described = described or {}
    families: dict[int, list[int]] = {}
    for i, art in enumerate(arts):
        r = _root(parent, i)
        families.setdefault(r, []).append(i)
        if i not in parent:
            art.family = art.id
            art.origin = None
            art.relation = "original"
            art.similarity = {}
            art.added = []
            art.dropped = []

    def ready(i, o, ln, why):
        pre = described.get(id(ln))
        return pre[3] if pre is not None and pre[0] == o and pre[1] == i and pre[2] == why else None

    # sentences of the rewrite edges that ``describe`` will look at here, in one batch (near
    # copies are described without their sentence diff: ``describe_copies`` adds it)
    need = []
    for i, (o, ln, why) in parent.items():
        if ln.kind != "near" and ready(i, o, ln, why) is None:
            need.append(i)
            need.append(o)
    for s in range(0, len(need), 4096):
        prefetch_sentences([feats_of[i] for i in need[s : s + 4096]])
    for r, members in families.items():
        for i in members:
            if i in parent:
                o, ln, why = parent[i]
                info = ready(i, o, ln, why) or describe(arts, feats_of, ln, o, i, why, diff=False)
                art = arts[i]
                art.family = arts[r].id
                art.origin = arts[o].id
                art.relation = info["relation"]
                art.similarity = info["similarity"]
                art.reason = info["reason"]
                art.added = info["added"]
                art.dropped = info["dropped"]
        root = arts[r]
        root.reason = (f"origin of a family of {len(members)} articles" if len(members) > 1
                       else "no copy, truncation or rewrite of another article found")
    return [family_record([arts[i] for i in members]) for members in families.values()]


def family_record(members: Sequence[Article]) -> Family:
    """The :class:`Family` of articles that share ``family`` (set by :func:`fold` or
    :class:`FamilyIndex`); its origin is the member whose id is the family id."""
    fid = members[0].family or members[0].id
    root = next((a for a in members if a.id == fid), None)
    wire = (root.wire if root else None) or next((a.wire for a in members if a.wire), None)
    return Family(
        id=fid, origin=fid,
        members=[FamilyMember(id=a.id, origin=a.origin, relation=a.relation or "original",
                              similarity=a.similarity, reason=a.reason) for a in members],
        outlets=sorted({a.source for a in members if a.source}), wire=wire,
    )


def families_of(articles: Sequence[Article]) -> list[Family]:
    """The families of a set of articles (e.g. one story's members), from their dedup fields."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.family or a.id, []).append(a)
    return [family_record(g) for g in groups.values()]


# --------------------------------------------------------------------------- batch


def fold(articles: Sequence[Article], *, config: Any = None, texts: Optional[Sequence[str]] = None) -> list[Family]:
    """Find copy families among ``articles``; set family/origin/relation/similarity/reason/
    added/dropped on each: detection (:func:`fold_detect`) then the description of near
    copies' added/dropped sentences (:meth:`Detection.describe`).

    ``texts``: the articles' texts, aligned with them, when the articles do not carry them
    (then each article needs only id, source, published, wire, first_seen and the writable
    dedup fields, e.g. :class:`newsfold.dedup.corpus.ArticleRecord`); a file-backed sequence
    (:class:`newsfold.dedup.corpus.CorpusTexts`) keeps them out of memory, read on demand."""
    det = fold_detect(articles, config=config, texts=texts)
    det.describe()
    return det.families


class Detection:
    """What :func:`fold_detect` decided, and what is left to describe.

    ``families``: the copy families (every article's family, origin, relation, similarity and
    reason are set; rewrites' ``added``/``dropped`` too). ``pending``: (derived, origin)
    indices of near copies whose ``added``/``dropped`` are still ``None``: :meth:`describe`
    fills them (a sentence diff, not needed to decide anything, so it is not part of
    detection)."""

    def __init__(self, arts, families, pending, boiler, dc, workers, shingles=None, texts=None):
        self.arts, self.families, self.pending = arts, families, pending
        self.boiler, self.dc, self.workers = boiler, dc, workers
        #: (flat, offsets) of the masked shingles when the batch kept them (else re-shingled)
        self.shingles = shingles
        #: the texts when given apart from the articles (``fold_detect(texts=...)``)
        self.texts = texts

    def describe(self) -> None:
        if self.pending:
            describe_copies(self.arts, self.pending, self.boiler, workers=self.workers, chunk=self.dc.pair_chunk,
                            shingles=self.shingles, texts=self.texts)
        self.pending = []
        self.shingles = None
        self.texts = None


def fold_detect(articles: Sequence[Article], *, config: Any = None, texts: Optional[Sequence[str]] = None) -> Detection:
    """Copy detection: families, origins, relations, similarity and reasons. The sentence
    diff of near copies (``added``/``dropped``) is left to ``Detection.describe()``
    (:func:`fold` calls both). ``texts``: as for :func:`fold`."""
    dc = _dedup_config(config)
    arts = list(articles)
    n = len(arts)
    if texts is not None and len(texts) != n:
        raise ValueError(f"fold: {len(texts)} texts for {n} articles")
    if n == 0:
        return Detection(arts, [], [], None, dc, 1)
    workers = _n_workers(dc, n)
    if texts is None:
        texts = [a.text or "" for a in arts]
    elif not _read_in_workers(texts):
        texts = [t or "" for t in texts]
    sources = [outlet_of(a) for a in arts]
    extra = None
    mark_boiler = None  # the editorial-mark check's boilerplate, when not ``boiler``
    if n <= dc.keep_shingles_max:
        if dc.rare_k and n > dc.knn_limit:
            vocab = rare.RareVocab.from_texts(texts, dc.rare_sample, dc.seed)
            flat, offsets, sk = _shingle_chunked(texts, workers=workers, rare_args=(vocab, dc.rare_k, dc.rare_max_share))
            extra = rare.candidate_pairs(sk, dc.rare_min_shared, dc.rare_group_max)
            del sk, vocab
        else:
            flat, offsets = _shingle_chunked(texts, workers=workers)
        # (= boilerplate_values(flat, boilerplate_mask(...)), the outlets shared among the
        # workers; each signing task masks its chunk and returns which shingles it kept)
        boiler = _boiler_from_flat(flat, offsets, sources, dc, workers)
        unsourced = [i for i, s in enumerate(sources) if not s]
        if len(unsourced) >= max(2, dc.unsourced_min):
            mark_boiler = boiler
            boiler = np.union1d(boiler, _unsourced_bad(flat, offsets, unsourced, dc))
        sig, keep = _sign_chunked(texts, flat, offsets, boiler, workers, return_keep=True)
        if keep is not None and not keep.all():
            flat, offsets = _compact(flat, offsets, keep)
        del keep
    else:
        # streaming layout: no batch-wide shingle array (8 B per 5-gram: ~4 GB at 1M articles)
        boiler = _sampled_boilerplate(texts, sources, dc, workers)
        unsourced = [i for i, s in enumerate(sources) if not s]
        if len(unsourced) >= max(2, dc.unsourced_min):
            mark_boiler = boiler
            if len(unsourced) > dc.unsourced_sample:
                unsourced = sorted(random.Random(dc.seed).sample(unsourced, dc.unsourced_sample))
            part = texts.read_many(unsourced) if _read_in_workers(texts) else [texts[i] for i in unsourced]
            f, o = shingle_batch(part)
            boiler = np.union1d(boiler, _unsourced_bad(f, o, range(len(part)), dc))
            del part, f, o
        flat = offsets = None
        sig = _sign_chunked(texts, None, None, boiler, workers)
    # features of any edge described here
    checker = _Checker(texts, flat, offsets, dc, boiler, mark_boiler=mark_boiler)
    aligner = checker.aligner
    # find_links drops the signature matrix once it has its candidate pairs (512 B per
    # article: 488 MiB at 1M): no reference is kept here while the pairs are checked
    box = [sig]
    del sig
    results = find_links(texts, flat, offsets, dc, boiler, arts=arts, workers=workers, aligner=aligner, sig=box.pop(),
                         extra=extra, mark_boiler=mark_boiler)
    links = [r[0] for r in results]
    dirs = [r[1] for r in results]
    described = {id(r[0]): (r[1][0], r[1][1], r[1][2], r[2]) for r in results}
    del results
    feats_of = _FeatView(checker)
    parent = _build_tree(arts, feats_of, links, dirs)
    families = _assign(arts, feats_of, parent, described)
    pending = [(i, o) for i, (o, _ln, _why) in parent.items() if arts[i].added is None]
    pending.sort()
    return Detection(arts, families, pending, boiler, dc, workers, None if flat is None or not pending else (flat, offsets),
                     texts=texts if pending else None)


def _masked_sets(texts: Sequence[str], boiler: Optional[np.ndarray]) -> list:
    """Unique sorted 5-gram hashes of each text with outlet boilerplate shingles removed: the
    sets that detection verifies (one ``shingle_batch`` for all)."""
    flat, offsets = shingle_batch(texts)
    if boiler is not None and boiler.size and flat.size:
        keep = isin_sorted(flat, boiler)
        np.logical_not(keep, out=keep)
        flat, offsets = _apply_mask(flat, offsets, keep)
    return [sorted_unique(flat[offsets[k] : offsets[k + 1]]) for k in range(len(texts))]


def _describe_task(task: tuple) -> list:
    """``added``/``dropped`` of near copies: [(derived, added, dropped)] for (derived, origin)
    pairs, from the articles' texts (re-shingled; outlet boilerplate removed as in detection)."""
    pairs, texts = task
    st = workers_.state()
    if not isinstance(texts, dict):  # indices: read here from the file-backed texts
        texts = dict(zip(texts, st["texts"].read_many(texts)))
    boiler = st["boiler"]
    docs = sorted(texts)
    pos = {i: k for k, i in enumerate(docs)}
    b = boiler if boiler is not None and boiler.size else None
    flat, offsets = st["flat"], st["offsets"]
    if flat is not None:
        sets = [sorted_unique(flat[offsets[i] : offsets[i + 1]]) for i in docs]
    else:
        sets = _masked_sets([texts[i] for i in docs], b)
    feats = [Features(texts[i], sh, boiler=b) for i, sh in zip(docs, sets)]
    prefetch_sentences(feats)
    out = []
    for d, o in pairs:
        added, dropped = sentence_diff(feats[pos[d]], feats[pos[o]])
        out.append((d, added, dropped))
    return out


def describe_copies(arts: Sequence[Article], pending: list, boiler: Optional[np.ndarray], workers: int = 1,
                    chunk: int = 2_048, shingles: Optional[tuple] = None, texts: Optional[Sequence[str]] = None) -> None:
    """Fill ``added``/``dropped`` of near copies: for each (derived, origin) index pair, the
    sentences of the derived article most of whose 5-grams are absent from its origin, and
    back (``provenance.sentence_diff``, as ``describe`` computes them). Batched: pairs in
    tasks of ``chunk``, each task's texts shingled and split into sentences in one pass, on
    ``workers`` processes. ``texts``: the articles' texts when they do not carry them (a
    file-backed sequence is read by the workers themselves)."""
    tasks = []
    for s in range(0, len(pending), chunk):
        part = [(int(d), int(o)) for d, o in pending[s : s + chunk]]
        docs = sorted({i for p in part for i in p})
        tasks.append((part, docs))
    lazy = _read_in_workers(texts)

    def with_texts():
        for part, docs in tasks:
            if lazy:
                yield part, docs
            elif texts is not None:
                yield part, {i: texts[i] or "" for i in docs}
            else:
                yield part, {i: arts[i].text or "" for i in docs}

    flat, offsets = shingles if shingles is not None else (None, None)
    state = {"boiler": boiler, "flat": flat, "offsets": offsets, "texts": texts if lazy else None}
    for res in workers_.run_tasks(_describe_task, with_texts(), state, workers if len(tasks) > 1 else 1):
        for d, added, dropped in res:
            arts[d].added = added
            arts[d].dropped = dropped


def _sign_task(task: tuple) -> np.ndarray:
    """Signatures of rows [s, e): from the inherited (masked) shingle arrays, or, in the
    streaming layout, from the texts carried by the task (shingled and masked here)."""
    s, e, texts = task
    st = workers_.state()
    b = st["boiler"]
    if st["flat"] is not None:
        flat, offsets = st["flat"], st["offsets"]
        o0 = int(offsets[s])
        flat, offsets = flat[o0 : int(offsets[e])], offsets[s : e + 1] - o0
        if b is None or not b.size or not flat.size:
            return minhash.signatures(flat, offsets, st["num_perm"]), None
        keep = isin_sorted(flat, b)
        np.logical_not(keep, out=keep)
        return minhash.signatures(*_apply_mask(flat, offsets, keep), st["num_perm"]), keep
    if texts is None:  # file-backed texts: this chunk read here
        texts = st["texts"].read_range(s, e)
    flat, offsets = shingle_batch(texts)
    if b is not None and b.size and flat.size:
        keep = isin_sorted(flat, b)
        np.logical_not(keep, out=keep)
        flat, offsets = _apply_mask(flat, offsets, keep)
    return minhash.signatures(flat, offsets, st["num_perm"])


def _sign_chunked(texts, flat, offsets, boiler, workers: int, chunk: int = 4096,
                  num_perm: int = minhash.NUM_PERM, return_keep: bool = False):
    """The (n, num_perm) uint32 signature matrix, chunks masked (outlet boilerplate shingles
    removed) and signed on ``workers`` processes. With ``flat`` None each chunk's texts are
    shingled in the worker, which returns only the chunk's signatures (nothing batch-wide but
    the matrix is held); else ``return_keep`` also gives the keep mask over ``flat``."""
    n = len(texts)
    spans = [(s, min(s + chunk, n)) for s in range(0, n, chunk)]
    lazy = flat is None and _read_in_workers(texts)
    state = {"flat": flat, "offsets": offsets, "boiler": boiler, "num_perm": num_perm, "texts": texts if lazy else None}
    tasks = ((s, e, None if flat is not None or lazy else list(texts[s:e])) for s, e in spans)
    sig = np.empty((n, num_perm), dtype=np.uint32)
    keeps = []
    for (s, e), out in zip(spans, workers_.run_tasks(_sign_task, tasks, state, workers if len(spans) > 1 else 1)):
        part, k = out if flat is not None else (out, None)
        sig[s:e] = part
        keeps.append(k)
    if not return_keep:
        return sig
    if flat is None or all(k is None for k in keeps):
        return sig, None
    return sig, np.concatenate(keeps)


def _group_bad_task(groups: list) -> list:
    """Boilerplate values of some outlets (``_boiler_groups``) from the inherited arrays, by
    the rule of ``boilerplate_mask``."""
    st = workers_.state()
    return _groups_bad(st["flat"], st["offsets"], groups, st["dc"])


def _boiler_from_flat(flat, offsets, sources, dc: DedupConfig, workers: int) -> np.ndarray:
    """``boilerplate_values(flat, boilerplate_mask(flat, offsets, sources, dc))``, the outlets
    shared among ``workers`` processes (the values removed are those found, and every value
    found occurs in ``flat``)."""
    groups = _boiler_groups(sources, dc)
    if not groups:
        return np.zeros(0, dtype=np.uint64)
    k = max(1, min(len(groups), 2 * workers))
    tasks = [groups[j::k] for j in range(k)]
    parts = [x for out in workers_.run_tasks(_group_bad_task, iter(tasks), {"flat": flat, "offsets": offsets, "dc": dc},
                                     workers if k > 1 else 1) for x in out]
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)


def _boiler_groups(sources: Sequence[Optional[str]], dc: DedupConfig) -> list:
    """The articles ``boilerplate_mask`` looks at, per outlet, in its order: (few, indices)."""
    by_src: dict[str, list[int]] = {}
    for i, s in enumerate(sources):
        if s:
            by_src.setdefault(s.casefold(), []).append(i)
    rng = random.Random(dc.seed)
    out = []
    for idx in by_src.values():
        if len(idx) < 2:
            continue
        if len(idx) < 4:
            out.append((True, idx))
        else:
            out.append((False, idx if len(idx) <= dc.boilerplate_sample else rng.sample(idx, dc.boilerplate_sample)))
    return out


def _sample_sets_task(task: tuple) -> list:
    """Per article: its unique raw shingles (few=False), or those of its head/tail and all of
    them (few=True: a pair)."""
    texts, few = task
    if not isinstance(texts[0] if texts else "", str):  # indices: read here from the file-backed texts
        texts = workers_.state()["texts"].read_many(texts)
    flat, offsets = shingle_batch(texts)
    return [(_outlet_shingles(flat, int(offsets[k]), int(offsets[k + 1]), True),
             sorted_unique(flat[int(offsets[k]) : int(offsets[k + 1])])) if f
            else _outlet_shingles(flat, int(offsets[k]), int(offsets[k + 1]), False) for k, f in enumerate(few)]


def _sampled_boilerplate(texts, sources, dc: DedupConfig, workers: int, chunk: int = 4096) -> np.ndarray:
    """``boilerplate_values`` of ``boilerplate_mask``, from the sampled articles only (the same
    samples, the same rule, so the same values: every value comes from an article of the
    batch), without shingling the whole batch."""
    groups = _boiler_groups(sources, dc)
    order = [(i, few) for few, idx in groups for i in idx]
    lazy = _read_in_workers(texts)
    # (a file-backed corpus: the tasks carry indices and the workers read their texts)
    tasks = (([i for i, _ in order[s : s + chunk]] if lazy else [texts[i] for i, _ in order[s : s + chunk]],
              [f for _, f in order[s : s + chunk]]) for s in range(0, len(order), chunk))
    n_tasks = (len(order) + chunk - 1) // chunk
    sets = [x for part in workers_.run_tasks(_sample_sets_task, tasks, {"texts": texts if lazy else None},
                                     workers if n_tasks > 1 else 1)
            for x in part]
    bad: list[np.ndarray] = []
    k = 0
    for few, idx in groups:
        got = sets[k : k + len(idx)]
        parts, full = ([p for p, _ in got], [f for _, f in got]) if few else (got, got)
        cand = _outlet_bad(parts, few, dc)
        if cand.size:
            cand = cand[~_related_holders(cand, parts, full, dc)]
        bad.append(cand)
        k += len(idx)
    return np.unique(np.concatenate(bad)) if bad else np.zeros(0, dtype=np.uint64)


def _shingle_chunked(texts: Sequence[str], chunk: int = 4096, workers: int = 1, rare_args: Optional[tuple] = None):
    """shingle_batch over chunks, so the temporaries of only one chunk are alive at a time
    (chunks shared among ``workers`` processes). With ``rare_args`` (vocab, k, max_share) the
    rare-word sketches are made from the same tokens and returned third."""
    if len(texts) <= chunk:
        return _shingle_part(list(texts), rare_args)
    spans = [(s, min(s + chunk, len(texts))) for s in range(0, len(texts), chunk)]
    lazy = _read_in_workers(texts)  # a file-backed corpus: the workers read their chunks
    parts = workers_.run_tasks(_shingle_task, ((s, e) if lazy else list(texts[s:e]) for s, e in spans),
                       {"texts": texts if lazy else None, "rare": rare_args}, workers)
    sk = np.concatenate([p[2] for p in parts]) if rare_args is not None else None
    parts = [p[:2] for p in parts]
    # one output array, filled part by part while the parts are released (no second copy)
    flat = np.empty(sum(int(o[-1]) for _, o in parts), dtype=np.uint64)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    base = 0
    parts.reverse()
    for s, _e in spans:
        f, o = parts.pop()
        flat[base : base + f.size] = f
        offsets[s + 1 : s + len(o)] = o[1:] + base
        base += f.size
        del f, o
    return (flat, offsets) if rare_args is None else (flat, offsets, sk)


class _FeatView:
    def __init__(self, checker: _Checker):
        self.c = checker

    def __getitem__(self, i: int) -> Features:
        return self.c.feats(i)


def find_links(texts, flat, offsets, dc: DedupConfig, boiler=None, arts=None, workers: int = 1,
               aligner: Optional[SentenceAligner] = None, sig: Optional[np.ndarray] = None,
               extra: Optional[np.ndarray] = None, mark_boiler: Optional[np.ndarray] = None) -> list:
    """Verified links among the texts, in candidate order: [(link, (origin, derived, why),
    describe() of the derived side)]. Candidate pairs are checked in chunks (``pair_chunk``),
    in ``workers`` forked processes when > 1. ``extra``: more candidate pairs (rare-word
    pairs), verified like banding's own where banding did not propose them."""
    n = len(texts)
    if arts is None:
        arts = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    if sig is None:
        sig = minhash.signatures(flat, offsets, dc.num_perm)
    # rows with no shingles are all-max (minhash.signatures): not banded
    valid = (sig != np.iinfo(np.uint32).max).any(axis=1) if flat is None else offsets[1:] > offsets[:-1]
    cands = banding.candidate_pairs(sig, dc.rows_per_band, valid=valid)
    del sig
    flags = np.zeros(len(cands), dtype=bool)
    if n <= dc.knn_limit:
        seen = set(map(tuple, cands.tolist()))
        knn = [tuple(p) for p in doc_neighbours(texts, k=dc.knn_k).tolist() if tuple(p) not in seen]
        if knn:
            cands = np.concatenate((cands, np.asarray(knn, dtype=np.int64).reshape(-1, 2)))
            flags = np.concatenate((flags, np.ones(len(knn), dtype=bool)))
    if extra is not None and len(extra):
        # rare-word pairs banding did not propose, verified as banding's own pairs are (a
        # rewrite needs word 5-gram Jaccard >= rewrite_min_jaccard: independent reports of one
        # event share rare words too, names and places, but few 5-grams), in the same tasks
        # as the other pairs of their articles, whose features they then share
        new = ~np.isin(extra[:, 0] * n + extra[:, 1], cands[:, 0] * n + cands[:, 1])
        # an outlet's own words (header, footer, bylines) are rare in the batch yet shared by
        # all its articles: rare-word pairs within one outlet are left to banding
        src = [outlet_key(a) for a in arts]
        new &= np.fromiter((not src[a] or src[a] != src[b] for a, b in extra.tolist()), dtype=bool, count=len(extra))
        if new.any():
            cands = np.concatenate((cands, extra[new]))
            flags = np.concatenate((flags, np.zeros(int(new.sum()), dtype=bool)))
    tasks = _pair_tasks(cands, flags, n, dc.pair_chunk)
    del cands, flags
    if aligner is None:
        aligner = _Checker(texts, flat, offsets, dc, boiler).aligner
    metas = _MetaView(arts)  # made per task (not one object per article of the batch)
    state = {"flat": flat, "offsets": offsets, "dc": dc, "boiler": boiler, "aligner": aligner,
             "mark_boiler": mark_boiler}
    out: list = []
    for part in workers_.run_tasks(_check_task, _with_docs(tasks, texts, metas), state, workers):
        out.extend(part)
    out.sort(key=lambda x: x[0])  # links in candidate order, as checked one by one
    return [x[1:] for x in out]


# --------------------------------------------------------------------------- story sources


def story_sources(articles: Sequence[Article], owners: Optional[dict] = None) -> dict[str, int]:
    """{"articles", "outlets", "independent"} for the articles of one story.

    articles: distinct articles; the later versions of one (``id~n``: a page stored again with
    new text, a live page polled all day) count with it, as they are listed with it.
    outlets: distinct ``source`` values (case-folded); an article with no source counts as an
    outlet of its own (it cannot be shown to share one), its later versions (``id~n``) with it.
    independent: distinct copy families,
    where families whose origins carry one wire credit, or whose origin outlets have one owner
    (``owners``: outlet -> owner), count once.
    """
    arts = list(articles)
    outlets = set()
    unknown = set()
    for a in arts:
        if a.source:
            outlets.add(a.source.casefold())
        else:
            unknown.add((version_of(a.id) or (a.id,))[0])
    by_id = {a.id: a for a in arts}
    fams: dict[str, list[Article]] = {}
    for a in arts:
        fams.setdefault(a.family or a.id, []).append(a)
    owners_cf = {k.casefold(): v for k, v in (owners or {}).items()}
    keys = set()
    for fid, members in fams.items():
        origin = by_id.get(fid) or members[0]
        wire = origin.wire
        if not wire:
            wires = [m.wire for m in members if m.wire]
            wire = max(set(wires), key=wires.count) if wires else None
        owner = owners_cf.get((origin.source or "").casefold()) if origin.source else None
        if wire:
            keys.add(("wire", wire.casefold()))
        elif owner:
            keys.add(("owner", str(owner).casefold()))
        else:
            keys.add(("family", fid))
    distinct = len({(version_of(a.id) or (a.id,))[0] for a in arts})
    return {"articles": distinct, "outlets": len(outlets) + len(unknown), "independent": len(keys)}


# --------------------------------------------------------------------------- incremental


class FamilyIndex:
    """Incremental copy families for the streaming pipeline.

    ``add(article)`` sets family/origin/relation/similarity/reason/added/dropped on the new
    article, comparing it with earlier ones through persisted signatures and band keys (one
    table: (band, key) -> row ids) and, for rewrites, with those of the last ``window``
    articles that share enough names with it (>= 2 and >= 30% of the smaller name set; the 10
    sharing the most). Picklable; ``state_dict()``/``from_state()`` store rensa's algorithm
    name and version with the signatures and refuse a mismatching state.
    """

    def __init__(self, config: Any = None, window: int = 200):
        self.dc = _dedup_config(config)
        self.window = window
        self.algorithm = minhash.algorithm_info(self.dc.num_perm)
        self.ids: list[str] = []
        self.sigs: list[np.ndarray] = []
        self.table: dict[int, list[int]] = {}
        self.texts: list[str] = []
        self.meta: list[dict] = []  # published, wire, source, first_seen
        self.family: list[str] = []
        self.aligner = SentenceAligner()
        self._articles: dict[str, Article] = {}
        self.boiler: set[int] = set()
        self._boiler_arr: Optional[np.ndarray] = None
        self.site_counts: dict[str, dict] = {}
        self.site_done: set[str] = set()
        #: articles naming no outlet: their rows (the first UNSOURCED_ROWS) and the
        #: boilerplate learnt from them (``_unsourced_bad``), kept apart from the outlets' own
        #: (the editorial-mark check discounts only an outlet's)
        self.unsourced_rows: list[int] = []
        self.unsourced_boiler: set[int] = set()
        #: row -> (raw shingles, raw sentences): a cache, not part of the state
        self._rows: dict[int, tuple] = {}

    # --- persistence
    def state_dict(self) -> dict:
        return {
            "algorithm": self.algorithm, "window": self.window, "ids": self.ids,
            "sigs": np.stack(self.sigs) if self.sigs else np.zeros((0, self.dc.num_perm), np.uint32),
            "texts": self.texts, "meta": self.meta, "family": self.family,
            "aligner": self.aligner.__getstate__(),
            "boiler": np.array(sorted(self.boiler), dtype=np.uint64), "site_counts": self.site_counts,
            "site_done": sorted(self.site_done), "unsourced_rows": list(self.unsourced_rows),
            "unsourced_boiler": np.array(sorted(self.unsourced_boiler), dtype=np.uint64),
        }

    @classmethod
    def from_state(cls, state: dict, config: Any = None) -> "FamilyIndex":
        idx = cls(config=config, window=state.get("window", 200))
        mine, theirs = idx.algorithm, state.get("algorithm", {})
        for k in ("library", "algorithm", "algorithm_version", "num_perm", "seed", "shingles"):
            if mine.get(k) != theirs.get(k):
                raise ValueError(f"FamilyIndex state was built with {theirs}, this engine uses {mine}: rebuild it")
        idx.ids = list(state["ids"])
        idx.sigs = list(state["sigs"])
        idx.texts = list(state["texts"])
        idx.meta = list(state["meta"])
        idx.family = list(state["family"])
        idx.aligner.__setstate__(state["aligner"])
        idx.boiler = set(np.asarray(state.get("boiler", np.zeros(0, np.uint64))).tolist())
        idx.site_counts = dict(state.get("site_counts", {}))
        idx.site_done = set(state.get("site_done", []))
        idx.unsourced_rows = list(state.get("unsourced_rows", []))
        idx.unsourced_boiler = set(np.asarray(state.get("unsourced_boiler", np.zeros(0, np.uint64))).tolist())
        for row, sig in enumerate(idx.sigs):
            idx._insert(row, sig)
        return idx

    def __getstate__(self):
        return self.state_dict()

    def __setstate__(self, state):
        other = FamilyIndex.from_state(state)
        self.__dict__.update(other.__dict__)

    def __len__(self) -> int:
        return len(self.ids)

    def _keys(self, sig: np.ndarray) -> list[int]:
        k = banding.band_keys(sig[None, :], self.dc.rows_per_band)[0]
        return [banding.band_table_key(b, int(v)) for b, v in enumerate(k)]

    def _insert(self, row: int, sig: np.ndarray) -> None:
        for key in self._keys(sig):
            self.table.setdefault(key, []).append(row)

    #: rewrite candidates aligned per added article (most names shared among the window)
    REWRITE_NEIGHBOURS = 10

    #: per outlet, header/footer shingles are counted over its first SITE_DOCS articles
    SITE_DOCS = 16

    def _learn_boilerplate(self, source: Optional[str], flat: np.ndarray, row: int) -> None:
        """Count this article's (row ``row``) head/tail shingles for its outlet; shingles found
        in the heads or tails of all (2-3 articles) or >= 30% (4+) of the outlet's articles
        become boilerplate, unless the articles holding them are related (``_related_holders``,
        as in a batch: one story the outlet ran twice is not its header)."""
        if not source or flat.size == 0:
            return
        key = source.casefold()
        if key in self.site_done:
            return
        st = self.site_counts.setdefault(key, {"n": 0, "c": {}})
        st["n"] += 1
        st.setdefault("rows", []).append(row)  # (a state saved before rows were kept has none)
        c = st["c"]
        for h in set(np.concatenate((flat[:40], flat[-60:])).tolist()):
            c[h] = c.get(h, 0) + 1
        n = st["n"]
        if n >= 2:
            need = n if n < 4 else max(3, int(np.ceil(self.dc.boilerplate_share * n)))
            new = {h for h, k in c.items() if k >= need} - self.boiler
            if new and len(st["rows"]) >= 2:
                cand = np.array(sorted(new), dtype=np.uint64)
                raws = [flat if r == row else shingle_batch([self.texts[r]])[0] for r in st["rows"]]
                parts = [_outlet_shingles(f, 0, f.size, True) for f in raws]
                new = set(cand[~_related_holders(cand, parts, [sorted_unique(f) for f in raws], self.dc)].tolist())
            if new:
                self.boiler |= new
                self._boiler_arr = None
        if n >= self.SITE_DOCS:
            self.site_done.add(key)
            del self.site_counts[key]

    #: articles naming no outlet whose heads and tails the index learns boilerplate from: the
    #: batch rule (``_unsourced_bad``) is run again over them every 8th of them up to 512,
    #: then every 64th
    UNSOURCED_ROWS = 2048
    #: a stream meets an outlet's articles one by one and links them as they come, so it
    #: learns from a line two unrelated articles share (as the outlet rule does from two
    #: articles); the batch waits for three, where two cost heavy rewrites their shared lede
    #: (synthetic 1,000-article stream without sources: family-pair precision 0.93 with 3,
    #: 0.98 with 2, recall and heavy rewrites the same)
    UNSOURCED_MIN = 2

    def _learn_unsourced(self, row: int, raw_flat: np.ndarray) -> None:
        """Count this article (naming no outlet) in; every 8th such article (every 64th past
        512), learn the boilerplate of all of them so far as ``fold`` does for a batch."""
        if len(self.unsourced_rows) >= self.UNSOURCED_ROWS:
            return
        self.unsourced_rows.append(row)
        k = len(self.unsourced_rows)
        if k % (8 if k <= 512 else 64):
            return
        parts = [self._row_features(r)[0] if r != row else raw_flat for r in self.unsourced_rows]
        offs = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([q.size for q in parts], out=offs[1:])
        flat = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
        dc = dataclasses.replace(self.dc, unsourced_min=self.UNSOURCED_MIN)
        new = set(_unsourced_bad(flat, offs, range(len(parts)), dc).tolist()) - self.unsourced_boiler
        if new:
            self.unsourced_boiler |= new
            self._boiler_arr = None

    #: rows whose raw shingles and sentences are kept (recomputed when evicted)
    ROW_CACHE = 4096

    def _remember(self, row: int, raw_flat: np.ndarray, raw_sents) -> None:
        rc = self._rows
        rc[row] = (raw_flat, raw_sents)
        while len(rc) > self.ROW_CACHE:
            rc.pop(next(iter(rc)))

    def _row_features(self, r: int) -> tuple:
        """(raw 5-gram hashes before boilerplate masking, raw sentences or None) of row r."""
        rc = self._rows
        v = rc.get(r)
        if v is None:
            v = (shingle_batch([self.texts[r]])[0], None)
            self._remember(r, *v)
        return v

    def _boiler_array(self) -> np.ndarray:
        """Outlet boilerplate and what articles naming no outlet share, sorted."""
        if self._boiler_arr is None:
            self._boiler_arr = np.array(sorted(self.boiler | self.unsourced_boiler), dtype=np.uint64)
        return self._boiler_arr

    def is_boilerplate_line(self, line: str, share: float = 0.8) -> bool:
        """Whether at least ``share`` of a line's word 5-grams are boilerplate the index has
        learnt (an outlet's header or footer, or what articles naming no outlet share). A line
        under five words has no 5-gram and is never boilerplate here."""
        b = self._boiler_array()
        if not b.size:
            return False
        flat, _ = shingle_batch([line])
        return bool(flat.size) and float(isin_sorted(flat, b).mean()) >= share

    def _mask(self, flat: np.ndarray, offsets: np.ndarray):
        b = self._boiler_array()
        if b.size == 0 or flat.size == 0:
            return flat, offsets
        pos = np.searchsorted(b, flat)
        pos[pos >= b.size] = 0
        keep = b[pos] != flat
        return _apply_mask(flat, offsets, keep) if not keep.all() else (flat, offsets)

    def add(self, article: Article) -> None:
        with workers_.blas_limit():
            self._add(article)

    def _add(self, article: Article) -> None:
        text = article.text or ""
        flat, offsets = shingle_batch([text])
        raw_flat = flat
        outlet = outlet_of(article)
        self._learn_boilerplate(outlet, flat, len(self.ids))
        if not outlet and flat.size:
            self._learn_unsourced(len(self.ids), raw_flat)
        flat, offsets = self._mask(flat, offsets)
        sig = minhash.signatures(flat, offsets, self.dc.num_perm)[0]
        row = len(self.ids)
        cands: set[int] = set()
        if offsets[1] > 0:
            for key in self._keys(sig):
                cands.update(self.table.get(key, ()))
        # rewrite candidates: recent articles sharing enough names with this one
        from newsfold.dedup.verify import names as _names

        my_names = _names(text)
        scored = []
        for r in range(max(0, row - self.window), row):
            if r in cands:
                continue
            theirs = self.meta[r].get("names")
            if theirs is None:
                theirs = self.meta[r]["names"] = sorted(_names(self.texts[r]))
            shared = len(my_names.intersection(theirs))
            if shared >= max(2, 0.3 * min(len(my_names), len(theirs))):
                scored.append((shared / (len(my_names) + len(theirs) - shared), r))
        # sentence alignment costs ~5 ms a pair: like the batch path (10 nearest neighbours),
        # align only with the REWRITE_NEIGHBOURS recent articles sharing the most names
        rewrite_cands = {r for _, r in heapq.nlargest(self.REWRITE_NEIGHBOURS, scored)}
        f0 = Features(text, np.zeros(0, np.uint64))
        self.aligner.observe(f0.sentences)
        # features of the new article and its candidates, as a small batch; the candidates'
        # shingles and sentences come from the per-row cache (the same values re-computed)
        rows = sorted(self._one_per_text(cands) | rewrite_cands)
        texts = [self.texts[r] for r in rows] + [text]
        cached = [self._row_features(r) for r in rows]
        parts = [c[0] for c in cached] + [raw_flat]
        boffs = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([p.size for p in parts], out=boffs[1:])
        bflat = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
        bflat, boffs = self._mask(bflat, boffs)
        raw_sents = {k: c[1] for k, c in enumerate(cached) if c[1] is not None}
        raw_sents[len(rows)] = f0._raw_sents
        marks = np.array(sorted(self.boiler), dtype=np.uint64) if self.unsourced_boiler else None
        checker = _Checker(texts, bflat, boffs, self.dc, self._boiler_array(), raw_sents, mark_boiler=marks)
        checker._aligner = self.aligner
        me = len(rows)
        links = []
        for k, r in enumerate(rows):
            ln = checker.check(k, me, try_rewrite=r in rewrite_cands)
            if ln is not None:
                links.append((r, ln))
        arts = [self._stub(r) for r in rows] + [article]
        feats_of = _FeatView(checker)
        best = None
        for r, ln in links:
            o, d, why = direction(arts, feats_of, ln)
            key = (d == me, ln.kind == "near", ln.score)
            if best is None or key > best[0]:
                best = (key, r, ln, o, d, why)
        for k, r in enumerate(rows):  # keep what this call computed for the candidate rows
            f = checker._feats.get(k)
            if f is not None and f._raw_sents is not None and cached[k][1] is None:
                self._remember(r, cached[k][0], f._raw_sents)
        self._remember(row, raw_flat, f0._raw_sents)
        self.ids.append(article.id)
        self.sigs.append(sig)
        self.texts.append(text)
        self.meta.append({"published": article.published, "wire": article.wire, "source": article.source,
                          "first_seen": article.first_seen,
                          "removed": [r for r in (article.removed or []) if isinstance(r, dict) and r.get("rule") == "source_tag"],
                          "names": sorted(my_names)})
        if offsets[1] > 0:
            self._insert(row, sig)
        self._articles[article.id] = article
        if best is None:
            self.family.append(article.id)
            _as_original(article)
            return
        _, r, ln, o, d, why = best
        if ln.kind == "near":
            # a near copy repeats its origin's sentences: they count once in the aligner's
            # document frequencies, as the batch's distinct sentences do
            self.aligner.forget(f0.sentences)
        if d != me:
            why = "arrived later but placed after its family's origin" if why else why
            o, d = d, me
        info = describe(arts, feats_of, ln, o, d, why)
        article.family = self.family[r]
        article.origin = self.ids[r]
        article.relation = info["relation"]
        article.similarity = info["similarity"]
        article.reason = info["reason"]
        article.added = info["added"]
        article.dropped = info["dropped"]
        self.family.append(self.family[r])

    def _one_per_text(self, rows: set[int]) -> set[int]:
        """Of candidate rows holding one same text, the one published first (then the first
        stored). A report syndicated hundreds of times is checked once per version, not once
        per copy: checking every copy made adding copies quadratic (399 copies of one wire
        report took 60 s to post). Every copy of a text gives the same verdict, and of them
        the first published is the likeliest origin."""
        if len(rows) < 2:
            return rows
        first: dict[str, int] = {}
        for r in rows:
            t = self.texts[r]
            b = first.get(t)
            if b is None or self._first_key(r) < self._first_key(b):
                first[t] = r
        return set(first.values())

    def _first_key(self, r: int) -> tuple:
        m = self.meta[r]
        return (*arrival_key(m.get("published"), m.get("first_seen")), r)

    def _stub(self, r: int) -> Article:
        m = self.meta[r]
        return Article(id=self.ids[r], text=self.texts[r], published=m.get("published"), wire=m.get("wire"),
                       source=m.get("source"), first_seen=m.get("first_seen"), removed=m.get("removed") or [])

    def families(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i, f in zip(self.ids, self.family):
            out.setdefault(f, []).append(i)
        return out


def _as_original(article: Article) -> None:
    article.family = article.id
    article.origin = None
    article.relation = "original"
    article.similarity = {}
    article.reason = "no copy, truncation or rewrite of an earlier article found"
    article.added = []
    article.dropped = []


def fold_iter(articles: Iterable[Article], *, config: Any = None) -> list[Family]:  # pragma: no cover
    return fold(list(articles), config=config)
