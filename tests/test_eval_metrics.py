"""Clustering metrics against hand-computed values and scikit-learn."""

import random

import pytest

from newsfold.eval.metrics import ari, bcubed, clustering_scores, pairwise


def test_pairwise_hand_computed():
    gold = ["a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2]
    # predicted pairs: (0,1) (2,3) (2,4) (3,4); gold pairs: (0,1) (0,2) (1,2) (3,4)
    # true positives: (0,1) (3,4)
    r = pairwise(gold, pred)
    assert r["precision"] == pytest.approx(2 / 4)
    assert r["recall"] == pytest.approx(2 / 4)
    assert r["f1"] == pytest.approx(0.5)


def test_bcubed_hand_computed():
    gold = ["a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2]
    # item precisions: 2/2, 2/2, 1/3, 2/3, 2/3 ; recalls: 2/3, 2/3, 1/3, 2/2, 2/2
    r = bcubed(gold, pred)
    assert r["precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_perfect_and_singletons():
    gold = list("aabbbc")
    assert clustering_scores(gold, gold)["pairwise_f1"] == 1.0
    assert clustering_scores(gold, gold)["ari"] == 1.0
    singles = list(range(len(gold)))
    s = clustering_scores(gold, singles)
    assert s["pairwise_recall"] == 0.0 and s["bcubed_precision"] == 1.0
    assert s["predicted_stories"] == 6 and s["gold_stories"] == 3 and s["n_articles"] == 6


def test_ari_matches_sklearn():
    from sklearn.metrics import adjusted_rand_score

    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(2, 60)
        gold = [rng.randint(0, rng.randint(1, 8)) for _ in range(n)]
        pred = [g if rng.random() < 0.6 else rng.randint(0, 9) for g in gold]
        assert ari(gold, pred) == pytest.approx(adjusted_rand_score(gold, pred), abs=1e-9)


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        pairwise([1, 2], [1])
