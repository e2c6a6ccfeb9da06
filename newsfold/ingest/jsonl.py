"""JSON Lines: one article per line (``id, title, text, date, source, url``; others kept)."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from newsfold.ingest.common import hash_id, json_loads, url_id
from newsfold.model import ErrorRecord, RawRecord

#: keys that may hold the article body, in order of preference
TEXT_KEYS = ("text", "body", "content", "article", "maintext")
HTML_KEYS = ("html", "raw_html")
_LOOKS_HTML = re.compile(r"^\s*<(?:!doctype|html|body|div|p|article|section)\b", re.I)


def read_jsonl(
    lines: Iterable[bytes], *, path: str, max_bytes: int
) -> Iterator[RawRecord | ErrorRecord]:
    """Parse line by line; a bad line yields one ErrorRecord and reading goes on."""
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if len(raw) > max_bytes:
            yield ErrorRecord(
                path=path, position=lineno, kind="too_large",
                reason=f"line is {len(raw)} bytes, over the {max_bytes}-byte limit (max_bytes)",
            )
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        warning = None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            # keep the article; the bad bytes become U+FFFD and a warning says so
            line = raw.decode("utf-8", errors="replace")
            warning = ErrorRecord(
                path=path, position=lineno, kind="encoding",
                reason=f"line is not valid UTF-8 (byte {exc.start}); bad bytes replaced with U+FFFD",
            )
        notes: list = []
        try:
            obj = json_loads(line, notes)
        except ValueError as exc:
            why = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield ErrorRecord(path=path, position=lineno, kind="malformed_json", reason=f"invalid JSON: {why}")
            continue
        if notes and warning is None:
            warning = ErrorRecord(path=path, position=lineno, kind="encoding", reason=f"line has a {notes[0]}")
        rec = record_from_item(obj, path=path, position=lineno)
        if isinstance(rec, RawRecord) and rec.fields.get("text_from") == "title":
            # headline-only item: kept (its title is all there is), and said so
            warning = ErrorRecord(
                path=path, position=lineno, kind="missing_text", article_id=rec.id,
                reason="object has no body text; kept with its title as text",
            )
        if warning is not None and isinstance(rec, RawRecord):
            warning.article_id = rec.id
            yield warning
        yield rec


def record_from_item(item: Any, *, path: str, position) -> RawRecord | ErrorRecord:
    """One decoded JSON value of a batch (a JSONL line, an element of a JSON array, an item
    posted to the API) -> RawRecord, or an ErrorRecord when it is not an article object."""
    if not isinstance(item, dict):
        return ErrorRecord(path=path, position=position, kind="malformed_json",
                           reason=f"expected an article object, got {type(item).__name__}")
    return record_from_obj(item, path=path, position=position)


def record_from_obj(obj: dict, *, path: str, position) -> RawRecord | ErrorRecord:
    content, content_type = None, "text"
    for key in TEXT_KEYS:
        val = obj.get(key)
        if isinstance(val, str) and val.strip():
            content = val
            break
    if content is None:
        for key in HTML_KEYS:
            val = obj.get(key)
            if isinstance(val, str) and val.strip():
                content, content_type = val, "html"
                break
    if content is None and isinstance(obj.get("title"), str) and len(obj["title"].split()) >= 3:
        content = obj["title"].strip()
        from_title = True
    else:
        from_title = False
    if content is None:
        return ErrorRecord(
            path=path, position=position, kind="missing_text",
            reason="object has no non-empty text field (text, body, content, article or html)",
        )
    if content_type == "text" and _LOOKS_HTML.match(content):
        content_type = "html"
    url = obj.get("url") if isinstance(obj.get("url"), str) and obj.get("url") else None
    raw_id = obj.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, float))):
        return ErrorRecord(
            path=path, position=position, kind="malformed_json",
            reason=f"field 'id' is not a string or number ({type(raw_id).__name__}): item not read",
        )
    if raw_id is not None and str(raw_id).strip():
        rid = str(raw_id).strip()
    elif url:
        rid = url_id(url)
    else:
        rid = hash_id(content)
    fields = {k: v for k, v in obj.items() if k not in TEXT_KEYS and k not in HTML_KEYS}
    fields["content_type"] = content_type
    if from_title:
        fields["text_from"] = "title"
    return RawRecord(
        id=rid, path=path, format="jsonl", content=content, position=position, url=url,
        fields=fields,
    )
