"""LSH banding as a numpy sort/group-by over the signature matrix (no dict per band).

For each band, the ``r`` signature values of every row are folded into one uint64 key; rows
are sorted by key (argsort) and runs of equal keys give candidate pairs. Candidate pairs from
all bands are de-duplicated with one ``np.unique`` over packed (i, j) keys.

With 128 permutations and r=2 (64 bands) a pair with true Jaccard s becomes a candidate with
probability 1-(1-s^2)^64: 0.998 at s=0.3, 0.47 at s=0.1, 0.1 at s=0.04. That low candidate
threshold lets paraphrases (5-gram Jaccard 0.3-0.45) reach verification; exact verification
then decides (verify.py), so the candidate threshold is well below the verified one.
"""

from __future__ import annotations

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(sig: np.ndarray, rows_per_band: int = 2) -> np.ndarray:
    """(n_docs, n_bands) uint64 band keys."""
    n, p = sig.shape
    b = p // rows_per_band
    s = sig[:, : b * rows_per_band].astype(np.uint64).reshape(n, b, rows_per_band)
    keys = np.zeros((n, b), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows_per_band):
            keys = keys * _MIX + s[:, :, j] + np.uint64(j + 1)
        keys ^= keys >> np.uint64(29)
    return keys


def band_key_column(sig: np.ndarray, band: int, rows_per_band: int = 2, rows=None) -> np.ndarray:
    """``band_keys(sig)[rows, band]`` computed for one band only (no n x bands matrix)."""
    keys = None
    with np.errstate(over="ignore"):
        for j in range(rows_per_band):
            col = sig[:, band * rows_per_band + j] if rows is None else sig[rows, band * rows_per_band + j]
            col = col.astype(np.uint64)
            keys = (col + np.uint64(j + 1)) if keys is None else keys * _MIX + col + np.uint64(j + 1)
        keys ^= keys >> np.uint64(29)
    return keys


def candidate_pairs(
    sig: np.ndarray, rows_per_band: int = 2, max_run: int = 64, valid: np.ndarray | None = None
) -> np.ndarray:
    """Candidate pairs (i < j) as an (m, 2) int64 array, de-duplicated.

    A run of more than ``max_run`` equal keys (a shingle shared by very many documents) is
    linked as a star to its first ``max_run`` members rather than as all pairs, which bounds
    the candidate count while keeping such groups connected.
    """
    n = sig.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    rows = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid)
    if rows.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    packed: list[np.ndarray] = []
    for band in range(sig.shape[1] // rows_per_band):
        k = band_key_column(sig, band, rows_per_band, None if valid is None else rows)
        order = np.argsort(k, kind="stable")
        ks = k[order]
        same = ks[1:] == ks[:-1]
        if not same.any():
            continue
        # run boundaries
        starts_mask = np.concatenate(([True], ~same))
        run_id = np.cumsum(starts_mask) - 1
        run_start = np.flatnonzero(starts_mask)
        run_len = np.diff(np.append(run_start, ks.size))
        multi = run_len > 1
        if not multi.any():
            continue
        # pairs: each member with every earlier member of its run (capped at max_run earlier)
        pos = np.arange(ks.size) - run_start[run_id]  # position in run
        members = np.flatnonzero(multi[run_id] & (pos > 0))
        if members.size == 0:
            continue
        npartners = np.minimum(pos[members], max_run)
        rep_member = np.repeat(members, npartners)
        offs = np.arange(int(npartners.sum())) - np.repeat(np.cumsum(npartners) - npartners, npartners)
        partner = run_start[run_id[rep_member]] + offs
        a = rows[order[rep_member]]
        bb = rows[order[partner]]
        lo = np.minimum(a, bb).astype(np.uint64)
        hi = np.maximum(a, bb).astype(np.uint64)
        packed.append((lo << np.uint64(32)) | hi)
    if not packed:
        return np.zeros((0, 2), dtype=np.int64)
    u = np.unique(np.concatenate(packed))
    out = np.empty((u.size, 2), dtype=np.int64)
    out[:, 0] = (u >> np.uint64(32)).astype(np.int64)
    out[:, 1] = (u & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return out


def band_table_key(band: int, key: int) -> int:
    """One integer key for (band, band key) in the incremental index's single table."""
    return (band << 64) | int(key)
