"""Already-clean JSONL rows -> Articles, for the stage commands (`newsfold dedup`, `cluster`,
`eval`) that take labelled data as it is, without the cleaning stage.

Each command names the gold fields it must never see (``hide``); they are dropped before the
row becomes an Article. Unknown fields are kept in ``Article.meta``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

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


def json_object(line: str) -> dict:
    """One JSONL line as a dict; ValueError (json.JSONDecodeError is one) when the line is not
    a JSON object."""
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


class JsonObjects:
    """The JSON objects of a JSONL file with their 1-based line numbers. Blank lines are
    passed over; a line that is not a JSON object is recorded in ``problems`` as
    ``(line, why)`` and skipped, never a stop."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.problems: list[tuple[int, str]] = []

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        with open(self.path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json_object(line)
                except ValueError as exc:
                    self.problems.append((n, str(exc)))
                    continue
                yield n, obj


def read_article_rows(path: Path, *, hide: Iterable[str] = ()) -> tuple[list[Article], list[dict], list[str]]:
    """(articles, raw rows, problems) from a JSONL file; a bad line is a problem
    (``path:line: why``), never a stop."""
    hide = tuple(hide)
    objects = JsonObjects(path)
    rows = [(n, row) for n, row in objects]
    arts = [article_from_row(row, n, hide=hide) for n, row in rows]
    return arts, [row for _, row in rows], [f"{path}:{n}: {why}" for n, why in objects.problems]
