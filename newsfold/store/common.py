"""What the SQLite and PostgreSQL stores share: row shapes, batching, search text.

Keeping these in one place is what makes both backends behave the same (same dedup rule,
same outlet normalisation, same search tokens).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from itertools import islice
from urllib.parse import urlsplit
from typing import Iterable, Iterator, Optional, TypeVar

from newsfold.model import Article, ErrorRecord, Story

#: Bumped when the table layout changes (stored in the ``meta`` table).
STORE_SCHEMA_VERSION = 2
def check_version(found: str, where: str) -> None:
    if str(found) != str(STORE_SCHEMA_VERSION):
        raise RuntimeError(
            f"the store at {where} has layout version {found}; this newsfold uses "
            f"{STORE_SCHEMA_VERSION} (version 2 keys content duplicates by body + outlet + host). "
            "Re-create it: run newsfold again into a new --db."
        )


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


def content_key(a: Article) -> Optional[str]:
    """What makes two articles "the same article" by content: the same normalised body
    (``content_hash``) from the same outlet (``source``) and the same web host.

    The same body under another id from the same place (a re-crawl, a re-run, a second
    feed of the same site) is the same article; the same body from another outlet or host
    is a syndicated exact copy: a separate article, which the copy folding then names as
    a ``copy`` of its origin, and which counts in the story's outlets.
    """
    if not a.content_hash:
        return None
    if not (a.source or a.url):
        # Nothing says where it came from: the same body under another id may be another
        # outlet's exact copy, so only the id can make it "the same article" (the copy
        # folding then names it a ``copy``). Dropping it here would lose it silently.
        return None
    host = ""
    if a.url:
        try:
            host = (urlsplit(str(a.url)).hostname or "").casefold()
        except ValueError:
            host = ""
        if host.startswith("www."):
            host = host[4:]
    return f"{a.content_hash}|{norm_outlet(a.source or '')}|{host}"


def select_new(articles: Iterable[Article], ids: set[str], keys: set[str]) -> list[Article]:
    """The articles to add, in order: neither the id nor the content key (see
    :func:`content_key`) is in ``ids`` / ``keys`` (what is stored, plus what this call
    already took). The sets grow with every article taken, so a repeat later in the call
    is skipped; an article that is skipped takes nothing (its twin later in the call may
    still be new)."""
    out: list[Article] = []
    for a in articles:
        key = content_key(a)
        if a.id in ids or (key is not None and key in keys):
            continue
        ids.add(a.id)
        if key is not None:
            keys.add(key)
        out.append(a)
    return out


def no_nul(value: Optional[str]) -> Optional[str]:
    """PostgreSQL text cannot hold NUL; SQLite can, but both get the same values."""
    if value is None:
        return None
    value = str(value)
    return value.replace("\x00", "") if "\x00" in value else value


def dumps(obj) -> str:
    # json escapes NUL as \u0000, so the JSON text itself is always storable.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


_FIELDS: dict[type, tuple[str, ...]] = {}


def _default(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def to_json(obj) -> str:
    """``obj.to_dict()`` as JSON, without ``dataclasses.asdict``'s deep copy (the values of
    Article are plain lists/dicts already): the hot path of bulk inserts."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
    return json.dumps(
        {n: getattr(obj, n) for n in names}, ensure_ascii=False, separators=(",", ":"),
        default=_default,
    )


def article_row(a: Article) -> tuple:
    """(id, content_key, published, source, story, family, data)."""
    return (
        a.id,
        no_nul(content_key(a)),
        no_nul(a.published),
        no_nul(a.source),
        a.story,
        a.family,
        to_json(a),
    )


def article_search(a: Article, max_chars: Optional[int] = None) -> tuple[str, str]:
    """(title, text) indexed for full-text search when the article is first stored."""
    text = no_nul(a.text) or ""
    if max_chars is not None:
        text = text[:max_chars]
    return no_nul(a.title) or "", text


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
        to_json(s),
    )


def error_row(e: ErrorRecord) -> tuple:
    """(key, path, kind, stage, data); ``key`` makes re-adding the same error a no-op."""
    data = dumps(e.to_dict())
    key = hashlib.blake2b(
        json.dumps(e.to_dict(), sort_keys=True, default=str).encode("utf-8"), digest_size=16
    ).hexdigest()
    return (key, no_nul(e.path), no_nul(e.kind), no_nul(e.stage), data)


def norm_outlet(name: str) -> str:
    """Outlet names compare case-insensitively, with or without ``www.``."""
    name = no_nul(name or "").strip().casefold()
    return name[4:] if name.startswith("www.") else name


def story_filters(where: list[str], params: list, since, until, outlet, min_independent, *,
                  ph: str) -> None:
    """Append the non-search story filters (time range, outlet, minimum independent sources)
    to ``where``/``params``; ``ph`` is the backend's placeholder (``?`` or ``%s``)."""
    if since:
        where.append(f"substr(s.last_published, 1, length({ph})) >= {ph}")
        params += [since, since]
    if until:
        where.append(f"substr(s.first_published, 1, length({ph})) <= {ph}")
        params += [until, until]
    if outlet:
        where.append(
            f"EXISTS (SELECT 1 FROM story_outlets o WHERE o.story_id = s.id AND o.outlet = {ph})"
        )
        params.append(norm_outlet(outlet))
    if min_independent is not None:
        where.append(f"coalesce(s.independent, 0) >= {ph}")
        params.append(int(min_independent))


def story_outlets(story: Story, sources: Iterable[Optional[str]]) -> set[str]:
    """Outlets of a story: its members' sources and its families' outlets."""
    outlets = {norm_outlet(src) for src in sources if src}
    for fam in story.families or []:
        outlets.update(norm_outlet(o) for o in fam.outlets or [] if o)
    outlets.discard("")
    return outlets


def story_search(story: Story) -> tuple[str, str]:
    """(title, summary) of a story, indexed for full-text search (member articles are
    indexed once, when stored)."""
    summary = " ".join(s.text for s in story.summary or [] if s.text)
    return no_nul(story.title) or "", no_nul(summary) or ""


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
