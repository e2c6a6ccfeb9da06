"""Bad-input corpus (tests/fixtures/bad_input): one error record per bad item, every good
article present, nothing dropped silently."""

from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest

from newsfold.config import Config
from newsfold.model import Article, ErrorRecord
from newsfold.stages import ingest_and_clean, split_errors

#: every bad item of the corpus: (file, position, kind)
BAD = {
    ("binary.txt", None, "binary"),
    ("broken.rss", 0, "malformed_feed"),
    ("empty.txt", None, "empty"),
    ("garbage.warc", None, "malformed_warc"),  # position: wherever parsing broke
    ("bad_header.warc", None, "malformed_warc"),  # "WARC/1.0", then no header FastWARC can read
    ("latin1.txt", None, "encoding"),  # kept, decoded as Windows-1252, and reported
    ("mixed.jsonl", 2, "malformed_json"),
    ("mixed.jsonl", 3, "missing_text"),
    ("mixed.jsonl", 4, "bad_date"),  # kept with published=None, and reported
    ("no_text.html", None, "malformed_html"),
    ("odd_fields.jsonl", None, "bad_field"),  # kept, without its list-valued title, and reported
    ("too_large.txt", None, "too_large"),
    ("truncated.warc.gz", 2, "malformed_warc"),
    ("unreadable.txt", None, "unreadable"),  # a dangling symlink: cannot be opened
    ("council_minutes.pdf", None, "binary"),  # ASCII-headed: it was read as a text article
    ("press_note.rtf", None, "binary"),  # opens with "{": it was read as broken JSON Lines
}
GOOD = {"good_plain", "good_page", "latin1", "mix-1", "mix-4", "mix-5", "odd-title"}
#: limit that makes too_large.txt (7 KB) too large and leaves the other files under it
CONFIG = Config(max_bytes=5000)


@pytest.fixture(scope="module")
def result(fixtures_dir):
    corpus = fixtures_dir / "bad_input"
    assert os.path.islink(corpus / "unreadable.txt")
    return split_errors(ingest_and_clean([str(corpus)], config=CONFIG))


def test_one_error_record_per_bad_item(result):
    _, errors = result
    seen = Counter()
    for e in errors:
        name = os.path.basename(e.path)
        pos = e.position if name in ("mixed.jsonl", "truncated.warc.gz", "broken.rss") else None
        seen[(name, pos, e.kind)] += 1
        assert e.reason, e
        assert e.stage == "ingest"
    assert set(seen) == BAD
    assert all(n == 1 for n in seen.values()), seen


def test_every_good_article_present(result):
    articles, _ = result
    ids = {a.id for a in articles}
    assert GOOD <= ids
    # the first record of the truncated WARC survives the cut
    assert any(a.format == "warc" and a.title == "New tram line opens in Riverton" for a in articles)
    assert len(articles) == len(GOOD) + 1


def test_kept_items_with_problems_point_to_their_article(result):
    articles, errors = result
    by_id = {a.id: a for a in articles}
    bad_date = next(e for e in errors if e.kind == "bad_date")
    assert bad_date.article_id == "mix-4" and by_id["mix-4"].published is None
    enc = next(e for e in errors if e.kind == "encoding")
    assert enc.article_id == "latin1"
    assert by_id["latin1"].text.startswith("Café owners")


def test_errors_serialise_with_path_position_reason(result):
    _, errors = result
    for e in errors:
        d = ErrorRecord.from_dict(e.to_dict()).to_dict()
        assert {"path", "position", "reason", "kind"} <= set(d)


def test_only_bad_input_gives_no_article(tmp_path, fixtures_dir):
    for name in ("binary.txt", "empty.txt", "broken.rss"):
        shutil.copy(fixtures_dir / "bad_input" / name, tmp_path / name)
    articles, errors = split_errors(ingest_and_clean([str(tmp_path)], config=CONFIG))
    assert articles == [] and len(errors) == 3


def test_each_bad_file_alone_gives_exactly_one_error(fixtures_dir):
    corpus = fixtures_dir / "bad_input"
    for name in ("binary.txt", "broken.rss", "empty.txt", "garbage.warc", "no_text.html",
                 "too_large.txt", "unreadable.txt", "council_minutes.pdf", "press_note.rtf"):
        items = list(ingest_and_clean([str(corpus / name)], config=CONFIG))
        assert len(items) == 1 and isinstance(items[0], ErrorRecord), (name, items)
    for name, fmt in (("council_minutes.pdf", "a PDF document"), ("press_note.rtf", "an RTF document")):
        (err,) = ingest_and_clean([str(corpus / name)], config=CONFIG)
        assert err.kind == "binary" and err.reason.startswith(f"file is {fmt}:"), err
    items = list(ingest_and_clean([str(corpus / "truncated.warc.gz")], config=CONFIG))
    assert [type(i) for i in items] == [Article, ErrorRecord]


@pytest.mark.slow
def test_run_command_writes_one_error_line_per_bad_item(fixtures_dir, tmp_path):
    """Issue 2, item 9, end to end: errors.jsonl and stories.json's errors; exit codes."""
    import json

    from typer.testing import CliRunner

    from newsfold.cli import app

    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(fixtures_dir / "bad_input"), "--out", str(out),
                              "--db", str(tmp_path / "db.sqlite"), "--max-bytes", "5000"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines() if x.strip()]
    assert len(lines) == len(BAD)
    assert all({"path", "position", "reason"} <= set(x) for x in lines)
    data = json.loads((out / "stories.json").read_text())
    assert len(data["errors"]) == len(BAD)
    assert GOOD <= {a["id"] for a in data["articles"]}
    only_bad = tmp_path / "only_bad"
    only_bad.mkdir()
    shutil.copy(fixtures_dir / "bad_input" / "empty.txt", only_bad / "empty.txt")
    res = runner.invoke(app, ["run", str(only_bad), "--out", str(tmp_path / "out2"),
                              "--db", str(tmp_path / "db2.sqlite")])
    assert res.exit_code != 0
    # the incremental path writes the same error records and keeps the good items
    out3 = tmp_path / "out3"
    res = runner.invoke(app, ["run", str(fixtures_dir / "bad_input"), "--out", str(out3), "--incremental",
                              "--db", str(tmp_path / "db3.sqlite"), "--max-bytes", "5000"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in (out3 / "errors.jsonl").read_text().splitlines() if x.strip()]
    assert len(lines) == len(BAD)
    assert GOOD <= {a["id"] for a in json.loads((out3 / "stories.json").read_text())["articles"]}
