"""SQLite store: one file, WAL mode, FTS5 search. The embedded default.

Layout (see docs/storage.md)::

    articles(seq, id UNIQUE, content_key UNIQUE, published, source, story, family, data JSON)
    stories(seq, id UNIQUE, title, first_published, last_published, independent, n_articles, data JSON)
    story_articles(story_id, article_id)          -- membership, for filters
    story_outlets(story_id, outlet)               -- lower-cased outlet names, for ``outlet=``
    stories_fts(title, summary)                   -- FTS5 (rowid = stories.seq)
    articles_fts(title, text)                     -- contentless FTS5 (rowid = articles.seq),
                                                  -- indexed once, when an article is stored
    errors(seq, key UNIQUE, path, kind, stage, data JSON)
    state(key PRIMARY KEY, value BLOB)

One connection guarded by a lock (``check_same_thread=False``), so the API server's threads
and the streaming writer can share a store object; other processes read the same file
concurrently thanks to WAL.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Optional, Sequence

from newsfold.model import Article, ErrorRecord, Story
from newsfold.store import common
from newsfold.store.sql import SQLStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    content_key TEXT UNIQUE,  -- content_hash|outlet|host (store.common.content_key)
    published TEXT,
    source TEXT,
    story TEXT,
    family TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_family ON articles(family);
CREATE TABLE IF NOT EXISTS stories (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    first_published TEXT,
    last_published TEXT,
    independent INTEGER,
    n_articles INTEGER,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_published);
CREATE INDEX IF NOT EXISTS stories_first ON stories(first_published);
CREATE INDEX IF NOT EXISTS stories_independent ON stories(independent);
CREATE TABLE IF NOT EXISTS story_articles (
    story_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (story_id, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_articles_article ON story_articles(article_id);
CREATE TABLE IF NOT EXISTS story_outlets (
    story_id TEXT NOT NULL,
    outlet TEXT NOT NULL,
    PRIMARY KEY (outlet, story_id)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5(
    title, summary, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content = '', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS errors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    path TEXT,
    kind TEXT,
    stage TEXT,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS mentions (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Rows per executemany / IN (...) batch; well under SQLite's variable limit.
BATCH = 500


class SQLiteStore(SQLStore):
    """A store in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: str = ":memory:", *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        if self.path != ":memory:" and not self.path.startswith("file:"):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, timeout=timeout, check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA foreign_keys = OFF")
        if self.path != ":memory:" and not self.path.startswith("file::memory:"):
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if not self._has_schema():
            # only a new file is written to on open, so a reader can open a store while
            # another process is in the middle of a write transaction
            self._conn.executescript(
                "BEGIN IMMEDIATE;" + _SCHEMA + "INSERT OR IGNORE INTO meta(key, value) VALUES"
                f" ('schema_version', '{common.STORE_SCHEMA_VERSION}'); COMMIT;"
            )

    def _has_schema(self) -> bool:
        if not self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone():
            return False
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            return False
        common.check_version(row[0], self.path)
        return True

    # ------------------------------------------------------------------ plumbing
    class _Tx:
        def __init__(self, store: "SQLiteStore", write: bool) -> None:
            self.store = store
            self.write = write

        def __enter__(self) -> sqlite3.Cursor:
            self.store._lock.acquire()
            try:
                cur = self.store._conn.cursor()
                # IMMEDIATE takes the write lock up front (no upgrade deadlocks between
                # processes); readers get a consistent snapshot under WAL.
                cur.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
            except BaseException:
                self.store._lock.release()
                raise
            self.cur = cur
            return cur

        def __exit__(self, exc_type, exc, tb) -> None:
            try:
                if exc_type is None:
                    self.cur.execute("COMMIT")
                else:
                    self.cur.execute("ROLLBACK")
            finally:
                self.cur.close()
                self.store._lock.release()

    def _read(self) -> "SQLiteStore._Tx":
        return self._Tx(self, write=False)

    def _tx(self, write: bool = True) -> "SQLiteStore._Tx":
        return SQLiteStore._Tx(self, write)

    # ------------------------------------------------------------------ articles
    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        added: list[str] = []
        taken_ids: set[str] = set()
        taken_hashes: set[str] = set()
        for chunk in common.chunks(articles, BATCH):
            with self._tx() as cur:
                ids = self._existing(cur, "id", [a.id for a in chunk]) | taken_ids
                hashes = self._existing(
                    cur, "content_key", [k for k in map(common.content_key, chunk) if k]
                ) | taken_hashes
                fresh = common.select_new(chunk, ids, hashes)
                taken_ids.update(a.id for a in fresh)
                taken_hashes.update(k for k in map(common.content_key, fresh) if k)
                if not fresh:
                    continue
                # the write lock is held since the look-up: nothing else inserted meanwhile
                cur.executemany(
                    "INSERT INTO articles(id, content_key, published, source, story, family, data)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [common.article_row(a) for a in fresh],
                )
                marks = ",".join("?" * len(fresh))
                cur.execute(
                    f"SELECT id, seq FROM articles WHERE id IN ({marks})", [a.id for a in fresh]
                )
                seqs = dict(cur.fetchall())
                cur.executemany(
                    "INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                    [(seqs[a.id], *common.article_search(a)) for a in fresh],
                )
                added.extend(a.id for a in fresh)
        return added

    @staticmethod
    def _existing(cur: sqlite3.Cursor, column: str, values: Sequence[str]) -> set[str]:
        if not values:
            return set()
        marks = ",".join("?" * len(values))
        cur.execute(f"SELECT {column} FROM articles WHERE {column} IN ({marks})", list(values))
        return {row[0] for row in cur.fetchall()}

    def update_articles(self, articles: Iterable[Article]) -> None:
        for chunk in common.chunks(articles, BATCH):
            rows = [common.article_row(a) for a in chunk]
            with self._tx() as cur:
                cur.executemany(
                    "UPDATE articles SET published = ?, source = ?, story = ?, family = ?, data = ?"
                    " WHERE id = ?",
                    [(r[2], r[3], r[4], r[5], r[6], r[0]) for r in rows],
                )

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        ids = list(ids)
        by_id: dict[str, Article] = {}
        for chunk in common.chunks(dict.fromkeys(ids), BATCH):
            marks = ",".join("?" * len(chunk))
            with self._tx(write=False) as cur:
                cur.execute(f"SELECT id, data FROM articles WHERE id IN ({marks})", chunk)
                for aid, data in cur.fetchall():
                    by_id[aid] = Article.from_json(data)
        return [by_id[i] for i in ids if i in by_id]

    # ------------------------------------------------------------------ stories
    def delete_stories(self, story_ids: Sequence[str]) -> None:
        with self._tx() as cur:
            for chunk in common.chunks(list(dict.fromkeys(story_ids)), BATCH):
                marks = ",".join("?" * len(chunk))
                cur.execute("DELETE FROM stories_fts WHERE rowid IN"
                            f" (SELECT seq FROM stories WHERE id IN ({marks}))", chunk)
                for table, col in (("stories", "id"), ("story_articles", "story_id"),
                                   ("story_outlets", "story_id")):
                    cur.execute(f"DELETE FROM {table} WHERE {col} IN ({marks})", chunk)

    def put_stories(self, stories: Iterable[Story], *, replace_all: bool = False) -> None:
        stories = list(stories)
        with self._tx() as cur:
            if replace_all:
                for table in ("stories", "story_articles", "story_outlets", "stories_fts"):
                    cur.execute(f"DELETE FROM {table}")
            # last one wins when a story id repeats within the call
            for chunk in common.chunks({s.id: s for s in stories}.values(), BATCH):
                sids = [s.id for s in chunk]
                marks = ",".join("?" * len(sids))
                if not replace_all:
                    # the FTS row of a story shares the story's seq as its rowid
                    cur.execute(
                        "DELETE FROM stories_fts WHERE rowid IN"
                        f" (SELECT seq FROM stories WHERE id IN ({marks}))",
                        sids,
                    )
                    for table, col in (
                        ("stories", "id"),
                        ("story_articles", "story_id"),
                        ("story_outlets", "story_id"),
                    ):
                        cur.execute(f"DELETE FROM {table} WHERE {col} IN ({marks})", sids)
                sources = self._sources(cur, [a for s in chunk for a in s.articles])
                story_rows, member_rows, outlet_rows, search = [], [], [], {}
                for story in chunk:
                    members = list(dict.fromkeys(story.articles))
                    story_rows.append(common.story_row(story))
                    member_rows.extend((story.id, aid) for aid in members)
                    outlets = common.story_outlets(story, (sources.get(a) for a in members))
                    outlet_rows.extend((story.id, o) for o in outlets)
                    search[story.id] = common.story_search(story)
                cur.executemany(
                    "INSERT INTO stories(id, title, first_published, last_published, independent,"
                    " n_articles, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    story_rows,
                )
                cur.executemany("INSERT OR IGNORE INTO story_articles VALUES (?, ?)", member_rows)
                cur.executemany("INSERT OR IGNORE INTO story_outlets VALUES (?, ?)", outlet_rows)
                cur.execute(f"SELECT seq, id FROM stories WHERE id IN ({marks})", sids)
                cur.executemany(
                    "INSERT INTO stories_fts(rowid, title, summary) VALUES (?, ?, ?)",
                    [(seq, *search[sid]) for seq, sid in cur.fetchall()],
                )

    @staticmethod
    def _sources(cur: sqlite3.Cursor, ids: Sequence[str]) -> dict[str, Optional[str]]:
        out: dict[str, Optional[str]] = {}
        for chunk in common.chunks(dict.fromkeys(ids), BATCH):
            marks = ",".join("?" * len(chunk))
            cur.execute(f"SELECT id, source FROM articles WHERE id IN ({marks})", chunk)
            out.update(cur.fetchall())
        return out

    def _where(self, q, since, until, outlet, min_independent) -> Optional[tuple[str, list]]:
        """The WHERE clause of a story query; None when ``q`` has no word (nothing matches)."""
        where: list[str] = []
        params: list = []
        if q is not None and q.strip():
            terms = fts5_terms(q)
            if not terms:
                return None
            # every word must occur in the story (title, summary) or in one of its articles
            for term in terms:
                where.append(
                    "(s.seq IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?)"
                    " OR s.id IN (SELECT sa.story_id FROM story_articles sa"
                    " JOIN articles a ON a.id = sa.article_id"
                    " WHERE a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)))"
                )
                params += [term, term]
        common.story_filters(where, params, since, until, outlet, min_independent, ph=self.PH)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    # ------------------------------------------------------------------ errors, state
    def add_errors(self, errors: Iterable[ErrorRecord]) -> None:
        for chunk in common.chunks(errors, BATCH):
            with self._tx() as cur:
                cur.executemany(
                    "INSERT OR IGNORE INTO errors(key, path, kind, stage, data) VALUES (?, ?, ?, ?, ?)",
                    [common.error_row(e) for e in chunk],
                )

    def set_state(self, key: str, value: bytes) -> None:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO state(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, sqlite3.Binary(bytes(value))),
            )

    def put_mentions(self, items: dict[str, str]) -> None:
        rows = list(items.items())
        for chunk in common.chunks(rows, BATCH):
            with self._tx() as cur:
                # (stores made before the table existed get it on first use)
                cur.execute("CREATE TABLE IF NOT EXISTS mentions (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                cur.executemany("INSERT OR IGNORE INTO mentions(key, value) VALUES (?, ?)", chunk)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"


def fts5_terms(q: str) -> list[str]:
    """A user's words -> one FTS5 MATCH expression per word (all must match).

    Each token is quoted, so FTS5 syntax in user input (``AND``, ``*``, ``:``, quotes)
    cannot raise; a trailing ``*`` on a word keeps prefix search.
    """
    return [
        '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")
        for word, prefix in common.query_terms(q)
    ]

