"""The quote eval's gold definition (PolNeAR README: a content is a direct quote when it opens
with a quote mark) on small hand-made documents, and the PolNeAR train check."""

from __future__ import annotations

import pytest

from newsfold.eval.quotes import gold_quotes, match_doc


def _attr(text, source, cue, *contents):
    def span(s):
        i = text.index(s)
        return {"start": i, "end": i + len(s), "text": s}

    return {"source": [span(source)], "cue": [span(cue)], "content": [span(c) for c in contents]}


def test_each_content_span_opening_with_a_mark_is_a_direct_quote():
    text = ("Yet Trump is also a “change agent,” Cole said. “That’s exactly what people want "
            "right now.”")
    doc = {"text": text, "attributions": [
        _attr(text, "Cole", "said", "Yet Trump is also a “change agent,”",
              "“That’s exactly what people want right now.”")]}
    gold = gold_quotes(doc)
    assert len(gold) == 1 and gold[0]["kind"] == "span"
    assert text[gold[0]["start"]:gold[0]["end"]].startswith("“That’s exactly")
    assert gold[0]["source"][0][2] == "Cole"
    # read per attribution, the first (reporter-worded) span decides for the whole attribution
    assert gold_quotes(doc, spans=False) == []


def test_first_span_opening_with_a_mark_makes_one_gold_quote_over_all_pieces():
    text = "“We can always have differences,” he said. “If you agree on 70 percent, fine.”"
    doc = {"text": text, "attributions": [
        _attr(text, "he", "said", "“We can always have differences,”",
              "“If you agree on 70 percent, fine.”")]}
    gold = gold_quotes(doc)
    assert len(gold) == 1 and (gold[0]["start"], gold[0]["end"]) == (0, len(text))


def test_a_mark_left_out_of_the_content_span_still_opens_it():
    text = "Trump returned the compliment, telling Reuters, “Sheldon and I have been friends.”"
    doc = {"text": text, "attributions": [
        _attr(text, "Trump", "telling", "Sheldon and I have been friends.”")]}
    gold = gold_quotes(doc)
    assert len(gold) == 1 and gold[0]["start"] == text.index("“Sheldon")
    nyt = "Mr. Ross said, ''It is fine,'' and left."
    doc = {"text": nyt, "attributions": [_attr(nyt, "Mr. Ross", "said", "It is fine,''")]}
    assert gold_quotes(doc)[0]["start"] == nyt.index("''It")
    # an apostrophe inside a word opens nothing
    text2 = "The party's platform, Smith said, was weak."
    doc = {"text": text2, "attributions": [_attr(text2, "Smith", "said", "s platform")]}
    assert gold_quotes(doc) == []


def test_reporter_worded_content_is_no_direct_quote_unless_revised():
    text = "Trump tweeted that, “For those few people knocking me, I will be there.”"
    doc = {"text": text, "attributions": [
        _attr(text, "Trump", "tweeted", "that, “For those few people knocking me, I will be there.”")]}
    assert gold_quotes(doc) == []
    assert [g["kind"] for g in gold_quotes(doc, embedded=True)] == ["embedded"]


def test_matching_needs_half_of_the_found_span_inside_gold():
    class F:
        def __init__(self, s, e):
            self.start, self.end = s, e

    gold = [{"start": 10, "end": 30, "source": []}]
    # inside; mostly outside; a long span swallowing the gold quote; half inside
    mf, mg, pairs = match_doc([F(12, 28), F(25, 60), F(0, 60), F(5, 15)], gold)
    assert mf == {0, 3} and mg == {0} and pairs == [(0, 0), (3, 0)]


@pytest.mark.slow
def test_polnear_train_quality(data_dir):
    """The larger check (840 articles): README-definition precision and recall, speakers."""
    from newsfold.config import Config
    from newsfold.eval.quotes import evaluate

    r = evaluate(data_dir / "quotes" / "polnear-train.jsonl", config=Config(ner_model="none"))
    assert r["documents"] == 840
    assert r["precision"] >= 0.95 and r["recall"] >= 0.92
    assert r["speaker_coverage"] >= 0.85 and r["speaker_accuracy"] >= 0.90
    # the name a reader is shown: 0.888 (rules), 0.846 when the first entity of the phrase was shown
    assert r["speaker_name_pairs"] > 3000 and r["speaker_name_accuracy"] >= 0.87


def test_gold_name_drops_the_appositive():
    from newsfold.eval.quotes import _gold_name

    assert _gold_name("Kenneth Baer, a former Obama administration official who runs X") == "Kenneth Baer"
    assert _gold_name("Rep. John Mica (R-Fla.)") == "Rep. John Mica"
    assert _gold_name("Representative Charles B. Rangel of New York") == "Representative Charles B. Rangel"
    assert _gold_name("he") is None and _gold_name("a senior aide") is None


def test_verbose_eval_shows_a_wrong_speaker_name_with_its_context(tmp_path, capsys):
    """`newsfold eval quotes --verbose` prints each quote whose shown speaker is not the gold
    speaker's name, with the text around it, so errors can be read rather than guessed."""
    from newsfold.config import Config
    from newsfold.eval.quotes import evaluate
    import json

    text = "“We will not back down,” said the ad, quoting Ana Velt on Monday."
    doc = {"id": "d", "text": text, "attributions": [_attr(text, "Ana Velt", "said", "“We will not back down,”")]}
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    r = evaluate(path, config=Config(ner_model="none"), verbose=True)
    err = capsys.readouterr().err
    assert r["speaker_name_pairs"] == 1 and r["speaker_name_accuracy"] == 0.0
    assert "NAME" in err and "Ana Velt" in err and "We will not back down" in err
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "quotes", str(path), "--verbose"],
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "NEWSFOLD_NER_MODEL": "none"})
    assert proc.returncode == 0 and json.loads(proc.stdout)["speaker_name_pairs"] == 1
    assert "NAME" in proc.stderr and "Ana Velt" in proc.stderr


def test_malformed_gold_is_scored_on_what_it_states(tmp_path):
    """A number for a span, a span past the text's end or a text that is no string raised in
    `newsfold eval quotes` (fuzzed PolNeAR rows); such attributions are counted and left out."""
    import json

    from newsfold.eval.quotes import evaluate

    text = "“The budget is fair,” Ana Velt said on Monday in Kessel."
    good = _attr(text, "Ana Velt", "said", "“The budget is fair,”")
    bad = [{**good, "content": [{"start": "a", "end": 3}]}, {**good, "content": [{"start": 5, "end": 999}]},
           "not an attribution", {**good, "source": 5, "cue": [[1, 2]]}]
    rows = [{"doc_id": "d1", "text": text, "attributions": [good, *bad]},
            {"doc_id": "d2", "text": 12345, "attributions": [good]},
            {"doc_id": "d3", "text": "", "attributions": 7}]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    got = evaluate(path, config=None)
    assert got["documents"] == 3 and got["malformed_attributions"] == 3 + 1 + 1
    assert got["gold_quotes"] == got["matched_gold"] == 2  # d1: the good one, and one without its source
