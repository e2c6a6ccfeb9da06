"""The throughput work keeps results: fold on two worker processes equals fold in process, the
vectorised tokeniser hashes exactly the tokens of the plain tokeniser, and the set helpers
equal their numpy forms."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsfold.dedup import fold, shingle
from newsfold.dedup.families import DedupConfig
from newsfold.model import Article

FIELDS = ("family", "origin", "relation", "similarity", "reason", "added", "dropped")


def _generated(n: int, seed: int) -> list[Article]:
    from bench.dedup.generate import generate

    return [Article(id=r["id"], text=r["text"], source=r.get("source"), published=r.get("date"),
                    content_hash="-") for r in generate(n, seed=seed)]


def _fields(arts):
    return [tuple(json.dumps(getattr(a, f), sort_keys=True) for f in FIELDS) for a in arts]


def test_fold_on_two_workers_equals_in_process():
    one, two = _generated(700, 5), _generated(700, 5)
    fams_one = fold(one, config=DedupConfig(workers=1))
    # small tasks so that both workers get several, and pairs of one family may be split
    fams_two = fold(two, config=DedupConfig(workers=2, parallel_min=0, pair_chunk=48))
    assert _fields(one) == _fields(two)
    assert sorted(f.id for f in fams_one) == sorted(f.id for f in fams_two)
    derived = [a for a in one if a.origin]
    assert len(derived) > 100 and {a.relation for a in derived} >= {"copy", "truncated", "rewrite"}


def test_fold_on_seeds_same_with_workers(seeds_dir):
    from newsfold.config import Config
    from newsfold.stages import ingest_and_clean, split_errors

    paths = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    one, _ = split_errors(ingest_and_clean(paths, config=Config()))
    two, _ = split_errors(ingest_and_clean(paths, config=Config()))
    fold(one, config=DedupConfig(workers=1))
    fold(two, config=DedupConfig(workers=2, parallel_min=0, pair_chunk=1))
    assert _fields(one) == _fields(two)
    assert len({a.family for a in one}) == 3


def _texts(seeds_dir):
    texts = [p.read_text() for p in sorted(seeds_dir.glob("*.txt"))]
    texts += [a.text for a in _generated(60, 9)]
    texts += ["", "a", "one two three four", "Héllo, wörld — “quoted” text\u00a0x", "tab\tsep\x0bvt\x0cff\r\nend",
              "it's O'Neil's (AP) 1,200.5 $3", "日本語 テキスト, mixed ASCII words", "  lead and trail  "]
    return texts


def test_token_hash_batch_hashes_the_plain_tokens(seeds_dir):
    texts = _texts(seeds_dir)
    flat, lengths = shingle.token_hash_batch(texts)
    offs = np.concatenate(([0], np.cumsum(lengths)))
    seen: dict[bytes, int] = {}
    for k, t in enumerate(texts):
        toks = shingle.tokens(t)
        assert len(toks) == lengths[k]
        for w, h in zip(toks, flat[offs[k] : offs[k + 1]].tolist()):
            assert seen.setdefault(w, h) == h  # one token, one hash, wherever it occurs
    assert len(set(seen.values())) == len(seen) > 1000  # distinct tokens, distinct hashes


def test_token_hash_blocks_equal_one_pass(seeds_dir, monkeypatch):
    texts = [t for t in _texts(seeds_dir) if t.isascii()]
    one_pass = shingle.shingle_batch(texts)  # ASCII: one encode, one block
    monkeypatch.setattr(shingle, "_BLOCK", 97)  # many small blocks (and the non-ASCII path)
    blocks = shingle.shingle_batch(texts + ["é"])
    assert np.array_equal(one_pass[0], blocks[0][: one_pass[0].size])
    assert np.array_equal(one_pass[1], blocks[1][:-1])


def test_set_helpers_equal_numpy():
    rng = np.random.default_rng(0)
    low = rng.integers(0, 1 << 20, 5000).astype(np.uint64)
    # many values share their low 24 bits, so the bitmap alone cannot decide
    vals = (rng.integers(0, 4, 5000).astype(np.uint64) << np.uint64(40)) | low
    table = np.unique(vals[:800] ^ (rng.integers(0, 2, 800).astype(np.uint64) << np.uint64(50)))
    assert np.array_equal(shingle.isin_sorted(vals, table), np.isin(vals, table))
    assert not shingle.isin_sorted(vals, table[:0]).any()
    for seg in (vals, vals[:1], vals[:0], np.repeat(vals[:50], 3)):
        assert np.array_equal(shingle.sorted_unique(seg), np.unique(seg))


@pytest.mark.parametrize("workers", [1, 2])
def test_fold_workers_from_config(workers):
    class Cfg:
        dedup_workers = workers

    from newsfold.dedup.families import _dedup_config, _n_workers

    dc = _dedup_config(Cfg())
    assert dc.workers == workers
    assert _n_workers(dc, dc.parallel_min) == workers and _n_workers(dc, dc.parallel_min - 1) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_streaming_layout_equals_kept_shingles(workers):
    """Without the batch's shingle arrays (boilerplate from the sampled articles, signatures
    per chunk in the workers, pair tasks re-shingling their articles) every field is the same."""
    kept, streamed = _generated(700, 3), _generated(700, 3)
    fold(kept, config=DedupConfig(workers=1))
    fold(streamed, config=DedupConfig(workers=workers, parallel_min=0, pair_chunk=64, keep_shingles_max=0))
    assert _fields(kept) == _fields(streamed)
    assert sum(1 for a in kept if a.origin) > 100


def test_sampled_boilerplate_equals_batch_mask():
    from newsfold.dedup.families import _sampled_boilerplate, _shingle_chunked, boilerplate_mask, boilerplate_values

    arts = _generated(400, 4)
    arts[0].source = arts[1].source = "two-article outlet"  # the head/tail rule for 2-3 articles
    texts, sources = [a.text for a in arts], [a.source for a in arts]
    dc = DedupConfig()
    flat, offsets = _shingle_chunked(texts)
    expected = boilerplate_values(flat, boilerplate_mask(flat, offsets, sources, dc))
    assert expected.size > 0
    assert np.array_equal(_sampled_boilerplate(texts, sources, dc, workers=1), expected)
    from newsfold.dedup.families import _boiler_from_flat

    for workers in (1, 2):
        assert np.array_equal(_boiler_from_flat(flat, offsets, sources, dc, workers), expected)


def test_numbers_batch_equals_regex(seeds_dir):
    from newsfold.dedup.verify import numbers, numbers_batch

    texts = _texts(seeds_dir) + ["1,200.5 and 3.4.5, 1..2 ,5, 6, x7y 08.", "a.1 1. 2,", "9", "no digits", "١٢ Arabic digits 3"]
    rng = np.random.default_rng(0)
    alphabet = list("0123456789.,- aB\n")
    texts += ["".join(rng.choice(alphabet, size=int(rng.integers(0, 40)))) for _ in range(2000)]
    assert numbers_batch(texts) == [numbers(t) for t in texts]
    assert any(numbers(t) for t in texts)


def test_intersect_sorted_equals_numpy():
    rng = np.random.default_rng(1)
    for _ in range(200):
        a = np.unique(rng.integers(0, 300, int(rng.integers(0, 80))).astype(np.uint64))
        b = np.unique(rng.integers(0, 300, int(rng.integers(0, 80))).astype(np.uint64))
        got = shingle.intersect_sorted(a, b)
        assert np.array_equal(got, np.intersect1d(a, b, assume_unique=True)) and got.dtype == a.dtype
    top = np.array([np.iinfo(np.uint64).max], dtype=np.uint64)
    assert shingle.intersect_sorted(top, top).size == 1 and shingle.intersect_sorted(top[:0], top).size == 0


def test_row_col_counts_equal_numpy_unique(seeds_dir):
    """Sentence n-gram counts on 32-bit keys, a block of rows at a time, equal np.unique on
    the 64-bit (row << 20 | column) keys, across block boundaries."""
    from newsfold.dedup import rewrite
    from newsfold.dedup.verify import sentences

    sents = [s for t in _texts(seeds_dir) for s in sentences(t)]
    sents = (sents * (2 * rewrite._ROW_BLOCK // max(len(sents), 1) + 2))[: 2 * rewrite._ROW_BLOCK + 37]
    r, c = rewrite.char_ngram_codes(sents)
    key, tf = np.unique((r << 20) | c, return_counts=True)
    rows, cols, counts = rewrite._row_col_counts(r, c)
    assert rows[-1] > rewrite._ROW_BLOCK  # more than one block
    assert np.array_equal(rows, key >> 20) and np.array_equal(cols, key & (rewrite.N_FEATURES - 1))
    assert np.array_equal(counts, tf) and counts.max() > 1


_FORK_AFTER_SIGNING = """
import multiprocessing as mp
import numpy as np
from newsfold.dedup import minhash

rng = np.random.default_rng(0)
flat = rng.integers(0, 2**63, 4096 * 300, dtype=np.uint64)
offsets = np.arange(0, flat.size + 1, 300, dtype=np.int64)
minhash.signatures(flat, offsets)  # large enough for rensa's parallel path, in this process

def sign(_):
    return int(minhash.signatures(flat, offsets)[:, 0].sum())

with mp.get_context("fork").Pool(1) as pool:
    print(pool.map(sign, [0])[0])
"""


def test_forked_worker_signs_after_the_parent_signed():
    """A process that signed a large batch itself and then forks workers (fold on a later,
    larger batch) must not hang: rensa's thread pool does not survive fork, so newsfold keeps
    rensa on one thread. (The timeout only stops a hang; it is no speed bound.)"""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "RAYON_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", _FORK_AFTER_SIGNING], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 0


def _unsourced(arts):
    for a in arts:
        a.source = None
    return arts


@pytest.mark.parametrize("workers", [1, 2])
def test_streaming_layout_equals_kept_shingles_without_outlets(workers):
    """Articles naming no outlet: the boilerplate learnt from their heads and tails is the
    same whether the batch's shingle arrays are kept or each chunk is re-shingled."""
    kept, streamed = _unsourced(_generated(700, 3)), _unsourced(_generated(700, 3))
    fold(kept, config=DedupConfig(workers=1))
    fold(streamed, config=DedupConfig(workers=workers, parallel_min=0, pair_chunk=64, keep_shingles_max=0))
    assert _fields(kept) == _fields(streamed)
    assert sum(1 for a in kept if a.origin) > 100
