"""MinHash signatures with rensa (pinned), recorded with the algorithm name and version."""

from __future__ import annotations

import os

import numpy as np

# rensa hashes a large batch on a rayon thread pool, made on first use. A process forked after
# that (fold's worker pool) inherits the pool's state but not its threads, and its first large
# batch waits for them for ever (seen: a 4,096-article batch folded in process, then a 20k
# batch on two workers, hung). newsfold parallelises with processes, so rensa runs on one
# thread: set before rensa's first call (rayon reads it when it makes the pool). A value the
# user set is kept.
os.environ.setdefault("RAYON_NUM_THREADS", "1")

NUM_PERM = 128
SEED = 42


def algorithm_info(num_perm: int = NUM_PERM, seed: int = SEED) -> dict:
    import rensa

    try:
        from importlib.metadata import version

        rensa_version = version("rensa")
    except Exception:  # pragma: no cover
        rensa_version = "unknown"
    return {
        "library": "rensa",
        "library_version": rensa_version,
        "algorithm": "RMinHash",
        "algorithm_version": int(rensa.RMinHash.ALGORITHM_VERSION),
        "num_perm": num_perm,
        "seed": seed,
        "shingles": "word 5-grams, polynomial-64 byte token hashes (v2), uint64 rolling combine",
    }


def signatures(flat: np.ndarray, offsets: np.ndarray, num_perm: int = NUM_PERM, seed: int = SEED,
               chunk: int = 16_384) -> np.ndarray:
    """uint32 signature matrix (n_docs, num_perm) from flat shingle hashes and row offsets.

    Rows with no shingles get an all-max signature (never banded, see banding.py).
    """
    import rensa

    n = len(offsets) - 1
    if n == 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    sig = np.empty((n, num_perm), dtype=np.uint32)
    # rensa hands rows back as Python lists: in chunks, so only one chunk's lists are alive
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        o0, o1 = int(offsets[s]), int(offsets[e])
        mat = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            np.ascontiguousarray(flat[o0:o1], dtype=np.uint64),
            np.ascontiguousarray(offsets[s : e + 1] - o0, dtype=np.uint64), num_perm, seed
        )
        sig[s:e] = np.asarray(mat.to_rows(), dtype=np.uint32).reshape(e - s, num_perm)
        del mat
    empty = offsets[1:] == offsets[:-1]
    if empty.any():
        sig[empty] = np.iinfo(np.uint32).max
    return sig
