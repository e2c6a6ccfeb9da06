"""WARC archives (``.warc``, ``.warc.gz``): HTML response records, via FastWARC."""

from __future__ import annotations

import re
import zlib
from typing import BinaryIO, Iterator, Optional

from newsfold.ingest.common import decode, hash_id, url_id
from newsfold.model import ErrorRecord, RawRecord

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)")


def read_warc(stream: BinaryIO, *, path: str, max_bytes: int) -> Iterator[RawRecord | ErrorRecord]:
    """Yield one RawRecord (format ``warc``, HTML content) per HTML response record.

    Non-HTML responses (images, scripts), redirects and request/metadata records are skipped
    by design. A truncated record, an archive that stops parsing, or a gzip member cut short
    yields one ``malformed_warc`` error at the record index where it broke; records read
    before it are kept. ``position`` is the 1-based index among all WARC records.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    index = 0
    truncated_last = False
    last_pos: Optional[int] = None
    headerless = 0  # index of the last record reported for its unreadable header block
    try:
        for rec in ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=False):
            index += 1
            last_pos = rec.stream_pos
            truncated_last = False
            if not rec.headers.get("WARC-Type"):
                # FastWARC hands back a header block it cannot read as an empty record of
                # unknown type; skipped like other non-responses, a file of garbage after
                # "WARC/1.0" would vanish without a word
                headerless = index
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason="record has no valid WARC header block (no WARC-Type)")
                continue
            if rec.record_type != WarcRecordType.response:
                continue
            uri = rec.headers.get("WARC-Target-URI") or None
            expected = rec.content_length
            if expected > max_bytes:
                yield ErrorRecord(path=path, position=index, kind="too_large",
                                  reason=f"record for {uri} is {expected} bytes, over the {max_bytes}-byte limit")
                continue
            rec.parse_http()
            if rec.http_headers is None:
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason=f"response record for {uri} has no valid HTTP header block")
                continue
            ctype = (rec.http_headers.get("Content-Type") or "").lower()
            status = rec.http_headers.status_code or 200
            body = rec.reader.read()
            if len(body) < rec.content_length:
                truncated_last = True
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason=f"record for {uri} is truncated ({len(body)} of {rec.content_length} body bytes)")
                continue
            if not any(t in ctype for t in _HTML_TYPES) or status >= 300:
                continue  # not an article page
            try:
                body = _decode_transfer(body, rec.http_headers)
            except Exception as exc:  # noqa: BLE001 - zlib/brotli errors on corrupt payloads
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason=f"record for {uri}: cannot decode the HTTP payload ({exc})")
                continue
            m = _CHARSET.search(ctype)
            text, warning = decode(body, path=path, position=index, declared=m.group(1) if m else None)
            rid = url_id(uri) if uri else hash_id(text)
            if not text.strip():
                yield ErrorRecord(path=path, position=index, kind="empty",
                                  reason=f"record for {uri} has an empty body")
                continue
            if warning is not None:
                warning.article_id = rid
                yield warning
            fields = {"content_type": "html", "warc_date": rec.headers.get("WARC-Date")}
            yield RawRecord(id=rid, path=path, format="warc", content=text, position=index,
                            url=uri, fields=fields)
    except Exception as exc:  # noqa: BLE001 - FastWARC raises OSError/AttributeError on garbage
        if headerless and headerless == index:
            return  # the same break, already reported
        yield ErrorRecord(path=path, position=index + 1, kind="malformed_warc",
                          reason=f"cannot parse WARC after {index} record(s): {exc}")
        return
    if index == 0:
        yield ErrorRecord(path=path, position=0, kind="malformed_warc",
                          reason="no WARC record found (not a WARC file, or cut before its first record)")
        return
    problem = None if truncated_last else _gzip_tail_problem(stream, last_pos)
    if problem:
        yield ErrorRecord(path=path, position=index + 1, kind="malformed_warc",
                          reason=f"archive ends badly after record {index}: {problem}")


def _gzip_tail_problem(stream, last_pos: Optional[int]) -> Optional[str]:
    """FastWARC stops silently at a gzip member cut short: check the members from the last
    record it read to the end of the stream (only that tail is decompressed)."""
    if last_pos is None or not hasattr(stream, "seek"):
        return None
    try:
        stream.seek(last_pos)
        magic = stream.read(2)
        if magic != b"\x1f\x8b":
            return None  # uncompressed WARC: truncation shows as a short record body
        stream.seek(last_pos)
        data = stream.read()
    except (OSError, ValueError):
        return None
    members = 0
    while data:
        if not data.strip(b"\x00\r\n "):
            break
        d = zlib.decompressobj(wbits=31)
        try:
            d.decompress(data)
        except zlib.error as exc:
            return f"corrupt gzip data ({exc})"
        if not d.eof:
            return "truncated gzip member (the file was cut short)"
        members += 1
        data = d.unused_data
        if members > 1:
            return "trailing data that is not a readable WARC record"
    return None


def _decode_transfer(body: bytes, headers) -> bytes:
    """Undo HTTP chunking and content encoding kept in the archived payload."""
    te = (headers.get("Transfer-Encoding") or "").lower()
    if "chunked" in te:
        body = _dechunk(body)
    ce = (headers.get("Content-Encoding") or "").lower().strip()
    if ce in ("gzip", "x-gzip") and body[:2] == b"\x1f\x8b":
        body = zlib.decompress(body, wbits=47)
    elif ce == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            body = zlib.decompress(body, wbits=-15)
    elif ce == "br":
        import brotli  # optional; raises ImportError -> error record

        body = brotli.decompress(body)
    return body


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return body  # not actually chunked: keep as is
        try:
            size = int(body[pos:eol].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body
        if size == 0:
            break
        out += body[eol + 2: eol + 2 + size]
        pos = eol + 2 + size + 2
    return bytes(out)
