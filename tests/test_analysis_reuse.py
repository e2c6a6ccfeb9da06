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
    run: the next batch run must not trust its record of analysed inputs."""
    from newsfold.run.stream import StreamingPipeline

    db = tmp_path / "nf.db"
    _run([DEMO], db)
    assert _run([DEMO], db).stats["analyses_reused"] > 0
    with open_store(str(db)) as store:
        StreamingPipeline(store, _cfg()).add([{"id": "kestrel-follow-up", "text": FOLLOW_UP}])
    after = _run([DEMO], db)
    assert after.stats["analyses_reused"] == 0
    assert any("kestrel-follow-up" in s.articles for s in after.stories)
