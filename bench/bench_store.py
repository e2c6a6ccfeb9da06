"""Store throughput: batched inserts, idempotent re-adds, iteration, story upserts, search.

    python bench/bench_store.py                      # SQLite file, 50,000 articles
    python bench/bench_store.py --n 200000 --postgres  # also a throwaway PostgreSQL server

Articles are real texts (../shared/data/clustering/ecbplus-dev.jsonl) made unique with a
counter, so the content-hash index is exercised as in a real archive.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfold.model import Article, Story, SummarySentence  # noqa: E402
from newsfold.store import open_store  # noqa: E402

DATA = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared")) / "data"


def corpus(n: int) -> list[Article]:
    rows = [json.loads(line) for line in open(DATA / "clustering" / "ecbplus-dev.jsonl")]
    out = []
    for i in range(n):
        r = rows[i % len(rows)]
        out.append(Article(
            id=f"{r['id']}#{i}", text=f"{r['text']}\n[{i}]", title=r.get("title"),
            source=r.get("source") or f"outlet{i % 97}.example",
            published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        ))
    return out


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        return float("nan")


def bench(url: str, articles: list[Article], label: str) -> None:
    n = len(articles)
    store = open_store(url)
    t = time.perf_counter()
    added = store.add_articles(articles)
    t_add = time.perf_counter() - t
    assert len(added) == n
    t = time.perf_counter()
    again = store.add_articles(articles)
    t_re = time.perf_counter() - t
    assert again == []
    t = time.perf_counter()
    k = sum(1 for _ in store.iter_articles())
    t_iter = time.perf_counter() - t
    assert k == n
    stories = [
        Story(id=f"s{j}", title=articles[j * 10].title or "", articles=[a.id for a in articles[j * 10:(j + 1) * 10]],
              first_published=articles[j * 10].published, last_published=articles[j * 10].published,
              sources={"independent": 1 + j % 5},
              summary=[SummarySentence(text=(articles[j * 10].text or "")[:200], citations=[articles[j * 10].id])])
        for j in range(n // 10)
    ]
    t = time.perf_counter()
    store.put_stories(stories, replace_all=True)
    t_put = time.perf_counter() - t
    queries = ["earthquake", "rehab", "police shooting", "apple", "award*", "election results"]
    t = time.perf_counter()
    hits = 0
    for _ in range(10):
        for q in queries:
            hits += len(store.list_stories(q=q, limit=20))
    t_q = (time.perf_counter() - t) / (10 * len(queries))
    t = time.perf_counter()
    for _ in range(20):
        store.list_stories(since="2025-06-01", min_independent=3, outlet="outlet5.example", limit=20)
    t_f = (time.perf_counter() - t) / 20
    store.close()
    print(
        f"{label:10s} n={n:,}  add {n / t_add:,.0f} art/s  re-add(skip) {n / t_re:,.0f} art/s  "
        f"iter {n / t_iter:,.0f} art/s  put_stories {len(stories) / t_put:,.0f} stories/s "
        f"(with FTS)  search {t_q * 1000:.1f} ms/query  filters {t_f * 1000:.1f} ms  "
        f"rss {rss_mb():.0f} MiB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    articles = corpus(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        bench(str(Path(tmp) / "bench.db"), articles, "sqlite")
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import pg  # tests/pg.py: a throwaway server

        reason = pg.why_unavailable()
        if reason:
            print(f"postgres skipped: {reason}")
            return
        server = pg.TempPostgres()
        server.start()
        try:
            bench(server.new_database(), articles, "postgres")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
