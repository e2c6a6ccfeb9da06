"""The store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable, Iterator, Optional, Sequence

from newsfold.model import Article, ErrorRecord, Story


class Store(ABC):
    """Articles, stories, errors and engine state.

    Ingestion is idempotent: ``add_articles`` skips an article whose id, or whose
    ``content_hash`` from the same outlet and web host (``store.common.content_key``), is
    already stored, and returns the ids it really added. The same body from another outlet
    is a syndicated exact copy and is kept (copy folding names its origin); so is the same
    body with neither outlet nor URL to say where it came from.
    """

    @abstractmethod
    def add_articles(self, articles: Iterable[Article]) -> list[str]: ...

    @abstractmethod
    def update_articles(self, articles: Iterable[Article]) -> None:
        """Overwrite stored articles (derived fields: family, relation, story...)."""

    @abstractmethod
    def get_article(self, article_id: str) -> Optional[Article]: ...

    @abstractmethod
    def get_articles(self, ids: Sequence[str]) -> list[Article]: ...

    @abstractmethod
    def iter_articles(self) -> Iterator[Article]: ...

    @abstractmethod
    def count_articles(self) -> int: ...

    @abstractmethod
    def put_stories(self, stories: Iterable[Story], *, replace_all: bool = False) -> None:
        """Upsert stories by id; ``replace_all`` first deletes every stored story."""

    @abstractmethod
    def delete_stories(self, story_ids: Sequence[str]) -> None:
        """Remove stories (e.g. absorbed by a window pass); their articles stay stored."""

    @abstractmethod
    def get_story(self, story_id: str) -> Optional[Story]: ...

    @abstractmethod
    def list_stories(
        self,
        *,
        q: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        outlet: Optional[str] = None,
        min_independent: Optional[int] = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Story]:
        """Stories newest first; ``q`` is full-text over titles, summaries and article text."""

    @abstractmethod
    def count_stories(
        self,
        *,
        q: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        outlet: Optional[str] = None,
        min_independent: Optional[int] = None,
    ) -> int:
        """All stories; with filters, how many ``list_stories`` would return unpaged."""

    @abstractmethod
    def add_errors(self, errors: Iterable[ErrorRecord]) -> None: ...

    @abstractmethod
    def errors(self) -> list[ErrorRecord]: ...

    @abstractmethod
    def get_state(self, key: str) -> Optional[bytes]:
        """Opaque engine state (e.g. the streaming clusterer), by key."""

    @abstractmethod
    def set_state(self, key: str, value: bytes) -> None: ...

    def delete_state(self, key: str) -> None:
        """Drop a state entry (no-op when there is none); ``get_state`` then returns None."""
        if self.get_state(key) is not None:  # (backends delete without reading the blob)
            self.set_state(key, b"")

    def get_mentions(self, keys: Sequence[str]) -> dict[str, str]:
        """Cached NER mentions by key (:func:`newsfold.analyze.entities.mention_model_key`
        and the article text): those of ``keys`` the store holds. A store that keeps none
        returns {}."""
        return {}

    def put_mentions(self, items: dict[str, str]) -> None:
        """Keep NER mentions (key -> encoded value) for later runs; a key already held is
        left as it is (same key, same model, same text: same mentions)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(url: str | None = None) -> Store:
    """Open a store from a path or URL. ``None`` means an in-memory SQLite store."""
    if url and url.startswith(("postgresql://", "postgres://")):
        from newsfold.store.postgres import PostgresStore

        return PostgresStore(url)
    from newsfold.store.sqlite import SQLiteStore

    path = url or ":memory:"
    if path.startswith("sqlite:///"):
        path = path[len("sqlite:///"):]
    return SQLiteStore(path)
