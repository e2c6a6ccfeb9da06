"""CSV / TSV: one article per row under a header row (``id, title, text, date, source, url``;
the same field names and rules as JSON Lines: ``newsfold.ingest.jsonl.record_from_obj``).

``newsfold export --format csv`` writes articles so (lists and objects as JSON text), and a
spreadsheet or a database dump of articles usually looks so too. Without this reader a
``.csv`` file was read as one plain-text article made of the whole table.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Iterable, Iterator, Optional

from newsfold.ingest.jsonl import HTML_KEYS, TEXT_KEYS, records_from_item
from newsfold.model import ErrorRecord, RawRecord


def read_csv(lines: Iterable[str], *, path: str, max_bytes: int,
             delimiter: str = ",") -> Iterator[RawRecord | ErrorRecord]:
    """Rows -> records. Position: the row's line number in the file (1 = the header). A row
    with more cells than the header, a row over ``max_bytes``, or a cell the CSV parser
    cannot read costs that row an error record; the other rows are read. Empty cells are
    missing fields (an empty ``id`` falls back as in JSON Lines)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, max(max_bytes, limit)))
    try:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            yield ErrorRecord(path=path, position=None, kind="empty", reason="CSV file is empty")
            return
        except csv.Error as exc:
            yield ErrorRecord(path=path, position=1, kind="malformed_csv", reason=f"unreadable header: {exc}")
            return
        names = [_key(h) for h in header]
        if not any(k in names for k in TEXT_KEYS + HTML_KEYS):
            yield ErrorRecord(
                path=path, position=1, kind="missing_text",
                reason=f"CSV header has no text column (one of {', '.join(TEXT_KEYS + HTML_KEYS)}); "
                       f"columns: {', '.join(names[:12])}",
            )
            return
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield ErrorRecord(path=path, position=start, kind="malformed_csv",
                                  reason=f"row cannot be read: {exc}; reading stopped here")
                return
            if not any(cell.strip() for cell in row):
                continue
            size = sum(len(c) for c in row)
            if size > max_bytes:
                yield ErrorRecord(path=path, position=start, kind="too_large",
                                  reason=f"row is {size} characters, over the {max_bytes} limit (max_bytes)")
                continue
            if len(row) > len(names):
                yield ErrorRecord(path=path, position=start, kind="malformed_csv",
                                  reason=f"row has {len(row)} cells, the header {len(names)}: row not read")
                continue
            obj = {k: v for k, v in zip(names, row) if v.strip()}
            yield from records_from_item(obj, path=path, position=start)
    finally:
        csv.field_size_limit(limit)


#: column names a spreadsheet may capitalise ("Title", "Text"): read as the JSON Lines keys
_COMMON_KEYS = {k: k for k in TEXT_KEYS + HTML_KEYS + (
    "id", "title", "date", "published", "source", "url", "author", "byline", "language")}


def _key(name: str) -> str:
    name = name.strip().lstrip("\ufeff")
    return _COMMON_KEYS.get(name.casefold(), name)


def read_csv_bytes(data: bytes, *, path: str, max_bytes: int,
                   delimiter: str = ",") -> Iterator[RawRecord | ErrorRecord]:
    """A whole CSV (or, ``delimiter="\t"``, TSV) file: decoded as the other text inputs
    are (UTF-8, else the detected charset, with an ``encoding`` record), then read."""
    from newsfold.ingest.common import decode

    text, warning = decode(data, path=path)
    if warning is not None:
        yield warning
    yield from read_csv(io.StringIO(text, newline=""), path=path, max_bytes=max_bytes, delimiter=delimiter)


def sniff_table(head: bytes) -> Optional[str]:
    """``"csv"`` or ``"tsv"`` when the first line of an input of unknown kind (stdin, a file
    with no telling extension) is a table header: two or more cells split by commas or tabs,
    each a short name (at most 3 words, 40 characters), one of them a text column the JSON
    Lines rules read (``text``, ``body``, ``html``...), and the next row, where the head holds
    it whole, as many cells. A plain-text article does not open so ("Text, photos and video by
    ..." is a sentence, not a header); anything else is read as text."""
    text = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    line = text.split("\n", 1)[0].rstrip("\r")
    for kind, delimiter in (("tsv", "\t"), ("csv", ",")):
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) < 2 or not all(c.strip() and len(c) <= 40 and len(c.split()) <= 3 for c in cells):
            continue
        if not {_key(c) for c in cells} & set(TEXT_KEYS + HTML_KEYS):
            continue
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        if len(rows) >= 3 and len(rows[1]) != len(cells):  # rows[1] is whole when a row follows it
            continue
        return kind
    return None
