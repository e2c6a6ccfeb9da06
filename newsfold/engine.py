"""The Python API: one object over a store, the same stories as the CLI, the JSON API and the UI.

Example (runnable: ``python -m doctest -v newsfold/engine.py``; the seeds are in
``../shared/seeds`` next to the repository, or under ``$NEWSFOLD_SHARED``)::

    >>> import os
    >>> from pathlib import Path
    >>> import newsfold
    >>> from newsfold import Engine
    >>> shared = os.environ.get("NEWSFOLD_SHARED") or Path(newsfold.__file__).resolve().parents[2] / "shared"
    >>> seeds = Path(shared) / "seeds"
    >>> with Engine(db=":memory:") as eng:                     # or Engine(db="news.db")
    ...     touched = eng.ingest([seeds])                       # files, folders, or article dicts
    ...     eng.ingest([{"id": "x1", "title": "Hello", "text": "A short report."}]) != []
    ...     top = eng.stories(limit=10)[0]                      # newest first; q=..., outlet=...
    ...     story = eng.story(top.id)                           # a newsfold.model.Story
    ...     art = eng.article(story.articles[0])                # a newsfold.model.Article
    ...     (story.sources["articles"] >= 1, art.story == story.id)
    True
    (True, True)

``ingest`` runs the streaming pipeline (clean -> store -> fold copies -> cluster -> analyse
only the stories that changed) and returns the ids of the stories it touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, Story
from newsfold.store.base import Store


class Engine:
    """newsfold as a library.

    ``db``: a SQLite file, ``":memory:"`` (default), a ``postgresql://`` URL, or an open
    :class:`~newsfold.store.Store`.
    """

    def __init__(self, db: str | Store | None = None, *, config: Optional[Config] = None) -> None:
        from newsfold.run.stream import StreamingPipeline
        from newsfold.store import open_store

        self.config = config or Config(progress=False)
        self._own = not isinstance(db, Store)
        self.store: Store = db if isinstance(db, Store) else open_store(str(db) if db else None)
        self.pipeline = StreamingPipeline(self.store, self.config)
        self.errors: list[ErrorRecord] = []

    # ------------------------------------------------------------------ writing
    def ingest(self, paths_or_articles: Iterable[Any] | str | Path) -> list[str]:
        """Add files/folders (paths), article dicts (JSONL field names), Articles or RawRecords.

        Returns the ids of the stories that received an article. Bad items become
        :class:`ErrorRecord`s (kept in ``self.errors`` and in the store); the rest goes on.
        """
        if isinstance(paths_or_articles, (str, Path, dict, Article)):
            paths_or_articles = [paths_or_articles]
        items: list[Any] = []
        paths: list[str] = []
        for item in paths_or_articles:
            if isinstance(item, (str, Path)):
                paths.append(str(item))
            else:
                items.append(item)
        if paths:
            from newsfold.ingest import read_paths

            items.extend(read_paths(paths, config=self.config))
        touched = self.pipeline.add(items)
        self.errors.extend(self.pipeline.errors)
        return touched

    # ------------------------------------------------------------------ reading
    def stories(
        self,
        q: Optional[str] = None,
        *,
        since: Optional[str] = None,
        until: Optional[str] = None,
        outlet: Optional[str] = None,
        min_independent: Optional[int] = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Story]:
        """Stories newest first, filtered as ``GET /api/stories``."""
        return self.store.list_stories(q=q, since=since, until=until, outlet=outlet,
                                       min_independent=min_independent, limit=limit, offset=offset)

    def story(self, story_id: str) -> Optional[Story]:
        return self.store.get_story(story_id)

    def article(self, article_id: str) -> Optional[Article]:
        return self.store.get_article(article_id)

    def articles(self, story_id: str) -> list[Article]:
        """The articles of one story, in the story's order."""
        story = self.store.get_story(story_id)
        return self.store.get_articles(list(story.articles)) if story else []

    def export(self, format: str, out: str | Path) -> list[Path]:
        """Write stories, articles, claims and quotes (see :func:`newsfold.export.export`)."""
        from newsfold.export import export

        return export(self.store, format, out)

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        self.pipeline.flush()
        if self._own:
            self.store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
