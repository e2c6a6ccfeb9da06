"""The read queries the SQLite and PostgreSQL backends share, written once.

A backend supplies its parameter placeholder (``PH``: ``?`` or ``%s``), a read transaction
(``_read()``, a context manager yielding a DB-API cursor) and the WHERE clause of a story query
(``_where``: full-text search differs per backend).
"""

from __future__ import annotations

from typing import Iterator, Optional, Sequence

from newsfold.model import Article, ErrorRecord, Story
from newsfold.store import common
from newsfold.store.base import Store


class SQLStore(Store):
    PH = "?"

    def _read(self):  # pragma: no cover - each backend overrides
        raise NotImplementedError

    def _where(self, q, since, until, outlet, min_independent) -> Optional[tuple[str, list]]:
        raise NotImplementedError  # pragma: no cover

    def _fetch(self, sql: str, params=(), *, one: bool = False):
        with self._read() as cur:
            cur.execute(sql, params)
            return cur.fetchone() if one else cur.fetchall()

    def get_article(self, article_id: str) -> Optional[Article]:
        found = self.get_articles([article_id])
        return found[0] if found else None

    def iter_articles(self) -> Iterator[Article]:
        # Keyset pagination: bounded memory, no lock or transaction held between pages.
        last = 0
        while True:
            rows = self._fetch(f"SELECT seq, data FROM articles WHERE seq > {self.PH}"
                               f" ORDER BY seq LIMIT {self.PH}", (last, common.PAGE))
            if not rows:
                return
            last = rows[-1][0]
            for _, data in rows:
                yield Article.from_json(data)

    def count_articles(self) -> int:
        return self._fetch("SELECT count(*) FROM articles", one=True)[0]

    def get_story(self, story_id: str) -> Optional[Story]:
        row = self._fetch(f"SELECT data FROM stories WHERE id = {self.PH}", (story_id,), one=True)
        return Story.from_json(row[0]) if row else None

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
        found = self._where(q, since, until, outlet, min_independent)
        if found is None:
            return []
        where, params = found
        sql = "SELECT s.data FROM stories s" + where + (
            " ORDER BY s.last_published DESC NULLS LAST, s.first_published DESC NULLS LAST,"
            f" s.id LIMIT {self.PH} OFFSET {self.PH}"
        )
        with self._read() as cur:
            cur.execute(sql, params + [max(0, int(limit)), max(0, int(offset))])
            rows = cur.fetchall()
        return [Story.from_json(r[0]) for r in rows]

    def count_stories(
        self,
        *,
        q: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        outlet: Optional[str] = None,
        min_independent: Optional[int] = None,
    ) -> int:
        """All stories, or those ``list_stories`` would return with the same filters."""
        found = self._where(q, since, until, outlet, min_independent)
        if found is None:
            return 0
        where, params = found
        with self._read() as cur:
            cur.execute("SELECT count(*) FROM stories s" + where, params)
            return cur.fetchone()[0]

    def errors(self) -> list[ErrorRecord]:
        return [ErrorRecord.from_json(r[0]) for r in self._fetch("SELECT data FROM errors ORDER BY seq")]

    def get_state(self, key: str) -> Optional[bytes]:
        row = self._fetch(f"SELECT value FROM state WHERE key = {self.PH}", (key,), one=True)
        return bytes(row[0]) if row else None

    def delete_state(self, key: str) -> None:
        with self._tx() as cur:
            cur.execute(f"DELETE FROM state WHERE key = {self.PH}", (key,))

    def get_mentions(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in common.chunks(keys, 500):
            marks = ", ".join([self.PH] * len(chunk))
            try:
                rows = self._fetch(f"SELECT key, value FROM mentions WHERE key IN ({marks})", chunk)
            except Exception as exc:  # a store written before the table existed
                if "mentions" not in str(exc):
                    raise
                return {}
            out.update((k, v) for k, v in rows)
        return out
