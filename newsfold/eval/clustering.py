"""`newsfold eval clustering GOLD.jsonl`: cluster with gold labels hidden, then score."""

from __future__ import annotations

import json
from pathlib import Path

from newsfold.eval.metrics import clustering_scores


def evaluate_rows(rows: list[dict], mode: str = "batch", config=None, label: str = "cluster") -> dict:
    """Score the clusterer on rows carrying a gold ``label`` field (default ``cluster``), which
    the clusterer never sees."""
    from newsfold.cluster.cli import GOLD_FIELDS, article_from_row, cluster_articles

    gold = [str(r[label]) for r in rows]
    articles = [article_from_row(r, i, hide=(label,)) for i, r in enumerate(rows, 1)]
    assert not any(f in a.meta for a in articles for f in (*GOLD_FIELDS, label))
    cluster_articles(articles, mode=mode, config=config)
    # a row that holds no article is not clustered: scored as a story of its own
    pred = [a.story if a.story is not None else ("not-clustered", k) for k, a in enumerate(articles)]
    result = clustering_scores(gold, pred)
    result["not_articles"] = sum(a.story is None for a in articles)
    return result


def eval_clustering_command(gold: Path, mode: str = "batch", config=None,
                            label: str = "cluster") -> dict:
    """Print the scores as JSON. A line that is not a JSON object, or an article without a gold
    label, is counted (``skipped_lines``, ``unlabelled``) and left out, never a stop."""
    from newsfold.ingest.rows import JsonObjects, article_rows

    objects = JsonObjects(gold)
    rows, unlabelled = [], 0
    for _, row in article_rows(objects, label=label):  # (a bundle's articles: its id their label)
        if row.get(label) is not None:
            rows.append(row)
        else:
            unlabelled += 1
    if not rows:
        raise SystemExit(f"{gold}: no article carries a gold `{label}` field (see --label)")
    result = evaluate_rows(rows, mode=mode, config=config, label=label)
    result["mode"] = mode
    result["skipped_lines"] = objects.skipped
    result["unlabelled"] = unlabelled
    if config is not None and getattr(config, "cluster_dense", False):
        result["dense"] = True
    print(json.dumps(result))
    return result
