"""Rewrites MinHash cannot see: sentence alignment with character 4-gram TF-IDF.

Each sentence is a vector of character 4-grams (hashed, sublinear tf, IDF learnt from the
sentences seen so far); two articles are aligned greedily one-to-one on cosine >= ALIGN_SIM.
A pair of sentences whose numbers (or names) are disjoint is never aligned, so templated
sentences with different facts do not count. A paraphrased rewrite keeps most of its origin's
sentences (aligned share >= LINK_SHARE of the shorter article, at least LINK_MIN sentences);
two independent reports of one event share themes and names but few sentences.

Measured on the seeds (char 3-5 vs word 1-2 TF-IDF): char n-grams align paraphrased sentences
better (paraphrase pair 000/001: 58-69% of sentences at 0.5 vs 53-62% for words; heavy rewrite
002/003: 33-36% at 0.35 vs 11-14%), while unrelated reports of the same event stay <= 8%.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from newsfold.dedup.shingle import intersect_sorted, runs, sorted_unique
from newsfold.dedup.verify import numbers, sentence_names

ALIGN_SIM = 0.35
LINK_SHARE = 0.2
LINK_MIN = 3
N_FEATURES = 2**20


_BYTE_MAP = bytearray(range(256))
for _c in b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n\r":
    _BYTE_MAP[_c] = 32
_BYTE_MAP = bytes(_BYTE_MAP)
_MUL = np.uint64(0x9E3779B97F4A7C15)


def char_ngram_codes(sents: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sentence index, hashed feature) of every character 4-gram, vectorised.

    Text is lowercased and punctuation becomes a space; as scikit-learn's ``char_wb``, n-grams
    stay inside one space-padded word. N-grams are packed bytes hashed into N_FEATURES."""
    if not sents:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    enc = [(" " + s.lower() + " ").encode("utf-8").translate(_BYTE_MAP) for s in sents]
    lens = np.fromiter((len(e) for e in enc), dtype=np.int64, count=len(enc))
    buf = np.frombuffer(b"".join(enc), dtype=np.uint8).astype(np.uint64)
    sid = np.repeat(np.arange(len(enc)), lens)
    rows, cols = [], []
    shift = np.uint64(64 - 20)
    for n in (4,):
        m = buf.size - n + 1
        if m <= 0:
            continue
        code = np.zeros(m, dtype=np.uint64)
        for j in range(n):
            code = (code << np.uint64(8)) | buf[j : j + m]
        ok = sid[:m] == sid[n - 1 : n - 1 + m]  # inside one sentence
        for j in range(1, n - 1):  # inside one space-padded word (as char_wb)
            ok &= buf[j : j + m] != 32
        with np.errstate(over="ignore"):
            h = ((code[ok] + np.uint64(n)) * _MUL) >> shift
        rows.append(sid[:m][ok])
        cols.append(h.astype(np.int64))
    return np.concatenate(rows), np.concatenate(cols)


def _tf_matrix(sents: Sequence[str]):
    from scipy.sparse import csr_matrix

    r, c = char_ngram_codes(sents)
    X = csr_matrix((np.ones(r.size, dtype=np.float32), (r, c)), shape=(len(sents), N_FEATURES))
    X.sum_duplicates()
    return X


class SentenceAligner:
    """Picklable: a (stateless) hashed character n-gram featuriser plus document frequencies."""

    def __init__(self) -> None:
        self.df = np.zeros(N_FEATURES, dtype=np.float32)
        self.n = 0

    def __getstate__(self):
        return {"df": self.df, "n": self.n}

    def __setstate__(self, state):
        self.df = state["df"]
        self.n = state["n"]

    def observe(self, sents: Sequence[str]) -> None:
        if not sents:
            return
        X = _tf_matrix(sents)
        self.df += np.bincount(X.indices, minlength=N_FEATURES).astype(np.float32)
        self.n += len(sents)

    def forget(self, sents: Sequence[str]) -> None:
        """Undo ``observe(sents)`` (a streamed article found to be a near copy)."""
        if not sents:
            return
        X = _tf_matrix(sents)
        self.df -= np.bincount(X.indices, minlength=N_FEATURES).astype(np.float32)
        self.n -= len(sents)

    def vectors(self, sents: Sequence[str]) -> "SentVecs":
        """L2-normalised TF-IDF rows (sublinear tf), one per sentence (see ``SentVecs``)."""
        return self.vectors_many([sents])[0]

    def vectors_many(self, groups: Sequence[Sequence[str]]) -> "list[SentVecs]":
        """``vectors`` of many articles' sentences, computed in one numpy pass over all of
        them (the per-call overhead dominated when each article was done alone). Each row's
        values depend on that sentence only: the same values as one article at a time (and
        as the former CSR form: sublinear tf, times IDF, divided by the row's L2 norm)."""
        counts = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
        first = np.zeros(len(groups) + 1, dtype=np.int64)
        np.cumsum(counts, out=first[1:])
        n_rows = int(first[-1])
        r, c = char_ngram_codes([x for g in groups for x in g])
        rows, cols, tf = _row_col_counts(r, c)
        data = np.float32(1.0) + np.log(tf.astype(np.float32))
        data *= np.log((1.0 + self.n) / (1.0 + self.df[cols])) + 1.0
        sq = np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=n_rows)
        norms = np.sqrt(sq)
        norms[norms == 0] = 1.0
        data /= norms[rows].astype(np.float32)
        cut = np.searchsorted(rows, first)
        out = []
        for g in range(len(groups)):
            e0, e1 = int(cut[g]), int(cut[g + 1])
            out.append(SentVecs(int(counts[g]), (rows[e0:e1] - first[g]).astype(np.int64), cols[e0:e1], data[e0:e1]))
        return out

    def align(self, sa: Sequence[str], sb: Sequence[str], facts_a=None, facts_b=None,
              va=None, vb=None) -> list[tuple[int, int, float]]:
        """Greedy one-to-one alignment: [(i, j, cosine)] with cosine >= ALIGN_SIM.

        ``va``/``vb``: precomputed ``vectors(sa)``/``vectors(sb)`` (callers cache them)."""
        if not sa or not sb:
            return []
        va = self.vectors(sa) if va is None else va
        vb = self.vectors(sb) if vb is None else vb
        M = cosine_matrix(va, vb)
        ii, jj = np.nonzero(M >= ALIGN_SIM)
        if ii.size == 0:
            return []
        order = np.argsort(-M[ii, jj], kind="stable")
        used_a: set[int] = set()
        used_b: set[int] = set()
        out = []
        for k in order:
            i, j = int(ii[k]), int(jj[k])
            if i in used_a or j in used_b:
                continue
            if facts_a is not None and facts_b is not None and _conflict(facts_a[i], facts_b[j]):
                continue
            used_a.add(i)
            used_b.add(j)
            out.append((i, j, float(M[i, j])))
        return out


#: sentences per block of ``_row_col_counts``: (row in block, column) packs into 32 bits
_ROW_BLOCK = 1 << (32 - 20)  # N_FEATURES == 2**20


def _row_col_counts(r: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (row, column) pairs sorted by row then column, with their counts: what
    ``np.unique((r << 20) | c, return_counts=True)`` gives, computed on 32-bit keys a block of
    rows at a time (``r`` is non-decreasing: rows come in sentence order). Sorting 32-bit keys
    is ~3x cheaper than ``np.unique`` on 64-bit ones."""
    if r.size == 0:
        z = np.zeros(0, np.int64)
        return z, z, z
    bounds = np.searchsorted(r, np.arange(0, int(r[-1]) + _ROW_BLOCK + 1, _ROW_BLOCK))
    rows, cols, tfs = [], [], []
    for k in range(len(bounds) - 1):
        s, e = int(bounds[k]), int(bounds[k + 1])
        if s == e:
            continue
        base = k * _ROW_BLOCK
        key = ((r[s:e] - base).astype(np.uint32) << np.uint32(20)) | c[s:e].astype(np.uint32)
        key.sort()
        at, tf = runs(key)
        tfs.append(tf)
        u = key[at]
        rows.append((u >> np.uint32(20)).astype(np.int64) + base)
        cols.append((u & np.uint32(N_FEATURES - 1)).astype(np.int64))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(tfs)


class SentVecs:
    """Sparse sentence vectors of one article: entries (row, column, value) sorted by row then
    column, plus the sorted distinct columns (``ucols``) that ``cosine_matrix`` intersects."""

    __slots__ = ("n", "rows", "cols", "data", "ucols")

    def __init__(self, n: int, rows: np.ndarray, cols: np.ndarray, data: np.ndarray):
        self.n, self.rows, self.cols, self.data = n, rows, cols, data
        self.ucols = sorted_unique(cols)

    @property
    def shape(self) -> tuple:
        return (self.n, N_FEATURES)


def _dense_on(v: SentVecs, shared: np.ndarray) -> np.ndarray:
    """v's rows as a dense (n, len(shared)) matrix over the columns ``shared`` only."""
    out = np.zeros((v.n, shared.size), dtype=np.float64)
    if shared.size and v.cols.size:
        pos = np.searchsorted(shared, v.cols)
        pos[pos >= shared.size] = 0
        ok = shared[pos] == v.cols
        out[v.rows[ok], pos[ok]] = v.data[ok]
    return out


def cosine_matrix(va: SentVecs, vb: SentVecs) -> np.ndarray:
    """Dense va @ vb.T. Only the columns both sides use contribute to a dot product, so both
    are made dense on their shared columns alone (usually a few hundred) and multiplied as
    small dense matrices (float64: at least as exact as the former float32 sparse product)."""
    shared = intersect_sorted(va.ucols, vb.ucols)
    if shared.size == 0:
        return np.zeros((va.n, vb.n), dtype=np.float64)
    # (np.inner: the same product; unlike ``@`` it did not wake a BLAS thread pool here)
    return np.inner(_dense_on(va, shared), _dense_on(vb, shared))


class LazyFacts:
    """Per-sentence (numbers, names), computed only for sentences that get compared."""

    __slots__ = ("sents", "cache")

    def __init__(self, sents: Sequence[str]):
        self.sents = sents
        self.cache: dict[int, tuple[set, set]] = {}

    def __getitem__(self, i: int) -> tuple[set, set]:
        v = self.cache.get(i)
        if v is None:
            s = self.sents[i]
            v = self.cache[i] = (numbers(s), sentence_names(s))
        return v


def _conflict(fa: tuple[set, set], fb: tuple[set, set]) -> bool:
    (na, ma), (nb, mb) = fa, fb
    if na and nb and not (na & nb):
        return True
    if len(ma) >= 2 and len(mb) >= 2 and not (ma & mb):
        return True
    return False


#: aligned share a rewrite needs when the two articles share almost no wording (word 5-gram
#: Jaccard under ``DedupConfig.rewrite_min_jaccard``): the alignment is then all the evidence,
#: so it must cover this share of BOTH articles (a rewrite follows its origin through; a short
#: independent report of one event finds its few facts in a long one, which it covers little).
#: Measured (fifth session) on a corpus of real news bodies (``bench/dedup/realtext.py
#: --max-originals 950``: 1,926 articles, the <= 2,000-article neighbour path), the share of
#: the shorter article only -> of both: pairs of real originals put in one family 299 -> 82
#: when they report one event (some are rewrites of one wire story), 50 -> 1 when they do
#: not; pairwise precision 0.49 -> 0.81 (0.85 -> 0.99 leaving same-event pairs unscored), recall
#: 0.991 both. On Multi-News validation folded cluster by cluster, 19 -> 3 of 690 articles
#: linked this way. The seeds' heavy rewrite (Jaccard 0.024) aligns 9 sentences of 18 and 20
#: (45% of the longer). Tried as well, not kept: also asking that 80% of the aligned sentences
#: keep their order (precision 0.85) lost the synthetic heavy rewrites, whose sentences are
#: shuffled (origin recall 1.0 -> 0.89 at 2,000 articles).
LOW_OVERLAP_SHARE = 0.4


def is_rewrite(n_aligned: int, n_a: int, n_b: int, low_overlap: bool = False) -> bool:
    """Whether ``n_aligned`` aligned sentences make a rewrite of articles of ``n_a`` and
    ``n_b`` sentences. ``low_overlap``: the pair shares almost no word 5-grams, so at least
    LINK_MIN sentences and LOW_OVERLAP_SHARE of the longer article (so of both) must align."""
    shorter = max(min(n_a, n_b), 1)
    if low_overlap:
        return n_aligned >= LINK_MIN and n_aligned / max(n_a, n_b, 1) >= LOW_OVERLAP_SHARE
    return n_aligned >= min(LINK_MIN, shorter) and n_aligned / shorter >= LINK_SHARE and n_aligned >= 2


def doc_neighbours(texts: Sequence[str], k: int = 10, min_cos: float = 0.2, chunk: int = 2000) -> np.ndarray:
    """Rewrite candidates: top-k document neighbours by word TF-IDF cosine, as (m, 2) pairs.

    Words that occur in more than half of the documents (when there are enough documents to
    tell) are dropped, which keeps the sparse product sparse.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    max_df = 0.5 if n >= 20 else 1.0
    try:
        X = TfidfVectorizer(sublinear_tf=True, max_df=max_df, min_df=1, dtype=np.float32).fit_transform(texts)
    except ValueError:  # empty vocabulary
        return np.zeros((0, 2), dtype=np.int64)
    pairs = []
    XT = X.T.tocsr()
    for s in range(0, n, chunk):
        S = (X[s : s + chunk] @ XT).toarray()
        rows = np.arange(S.shape[0])
        S[rows, rows + s] = 0.0
        kk = min(k, n - 1)
        top = np.argpartition(-S, kk - 1, axis=1)[:, :kk] if kk < n - 1 else np.tile(np.arange(n), (S.shape[0], 1))
        for r in range(S.shape[0]):
            for j in top[r]:
                if j != r + s and S[r, j] >= min_cos:
                    a, b = r + s, int(j)
                    pairs.append((min(a, b), max(a, b)))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.asarray(pairs, dtype=np.int64), axis=0)


def sentence_facts(sents: Sequence[str]) -> LazyFacts:
    return LazyFacts(sents)


def lis_share(pairs: list[tuple[int, int, float]]) -> float:
    """Share of aligned pairs that keep their order (longest increasing subsequence)."""
    if not pairs:
        return 0.0
    import bisect

    seq = [j for _, j, _ in sorted(pairs)]
    tails: list[int] = []
    for x in seq:
        p = bisect.bisect_left(tails, x)
        if p == len(tails):
            tails.append(x)
        else:
            tails[p] = x
    return len(tails) / len(seq)


_ = math  # keep import for docs
