"""FamilyIndex (streaming) latency: articles added one at a time, in date order.

    python -m bench.dedup.stream --n 2000
"""

from __future__ import annotations

import argparse
import pickle
import time

from bench.dedup.generate import generate
from newsfold.eval.dedup import score
from newsfold.model import Article


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    from newsfold.dedup import FamilyIndex

    rows = generate(a.n, a.seed)
    rows.sort(key=lambda r: (r.get("date") is None, r.get("date") or ""))
    arts = [Article(id=r["id"], text=r["text"], source=r.get("source"), published=r.get("date")) for r in rows]
    idx = FamilyIndex()
    lat = []
    c0 = time.process_time()
    for art in arts:
        t = time.perf_counter()
        idx.add(art)
        lat.append(time.perf_counter() - t)
    cpu = time.process_time() - c0
    lat.sort()
    state = pickle.dumps(idx.state_dict())
    sc = score([r["family"] for r in rows], [r["type"] for r in rows], [x.family for x in arts],
               [r["relation"] for r in rows], [x.relation for x in arts], [r["origin"] for r in rows],
               [r["id"] for r in rows])
    res = {"n": len(arts), "cpu_ms_per_article": round(1000 * cpu / len(arts), 2),
           "wall_ms_p50": round(1000 * lat[len(lat) // 2], 2), "wall_ms_p95": round(1000 * lat[int(len(lat) * 0.95)], 2),
           "state_bytes_per_article": round(len(state) / len(arts)),
           "origin_recall": {t: v.get("origin_recall") for t, v in sc["by_type"].items() if "origin_recall" in v},
           "pairwise": sc["pairwise"], "templated_in_family": sc["by_type"].get("templated", {}).get("in_family")}
    print(res)
    return res


if __name__ == "__main__":
    main()
