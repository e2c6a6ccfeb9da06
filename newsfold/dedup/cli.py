"""`newsfold dedup INPUT.jsonl -o OUT.jsonl`: one line per input article with its copy family."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from newsfold.ingest import rows
from newsfold.model import Article

#: gold labels a detector must never read
GOLD_FIELDS = ("family", "origin", "relation", "type", "similarity", "reason", "added", "dropped")
OUT_FIELDS = ("id", "family", "origin", "relation", "similarity", "reason", "added", "dropped")


def read_articles(path: Path) -> tuple[list[Article], list[dict]]:
    """(articles, raw rows) from a JSONL file, gold dedup fields hidden; lines that are not
    JSON objects are reported on stderr and skipped."""
    arts, raw, problems = rows.read_article_rows(path, hide=GOLD_FIELDS)
    for msg in problems:
        print(msg, file=sys.stderr)
    return arts, raw


def dedup_command(input: Path, output: Path, *, config: Any = None) -> None:
    """Fold the articles of a JSONL file and write one line per article. The texts stay in
    the file (:class:`~newsfold.dedup.corpus.JsonlCorpus`: per article only its line's
    offset and a slotted record of the fields fold reads and writes are held; texts are
    re-read with ``os.pread`` where needed), so memory does not grow with the text volume."""
    from newsfold.dedup import fold
    from newsfold.dedup.corpus import JsonlCorpus

    corpus = JsonlCorpus(Path(input), hide=GOLD_FIELDS)
    for msg in corpus.problems:
        print(msg, file=sys.stderr)
    arts = corpus.records
    try:
        fold(arts, texts=corpus.texts, config=config)
    finally:
        corpus.close()
    families = set()
    with open(output, "w", encoding="utf-8") as out:
        for a in arts:
            families.add(a.family)
            out.write(json.dumps({k: getattr(a, k) for k in OUT_FIELDS}, ensure_ascii=False) + "\n")
    print(f"{len(arts)} articles, {len(families)} families -> {output}", file=sys.stderr)
