"""Runs on a growing store: keeping unchanged stories' analysis vs analysing everything again.

    python bench/bench_rerun.py                         # real-text feed, 400 originals (~800 articles)
    python bench/bench_rerun.py --max-originals 200 --ner none
    python bench/bench_rerun.py --input feed.jsonl      # any JSONL, in file order

A daily user runs ``newsfold run --db news.db`` on each day's files. Every run folds and
clusters the whole store again; the analysis of a story whose inputs did not change is kept
(``stages.AnalysisReuse``). Two scenarios, each measured both ways in this process on copies
of one SQLite store (the baseline is ``Config(reuse_analysis=False)`` = ``--reanalyse``):

* **repeat**: the same input again (nothing new);
* **grow**: the store holds the first 75% of the input in date order (its "history"); the last
  25% arrives.

A third row times the same growth with ``--incremental`` (``Config(incremental=True)``: only
the new articles are folded, clustered and analysed; the history is added incrementally too,
from an empty store, and timed apart) and reports how its stories agree with the batch way's
(pairwise P/R/F1, batch as reference) and, where the feed names real events, how each way's
stories score against them.

For each it prints wall and CPU seconds, stories kept, the ratio baseline / reuse, the peak RSS
of the process, and whether both ways give the same stories (they must). spaCy's in-process
mention cache is cleared before every timed run so that the baseline is not helped by it;
the mentions an earlier run kept in the store (``Store.get_mentions``) are read by both ways,
as they are by a user's runs on one store.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfold.analyze import entities  # noqa: E402
from newsfold.config import Config  # noqa: E402
from newsfold.eval.metrics import pairwise  # noqa: E402
from newsfold.run import run  # noqa: E402
from newsfold.store import open_store  # noqa: E402

DATA = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared")) / "data"
#: the real-text generator's truth fields (and clustering gold labels)
GOLD = {"family", "origin", "relation", "type", "event", "cluster", "topic", "split"}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_run(paths, db: Path, ner: str, reuse: bool, incremental: bool = False):
    entities._SPACY_CACHE.clear()
    cfg = Config(ner_model=ner, progress=False, reuse_analysis=reuse, incremental=incremental)
    t0, c0 = time.perf_counter(), time.process_time()
    with open_store(str(db)) as store:
        result = run([str(p) for p in paths], config=cfg, store=store)
    return result, time.perf_counter() - t0, time.process_time() - c0


def stories(result) -> list:
    return sorted((s.to_dict() for s in result.stories), key=lambda d: d["id"])


def compare(name: str, paths, base_db: Path, tmp: Path, ner: str) -> dict:
    runs = {}
    for way, reuse in (("reuse", True), ("reanalyse", False)):
        db = tmp / f"{name}-{way}.db"
        shutil.copy(base_db, db)
        runs[way] = timed_run(paths, db, ner, reuse)
    (r_res, r_wall, r_cpu), (b_res, b_wall, b_cpu) = runs["reuse"], runs["reanalyse"]
    row = {
        "scenario": name,
        "stories": len(r_res.stories),
        "kept": r_res.stats.get("analyses_reused", 0),
        "reuse_wall_s": round(r_wall, 2), "reuse_cpu_s": round(r_cpu, 2),
        "reanalyse_wall_s": round(b_wall, 2), "reanalyse_cpu_s": round(b_cpu, 2),
        "speedup_wall": round(b_wall / r_wall, 2) if r_wall else None,
        "same_stories": stories(r_res) == stories(b_res),
    }
    print(json.dumps(row), flush=True)
    return row


def story_f1(result, truth: dict) -> dict:
    """Pairwise P/R/F1 of the run's stories against the feed's real events (the articles with
    one), and the story count."""
    story = {a.id: a.story for a in result.articles}
    ids = [i for i in truth if i in story]
    sc = pairwise([truth[i] for i in ids], [story[i] for i in ids])
    return {k: round(v, 3) for k, v in sc.items() if k in ("precision", "recall", "f1")}


def incremental(history: Path, today: Path, tmp: Path, ner: str, grow: dict, batch_db: Path,
                truth: dict) -> dict:
    """The daily run with ``--incremental``: the history added incrementally from an empty
    store, then today's articles; against the batch way (``grow``'s reuse run, re-run here on
    a copy of its store to score its stories)."""
    db = tmp / "inc.db"
    _, h_wall, h_cpu = timed_run([history], db, ner, True, incremental=True)
    res, wall, cpu = timed_run([today], db, ner, True, incremental=True)
    bdb = tmp / "grow-batch-score.db"
    shutil.copy(batch_db, bdb)
    batch, _, _ = timed_run([today], bdb, ner, True)
    story = {a.id: a.story for a in res.articles}
    bstory = {a.id: a.story for a in batch.articles}
    ids = sorted(story)
    row = {
        "scenario": "grow, --incremental",
        "history_wall_s": round(h_wall, 2), "history_cpu_s": round(h_cpu, 2),
        "incremental_wall_s": round(wall, 2), "incremental_cpu_s": round(cpu, 2),
        "batch_reuse_wall_s": grow["reuse_wall_s"],
        "speedup_wall_vs_batch_reuse": round(grow["reuse_wall_s"] / wall, 2) if wall else None,
        "stories_touched": res.stats.get("stories_touched"), "stories": len(res.stories),
        "batch_stories": len(batch.stories),
        "agreement_with_batch_pairwise": {k: round(v, 3) for k, v in pairwise(
            [bstory[i] for i in ids], [story[i] for i in ids]).items() if k in ("precision", "recall", "f1")},
    }
    if truth:
        row["events_incremental"] = story_f1(res, truth)
        row["events_batch"] = story_f1(batch, truth)
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", help="a JSONL feed (default: the real-text corpus built here)")
    ap.add_argument("--max-originals", type=int, default=400)
    ap.add_argument("--ner", default="auto", help="ner_model: auto (spaCy if installed) or none")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        if args.input:
            rows = [json.loads(ln) for ln in Path(args.input).read_text(encoding="utf-8").splitlines()
                    if ln.strip()]
        else:
            from bench.dedup.realtext import build

            rows = build(DATA, 0, args.max_originals)
        # a feed arrives in date order; the run must not see the generator's truth
        rows.sort(key=lambda r: (r.get("date") is None, r.get("date") or ""))
        lines = [json.dumps({k: v for k, v in r.items() if k not in GOLD}) for r in rows]
        cut = len(lines) * 3 // 4
        history, today, whole = tmp / "history.jsonl", tmp / "today.jsonl", tmp / "all.jsonl"
        history.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
        today.write_text("\n".join(lines[cut:]) + "\n", encoding="utf-8")
        whole.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} articles ({cut} history, {len(lines) - cut} new), ner={args.ner}", flush=True)

        full_db, hist_db = tmp / "full.db", tmp / "history.db"
        timed_run([whole], full_db, args.ner, True)
        timed_run([history], hist_db, args.ner, True)
        truth = {r["id"]: r["event"] for r in rows if r.get("id") and r.get("event") is not None}
        rows = [compare("repeat", [whole], full_db, tmp, args.ner),
                compare("grow", [today], hist_db, tmp, args.ner)]
        incremental(history, today, tmp, args.ner, rows[1], hist_db, truth)
        print(json.dumps({"peak_rss_mib": round(peak_mib()), "all_same": all(r["same_stories"] for r in rows)}))


if __name__ == "__main__":
    main()
