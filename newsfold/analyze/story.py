"""analyze_story: entities, quotes, claims (+ independence), cited summary, timeline."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from newsfold.analyze.claims import build_claims
from newsfold.analyze.entities import build_entities
from newsfold.analyze.quotes import extract_quotes, group_quotes, make_resolver
from newsfold.analyze.summary import summarize
from newsfold.analyze.timeline import build_timeline
from newsfold.model import Article, Story


def _own_independent(members: Sequence[Article]) -> int:
    """Distinct copy families; families sharing a wire credit count once."""
    keys: dict[str, str] = {}
    for a in members:
        fam = a.family or a.id
        keys.setdefault(fam, fam)
    wires: dict[str, str] = {}
    for a in members:
        if a.wire:
            wires.setdefault(a.family or a.id, "wire:" + a.wire.strip().casefold())
    return len({wires.get(f, f) for f in keys})


def source_counter(articles: Sequence[Article]) -> Callable[[Sequence[str]], int]:
    """count(ids) -> independent sources among those articles (dedup's story_sources when
    available, so the story and its claims count the same way)."""
    by_id = {a.id: a for a in articles}
    try:
        from newsfold.dedup import story_sources  # type: ignore
    except Exception:  # noqa: BLE001 - dedup not built yet / optional
        story_sources = None
    cache: dict[tuple, int] = {}

    def count(ids: Sequence[str]) -> int:
        key = tuple(sorted(set(ids)))
        if key not in cache:
            members = [by_id[i] for i in key if i in by_id]
            n = None
            if story_sources is not None:
                try:
                    n = int(story_sources(members)["independent"])
                except Exception:  # noqa: BLE001
                    n = None
            cache[key] = n if n is not None else _own_independent(members)
        return cache[key]

    return count


def analyze_story(story: Story, articles: Sequence[Article], *, config=None) -> Story:
    articles = list(articles)
    count = source_counter(articles)
    index = build_entities(articles, config)
    story.entities = index.to_entities()

    found = []
    read: dict[tuple, list] = {}  # one read per text and mentions: copies share their quotes
    for a in articles:
        key = (a.text, index.mentions_key(a.id))
        got = read.get(key)
        if got is None:
            found.extend(read.setdefault(key, extract_quotes(a.id, a.text, make_resolver(a, index))))
        else:
            found.extend(replace(q, article=a.id) for q in got)
    story.quotes = group_quotes(found, articles, count)

    claims, drafts, al = build_claims(articles, count, entities=index)
    story.claims = claims

    independent = (story.sources or {}).get("independent")
    if independent is None:
        independent = count([a.id for a in articles])
    story.basis = "single_origin" if independent <= 1 else "independent"
    story.summary = summarize(articles, count, max_sentences=8)
    # On a single origin the summary is kept verbatim but marked by ``basis``: readers and the
    # report present it as "one source", never as corroborated fact.
    story.timeline = build_timeline(articles)
    return story
