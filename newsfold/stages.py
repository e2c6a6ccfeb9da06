"""Stage logic as pure functions over batches. Executors (newsfold.run) only schedule them.

    records  --ingest-->  RawRecord | ErrorRecord
             --clean--->  Article | ErrorRecord
    articles --fold---->  families (article.family/origin/relation/...)
             --cluster->  stories (article.story)
    story    --analyze->  entities, quotes, claims, summary, timeline
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Sequence

from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, Family, RawRecord, Story


def ingest_and_clean(
    paths: Sequence[str], *, config: Config, stdin=None
) -> Iterator[Article | ErrorRecord]:
    """Read every path and clean every record; errors flow through as ErrorRecords."""
    from newsfold.clean import clean_records
    from newsfold.ingest import read_paths

    yield from clean_records(read_paths(paths, config=config, stdin=stdin), config=config)


def clean_batch(records: Iterable[RawRecord | ErrorRecord], *, config: Config) -> list:
    from newsfold.clean import clean_records

    return list(clean_records(records, config=config))


def split_errors(items: Iterable[Article | ErrorRecord]) -> tuple[list[Article], list[ErrorRecord]]:
    articles: list[Article] = []
    errors: list[ErrorRecord] = []
    for item in items:
        (errors if isinstance(item, ErrorRecord) else articles).append(item)
    return articles, errors


def strip_batch_boilerplate(articles: Sequence[Article], *, config: Config) -> int:
    """Lines that many unrelated articles of the corpus share (an outlet's masthead or
    footer in plain text) are removed from texts and titles (``clean.repeated``)."""
    if not config.strip_repeated_lines:
        return 0
    from newsfold.clean.repeated import strip_repeated_lines

    return strip_repeated_lines(articles)


def fold_families(articles: Sequence[Article], *, config: Config) -> list[Family]:
    from newsfold.dedup import fold

    return fold(articles, config=config)


def cluster_stories(articles: Sequence[Article], *, config: Config) -> list[Story]:
    """Cluster articles into stories, in publication order (stream) or as a batch."""
    from newsfold.cluster import cluster_batch
    from newsfold.cluster.stream import cluster_stream

    if config.cluster_mode == "batch":
        return cluster_batch(articles, config=config)
    return cluster_stream(articles, config=config).stories()


def attach_families(stories: Sequence[Story], families: Sequence[Family]) -> None:
    """Give each story the families whose members it holds."""
    by_article: dict[str, Family] = {}
    for fam in families:
        for member in fam.members:
            by_article[member.id] = fam
    for story in stories:
        seen: dict[str, Family] = {}
        for aid in story.articles:
            fam = by_article.get(aid)
            if fam is not None:
                seen.setdefault(fam.id, fam)
        story.families = list(seen.values())


def analyze_stories(
    stories: Sequence[Story], articles: Sequence[Article], *, config: Config
) -> list[Story]:
    """Fill sources and analysis for every story (pure: one story at a time). spaCy runs
    over groups of stories' articles first, on ``config.analyze_workers`` processes (default
    min(2, CPU count)), and each story reads its mentions from that cache."""
    import os

    from newsfold.analyze.entities import prefetch_mentions

    by_id = {a.id: a for a in articles}
    members = [[by_id[i] for i in story.articles if i in by_id] for story in stories]
    workers = config.analyze_workers if config.analyze_workers is not None else min(2, os.cpu_count() or 1)
    out: list[Story] = []
    start = 0
    while start < len(stories):
        stop, size = start, 0
        while stop < len(stories) and (stop == start or size + len(members[stop]) <= PREFETCH_GROUP):
            size += len(members[stop])
            stop += 1
        if workers > 1:
            prefetch_mentions([a for m in members[start:stop] for a in m], config, n_process=workers)
        out.extend(analyze_one(s, m, config=config) for s, m in zip(stories[start:stop], members[start:stop]))
        start = stop
    return out


#: articles whose entities are found in one spaCy pass before their stories are analysed
#: (under the entity cache's 4,096)
PREFETCH_GROUP = 2_000


def analyze_one(story: Story, members: Sequence[Article], *, config: Config) -> Story:
    from newsfold.analyze import analyze_story
    from newsfold.dedup import story_sources

    story.sources = story_sources(members)
    dates = sorted(a.published for a in members if a.published)
    story.first_published = dates[0] if dates else None
    story.last_published = dates[-1] if dates else None
    return analyze_story(story, members, config=config)


def group_by_story(articles: Iterable[Article]) -> dict[str, list[Article]]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.story:
            groups[a.story].append(a)
    return groups


def _time_key(article: Article) -> tuple:
    # undated articles go last, in input order (sorted is stable)
    return (article.published is None, article.published or "")
