"""Single-document files: plain text (the seed format) and HTML pages."""

from __future__ import annotations

import re
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
    fields = dict(fields or {})
    if format == "text":
        front, body = front_matter(text)
        if front:  # the file's own fields; what the caller knew (a URL) stays
            text = body
            fields = {**front, **fields}
            if isinstance(front.get("url"), str) and not url:
                url = front["url"]
    yield RawRecord(
        id=id, path=path, format=format, content=text, position=position, url=url,
        fields=fields,
    )


#: a front-matter block names at least one of these
_FRONT_KNOWN = {"title", "date", "published", "author", "byline", "source", "url", "id", "lang", "language"}
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")


def front_matter(text: str) -> tuple[dict, str]:
    """A static-site page's YAML front matter (``---`` lines around ``key: value`` lines at the
    top of a Markdown or text file) -> (fields, the text after it). Only flat ``key: value``
    lines are read (quotes stripped; lists, nesting and other YAML left out); anything that is
    not such a block gives ({}, text). Keys are the JSON Lines ones (``title``, ``date``,
    ``author``, ``source``, ``url``...), the others go to ``meta`` as they do there."""
    head = text.lstrip("\ufeff")
    if not head.startswith("---"):
        return {}, text
    lines = head.split("\n", 80)
    if lines[0].strip() != "---":
        return {}, text
    fields: dict = {}
    for k in range(1, min(len(lines), 80)):
        line = lines[k].rstrip()
        if line.strip() in ("---", "..."):
            if not _FRONT_KNOWN & set(fields):  # ("---\nBREAKING: ...\n---" is a text)
                return {}, text
            return fields, "\n".join(lines[k + 1:]) if k + 1 < len(lines) else ""
        m = _FRONT_KEY.match(line)
        if m:
            value = m.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if value and not value.startswith(("[", "{", "|", ">")):
                fields[m.group(1).casefold()] = value
        elif line.strip() and not line.startswith((" ", "\t", "-", "#")):
            return {}, text  # not a front-matter block
    return {}, text
