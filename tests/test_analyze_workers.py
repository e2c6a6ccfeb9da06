"""Stories analysed on worker processes (``stages.analyze_stories`` from PARALLEL_MIN articles):
the same stories as in process, field by field; spaCy mentions found by the workers kept in the
store and read back by the next run; a story whose analysis fails recorded while the others
are analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfold import stages
from newsfold.config import Config
from newsfold.run import run
from newsfold.store import open_store

DEMO = str(Path(__file__).resolve().parents[1] / "examples" / "demo")


@pytest.fixture
def small_tasks(monkeypatch, run_tasks_calls):
    """The worker path on the small demo corpus: from 2 articles, tasks of 4 articles."""
    monkeypatch.setattr(stages, "PARALLEL_MIN", 2)
    monkeypatch.setattr(stages, "TASK_ARTICLES", 4)
    return run_tasks_calls


def _stories(paths, cfg, db=None):
    with open_store(db) as store:
        res = run(paths, config=cfg, store=store)
    return sorted(s.to_json() for s in res.stories), res.errors


def test_stories_analysed_on_workers_equal_in_process(small_tasks, seeds_dir):
    paths = [DEMO, str(seeds_dir)]
    one, _ = _stories(paths, Config(ner_model="none", progress=False, analyze_workers=1))
    assert [c[2] for c in small_tasks if c[0] == "_analyze_task"] == [1]  # the same tasks, in process
    small_tasks.clear()
    two, _ = _stories(paths, Config(ner_model="none", progress=False, analyze_workers=2))
    analysed = [c for c in small_tasks if c[0] == "_analyze_task"]
    assert analysed and analysed[0][2] == 2 and analysed[0][1] >= 3  # several tasks, 2 workers
    assert two == one
    assert any('"claims": [{' in s for s in two)  # analysed, not only kept


def test_a_story_failing_on_a_worker_is_recorded_and_the_rest_analysed(small_tasks, seeds_dir, monkeypatch):
    import newsfold.analyze as A

    real = A.analyze_story

    def analyze_story(story, articles, *, config=None):
        if any("Averin" in (a.title or "") for a in articles):
            raise ValueError("planted failure")
        return real(story, articles, config=config)

    monkeypatch.setattr(A, "analyze_story", analyze_story)  # inherited by the forked workers
    stories, errors = _stories([DEMO, str(seeds_dir)], Config(ner_model="none", progress=False, analyze_workers=2))
    assert ("_analyze_task", 2) in [(c[0], c[2]) for c in small_tasks]  # on the workers
    failed = [e for e in errors if e.kind == "analysis_failed"]
    assert failed and all("planted failure" in e.reason and e.stage == "analyse" for e in failed)
    assert any('"claims": [{' in s for s in stories)  # the other stories are analysed


def test_a_failing_spacy_pass_over_a_task_leaves_each_story_to_read_its_own(seeds_dir, monkeypatch):
    """The one spaCy pass over all of a task's stories ran outside the per-story guard: an
    error there (spaCy's E088 on a text over its length limit did it) stopped the whole run."""
    from newsfold.analyze import entities as E
    from newsfold.analyze.nlp import load_nlp

    cfg = Config(progress=False, analyze_workers=1)
    if load_nlp(cfg) is None:
        pytest.skip("no spaCy English model installed")

    def prefetch_mentions(*args, **kwargs):
        raise ValueError("planted spaCy failure")

    monkeypatch.setattr(E, "prefetch_mentions", prefetch_mentions)
    stories, errors = _stories([str(seeds_dir)], cfg)
    assert not [e for e in errors if e.kind == "analysis_failed"]
    assert len(stories) == 1 and '"claims": [{' in stories[0] and '"entities": [{' in stories[0]


@pytest.mark.slow
def test_mentions_found_on_workers_are_stored_and_read_by_the_next_run(small_tasks, tmp_path):
    import sqlite3

    import newsfold.analyze.entities as E
    from newsfold.analyze.nlp import load_nlp

    nlp = load_nlp(Config(ner_model="auto"))
    if nlp is None:
        pytest.skip("no spaCy English model installed")
    cfg = Config(ner_model="auto", reuse_analysis=False, progress=False, analyze_workers=2)
    E._SPACY_CACHE.clear()
    in_process, _ = _stories([DEMO], Config(ner_model="auto", reuse_analysis=False, progress=False, analyze_workers=1))
    db = str(tmp_path / "s.db")
    log = tmp_path / "pipe.log"
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kw):  # runs in the workers: counts through a file
        texts = list(texts)
        with open(log, "a") as fh:
            fh.write(f"{len(texts)}\n")
        return real_pipe(texts, **kw)

    nlp.pipe = counting_pipe
    try:
        E._SPACY_CACHE.clear()
        first, _ = _stories([DEMO], cfg, db)
        assert first == in_process
        assert ("_analyze_task", 2) in [(c[0], c[2]) for c in small_tasks]  # on the workers
        read = sum(int(x) for x in log.read_text().split())
        assert read >= 15  # the workers read the demo's English articles
        assert sqlite3.connect(db).execute("SELECT count(*) FROM mentions").fetchone()[0] == read
        log.write_text("")
        E._SPACY_CACHE.clear()
        again, _ = _stories([DEMO], cfg, db)
        assert again == first
        assert sum(int(x) for x in log.read_text().split()) == 0  # all from the store
    finally:
        del nlp.pipe


@pytest.mark.slow
def test_mentions_already_cached_in_the_process_are_not_read_from_the_store(tmp_path):
    """A long-lived process (the API, ``Engine``) re-analyses stories whose mentions its cache
    holds: the store is asked for cache misses only (Spark's executors, which do not share
    the cache, get everything the store keeps)."""
    import newsfold.analyze.entities as E
    from newsfold.analyze.nlp import load_nlp

    cfg = Config(ner_model="auto", reuse_analysis=False, progress=False, analyze_workers=1)
    if load_nlp(cfg) is None:
        pytest.skip("no spaCy English model installed")
    db = str(tmp_path / "s.db")
    E._SPACY_CACHE.clear()
    first, _ = _stories([DEMO], cfg, db)
    asked = []
    with open_store(db) as store:
        real = store.get_mentions
        store.get_mentions = lambda keys: asked.append(len(keys)) or real(keys)
        res = run([DEMO], config=cfg, store=store)
        assert sorted(s.to_json() for s in res.stories) == first
        assert sum(asked) == 0  # every article's mentions were in this process's cache
        arts = list(store.iter_articles())
        assert E.stored_mentions(arts, cfg, store)  # not skipping the cache: the store answers
