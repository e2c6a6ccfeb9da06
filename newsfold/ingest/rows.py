"""Already-clean JSONL rows -> Articles, for the stage commands (`newsfold dedup`, `cluster`,
`eval`) that take labelled data as it is, without the cleaning stage.

Each command names the gold fields it must never see (``hide``); they are dropped before the
row becomes an Article. Unknown fields are kept in ``Article.meta``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional

from newsfold.clean.dates import parse_date, parse_timestamp
from newsfold.ingest.common import json_loads
from newsfold.model import Article

#: row fields copied onto the Article as they are
KNOWN = ("title", "source", "url", "wire", "language", "first_seen", "family", "origin")
#: ... of which these are read only as text: a value of another type is left out and reported
#: (as the cleaning stage's ``bad_field``): a number for a title or an outlet stopped `newsfold
#: dedup` and `newsfold cluster`
STRING_FIELDS = ("title", "source", "url", "wire", "language", "family", "origin")
#: where a row's text is read, in turn
TEXT_FROM = ("text", "body", "content")


def as_text(value) -> Optional[str]:
    """A field's value when it is text, else None (what the readers make of a number or a list
    where text belongs)."""
    return value if isinstance(value, str) else None


def row_text(row: dict) -> str:
    """A row's text: the first of ``TEXT_FROM`` that is a non-empty string, else ""."""
    return next((v for v in (row.get(k) for k in TEXT_FROM) if isinstance(v, str) and v), "")


def text_fields_only(row: dict) -> dict:
    """``row`` without the ``STRING_FIELDS`` that hold no string (:func:`field_problems` names them)."""
    return {k: v for k, v in row.items() if k not in STRING_FIELDS or isinstance(v, str)}


def field_problems(row: dict) -> list[str]:
    """What the readers leave out of a row: text fields that hold no text ("field 'title' is
    not a string (int: 5)")."""
    return [f"field {k!r} is not a string ({type(row[k]).__name__}: {str(row[k])[:40]}); read without it"
            for k in (*STRING_FIELDS, *TEXT_FROM) if row.get(k) not in (None, "") and not isinstance(row[k], str)]


def article_from_row(row: dict, position: int, *, hide: Iterable[str] = ()) -> Article:
    """One JSONL object -> Article: ``hide`` fields dropped, ``date`` read as ``published``;
    a text field that holds no string is left out (:func:`field_problems` says which)."""
    hidden = set(hide)
    row = text_fields_only({k: v for k, v in row.items() if k not in hidden})
    aid = str(row.pop("id", None) or f"line-{position}")
    text = row_text(row)
    for k in TEXT_FROM:
        row.pop(k, None)
    raw_date = row.pop("published", None) or row.pop("date", None)
    known = {k: row.pop(k) for k in KNOWN if k in row}
    published, first_seen = row_times(raw_date, known.get("first_seen"))
    if raw_date and published is None:
        row["raw_date"] = raw_date  # kept, as the cleaning stage keeps it
    if known.get("first_seen") and first_seen is None:
        row["raw_first_seen"] = known["first_seen"]
    known["first_seen"] = first_seen
    art = Article(id=aid, text=text, published=published, position=position, format="jsonl", **known)
    art.meta.update(row)
    return art


def row_times(published, first_seen) -> tuple[Optional[str], Optional[str]]:
    """A row's publication day and first-seen time in the forms the stages compare (ISO day,
    ISO UTC time), as the cleaning stage reads them: "March 2, 2026", an epoch number or
    "2026-03-02 21:40" would otherwise sort as strings and give the clusterer no day."""
    day = parse_date(published) if isinstance(published, (str, int, float)) and published != "" else None
    seen = parse_timestamp(first_seen) if first_seen not in (None, "") else None
    return day, seen


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


def json_lines(fh) -> Iterator[tuple[int, int, int, Optional[dict], Optional[str]]]:
    """``(line number, byte offset, byte length, object, note)`` of each non-blank line of a
    JSONL file opened in binary (lines as Python's text mode splits them). ``object`` is None
    for a line that is not a JSON object, with ``note`` = ``"skipped: why"``; a line with bytes
    that are not UTF-8 is read with U+FFFD in their place, ``note`` = ``"kept: why"``."""
    n = pos = 0
    for raw in fh:
        start, pos = pos, pos + len(raw)
        for off, line_b in logical_lines(raw, start):
            n += 1
            note = None
            try:
                line = line_b.decode("utf-8")
            except UnicodeDecodeError as exc:
                note = f"kept: {undecodable(exc)}"
                line = line_b.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                yield n, off, len(line_b), json_object(line), note
            except ValueError as exc:
                yield n, off, len(line_b), None, f"skipped: {exc}"


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
        with open(self.path, "rb") as fh:
            for n, _, _, obj, note in json_lines(fh):
                if obj is None:
                    self.problems.append((n, note[len("skipped: "):]))
                    continue
                if note:
                    self.repaired.append((n, note[len("kept: "):]))
                yield n, obj


def article_rows(objects: Iterable[tuple[int, dict]], label: str = "cluster") -> Iterator[tuple[int, dict]]:
    """(line, row) of each article: a bundle's articles (``ingest.jsonl.bundle_articles``: a
    cluster of Multi-News or SummHay on one line) one by one, each given the bundle's id as
    its gold ``label`` unless it has one; any other object as it is. An element of a bundle
    that is not an object is left out."""
    from newsfold.ingest.jsonl import bundle_articles, bundle_id

    for n, obj in objects:
        docs = bundle_articles(obj, n) if obj.get(label) is None else None
        if docs is None:
            yield n, obj
            continue
        name = bundle_id(obj, n)
        for doc in docs:
            if isinstance(doc, dict):
                yield n, doc if doc.get(label) is not None else {**doc, label: name}


def read_article_rows(path: Path, *, hide: Iterable[str] = ()) -> tuple[list[Article], list[dict], list[str]]:
    """(articles, raw rows, problems) from a JSONL file; a bad line is a problem
    (``path:line: skipped: why``), never a stop; a line with undecodable bytes is read with
    them replaced (``path:line: kept: why``). A line holding a bundle of articles gives each
    (:func:`article_rows`)."""
    hide = tuple(hide)
    objects = JsonObjects(path)
    rows = list(article_rows(objects))
    arts = [article_from_row(row, n, hide=hide) for n, row in rows]
    notes = [(n, f"skipped: {why}") for n, why in objects.problems] + [(n, f"kept: {why}") for n, why in objects.repaired]
    notes += [(n, f"kept: {why}") for n, row in rows for why in field_problems(row)]
    notes.sort(key=lambda note: note[0])  # by line; a line's notes in the order JsonlCorpus meets them
    return arts, [row for _, row in rows], [f"{path}:{n}: {what}" for n, what in notes]
