"""The streaming pipeline over a real SQLite store, on the seeds and small hand-written items."""

from __future__ import annotations

import json

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
        # every story lists exactly its articles; a copy sits in its origin's story
        stories = {sid: store.get_story(sid) for sid in {a.story for a in arts.values()}}
        assert sum(len(s.articles) for s in stories.values()) == 5
        for a in arts.values():
            assert a.id in stories[a.story].articles
            if a.origin:
                assert arts[a.origin].story == a.story
        derived = [a for a in arts.values() if a.relation != "original" and a.origin in arts]
        assert derived, "the seeds hold rewrites of each other"
        story = stories[derived[0].story]
        # copies fold: fewer independent origins than articles
        assert 1 <= story.sources["independent"] < story.sources["articles"] == len(story.articles)
        assert story.claims and story.timeline
        assert store.get_state(STATE_FAMILIES) and store.get_state(STATE_CLUSTERER)


def test_idempotent_and_only_touched_stories_change(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    with open_store(str(tmp_path / "s.db")) as store:
        p = StreamingPipeline(store, CFG)
        sid = p.add(recs)[0]
        before = store.get_story(sid).to_dict()
        assert p.add(recs) == [] and p.last_added == []   # same ids again
        assert store.count_articles() == 5
        touched = p.add([UNRELATED])
        assert touched and sid not in touched
        assert store.get_story(sid).to_dict() == before   # untouched story not rewritten
        assert store.get_article("quake-1").story == touched[0]
        assert store.count_stories() == len({a.story for a in store.iter_articles()})


def test_state_survives_reopening_and_ids_stay_stable(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    # a syndicated copy of a stored article: its lead paragraphs, under another outlet
    origin_text = recs[0].content
    lines = [ln for ln in origin_text.splitlines() if ln.strip()]
    copy = {"id": "copy-1", "source": "Example Portal", "title": "Russia and Syria continue talks",
            "text": "\n".join(lines[2: max(5, int(len(lines) * 0.7))])}
    follow_up = {
        "id": "follow-1", "date": "2025-08-01", "source": "Example Wire",
        "title": "Lavrov and Syrian foreign minister al-Shaibani hold talks in Moscow",
        "text": "Russian Foreign Minister Sergey Lavrov held talks in Moscow with Syrian Foreign "
                "Minister Asaad al-Shaibani, and invited Syrian President Ahmad al-Sharaa to the "
                "Russia-Arab League summit on October 15. Lavrov said Russia supports Syria's unity.",
    }

    def scenario(path, reopen):
        store = open_store(path)
        StreamingPipeline(store, CFG).add(recs[:4])
        if reopen:  # a new process: the state comes from the store
            store.close()
            store = open_store(path)
        p = StreamingPipeline(store, CFG)
        p.add([copy, follow_up, recs[4]])
        out = {a.id: (a.story, a.family, a.relation) for a in store.iter_articles()}
        stories = {s.id: sorted(s.articles) for s in store.list_stories(limit=100)}
        store.close()
        return out, stories

    straight = scenario(str(tmp_path / "one.db"), reopen=False)
    reopened = scenario(str(tmp_path / "two.db"), reopen=True)
    assert reopened == straight, "reopening must not change any assignment or story id"
    arts, stories = reopened
    first_story = arts[recs[0].id][0]
    # the copy was recognised against the *stored* family index and joined its origin's story
    assert arts["copy-1"][2] != "original" and arts["copy-1"][0] == first_story
    assert "copy-1" in stories[first_story]


def test_dicts_errors_and_batch_built_store(tmp_path, seeds_dir):
    from newsfold.run import run

    with open_store(str(tmp_path / "b.db")) as store:
        run([str(seeds_dir)], config=Config(progress=False, cluster_mode="batch"), store=store)
        assert store.get_state(STATE_CLUSTERER) is None
        batch_story = {a.id: a.story for a in store.iter_articles()}
        assert all(batch_story.values())
        p = StreamingPipeline(store, CFG)
        touched = p.add([UNRELATED, {"id": "empty", "text": "   "}])
        # the stream went on from the batch's stories: the seeds kept their story ids
        assert {a.id: a.story for a in store.iter_articles() if a.id in batch_story} == batch_story
        assert touched[0] not in set(batch_story.values())  # the unrelated quake: a new story
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


def test_articles_stored_after_the_last_save_are_caught_up(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    path = str(tmp_path / "lag.db")
    with open_store(path) as store:
        p = StreamingPipeline(store, CFG, save_every=1e9)   # only the first add saves
        p.add(recs[:2])
        sid = store.get_article(recs[0].id).story
        saved = store.get_state(STATE_CLUSTERER)
        p.add(recs[2:])                                      # not saved: the process "dies" here
        assert store.get_state(STATE_CLUSTERER) == saved
    with open_store(path) as store:
        p = StreamingPipeline(store, CFG)
        touched = p.add([UNRELATED])
        assert sid not in touched
        stored = {a.id: a.story for a in store.iter_articles()}
        assert all(stored[r.id] and store.get_story(stored[r.id]) for r in recs)  # the lagging three caught up
        assert sum(len(store.get_story(s).articles) for s in set(stored.values())) == 6
        assert store.get_state(STATE_CLUSTERER) != saved
        p.flush()


def test_window_pass_keeps_the_store_consistent(tmp_path, seeds_dir):
    recs = seed_records(seeds_dir)
    quake2 = dict(UNRELATED, id="quake-2", title="Chile quake: no damage reported after 6.1 tremor",
                  text="No damage was reported after a magnitude 6.1 earthquake struck off northern "
                       "Chile on Tuesday. Residents of Antofagasta said the shaking lasted about "
                       "thirty seconds, and the geological survey said there was no tsunami threat.")
    with open_store(str(tmp_path / "w.db")) as store:
        p = StreamingPipeline(store, CFG)
        p.add(recs)
        p.add([UNRELATED, quake2])
        p._clusterer.cc.recluster_every = 1  # the next add triggers a pass
        p.add([dict(UNRELATED, id="quake-3", text=UNRELATED["text"] + " Schools reopened on Wednesday.")])
        assert p._since_pass == 0  # the pass started (in a thread) ...
        p.join_pass()  # ... and finished
        actions = p.recluster()
        assert actions == []  # a second pass over the same window changes nothing
        arts = {a.id: a for a in store.iter_articles()}
        stories = {s.id: s for s in store.list_stories(limit=100)}
        # every article sits in a stored story that lists it, and no story lists a stranger
        for a in arts.values():
            assert a.story in stories and a.id in stories[a.story].articles
        assert sum(len(s.articles) for s in stories.values()) == len(arts)
        seeds = {arts[r.id].story for r in recs}
        quakes = {arts[i].story for i in ("quake-1", "quake-2", "quake-3")}
        assert len(seeds) == 1 and len(quakes) == 1 and seeds != quakes


def test_a_slow_feed_gets_its_window_pass_by_time(tmp_path, seeds_dir):
    """A pass comes every ``recluster_every`` (2,500) added articles, or on the first add
    ``recluster_interval_s`` after the last pass, so that a feed of a few hundred articles a
    day is not left days without one; an add that brings nothing new starts none."""
    recs = seed_records(seeds_dir)
    with open_store(str(tmp_path / "t.db")) as store:
        p = StreamingPipeline(store, CFG, background_pass=False)
        p.add(recs)
        assert p.added_since_pass == 5  # neither 2,500 articles nor an hour yet
        p._clusterer.cc.recluster_interval_s = 1e-9  # "an hour later"
        p.add([UNRELATED])
        assert p.added_since_pass == 0  # the pass ran
        p.add([UNRELATED])  # already stored: nothing new, no pass
        assert p.added_since_pass == 0
        p._clusterer.cc.recluster_interval_s = 0  # by count only
        p.add([dict(UNRELATED, id="quake-2", text=UNRELATED["text"] + " Schools reopened.")])
        assert p.added_since_pass == 1
        stories = {s.id: s for s in store.list_stories(limit=100)}
        arts = {a.id: a for a in store.iter_articles()}
        assert all(a.story in stories and a.id in stories[a.story].articles for a in arts.values())
        assert len({arts[r.id].story for r in recs}) == 1


def test_background_window_pass_does_not_hold_up_adds(tmp_path, seeds_dir):
    """While a window pass computes its clusters (held open here), an add goes through; the
    pass then applies its moves under the lock and leaves the store consistent."""
    import threading

    recs = seed_records(seeds_dir)
    with open_store(str(tmp_path / "b.db")) as store:
        p = StreamingPipeline(store, CFG)
        p.add(recs)
        clu = p._clusterer
        clu.cc.recluster_every = 1
        started, release = threading.Event(), threading.Event()
        plan = clu.plan_recluster

        def held_plan(articles):
            started.set()
            assert release.wait(60)
            return plan(articles)

        clu.plan_recluster = held_plan
        p.add([UNRELATED])  # triggers the pass ...
        assert started.wait(60)
        clu.cc.recluster_every = 0
        touched = p.add([dict(UNRELATED, id="quake-2", text=UNRELATED["text"] + " Schools reopened.")])
        assert touched  # ... and this add completed while the pass was still planning
        assert p._pass_thread.is_alive()
        release.set()
        p.flush()  # waits for the pass
        assert not p._pass_thread.is_alive()
        arts = {a.id: a for a in store.iter_articles()}
        stories = {s.id: s for s in store.list_stories(limit=100)}
        for a in arts.values():
            assert a.story in stories and a.id in stories[a.story].articles
        assert sum(len(s.articles) for s in stories.values()) == len(arts) == 7
        assert len({arts[r.id].story for r in recs}) == 1
        assert arts["quake-1"].story == arts["quake-2"].story != arts[recs[0].id].story


def test_stream_removes_footers_the_copy_index_has_learnt(tmp_path):
    """A plain-text feed whose outlet prints one footer under every article: once the copy
    index has learnt it (from two of the outlet's articles), the streaming path removes it
    from the texts, as ``newsfold run`` removes repeated lines, and records it."""
    footer = "The Riverton Gazette is published by Valley Media Group for readers across the valley."
    bodies = [
        "The city council approved a new budget for the harbour district on Monday after a long debate. "
        "Councillors voted nine to four for the plan, which adds two ferry routes.",
        "A storm cut power to four thousand homes in the northern valley overnight, the utility said. "
        "Crews expected to restore most connections by Wednesday evening.",
        "The regional museum will reopen its natural history wing in May after three years of repairs. "
        "The wing holds the largest fossil collection in the province.",
    ]
    objs = [{"id": f"rg-{k}", "text": f"{b}\n\n{footer}", "date": f"2025-03-0{k + 1}", "source": "Riverton Gazette"}
            for k, b in enumerate(bodies)]
    with open_store(str(tmp_path / "s.db")) as store:
        p = StreamingPipeline(store, CFG, background_pass=False)
        for o in objs:
            p.add([o])
        arts = {a.id: a for a in store.iter_articles()}
    assert footer in arts["rg-0"].text  # the first article: nothing learnt yet
    for k in (1, 2):
        a = arts[f"rg-{k}"]
        assert footer not in a.text and bodies[k].split(".")[0] in a.text
        assert {"text": footer, "rule": "repeated_line"} in a.removed
    off = Config(progress=False, strip_repeated_lines=False)
    with open_store(str(tmp_path / "t.db")) as store:
        p = StreamingPipeline(store, off, background_pass=False)
        for o in objs:
            p.add([o])
        assert all(footer in a.text for a in store.iter_articles())


def test_batch_run_between_stream_adds_keeps_one_story_per_article(tmp_path, seeds_dir):
    """Stream adds, then a batch run (which re-decides every story, under ids of its own),
    then stream adds again: the stream must go on from the batch run's stories, not from the
    state it saved before, or a story the batch run replaced comes back and an article ends
    up listed by two stories."""
    from newsfold.run.local import run_local

    recs = seed_records(seeds_dir)
    db = str(tmp_path / "s.db")
    with open_store(db) as store:
        p = StreamingPipeline(store, CFG)
        p.add(recs[2:])  # the later seeds first: the stream names the story after one of them
        p.flush()
        stream_ids = {s.id for s in store.list_stories(limit=1000)}
    # a batch run adds the first two seeds and an earlier-dated copy of a stored one: the
    # story's earliest article, and so its id, changes
    lines = [ln for ln in recs[2].content.splitlines() if ln.strip()]
    body = "\n".join(lines[1:])
    early = tmp_path / "early.jsonl"
    early.write_text(json.dumps({"id": "early-2", "source": "Early Wire", "date": "2025-07-30",
                                 "title": "Syria's FM in Moscow", "text": body}) + "\n")
    with open_store(db) as store:
        run_local([str(seeds_dir), str(early)], config=CFG, store=store)
        batch_ids = {s.id for s in store.list_stories(limit=1000)}
    assert batch_ids.isdisjoint(stream_ids), "the batch run must have renamed the story for this test"
    copy = {"id": "copy-2", "source": "Example Portal", "title": "Syria's FM in Moscow", "text": body}
    with open_store(db) as store:
        p = StreamingPipeline(store, CFG)
        touched = p.add([copy, UNRELATED])
        p.flush()
        arts = {a.id: a for a in store.iter_articles()}
        stories = store.list_stories(limit=1000)
        listed = [aid for s in stories for aid in s.articles]
        assert sorted(listed) == sorted(arts), "every article in exactly one story"
        for s in stories:
            for aid in s.articles:
                assert arts[aid].story == s.id
        assert {s.id for s in stories} - {arts["quake-1"].story} <= batch_ids
        assert arts["copy-2"].story == arts[recs[2].id].story in touched


def test_incremental_run_adds_only_the_new_articles(tmp_path, seeds_dir):
    """``newsfold run --incremental`` on a store a batch run filled: the stored story keeps its
    id, members and title, the new articles are placed, bad items become error records, and
    on these small inputs the stories are the ones a batch run over everything gives."""
    from pathlib import Path

    from newsfold.run import run

    demo = Path(__file__).resolve().parents[1] / "examples" / "demo"
    db = str(tmp_path / "s.db")
    with open_store(db) as store:
        first = run([str(seeds_dir)], config=CFG, store=store)
    (seed_story,) = first.stories
    inc = Config(progress=False, incremental=True)
    with open_store(db) as store:
        res = run([str(demo)], config=inc, store=store)
        assert res.stats["added"] > 0 and res.stats["read"] == res.stats["added"]
        assert res.errors and all(e.path and e.reason for e in res.errors)  # the empty file
        kept = store.get_story(seed_story.id)
        assert kept.articles == seed_story.articles and kept.title == seed_story.title
        arts = list(store.iter_articles())
        assert len(res.articles) == len(arts) and all(a.story for a in arts)
        assert sorted(a for s in res.stories for a in s.articles) == sorted(a.id for a in arts)
        before = {s.id: s.to_dict() for s in res.stories}
    with open_store(str(tmp_path / "batch.db")) as store:
        batch = run([str(seeds_dir), str(demo)], config=CFG, store=store)
    groups = lambda r: sorted(sorted(s.articles) for s in r.stories)  # noqa: E731
    assert groups(res) == groups(batch)
    # the same input again: nothing new, nothing rewritten
    with open_store(db) as store:
        again = run([str(demo)], config=inc, store=store)
        assert again.stats["added"] == 0 and again.stats["stories_touched"] == 0
        assert {s.id: s.to_dict() for s in again.stories} == before
    # a batch run after the incremental ones reuses the analysis of the stories it finds
    # unchanged (the streaming pipeline keeps the reuse record true instead of clearing it)
    with open_store(db) as store:
        back = run([str(demo)], config=CFG, store=store)
        assert back.stats["analyses_reused"] >= len(back.stories) // 2 >= 1
    with pytest.raises(ValueError):
        run([str(demo)], config=Config(progress=False, incremental=True, executor="spark"))


def test_a_story_whose_analysis_fails_is_kept_with_an_error_record(tmp_path, seeds_dir, monkeypatch):
    """One story's analysis raising must not stop a run (batch or incremental): the story is
    stored unanalysed with its articles and sources, and an error record says which and why."""
    import newsfold.analyze as analyze_pkg
    from newsfold.run import run

    real = analyze_pkg.analyze_story

    def flaky(story, members, config=None):
        if any("quake" in a.id for a in members):
            raise ValueError("day is out of range for month")
        return real(story, members, config=config)

    monkeypatch.setattr(analyze_pkg, "analyze_story", flaky)
    quake = tmp_path / "quake.jsonl"
    quake.write_text(json.dumps(UNRELATED) + "\n")
    for incremental in (False, True):
        with open_store(str(tmp_path / f"s{incremental}.db")) as store:
            res = run([str(seeds_dir), str(quake)], config=Config(progress=False, incremental=incremental),
                      store=store)
            (err,) = [e for e in res.errors if e.stage == "analyse"]
            bad = store.get_article("quake-1").story
            assert err.kind == "analysis_failed" and bad in err.path and "out of range" in err.reason
            assert [e.kind for e in store.errors() if e.stage == "analyse"] == ["analysis_failed"]
            kept = store.get_story(bad)
            assert kept.articles == ["quake-1"] and kept.sources["articles"] == 1 and not kept.claims
            others = [s for s in res.stories if s.id != bad]
            assert others and all(s.claims for s in others)  # the seeds' story analysed as usual
