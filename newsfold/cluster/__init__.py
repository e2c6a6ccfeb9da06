"""Story clustering, streaming and batch.

Contract::

    cluster_batch(articles, *, config=None) -> list[Story]     # sets article.story
    class StreamClusterer:
        add(article) -> str               # story id; stable as stories grow
        stories() -> list[Story]
        state_dict() / from_state(...)    # persisted by the store between runs

Articles in one copy family always land in the same story (a copy joins its origin's).
"""

from newsfold.cluster.stream import StreamClusterer, cluster_batch  # noqa: F401
