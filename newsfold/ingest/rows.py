"""Already-clean JSONL rows -> Articles, for the stage commands (`newsfold dedup`, `cluster`,
`eval`) that take labelled data as it is, without the cleaning stage.

Each command names the gold fields it must never see (``hide``); they are dropped before the
row becomes an Article. Unknown fields are kept in ``Article.meta``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from newsfold.model import Article

#: row fields copied onto the Article as they are
KNOWN = ("title", "source", "url", "wire", "language", "first_seen", "family", "origin")


def article_from_row(row: dict, position: int, *, hide: Iterable[str] = ()) -> Article:
    """One JSONL object -> Article: ``hide`` fields dropped, ``date`` read as ``published``."""
    hidden = set(hide)
    row = {k: v for k, v in row.items() if k not in hidden}
    aid = str(row.pop("id", None) or f"line-{position}")
    text = row.pop("text", None) or row.pop("body", None) or row.pop("content", None) or ""
    published = row.pop("published", None) or row.pop("date", None)
    known = {k: row.pop(k) for k in KNOWN if k in row}
    art = Article(id=aid, text=str(text), published=str(published) if published else None,
                  position=position, format="jsonl", **known)
    art.meta.update(row)
    return art


def read_article_rows(path: Path, *, hide: Iterable[str] = ()) -> tuple[list[Article], list[dict], list[str]]:
    """(articles, raw rows, problems) from a JSONL file; a bad line is a problem
    (``path:line: why``), never a stop."""
    hide = tuple(hide)
    arts: list[Article] = []
    rows: list[dict] = []
    problems: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                problems.append(f"{path}:{n}: {exc}")
                continue
            rows.append(row)
            arts.append(article_from_row(row, n, hide=hide))
    return arts, rows, problems
