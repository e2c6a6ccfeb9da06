"""Exports: stories, articles, claims and quotes as JSONL, Parquet or CSV, with the API's schema.

    export(db, format, out) -> list[Path]      # `newsfold export --db FILE --format ... --out DIR`

Four tables, one file each (``stories.<ext>``, ``articles.<ext>``, ``claims.<ext>``,
``quotes.<ext>``):

- ``stories``: the rows of ``GET /api/stories`` (``StorySummary``: the story without its
  analysis lists, plus claim/quote counts);
- ``articles``: the rows of ``GET /api/articles/{id}`` without the family detail (the
  ``Article`` schema);
- ``claims`` / ``quotes``: one row per claim / quote with ``story`` and ``index`` (its
  position in the story) in front of the ``Claim`` / ``Quote`` fields.

JSONL keeps every value as the API returns it. Parquet keeps strings, numbers, booleans and
lists of strings as native columns; nested objects (``sources``, ``summary``, ``similarity``,
``removed``, ``meta``, ``values``) are JSON text, and the file's metadata lists them under
``newsfold.json_columns`` so a reader can decode them. CSV writes lists and objects as JSON.
"""

from __future__ import annotations

import csv
import json
import typing
from pathlib import Path
from typing import Any, Iterator, Union

from newsfold.store.base import Store

FORMATS = ("jsonl", "parquet", "csv")
TABLES = ("stories", "articles", "claims", "quotes")


def _models():
    from newsfold.api import schemas as S

    claim_fields = {"story": (str, ...), "index": (int, ...)}
    claim_row = S.model_for(__import__("newsfold.model", fromlist=["Claim"]).Claim, name="ClaimRow",
                            extra=claim_fields)
    quote_row = S.model_for(__import__("newsfold.model", fromlist=["Quote"]).Quote, name="QuoteRow",
                            extra=dict(claim_fields))
    # field order: story, index first
    return {"stories": S.StorySummaryModel, "articles": S.ArticleModel, "claims": claim_row,
            "quotes": quote_row}


def _columns(model) -> list[str]:
    names = list(model.model_fields)
    for first in ("index", "story"):
        if first in names and model.__name__ in ("ClaimRow", "QuoteRow"):
            names.remove(first)
            names.insert(0, first)
    return names


def iter_rows(store: Store) -> dict[str, Iterator[dict[str, Any]]]:
    """The four tables as row dicts (the API's JSON), streamed from the store."""
    from newsfold.api.schemas import story_summary

    def stories() -> Iterator[dict[str, Any]]:
        for s in _all_stories(store):
            yield story_summary(s)

    def articles() -> Iterator[dict[str, Any]]:
        for a in store.iter_articles():
            yield a.to_dict()

    def claims() -> Iterator[dict[str, Any]]:
        for s in _all_stories(store):
            for i, c in enumerate(s.claims):
                yield {"story": s.id, "index": i, **c.to_dict()}

    def quotes() -> Iterator[dict[str, Any]]:
        for s in _all_stories(store):
            for i, q in enumerate(s.quotes):
                yield {"story": s.id, "index": i, **q.to_dict()}

    return {"stories": stories(), "articles": articles(), "claims": claims(), "quotes": quotes()}


def _all_stories(store: Store, page: int = 500):
    offset = 0
    while True:
        batch = store.list_stories(limit=page, offset=offset)
        yield from batch
        if len(batch) < page:
            return
        offset += page


def export(db: Union[str, Store], format: str = "jsonl", out: Union[str, Path] = "export") -> list[Path]:
    """Write the four tables under ``out``; returns the files written."""
    fmt = format.lower().strip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    own = not isinstance(db, Store)
    if own:
        from newsfold.store import open_store

        store = open_store(str(db))
    else:
        store = db  # type: ignore[assignment]
    try:
        models = _models()
        written = []
        for table, rows in iter_rows(store).items():
            path = out / f"{table}.{fmt}"
            cols = _columns(models[table])
            if fmt == "jsonl":
                _write_jsonl(path, rows, cols)
            elif fmt == "csv":
                _write_csv(path, rows, cols)
            else:
                _write_parquet(path, rows, models[table], cols)
            written.append(path)
        return written
    finally:
        if own:
            store.close()


def _ordered(row: dict[str, Any], cols: list[str]) -> dict[str, Any]:
    return {c: row.get(c) for c in cols}


def _write_jsonl(path: Path, rows, cols) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(_ordered(row, cols), ensure_ascii=False) + "\n")


def _write_csv(path: Path, rows, cols) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for row in rows:
            w.writerow([_csv_cell(row.get(c)) for c in cols])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _arrow_type(tp: Any):
    """pyarrow type for a field annotation; ``None`` means: store as JSON text."""
    import pyarrow as pa

    origin = typing.get_origin(tp)
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if origin is Union or str(origin) == "<class 'types.UnionType'>":
        if len(args) == 1:
            return _arrow_type(args[0])
        return None  # e.g. position: int | str -> JSON keeps the type
    if tp is str:
        return pa.string()
    if tp is bool:
        return pa.bool_()
    if tp is int:
        return pa.int64()
    if tp is float:
        return pa.float64()
    if origin is list and args and args[0] is str:
        return pa.list_(pa.string())
    return None


def arrow_schema(model, cols: list[str]):
    """(pyarrow schema, names of JSON-text columns) for a pydantic row model."""
    import pyarrow as pa

    fields, json_cols = [], []
    for c in cols:
        t = _arrow_type(model.model_fields[c].annotation)
        if t is None:
            json_cols.append(c)
            t = pa.string()
        fields.append(pa.field(c, t))
    meta = {"newsfold.json_columns": json.dumps(json_cols), "newsfold.table": model.__name__}
    return pa.schema(fields, metadata=meta), json_cols


def _write_parquet(path: Path, rows, model, cols, batch: int = 5000) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover
        raise ImportError("Parquet export needs pyarrow: pip install 'newsfold[export]'") from exc
    schema, json_cols = arrow_schema(model, cols)
    stringy = {f.name for f in schema if f.type == pa.string()} - set(json_cols)
    writer = pq.ParquetWriter(str(path), schema)
    try:
        buf: list[dict[str, Any]] = []

        def flush() -> None:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))
            buf.clear()

        for row in rows:
            r = _ordered(row, cols)
            for c in json_cols:
                r[c] = None if r[c] is None else json.dumps(r[c], ensure_ascii=False)
            for c in stringy:
                if r[c] is not None and not isinstance(r[c], str):
                    r[c] = str(r[c])
            buf.append(r)
            if len(buf) >= batch:
                flush()
        flush()  # also for an empty table: the file still has the schema
    finally:
        writer.close()


def read_parquet_rows(path: Union[str, Path]) -> list[dict[str, Any]]:
    """Read an exported Parquet table back into API-shaped row dicts (JSON columns decoded)."""
    import pyarrow.parquet as pq

    table = pq.read_table(str(path))
    meta = table.schema.metadata or {}
    json_cols = json.loads(meta.get(b"newsfold.json_columns", b"[]"))
    rows = table.to_pylist()
    for r in rows:
        for c in json_cols:
            if r.get(c) is not None:
                r[c] = json.loads(r[c])
    return rows


__all__ = ["export", "iter_rows", "read_parquet_rows", "arrow_schema", "FORMATS", "TABLES"]
