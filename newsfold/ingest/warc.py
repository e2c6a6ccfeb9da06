"""WARC archives (``.warc``, ``.warc.gz``): HTML response records, via FastWARC."""

from __future__ import annotations

from typing import BinaryIO, Iterator

from newsfold.ingest.common import decode, hash_id, url_id
from newsfold.model import ErrorRecord, RawRecord

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, *, path: str, max_bytes: int) -> Iterator[RawRecord | ErrorRecord]:
    """Yield one RawRecord (format ``warc``, HTML content) per HTML response record.

    A truncated record or an archive that stops parsing yields one ``malformed_warc`` error at
    the record index where it broke; records read before it are kept.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    index = 0
    n_html = 0
    try:
        for rec in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            index += 1
            uri = rec.headers.get("WARC-Target-URI") or None
            if rec.http_headers is None:
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason=f"response record for {uri} has no HTTP header block")
                continue
            ctype = (rec.http_headers.get("Content-Type") or "").lower()
            status = rec.http_headers.status_code
            if not any(t in ctype for t in _HTML_TYPES) or (status and status >= 300):
                continue  # not an article page (image, redirect, ...): skipped by design
            expected = rec.content_length
            if expected > max_bytes:
                yield ErrorRecord(path=path, position=index, kind="too_large",
                                  reason=f"record for {uri} is {expected} bytes, over the {max_bytes}-byte limit")
                continue
            body = rec.reader.read()
            if len(body) < expected:
                yield ErrorRecord(path=path, position=index, kind="malformed_warc",
                                  reason=f"record for {uri} is truncated ({len(body)} of {expected} bytes)")
                continue
            n_html += 1
            text, warning = decode(body, path=path, position=index)
            rid = url_id(uri) if uri else hash_id(text)
            if not text.strip():
                yield ErrorRecord(path=path, position=index, kind="empty",
                                  reason=f"record for {uri} has an empty body")
                continue
            if warning is not None:
                warning.article_id = rid
                yield warning
            fields = {"content_type": "html", "warc_date": rec.headers.get("WARC-Date")}
            if uri:
                fields["url"] = uri
            yield RawRecord(id=rid, path=path, format="warc", content=text, position=index,
                            url=uri, fields=fields)
    except Exception as exc:  # noqa: BLE001 - FastWARC raises OSError/AttributeError on garbage
        yield ErrorRecord(path=path, position=index + 1 if index else 0, kind="malformed_warc",
                          reason=f"cannot parse WARC after {index} record(s): {exc}")
        return
    if index == 0:
        yield ErrorRecord(path=path, position=0, kind="malformed_warc",
                          reason="no WARC response record found (not a WARC file, or empty)")
