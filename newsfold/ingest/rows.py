"""Already-clean JSONL rows -> Articles, for the stage commands (`newsfold dedup`, `cluster`,
`eval`) that take labelled data as it is, without the cleaning stage.

Each command names the gold fields it must never see (``hide``); they are dropped before the
row becomes an Article. Unknown fields are kept in ``Article.meta``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from newsfold.ingest.common import json_loads
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
    a JSON object (nested too deeply included; lone surrogates become U+FFFD)."""
    obj = json_loads(line)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def logical_lines(raw: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """(byte offset, bytes) of the lines of ``raw`` (one b"\\n"-terminated piece of the file) as
    Python's text mode reads them (universal newlines: a lone "\\r" also ends a line)."""
    if b"\r" not in raw:
        yield start, raw
        return
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if body.endswith(b"\r") and raw.endswith(b"\n"):
        body = body[:-1]  # "\r\n": one terminator
    pos = start
    for piece in body.split(b"\r"):
        yield pos, piece
        pos += len(piece) + 1


def undecodable(exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text ({exc.reason} at byte {exc.start}); bad bytes replaced with U+FFFD"


class JsonObjects:
    """The JSON objects of a JSONL file with their 1-based line numbers (lines as Python's
    text mode splits them). Blank lines are passed over; a line that is not a JSON object is
    recorded in ``problems`` as ``(line, why)`` and skipped, never a stop; a line with bytes
    that are not UTF-8 is read with them replaced by U+FFFD and recorded in ``repaired``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.problems: list[tuple[int, str]] = []
        self.repaired: list[tuple[int, str]] = []

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        n = 0
        with open(self.path, "rb") as fh:
            for raw in fh:
                for _, line_b in logical_lines(raw, 0):
                    n += 1
                    try:
                        line = line_b.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        self.repaired.append((n, undecodable(exc)))
                        line = line_b.decode("utf-8", errors="replace")
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
    (``path:line: skipped: why``), never a stop; a line with undecodable bytes is read with
    them replaced (``path:line: kept: why``)."""
    hide = tuple(hide)
    objects = JsonObjects(path)
    rows = [(n, row) for n, row in objects]
    arts = [article_from_row(row, n, hide=hide) for n, row in rows]
    notes = [(n, f"skipped: {why}") for n, why in objects.problems] + [(n, f"kept: {why}") for n, why in objects.repaired]
    return arts, [row for _, row in rows], [f"{path}:{n}: {what}" for n, what in sorted(notes)]
