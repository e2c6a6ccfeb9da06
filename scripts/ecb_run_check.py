#!/usr/bin/env python3
"""Issue 2's end-to-end clustering check: ``newsfold run`` on ECB+ with the gold labels removed.

1. copy ``ecbplus-dev.jsonl`` to a temporary file without the ``cluster``, ``topic`` and
   ``split`` fields (so nothing in the run can see the gold stories);
2. run ``python -m newsfold run <that file> --out <tmp> --db <tmp>/nf.db`` as a user would;
3. read ``stories.json`` and score its stories against the gold ``cluster`` labels:
   pairwise P/R/F1, BCubed P/R/F1 and ARI. Gold articles missing from the output count as
   singletons (a lost article can only cost recall) and are reported in ``missing``.

Prints one JSON object. Usage (from the repository root)::

    python scripts/ecb_run_check.py [--data ../shared/data/clustering/ecbplus-dev.jsonl]
                                    [--mode stream|batch] [--dense] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared")) / "data" / "clustering" / "ecbplus-dev.jsonl"
HIDDEN = ("cluster", "topic", "split")


def _scores(gold: list, pred: list) -> dict:
    try:
        from newsfold.eval.metrics import ari, bcubed, pairwise
    except ImportError:  # the package's metrics are the reference; this is only a fallback
        return {"pairwise": _pairwise_local(gold, pred)}
    return {"pairwise": pairwise(gold, pred), "bcubed": bcubed(gold, pred), "ari": ari(gold, pred)}


def _pairwise_local(gold: list, pred: list) -> dict:
    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    both = sum(pairs(n) for n in Counter(zip(gold, pred)).values())
    g = sum(pairs(n) for n in Counter(gold).values())
    p = sum(pairs(n) for n in Counter(pred).values())
    prec = both / p if p else float(g == 0)
    rec = both / g if g else float(p == 0)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--mode", default=None, help="clustering mode passed to newsfold run (default: its own)")
    ap.add_argument("--keep", type=Path, default=None, help="write the run's outputs here instead of a temp dir")
    ap.add_argument("--dense", action="store_true", help="pass --dense to newsfold run (dense clustering channel)")
    args = ap.parse_args(argv)

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = {str(r["id"]): r["cluster"] for r in rows}

    with tempfile.TemporaryDirectory(prefix="ecb-run-") as tmp:
        tmp = Path(tmp)
        blind = tmp / "ecbplus-blind.jsonl"
        with blind.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({k: v for k, v in r.items() if k not in HIDDEN}, ensure_ascii=False) + "\n")
        out = args.keep or (tmp / "out")
        cmd = [sys.executable, "-m", "newsfold", "run", str(blind), "--out", str(out),
               "--db", str(tmp / "nf.db"), "--no-progress"]
        if args.mode:
            cmd += ["--mode", args.mode]
        if args.dense:
            cmd += ["--dense"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr[-4000:], file=sys.stderr)
            print(json.dumps({"error": f"newsfold run exited {proc.returncode}", "seconds": round(seconds, 1)}))
            return 1
        result = json.loads((out / "stories.json").read_text(encoding="utf-8"))

    story_of = {aid: s["id"] for s in result["stories"] for aid in s["articles"]}
    out_ids = {a["id"] for a in result["articles"]}
    ids = sorted(gold)
    missing = [i for i in ids if i not in out_ids]
    unassigned = [i for i in ids if i in out_ids and i not in story_of]
    g = [gold[i] for i in ids]
    p = [story_of.get(i, f"__singleton__{i}") for i in ids]
    report = {
        "data": str(args.data),
        "articles_in": len(rows),
        "articles_out": len(result["articles"]),
        "gold_stories": len(set(g)),
        "predicted_stories": len(result["stories"]),
        "errors": len(result["errors"]),
        "missing": missing,
        "unassigned": unassigned,
        "seconds": round(seconds, 1),
        **_scores(g, p),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
