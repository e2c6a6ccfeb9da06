"""A run on a store keeps the analysis of stories that did not change since the previous run
(stages.AnalysisReuse), and gives the same stories as analysing everything again."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsfold import stages
from newsfold.config import Config
from newsfold.run.local import run_local
from newsfold.store import open_store

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"

# a follow-up on the Kestrel quake written for this test: it joins that story only
FOLLOW_UP = """\
Kestrel pass reopens after landslide clearance

Road crews reopened the Kestrel pass road on Tuesday after geologists said the slope above it had
stopped moving, ending three days of isolation for the mountain villages of Upper Sorrel and
Dunmere in northern Ostmark.

The magnitude 5.8 earthquake that struck the Kestrel Valley on Saturday killed three people.
Governor Halvard Renn said the national government had approved disaster funds for Harrowmere.
"""


def _cfg(**kw) -> Config:
    return Config(ner_model="none", progress=False, analyze_workers=1, **kw)


def _run(paths, db, **kw):
    with open_store(str(db)) as store:
        return run_local([str(p) for p in paths], config=_cfg(**kw), store=store)


def _stories(result):
    return sorted((s.to_dict() for s in result.stories), key=lambda d: d["id"])


def test_rerun_keeps_unchanged_analysis_and_redoes_the_changed_story(tmp_path):
    db = tmp_path / "nf.db"
    first = _run([DEMO], db)
    assert first.stats["analyses_reused"] == 0
    again = _run([DEMO], db)
    assert again.stats["analyses_reused"] == len(first.stories) > 1
    assert _stories(again) == _stories(first)

    follow = tmp_path / "kestrel-follow-up.txt"
    follow.write_text(FOLLOW_UP, encoding="utf-8")
    shutil.copy(db, tmp_path / "fresh.db")
    grown = _run([follow], db)
    fresh = _run([follow], tmp_path / "fresh.db", reuse_analysis=False)
    assert fresh.stats["analyses_reused"] == 0
    # the story the follow-up joined is analysed again; the others are kept ...
    joined = [s for s in grown.stories if any(a.endswith("kestrel-follow-up") or "follow-up" in a
                                                for a in s.articles)]
    assert len(joined) == 1 and len(joined[0].articles) > 1
    assert 0 < grown.stats["analyses_reused"] < len(grown.stories)
    # ... and the result is what analysing everything again gives
    assert _stories(grown) == _stories(fresh)


def test_changed_analysis_code_or_model_is_never_reused(tmp_path, monkeypatch):
    db = tmp_path / "nf.db"
    _run([DEMO], db)
    monkeypatch.setattr(stages, "_CODE_HASH", "analysis code of another version")
    assert _run([DEMO], db).stats["analyses_reused"] == 0
    monkeypatch.setattr(stages, "_CODE_HASH", None)
    _run([DEMO], db)
    monkeypatch.setattr(stages.AnalysisReuse, "_model_id", lambda self, config: "xx_other_model-1.0")
    assert _run([DEMO], db).stats["analyses_reused"] == 0


def test_stories_changed_by_the_streaming_path_are_analysed_again(tmp_path):
    """Articles added through the API (StreamingPipeline) re-analyse stories outside a batch
    run; the pipeline records their new keys. The next batch run may reuse only what is still
    true: its stories are the same, field by field, as with ``--reanalyse``, and the stories
    the stream did not touch are reused."""
    from newsfold.run.stream import StreamingPipeline

    db = tmp_path / "nf.db"
    _run([DEMO], db)
    assert _run([DEMO], db).stats["analyses_reused"] > 0
    with open_store(str(db)) as store:  # closed without flush(), as if the process died
        StreamingPipeline(store, _cfg()).add([{"id": "kestrel-follow-up", "text": FOLLOW_UP}])
    # the pipeline did not save its state: the record lacks the re-analysed story's new key,
    # so a batch run must not trust the record at all
    unsaved = tmp_path / "unsaved.db"
    shutil.copy(db, unsaved)
    assert _run([DEMO], unsaved).stats["analyses_reused"] == 0
    with open_store(str(db)) as store:  # the next pipeline catches up and saves
        p = StreamingPipeline(store, _cfg())
        p.add([])
        p.flush()
    fresh = tmp_path / "fresh.db"
    shutil.copy(db, fresh)
    after = _run([DEMO], db)
    redone = _run([DEMO], fresh, reuse_analysis=False)
    assert any("kestrel-follow-up" in s.articles for s in after.stories)
    assert 0 < after.stats["analyses_reused"] < len(after.stories)
    assert sorted((s.to_dict() for s in after.stories), key=lambda d: d["id"]) == \
        sorted((s.to_dict() for s in redone.stories), key=lambda d: d["id"])


def test_fields_left_out_of_the_key_do_not_change_the_analysis(seeds_dir):
    """The key hashes only AnalysisReuse.INPUTS; every other article field must leave a story's
    analysis as it is, or a kept analysis could be stale. (Seeds: copies, a rewrite with
    additions, quotes, numbers.)"""
    import dataclasses

    from newsfold.model import Article, Story

    arts, _ = stages.split_errors(stages.ingest_and_clean([str(seeds_dir)], config=_cfg()))
    stages.fold_families(arts, config=_cfg())
    assert any(a.added for a in arts) and any(a.similarity for a in arts)
    base = stages.analyze_one(Story(id="s", articles=[a.id for a in arts]), arts, config=_cfg())
    others = [f.name for f in dataclasses.fields(Article)
              if f.name not in stages.AnalysisReuse.INPUTS and f.name != "story"]
    assert {"similarity", "reason", "origin", "dropped"} <= set(others)
    changed = []
    for a in arts:
        b = dataclasses.replace(a)
        for f in others:
            v = getattr(b, f)
            setattr(b, f, {"changed": 1} if isinstance(v, dict) else ["changed"] if isinstance(v, list)
                    else 7 if f == "position" else "changed")
        changed.append(b)
    again = stages.analyze_one(Story(id="s", articles=[a.id for a in arts]), changed, config=_cfg())
    assert again.to_dict() == base.to_dict()
    # ... while inputs do: the family of a copy decides what counts as independent, the
    # language how names are read
    for change in ({"family": None}, {"language": "de"}):
        moved = [dataclasses.replace(a, **{k: (a.id if k == "family" else v) for k, v in change.items()})
                 for a in arts]
        assert stages.analyze_one(Story(id="s", articles=[a.id for a in arts]), moved,
                                  config=_cfg()).to_dict() != base.to_dict(), change
