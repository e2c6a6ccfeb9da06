"""``newsfold eval quotes`` on the plain layout other quote data sets use: per document a list
of quotes with their speakers, with or without character offsets."""

from __future__ import annotations

import json

from newsfold.config import Config
from newsfold.eval.quotes import evaluate, gold_quotes, listed_quotes

TEXT = (
    "The harbour board of Port Elwin approved the new flood barrier on Tuesday.\n\n"
    "\"This barrier will protect four thousand homes,\" said Mira Castell, the board's chair.\n\n"
    "Opponents were not convinced. \"Nobody has shown us the cost,\" said Tobin Reyes, "
    "a councillor.\n\n"
    "Castell said the board would publish the figures next month."
)


def _doc():
    first = TEXT.index("This barrier")
    return {"id": "elwin-1", "text": TEXT, "quotes": [
        # with offsets (the words inside the marks)
        {"quote": "This barrier will protect four thousand homes,", "speaker": "Mira Castell",
         "start": first, "end": first + len("This barrier will protect four thousand homes,")},
        # without offsets: looked up in the text
        {"text": "\u201cNobody has shown us the cost,\u201d", "source": "Tobin Reyes"},
        # reported speech: not a direct quote
        {"quote": "the board would publish the figures next month", "speaker": "Mira Castell",
         "type": "indirect"},
        # not in this text
        {"quote": "We will appeal the decision", "speaker": "Tobin Reyes"},
    ]}


def test_listed_quotes_become_gold_spans():
    gold, missing = listed_quotes(_doc())
    assert missing == 1
    assert [TEXT[g["start"]:g["end"]] for g in gold] == [
        "This barrier will protect four thousand homes,", "Nobody has shown us the cost,"]
    assert [g["source"][0][2] for g in gold] == ["Mira Castell", "Tobin Reyes"]


def test_eval_quotes_scores_the_plain_layout(tmp_path):
    path = tmp_path / "quotes.jsonl"
    path.write_text(json.dumps(_doc()) + "\n", encoding="utf-8")
    r = evaluate(path, config=Config(ner_model="none"))
    assert r["layout"] == "quotes" and r["unlocated_gold_quotes"] == 1
    assert r["gold_quotes"] == 2 and r["found_quotes"] == 2
    assert r["precision"] == 1.0 and r["recall"] == 1.0
    assert r["speaker_name_accuracy"] == 1.0 and r["speaker_name_pairs"] == 2


def test_polnear_restated_as_a_plain_list_scores_the_same(data_dir, tmp_path):
    """The README-definition gold of real PolNeAR documents, written out in the plain layout
    with offsets, gives the same precision and recall as the attributions it came from."""
    src = data_dir / "quotes" / "polnear-dev.jsonl"
    lines = src.read_text(encoding="utf-8").splitlines()[:15]
    orig, plain = tmp_path / "orig.jsonl", tmp_path / "plain.jsonl"
    orig.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(plain, "w", encoding="utf-8") as out:
        for line in lines:
            doc = json.loads(line)
            quotes = [{"quote": doc["text"][g["start"]:g["end"]], "start": g["start"], "end": g["end"],
                       "speaker": g["source"][0][2] if g["source"] else "",
                       "speaker_start": g["source"][0][0] if g["source"] else None,
                       "speaker_end": g["source"][0][1] if g["source"] else None}
                      for g in gold_quotes(doc)]
            out.write(json.dumps({"doc_id": doc["doc_id"], "text": doc["text"], "quotes": quotes}) + "\n")
    a = evaluate(orig, config=Config(ner_model="none"))
    b = evaluate(plain, config=Config(ner_model="none"))
    assert a["gold_quotes"] == b["gold_quotes"] > 30
    for k in ("precision", "recall", "found_quotes", "speaker_coverage"):
        assert a[k] == b[k], k
    assert b["layout"] == "quotes" and a["layout"] == "attributions"
