"""Readers: every format, folders, stdin, ids and duplicate handling, on small fixtures."""

from __future__ import annotations

import gzip
import io
import json
import shutil

import pytest

from newsfold.config import Config
from newsfold.ingest import read_paths
from newsfold.ingest.common import sniff, url_id
from newsfold.model import ErrorRecord, RawRecord


def _split(items):
    recs = [i for i in items if isinstance(i, RawRecord)]
    errs = [i for i in items if isinstance(i, ErrorRecord)]
    return recs, errs


def test_seed_text_files_read_in_sorted_order_with_file_name_ids(seeds_dir):
    recs, errs = _split(list(read_paths([str(seeds_dir)])))
    assert errs == []
    assert [r.id for r in recs] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert all(r.format == "text" for r in recs)
    assert recs[0].content.startswith(" date 2025-07-31")


def test_folder_is_read_recursively_and_hidden_files_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "inner.txt").write_text("An article in a sub-folder about the harbour.\n")
    (tmp_path / "a.txt").write_text("An article at the top about the market.\n")
    (tmp_path / ".hidden.txt").write_text("Editor backup, not an article.\n")
    recs, errs = _split(list(read_paths([str(tmp_path)])))
    assert [r.id for r in recs] == ["a", "inner"]
    assert errs == []


def test_html_file(fixtures_dir):
    recs, errs = _split(list(read_paths([str(fixtures_dir / "ingest" / "page.html")])))
    assert errs == [] and len(recs) == 1
    assert recs[0].id == "page" and recs[0].format == "html"
    assert "<article>" in recs[0].content


def test_jsonl_ids_fields_and_extras(fixtures_dir):
    recs, errs = _split(list(read_paths([str(fixtures_dir / "ingest" / "articles.jsonl")])))
    assert errs == []
    assert len(recs) == 3
    first, second, third = recs
    assert first.id == "jl-001" and first.position == 1
    assert first.fields["section"] == "Farming" and first.fields["tags"] == ["frost", "apples"]
    assert first.url == "https://vellmar-daily.example/farming/frost-losses"
    # no id: from the URL (readable slug + short hash), stable across runs
    assert second.id == url_id(second.url)
    assert second.id.startswith("orrin-times-example-library-hours_")
    # no id, no url: content hash
    assert third.id.startswith("h_") and third.url is None


def test_warc_reads_html_responses_only(fixtures_dir):
    recs, errs = _split(list(read_paths([str(fixtures_dir / "ingest" / "pages.warc.gz")])))
    assert errs == []
    assert [r.url for r in recs] == [
        "https://www.riverton-news.example/city/new-tram-line-opens",
        "https://www.riverton-news.example/sport/river-race-record",
    ]
    assert all(r.format == "warc" and r.fields["content_type"] == "html" for r in recs)
    assert recs[0].id.startswith("riverton-news-example-new-tram-line-opens_")


def test_uncompressed_warc_and_warc_written_with_warcio(fixtures_dir, tmp_path):
    data = gzip.decompress((fixtures_dir / "ingest" / "pages.warc.gz").read_bytes())
    p = tmp_path / "plain.warc"
    p.write_bytes(data)
    recs, errs = _split(list(read_paths([str(p)])))
    assert errs == [] and len(recs) == 2
    # truncated uncompressed archive: the records before the cut survive, one error
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 300])
    recs, errs = _split(list(read_paths([str(cut)])))
    assert len(recs) == 2 and len(errs) == 1 and errs[0].kind == "malformed_warc"


def test_warc_record_with_an_unreadable_header_is_reported_and_the_next_kept(fixtures_dir, tmp_path):
    """FastWARC reads a header block it cannot parse as an empty record without a WARC-Type;
    it was skipped like a request record, so a garbled record (or a file of nothing else)
    vanished without an error record."""
    data = gzip.decompress((fixtures_dir / "ingest" / "pages.warc.gz").read_bytes())
    cut = data.index(b"WARC/1.0", 1)  # the start of the second record
    p = tmp_path / "garbled.warc"
    p.write_bytes(data[:cut] + b"WARC/1.0\r\nnot a header line\r\n\r\n" + data[cut:])
    recs, errs = _split(list(read_paths([str(p)])))
    assert len(errs) == 1 and errs[0].kind == "malformed_warc" and "WARC-Type" in errs[0].reason
    full, _ = _split(list(read_paths([str(fixtures_dir / "ingest" / "pages.warc.gz")])))
    assert sorted(r.url for r in recs) == sorted(r.url for r in full)


def test_rss_and_atom_entries(fixtures_dir):
    recs, errs = _split(list(read_paths([str(fixtures_dir / "ingest" / "feed.rss"),
                                         str(fixtures_dir / "ingest" / "feed.atom")])))
    assert errs == []
    assert len(recs) == 4
    assert all(r.format == "rss" for r in recs)
    titles = [r.fields["title"] for r in recs]
    assert "Northfield school wins robotics prize" in titles
    assert "Harbour festival dates announced" in titles
    html_entry = next(r for r in recs if "robotics" in r.fields["title"])
    assert html_entry.fields["content_type"] == "html"
    text_entry = next(r for r in recs if "Market square" in r.fields["title"])
    assert text_entry.fields["content_type"] == "text"
    assert all(r.fields.get("date") for r in recs)
    assert all(r.fields.get("source") in ("Northfield Gazette", "Southport Herald") for r in recs)


@pytest.mark.parametrize(
    "payload, kind",
    [
        (b'{"id": "s1", "text": "One line of JSON from a pipe about the weather."}\n', "jsonl"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "rss"),
        (b"Plain text article about the town fair.\nSecond line.", "text"),
        (b"\x1f\x8b\x08\x00", "warc"),
    ],
)
def test_sniff(payload, kind):
    assert sniff(payload) == kind


def test_stdin_jsonl_and_text():
    stdin = io.BytesIO(
        b'{"id": "in-1", "text": "The ferry service resumed on Monday after a storm."}\n'
        b'{"id": "in-2", "text": "The bridge reopened on Tuesday after repairs."}\n'
    )
    recs, errs = _split(list(read_paths(["-"], stdin=stdin)))
    assert [r.id for r in recs] == ["in-1", "in-2"] and errs == []
    assert all(r.path == "-" for r in recs)
    recs, errs = _split(list(read_paths(["-"], stdin=io.StringIO("A plain article read from stdin.\n"))))
    assert len(recs) == 1 and recs[0].format == "text" and recs[0].id.startswith("h_")


def test_unknown_extension_is_sniffed(tmp_path, fixtures_dir):
    shutil.copy(fixtures_dir / "ingest" / "articles.jsonl", tmp_path / "dump.data")
    shutil.copy(fixtures_dir / "ingest" / "pages.warc.gz", tmp_path / "crawl.bin")
    shutil.copy(fixtures_dir / "ingest" / "feed.atom", tmp_path / "feed.xml")
    recs, errs = _split(list(read_paths([str(tmp_path)])))
    assert errs == []
    assert sorted({r.format for r in recs}) == ["jsonl", "rss", "warc"]
    assert len(recs) == 3 + 2 + 2


def test_same_article_twice_is_read_once(seeds_dir):
    one = seeds_dir / "000_0616c9603aa7a7b2.txt"
    recs, errs = _split(list(read_paths([str(one), str(one), str(seeds_dir)])))
    assert errs == []
    assert [r.id for r in recs].count("000_0616c9603aa7a7b2") == 1
    assert len(recs) == 5


def test_colliding_id_with_different_content_is_renamed_and_reported(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("The first story is about a new library.\n")
    (tmp_path / "b" / "story.txt").write_text("The second story is about a closed road.\n")
    recs, errs = _split(list(read_paths([str(tmp_path)])))
    assert [r.id for r in recs] == ["story", "story~2"]
    assert len(errs) == 1 and errs[0].kind == "duplicate_id" and errs[0].article_id == "story~2"


def test_jsonl_line_over_max_bytes(tmp_path):
    p = tmp_path / "big.jsonl"
    lines = [
        {"id": "small", "text": "A short article about a bake sale at the school."},
        {"id": "big", "text": "word " * 400},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    recs, errs = _split(list(read_paths([str(p)], config=Config(max_bytes=1000))))
    assert [r.id for r in recs] == ["small"]
    assert [(e.kind, e.position) for e in errs] == [("too_large", 2)]


def test_missing_path_is_an_error():
    recs, errs = _split(list(read_paths(["/nonexistent/newsfold/input.txt"])))
    assert recs == [] and len(errs) == 1 and errs[0].kind == "unreadable"


def test_json_array_gzipped_jsonl_and_bom(tmp_path, fixtures_dir):
    rows = [json.loads(line) for line in (fixtures_dir / "ingest" / "articles.jsonl").read_text().splitlines()]
    (tmp_path / "list.json").write_text(json.dumps(rows))
    with gzip.open(tmp_path / "rows.jsonl.gz", "wt") as fh:
        fh.write("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "bom-1", "text": "A line after a byte order mark."}).encode() + b"\n")
    for name, n in (("list.json", 3), ("rows.jsonl.gz", 3), ("bom.jsonl", 1)):
        recs, errs = _split(list(read_paths([str(tmp_path / name)])))
        assert errs == [] and len(recs) == n, name
    whole = (tmp_path / "rows.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    recs, errs = _split(list(read_paths([str(tmp_path / "cut.jsonl.gz")])))
    assert len(errs) == 1 and errs[0].kind == "malformed_json"


def test_utf16_file_with_bom_is_text_not_binary(tmp_path):
    p = tmp_path / "wide.txt"
    p.write_bytes("A wide-character article about the river festival.\n".encode("utf-16"))
    recs, errs = _split(list(read_paths([str(p)])))
    assert errs == [] and recs[0].content.startswith("A wide-character article")


def test_warc_payload_with_gzip_encoding_chunking_and_charset(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    text = ("<html><body><article><p>Caf\u00e9 owners in the fictional town of Sorel protested on "
            "Monday against a new parking fee in the old town.</p></article></body></html>")
    gz = gzip.compress(text.encode("utf-8"))
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(gz[i:i + 50]), gz[i:i + 50]) for i in range(0, len(gz), 50)) + b"0\r\n\r\n"
    latin = text.encode("latin-1")
    p = tmp_path / "enc.warc.gz"
    with open(p, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, payload, headers in (
            ("https://a.example/gz", chunked, [("Content-Type", "text/html; charset=utf-8"),
                                              ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]),
            ("https://a.example/latin", latin, [("Content-Type", "text/html; charset=ISO-8859-1")]),
        ):
            h = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=h))
    items = list(read_paths([str(p)]))
    recs, errs = _split(items)
    assert [r.url for r in recs] == ["https://a.example/gz", "https://a.example/latin"]
    assert all("Café owners" in r.content for r in recs)
    # the latin-1 page declared its charset: decoded with it, nothing to report
    assert errs == []


def test_jsonl_line_with_invalid_utf8_is_kept_with_a_warning(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(b'{"id": "x1", "text": "Caf\xe9 owners protested on Monday."}\n'
                  b'{"id": "x2", "text": "A clean line."}\n')
    recs, errs = _split(list(read_paths([str(p)])))
    assert [r.id for r in recs] == ["x1", "x2"]
    assert [(e.kind, e.position, e.article_id) for e in errs] == [("encoding", 1, "x1")]


def test_jsonl_escapes_without_utf8_form_and_deep_nesting_stop_nothing(tmp_path):
    """A lone surrogate escape is valid JSON with no UTF-8 form (it ended the whole run in the
    content hash); JSON nested deeper than the parser goes raised RecursionError, which ended
    the file's reading. Now: the first is kept with U+FFFD and a warning, the second is one
    error record, and every line after them is read."""
    p = tmp_path / "escapes.jsonl"
    p.write_bytes(b'{"id": "s1", "title": "Half \\ud83d a pair", "text": "Ferry crews struck on Monday \\udc00 at dawn."}\n'
                  + b"[" * 100_000 + b"\n"
                  + b'{"id": "s2", "text": "A whole pair \\ud83d\\ude00 stays as it is."}\n')
    recs, errs = _split(list(read_paths([str(p)])))
    assert [r.id for r in recs] == ["s1", "s2"]
    assert recs[0].content == "Ferry crews struck on Monday \ufffd at dawn." and recs[0].fields["title"] == "Half \ufffd a pair"
    assert recs[1].content == "A whole pair \U0001F600 stays as it is."
    assert [(e.kind, e.position, e.article_id) for e in errs] == [("encoding", 1, "s1"), ("malformed_json", 2, None)]
    assert "surrogate" in errs[0].reason and "nested too deeply" in errs[1].reason
    from newsfold.stages import ingest_and_clean, split_errors

    arts, _ = split_errors(ingest_and_clean([str(p)], config=Config()))
    assert [a.id for a in arts] == ["s1", "s2"] and arts[0].content_hash


def test_gzip_under_a_document_name_is_decompressed(tmp_path, fixtures_dir):
    """A page saved as its compressed HTTP body keeps its .html name: read it, not "binary"."""
    (tmp_path / "page.html").write_bytes(gzip.compress((fixtures_dir / "ingest" / "page.html").read_bytes()))
    recs, errs = _split(list(read_paths([str(tmp_path)])))
    assert errs == [] and [(r.id, r.format) for r in recs] == [("page", "html")]


def test_jsonl_headline_only_item_is_kept_with_a_warning(tmp_path):
    p = tmp_path / "titles.jsonl"
    p.write_text(json.dumps({"id": "t1", "title": "Shutdown's initial impact likely to be minor", "text": ""}) + "\n"
                 + json.dumps({"id": "t2", "text": "", "title": ""}) + "\n")
    recs, errs = _split(list(read_paths([str(p)])))
    assert [r.id for r in recs] == ["t1"] and recs[0].content == "Shutdown's initial impact likely to be minor"
    assert [(e.kind, e.position, e.article_id) for e in errs] == [("missing_text", 1, "t1"), ("missing_text", 2, None)]


def test_gzipped_documents_and_big_containers_with_unknown_names(tmp_path, fixtures_dir, seeds_dir):
    seed = seeds_dir / "000_0616c9603aa7a7b2.txt"
    (tmp_path / "seed.txt.gz").write_bytes(gzip.compress(seed.read_bytes()))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress((fixtures_dir / "ingest" / "page.html").read_bytes()))
    rows = (fixtures_dir / "ingest" / "articles.jsonl").read_bytes()
    (tmp_path / "rows.gz").write_bytes(gzip.compress(rows))
    (tmp_path / "bad.gz").write_bytes(gzip.compress(seed.read_bytes())[:40])
    recs, errs = _split(list(read_paths([str(tmp_path)])))
    assert [(e.path.split("/")[-1], e.kind) for e in errs] == [("bad.gz", "unreadable")]
    names = [r.path.split("/")[-1] for r in recs]
    assert names == ["page.html.gz", "rows.gz", "rows.gz", "rows.gz", "seed.txt.gz"]
    assert recs[0].format == "html" and recs[0].id == "page"
    assert recs[-1].format == "text" and recs[-1].id == "seed"
    # a JSON Lines file with an unknown name, larger than max_bytes, streams line by line
    (tmp_path / "dump.data").write_bytes(rows)
    small = Config(max_bytes=600)
    assert len(rows) > 600
    recs, errs = _split(list(read_paths([str(tmp_path / "dump.data")], config=small)))
    assert [r.id for r in recs] == ["jl-001", recs[1].id, recs[2].id] and errs == []


def test_stdin_streams_jsonl_and_warc_from_a_binary_pipe(fixtures_dir):
    raw = (fixtures_dir / "ingest" / "articles.jsonl").read_bytes()
    recs, errs = _split(list(read_paths(["-"], stdin=io.BufferedReader(io.BytesIO(raw)))))
    assert len(recs) == 3 and errs == [] and recs[0].id == "jl-001"
    warc = (fixtures_dir / "ingest" / "pages.warc.gz").read_bytes()
    recs, errs = _split(list(read_paths(["-"], stdin=io.BufferedReader(io.BytesIO(warc)))))
    assert len(recs) == 2 and errs == [] and all(r.format == "warc" for r in recs)


def test_json_objects_skip_bad_lines_with_their_line_numbers(tmp_path):
    from newsfold.ingest.rows import JsonObjects

    p = tmp_path / "rows.jsonl"
    p.write_text('{"id": "a"}\n\n{bad\n[1]\n{"id": "b"}\n', encoding="utf-8")
    objects = JsonObjects(p)
    assert [(n, o["id"]) for n, o in objects] == [(1, "a"), (5, "b")]
    assert [n for n, _ in objects.problems] == [3, 4] and objects.skipped == 2


def test_a_line_holding_a_bundle_of_articles_gives_each_article(tmp_path):
    """Summarisation and clustering data sets put one cluster per line, its articles in a
    list (Multi-News, SummHay). Each article is read, named by its own id or by the bundle's
    and its place in it; the bundle's label and reference are no part of any article; an
    element that is not an article is an error record at line:element."""
    body = "Harbour pilots in the fictional port of Tessa stopped work on Monday over night-shift pay."
    lines = [
        {"cluster_id": "c-7", "summary": "Pilots strike.", "articles": [
            {"title": "Pilots strike in Tessa", "text": body},
            {"doc_id": "d-2", "text": body.replace("Monday", "Tuesday")},
            "not an article"]},
        {"topic": "ferries", "documents": [{"id": 5, "text": body.replace("pilots", "ferry crews")}]},
        {"title": "A headline on its own line", "text": body.replace("Tessa", "Varn")},
    ]
    path = tmp_path / "bundles.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    items = list(read_paths([str(path)], config=Config()))
    recs = [r for r in items if isinstance(r, RawRecord)]
    assert [(r.id, r.position) for r in recs] == [("c-7/1", "1:1"), ("d-2", "1:2"), ("5", "2:1"),
                                                  (recs[3].id, 3)]
    assert recs[0].fields["title"] == "Pilots strike in Tessa" and "Tuesday" in recs[1].content
    assert not any("summary" in r.fields or "cluster_id" in r.fields for r in recs)
    (err,) = [r for r in items if isinstance(r, ErrorRecord)]
    assert err.position == "1:3" and err.kind == "malformed_json"
    # the same bundle in a .json file
    jpath = tmp_path / "bundle.json"
    jpath.write_text(json.dumps(lines[0]))
    got = [r for r in read_paths([str(jpath)], config=Config()) if isinstance(r, RawRecord)]
    assert [(r.id, r.position) for r in got] == [("c-7/1", "1:1"), ("d-2", "1:2")]


def test_csv_and_tsv_tables_of_articles(tmp_path):
    """A header row names the fields as JSON Lines does (a spreadsheet's "Title" / "Text"
    too); a quoted cell may span lines; an empty id falls back; a row with more cells than
    the header is an error record at its line; a table without a text column is one."""
    body = "Harbour pilots in the fictional port of Tessa stopped work on Monday, the union said."
    path = tmp_path / "articles.csv"
    path.write_text('Title,Text,date,source\n'
                    f'Pilots strike,"{body}\n\nTalks resume on Wednesday.",2026-03-02,Tessa Post\n'
                    f'Ferry crews join,"{body.replace("pilots", "ferry crews")}",,Varn Herald,extra\n'
                    f'Ferry crews join,"{body.replace("pilots", "ferry crews")}",2026-03-03,\n',
                    encoding="utf-8")
    items = list(read_paths([str(path)], config=Config()))
    recs = [r for r in items if isinstance(r, RawRecord)]
    assert [(r.position, r.fields["title"]) for r in recs] == [(2, "Pilots strike"), (6, "Ferry crews join")]
    assert recs[0].content.endswith("Talks resume on Wednesday.") and recs[0].fields["source"] == "Tessa Post"
    assert recs[1].id.startswith("h_") and "source" not in recs[1].fields
    (err,) = [r for r in items if isinstance(r, ErrorRecord)]
    assert (err.position, err.kind) == (5, "malformed_csv")
    tsv = tmp_path / "articles.tsv"
    tsv.write_text(f"id\ttext\nt1\t{body}\n", encoding="utf-8")
    (rec,) = list(read_paths([str(tsv)], config=Config()))
    assert (rec.id, rec.content) == ("t1", body)
    other = tmp_path / "prices.csv"
    other.write_text("item,price\nbread,2\n", encoding="utf-8")
    (err,) = list(read_paths([str(other)], config=Config()))
    assert err.kind == "missing_text" and "no text column" in err.reason


def test_a_table_on_stdin_or_under_a_silent_name_is_read_as_rows(tmp_path):
    """`cat articles.csv | newsfold run -` read the whole table as one plain-text article.
    A header line naming a text column makes it a table; a text that merely opens with a
    word like "Text," stays a text."""
    body = "Harbour pilots in the fictional port of Tessa stopped work on Monday, the union said."
    table = (f'id,Title,Text\np1,Pilots strike,"{body}"\n'
             f'p2,Ferry crews join,"{body.replace("pilots", "ferry crews")}"\n').encode()
    recs, errs = _split(list(read_paths(["-"], stdin=io.BytesIO(table))))
    assert [(r.id, r.fields["title"]) for r in recs] == [("p1", "Pilots strike"), ("p2", "Ferry crews join")]
    assert errs == [] and recs[0].content == body
    (tmp_path / "export").write_bytes(f"id\tbody\nt1\t{body}\n".encode())
    (rec,) = list(read_paths([str(tmp_path / "export")], config=Config()))
    assert (rec.id, rec.content) == ("t1", body)
    for text in ("Text, photos and video by Mara Lind for the Tessa Post.\n\n" + body,
                 "Moscow, July 31 (AP) — " + body,
                 "title,text\nnot, a, table, row, at, all\nsecond line\n" + body):
        recs, _ = _split(list(read_paths(["-"], stdin=io.BytesIO(text.encode()))))
        assert len(recs) == 1 and recs[0].format == "text", text[:30]


def test_a_news_api_answer_reads_as_its_articles(tmp_path):
    """A news API's JSON answer (NewsAPI's shape): the articles under "articles", ids from
    their URLs, the outlet from "source": {"name"}, authors as a list, "publishedAt", and
    the "[+1520 chars]" mark that closes a cut body removed (and kept in ``removed``)."""
    from newsfold.stages import clean_batch, split_errors

    answer = {"status": "ok", "totalResults": 2, "articles": [
        {"source": {"id": None, "name": "Tessa Post"}, "author": ["Mara Lind", "Ben Orr"],
         "title": "Harbour pilots strike in Tessa", "url": "https://tessapost.example/pilots",
         "publishedAt": "2026-03-02T08:15:00Z",
         "content": "Harbour pilots in the fictional port of Tessa stopped work on Monday over "
                    "night-shift pay, the union said. Talks are due to resume on Wed… [+1520 chars]"},
        {"source": {"id": "varn-herald", "name": "Varn Herald"}, "title": "Tessa port shut",
         "url": "https://varnherald.example/tessa", "publishedAt": "2026-03-02T10:00:00Z",
         "content": "The port of Tessa closed on Monday after harbour pilots walked out over "
                    "night-shift pay, officials said."}]}
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(answer), encoding="utf-8")
    arts, errors = split_errors(clean_batch(list(read_paths([str(path)], config=Config())),
                                            config=Config(ner_model="none")))
    assert errors == []
    assert [a.id for a in arts] == [url_id("https://tessapost.example/pilots"),
                                    url_id("https://varnherald.example/tessa")]
    assert [(a.source, a.published) for a in arts] == [("Tessa Post", "2026-03-02"), ("Varn Herald", "2026-03-02")]
    assert arts[0].byline == "Mara Lind, Ben Orr"
    assert arts[0].text.endswith("resume on Wed…") and "chars]" not in arts[0].text
    assert {"text": "… [+1520 chars]", "rule": "truncation_mark"} in arts[0].removed


def test_markdown_front_matter_gives_the_fields(tmp_path):
    """A static-site page: YAML front matter (title, date, author, source) above the body is
    read as the article's fields, not as its first lines; a text that merely opens with a
    rule line keeps its text."""
    from newsfold.stages import clean_batch, split_errors

    body = ("Harbour pilots in the fictional port of Tessa stopped work on Monday over "
            "night-shift pay, the union said.\n\nTalks are due to resume on Wednesday.")
    page = tmp_path / "pilots.md"
    page.write_text('---\ntitle: "Harbour pilots strike in Tessa"\ndate: 2026-03-02\n'
                    'author: Mara Lind\nsource: Tessa Post\ntags: [port, strike]\n---\n\n' + body,
                    encoding="utf-8")
    plain = tmp_path / "note.txt"
    plain.write_text("---\nBREAKING: Tessa port closed\n---\n\n" + body, encoding="utf-8")
    arts, errors = split_errors(clean_batch(list(read_paths([str(page), str(plain)], config=Config())),
                                            config=Config(ner_model="none")))
    assert not errors
    a, b = arts
    assert (a.title, a.published, a.byline, a.source) == \
        ("Harbour pilots strike in Tessa", "2026-03-02", "Mara Lind", "Tessa Post")
    assert a.text == body
    assert (b.title, b.text) == ("BREAKING: Tessa port closed", body)  # as without this reader


def test_stage_commands_name_a_bundles_articles_as_the_reader_does():
    """`newsfold cluster` / `eval clustering` rows of a bundle: each article keeps its own
    id, else the id its URL gives (as `newsfold run` names it), else <bundle>/<n>; they had
    all fallen back to one `line-<n>` id when they carried URLs but no ids."""
    from newsfold.ingest.rows import article_rows

    bundle = {"cluster_id": "c-1", "articles": [
        {"url": "https://tessapost.example/pilots", "text": "Pilots strike."},
        {"url": "https://varnherald.example/tessa", "text": "Port shut."},
        {"doc_id": "d-3", "text": "Talks resume."}, {"text": "Ferries run again."}]}
    got = [(r["id"], r["cluster"]) for _, r in article_rows([(7, bundle)])]
    assert got == [(url_id("https://tessapost.example/pilots"), "c-1"),
                   (url_id("https://varnherald.example/tessa"), "c-1"), ("d-3", "c-1"), ("c-1/4", "c-1")]


def test_a_compressed_table_larger_than_one_article_is_read_row_by_row(tmp_path):
    """``articles.csv.gz`` was decompressed as one document and refused over ``max_bytes``
    (the limit of one article); a table's limit is per row, compressed or not."""
    body = "Harbour pilots in the fictional port of Tessa stopped work on Monday over night-shift pay."
    rows = "".join(f'p{k},"{body} Day {k}."\n' for k in range(60))
    path = tmp_path / "articles.csv.gz"
    path.write_bytes(gzip.compress(("id,text\n" + rows).encode("utf-8")))
    cfg = Config(max_bytes=2000)
    assert len(rows) > 2 * cfg.max_bytes
    items = list(read_paths([str(path)], config=cfg))
    assert [r.id for r in items] == [f"p{k}" for k in range(60)]
