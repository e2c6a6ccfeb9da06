"""Copy families: exact, syndicated, truncated and rewritten copies, with provenance.

Contract::

    fold(articles: Sequence[Article], *, config=None) -> list[Family]
        # sets on each article: family, origin, relation, similarity, reason, added, dropped
    story_sources(articles: Sequence[Article]) -> {"articles": n, "outlets": n, "independent": n}
    class FamilyIndex:                    # incremental, for the streaming pipeline
        add(article) -> None              # sets the same fields on the new article
"""

from newsfold.dedup.families import FamilyIndex, fold, story_sources  # noqa: F401
