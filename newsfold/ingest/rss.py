"""RSS and Atom feeds: one RawRecord per entry with its content (HTML or text)."""

from __future__ import annotations

import re
from typing import Iterator

from newsfold.ingest.common import hash_id, url_id
from newsfold.model import ErrorRecord, RawRecord

_HAS_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def read_feed(text: str, *, path: str) -> Iterator[RawRecord | ErrorRecord]:
    import feedparser

    feed = feedparser.parse(text)
    entries = feed.get("entries") or []
    if not entries:
        why = feed.get("bozo_exception")
        yield ErrorRecord(path=path, position=0, kind="malformed_feed",
                          reason=f"not a readable RSS/Atom feed: {why or 'no entries'}")
        return
    site = (feed.get("feed") or {}).get("title")
    for index, entry in enumerate(entries, start=1):
        content = ""
        for c in entry.get("content") or []:
            if c.get("value", "").strip():
                content = c["value"]
                break
        if not content:
            content = entry.get("summary") or entry.get("description") or ""
        link = entry.get("link") or None
        if not content.strip():
            yield ErrorRecord(path=path, position=index, kind="missing_text",
                              reason=f"feed entry {link or index} has no content or summary")
            continue
        is_html = bool(_HAS_TAG.search(content))
        if is_html and not re.search(r"<(?:html|body)\b", content, re.I):
            # feed snippets are fragments: give trafilatura a page to work on
            content = f"<html><body><article>{content}</article></body></html>"
        rid = url_id(link) if link else (str(entry.get("id")) if entry.get("id") else hash_id(content))
        fields = {
            "title": entry.get("title"),
            "date": _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
            or entry.get("published") or entry.get("updated"),
            "url": link,
            "author": entry.get("author"),
            "source": site,
            "content_type": "html" if is_html else "text",
        }
        if entry.get("tags"):
            fields["tags"] = [t.get("term") for t in entry["tags"] if t.get("term")]
        yield RawRecord(id=rid, path=path, format="rss", content=content, position=index,
                        url=link, fields={k: v for k, v in fields.items() if v is not None})


def _iso(struct) -> str | None:
    """ISO date from feedparser's parsed time (UTC struct_time), else None."""
    try:
        return f"{struct.tm_year:04d}-{struct.tm_mon:02d}-{struct.tm_mday:02d}" if struct else None
    except AttributeError:
        return None
