"""Dispatch paths (files, folders, ``-``) to the per-format readers; keep ids unique."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from newsfold.config import Config
from newsfold.ingest.common import SNIFF_BYTES, decode, hash_id, is_binary, json_loads, sniff
from newsfold.model import ErrorRecord, RawRecord, content_hash

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_EXT = {".jsonl", ".ndjson", ".jsonlines"}
FEED_EXT = {".rss", ".atom"}
CSV_EXT = {".csv": ",", ".tsv": "\t"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")


def read_paths(
    paths: Sequence[str] | str, *, config: Optional[Config] = None, stdin=None
) -> Iterator[RawRecord | ErrorRecord]:
    """Read every path (file, folder recursively in sorted order, or ``-`` for stdin).

    Yields RawRecords and ErrorRecords. The same id with the same content is yielded once;
    the same id with different content gets a ``~2``, ``~3``... suffix and a ``duplicate_id``
    ErrorRecord (with ``article_id``) says so.
    """
    config = config or Config()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: dict[str, str] = {}
    for item in _read_all(paths, config, stdin):
        if isinstance(item, ErrorRecord):
            yield item
            continue
        h = content_hash(item.content)
        prev = seen.get(item.id)
        if prev is None:
            seen[item.id] = h
            yield item
            continue
        if prev == h:
            continue  # the same article read twice: stored once
        n = 2
        while f"{item.id}~{n}" in seen:
            n += 1
        new_id = f"{item.id}~{n}"
        yield ErrorRecord(
            path=item.path, position=item.position, kind="duplicate_id", article_id=new_id,
            reason=f"id {item.id!r} already used by a different article; renamed to {new_id!r}",
        )
        item.id = new_id
        seen[new_id] = h
        yield item


def _read_all(paths, config: Config, stdin) -> Iterator[RawRecord | ErrorRecord]:
    for p in paths:
        p = str(p)
        if p == "-":
            yield from read_stdin(stdin if stdin is not None else sys.stdin, config=config)
            continue
        path = Path(p)
        if path.is_dir():
            for f in _walk(path):
                yield from _guarded(f, config)
        elif path.exists():
            yield from _guarded(path, config)
        else:
            yield ErrorRecord(path=p, position=None, kind="unreadable", reason="no such file or folder")


def _guarded(path: Path, config: Config) -> Iterator[RawRecord | ErrorRecord]:
    """read_file, with a last safety net: an unexpected failure on one file is one error."""
    try:
        yield from read_file(path, config=config)
    except Exception as exc:  # noqa: BLE001 - a reader bug or odd file must not stop the run
        yield ErrorRecord(path=str(path), position=None, kind="unreadable",
                          reason=f"reading failed ({type(exc).__name__}: {exc})")


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder, recursively, in sorted order; hidden files and folders skipped."""
    for root, dirs, files in os.walk(folder, onerror=None):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _kind_from_name(path: Path) -> Optional[str]:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        return "jsonl.gz"
    if name.endswith(".json"):
        return "json"
    ext = path.suffix.lower()
    if ext in TEXT_EXT:
        return "text"
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in FEED_EXT:
        return "rss"
    if ext in CSV_EXT:
        return ext[1:]
    return None  # .xml, .json and unknown: sniff


def _doc_id(path: Path) -> str:
    """File name without extension(s) that name a format."""
    name = path.name
    for suffix in (".warc.gz", ".gz"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    stem = Path(name).stem
    return stem or name


def read_file(path: Path, *, config: Config) -> Iterator[RawRecord | ErrorRecord]:
    sp = str(path)
    kind = _kind_from_name(path)
    try:
        size = path.stat().st_size
        if kind is None:  # unknown extension: sniff the head, so big containers still stream
            with open(path, "rb") as fh:
                head = fh.read(SNIFF_BYTES)
            kind = _sniff_head(head)
            if kind == "gz":
                yield from _read_gz_document(path, sp, config)
                return
        if kind == "jsonl.gz":
            yield from _read_jsonl_gz(path, sp, config)
            return
        if kind in ("jsonl", "warc"):
            with open(path, "rb") as fh:
                head = fh.read(SNIFF_BYTES)
            if not head.strip():
                yield ErrorRecord(path=sp, position=None, kind="empty", reason="file is empty")
                return
            if kind == "jsonl" and is_binary(head):
                yield ErrorRecord(path=sp, position=None, kind="binary",
                                  reason="file holds binary data (NUL or control bytes), not JSON Lines")
                return
            with open(path, "rb") as fh:
                yield from _read_container(kind, fh, sp, config)
            return
        if kind in ("csv", "tsv"):  # a table of articles: its size limit is per row
            data = path.read_bytes()
            yield from _read_table(data, sp, kind, config)
            return
        if size > config.max_bytes:
            yield ErrorRecord(path=sp, position=None, kind="too_large",
                              reason=f"file is {size} bytes, over the {config.max_bytes}-byte limit (max_bytes)")
            return
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # gzip under a document's name (a saved compressed HTTP body)
            yield from _read_gz_document(path, sp, config)
            return
    except OSError as exc:
        yield ErrorRecord(path=sp, position=None, kind="unreadable", reason=f"cannot read file: {exc.strerror or exc}")
        return
    yield from read_bytes(data, path=sp, kind=kind, doc_id=_doc_id(path), config=config)


def _sniff_head(head: bytes) -> Optional[str]:
    """Container kinds from a file's first bytes (None: decide on the whole content)."""
    if _document_format(head):
        return None  # an RTF file opens with "{": not JSON Lines (read_bytes reports it)
    if head[:2] == b"\x1f\x8b":
        import zlib

        try:
            inner = zlib.decompressobj(wbits=31).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return "warc"  # let the WARC reader report what is wrong
        if inner.startswith(b"WARC/"):
            return "warc"
        if inner.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
            return "jsonl.gz"
        return "gz"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.strip() and sniff(head) == "jsonl" and not is_binary(head):
        return "jsonl"
    return None


#: file signatures of formats that are not text. A PDF's header and an RTF file are ASCII:
#: without this, such a file with few binary bytes near its start was read as a text article
_SIGNATURES = (
    (b"%PDF-", "a PDF document"), (b"{\\rtf", "an RTF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, OpenDocument or EPUB file)"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
)


def _document_format(data: bytes) -> Optional[str]:
    """The format a file's first bytes name, when it is a known non-text one."""
    return next((name for sig, name in _SIGNATURES if data.startswith(sig)), None)


def _read_gz_document(path: Path, sp: str, config: Config):
    """A gzip-compressed single document (``page.html.gz``): decompress, then sniff. A
    compressed table (``articles.csv.gz``) is read whole: its size limit is per row."""
    import zlib

    inner = Path(path.name[:-3]) if path.name.lower().endswith(".gz") else path
    if _kind_from_name(inner) in ("csv", "tsv"):
        import gzip

        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read()
        except (OSError, EOFError, zlib.error) as exc:
            yield ErrorRecord(path=sp, position=None, kind="unreadable", reason=f"corrupt gzip file: {exc}")
            return
        yield from _read_table(data, sp, _kind_from_name(inner), config)
        return

    d = zlib.decompressobj(wbits=31)
    try:
        with open(path, "rb") as fh:
            data = d.decompress(fh.read(), config.max_bytes + 1)
    except zlib.error as exc:
        yield ErrorRecord(path=sp, position=None, kind="unreadable", reason=f"corrupt gzip file: {exc}")
        return
    if len(data) > config.max_bytes:
        yield ErrorRecord(path=sp, position=None, kind="too_large",
                          reason=f"file decompresses to over the {config.max_bytes}-byte limit (max_bytes)")
        return
    if not d.eof:
        yield ErrorRecord(path=sp, position=None, kind="unreadable", reason="gzip file is truncated")
        return
    yield from read_bytes(data, path=sp, kind=_kind_from_name(inner), doc_id=_doc_id(path), config=config)


def read_bytes(
    data: bytes, *, path: str, kind: Optional[str], doc_id: Optional[str], config: Config
) -> Iterator[RawRecord | ErrorRecord]:
    """Read one in-memory input whose kind is known (or None: sniff it)."""
    if not data.strip():
        yield ErrorRecord(path=path, position=None, kind="empty", reason="file is empty")
        return
    fmt = _document_format(data)
    if fmt:
        yield ErrorRecord(path=path, position=None, kind="binary",
                          reason=f"file is {fmt}: not text, HTML, JSON Lines, WARC or a feed")
        return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with BOM: NUL bytes, yet text
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            pass
    if kind is None:
        kind = sniff(data)
        if kind == "text" and path.lower().endswith(".xml"):
            kind = "html"
        elif kind == "text":  # stdin, or a name that says nothing: a table's header line
            from newsfold.ingest.csvfile import sniff_table

            kind = sniff_table(data[:SNIFF_BYTES]) or kind
    if kind == "warc" or kind == "jsonl":
        if kind == "jsonl" and is_binary(data):
            yield ErrorRecord(path=path, position=None, kind="binary",
                              reason="file holds binary data (NUL or control bytes)")
            return
        yield from _read_container(kind, io.BytesIO(data), path, config)
        return
    if kind in ("csv", "tsv"):
        yield from _read_table(data, path, kind, config)
        return
    if is_binary(data):
        yield ErrorRecord(path=path, position=None, kind="binary",
                          reason="file holds binary data (NUL or control bytes), not text")
        return
    if len(data) > config.max_bytes:
        yield ErrorRecord(path=path, position=None, kind="too_large",
                          reason=f"input is {len(data)} bytes, over the {config.max_bytes}-byte limit (max_bytes)")
        return
    if kind == "json":
        yield from _read_json(data, path, config)
        return
    if kind == "rss":
        from newsfold.ingest.rss import read_feed

        text, warning = decode(data, path=path)
        if warning is not None:
            yield warning
        yield from read_feed(text, path=path)
        return
    from newsfold.ingest.text import read_document

    rid = doc_id
    if rid is None:
        rid = hash_id(data.decode("utf-8", errors="replace"))
    yield from read_document(data, path=path, id=rid, format=kind)


def _read_table(data: bytes, path: str, kind: str, config: Config):
    from newsfold.ingest.csvfile import read_csv_bytes

    if not data.strip():
        yield ErrorRecord(path=path, position=None, kind="empty", reason="file is empty")
        return
    if is_binary(data[:SNIFF_BYTES]):
        yield ErrorRecord(path=path, position=None, kind="binary",
                          reason=f"file holds binary data (NUL or control bytes), not {kind.upper()}")
        return
    yield from read_csv_bytes(data, path=path, max_bytes=config.max_bytes, delimiter=CSV_EXT["." + kind])


def _read_container(kind: str, stream, path: str, config: Config):
    if kind == "warc":
        from newsfold.ingest.warc import read_warc

        yield from read_warc(stream, path=path, max_bytes=config.max_bytes)
    else:
        from newsfold.ingest.jsonl import read_jsonl

        yield from read_jsonl(stream, path=path, max_bytes=config.max_bytes)


def _read_jsonl_gz(path: Path, sp: str, config: Config):
    import gzip
    import zlib

    from newsfold.ingest.jsonl import read_jsonl

    line_no = 0

    def lines():
        nonlocal line_no
        with gzip.open(path, "rb") as fh:
            for line in fh:
                line_no += 1
                yield line

    try:
        yield from read_jsonl(lines(), path=sp, max_bytes=config.max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        yield ErrorRecord(path=sp, position=line_no + 1, kind="malformed_json",
                          reason=f"compressed JSON Lines file is broken after line {line_no}: {exc}")


def _read_json(data: bytes, path: str, config: Config):
    """A ``.json`` file: one article object, a list of them, or JSON Lines misnamed."""
    import json

    from newsfold.ingest.jsonl import read_jsonl, records_from_item

    try:
        obj = json_loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield ErrorRecord(path=path, position=None, kind="encoding",
                          reason=f"JSON file is not valid UTF-8 (byte {exc.start})")
        return
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects, one per line
            yield from read_jsonl(io.BytesIO(data), path=path, max_bytes=config.max_bytes)
            return
        yield ErrorRecord(path=path, position=None, kind="malformed_json",
                          reason=f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    except ValueError as exc:  # nested too deeply
        yield ErrorRecord(path=path, position=None, kind="malformed_json", reason=f"invalid JSON: {exc}")
        return
    items = obj if isinstance(obj, list) else [obj]
    for i, item in enumerate(items, start=1):
        yield from records_from_item(item, path=path, position=i)


def read_stdin(stdin, *, config: Config) -> Iterator[RawRecord | ErrorRecord]:
    """``-``: read all of stdin, sniff JSONL / WARC / feed / HTML / plain text."""
    buf = getattr(stdin, "buffer", None)
    if buf is None and hasattr(stdin, "peek"):
        buf = stdin
    if buf is not None and hasattr(buf, "peek"):
        try:
            head = buf.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except (OSError, ValueError):
            head = b""
        kind = _sniff_head(head) if head else None
        if kind in ("jsonl", "warc"):  # stream: stdin may carry millions of lines
            yield from _read_container(kind, buf, "-", config)
            return
    try:
        data = buf.read() if buf is not None else stdin.read()
    except (OSError, ValueError) as exc:
        yield ErrorRecord(path="-", position=None, kind="unreadable", reason=f"cannot read stdin: {exc}")
        return
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogateescape")
    yield from read_bytes(data, path="-", kind=None, doc_id=None, config=config)


def iter_records(items: Iterable) -> Iterator[RawRecord]:
    """Only the RawRecords of a reader's output (convenience for tests and scripts)."""
    return (i for i in items if isinstance(i, RawRecord))
