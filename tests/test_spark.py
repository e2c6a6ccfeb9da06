"""The Spark executor gives what the local executor gives, on the seeds plus a few JSONL lines.

One SparkSession (local[2]) for the whole module. The fast test at the top checks the
executor's reading plan (files read apart, the reader's id rules replayed on the driver)
without Spark.
"""

from __future__ import annotations

import copy
import io
import shutil
from pathlib import Path

import pytest

from newsfold import stages
from newsfold.config import Config
from newsfold.model import ErrorRecord
from newsfold.run import run
from newsfold.run.local import run_local
from newsfold.store import open_store


def _config() -> Config:
    # rules-only NER keeps the module fast; the analysis code path is the same
    return Config(ner_model="none", progress=False)


@pytest.fixture(scope="module")
def inputs(seeds_dir, fixtures_dir) -> list[str]:
    return [str(seeds_dir), str(fixtures_dir / "spark")]


def test_reading_plan_matches_the_reader(inputs, tmp_path):
    """Reading files apart and replaying the id rules == reading them in one go."""
    from newsfold.ingest.readers import read_file
    from newsfold.run import spark

    missing = str(tmp_path / "nope.txt")
    paths = inputs + [missing, str(Path(inputs[1]) / "extra.jsonl")]
    cfg = _config()
    plan = spark._inputs(paths)
    assert [k for k, _ in plan].count("missing") == 1
    per_input = []
    for kind, p in plan:
        if kind == "file":
            per_input.append(spark._entries(read_file(Path(p), config=cfg), cfg))
        else:
            per_input.append([("error", ErrorRecord(path=p, position=None, kind="unreadable",
                                                    reason="no such file or folder"))])
    got_articles, got_errors = spark._replay_ids(per_input)
    want_articles, want_errors = stages.split_errors(stages.ingest_and_clean(paths, config=cfg))

    def strip(a):
        d = a.to_dict()
        d.pop("first_seen", None)
        return d

    assert [strip(a) for a in got_articles] == [strip(a) for a in want_articles]
    assert [e.to_dict() for e in got_errors] == [e.to_dict() for e in want_errors]
    ids = [a.id for a in got_articles]
    assert len(ids) == len(set(ids))
    assert any(e.kind == "duplicate_id" for e in got_errors)  # the renamed JSONL line


# ---------------------------------------------------------------------- with Spark


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsfold[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed; PySpark needs a JVM")
    from newsfold.run.spark import spark_session

    session = spark_session("local[2]", app_name="newsfold-tests")
    yield session
    session.stop()


def _normalise(result) -> dict:
    """A RunResult as comparable data, without the wall-clock ``first_seen`` stamps."""
    d = copy.deepcopy(result.to_dict())
    for a in d["articles"]:
        a.pop("first_seen", None)
    for s in d["stories"]:
        s["timeline"] = [e for e in s["timeline"] if "first_seen" not in e["kind"]]
    return d


@pytest.mark.slow
@pytest.mark.spark
def test_spark_matches_local(spark, inputs, tmp_path):
    from newsfold.run.spark import run_spark

    # the default NER (spaCy when installed): executors load the model themselves
    from newsfold.analyze import entities as E

    cfg = Config(progress=False)
    E._SPACY_CACHE.clear()  # (mentions found in this process's cache are not stored again)
    with open_store(str(tmp_path / "local.db")) as local_store:
        local = run_local(inputs, config=cfg, store=local_store)
    with open_store(str(tmp_path / "spark.db")) as spark_store:
        dist = run_spark(inputs, config=cfg, store=spark_store)
        assert spark_store.count_articles() == len(dist.articles)
        assert {s.id for s in spark_store.list_stories(limit=1000)} == {s.id for s in dist.stories}
    # spaCy mentions the executors found are kept in the store, as the local run keeps them
    # (a later run reads them instead of running spaCy again)
    import sqlite3

    def mentions(db):
        con = sqlite3.connect(db)
        try:
            return sorted(con.execute("SELECT key, value FROM mentions").fetchall())
        except sqlite3.OperationalError:  # no table: nothing was kept
            return []

    from newsfold.analyze.nlp import load_nlp

    if load_nlp(cfg) is not None:
        kept = mentions(str(tmp_path / "local.db"))
        assert kept and mentions(str(tmp_path / "spark.db")) == kept

    assert len(local.articles) >= 8 and local.stories
    # families: every article names the same origin, relation and family
    fam = lambda r: {a.id: (a.family, a.origin, a.relation) for a in r.articles}  # noqa: E731
    assert fam(dist) == fam(local)
    # stories as sets of article ids
    sets = lambda r: sorted(sorted(s.articles) for s in r.stories)  # noqa: E731
    assert sets(dist) == sets(local)
    # errors, and everything else (analysis included), field for field
    assert [e.to_dict() for e in dist.errors] == [e.to_dict() for e in local.errors]
    assert _normalise(dist) == _normalise(local)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_run_is_idempotent_and_reads_stdin(spark, inputs, tmp_path, fixtures_dir):
    """Through newsfold.run (the CLI's dispatch): a second run adds nothing; '-' is read."""
    cfg = _config()
    cfg.executor = "spark"
    extra = (fixtures_dir / "spark" / "extra.jsonl").read_text()
    with open_store(str(tmp_path / "s.db")) as store:
        first = run([inputs[0]], config=cfg, store=store)
        n = store.count_articles()
        second = run([inputs[0], "-"], config=cfg, store=store, stdin=io.StringIO(extra))
        assert store.count_articles() > n  # the JSONL lines from stdin were added
        again = run([inputs[0], "-"], config=cfg, store=store, stdin=io.StringIO(extra))
        assert store.count_articles() == len(again.articles) == len(second.articles)
        assert sorted(sorted(s.articles) for s in again.stories) == sorted(
            sorted(s.articles) for s in second.stories
        )
        # nothing changed: every story keeps the analysis of the previous run, the same
        assert again.stats["analyses_reused"] == len(again.stories) > 0
        assert [s.to_dict() for s in again.stories] == [s.to_dict() for s in second.stories]
    assert {a.id for a in first.articles} <= {a.id for a in second.articles}


def test_a_crashing_reader_costs_one_error_record_not_the_run():
    """Executors turn an exception in reading or cleaning into an internal_error record."""
    from newsfold.model import RawRecord
    from newsfold.run import spark

    def reader():
        yield RawRecord(id="ok", path="f.jsonl", format="jsonl", position=1,
                        content="A perfectly ordinary article body about a harbour festival.")
        raise ValueError("boom")

    entries = spark._entries(reader(), _config(), path="f.jsonl")
    assert entries[0][0] == "record" and entries[0][1] == "ok"
    assert any(not isinstance(c, ErrorRecord) for c in entries[0][-1])  # the article survived
    kind, err = entries[-1]
    assert kind == "error" and err.kind == "internal_error" and "boom" in err.reason
    assert err.path == "f.jsonl"
