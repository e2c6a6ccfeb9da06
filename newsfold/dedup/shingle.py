"""Fast word shingling: regex tokens -> cached stable 64-bit token hashes -> numpy 5-gram hashes.

Tokenising is the bottleneck, so each distinct token is hashed once (blake2b, stable across
runs and machines) and cached; word n-gram hashes are then computed for a whole batch at once
with wrapping uint64 arithmetic over the flat token-hash array. No per-shingle Python string
is ever built.
"""

from __future__ import annotations

import hashlib
import re
from itertools import chain
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


class _TokenHashes(dict):
    """token (UTF-8 bytes) -> stable uint64 hash, computed once per distinct token."""

    def __missing__(self, key: bytes) -> int:
        value = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")
        self[key] = value
        return value


_CACHE = _TokenHashes()
_CACHE_LIMIT = 5_000_000


def tokens(text: str) -> list[bytes]:
    """Lowercased word tokens as UTF-8 bytes (ASCII lowercasing; other scripts kept as is)."""
    if not text.isascii():
        text = text.lower().translate(_UNI)
    return text.encode("utf-8").lower().translate(_PUNCT).split()


def token_hashes(text: str) -> np.ndarray:
    toks = tokens(text)
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.clear()
    return np.fromiter(map(_CACHE.__getitem__, toks), dtype=np.uint64, count=len(toks))


def shingle_batch(texts: Sequence[str], k: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Word k-gram hashes of every text: (flat uint64 hashes, row offsets of len(texts)+1).

    A text shorter than k words gets one shingle (the hash of all its words); an empty
    text gets none. Duplicates within a text are kept (MinHash ignores them; verification
    uses unique sets).
    """
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.clear()
    get = _CACHE.__getitem__
    if sum(map(len, texts)) < 1000 * max(len(texts), 1):
        # many short texts (sentences): one fromiter over all tokens is cheaper
        toks = [tokens(t) for t in texts]
        lengths = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
        flat = np.fromiter(map(get, chain.from_iterable(toks)), dtype=np.uint64, count=int(lengths.sum()))
        del toks
    else:  # long texts: never hold more than one text's token objects at a time
        lengths = np.empty(len(texts), dtype=np.int64)
        parts = []
        for i, t in enumerate(texts):
            tk = tokens(t)
            lengths[i] = len(tk)
            parts.append(np.fromiter(map(get, tk), dtype=np.uint64, count=len(tk)))
        flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        del parts
    n = flat.size
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
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
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
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


def unique_sets(flat: np.ndarray, offsets: np.ndarray, i: int) -> np.ndarray:
    return np.unique(flat[offsets[i] : offsets[i + 1]])
