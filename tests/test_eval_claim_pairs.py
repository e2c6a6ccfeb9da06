"""``newsfold eval claim-pairs``: labelled claim pairs put back into stories, decided by the
story's own claim building (restates / conflicts / none) and scored."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsfold.config import Config
from newsfold.eval.claim_pairs import decide, evaluate, read_pairs

# a fictional bridge collapse told by two outlets: one pair restates a fact, one gives a
# different count of one thing, one pair is about two different things
A1 = "Officials said 14 people were killed when the Harlow Bridge collapsed on Tuesday in Dunmere."
B1 = "The collapse of the Harlow Bridge in Dunmere on Tuesday killed 14 people, officials said."
A2 = "Rescue crews pulled 30 survivors from the Velka River after the Harlow Bridge collapse."
B2 = "Rescue crews pulled 45 survivors from the Velka River after the Harlow Bridge collapse."
A3 = "The regional transport office had closed two lanes of the Harlow Bridge for repairs in May."
B3 = "Mayor Ilse Garrow cancelled her trip to the coastal trade fair to visit the families."


def _rows(topic="Harlow Bridge collapse"):
    common = {"topic": topic, "date": "2031-05-20", "article_a": "Dunmere Post",
              "article_b": "Velka Courier"}
    return [{**common, "claim_a": A1, "claim_b": B1, "relation": 1},
            {**common, "claim_a": A2, "claim_b": B2, "relation": 0},
            {**common, "claim_a": A3, "claim_b": B3, "relation": 0}]


def test_decisions_come_from_the_story_claims():
    assert decide(_rows(), Config(ner_model="none")) == ["restates", "conflicts", "none"]


def test_scores_count_each_decision_per_label(tmp_path):
    path = tmp_path / "pairs.jsonl"
    rows = _rows()
    rows[2]["relation"] = 1  # a positive pair the claims do not link: a miss
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n", encoding="utf-8")
    r = evaluate([path], config=Config(ner_model="none"))["files"][0]
    assert r["pairs"] == 3 and r["positive"] == 2 and r["skipped"] == 1
    assert r["decisions"]["positive"] == {"restates": 1, "conflicts": 0, "none": 1}
    assert r["decisions"]["negative"] == {"restates": 0, "conflicts": 1, "none": 0}
    assert r["restates"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert r["linked"]["precision"] == 0.5
    assert r["all_positive_f1"] == 0.8


def test_reads_the_claimdiff_layout_and_skips_what_is_not_a_pair(tmp_path):
    rows = _rows()
    doc = {"ver": 1.0, "data": rows + [
        {"claim_a": A1, "claim_b": B1},  # no label
        {"claim_a": A1, "claim_b": "", "relation": 1},  # no second claim
        "a string",
        {"claim_a": A1, "claim_b": B1, "label": "1"},
    ]}
    path = tmp_path / "ClaimDiff-like.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    pairs, skipped = read_pairs(path)
    assert skipped == 3
    assert [p["relation"] for p in pairs] == [1, 0, 0, 1]
    # the pair with no topic and no article names is a story of its own two sentences
    assert decide(pairs, Config(ner_model="none"))[3] == "restates"


def test_pairs_shared_by_two_files_are_decided_once_and_scored_per_file(tmp_path):
    strong, weak = _rows(), _rows()
    for r in weak:
        r["relation"] = 0
    weak[1]["relation"] = 1  # the other count weakens A's claim
    paths = []
    for name, rows in (("strength.jsonl", strong), ("weak.jsonl", weak)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        paths.append(tmp_path / name)
    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "claim-pairs", *map(str, paths)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NEWSFOLD_NER_MODEL": "none"})
    assert proc.returncode == 0, proc.stderr
    files = json.loads(proc.stdout.strip().splitlines()[-1])["files"]
    assert files[0]["restates"]["precision"] == 1.0
    assert files[1]["conflicts"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


@pytest.mark.slow
def test_claimdiff_a_weakening_source_is_never_counted_as_support(data_dir):
    claims = data_dir / "claims"
    strong, weak = evaluate([claims / "ClaimDiff-strength-train.json",
                             claims / "ClaimDiff-weak-train.json"],
                            config=Config(ner_model="none"))["files"]
    assert strong["pairs"] == weak["pairs"] > 1000
    # what the claims link as restating is labelled "strengthens" (the base rate is 0.69)
    assert strong["restates"]["precision"] >= 0.9 and strong["decisions"]["positive"]["restates"] > 20
    # and a pair labelled "weakens" is (almost) never one claim with two sources
    assert weak["decisions"]["positive"]["restates"] <= 0.02 * weak["positive"]


def test_a_file_that_cannot_be_read_is_reported_and_the_others_scored(tmp_path):
    bad = tmp_path / "cut.json"
    bad.write_text('{"data": [{"claim_a": "x"', encoding="utf-8")
    good = tmp_path / "pairs.jsonl"
    good.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    files = evaluate([bad, good], config=Config(ner_model="none"))["files"]
    assert "not a JSON document" in files[0]["error"] and files[1]["pairs"] == 3
    # a missing file is refused by the command line before anything runs, with its name
    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "claim-pairs", str(tmp_path / "none.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr

