"""Clustering metrics: pairwise ("standard") P/R/F1, BCubed P/R/F1 and the adjusted Rand index.

All functions take two equal-length sequences of labels (gold, predicted) for the same items.
Pair counts come from the contingency table, so cost is O(n) rather than O(n^2).
"""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Sequence


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _check(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels, prediction {len(pred)}")


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, float]:
    """Precision/recall/F1 over unordered item pairs placed in one cluster.

    With no predicted (or gold) pairs, precision (recall) is 1.0 by convention when the other
    side has no pairs either, else 0.0.
    """
    _check(gold, pred)
    joint = Counter(zip(gold, pred))
    tp = sum(_pairs(c) for c in joint.values())
    pred_pairs = sum(_pairs(c) for c in Counter(pred).values())
    gold_pairs = sum(_pairs(c) for c in Counter(gold).values())
    p = tp / pred_pairs if pred_pairs else (1.0 if gold_pairs == 0 else 0.0)
    r = tp / gold_pairs if gold_pairs else (1.0 if pred_pairs == 0 else 0.0)
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, float]:
    """BCubed precision/recall/F1 (Bagga & Baldwin 1998), averaged over items."""
    _check(gold, pred)
    n = len(gold)
    if n == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    joint = Counter(zip(gold, pred))
    gsize = Counter(gold)
    psize = Counter(pred)
    # each item in cell (g, p) has precision c/|p| and recall c/|g|; c items share the cell
    p = sum(c * c / psize[pl] for (gl, pl), c in joint.items()) / n
    r = sum(c * c / gsize[gl] for (gl, pl), c in joint.items()) / n
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def ari(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985); equals sklearn's adjusted_rand_score."""
    _check(gold, pred)
    n = len(gold)
    if n < 2:
        return 1.0
    index = sum(_pairs(c) for c in Counter(zip(gold, pred)).values())
    a = sum(_pairs(c) for c in Counter(gold).values())
    b = sum(_pairs(c) for c in Counter(pred).values())
    total = _pairs(n)
    expected = a * b / total
    maximum = (a + b) / 2
    if maximum == expected:  # both trivial partitions (all singletons or one cluster)
        return 1.0
    return (index - expected) / (maximum - expected)


def clustering_scores(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, float]:
    """Every clustering metric in one flat dict (the JSON `newsfold eval clustering` prints)."""
    pw = pairwise(gold, pred)
    b3 = bcubed(gold, pred)
    return {
        "pairwise_precision": round(pw["precision"], 4),
        "pairwise_recall": round(pw["recall"], 4),
        "pairwise_f1": round(pw["f1"], 4),
        "bcubed_precision": round(b3["precision"], 4),
        "bcubed_recall": round(b3["recall"], 4),
        "bcubed_f1": round(b3["f1"], 4),
        "ari": round(ari(gold, pred), 4),
        "predicted_stories": len(set(pred)),
        "gold_stories": len(set(gold)),
        "n_articles": len(gold),
    }
