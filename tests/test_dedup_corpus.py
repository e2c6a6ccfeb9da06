"""`newsfold dedup` with the texts kept in the file: the file-backed corpus reads what the
in-memory row reader reads (same articles, texts, error records), ``fold(texts=...)`` gives
the same fields as fold over full articles, and the command's output equals the in-memory
fold's output, byte for byte."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from newsfold.dedup import fold
from newsfold.dedup.cli import GOLD_FIELDS, OUT_FIELDS, dedup_command, read_articles
from newsfold.dedup.corpus import ArticleRecord, JsonlCorpus
from newsfold.dedup.families import DedupConfig
from newsfold.ingest import rows

FIX = Path(__file__).resolve().parent / "fixtures" / "dedup"
FIELDS = ("family", "origin", "relation", "similarity", "reason", "added", "dropped")


def _same_as_row_reader(path: Path) -> JsonlCorpus:
    arts, _, problems = rows.read_article_rows(path, hide=GOLD_FIELDS)
    corpus = JsonlCorpus(path, hide=GOLD_FIELDS)
    assert corpus.problems == problems
    assert len(corpus) == len(arts) == len(corpus.texts)
    for rec, art, text in zip(corpus.records, arts, corpus.texts):
        assert (rec.id, rec.position, rec.source, rec.published, rec.wire, rec.first_seen) == \
               (art.id, art.position, art.source, art.published, art.wire, art.first_seen)
        assert text == art.text
    assert [corpus.texts[i] for i in range(len(arts))] == [a.text for a in arts]
    return corpus


def test_corpus_reads_what_the_row_reader_reads():
    path = FIX / "corpus_rows.jsonl"
    corpus = _same_as_row_reader(path)
    by = {r.id: r for r in corpus.records}
    # blank lines skipped; the two non-objects and the cut line are error records; a number
    # for a text is no text (as `newsfold run` reads it) and is reported
    assert [p.split(":", 2)[1] for p in corpus.problems] == ["5", "6", "10", "12"]
    assert "line-4" in by and "line-7" in by  # no id / empty id: the line number
    # dates and crawl times in the forms the stages compare, as the cleaning stage reads them
    assert by["line-4"].published == "2026-03-04" and by["line-7"].wire == "AP"
    assert by["line-7"].first_seen == "2026-03-05T08:00:00+00:00" and by["g1"].published == "2026-03-07"
    assert "Žluťoučký" in corpus.texts[[r.id for r in corpus.records].index("u1")]
    assert by["42"].source == "numbers outlet"
    assert corpus.texts[[r.id for r in corpus.records].index("42")] == ""
    assert corpus.texts[[r.id for r in corpus.records].index("e1")] == ""
    # gold fields are never read: not on the record, not in what the text reader sees
    assert by["g1"].family is None and by["g1"].relation == "original"
    # batch reads, slices, negative indices and a pickled copy read the same texts
    t = corpus.texts
    every = list(t)
    assert t.read_range(0, len(t)) == every == t[:] and t[-1] == every[-1] and t[1:6:2] == every[1:6:2]
    assert t.read_many([5, 0, 3, 5]) == [every[5], every[0], every[3], every[5]]
    assert list(pickle.loads(pickle.dumps(t))) == every
    corpus.close()


def test_corpus_line_endings_and_bad_bytes(tmp_path):
    """CRLF, a lone CR (text mode ends a line there too), and a line that is not UTF-8 (kept
    with its bad bytes replaced, and said so, by the corpus and the row reader alike: the row
    reader used to raise, the corpus to drop the line), a lone surrogate escape (valid JSON,
    no UTF-8 form) and a line nested too deeply for the parser."""
    ok = (b'{"id": "crlf", "text": "Windows line end."}\r\n'
          b'{"id": "cr1", "text": "Old Mac line end."}\r{"id": "cr2", "text": "Second on the line."}\n'
          b'\r\n'
          b'{"id": "nl", "text": "Plain line, \\u00e9 escaped."}\n')
    path = tmp_path / "endings.jsonl"
    path.write_bytes(ok)
    corpus = _same_as_row_reader(path)
    assert [r.id for r in corpus.records] == ["crlf", "cr1", "cr2", "nl"]
    assert [r.position for r in corpus.records] == [1, 2, 3, 5]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(ok + b'{"id": "latin1", "text": "caf\xe9"}\n{"id": "after", "text": "Still read."}\n'
                    + b'{"id": "lone", "text": "half a pair \\ud83d here"}\n' + b"[" * 100_000 + b"\n"
                    + b'{"id": "last", "text": "Read to the end."}\n')
    corpus = _same_as_row_reader(bad)
    assert [r.id for r in corpus.records] == ["crlf", "cr1", "cr2", "nl", "latin1", "after", "lone", "last"]
    assert corpus.problems == [f"{bad}:6: kept: not UTF-8 text (invalid continuation byte at byte 29); "
                               "bad bytes replaced with U+FFFD", f"{bad}:9: skipped: JSON nested too deeply"]
    assert list(corpus.texts)[4:] == ["caf\ufffd", "Still read.", "half a pair \ufffd here", "Read to the end."]


def _record_copies(arts):
    return [ArticleRecord(a.id, a.position, a.source, a.published, a.wire, a.first_seen) for a in arts]


def _fields(arts):
    return [tuple(json.dumps(getattr(a, f), sort_keys=True) for f in FIELDS) for a in arts]


def _write_generated(path: Path, n: int, seed: int) -> Path:
    from bench.dedup.generate import generate

    with open(path, "w", encoding="utf-8") as fh:
        for r in generate(n, seed=seed):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def test_fold_with_texts_apart_equals_fold_of_articles():
    arts, _ = read_articles(FIX / "relations.jsonl")
    recs = _record_copies(arts)
    fams = fold(arts)
    fams_recs = fold(recs, texts=[a.text for a in arts])
    assert _fields(recs) == _fields(arts)
    assert [f.to_dict() for f in fams_recs] == [f.to_dict() for f in fams]
    assert {a.relation for a in recs} >= {"copy", "truncated", "rewrite", "original"}
    with pytest.raises(ValueError):
        fold(recs, texts=["one text too few"])


@pytest.mark.parametrize("cfg", [
    dict(workers=1),
    dict(workers=2, parallel_min=0, pair_chunk=64),  # workers read their chunks from the file
    dict(workers=2, parallel_min=0, pair_chunk=64, keep_shingles_max=0),  # streaming layout
])
def test_fold_of_file_backed_texts_equals_in_memory(tmp_path, cfg):
    path = _write_generated(tmp_path / "gen.jsonl", 600, 7)
    arts, _ = read_articles(path)
    fold(arts, config=DedupConfig(workers=1))
    corpus = JsonlCorpus(path, hide=GOLD_FIELDS)
    fold(corpus.records, texts=corpus.texts, config=DedupConfig(**cfg))
    assert _fields(corpus.records) == _fields(arts)
    assert sum(1 for a in arts if a.origin) > 100


def _in_memory_output(path: Path, out: Path) -> None:
    """The command as it was before the texts stayed in the file: Articles, fold, one line each."""
    arts, _ = read_articles(path)
    fold(arts)
    with open(out, "w", encoding="utf-8") as fh:
        for a in arts:
            fh.write(json.dumps({k: getattr(a, k) for k in OUT_FIELDS}, ensure_ascii=False) + "\n")


def test_command_output_equals_in_memory_fold_on_fixtures(tmp_path, seeds_dir):
    from newsfold.config import Config
    from newsfold.stages import ingest_and_clean, split_errors

    seeds, errors = split_errors(ingest_and_clean(sorted(str(p) for p in seeds_dir.glob("*.txt")), config=Config()))
    assert len(seeds) == 5 and not errors
    seed_rows = tmp_path / "seeds.jsonl"
    with open(seed_rows, "w", encoding="utf-8") as fh:
        for a in seeds:  # the cleaned seeds as a user's JSONL (no id on one: line number)
            row = {"id": a.id if a.id[:3] != "004" else None, "text": a.text, "source": a.source, "date": a.published}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for src in (seed_rows, FIX / "relations.jsonl", FIX / "corpus_rows.jsonl"):
        want, got = tmp_path / "want.jsonl", tmp_path / "got.jsonl"
        _in_memory_output(src, want)
        dedup_command(src, got)
        assert got.read_bytes() == want.read_bytes(), src.name
    lines = [json.loads(x) for x in (tmp_path / "got.jsonl").read_text().splitlines()]
    assert len(lines) == 8  # corpus_rows.jsonl: 13 lines, 2 blank, 3 bad
    seed_out = tmp_path / "seeds.out.jsonl"
    dedup_command(seed_rows, seed_out)
    fams = {}
    for x in map(json.loads, seed_out.read_text().splitlines()):
        fams.setdefault(x["family"], []).append(x["id"])
    assert len(fams) == 3


@pytest.mark.slow
def test_command_output_equals_in_memory_fold_on_generated(tmp_path):
    path = _write_generated(tmp_path / "gen.jsonl", 800, 11)
    want = tmp_path / "want.jsonl"
    _in_memory_output(path, want)
    for cfg in (None, DedupConfig(workers=2, parallel_min=0, pair_chunk=128, keep_shingles_max=100)):
        got = tmp_path / "got.jsonl"
        dedup_command(path, got, config=cfg)
        assert got.read_bytes() == want.read_bytes()
    derived = [json.loads(x) for x in want.read_text().splitlines() if '"origin": null' not in x]
    assert len(derived) > 150


def test_a_bundle_line_is_reported_not_read_as_an_empty_article(tmp_path):
    """`newsfold dedup` keeps one byte range per line; a line holding a bundle of articles
    (a Multi-News cluster) had become one article with no text, silently. It is now a
    problem said on its line, and the other lines are read."""
    from newsfold.dedup.corpus import JsonlCorpus

    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps({"cluster_id": "c", "articles": [{"text": "One."}, {"text": "Two."}]}) + "\n"
                    + json.dumps({"id": "a1", "text": "Harbour pilots in Tessa stopped work on Monday."}) + "\n")
    corpus = JsonlCorpus(path)
    try:
        assert [r.id for r in corpus.records] == ["a1"]
        assert len(corpus.problems) == 1 and ":1: skipped: the line holds a bundle of 2 articles" in corpus.problems[0]
    finally:
        corpus.close()


def test_fields_that_hold_no_text_are_left_out_and_reported_by_both_readers(tmp_path):
    """A number for a title and a float for an outlet stopped `newsfold dedup` and `newsfold
    cluster` (fuzzed input); the cleaning stage leaves such a field out as a bad_field."""
    from newsfold.cluster.cli import cluster_command

    body = "The council of the fictional town of Kessel approved the harbour budget on Monday. " * 4
    good = {"id": "a", "title": "Kessel budget", "source": "Kessel Post", "text": body}
    bad = {"id": "b", "title": 5, "source": 1e308, "url": ["x"], "wire": {"w": 1}, "text": body}
    no_text = {"id": "c", "title": "Kessel", "text": True, "body": body}  # a text that is no string
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (good, bad, no_text)) + "\n", encoding="utf-8")
    corpus = _same_as_row_reader(path)
    assert [p.split(": kept: ")[1].split(" is ")[0] for p in corpus.problems] == [
        "field 'title'", "field 'source'", "field 'url'", "field 'wire'", "field 'text'"]
    rec = {r.id: r for r in corpus.records}
    assert rec["b"].source is None and rec["b"].wire is None and corpus.texts[2] == body
    out = tmp_path / "out.jsonl"
    dedup_command(path, out)
    assert [json.loads(l)["relation"] for l in out.read_text().splitlines()] == ["original", "copy", "copy"]
    cluster_command(path, tmp_path / "stories.jsonl")
    assert len({json.loads(l)["story"] for l in (tmp_path / "stories.jsonl").read_text().splitlines()}) == 1
