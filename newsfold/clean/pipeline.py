"""RawRecord -> Article: extract (HTML), strip boilerplate, fill metadata."""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Optional

from newsfold.clean.boilerplate import clean_text, placeholder_page
from newsfold.clean.dates import parse_date, parse_timestamp
from newsfold.clean.language import detect_language
from newsfold.clean.metadata import dateline_date, domain, find_dateline, find_wire
from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, RawRecord, content_hash

#: RawRecord.fields keys that map to Article attributes (the rest goes to Article.meta)
_KNOWN = {
    "id", "title", "date", "published", "source", "url", "content_type", "author", "byline",
    "language", "lang", "warc_date", "feed_title", "authors",
}
#: what newsfold writes on an article it has read (stories.json, `newsfold export`): read back,
#: they are derived again, not kept as the article's own extra fields in ``meta``
ENGINE_FIELDS = frozenset({
    "family", "origin", "relation", "similarity", "reason", "added", "dropped", "story",
    "content_hash", "input_hash", "format", "path", "position", "removed", "dateline", "wire",
    "first_seen", "meta"})
#: fields read as text (a value of another type is left out and reported as ``bad_field``)
_TEXT_FIELDS = ("title", "source", "url", "author", "authors", "byline", "language", "lang", "feed_title")
#: an HTML page whose extracted text has fewer words holds no article
MIN_HTML_WORDS = 8
_WORDS = re.compile(r"\w+")
_DATE_KEYS = ("date", "published", "published_at", "pubdate", "datePublished", "publishedAt",
              "pubDate", "published_date", "date_published", "date_publish")
#: when a crawler saw the page (news-please writes ``date_download``): the article's first_seen
_SEEN_KEYS = ("first_seen", "date_download", "crawled_at", "fetched_at", "downloaded_at")
_KNOWN.update(_SEEN_KEYS)


def clean_records(
    records: Iterable[RawRecord | ErrorRecord], *, config: Optional[Config] = None
) -> Iterator[Article | ErrorRecord]:
    """Clean a stream; ErrorRecords pass through; each problem yields an ErrorRecord."""
    config = config or Config()
    for rec in records:
        if isinstance(rec, ErrorRecord):
            yield rec
            continue
        try:
            article, errors = clean_record(rec, config=config)
        except Exception as exc:  # noqa: BLE001 - a bug or an odd item must not stop the batch
            yield ErrorRecord(
                path=rec.path, position=rec.position, kind="clean_failed", article_id=rec.id,
                reason=f"cleaning failed ({type(exc).__name__}: {exc}); item skipped",
            )
            continue
        yield from errors
        if article is not None:
            yield article


def _is_html(record: RawRecord) -> bool:
    if record.format in ("html", "warc"):
        return True
    return record.fields.get("content_type") == "html"


def _extract_html(record: RawRecord) -> Optional[dict[str, Any]]:
    if not _too_deep(record.content):
        return _trafilatura(record.content, record.url)
    # libxml2 stops building the tree 256 elements deep: the text below that depth never
    # reaches trafilatura, which then returns the part above it or nothing. Old pages with
    # unclosed <font>, <b> or <div> tags nest that deep. Without the wrappers that carry no
    # text of their own the page is shallow again; where trafilatura still finds nothing,
    # its paragraphs are the text.
    flat = _flatten(record.content)
    return _trafilatura(flat, record.url) or _fragment_text(flat)


def _trafilatura(content: Any, url: Optional[str]) -> Optional[dict[str, Any]]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        content, url=url, with_metadata=True, include_comments=False,
        include_tables=False, as_dict=False,
        # markup and URL only: htmldate's extensive search guesses from copyright years
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    if len(_WORDS.findall(d.get("text") or "")) < MIN_HTML_WORDS:
        return None  # navigation crumbs only: no article in this page
    return d


#: wrappers whose tags go in :func:`_flatten` (blocks become paragraph breaks)
_INLINE_WRAPPERS = re.compile(r"</?(?:font|span|b|i|u|em|strong|small|big|tt|nobr)\b[^>]*>", re.I)
_BLOCK_WRAPPERS = re.compile(r"</?(?:div|section|article|main|center|blockquote|table|tbody|tr|td|th)\b[^>]*>", re.I)


def _too_deep(markup: str) -> bool:
    """Does libxml2 cut the page's tree at its depth limit (256 elements deep)?"""
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        lxml.html.fromstring(markup, parser=parser)
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken markup
        return False
    return any("Excessive depth" in e.message for e in parser.error_log)


def _flatten(markup: str) -> str:
    return _BLOCK_WRAPPERS.sub("<p>", _INLINE_WRAPPERS.sub("", markup))


def _fragment_text(markup: str) -> Optional[dict[str, Any]]:
    """The text of the paragraphs (or of everything) in the markup."""
    try:
        import lxml.html

        root = lxml.html.fromstring(_flatten(markup) if _too_deep(markup) else markup)
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        blocks = [" ".join(el.text_content().split()) for el in root.xpath("//p|//li|//h1|//h2|//h3|//blockquote")]
        text = "\n".join(b for b in blocks if b) or " ".join(root.text_content().split())
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken fragments
        return None
    return {"text": text, "extraction": "paragraphs"} if text.strip() else None


def clean_record(
    record: RawRecord, *, config: Optional[Config] = None
) -> tuple[Optional[Article], list[ErrorRecord]]:
    config = config or Config()
    errors: list[ErrorRecord] = []
    fields = record.fields or {}
    url = record.url or (fields.get("url") if isinstance(fields.get("url"), str) else None)
    html: dict[str, Any] = {}
    if _is_html(record):
        try:
            extracted = _extract_html(record)
        except Exception as exc:  # noqa: BLE001 - lxml/trafilatura errors on broken markup
            extracted = None
            why = f"HTML could not be parsed: {exc}"
        else:
            why = "no article text could be extracted from the HTML"
        if extracted is None and record.format in ("rss", "jsonl"):
            # a feed teaser or HTML fragment too short for trafilatura: its plain text will do
            extracted = _fragment_text(record.content)
        if extracted is None:
            errors.append(ErrorRecord(path=record.path, position=record.position, reason=why,
                                      kind="malformed_html", article_id=None))
            return None, errors
        html = extracted
        body = html["text"]
    else:
        body = record.content

    given_title = _str(fields.get("title")) or _str(html.get("title"))
    ct = clean_text(body, plain=not html, title=given_title)
    # (the raw body too: line rules may already have dropped the notice, "Enable JavaScript ...")
    page = placeholder_page(body) or (placeholder_page(ct.text) if ct.text.strip() else None)
    if page is not None:
        errors.append(ErrorRecord(
            path=record.path, position=record.position, kind="no_article", article_id=None,
            reason=f"the page holds no article ({page.replace('_', ' ')} page): not kept",
        ))
        return None, errors
    if not ct.text.strip():
        errors.append(ErrorRecord(
            path=record.path, position=record.position, kind="no_text", article_id=record.id,
            reason="nothing is left after removing boilerplate",
        ))
        return None, errors
    paragraphs = ct.text.split("\n\n")

    # --- dates: explicit field > HTML metadata > "Published/Updated" lines > crawl header
    published: Optional[str] = None
    raw_date = next((fields[k] for k in _DATE_KEYS if fields.get(k) not in (None, "")), None)
    bad_date = False
    if raw_date is not None:
        published = parse_date(raw_date) if isinstance(raw_date, (str, int, float)) else None
        if published is None:
            bad_date = True
            errors.append(ErrorRecord(
                path=record.path, position=record.position, kind="bad_date", article_id=record.id,
                reason=f"unparseable date {str(raw_date)[:80]!r} (or not between 1900 and next year); "
                       "article kept with published=None",
            ))
    if published is None and not bad_date:
        published = parse_date(html.get("date")) if html.get("date") else None
    line_dates = [d for label, d in ct.line_dates if "publish" in label or "posted" in label] or \
        [d for _, d in ct.line_dates]
    if published is None and not bad_date and line_dates:
        published = min(line_dates)
    dateline = find_dateline(paragraphs[0]) if paragraphs else None
    if published is None and not bad_date and dateline is not None:
        # a dateline's own year, else the year of another date of the item (crawl header,
        # WARC-Date): the crawl came on or after publication, the dateline names the day
        ref = ct.crawl_date or (parse_date(fields.get("warc_date")) if fields.get("warc_date") else None)
        published = dateline_date(dateline, ref)
    if published is None and not bad_date and ct.crawl_date:
        published = ct.crawl_date
    # --- first seen: the input's own crawl time > WARC-Date > crawl header
    raw_seen = next((fields[k] for k in _SEEN_KEYS if fields.get(k) not in (None, "")), None)
    first_seen = parse_timestamp(raw_seen) if raw_seen is not None else None
    bad_seen = raw_seen is not None and first_seen is None
    if bad_seen:
        errors.append(ErrorRecord(
            path=record.path, position=record.position, kind="bad_date", article_id=record.id,
            reason=f"unparseable first-seen time {str(raw_seen)[:80]!r}; article kept without it",
        ))
    first_seen = first_seen or parse_timestamp(fields.get("warc_date")) or ct.crawl_date

    wire = find_wire(paragraphs, dateline, ct.wire_hints)
    source = (
        _named(fields.get("source")) or _str(html.get("sitename")) or ct.desk_source
        or ct.source_tag or _str(fields.get("feed_title")) or domain(url)
    )
    byline = _named(fields.get("byline")) or _named(fields.get("author")) or _named(fields.get("authors")) \
        or _str(html.get("author")) \
        or ct.byline
    language = _str(fields.get("language")) or _str(fields.get("lang"))
    if not language and config.detect_language:
        language = detect_language(ct.text)

    meta = {k: v for k, v in fields.items() if k not in _KNOWN}
    if "content_hash" in fields and "format" in fields:
        # one of our own articles read back (a re-run on stories.json or an export): the
        # previous run's findings go, its article's own extra fields stay
        before = fields.get("meta") if isinstance(fields.get("meta"), dict) else {}
        meta = {k: v for k, v in meta.items() if k not in ENGINE_FIELDS}
        for k, v in before.items():
            meta.setdefault(k, v)
    if ct.crawl_date:
        meta["crawl_date"] = ct.crawl_date
    if raw_date is not None and bad_date:
        meta["raw_date"] = raw_date
    if bad_seen:
        meta["raw_first_seen"] = raw_seen
    if html:
        # "extraction": "paragraphs" where the text is the markup's paragraphs, not trafilatura's
        for k in ("description", "categories", "tags", "hostname", "extraction"):
            if html.get(k):
                meta.setdefault(k, html[k])
    for key in _TEXT_FIELDS:  # read only as strings: anything else was dropped, so say so
        value = fields.get(key)
        if value in (None, [], {}):  # "authors": [] says there are none
            continue
        if not isinstance(value, str) and not (key in _NAMED_FIELDS and _named(value)):
            errors.append(ErrorRecord(
                path=record.path, position=record.position, kind="bad_field", article_id=record.id,
                reason=f"field {key!r} is not a string ({type(value).__name__}: {str(value)[:60]}); "
                       "article kept without it",
            ))
    article = Article(
        id=record.id,
        text=ct.text,
        title=given_title or ct.title,
        path=record.path,
        position=record.position,
        format=record.format,
        source=source,
        url=url,
        published=published,
        first_seen=first_seen,
        language=language,
        byline=byline,
        dateline=dateline.text if dateline else None,
        wire=wire,
        removed=ct.removed,
        input_hash=content_hash(record.content or ""),
        meta=meta,
    )
    return article, errors


#: fields that may come as an object with a name, or a list of names (news APIs:
#: ``"source": {"id": ..., "name": "Tessa Post"}``, ``"author": ["A. Lind", "B. Orr"]``)
_NAMED_FIELDS = ("source", "author", "authors", "byline")


def _named(v) -> Optional[str]:
    """A name given as a string, an object's ``name`` (or ``title``), or a list of those."""
    if isinstance(v, dict):
        return _str(v.get("name")) or _str(v.get("title"))
    if isinstance(v, list):
        names = [n for n in (_named(x) for x in v[:20]) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return _str(v)


def _str(v) -> Optional[str]:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return None
