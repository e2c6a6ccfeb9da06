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


#: gold story label fields tried in turn when the default ``cluster`` is absent (not
#: ``topic``: in ECB+ a topic holds two events of one kind)
LABEL_NAMES = ("cluster", "story", "story_id", "event", "event_id", "cluster_id")


def eval_clustering_command(gold: Path, mode: str = "batch", config=None,
                            label: str = "cluster") -> dict:
    """Print the scores as JSON. A line that is not a JSON object, or an article without a gold
    label, is counted (``skipped_lines``, ``unlabelled``) and left out, never a stop."""
    from newsfold.ingest.rows import JsonObjects, article_rows

    objects = JsonObjects(gold)
    found = [row for _, row in article_rows(objects, label=label)]  # (a bundle: its id their label)
    if label == "cluster" and not any(r.get(label) is not None for r in found):
        # the default name absent: a data set's own name for its story label
        label = next((k for k in LABEL_NAMES if any(r.get(k) is not None for r in found)), label)
    rows = [r for r in found if r.get(label) is not None]
    unlabelled = len(found) - len(rows)
    if not rows:
        raise SystemExit(f"{gold}: no article carries a gold `{label}` field (nor "
                         f"{', '.join(LABEL_NAMES[1:])}; see --label)")
    result = evaluate_rows(rows, mode=mode, config=config, label=label)
    result["mode"] = mode
    result["label"] = label
    result["skipped_lines"] = objects.skipped
    result["unlabelled"] = unlabelled
    if config is not None and getattr(config, "cluster_dense", False):
        result["dense"] = True
    print(json.dumps(result))
    return result
