"""The analysis evaluation commands on the shared labelled data (read in place)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsfold.config import Config


def _subset(src, dst, n):
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i >= n:
                break
            out.write(line)
    return dst


def test_cli_eval_quotes_prints_json(data_dir, tmp_path):
    sub = _subset(data_dir / "quotes" / "polnear-dev.jsonl", tmp_path / "q.jsonl", 5)
    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "quotes", str(sub)],
                          capture_output=True, text=True, env={**os.environ, "NEWSFOLD_NER_MODEL": "none"},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["documents"] == 5 and result["gold_quotes"] > 0
    assert 0.0 <= result["precision"] <= 1.0 and result["recall"] > 0.5


@pytest.mark.slow
def test_quotes_dev_quality(data_dir):
    from newsfold.eval.quotes import evaluate

    r = evaluate(data_dir / "quotes" / "polnear-dev.jsonl", config=Config(ner_model="none"))
    # README gold definition (content spans opening with a quote mark)
    assert r["precision"] >= 0.95 and r["recall"] >= 0.91
    assert r["speaker_coverage"] >= 0.85 and r["speaker_accuracy"] >= 0.90
    # the other readings stay printed and ordered: attribution-level <= README <= revised
    assert r["attribution_precision"] <= r["precision"] <= r["revised_precision"]


@pytest.mark.slow
def test_claims_dev_support_f1(data_dir):
    from newsfold.eval.claims import evaluate

    r = evaluate(data_dir / "claims" / "summhay-news-dev.jsonl")
    assert r["insights"] > 150
    assert r["support_f1"] >= 0.80


@pytest.mark.slow
def test_summaries_val(data_dir):
    from newsfold.eval.summaries import evaluate

    r = evaluate(data_dir / "summaries" / "multinews-val.jsonl", limit=80)
    assert r["citation_support"] == 1.0
    assert r["rouge2"] >= 12.0 and r["rouge1"] >= 40.0


def _write_jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_summaries_reads_references_with_a_separate_articles_file(tmp_path):
    """NeuS layout: references carry a cluster id, the articles live in a clustering file
    (found beside ``X-targets.jsonl`` in ``../clustering/X.jsonl``, or given by --articles)."""
    from newsfold.eval.summaries import evaluate

    arts = [
        {"id": "a1", "cluster": "c1", "title": "Ferry strike halts island crossings",
         "text": "Ferry crews on the Larch islands walked out on Monday over pay. All crossings to the "
                 "mainland were cancelled for the day."},
        {"id": "a2", "cluster": "c1", "title": "Island ferries stop as crews strike",
         "text": "A strike by ferry crews over pay stopped every crossing between the Larch islands and "
                 "the mainland on Monday. Talks are due on Thursday."},
        {"id": "b1", "cluster": "c2", "title": "New library opens in Fennick",
         "text": "Fennick opened its new public library on Saturday after two years of building. The "
                 "library holds forty thousand books and a children's floor."},
    ]
    refs = [{"cluster": "c1", "title": "Ferry crews strike over pay",
             "text": "Ferry crews on the Larch islands went on strike over pay on Monday, cancelling "
                     "all crossings to the mainland."},
            {"cluster": "c2", "title": "Fennick library opens",
             "text": "Fennick opened a new public library on Saturday after two years of building."}]
    _write_jsonl(tmp_path / "clustering" / "ferry.jsonl", arts)
    targets = _write_jsonl(tmp_path / "summaries" / "ferry-targets.jsonl", refs)
    r = evaluate(targets, word_budget=40)
    assert r["clusters"] == 2 and r["skipped_lines"] == 0
    assert r["rouge1"] > 30 and r["citation_support"] == 1.0
    assert set(r["baseline_lead"]) == {"rouge1", "rouge2", "rougeL"} and r["baseline_lead"]["rouge1"] > 0
    # given explicitly, from anywhere
    moved = _write_jsonl(tmp_path / "elsewhere.jsonl", arts)
    other = _write_jsonl(tmp_path / "refs.jsonl", refs)
    assert evaluate(other, word_budget=40, articles=moved)["rouge1"] == r["rouge1"]
    # no articles to be found: a clear stop, not a silent zero
    with pytest.raises(SystemExit, match="--articles"):
        evaluate(other, word_budget=40)


def test_eval_claims_reads_summhay_names_and_derives_support_sets(tmp_path):
    """SummHay's own field names (documents / document_id / document_text) and insights whose
    supporting documents are only listed on the documents give the same scores."""
    from newsfold.eval.claims import evaluate

    texts = {
        "d1": "The Larch ferry strike stopped all crossings on Monday. Crews want a pay rise of 6%.",
        "d2": "Ferry crews on the Larch islands went on strike on Monday. Their union asks for a 6% pay rise.",
        "d3": "A new library opened in Fennick on Saturday. It holds forty thousand books.",
    }
    insights = [("i1", "Ferry crews on the Larch islands went on strike on Monday.", ["d1", "d2"]),
                ("i2", "The union asks for a pay rise of 6%.", ["d1", "d2"]),
                ("i3", "Fennick opened a new library on Saturday.", ["d3"])]
    listed = {d: [i for i, _, docs in insights if d in docs] for d in texts}
    ours = {"cluster_id": "h1",
            "articles": [{"doc_id": d, "text": t, "insight_ids": listed[d]} for d, t in texts.items()],
            "subtopics": [{"insights": [{"insight_id": i, "insight": x, "supporting_doc_ids": docs}
                                        for i, x, docs in insights]}]}
    theirs = {"cluster_id": "h1",
              "documents": [{"document_id": d, "document_text": t, "insights_included": listed[d]}
                            for d, t in texts.items()],
              "subtopics": [{"insights": [{"insight_id": i, "insight": x} for i, x, _ in insights]}]}
    a = evaluate(_write_jsonl(tmp_path / "ours.jsonl", [ours]))
    b = evaluate(_write_jsonl(tmp_path / "theirs.jsonl", [theirs]))
    assert a["insights"] == b["insights"] == 3
    assert a["support_f1"] == b["support_f1"] > 0.5


def test_eval_summaries_reads_other_bundle_layouts(tmp_path):
    """WCEP-style clusters (``documents`` with ``body``, the reference under ``summary``) and
    a list of references score as the Multi-News layout does; they were all skipped."""
    from newsfold.eval.summaries import evaluate

    docs = [{"title": "Ferry strike halts island crossings",
             "text": "Ferry crews on the Larch islands walked out on Monday over pay. All crossings to the "
                     "mainland were cancelled for the day."},
            {"title": "Island ferries stop as crews strike",
             "text": "A strike by ferry crews over pay stopped every crossing between the Larch islands and "
                     "the mainland on Monday. Talks are due on Thursday."}]
    ref = "Ferry crews on the Larch islands went on strike over pay on Monday, cancelling all crossings."
    multinews = _write_jsonl(tmp_path / "mn.jsonl", [{"articles": docs, "reference_summary": ref}])
    wcep = _write_jsonl(tmp_path / "wcep.jsonl", [
        {"summary": ref, "documents": [{"title": d["title"], "body": d["text"]} for d in docs]}])
    listed = _write_jsonl(tmp_path / "listed.jsonl", [{"articles": docs, "references": ["", ref]}])
    want = evaluate(multinews, word_budget=40)
    assert want["clusters"] == 1 and want["rouge1"] > 30
    for path in (wcep, listed):
        got = evaluate(path, word_budget=40)
        assert (got["clusters"], got["rouge1"], got["rouge2"]) == (1, want["rouge1"], want["rouge2"])


def test_eval_commands_read_fields_of_the_wrong_type_without_stopping(tmp_path):
    """A number for a title, a float for an outlet, an int for a list of ids: `newsfold eval
    conflicts` and `eval claims` raised on them (fuzzed input); such a field is read as absent."""
    from newsfold.eval.claims import evaluate as eval_claims
    from newsfold.eval.conflicts import evaluate as eval_conflicts

    body = ("The Larch ferry strike stopped all 12 crossings on Monday in Kessel. "
            "Crews want a pay rise of 6% and the union said the strike would go on.")
    rows = [{"id": f"a{k}", "cluster": "s1", "title": 5 if k else ["x"], "source": 1e308 if k else None,
             "date": {"d": 1} if k == 2 else "2026-03-02", "text": body} for k in range(3)]
    rows.append({"id": "b1", "cluster": "s2", "text": 12345, "body": body})
    got = eval_conflicts(_write_jsonl(tmp_path / "rows.jsonl", rows), config=Config(ner_model="none"))
    assert got["stories"] == 1
    hay = {"cluster_id": "h1",
           "articles": [{"doc_id": "d1", "text": body, "title": 7, "insight_ids": 5},
                        {"doc_id": "d2", "text": body, "insight_ids": ["i1", 3, None, True]}],
           "subtopics": [{"insights": [{"insight_id": "i1", "insight": "Ferry crews went on strike."},
                                       {"insight_id": "i2", "insight": None}, "not an insight"]}, 4]}
    assert eval_claims(_write_jsonl(tmp_path / "hay.jsonl", [hay]))["insights"] == 1
