"""Timeline: publication and first-seen times of articles, families' first appearance, and
dated events the texts mention.

Mentioned dates: explicit expressions only ("July 13, 2025", "Oct. 15", "December 2024",
"March 2026", ISO dates) parsed with dateparser (languages=["en"]) relative to the article's
publication date; a date without a year takes the article's year. Weekday references ("on
Thursday") resolve to the most recent such day on or before the article date, and only when the
article is dated. Relative phrases ("last year", "a decade ago") are left out: too vague.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Optional, Sequence

from newsfold.analyze.sentences import sentences
from newsfold.model import NEAR_COPY, Article, TimelineEvent, version_of

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|"
          "Nov\\.?|Dec\\.?")
_DATE = re.compile(
    rf"\b(?:(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}\s+(?:{MONTHS})(?:,?\s+\d{{4}})?|"
    rf"(?:{MONTHS})\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2})(?!\d)"
)
_WEEKDAY = re.compile(r"\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                      r"Sunday)\b")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _anchor(article: Article) -> Optional[dt.datetime]:
    if not article.published:
        return None
    try:
        return dt.datetime.fromisoformat(article.published[:19].replace("Z", ""))
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def parse_date(expr: str, anchor: Optional[dt.datetime]) -> Optional[str]:
    """``expr`` as an ISO day or month, relative to ``anchor`` (the last 8,192 kept: one wire
    report's dates recur in every copy of it, and dateparser takes ~1.5 ms a call)."""
    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    if anchor is not None:
        settings["RELATIVE_BASE"] = anchor
    has_year = bool(re.search(r"\d{4}", expr))
    has_day = bool(re.search(r"(?<!\d)\d{1,2}(?!\d)", expr)) or "-" in expr
    d = dateparser.parse(expr.replace(".", ""), languages=["en"], settings=settings)
    if d is None:
        return None
    if not has_year:
        if anchor is None:
            return None
        try:
            d = d.replace(year=anchor.year)
        except ValueError:  # "February 29" written in a story from a year without one
            return None
    return d.strftime("%Y-%m-%d") if has_day else d.strftime("%Y-%m")


def mentioned_events(article: Article, max_events: int = 20,
                     memo: Optional[dict] = None) -> list[TimelineEvent]:
    """Dated events the article's sentences mention. ``memo`` (a dict kept by the caller)
    holds what was found per (text, publication date): the copies of a syndicated report are
    read once."""
    key = (article.text, _anchor(article), max_events)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = _mentioned(*key)
        if memo is not None:
            memo[key] = found
    return [TimelineEvent(time=iso, kind="mentioned", text=text, articles=[article.id])
            for iso, text in found]


def _mentioned(text: str, anchor: Optional[dt.datetime], max_events: int) -> tuple:
    """(ISO date, sentence) pairs of ``mentioned_events``."""
    from newsfold.clean.metadata import without_dateline
    from newsfold.marks import is_about_the_article

    out: list[tuple[str, str]] = []
    for s in sentences(text):
        if is_about_the_article(s.text):
            continue  # "This article was amended on 9 June 2016.": a note, not an event
        # a dateline's day ("PORT AVERIN, March 14 (AP) — ...") is when the desk filed, which
        # the "published" entry gives; the entry shows what the sentence says
        said = without_dateline(s.text)
        found = []
        for m in _DATE.finditer(said):
            iso = parse_date(m.group(0), anchor)
            if iso:
                found.append(iso)
        if anchor is not None:
            for m in _WEEKDAY.finditer(said):
                wd = WEEKDAYS.index(m.group(1).casefold())
                delta = (anchor.weekday() - wd) % 7
                found.append((anchor - dt.timedelta(days=delta)).strftime("%Y-%m-%d"))
        for iso in dict.fromkeys(found):
            out.append((iso, said))
        if len(out) >= max_events:
            break
    return tuple(out)


#: near copies of one headline in one family listed one by one up to this many; more are
#: one ``published`` entry ("N copies published by M outlets, until ...: headline")
FOLD_COPIES = 3


def _folded_copies(articles: Sequence[Article]) -> list[list[Article]]:
    """Groups of more than ``FOLD_COPIES`` near copies (copy, truncated) of one family under
    one headline: a report 400 outlets ran made 400 timeline entries alike."""
    groups: dict[tuple, list[Article]] = {}
    for a in articles:
        if a.family and a.relation in NEAR_COPY:
            groups.setdefault((a.family, a.headline), []).append(a)
    return [g for g in groups.values() if len(g) > FOLD_COPIES]


def _seen_note(a: Article) -> Optional[str]:
    """What an article's ``first_seen`` adds to its ``published`` entry, if anything: the time of
    an undated article, or a crawl well apart from the stated publication day (a page found days
    later, or one seen before the day it claims). Seen on its publication day or the next (a
    crawl's clock in UTC, a late-evening story) says nothing more."""
    if not a.first_seen:
        return None
    name = a.source or a.id
    if not a.published:
        return f"{name} first seen"
    try:
        days = (dt.date.fromisoformat(a.first_seen[:10]) - dt.date.fromisoformat(a.published[:10])).days
    except ValueError:
        return None
    if days < 0:
        return f"{name} first seen {-days} day{'s' if days < -1 else ''} before its stated publication date"
    if days > 1:
        return f"{name} first seen {days} days after its publication date"
    return None


def build_timeline(articles: Sequence[Article]) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    folded = _folded_copies(articles)
    one_entry = {a.id for g in folded for a in g}
    for g in folded:
        times = sorted(t for t in (a.published or a.first_seen for a in g) if t)
        outlets = len({a.source.casefold() for a in g if a.source})
        by = f" by {outlets} outlets" if outlets > 1 else ""
        until = f", until {times[-1][:10]}" if times and times[-1][:10] != times[0][:10] else ""
        events.append(TimelineEvent(time=times[0] if times else None, kind="published",
                                    text=f"{len(g)} copies published{by}{until}: {g[0].headline}",
                                    articles=sorted(a.id for a in g)))
    ids = {a.id for a in articles}
    # many versions of one article (a live page polled all day, each poll with new text): one
    # entry, as many near copies of one headline are
    versions: dict[str, list[Article]] = {}
    for a in articles:
        v = version_of(a.id)
        if v and v[0] in ids and a.id not in one_entry:
            versions.setdefault(v[0], []).append(a)
    for base, vs in versions.items():
        if len(vs) <= FOLD_COPIES:
            continue
        vs.sort(key=lambda a: version_of(a.id)[1])
        one_entry.update(a.id for a in vs)
        times = sorted(t for t in (a.published or a.first_seen for a in vs) if t)
        until = f", until {times[-1][:16].replace('T', ' ')}" if times and times[-1] != times[0] else ""
        last = vs[-1]
        events.append(TimelineEvent(
            time=times[0] if times else None, kind="updated",
            text=(f"{last.source or base} updated {base} {len(vs)} times (versions 2-"
                  f"{version_of(last.id)[1]}){until}: {last.headline}"),
            articles=[a.id for a in vs]))
    for a in articles:
        if a.id in one_entry:
            continue
        label = a.headline
        v = version_of(a.id)
        if v and v[0] in ids:  # an updated version of an article of the story (id~n)
            from_version = a.origin == v[0] or (version_of(a.origin or "") or ("",))[0] == v[0]
            added = len(a.added or []) if from_version else 0  # what it adds to an earlier version
            what = f", adding {added} sentence{'s' if added != 1 else ''}" if added else ""
            events.append(TimelineEvent(time=a.published or a.first_seen, kind="updated",
                                        text=f"{a.source or v[0]} updated {v[0]} (version {v[1]}){what}: {label}",
                                        articles=[a.id]))
        elif a.published or not a.first_seen:
            events.append(TimelineEvent(time=a.published, kind="published",
                                        text=f"{a.source or a.id} published: {label}",
                                        articles=[a.id]))
        seen = _seen_note(a)
        if seen:
            events.append(TimelineEvent(time=a.first_seen, kind="first_seen",
                                        text=f"{seen}: {label}", articles=[a.id]))
    fams: dict[str, list[Article]] = {}
    for a in articles:
        fams.setdefault(a.family or a.id, []).append(a)
    for fid, members in fams.items():
        if len(members) < 2:  # an article with no copy: its "published" entry says it all
            continue
        if len({(version_of(m.id) or (m.id,))[0] for m in members}) < 2:
            continue  # one article and its updates: its "published" and "updated" entries say it
        times = sorted((m.published or m.first_seen, m.id) for m in members
                       if (m.published or m.first_seen))
        first = times[0] if times else (None, members[0].id)
        events.append(TimelineEvent(time=first[0], kind="family_first_seen",
                                    text=f"copy family {fid} first appears ({len(members)} articles)",
                                    articles=sorted(m.id for m in members)))
    # mentioned events: the same date + near-identical sentence across articles merge
    merged: dict[tuple[str, str], TimelineEvent] = {}
    cited: dict[tuple[str, str], set] = {}
    memo: dict = {}
    for a in articles:
        for ev in mentioned_events(a, memo=memo):
            key = (ev.time or "", " ".join(ev.text.casefold().split())[:60])
            if key in merged:
                cited[key].update(ev.articles)
            else:
                merged[key] = ev
                cited[key] = set(ev.articles)
    for key, ev in merged.items():
        ev.articles = sorted(cited[key])
    events.extend(merged.values())
    events.sort(key=lambda e: (e.time is None, e.time or "", e.kind))
    return events
