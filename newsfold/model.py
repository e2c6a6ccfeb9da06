"""The one schema shared by every stage, the CLI, the API, the web UI and the exports.

Data flows one way::

    RawRecord -> Article -> Family -> Story (+ Entity, Quote, Claim, SummarySentence,
    TimelineEvent)

Every type is a plain dataclass with ``to_dict()`` / ``from_dict()`` so it round-trips
through JSON (``stories.json``, JSONL exports, the store, the API). Unknown keys given to
``from_dict`` are kept in ``meta`` (Article, RawRecord) or ignored, never lost silently.

>>> a = Article(id="a1", text="Body.", title="T")
>>> Article.from_dict(a.to_dict()) == a
True
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from newsfold.marks import is_about_the_article, label_line, not_a_headline

SCHEMA_VERSION = 1

#: Relations of an article to the origin of its copy family.
RELATIONS = ("original", "copy", "truncated", "rewrite", "embellished")
#: relations of a near copy: its text is its origin's (less boilerplate or its last paragraphs)
NEAR_COPY = ("copy", "truncated")
#: Claim statuses.
CLAIM_STATUSES = ("corroborated", "single_source", "conflicting")


class _Serializable:
    """Mixin: JSON round-trip for (nested) dataclasses."""

    _nested: ClassVar[dict[str, type]] = {}
    _extras_field: ClassVar[Optional[str]] = None

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict(self)``: the same dict, built 4-5x faster (stories.json and
        the report of a 4,000-article run spent ~5 s in ``asdict``'s generic recursion)."""
        return _plain_dataclass(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names:
                extras[key] = value
                continue
            sub = cls._nested.get(key)
            if sub is not None and value is not None:
                value = [sub.from_dict(v) if isinstance(v, dict) else v for v in value]
            kwargs[key] = value
        if cls._extras_field and extras:
            kwargs.setdefault(cls._extras_field, {})
            kwargs[cls._extras_field] = {**extras, **(kwargs[cls._extras_field] or {})}
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str):
        return cls.from_dict(json.loads(text))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain_dataclass(obj) -> dict[str, Any]:
    cls = type(obj)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(v):
    """What ``dataclasses.asdict`` makes of a field value: containers copied, dataclasses
    as dicts, immutable scalars as they are, anything else deep-copied."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if type(v) is list:
        return [_plain(x) for x in v]
    if type(v) is dict:
        return {_plain(k): _plain(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _plain_dataclass(v)
    if isinstance(v, tuple) and hasattr(v, "_fields"):  # a named tuple, as asdict does it
        return type(v)(*[_plain(x) for x in v])
    if isinstance(v, (list, tuple)):
        return type(v)(_plain(x) for x in v)
    if isinstance(v, collections.defaultdict):
        return type(v)(v.default_factory, {_plain(k): _plain(x) for k, x in v.items()})
    if isinstance(v, dict):
        return type(v)((_plain(k), _plain(x)) for k, x in v.items())
    return copy.deepcopy(v)


@dataclass
class ErrorRecord(_Serializable):
    """One bad input item or one problem with an item: what, where, why.

    ``path`` is the file (or ``-`` for stdin), ``position`` where in it (line number for
    JSONL, record index for WARC/RSS, byte offset or ``None`` for whole files), ``reason``
    a sentence a person can act on. ``stage`` names the step that raised it and ``kind``
    a stable machine-readable code (``binary``, ``encoding``, ``empty``, ``too_large``,
    ``malformed_json``, ``malformed_html``, ``malformed_warc``, ``malformed_feed``,
    ``bad_date``, ``unreadable``...). ``article_id`` is set when the item still produced
    an article (e.g. an unparseable date: the article is kept with ``published=None``).
    """

    path: str
    position: Optional[int | str] = None
    reason: str = ""
    stage: str = "ingest"
    kind: str = "error"
    article_id: Optional[str] = None


@dataclass
class RawRecord(_Serializable):
    """What a reader yields: one article as found, before cleaning.

    ``format`` is one of ``text``, ``html``, ``jsonl``, ``warc``, ``rss``. ``content`` is
    the raw body (plain text or HTML markup). ``fields`` carries what the container gave
    (JSONL keys, HTTP headers, feed entry fields): ``id``, ``title``, ``date``, ``source``,
    ``url``... ``id`` is the stable article id chosen by the reader.
    """

    id: str
    path: str
    format: str
    content: str
    position: Optional[int | str] = None
    url: Optional[str] = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Removed(_Serializable):
    """A span stripped from an article by cleaning, with the rule that stripped it."""

    text: str
    rule: str


@dataclass
class Article(_Serializable):
    """A cleaned article plus everything later stages learn about it."""

    _nested: ClassVar[dict[str, type]] = {}
    _extras_field: ClassVar[Optional[str]] = "meta"

    id: str
    text: str
    title: Optional[str] = None
    path: Optional[str] = None
    position: Optional[int | str] = None
    format: Optional[str] = None
    source: Optional[str] = None  # outlet name or domain
    url: Optional[str] = None
    published: Optional[str] = None  # ISO date (YYYY-MM-DD) or datetime
    language: Optional[str] = None
    byline: Optional[str] = None
    dateline: Optional[str] = None  # e.g. "Moscow, July 31 (AP)"
    wire: Optional[str] = None  # wire credit: AP, Reuters, AFP, Anadolu...
    removed: list[dict[str, Any]] = field(default_factory=list)  # [{"text", "rule"}]
    content_hash: Optional[str] = None
    # hash of the raw input record (markup or text as read, before cleaning): the same input
    # cleaned anew after a change to the cleaning rules has another text but the same input
    # hash; an updated article under the same id has another input hash (stages.reused_ids)
    input_hash: Optional[str] = None
    first_seen: Optional[str] = None  # ISO datetime the engine first saw it
    # --- filled by dedup (copy families) ---
    family: Optional[str] = None  # family id (= id of the family's origin article)
    origin: Optional[str] = None  # id of the article this one derives from; None = original
    relation: str = "original"
    similarity: dict[str, Any] = field(default_factory=dict)
    reason: Optional[str] = None
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # --- filled by clustering ---
    story: Optional[str] = None
    # --- anything else the input carried ---
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.content_hash is None:
            self.content_hash = content_hash(self.text)

    @property
    def headline(self) -> str:
        """What to call the article: its title, else the first line of its text that is not a
        note about the article (cut), else its id."""
        return display_title(self.title, self.text) or self.id


def display_title(title: Optional[str], text: Optional[str], chars: int = 90) -> str:
    """A title from one article: its title (unless that is a byline, a caption or a note about
    the article: ``marks.not_a_headline``), else the first line of its text that is not a
    note about the article, cut at a word boundary to about ``chars`` characters (an
    untitled text's paragraphs and sentences do not run into the title)."""
    t = (title or "").strip()
    if t and not not_a_headline(t):
        return t
    # not an update or correction note above the text ("Correction: An earlier version of
    # this article ..." named a story)
    # nor a page's label line: a section ("Features", "Local News More>>", "English >>
    # World"), a heading ("INTRODUCTION:") or a letter's salutation ("To our community,")
    first = ""
    for ln in (text or "").split("\n", 20):  # the first lines only
        ln = ln.strip()
        if ln and "\n" not in ln:
            first = first or ln
            if not is_about_the_article(ln) and not label_line(ln):
                first = ln
                break
    if first:  # an untitled wire text opens with its dateline: the title is what follows
        from newsfold.clean.metadata import without_dateline

        first = without_dateline(first)
    if len(first) <= chars:
        return first
    cut = first[:chars].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return (cut or first[:chars]) + "…"


@dataclass
class FamilyMember(_Serializable):
    id: str
    origin: Optional[str]
    relation: str
    similarity: dict[str, Any] = field(default_factory=dict)
    reason: Optional[str] = None


@dataclass
class Family(_Serializable):
    """An origin article and the articles derived from it (chains allowed)."""

    _nested: ClassVar[dict[str, type]] = {}

    id: str  # = origin article id
    origin: str
    members: list[FamilyMember] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    wire: Optional[str] = None


Family._nested = {"members": FamilyMember}


@dataclass
class Entity(_Serializable):
    name: str
    type: str  # PERSON | ORG | PLACE | OTHER
    variants: list[str] = field(default_factory=list)
    mentions: int = 0
    articles: list[str] = field(default_factory=list)
    # independent sources (copy families, one wire or owner counted once) naming it: a wire
    # report run by 400 outlets is one source, however many mentions its copies add up to
    independent_sources: int = 0


ENTITY_TYPES = ("PERSON", "ORG", "PLACE", "OTHER")


def entity_rank(e: Entity) -> tuple:
    """Sort key of a story's entities: type, then independent sources, articles, mentions,
    name (the order of the JSON and of the web view)."""
    t = ENTITY_TYPES.index(e.type) if e.type in ENTITY_TYPES else len(ENTITY_TYPES)
    return (t, -(e.independent_sources or 0), -len(e.articles), -(e.mentions or 0), e.name)


@dataclass
class Quote(_Serializable):
    speaker: Optional[str]
    text: str
    articles: list[str] = field(default_factory=list)
    independent_sources: int = 0
    verbatim: bool = True
    kind: str = "direct"  # direct | partial


@dataclass
class Claim(_Serializable):
    text: str
    articles: list[str] = field(default_factory=list)
    independent_sources: int = 0
    status: str = "single_source"
    # for conflicting claims: [{"value", "articles", "kind"}], kind = number | date | place | negation
    # (newsfold.analyze.conflicts)
    values: list[dict[str, Any]] = field(default_factory=list)
    # the claim's sentence is a direct quotation: the words of ``speaker`` (None when the
    # quote names nobody), which the sources report, not their own statement of fact
    quoted: bool = False
    speaker: Optional[str] = None


@dataclass
class SummarySentence(_Serializable):
    text: str
    citations: list[str] = field(default_factory=list)


@dataclass
class TimelineEvent(_Serializable):
    time: Optional[str]  # ISO date/datetime, None if unknown
    kind: str  # published | updated | first_seen | family_first_seen | mentioned
    text: str
    articles: list[str] = field(default_factory=list)


@dataclass
class Story(_Serializable):
    _nested: ClassVar[dict[str, type]] = {}

    id: str
    title: str = ""
    articles: list[str] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    # {"articles": n, "outlets": n, "independent": n}
    sources: dict[str, int] = field(default_factory=dict)
    first_published: Optional[str] = None
    last_published: Optional[str] = None
    storyline: Optional[str] = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    basis: Optional[str] = None  # "single_origin" when one independent origin
    timeline: list[TimelineEvent] = field(default_factory=list)


Story._nested = {
    "families": Family,
    "entities": Entity,
    "quotes": Quote,
    "claims": Claim,
    "summary": SummarySentence,
    "timeline": TimelineEvent,
}


@dataclass
class RunResult(_Serializable):
    """The output of one run: what ``stories.json`` holds."""

    _nested: ClassVar[dict[str, type]] = {}

    articles: list[Article] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    # counts of this run: {"read": n, "added": n, "already_stored": n, "analyses_reused": n};
    # an incremental run: "stories_touched" and "window_pass_changes" instead of "analyses_reused"
    stats: dict[str, int] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION


RunResult._nested = {"articles": Article, "stories": Story, "errors": ErrorRecord}


def time_key(article: "Article") -> tuple:
    """Arrival order: by publication day (else the day it was first seen), undated last; within
    one day by the time of day it was first seen on that day, where a crawler's clock gives one;
    then the articles with no such time (seen only on a later day, or without a clock): what
    was seen earlier comes first, as provenance's "seen earlier" has it. Ties keep input order
    (``sorted`` is stable)."""
    return arrival_key(article.published, article.first_seen)


def arrival_key(published: Optional[str], first_seen: Optional[str]) -> tuple:
    """``time_key`` from the two fields (for callers that keep them without an Article)."""
    seen = first_seen or ""
    day = published or seen[:10]
    return (not day, day, seen if len(seen) > 10 and seen[:10] == day else "\uffff")


def version_of(article_id: str) -> Optional[tuple[str, int]]:
    """(base id, n) for ``base~n``, the n-th article read under one id (n >= 2: the reader
    and ``stages.reused_ids`` name a different input under a taken id so: an outlet's update,
    a re-published feed entry); None for any other id."""
    base, sep, n = str(article_id).rpartition("~")
    if sep and base and n.isdecimal() and int(n) >= 2:  # not "a~²" (isdigit, but no int)
        return base, int(n)
    return None


def content_hash(text: str) -> str:
    """Stable hash of an article body, whitespace-normalised (idempotent ingestion)."""
    norm = " ".join(text.split()).casefold()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=12).hexdigest()
