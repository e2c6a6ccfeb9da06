"""Exports (JSONL, Parquet, CSV) carry the same rows as the JSON API."""

from __future__ import annotations

import csv
import json

import pytest

pytest.importorskip("fastapi")
pq = pytest.importorskip("pyarrow.parquet")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from newsfold.api.app import create_app  # noqa: E402
from newsfold.cli import app as cli_app  # noqa: E402
from newsfold.export import export, read_parquet_rows  # noqa: E402
from newsfold.model import Article, Story  # noqa: E402
from newsfold.store import open_store  # noqa: E402


@pytest.fixture()
def db(tmp_path, fixtures_dir):
    path = tmp_path / "x.db"
    data = json.loads((fixtures_dir / "api" / "corpus.json").read_text(encoding="utf-8"))
    with open_store(str(path)) as st:
        st.add_articles([Article.from_dict(a) for a in data["articles"]])
        st.put_stories([Story.from_dict(s) for s in data["stories"]])
    return path


def api_rows(db):
    with open_store(str(db)) as st:
        c = TestClient(create_app(st, token=None))
        stories = c.get("/api/stories", params={"limit": 500}).json()["items"]
        details = [c.get(f"/api/stories/{s['id']}").json() for s in stories]
        articles = []
        for d in details:
            for aid in d["articles"]:
                a = c.get(f"/api/articles/{aid}").json()
                a.pop("family_members"), a.pop("story_title")
                articles.append(a)
    claims = [{"story": d["id"], "index": i, **cl} for d in details for i, cl in enumerate(d["claims"])]
    quotes = [{"story": d["id"], "index": i, **q} for d in details for i, q in enumerate(d["quotes"])]
    return {"stories": stories, "articles": articles, "claims": claims, "quotes": quotes}


def key(row):
    return (row.get("story", ""), row.get("index", 0), row["id"] if "id" in row else "")


def test_parquet_reads_back_into_the_api_rows(db, tmp_path):
    files = export(str(db), "parquet", tmp_path / "out")
    assert [f.name for f in files] == ["stories.parquet", "articles.parquet", "claims.parquet", "quotes.parquet"]
    expected = api_rows(db)
    for f in files:
        table = f.stem
        got = read_parquet_rows(f)
        assert sorted(got, key=key) == sorted(expected[table], key=key), table
    # native columns where the schema allows: counts are integers, id lists are string lists
    schema = pq.read_schema(tmp_path / "out" / "claims.parquet")
    assert str(schema.field("independent_sources").type) == "int64"
    assert str(schema.field("articles").type) == "list<element: string>"


def test_jsonl_and_csv_rows(db, tmp_path):
    expected = api_rows(db)
    export(str(db), "jsonl", tmp_path / "j")
    for table, rows in expected.items():
        lines = (tmp_path / "j" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        assert sorted((json.loads(x) for x in lines), key=key) == sorted(rows, key=key), table
    export(str(db), "csv", tmp_path / "c")
    with open(tmp_path / "c" / "claims.csv", encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert len(got) == len(expected["claims"])
    by_text = {r["text"]: r for r in got}
    conflicting = next(c for c in expected["claims"] if c["status"] == "conflicting")
    row = by_text[conflicting["text"]]
    assert json.loads(row["values"]) == conflicting["values"] and json.loads(row["articles"]) == conflicting["articles"]
    # hostile text is kept verbatim as data in its cell
    assert any("<svg" in r["text"] for r in got)


def test_cli_export_and_bad_format(db, tmp_path):
    out = tmp_path / "cli"
    res = CliRunner().invoke(cli_app, ["export", "--db", str(db), "--format", "parquet", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "stories.parquet").exists() and "stories.parquet" in res.output
    with pytest.raises(ValueError, match="unknown export format"):
        export(str(db), "xml", tmp_path / "bad")


def test_empty_store_exports_empty_tables_with_schema(tmp_path):
    db = tmp_path / "empty.db"
    open_store(str(db)).close()
    files = export(str(db), "parquet", tmp_path / "e")
    for f in files:
        assert read_parquet_rows(f) == []
        assert len(pq.read_schema(f).names) > 3


def test_exported_articles_csv_reads_back_as_the_same_articles(db, tmp_path):
    """``newsfold export --format csv`` then ``newsfold run articles.csv``: the articles the
    exported JSON Lines give (ids, titles, texts, outlets, dates), every stored id. A .csv
    had been read as one plain-text article made of the whole table."""
    from newsfold.config import Config
    from newsfold.ingest import read_paths
    from newsfold.stages import clean_batch, split_errors

    def read(path):
        raws = list(read_paths([str(path)], config=Config()))
        return split_errors(clean_batch(raws, config=Config(ner_model="none")))

    export(str(db), "csv", tmp_path / "c")
    export(str(db), "jsonl", tmp_path / "j")
    got, errors = read(tmp_path / "c" / "articles.csv")
    want, _ = read(tmp_path / "j" / "articles.jsonl")
    assert not errors
    with open_store(str(db)) as st:
        assert {a.id for a in got} == {a.id for a in st.iter_articles()}
    fields = lambda a: (a.id, a.title, a.text, a.source, a.published)  # noqa: E731
    assert sorted(map(fields, got)) == sorted(map(fields, want))


def test_a_run_on_our_own_output_keeps_each_articles_extra_fields_not_the_last_runs_findings(tmp_path):
    """`newsfold run out/stories.json` (a re-run after an upgrade): every article's ``meta``
    had gathered the previous run's family, relation, hashes, removed spans and its ``meta``
    inside ``meta``. Now it holds what the first run held: the article's own extra fields."""
    from pathlib import Path

    from newsfold.config import Config
    from newsfold.clean.pipeline import ENGINE_FIELDS
    from newsfold.report import write_outputs
    from newsfold.run import run

    demo = Path(__file__).resolve().parents[1] / "examples" / "demo"
    first = run([str(demo)], config=Config(ner_model="none", progress=False))
    write_outputs(first, tmp_path / "out")
    again = run([str(tmp_path / "out" / "stories.json")], config=Config(ner_model="none", progress=False))
    before = {a.id: a.meta for a in first.articles}
    assert {a.id for a in again.articles} == set(before)
    assert any(before.values())  # the demo's JSON Lines rows carry extra fields of their own
    for a in again.articles:
        assert a.meta == before[a.id], a.id
        assert not set(a.meta) & ENGINE_FIELDS
