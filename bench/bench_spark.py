"""Local vs Spark executor on the same input: wall time, driver memory, same result?

    python bench/bench_spark.py                    # ECB+ dev articles (gold labels removed)
    python bench/bench_spark.py --n 300 --ner none
    python bench/bench_spark.py --input examples/demo

The ECB+ lines are copied to a temp file without their gold fields first (the run must never
see them). Spark runs in local[2]; its session start-up is timed apart.
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

from newsfold.config import Config  # noqa: E402
from newsfold.run.local import run_local  # noqa: E402
from newsfold.store import open_store  # noqa: E402

DATA = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared")) / "data"
GOLD = {"cluster", "topic", "split"}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def normalise(result) -> dict:
    d = result.to_dict()
    for a in d["articles"]:
        a.pop("first_seen", None)
    for s in d["stories"]:
        s["timeline"] = [e for e in s["timeline"] if "first_seen" not in e["kind"]]
    return d


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", help="file or folder (default: ECB+ dev without gold fields)")
    ap.add_argument("--n", type=int, default=0, help="first N ECB+ articles (0 = all)")
    ap.add_argument("--ner", default="none", help="ner_model: none (rules) or auto")
    args = ap.parse_args()
    cfg = Config(ner_model=args.ner, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        if args.input:
            inputs = [args.input]
        else:
            src = DATA / "clustering" / "ecbplus-dev.jsonl"
            out = Path(tmp) / "ecbplus.jsonl"
            with open(src) as fin, open(out, "w") as fout:
                for i, line in enumerate(fin):
                    if args.n and i >= args.n:
                        break
                    row = {k: v for k, v in json.loads(line).items() if k not in GOLD}
                    fout.write(json.dumps(row) + "\n")
            inputs = [str(out)]
        t = time.perf_counter()
        with open_store(str(Path(tmp) / "local.db")) as store:
            local = run_local(inputs, config=cfg, store=store)
        t_local = time.perf_counter() - t
        rss_local = rss_mb()

        from newsfold.run.spark import run_spark, spark_session

        t = time.perf_counter()
        session = spark_session()
        t_start = time.perf_counter() - t
        t = time.perf_counter()
        with open_store(str(Path(tmp) / "spark.db")) as store:
            dist = run_spark(inputs, config=cfg, store=store)
        t_spark = time.perf_counter() - t
        rss_spark = rss_mb()
        session.stop()
    a, b = normalise(local), normalise(dist)
    same = a == b
    if not same:  # say where (a stage file edited during the run also shows up here)
        for key in ("articles", "stories", "errors"):
            for x, y in zip(a[key], b[key]):
                if x != y:
                    field = next(k for k in x if x[k] != y.get(k))
                    print(f"first difference: {key} {x.get('id', '')} .{field}\n  local: "
                          f"{str(x[field])[:300]}\n  spark: {str(y.get(field))[:300]}")
                    break
    print(
        f"articles={len(local.articles)} stories={len(local.stories)} ner={args.ner}\n"
        f"local  {t_local:.1f} s  (driver rss {rss_local:.0f} MiB)\n"
        f"spark  {t_spark:.1f} s  + session start {t_start:.1f} s  (driver rss {rss_spark:.0f} MiB, "
        f"local[2])\nsame result: {same}"
    )


if __name__ == "__main__":
    main()
