"""A dated feed built from labelled clustering sets, for measuring a long live feed.

    python -m bench.cluster.dated_feed --out feed.jsonl \\
        ../shared/data/clustering/neus-train.jsonl:cluster rt.jsonl:event
    newsfold eval clustering feed.jsonl              # batch: one window over the whole feed
    newsfold eval clustering feed.jsonl --mode stream

The labelled sets here are either undated (NeuS, Multi-News) or dated across years (ECB+), and
the real-text corpus of ``bench.dedup.realtext`` dates each article at random over 300 days. A
live feed is neither: the reports of one event arrive within a few days, among the reports of
every other event of those days. This script gives each gold story one day, drawn at random
over ``--days``, and each of its articles that day plus 0-3 days (0 most often), then writes
all articles in random order. Each input is ``PATH:LABEL`` (the field holding the gold
story; a row without it is a story of its own). The output keeps ``id`` (prefixed by the
input's position, so that ids stay unique), ``title``, ``text``, ``source``, ``url`` and the
new ``date``; the gold story goes to ``cluster``, which ``newsfold eval clustering`` hides from
the clusterer. Every other label (copy families, relations, topics) is dropped, so nothing but
the text and the date reaches the clusterer. The data is read in place and the feed written
wherever ``--out`` says: nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

KEEP = ("title", "text", "source", "url")
#: days after its story's day an article is dated (0 most often)
JITTER = (0, 0, 0, 1, 1, 2, 3)


def build(inputs: list[tuple[Path, str]], *, days: int = 365, seed: int = 0,
          start: date = date(2025, 1, 1)) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    day_of: dict[str, int] = {}
    for n, (path, label) in enumerate(inputs):
        with open(path, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if not line.strip():
                    continue
                r = json.loads(line)
                rid = f"{n}:{r.get('id', i)}"
                gold = f"{n}:{r.get(label) or rid}"
                day = day_of.setdefault(gold, rng.randrange(days))
                out = {"id": rid, **{k: r[k] for k in KEEP if r.get(k)}}
                out["date"] = (start + timedelta(days=day + rng.choice(JITTER))).isoformat()
                out["cluster"] = gold
                rows.append(out)
    rng.shuffle(rows)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="PATH:LABEL, e.g. neus-train.jsonl:cluster")
    ap.add_argument("--out", required=True)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    inputs = []
    for spec in args.inputs:
        path, _, label = spec.rpartition(":")
        if not path:
            ap.error(f"{spec!r}: expected PATH:LABEL")
        inputs.append((Path(path), label))
    rows = build(inputs, days=args.days, seed=args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(json.dumps({"articles": len(rows), "stories": len({r["cluster"] for r in rows}),
                      "out": args.out}))


if __name__ == "__main__":
    main()
