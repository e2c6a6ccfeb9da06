"""The Python API: Engine(db=...).ingest / stories / story / article, and its docstring example."""

from __future__ import annotations

import doctest

import pytest

import newsfold
from newsfold.model import Article, Story

pytestmark = pytest.mark.slow


def test_docstring_example_runs():
    import newsfold.engine as mod

    failures, tried = doctest.testmod(mod, raise_on_error=False, verbose=False)
    assert tried >= 6 and failures == 0


def test_engine_round_trip(tmp_path, seeds_dir):
    db = str(tmp_path / "e.db")
    with newsfold.Engine(db=db) as eng:
        touched = eng.ingest(seeds_dir)           # a single path works too
        listed = eng.stories()
        assert touched and {s.id for s in listed} == set(touched)
        assert sum(len(s.articles) for s in listed) == 5
        story = max(listed, key=lambda s: len(s.articles))
        assert isinstance(story, Story)
        assert eng.story(story.id).sources["articles"] == len(story.articles)
        arts = eng.articles(story.id)
        assert all(isinstance(a, Article) and a.story == story.id for a in arts)
        assert eng.article(arts[0].id).id == arts[0].id
        assert eng.story("missing") is None and eng.article("missing") is None
        assert eng.stories(q="Lavrov") and not eng.stories(q="zzqxyzzy")
        assert eng.stories(min_independent=story.sources["independent"] + 1) == []
        # articles given as objects; bad ones become error records, the rest goes on
        added = eng.ingest([{"id": "e1", "title": "Hello", "text": "A short report about a parade in Lyon."},
                            {"id": "bad"}])
        assert len(added) == 1 and eng.article("e1").story == added[0]
        assert any(e.kind for e in eng.errors)
    with newsfold.Engine(db=db) as again:          # persisted
        assert {s.id for s in again.stories()} == set(touched) | set(added)
