"""Fast word shingling, vectorised: byte tokens -> 64-bit token hashes -> 5-gram hashes.

A batch of texts is joined into one byte string (lowercased, punctuation and whitespace made
spaces: two C passes); token boundaries, token hashes (a polynomial over the bytes via prefix
sums, then a 64-bit mix) and word 5-gram hashes (wrapping uint64 arithmetic over the flat
token-hash array) are numpy operations over the whole batch. No Python object per token or
per shingle; hashes are stable across runs and machines.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

TOKEN_RE = re.compile(r"\w+", re.UNICODE)
# Fast path: work on UTF-8 bytes; ASCII punctuation becomes a separator (bytes.translate
# is one C pass), then split on whitespace. Common Unicode punctuation is mapped first.
_PUNCT = bytearray(range(256))
for _c in b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
    _PUNCT[_c] = 32
_PUNCT = bytes(_PUNCT)
_UNI = str.maketrans({c: " " for c in "\u201c\u201d\u2018\u2019\u2014\u2013\u00ab\u00bb\u2026\u00a0"})
SHINGLE_SIZE = 5
_P = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier (golden ratio), wraps mod 2**64
_MIX = np.uint64(0xBF58476D1CE4E5B9)


# whitespace and ASCII punctuation -> space, so tokens are the runs of other bytes
# (exactly ``bytes.split()`` after ``_PUNCT``)
_SEP = bytearray(_PUNCT)
for _c in b"\t\n\x0b\x0c\r":
    _SEP[_c] = 32
_SEP = bytes(_SEP)
#: token hash: polynomial over the token's bytes, sum b_k * _Q**k (mod 2**64), finalised with
#: a splitmix64-style mix; computed for a whole batch with prefix sums, no Python object per
#: token. _Q is odd, so it has an inverse mod 2**64 and the prefix difference of a token can
#: be moved back to position 0.
_Q = 0x100000001B3
_QINV = pow(_Q, -1, 2**64)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
#: (powers of _Q, powers of its inverse): one tuple, so a thread never pairs a new table with an old one
_POWS = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
#: bytes tokenised per numpy pass (bounds the temporaries: ~10 uint64 arrays of this length)
_BLOCK = 1 << 21


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    global _POWS
    pows = _POWS
    if pows[0].size < n:
        m = max(n, 2 * pows[0].size)
        with np.errstate(over="ignore"):
            pows = (np.cumprod(np.full(m, _Q, dtype=np.uint64), dtype=np.uint64) * np.uint64(_QINV),
                    np.cumprod(np.full(m, _QINV, dtype=np.uint64), dtype=np.uint64) * np.uint64(_Q))
        _POWS = pows
    return pows[0][:n], pows[1][:n]


def _prep(text: str) -> bytes:
    if not text.isascii():
        text = text.lower().translate(_UNI)
    return text.encode("utf-8")


def tokens(text: str) -> list[bytes]:
    """Lowercased word tokens as UTF-8 bytes (ASCII lowercasing; other scripts kept as is)."""
    return _prep(text).lower().translate(_PUNCT).split()


def _hash_block(buf: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(token hashes, token start byte positions) of a separator-translated byte string."""
    a = np.frombuffer(buf, dtype=np.uint8)
    n = a.size
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    tok = a != 32
    edge = np.flatnonzero(np.diff(tok.view(np.int8), prepend=np.int8(0), append=np.int8(0)))
    starts, ends = edge[0::2], edge[1::2]
    pw, ipw = _powers(n)
    with np.errstate(over="ignore"):
        pref = np.empty(n + 1, dtype=np.uint64)
        pref[0] = 0
        np.cumsum(a * pw, dtype=np.uint64, out=pref[1:])
        h = (pref[ends] - pref[starts]) * ipw[starts]
        h += (ends - starts).astype(np.uint64)
        h ^= h >> np.uint64(30)
        h *= _M1
        h ^= h >> np.uint64(27)
        h *= _M2
        h ^= h >> np.uint64(31)
    return h, starts


def token_hash_batch(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(flat uint64 token hashes of all texts, tokens per text), vectorised over the batch.

    Same tokens as :func:`tokens`; each text is followed by a separator so no token spans two
    texts. Works in blocks of about ``_BLOCK`` bytes to bound the temporaries."""
    lengths = np.zeros(len(texts), dtype=np.int64)
    parts: list[np.ndarray] = []
    joined = " ".join(texts)
    if joined.isascii() and len(joined) <= 4 * _BLOCK:
        # all ASCII (one check, one encode): character offsets are byte offsets
        buf = (joined + " ").encode("ascii").lower().translate(_SEP)
        h, starts = _hash_block(buf)
        bounds = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1, out=bounds[1:])
        lengths[:] = np.diff(np.searchsorted(starts, bounds))
        return h, lengths
    del joined
    i = 0
    while i < len(texts):
        enc, size, j = [], 0, i
        while j < len(texts) and (size < _BLOCK or j == i):
            e = _prep(texts[j])
            enc.append(e)
            size += len(e) + 1
            j += 1
        buf = (b" ".join(enc) + b" ").lower().translate(_SEP)
        h, starts = _hash_block(buf)
        bounds = np.zeros(len(enc) + 1, dtype=np.int64)
        np.cumsum([len(e) + 1 for e in enc], out=bounds[1:])
        lengths[i:j] = np.diff(np.searchsorted(starts, bounds))
        parts.append(h)
        i = j
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return flat, lengths


def token_hashes(text: str) -> np.ndarray:
    return token_hash_batch([text])[0]


def shingle_batch(texts: Sequence[str], k: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Word k-gram hashes of every text: (flat uint64 hashes, row offsets of len(texts)+1).

    A text shorter than k words gets one shingle (the hash of all its words); an empty
    text gets none. Duplicates within a text are kept (MinHash ignores them; verification
    uses unique sets).
    """
    return shingles_from_tokens(*token_hash_batch(texts), k)


def shingles_from_tokens(flat: np.ndarray, lengths: np.ndarray, k: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """:func:`shingle_batch` from the texts' token hashes (``token_hash_batch``), for a caller
    that also reads the tokens."""
    n = flat.size
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    # rolling combination of k consecutive token hashes (wrapping uint64)
    m = max(n - k + 1, 0)
    h = np.zeros(m, dtype=np.uint64)
    if m:
        with np.errstate(over="ignore"):
            for j in range(k):
                h *= _P
                h += flat[j : j + m]
            h ^= h >> np.uint64(31)
            h *= _MIX
            h ^= h >> np.uint64(29)
    # number of shingles per doc: max(len-k+1, 0), or 1 for 0<len<k
    full = np.maximum(lengths - k + 1, 0)
    short = (lengths > 0) & (lengths < k)
    counts = np.where(short, 1, full)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint64)
    # shingles of doc i start at token position starts[i] in h
    if m:
        valid_docs = full > 0
        if valid_docs.any():
            idx = _ranges(starts[:-1][valid_docs], full[valid_docs])
            pos = _ranges(offsets[:-1][valid_docs], full[valid_docs])
            out[pos] = h[idx]
    for i in np.flatnonzero(short):
        s = int(starts[i])
        acc = 0
        for t in flat[s : s + int(lengths[i])]:
            acc = (acc * 0x9E3779B97F4A7C15 + int(t)) & 0xFFFFFFFFFFFFFFFF
        out[offsets[i]] = acc
    return out, offsets


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s+c) for each (s, c), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    base = np.repeat(starts - (ends - counts), counts)
    return base + np.arange(total, dtype=np.int64)


def sorted_unique(seg: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array (sorted distinct values), with less per-call overhead."""
    x = np.sort(seg)
    if x.size < 2:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def runs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start index, length) of each run of equal values in a sorted non-empty array: its
    distinct values are ``x[starts]`` and their counts ``lengths``."""
    starts = np.flatnonzero(np.concatenate(([True], x[1:] != x[:-1])))
    return starts, np.diff(starts, append=x.size)


def intersect_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.intersect1d(a, b, assume_unique=True)`` of two sorted arrays of distinct values, by
    binary search of the smaller in the larger (no concatenation and sort: ~2x cheaper)."""
    if a.size > b.size:
        a, b = b, a
    if a.size == 0:
        return a[:0]
    pos = np.searchsorted(b, a)
    np.minimum(pos, b.size - 1, out=pos)
    return a[b[pos] == a]


_BITS = 24


#: at most this many values are looked up by binary search alone in ``isin_sorted``
SMALL_LOOKUP = 4096


def isin_sorted(values: np.ndarray, table: np.ndarray, block: int = 1 << 22) -> np.ndarray:
    """Boolean mask: which ``values`` are in the sorted uint64 array ``table``. A bitmap of the
    table's low 24 bits rules out most values with one gather; only the rest are searched.
    A few values (one line's shingles, an outlet's candidates) are searched directly: the
    bitmap alone is 16 MB to fill."""
    out = np.zeros(values.size, dtype=bool)
    if table.size == 0 or values.size == 0:
        return out
    if values.size <= SMALL_LOOKUP:
        pos = np.minimum(np.searchsorted(table, values), table.size - 1)
        return table[pos] == values
    low = np.uint64((1 << _BITS) - 1)
    bitmap = np.zeros(1 << _BITS, dtype=bool)
    bitmap[(table & low).astype(np.int64)] = True
    for s in range(0, values.size, block):  # bounded temporaries
        part = values[s : s + block]
        cand = np.flatnonzero(bitmap[(part & low).astype(np.int64)])
        if cand.size:
            v = part[cand]
            pos = np.searchsorted(table, v)
            pos[pos >= table.size] = 0
            out[s + cand] = table[pos] == v
    return out


def unique_sets(flat: np.ndarray, offsets: np.ndarray, i: int) -> np.ndarray:
    return sorted_unique(flat[offsets[i] : offsets[i + 1]])
