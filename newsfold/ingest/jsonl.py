"""JSON Lines: one article per line (``id, title, text, date, source, url``; others kept)."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator, Optional

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
        for rec in records_from_item(obj, path=path, position=lineno):
            if isinstance(rec, RawRecord):
                if warning is not None:  # the line's note, said once, with its first article
                    warning.article_id = rec.id
                    yield warning
                    warning = None
                if rec.fields.get("text_from") == "title":
                    # headline-only item: kept (its title is all there is), and said so
                    yield ErrorRecord(
                        path=path, position=rec.position, kind="missing_text", article_id=rec.id,
                        reason="object has no body text; kept with its title as text",
                    )
            yield rec


#: keys under which a line may hold a bundle of articles (a cluster of a summarisation or
#: clustering data set: Multi-News, SummHay, WCEP ...) instead of one article
BUNDLE_KEYS = ("articles", "documents", "docs")
#: keys that name an article of a bundle when it has no ``id``
_DOC_ID_KEYS = ("doc_id", "document_id", "docid")
#: keys that name a bundle
_BUNDLE_ID_KEYS = ("id", "cluster_id", "cluster", "story_id", "topic_id")


def records_from_item(item: Any, *, path: str, position) -> list[RawRecord | ErrorRecord]:
    """:func:`record_from_item`, except that an object with no text of its own and a list of
    article objects under ``articles`` (``documents``, ``docs``) gives one record per
    article (:func:`bundle_articles`), at positions ``<position>:<n>``. (A news API's answer,
    ``{"status": "ok", "articles": [...]}``, is such a bundle.)"""
    docs = bundle_articles(item, position)
    if docs is None:
        return [record_from_item(item, path=path, position=position)]
    return [record_from_item(doc, path=path, position=f"{position}:{n}") for n, doc in enumerate(docs, 1)]


def bundle_id(item: dict, position) -> str:
    """A bundle's name: its ``id``, ``cluster_id``, ``cluster``, ``story_id`` or ``topic_id``,
    else ``line<position>``."""
    return next((str(item[k]).strip() for k in _BUNDLE_ID_KEYS if _usable_id(item.get(k))), f"line{position}")


def bundle_articles(item: Any, position) -> Optional[list]:
    """The articles of a bundle, or None when ``item`` is not one. Each article object keeps
    its ``id`` (else ``doc_id``, ``document_id``, ``docid``; else the id its ``url`` gives,
    as for any article; else ``<bundle id>/<n>``). The bundle's other
    fields are not copied into its articles: its cluster label or reference summary is no
    part of any one article. Elements that are not objects are returned as they are (the
    readers report them)."""
    docs = _bundle(item)
    if docs is None:
        return None
    base = bundle_id(item, position)
    out = []
    for n, doc in enumerate(docs, start=1):
        if isinstance(doc, dict) and (doc.get("id") is None or doc.get("id") == ""):  # (a bad id is said)
            given = next((doc[k] for k in _DOC_ID_KEYS if _usable_id(doc.get(k))), None)
            url = doc.get("url") if isinstance(doc.get("url"), str) and doc["url"].strip() else None
            doc = {**doc, "id": given if given is not None else url_id(url) if url else f"{base}/{n}"}
        out.append(doc)
    return out


def _usable_id(v: Any) -> bool:
    return isinstance(v, (str, int)) and not isinstance(v, bool) and bool(str(v).strip())


def _bundle(item: Any) -> Any:
    if not isinstance(item, dict):
        return None
    if any(isinstance(item.get(k), str) and item[k].strip() for k in TEXT_KEYS + HTML_KEYS):
        return None
    for key in BUNDLE_KEYS:
        docs = item.get(key)
        if isinstance(docs, list) and docs and any(isinstance(d, dict) for d in docs):
            return docs
    return None


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
