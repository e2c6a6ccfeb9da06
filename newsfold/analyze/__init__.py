"""Per-story analysis: entities, quotes, claims + corroboration, cited summary, timeline.

Contract::

    analyze_story(story: Story, articles: Sequence[Article], *, config=None) -> Story
        # fills story.entities, quotes, claims, summary, basis, timeline (sources is set
        # before by newsfold.dedup.story_sources)
"""

from newsfold.analyze.story import analyze_story  # noqa: F401
