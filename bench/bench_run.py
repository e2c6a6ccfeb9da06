"""The whole job (``newsfold run``) on real text: analysis on worker processes vs in process.

    python bench/bench_run.py                          # real-text feed, 800 originals (~1,700 articles)
    python bench/bench_run.py --max-originals 2000     # ~4,200 articles
    python bench/bench_run.py --ner none               # rules only (no spaCy)
    python bench/bench_run.py --input feed.jsonl       # any JSONL

One process, one input, two timed runs, each on a fresh in-memory store: the baseline
``Config(analyze_workers=1)`` (every story analysed in this process, one spaCy process) and
the default (stories analysed on ``min(2, CPU count)`` forked workers, each task's spaCy pass
in its worker: ``stages.analyze_stories``). Before each run the caches that would help the
second one are cleared (spaCy's mention cache, the per-string caches of name normalisation and
claim tokens). Prints for each: wall and CPU seconds (CPU includes the workers, reaped
children), articles per second, peak memory above the start (this process's RSS plus its
children's unique memory: ``bench.dedup.run.PeakRSS``), and the wall ratio baseline / default;
then whether both runs wrote the same stories (they must: each story is analysed alone, by
the same code).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dedup.run import PeakRSS  # noqa: E402
from newsfold.analyze import claims, entities  # noqa: E402
from newsfold.config import Config  # noqa: E402
from newsfold.run import run  # noqa: E402
from newsfold.store import open_store  # noqa: E402

DATA = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared")) / "data"
#: the real-text generator's truth fields (and clustering gold labels)
GOLD = {"family", "origin", "relation", "type", "event", "cluster", "topic", "split"}


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _clear_caches() -> None:
    entities._SPACY_CACHE.clear()
    entities._norm_tokens.cache_clear()
    entities.skeleton.cache_clear()
    entities.same_surname.cache_clear()
    claims._WORD_TOKENS.clear()
    gc.collect()


def timed(path: Path, ner: str, workers: int) -> dict:
    _clear_caches()
    cfg = Config(ner_model=ner, progress=False, analyze_workers=workers)
    with PeakRSS() as mem:
        w0, c0 = time.perf_counter(), _cpu()
        with open_store(None) as store:
            result = run([str(path)], config=cfg, store=store)
        wall, cpu = time.perf_counter() - w0, _cpu() - c0
    n = len(result.articles)
    return {
        "analyze_workers": workers, "articles": n, "stories": len(result.stories),
        "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "articles_per_s_wall": round(n / wall, 1),
        "peak_mib": round(mem.mib), "workers_uss_peak_mib": round(mem.peak_children / 2**20),
        "_stories": sorted(s.to_json() for s in result.stories),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", help="a JSONL feed (default: the real-text corpus built here)")
    ap.add_argument("--max-originals", type=int, default=800)
    ap.add_argument("--ner", default="auto", help="ner_model: auto (spaCy if installed) or none")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_s:
        feed = Path(tmp_s) / "feed.jsonl"
        if args.input:
            rows = [json.loads(ln) for ln in Path(args.input).read_text(encoding="utf-8").splitlines() if ln.strip()]
        else:
            from bench.dedup.realtext import build

            rows = build(DATA, 0, args.max_originals)
        feed.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in GOLD}) + "\n" for r in rows),
                        encoding="utf-8")
        print(f"{len(rows)} articles, ner={args.ner}", flush=True)
        base = timed(feed, args.ner, 1)
        print(json.dumps({k: v for k, v in base.items() if k != "_stories"}), flush=True)
        par = timed(feed, args.ner, args.workers)
        print(json.dumps({k: v for k, v in par.items() if k != "_stories"}), flush=True)
        print(json.dumps({
            "speedup_wall": round(base["wall_s"] / par["wall_s"], 2),
            "cpu_ratio": round(par["cpu_s"] / base["cpu_s"], 2),
            "same_stories": base["_stories"] == par["_stories"],
        }))


if __name__ == "__main__":
    main()
