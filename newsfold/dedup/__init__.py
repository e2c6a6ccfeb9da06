"""Copy families: exact, syndicated, truncated and rewritten copies, with provenance.

Contract::

    fold(articles: Sequence[Article], *, config=None) -> list[Family]
        # sets on each article: family, origin, relation, similarity, reason, added, dropped
    fold_detect(articles, *, config=None) -> Detection
        # the same but near copies' added/dropped (None until Detection.describe(); fold = both)
    story_sources(articles: Sequence[Article]) -> {"articles": n, "outlets": n, "independent": n}
    families_of(articles) -> list[Family]  # rebuilt from the fields above (e.g. one story)
    class FamilyIndex:                    # incremental, for the streaming pipeline
        add(article) -> None              # sets the same fields on the new article
"""

from newsfold.dedup.families import Detection, FamilyIndex, families_of, fold, fold_detect, story_sources  # noqa: F401
