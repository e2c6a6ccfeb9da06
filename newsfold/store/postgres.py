"""PostgreSQL store: the same tables as SQLite, tsvector search, for large archives.

Needs ``pip install newsfold[postgres]`` (psycopg 3). Text columns use the ``"C"``
collation so ordering and date-prefix comparisons match SQLite byte for byte. Search uses
a weighted ``tsvector`` (title A, summary B, member articles C) with a GIN index and the
``english`` configuration (stemming, like SQLite's porter tokenizer). See docs/storage.md.
"""

from __future__ import annotations

import threading
from typing import Iterable, Optional, Sequence

from newsfold.model import Article, ErrorRecord, Story
from newsfold.store import common
from newsfold.store.sql import SQLStore

#: Rows per statement (arrays passed to unnest / executemany batches).
BATCH = 2000
#: tsvector values are limited to 1 MiB; the article text indexed is capped below that.
MAX_TEXT_CHARS = 400_000
TS_CONFIG = "english"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text);
CREATE TABLE IF NOT EXISTS articles (
    seq bigserial PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    content_key text COLLATE "C" UNIQUE,  -- content_hash|outlet|host
    published text COLLATE "C",
    source text COLLATE "C",
    story text COLLATE "C",
    family text COLLATE "C",
    data text NOT NULL,
    search tsvector
);
CREATE INDEX IF NOT EXISTS articles_search ON articles USING gin(search);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_family ON articles(family);
CREATE TABLE IF NOT EXISTS stories (
    seq bigserial PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    title text,
    first_published text COLLATE "C",
    last_published text COLLATE "C",
    independent integer,
    n_articles integer,
    data text NOT NULL,
    search tsvector
);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_published);
CREATE INDEX IF NOT EXISTS stories_first ON stories(first_published);
CREATE INDEX IF NOT EXISTS stories_independent ON stories(independent);
CREATE INDEX IF NOT EXISTS stories_search ON stories USING gin(search);
CREATE TABLE IF NOT EXISTS story_articles (
    story_id text COLLATE "C" NOT NULL,
    article_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (story_id, article_id)
);
CREATE INDEX IF NOT EXISTS story_articles_article ON story_articles(article_id);
CREATE TABLE IF NOT EXISTS story_outlets (
    story_id text COLLATE "C" NOT NULL,
    outlet text COLLATE "C" NOT NULL,
    PRIMARY KEY (outlet, story_id)
);
CREATE INDEX IF NOT EXISTS story_outlets_story ON story_outlets(story_id);
CREATE TABLE IF NOT EXISTS errors (
    seq bigserial PRIMARY KEY,
    key text NOT NULL UNIQUE,
    path text,
    kind text,
    stage text,
    data text NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key text PRIMARY KEY, value bytea);
CREATE TABLE IF NOT EXISTS mentions (key text PRIMARY KEY, value text NOT NULL);
"""


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "PostgreSQL storage needs psycopg 3: pip install 'newsfold[postgres]'"
        ) from exc
    return psycopg


class PostgresStore(SQLStore):
    """A store in a PostgreSQL database given by a ``postgresql://`` URL."""

    def __init__(self, url: str) -> None:
        psycopg = _psycopg()
        self.url = url
        self._lock = threading.RLock()
        self._conn = psycopg.connect(url, autocommit=True)
        with self._tx() as cur:
            # serialise concurrent first-time schema creation by several processes
            cur.execute("SELECT pg_advisory_xact_lock(7432010)")
            cur.execute(_SCHEMA)
            cur.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', %s)"
                " ON CONFLICT (key) DO NOTHING",
                (str(common.STORE_SCHEMA_VERSION),),
            )
            cur.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            common.check_version(cur.fetchone()[0], url)
            # bulk rows arrive by binary COPY into this per-connection table
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS nf_incoming (n bigint, id text, content_key text,"
                " published text, source text, story text, family text, data text, title text,"
                " body text) ON COMMIT DELETE ROWS"
            )

    # ------------------------------------------------------------------ plumbing
    class _Tx:
        def __init__(self, store: "PostgresStore") -> None:
            self.store = store

        def __enter__(self):
            self.store._lock.acquire()
            try:
                self.tx = self.store._conn.transaction()
                self.tx.__enter__()
                self.cur = self.store._conn.cursor()
            except BaseException:
                self.store._lock.release()
                raise
            return self.cur

        def __exit__(self, exc_type, exc, tb) -> None:
            try:
                self.cur.close()
                self.tx.__exit__(exc_type, exc, tb)
            finally:
                self.store._lock.release()

    PH = "%s"

    def _read(self) -> "PostgresStore._Tx":
        return self._tx()

    def _tx(self) -> "PostgresStore._Tx":
        return PostgresStore._Tx(self)

    # ------------------------------------------------------------------ articles
    _COPY_TYPES = ["int8"] + ["text"] * 9

    def _copy_in(self, cur, rows: Iterable[tuple]) -> None:
        """Binary COPY into ``nf_incoming`` (no text escaping: the fast path for big bodies)."""
        with cur.copy("COPY nf_incoming FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(self._COPY_TYPES)
            for row in rows:
                copy.write_row(row)

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        added: list[str] = []
        taken_ids: set[str] = set()
        taken_hashes: set[str] = set()
        for chunk in common.chunks(articles, BATCH):
            with self._tx() as cur:
                # known ids/hashes first: re-reading a folder sends no bodies to the server
                cur.execute("SELECT id FROM articles WHERE id = ANY(%s)", ([a.id for a in chunk],))
                ids = {row[0] for row in cur.fetchall()} | taken_ids
                cur.execute(
                    "SELECT content_key FROM articles WHERE content_key = ANY(%s)",
                    ([k for k in map(common.content_key, chunk) if k],),
                )
                hashes = {row[0] for row in cur.fetchall()} | taken_hashes
                chunk = common.select_new(chunk, ids, hashes)
                taken_ids.update(a.id for a in chunk)
                taken_hashes.update(k for k in map(common.content_key, chunk) if k)
                if not chunk:
                    continue
                self._copy_in(cur, (
                    (n, *common.article_row(a), *common.article_search(a, MAX_TEXT_CHARS))
                    for n, a in enumerate(chunk)
                ))
                # ON CONFLICT DO NOTHING covers both unique keys (id, content_key);
                # RETURNING tells exactly which rows went in, even with concurrent writers.
                cur.execute(
                    "INSERT INTO articles(id, content_key, published, source, story, family, data,"
                    " search) SELECT id, content_key, published, source, story, family, data,"
                    f" setweight(to_tsvector('{TS_CONFIG}', title), 'A')"
                    f" || to_tsvector('{TS_CONFIG}', body)"
                    " FROM nf_incoming i"
                    # known rows are left out before their tsvector is computed
                    " WHERE NOT EXISTS (SELECT 1 FROM articles x WHERE x.id = i.id)"
                    " AND NOT EXISTS (SELECT 1 FROM articles x WHERE x.content_key = i.content_key)"
                    " ORDER BY n ON CONFLICT DO NOTHING RETURNING id"
                )
                got = {row[0] for row in cur.fetchall()}
            added.extend(a.id for a in chunk if a.id in got)
        return added

    def update_articles(self, articles: Iterable[Article]) -> None:
        for chunk in common.chunks(articles, BATCH):
            with self._tx() as cur:
                self._copy_in(cur, (
                    (n, *common.article_row(a), None, None) for n, a in enumerate(chunk)
                ))
                cur.execute(
                    "UPDATE articles a SET published = i.published, source = i.source,"
                    " story = i.story, family = i.family, data = i.data"
                    " FROM nf_incoming i WHERE a.id = i.id"
                )

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        ids = list(ids)
        by_id: dict[str, Article] = {}
        for chunk in common.chunks(dict.fromkeys(ids), BATCH):
            with self._tx() as cur:
                cur.execute("SELECT id, data FROM articles WHERE id = ANY(%s)", (chunk,))
                for aid, data in cur.fetchall():
                    by_id[aid] = Article.from_json(data)
        return [by_id[i] for i in ids if i in by_id]

    # ------------------------------------------------------------------ stories
    def delete_stories(self, story_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return
        with self._tx() as cur:
            for table, col in (("stories", "id"), ("story_articles", "story_id"),
                               ("story_outlets", "story_id")):
                cur.execute(f"DELETE FROM {table} WHERE {col} = ANY(%s)", (ids,))

    def put_stories(self, stories: Iterable[Story], *, replace_all: bool = False) -> None:
        stories = list(stories)
        with self._tx() as cur:
            if replace_all:
                cur.execute("TRUNCATE stories, story_articles, story_outlets")
            for chunk in common.chunks({s.id: s for s in stories}.values(), BATCH):
                sids = [s.id for s in chunk]
                if not replace_all:
                    for table, col in (
                        ("stories", "id"),
                        ("story_articles", "story_id"),
                        ("story_outlets", "story_id"),
                    ):
                        cur.execute(f"DELETE FROM {table} WHERE {col} = ANY(%s)", (sids,))
                sources = self._sources(cur, [a for s in chunk for a in s.articles])
                story_rows, member_rows, outlet_rows = [], [], []
                for story in chunk:
                    members = list(dict.fromkeys(story.articles))
                    story_rows.append((*common.story_row(story), *common.story_search(story)))
                    member_rows.extend((story.id, aid) for aid in members)
                    outlets = common.story_outlets(story, (sources.get(a) for a in members))
                    outlet_rows.extend((story.id, o) for o in outlets)
                cur.executemany(
                    "INSERT INTO stories(id, title, first_published, last_published, independent,"
                    " n_articles, data, search) VALUES (%s, %s, %s, %s, %s, %s, %s,"
                    f" setweight(to_tsvector('{TS_CONFIG}', %s), 'A')"
                    f" || setweight(to_tsvector('{TS_CONFIG}', %s), 'B'))",
                    story_rows,
                )
                cur.executemany(
                    "INSERT INTO story_articles VALUES (%s, %s) ON CONFLICT DO NOTHING", member_rows
                )
                cur.executemany(
                    "INSERT INTO story_outlets VALUES (%s, %s) ON CONFLICT DO NOTHING", outlet_rows
                )

    @staticmethod
    def _sources(cur, ids: Sequence[str]) -> dict[str, Optional[str]]:
        out: dict[str, Optional[str]] = {}
        for chunk in common.chunks(dict.fromkeys(ids), BATCH):
            cur.execute("SELECT id, source FROM articles WHERE id = ANY(%s)", (chunk,))
            out.update(cur.fetchall())
        return out

    def _where(self, q, since, until, outlet, min_independent) -> Optional[tuple[str, list]]:
        """The WHERE clause of a story query; None when ``q`` has no word (nothing matches)."""
        where: list[str] = []
        params: list = []
        if q is not None and q.strip():
            terms = common.query_terms(q)
            if not terms:
                return None
            # every word must occur in the story (title, summary) or in one of its articles;
            # words are letters/digits only, so they are safe inside a tsquery
            for word, prefix in terms:
                if prefix:
                    tsq = f"to_tsquery('{TS_CONFIG}', %s || ':*')"
                else:
                    tsq = f"plainto_tsquery('{TS_CONFIG}', %s)"
                where.append(
                    f"(numnode({tsq}) = 0 OR s.search @@ {tsq} OR s.id IN ("
                    "SELECT sa.story_id FROM articles a JOIN story_articles sa"
                    f" ON sa.article_id = a.id WHERE a.search @@ {tsq}))"
                )
                params += [word, word, word]
        common.story_filters(where, params, since, until, outlet, min_independent, ph=self.PH)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    # ------------------------------------------------------------------ errors, state
    def add_errors(self, errors: Iterable[ErrorRecord]) -> None:
        for chunk in common.chunks(errors, BATCH):
            with self._tx() as cur:
                cur.executemany(
                    "INSERT INTO errors(key, path, kind, stage, data) VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (key) DO NOTHING",
                    [common.error_row(e) for e in chunk],
                )

    def set_state(self, key: str, value: bytes) -> None:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO state(key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, bytes(value)),
            )

    def put_mentions(self, items: dict[str, str]) -> None:
        rows = list(items.items())
        for chunk in common.chunks(rows, BATCH):
            with self._tx() as cur:
                cur.executemany("INSERT INTO mentions(key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                                chunk)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"
