"""Single-document files: plain text (the seed format) and HTML pages."""

from __future__ import annotations

from typing import Iterator

from newsfold.ingest.common import decode
from newsfold.model import ErrorRecord, RawRecord


def read_document(
    data: bytes, *, path: str, id: str, format: str, position=None, url=None, fields=None
) -> Iterator[RawRecord | ErrorRecord]:
    """One file (or stdin) holding one article, plain text or HTML."""
    text, warning = decode(data, path=path, position=position)
    if not text.strip():
        yield ErrorRecord(path=path, position=position, reason="file holds only whitespace", kind="empty")
        return
    if warning is not None:
        warning.article_id = id
        yield warning
    yield RawRecord(
        id=id, path=path, format=format, content=text, position=position, url=url,
        fields=dict(fields or {}),
    )
