"""What the SQLite and PostgreSQL stores share: row shapes, batching, search text.

Keeping these in one place is what makes both backends behave the same (same dedup rule,
same outlet normalisation, same search tokens).
"""

from __future__ import annotations

import hashlib
import json
import re
from itertools import islice
from typing import Iterable, Iterator, NamedTuple, Optional, TypeVar

from newsfold.model import Article, ErrorRecord, Story

#: Bumped when the table layout changes (stored in the ``meta`` table).
STORE_SCHEMA_VERSION = 1
#: Rows per page when iterating over all articles.
PAGE = 1000

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


def unique_articles(articles: Iterable[Article]) -> Iterator[Article]:
    """Drop articles repeated within one call (same id or same content hash); first wins."""
    ids: set[str] = set()
    hashes: set[str] = set()
    for a in articles:
        if a.id in ids or (a.content_hash and a.content_hash in hashes):
            continue
        ids.add(a.id)
        if a.content_hash:
            hashes.add(a.content_hash)
        yield a


def no_nul(value: Optional[str]) -> Optional[str]:
    """PostgreSQL text cannot hold NUL; SQLite can, but both get the same values."""
    if value is None:
        return None
    value = str(value)
    return value.replace("\x00", "") if "\x00" in value else value


def dumps(obj) -> str:
    # json escapes NUL as \u0000, so the JSON text itself is always storable.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def article_row(a: Article) -> tuple:
    """(id, content_hash, published, source, story, family, data)."""
    return (
        a.id,
        a.content_hash,
        no_nul(a.published),
        no_nul(a.source),
        a.story,
        a.family,
        dumps(a.to_dict()),
    )


def independent_count(story: Story) -> Optional[int]:
    value = (story.sources or {}).get("independent")
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def story_row(s: Story) -> tuple:
    """(id, title, first_published, last_published, independent, n_articles, data)."""
    return (
        s.id,
        no_nul(s.title),
        no_nul(s.first_published),
        no_nul(s.last_published),
        independent_count(s),
        len(s.articles),
        dumps(s.to_dict()),
    )


def error_row(e: ErrorRecord) -> tuple:
    """(key, path, kind, stage, data); ``key`` makes re-adding the same error a no-op."""
    data = dumps(e.to_dict())
    key = hashlib.blake2b(
        json.dumps(e.to_dict(), sort_keys=True, default=str).encode("utf-8"), digest_size=16
    ).hexdigest()
    return (key, no_nul(e.path), no_nul(e.kind), no_nul(e.stage), data)


class MemberText(NamedTuple):
    source: Optional[str]
    title: Optional[str]
    text: Optional[str]


def norm_outlet(name: str) -> str:
    """Outlet names compare case-insensitively, with or without ``www.``."""
    name = no_nul(name or "").strip().casefold()
    return name[4:] if name.startswith("www.") else name


def story_outlets(story: Story, members: Iterable[MemberText]) -> set[str]:
    """Outlets of a story: its members' sources and its families' outlets."""
    outlets = {norm_outlet(m.source) for m in members if m.source}
    for fam in story.families or []:
        outlets.update(norm_outlet(o) for o in fam.outlets or [] if o)
    outlets.discard("")
    return outlets


def search_texts(story: Story, members: Iterable[MemberText]) -> tuple[str, str, str]:
    """(title, summary, body) indexed for full-text search."""
    title = story.title or ""
    summary = " ".join(s.text for s in story.summary or [] if s.text)
    body = "\n".join(
        part for m in members for part in (m.title, m.text) if part
    )
    return no_nul(title) or "", no_nul(summary) or "", no_nul(body) or ""


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(\*)?", re.UNICODE)


def query_terms(q: str) -> list[tuple[str, bool]]:
    """A search box's words: [(word, prefix?)], lower-cased; every word must match."""
    terms: list[tuple[str, bool]] = []
    for m in _WORD.finditer(q or ""):
        word = m.group(0).rstrip("*").replace("’", "'")
        # split on apostrophes as both tokenizers do ("Lavrov's" -> lavrov, s)
        parts = [p for p in word.split("'") if p]
        for i, part in enumerate(parts):
            if i == 0 or len(part) > 1:
                terms.append((part.casefold(), bool(m.group(1))))
    return terms
