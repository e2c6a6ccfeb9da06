"""``newsfold eval dedup`` on gold files laid out as other near-duplicate data sets are: a
group id instead of ``family``, or what each article was copied from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsfold.eval.dedup import eval_dedup_command, gold_labels

FIXTURE = Path(__file__).parent / "fixtures" / "dedup" / "relations.jsonl"
DERIVED = {"wire", "trunc", "boiler", "para", "emb"}


def _rows():
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_group_id_is_the_gold_family(tmp_path, capsys):
    rows = _rows()
    for r in rows:
        if r["id"] in DERIVED | {"orig"}:
            r["dup_group"] = "g-council"
    res = eval_dedup_command(_write(tmp_path / "groups.jsonl", rows))
    assert res["label"] == "dup_group"
    # 6 articles of one group: 15 gold pairs, each found; nothing else put together
    assert res["pairwise"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    # no gold relation: group members are typed as members, the rest as originals
    assert set(res["by_type"]) == {"in_family", "original"}
    assert res["by_type"]["in_family"]["articles"] == 6


def test_origin_chains_make_the_gold_family_and_the_origin_recall(tmp_path):
    rows = _rows()
    copied = {"wire": "orig", "trunc": "wire", "boiler": "orig", "para": "orig", "emb": "para"}
    for r in rows:
        if r["id"] in copied:
            r["duplicate_of"] = copied[r["id"]]
    g = gold_labels(rows, [r["id"] for r in rows])
    assert g["label"] == "duplicate_of" and g["origin_label"] == "duplicate_of"
    fam = dict(zip([r["id"] for r in rows], g["family"]))
    # a chain (trunc <- wire <- orig, emb <- para <- orig) is one family
    assert {fam[x] for x in DERIVED | {"orig"}} == {fam["orig"]}
    assert len({fam["indep"], fam["tmpl1"], fam["tmpl2"], fam["orig"]}) == 4
    assert [g["type"][i] for i, r in enumerate(rows) if r["id"] in copied] == ["copy"] * 5
    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "dedup",
                           str(_write(tmp_path / "chains.jsonl", rows))],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NEWSFOLD_NER_MODEL": "none"})
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    assert res["by_type"]["copy"]["origin_recall"] == 1.0
    assert res["pairwise"]["recall"] == 1.0


def test_a_file_without_gold_families_stops_with_a_reason(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "gold_relation"} for r in _rows()]
    with pytest.raises(SystemExit, match="no gold copy family"):
        eval_dedup_command(_write(tmp_path / "none.jsonl", rows))


def test_label_option_names_the_group_field(tmp_path):
    rows = _rows()
    for r in rows:
        r["grp"] = "g1" if r["id"] in DERIVED | {"orig"} else r["id"]
    res = eval_dedup_command(_write(tmp_path / "grp.jsonl", rows), label="grp")
    assert res["label"] == "grp" and res["pairwise"]["recall"] == 1.0
