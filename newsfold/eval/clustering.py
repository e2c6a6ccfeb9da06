"""`newsfold eval clustering GOLD.jsonl`: cluster with gold labels hidden, then score."""

from __future__ import annotations

import json
from pathlib import Path

from newsfold.eval.metrics import clustering_scores


def evaluate_rows(rows: list[dict], mode: str = "stream", config=None) -> dict:
    """Score the clusterer on rows carrying a gold `cluster` (which the clusterer never sees)."""
    from newsfold.cluster.cli import article_from_row, cluster_articles

    gold = [str(r["cluster"]) for r in rows]
    articles = [article_from_row(r, i) for i, r in enumerate(rows, 1)]  # drops gold fields
    assert all("cluster" not in a.meta and "topic" not in a.meta for a in articles)
    cluster_articles(articles, mode=mode, config=config)
    pred = [a.story for a in articles]
    return clustering_scores(gold, pred)


def eval_clustering_command(gold: Path, mode: str = "stream", config=None) -> None:
    rows = []
    with open(gold, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if row.get("cluster") is not None:
                    rows.append(row)
    result = evaluate_rows(rows, mode=mode, config=config)
    result["mode"] = mode
    if config is not None and getattr(config, "cluster_dense", False):
        result["dense"] = True
    print(json.dumps(result))
