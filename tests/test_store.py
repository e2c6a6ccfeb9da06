"""The store contract, run against SQLite and PostgreSQL (same tests, same expectations).

The PostgreSQL server is started by the ``pg_server`` fixture (tests/pg.py) in a temp dir;
the pg tests skip only when the server binaries or psycopg are absent, and say why.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections import defaultdict

import pytest

from newsfold.model import (
    Article,
    Claim,
    Entity,
    ErrorRecord,
    Family,
    FamilyMember,
    Quote,
    Story,
    SummarySentence,
    TimelineEvent,
)
from newsfold.store import Store, open_store
from newsfold.store.sqlite import SQLiteStore, fts5_terms
from tests import pg

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def pg_server():
    reason = pg.why_unavailable()
    if reason:
        print(f"\nPostgreSQL tests skipped: {reason}")
        pytest.skip(reason)
    server = pg.TempPostgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_store(request, tmp_path):
    """A factory: make_store() opens a fresh store; make_store(reopen=True) reopens it."""
    backend = request.param
    opened: list[Store] = []
    url = None
    if backend == "sqlite":
        url = str(tmp_path / "newsfold.db")
    else:
        url = request.getfixturevalue("pg_server").new_database()

    def factory() -> Store:
        s = open_store(url)
        opened.append(s)
        return s

    factory.backend = backend  # type: ignore[attr-defined]
    factory.url = url  # type: ignore[attr-defined]
    yield factory
    for s in opened:
        s.close()


@pytest.fixture
def store(make_store) -> Store:
    return make_store()


def backends(fn):
    return pytest.mark.parametrize("make_store", BACKENDS, indirect=True)(fn)


def art(i, text=None, **kw) -> Article:
    return Article(id=f"a{i}", text=text if text is not None else f"Body of article number {i}.", **kw)


def full_story(sid="s1", articles=("a1", "a2")) -> Story:
    fam = Family(
        id="a1",
        origin="a1",
        members=[
            FamilyMember(id="a1", origin=None, relation="original"),
            FamilyMember(id="a2", origin="a1", relation="rewrite", similarity={"jaccard": 0.61},
                         reason="shares 4 of 6 sentences"),
        ],
        outlets=["Agency One", "portal.example"],
        wire="AP",
    )
    return Story(
        id=sid,
        title="Ministers meet in the capital",
        articles=list(articles),
        families=[fam],
        sources={"articles": 2, "outlets": 2, "independent": 1},
        first_published="2025-07-31",
        last_published="2025-08-04T09:30:00+00:00",
        storyline="line-1",
        entities=[Entity(name="Sergey Lavrov", type="PERSON", variants=["Lavrov"], mentions=3,
                         articles=["a1", "a2"])],
        quotes=[Quote(speaker="Lavrov", text="We will continue", articles=["a1"],
                      independent_sources=1)],
        claims=[Claim(text="12 killed", articles=["a2"], independent_sources=1,
                      status="conflicting", values=[{"value": "12", "articles": ["a2"]}])],
        summary=[SummarySentence(text="Diplomats negotiated reconstruction.", citations=["a1"])],
        basis="single_origin",
        timeline=[TimelineEvent(time="2025-07-31", kind="published", text="a1 published",
                                articles=["a1"])],
    )


# ---------------------------------------------------------------- articles


@backends
def test_add_articles_is_idempotent_by_id_and_content(store):
    a1 = art(1, "Lavrov met Shaibani in Moscow on Thursday.")
    a2 = art(2, "A different report about an earthquake.")
    # same id, new text -> skipped; a repeat within one call -> skipped
    same_id = art(1, "Completely different body.")
    assert store.add_articles([a1, a2, a1]) == ["a1", "a2"]
    assert store.add_articles([same_id, a2]) == []
    a4 = art(4, "Yet another story.")
    assert store.add_articles(iter([a4, a1])) == ["a4"]
    assert store.count_articles() == 3
    # the same body (modulo case/whitespace) under a new id with nothing saying where it
    # came from may be another outlet's exact copy: kept, never dropped silently
    same_text = art(3, "  lavrov MET shaibani in   moscow on thursday. ")
    assert same_text.content_hash == a1.content_hash
    assert store.add_articles([same_text]) == ["a3"]
    assert store.add_articles([same_text]) == []
    store_count = 4
    # the same body from another outlet is a syndicated copy: a separate article...
    wire = art(5, "Wire story body.", source="Wire Agency", url="https://wire.example/a/1")
    portal = art(6, "Wire  story body.", source="City Portal", url="https://portal.example/x")
    assert store.add_articles([wire, portal]) == ["a5", "a6"]
    # ...but from the same outlet and host (a re-crawl, another URL of the site) it is not
    recrawl = art(7, "wire story BODY.", source="city portal", url="http://www.portal.example/amp/x")
    assert store.add_articles([recrawl]) == []
    assert store.count_articles() == store_count + 2
    assert store.get_article("a1").text == a1.text


@backends
def test_article_round_trip_and_order(store):
    a = Article(
        id="x/1", text="Text with\x00 a NUL and ünïcödé — “quotes”.", title="T", path="/in/x.txt",
        position=3, format="text", source="Agency", url="http://e.x/1", published="2025-07-31",
        language="en", byline="By A", dateline="Moscow, July 31 (AP)", wire="AP",
        removed=[{"text": "Also Read:", "rule": "also_read"}], first_seen="2025-07-31T10:00:00",
        meta={"extra": [1, 2]},
    )
    assert store.add_articles([a]) == ["x/1"]
    assert store.get_article("x/1") == a
    many = [art(i) for i in range(2600)]  # several insert batches and iteration pages
    assert len(store.add_articles(many)) == 2600
    ids = [x.id for x in store.iter_articles()]
    assert ids == ["x/1"] + [m.id for m in many]  # insertion order
    assert [x.id for x in store.get_articles(["a5", "nope", "a2", "a5"])] == ["a5", "a2", "a5"]
    assert store.get_articles([]) == []


@backends
def test_update_articles_overwrites_derived_fields(make_store):
    store = make_store()
    store.add_articles([art(1), art(2)])
    a2 = store.get_article("a2")
    a2.family, a2.origin, a2.relation, a2.story = "a1", "a1", "copy", "s9"
    a2.similarity = {"jaccard": 0.97}
    a2.added = ["An extra sentence."]
    store.update_articles([a2])
    got = store.get_article("a2")
    assert (got.family, got.origin, got.relation, got.story) == ("a1", "a1", "copy", "s9")
    assert got.similarity == {"jaccard": 0.97} and got.added == ["An extra sentence."]
    assert store.get_article("a1").relation == "original"
    store.close()
    again = make_store()  # persisted
    assert again.get_article("a2").story == "s9"
    assert again.count_articles() == 2


# ---------------------------------------------------------------- stories


@backends
def test_story_round_trip_upsert_and_replace_all(store):
    store.add_articles([art(1), art(2), art(3)])
    s1 = full_story()
    store.put_stories([s1])
    assert store.get_story("s1") == s1
    s1b = full_story()
    s1b.title = "Updated title"
    s1b.articles = ["a1", "a2", "a3"]
    s2 = Story(id="s2", title="Other", articles=["a3"])
    store.put_stories([s1b, s2])
    assert store.get_story("s1").title == "Updated title"
    assert store.get_story("s1").articles == ["a1", "a2", "a3"]
    assert store.count_stories() == 2
    # the search index follows the upsert: the old title no longer matches
    assert [s.id for s in store.list_stories(q="updated")] == ["s1"]
    assert store.list_stories(q="ministers") == []
    store.put_stories([Story(id="s3", title="Only one")], replace_all=True)
    assert store.count_stories() == 1
    assert store.get_story("s1") is None
    assert store.list_stories(q="updated") == []
    assert [s.id for s in store.list_stories()] == ["s3"]


def _search_corpus(store):
    store.add_articles([
        art(1, "The foreign ministers discussed reconstruction of the power grid.",
            title="Talks in Moscow", source="Agency One"),
        art(2, "Rescue teams searched collapsed buildings after the earthquake struck.",
            title="Quake hits coast", source="www.Coast-News.example"),
        art(3, "Farmers protested new tariffs outside parliament.", title="Tariff protest",
            source="Daily Planet"),
        art(4, "Undated wire item about tariffs.", title="Wire item", source="Daily Planet"),
    ])
    stories = [
        Story(id="moscow", title="Diplomatic talks", articles=["a1"],
              sources={"independent": 3}, first_published="2025-07-31",
              last_published="2025-08-04",
              summary=[SummarySentence("Officials agreed on a ministerial meeting.", ["a1"])]),
        Story(id="quake", title="Coastal earthquake", articles=["a2"],
              sources={"independent": 1}, first_published="2025-08-02T06:00:00Z",
              last_published="2025-08-02T18:00:00Z",
              families=[Family(id="a2", origin="a2", outlets=["Wire Service"])]),
        Story(id="tariffs", title="Tariff protests", articles=["a3"],
              sources={"independent": 2}, first_published="2025-07-01",
              last_published="2025-07-01"),
        Story(id="undated", title="Tariff wire", articles=["a4"], sources={}),
    ]
    store.put_stories(stories)
    return stories


@backends
def test_list_stories_filters_and_order(store):
    _search_corpus(store)
    ids = lambda **kw: [s.id for s in store.list_stories(**kw)]  # noqa: E731
    # newest first, undated last
    assert ids() == ["moscow", "quake", "tariffs", "undated"]
    assert ids(limit=2) == ["moscow", "quake"]
    assert ids(limit=2, offset=2) == ["tariffs", "undated"]
    assert ids(offset=10) == []
    # dates: dates and datetimes compare on their common prefix
    assert ids(since="2025-08-02") == ["moscow", "quake"]
    assert ids(since="2025-08-03") == ["moscow"]
    assert ids(until="2025-08-01") == ["moscow", "tariffs"]
    assert ids(until="2025-08-02") == ["moscow", "quake", "tariffs"]
    assert ids(since="2025-07-02", until="2025-08-01") == ["moscow"]
    # outlets: member sources and family outlets, case- and www-insensitive
    assert ids(outlet="agency one") == ["moscow"]
    assert ids(outlet="coast-news.example") == ["quake"]
    assert ids(outlet="WIRE SERVICE") == ["quake"]
    assert ids(outlet="Daily Planet") == ["tariffs", "undated"]
    assert ids(outlet="nobody") == []
    assert ids(min_independent=2) == ["moscow", "tariffs"]
    assert ids(min_independent=2, outlet="daily planet") == ["tariffs"]
    # counting with the same filters = the unpaged list
    for kw in ({}, {"since": "2025-08-02"}, {"outlet": "Daily Planet"}, {"min_independent": 2},
               {"q": "tariff"}, {"q": "tariff", "until": "2025-07-15"}, {"q": "!!!"}):
        assert store.count_stories(**kw) == len(store.list_stories(limit=1000, **kw)), kw


@backends
def test_full_text_search(store):
    _search_corpus(store)
    ids = lambda q, **kw: sorted(s.id for s in store.list_stories(q=q, **kw))  # noqa: E731
    assert ids("earthquake") == ["quake"]  # story title and member text
    assert ids("reconstruction") == ["moscow"]  # member article text only
    assert ids("ministerial") == ["moscow"]  # summary only
    assert ids("Moscow") == ["moscow"]  # member article title
    assert ids("collapsed buildings") == ["quake"]  # every word must match...
    assert ids("collapsed tariffs") == []  # ...in the same story
    assert ids("protesting") == ["tariffs"]  # stemming: protested / protests
    assert ids("tariff") == ["tariffs", "undated"]
    assert ids("reconstr*") == ["moscow"]  # prefix
    assert ids("TARIFF", since="2025-01-01") == ["tariffs"]
    # query syntax of either engine in user input never raises
    for nasty in ['"', "AND OR NOT", "a:b", "(earthquake", "NEAR(x y)", "-", "*", "x' OR 1=1 --"]:
        store.list_stories(q=nasty)
    assert ids("(earthquake") == ["quake"]
    assert store.list_stories(q="!!!") == []


# ---------------------------------------------------------------- errors, state


@backends
def test_errors_are_kept_once(store):
    e1 = ErrorRecord(path="in/bad.jsonl", position=7, reason="line 7 is not JSON",
                     stage="ingest", kind="malformed_json")
    e2 = ErrorRecord(path="in/x.txt", position=None, reason="no date", stage="clean",
                     kind="bad_date", article_id="x")
    store.add_errors([e1, e2])
    store.add_errors([e1])  # the same run twice does not double the error list
    assert store.errors() == [e1, e2]


@backends
def test_state_bytes(make_store):
    store = make_store()
    assert store.get_state("clusterer") is None
    blob = bytes(range(256)) * 10
    store.set_state("clusterer", blob)
    store.set_state("dedup", b"")
    assert store.get_state("clusterer") == blob
    store.set_state("clusterer", b"v2\x00")
    assert store.get_state("clusterer") == b"v2\x00"
    assert store.get_state("dedup") == b""
    store.close()
    again = make_store()
    assert again.get_state("clusterer") == b"v2\x00"
    again.delete_state("clusterer")
    again.delete_state("never-set")
    assert again.get_state("clusterer") is None and again.get_state("dedup") == b""


@backends
def test_mentions_kept_between_opens_first_value_stands(make_store):
    store = make_store()
    assert store.get_mentions(["k1", "k2"]) == {}
    store.put_mentions({"k1": "[[0,5,\"PERSON\",0]]", "k2": "[]"})
    store.put_mentions({"k1": "other", "k3": "[[1,2,\"ORG\",1]]"})  # same key: same mentions, kept
    many = {f"m{i}": "[]" for i in range(1200)}  # more keys than one IN (...) batch
    store.put_mentions(many)
    store.close()
    again = make_store()
    assert again.get_mentions(["k1", "k2", "k3", "nope"]) == {
        "k1": "[[0,5,\"PERSON\",0]]", "k2": "[]", "k3": "[[1,2,\"ORG\",1]]"}
    assert again.get_mentions(list(many)) == many


# ---------------------------------------------------------------- real data


@backends
def test_real_articles_grouped_by_gold_story(store, data_dir):
    """ECB+ articles stored, their gold stories stored, and found again by search."""
    rows = [json.loads(line) for line in open(data_dir / "clustering" / "ecbplus-dev.jsonl")]
    rows = rows[:200]
    articles = [Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                        published=r.get("date")) for r in rows]
    from newsfold.store.common import content_key

    expected = [a.id for a in {content_key(a) or a.id: a for a in reversed(articles)}.values()]
    added = store.add_articles(articles)
    assert sorted(added) == sorted(expected)
    assert store.add_articles(articles) == []
    cluster_of = {r["id"]: r["cluster"] for r in rows}
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        groups[cluster_of[a.id]].append(a)
    stories = []
    for cid, members in groups.items():
        dates = sorted(m.published for m in members if m.published)
        stories.append(Story(id=cid, title=members[0].title or "", articles=[m.id for m in members],
                             first_published=dates[0] if dates else None,
                             last_published=dates[-1] if dates else None,
                             sources={"independent": len({m.source for m in members})}))
    store.put_stories(stories, replace_all=True)
    assert store.count_stories() == len(groups)
    listed = store.list_stories(limit=10_000)
    assert {s.id for s in listed} == set(groups)
    lasts = [s.last_published for s in listed if s.last_published]
    assert lasts == sorted(lasts, reverse=True)
    # a word that occurs in exactly one story's text is found in that story only
    by_story_words = {
        s.id: {w.lower() for m in groups[s.id] for w in (m.text or "").split() if w.isalpha()}
        for s in stories
    }
    owners = defaultdict(set)
    for sid, words in by_story_words.items():
        for w in words:
            owners[w].add(sid)
    probes = sorted(w for w, sids in owners.items() if len(sids) == 1 and len(w) >= 9)[:15]
    assert probes
    for w in probes:
        (sid,) = owners[w]
        assert sid in {s.id for s in store.list_stories(q=w, limit=1000)}, w
    with_source = [a for a in articles if a.source]
    if with_source:
        outlet = with_source[0].source
        hits = {s.id for s in store.list_stories(outlet=outlet.upper(), limit=1000)}
        assert hits == {sid for sid, ms in groups.items() if any(m.source == outlet for m in ms)}


# ---------------------------------------------------------------- SQLite specifics


def test_sqlite_wal_and_reader_while_writer(tmp_path):
    path = str(tmp_path / "wal.db")
    writer = SQLiteStore(path)
    writer.add_articles([art(i) for i in range(10)])
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode.lower() == "wal"
    # a write transaction is open in the writer; another connection still reads
    writer._lock.acquire()
    writer._conn.execute("BEGIN IMMEDIATE")
    writer._conn.execute("DELETE FROM articles")
    reader = SQLiteStore(path, timeout=1.0)
    assert reader.count_articles() == 10
    writer._conn.execute("ROLLBACK")
    writer._lock.release()
    assert reader.count_articles() == 10
    reader.close()
    writer.close()


def test_sqlite_store_shared_between_threads(tmp_path):
    store = SQLiteStore(str(tmp_path / "threads.db"))
    errors: list[BaseException] = []

    def write(k):
        try:
            for j in range(20):
                store.add_articles([art(f"{k}-{j}-{n}") for n in range(25)])
                store.put_stories([Story(id=f"s{k}-{j}", title="t", articles=[f"a{k}-{j}-0"])])
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def read():
        try:
            for _ in range(40):
                store.list_stories(q="body", limit=5)
                store.count_articles()
                sum(1 for _ in store.iter_articles())
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert store.count_articles() == 2 * 20 * 25
    assert store.count_stories() == 40
    store.close()


def test_open_store_urls(tmp_path):
    s = open_store(str(tmp_path / "new" / "dir" / "x.db"))  # folders are created
    s.add_articles([art(1)])
    s.close()
    assert (tmp_path / "new" / "dir" / "x.db").exists()
    s = open_store(None)
    assert isinstance(s, SQLiteStore) and s.path == ":memory:"
    s.close()
    s = open_store(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(s, SQLiteStore) and s.path == f"{tmp_path}/x.db"
    s.close()


def test_fts5_terms_quote_every_word():
    assert fts5_terms('Lavrov AND "Moscow" near*') == ['"lavrov"', '"and"', '"moscow"', '"near"*']
    assert fts5_terms("Lavrov's visit") == ['"lavrov"', '"visit"']
    assert fts5_terms("  ") == []


# ---------------------------------------------------------------- the pipeline on both


@pytest.mark.postgres
@pytest.mark.slow
def test_pipeline_gives_the_same_result_on_both_backends(pg_server, seeds_dir, fixtures_dir, tmp_path):
    """run_local on the seeds + JSONL lines, twice, into SQLite and into PostgreSQL."""
    from newsfold.config import Config
    from newsfold.run.local import run_local

    cfg = Config(ner_model="none", progress=False)
    paths = [str(seeds_dir), str(fixtures_dir / "spark")]
    results = {}
    for backend, url in (("sqlite", str(tmp_path / "p.db")), ("postgres", pg_server.new_database())):
        with open_store(url) as s:
            first = run_local(paths, config=cfg, store=s)
            second = run_local(paths, config=cfg, store=s)  # nothing new is stored
            assert s.count_articles() == len(first.articles) == len(second.articles)
            assert s.count_stories() == len(second.stories)
            stored = {st.id: st.to_dict() for st in s.list_stories(limit=1000)}
            assert stored == {st.id: st.to_dict() for st in second.stories}
            top = max(second.stories, key=lambda st: len(st.articles))
            word = max((w for w in top.title.split() if w.isalpha()), key=len)
            found = [st.id for st in s.list_stories(q=word)]
            assert top.id in found
            results[backend] = (
                [a.to_dict() for a in s.iter_articles()],
                stored,
                [e.to_dict() for e in s.errors()],
                found,
            )
    for a in results["sqlite"][0] + results["postgres"][0]:
        a.pop("first_seen", None)
    for st in list(results["sqlite"][1].values()) + list(results["postgres"][1].values()):
        st["timeline"] = [e for e in st["timeline"] if "first_seen" not in e["kind"]]
    assert results["sqlite"] == results["postgres"]


# ---------------------------------------------------------------- idempotency, any order

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_batches = st.lists(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["x", "X ", "y", "z z", "w"]),
                       st.sampled_from([None, "Wire", "wire", "Portal"])),
             max_size=8),
    max_size=5,
)


def _check_idempotency_rule(store, batches):
    seen_ids: set[str] = set()
    seen_content: set[tuple] = set()
    for batch in batches:
        arts = [Article(id=i, text=t, source=src) for i, t, src in batch]
        expected = []
        for a in arts:
            # no source (and no URL): nothing says two equal bodies are one article
            same = (a.content_hash, a.source.casefold()) if a.source else None
            if a.id in seen_ids or (same is not None and same in seen_content):
                continue
            seen_ids.add(a.id)
            if same is not None:
                seen_content.add(same)
            expected.append(a.id)
        assert store.add_articles(arts) == expected
    assert store.count_articles() == len(seen_ids)
    assert {a.id for a in store.iter_articles()} == seen_ids


@settings(max_examples=60, deadline=None)
@given(_batches)
def test_add_articles_matches_the_idempotency_rule(batches):
    """Whatever the batches, an article is added iff neither its id nor its normalised
    content was taken before (by earlier calls, or earlier in the same call); a skipped
    article takes nothing, so its twin later in the call can still be new."""
    store = SQLiteStore(":memory:")
    try:
        _check_idempotency_rule(store, batches)
    finally:
        store.close()


@pytest.fixture(scope="module")
def pg_scratch(pg_server):
    store = open_store(pg_server.new_database())
    yield store
    store.close()


@pytest.mark.postgres
@settings(max_examples=25, deadline=None)
@given(batches=_batches)
def test_add_articles_matches_the_idempotency_rule_postgres(pg_scratch, batches):
    import psycopg

    with psycopg.connect(pg_scratch.url, autocommit=True) as conn:
        conn.execute("TRUNCATE articles")
    _check_idempotency_rule(pg_scratch, batches)


def test_a_later_run_stores_a_different_article_under_a_stored_id_as_a_version(tmp_path):
    """Within one run a reused id is renamed (``id~2``). A later run's different input under a
    stored id was skipped, first with no record, then with a ``duplicate_id`` record: an
    outlet's updated article was lost. It is now stored as ``id~2``, as within a run, and
    the copy folding names the first version its origin. The same inputs again add and
    report nothing; the same input cleaned anew (another text, the same input hash) is not
    stored twice."""
    from newsfold.config import Config
    from newsfold.run import run
    from newsfold import stages

    lines = ["The harbour board of Varn approved the ferry plan on Tuesday after a long debate, officials said.",
             "The plan adds two boats to the night crossing and a stop at the island of Hesk.",
             "Work on the new pier is due to start in the spring, the board said."]
    update = "Late on Tuesday the mayor of Varn said the city would pay for a third boat."
    row = {"id": "x1", "title": "Ferry plan approved", "date": "2026-03-01", "source": "Varn Herald"}
    first = tmp_path / "day1.jsonl"
    first.write_text(json.dumps({**row, "text": "\n\n".join(lines)}) + "\n")
    second = tmp_path / "day2.jsonl"
    second.write_text(json.dumps({**row, "text": "\n\n".join(lines + [update])}) + "\n")
    cfg = Config(ner_model="none", progress=False)
    with open_store(str(tmp_path / "news.db")) as st:
        assert not run([str(first)], config=cfg, store=st).errors
        res = run([str(second)], config=cfg, store=st)
        assert [(e.kind, e.article_id, e.path, e.position) for e in res.errors] == \
            [("duplicate_id", "x1~2", str(second), 1)]
        assert "already stored for a different text ('Ferry plan approved'" in res.errors[0].reason
        got = {a.id: a for a in res.articles}
        assert set(got) == {"x1", "x1~2"} and got["x1"].text == "\n\n".join(lines)
        assert got["x1~2"].origin == "x1" and got["x1~2"].added == [update]
        assert "an earlier version under the same id" in got["x1~2"].reason
        assert len(res.stories) == 1 and res.stories[0].sources["independent"] == 1
        # crawled again with a new time stamp line: the same article, not a third version
        stamped = tmp_path / "day3.jsonl"
        stamped.write_text(json.dumps({**row, "text": "\n\n".join(lines + [update, "Updated 18:05 GMT"])}) + "\n")
        for again in (second, first, stamped):
            res = run([str(again)], config=cfg, store=st)
            assert not res.errors and res.stats["added"] == 0 and st.count_articles() == 2
        # the first input cleaned anew gives another text with the same input hash
        recleaned = dataclasses.replace(got["x1"], text=got["x1"].text + " Advertisement", content_hash=None)
        assert stages.reused_ids(st, [recleaned]) == [] and recleaned.id == "x1"
        # a store written before input hashes were kept: the stored article stays, as said
        old = dataclasses.replace(got["x1"], input_hash=None)
        st.update_articles([old])
        third = dataclasses.replace(got["x1~2"], id="x1", text="Another text altogether.", content_hash=None)
        (rec,) = stages.reused_ids(st, [third])
        assert rec.article_id == "x1" and third.id == "x1" and "is not stored" in rec.reason
