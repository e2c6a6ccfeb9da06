"""`newsfold cluster INPUT.jsonl -o OUT.jsonl --mode stream|batch`."""

from __future__ import annotations

import json
from pathlib import Path

from newsfold.ingest import rows
from newsfold.model import Article

#: Fields a clusterer must never see (gold labels and label-derived partitions).
GOLD_FIELDS = ("cluster", "topic", "split", "story_gold", "label")


def article_from_row(row: dict, position: int, hide: tuple[str, ...] = ()) -> Article:
    """One JSONL object -> Article, with gold fields (and ``hide``) dropped and `date` read as
    `published`."""
    return rows.article_from_row(row, position, hide=GOLD_FIELDS + tuple(hide))


def read_jsonl(path: Path) -> tuple[list[Article], list[str]]:
    """Articles from a JSONL file (gold fields dropped) and the problems met on the way."""
    arts, _, problems = rows.read_article_rows(path, hide=GOLD_FIELDS)
    return arts, problems


def cluster_articles(articles: list[Article], mode: str = "batch", config=None) -> list:
    from newsfold.cluster.stream import cluster_batch, cluster_stream

    if mode == "batch":
        return cluster_batch(articles, config=config)
    if mode != "stream":
        raise ValueError(f"unknown mode {mode!r} (stream or batch)")
    return cluster_stream(articles, config=config).stories()


def cluster_command(input: Path, output: Path, mode: str = "batch", config=None) -> None:
    import sys

    articles, problems = read_jsonl(Path(input))
    for p in problems:
        print(p, file=sys.stderr)
    stories = cluster_articles(articles, mode=mode, config=config)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for art in articles:
            fh.write(json.dumps({"id": art.id, "story": art.story}, ensure_ascii=False) + "\n")
    print(f"{len(articles)} articles -> {len(stories)} stories ({mode}) -> {out}", file=sys.stderr)
