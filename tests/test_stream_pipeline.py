"""The streaming pipeline over a real SQLite store, on the seeds and small hand-written items."""

from __future__ import annotations

import pytest

from newsfold.config import Config
from newsfold.ingest import read_paths
from newsfold.model import RawRecord
from newsfold.run.stream import STATE_CLUSTERER, STATE_FAMILIES, StreamingPipeline, record_from_dict
from newsfold.store import open_store

pytestmark = pytest.mark.slow  # runs the whole analysis (spaCy) on the seeds

CFG = Config(progress=False)

UNRELATED = {
    "id": "quake-1",
    "title": "Earthquake of magnitude 6.1 strikes off the coast of Chile",
    "text": "An earthquake of magnitude 6.1 struck off the coast of northern Chile on Tuesday, "
            "the geological survey said. There were no immediate reports of damage or casualties. "
            "Residents of Antofagasta felt strong shaking for about thirty seconds.",
    "date": "2025-08-12", "source": "Andes Daily",
}


def seed_records(seeds_dir):
    recs = [r for r in read_paths([str(seeds_dir)], config=CFG) if isinstance(r, RawRecord)]
    assert len(recs) == 5
    return sorted(recs, key=lambda r: r.id)


def test_seeds_in_two_batches_fold_into_one_story(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    with open_store(str(tmp_path / "s.db")) as store:
        p = StreamingPipeline(store, CFG)
        first = p.add(recs[:3])
        assert len(first) >= 1 and sorted(p.last_added) == [r.id for r in recs[:3]]
        second = p.add(recs[3:])
        assert second, "the later seeds must touch a story"
        arts = {a.id: a for a in store.iter_articles()}
        assert len(arts) == 5 and all(a.story for a in arts.values())
        stories = {a.story for a in arts.values()}
        assert len(stories) == 1, "five reports of one meeting are one story"
        story = store.get_story(stories.pop())
        assert sorted(story.articles) == sorted(arts)
        # copies fold: fewer independent origins than articles, but more than one
        assert 2 <= story.sources["independent"] < story.sources["articles"] == 5
        assert any(a.relation != "original" and a.origin in arts for a in arts.values())
        assert story.claims and story.summary and story.timeline
        assert store.get_state(STATE_FAMILIES) and store.get_state(STATE_CLUSTERER)


def test_idempotent_and_only_touched_stories_change(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    with open_store(str(tmp_path / "s.db")) as store:
        p = StreamingPipeline(store, CFG)
        [sid] = p.add(recs)
        before = store.get_story(sid).to_dict()
        assert p.add(recs) == [] and p.last_added == []   # same ids again
        assert store.count_articles() == 5
        touched = p.add([UNRELATED])
        assert touched and sid not in touched
        assert store.get_story(sid).to_dict() == before   # untouched story not rewritten
        assert store.get_article("quake-1").story == touched[0]
        assert store.count_stories() == 2


def test_state_survives_reopening_and_ids_stay_stable(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    path = str(tmp_path / "s.db")
    with open_store(path) as store:
        [sid] = StreamingPipeline(store, CFG).add(recs[:4])
    follow_up = {
        "id": "follow-1", "date": "2025-08-01", "source": "Example Wire",
        "title": "Lavrov and Syrian foreign minister al-Shaibani hold talks in Moscow",
        "text": "Russian Foreign Minister Sergey Lavrov held talks in Moscow with Syrian Foreign "
                "Minister Asaad al-Shaibani, and invited Syrian President Ahmad al-Sharaa to the "
                "Russia-Arab League summit on October 15. Lavrov said Russia supports Syria's unity.",
    }
    with open_store(path) as store:  # a new process: state comes from the store
        p = StreamingPipeline(store, CFG)
        assert p.add([recs[4], follow_up]) == [sid]
        story = store.get_story(sid)
        assert "follow-1" in story.articles and len(story.articles) == 6


def test_dicts_errors_and_batch_built_store(tmp_path, seeds_dir):
    from newsfold.run import run

    with open_store(str(tmp_path / "b.db")) as store:
        run([str(seeds_dir)], config=Config(progress=False, cluster_mode="batch"), store=store)
        assert store.get_state(STATE_CLUSTERER) is None
        p = StreamingPipeline(store, CFG)
        touched = p.add([UNRELATED, {"id": "empty", "text": "   "}])
        assert len(touched) == 1
        assert [e.kind for e in p.errors] and p.errors[0].position == 1
        assert store.count_articles() == 6
        # the replay gave every stored article a story that exists
        for a in store.iter_articles():
            assert a.story and store.get_story(a.story) is not None


def test_record_from_dict_matches_the_jsonl_reader(tmp_path):
    obj = {"id": "j1", "title": "T", "text": "Body text.", "date": "2025-01-02", "source": "S",
           "url": "https://example.org/a", "section": "world"}
    line = tmp_path / "one.jsonl"
    import json

    line.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    [from_file] = list(read_paths([str(line)], config=CFG))
    mine = record_from_dict(obj, path=str(line), position=from_file.position)
    assert mine == from_file
