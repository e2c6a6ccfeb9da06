"""`newsfold dedup INPUT.jsonl -o OUT.jsonl`: one line per input article with its copy family."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsfold.ingest import rows
from newsfold.model import Article

#: gold labels a detector must never read
GOLD_FIELDS = ("family", "origin", "relation", "type", "similarity", "reason", "added", "dropped")
OUT_FIELDS = ("id", "family", "origin", "relation", "similarity", "reason", "added", "dropped")


def read_articles(path: Path) -> tuple[list[Article], list[dict]]:
    """(articles, raw rows) from a JSONL file, gold dedup fields hidden; bad lines are
    reported on stderr and skipped."""
    arts, raw, problems = rows.read_article_rows(path, hide=GOLD_FIELDS)
    for msg in problems:
        print(f"{msg} (skipped, not a JSON object)", file=sys.stderr)
    return arts, raw


def dedup_command(input: Path, output: Path) -> None:
    from newsfold.dedup import fold

    arts, _ = read_articles(Path(input))
    fold(arts)
    with open(output, "w", encoding="utf-8") as out:
        for a in arts:
            out.write(json.dumps({k: getattr(a, k) for k in OUT_FIELDS}, ensure_ascii=False) + "\n")
    n_fam = len({a.family for a in arts})
    print(f"{len(arts)} articles, {n_fam} families -> {output}", file=sys.stderr)
