"""`newsfold dedup INPUT.jsonl -o OUT.jsonl`: one line per input article with its copy family."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

from newsfold.model import Article

#: gold labels a detector must never read
GOLD_FIELDS = ("family", "origin", "relation", "type", "similarity", "reason", "added", "dropped")
OUT_FIELDS = ("id", "family", "origin", "relation", "similarity", "reason", "added", "dropped")


def article_from_row(row: dict, position: int) -> Article:
    """One JSONL object -> Article (gold dedup fields dropped, `date` read as `published`)."""
    row = {k: v for k, v in row.items() if k not in GOLD_FIELDS}
    aid = str(row.pop("id", None) or f"line-{position}")
    text = row.pop("text", None) or row.pop("body", None) or row.pop("content", None) or ""
    published = row.pop("published", None) or row.pop("date", None)
    known = {k: row.pop(k) for k in ("title", "source", "url", "wire", "language", "first_seen") if k in row}
    art = Article(id=aid, text=str(text), published=str(published) if published else None,
                  position=position, format="jsonl", **known)
    art.meta.update(row)
    return art


def read_articles(path: Path, problems: Optional[list] = None) -> tuple[list[Article], list[dict]]:
    """(articles, raw rows) from a JSONL file; bad lines are reported and skipped."""
    arts: list[Article] = []
    rows: list[dict] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                msg = f"{path}:{n}: skipped, not a JSON object ({exc})"
                if problems is not None:
                    problems.append(msg)
                print(msg, file=sys.stderr)
                continue
            rows.append(row)
            arts.append(article_from_row(row, n))
    return arts, rows


def dedup_command(input: Path, output: Path) -> None:
    from newsfold.dedup import fold

    arts, _ = read_articles(Path(input))
    fold(arts)
    with open(output, "w", encoding="utf-8") as out:
        for a in arts:
            out.write(json.dumps({k: getattr(a, k) for k in OUT_FIELDS}, ensure_ascii=False) + "\n")
    n_fam = len({a.family for a in arts})
    print(f"{len(arts)} articles, {n_fam} families -> {output}", file=sys.stderr)
