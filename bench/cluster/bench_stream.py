"""Streaming assignment latency and state size with N articles already clustered.

    python bench/cluster/bench_stream.py --sizes 10000,100000 --queries 1000 --brute 50

Synthetic stream: stories draw a few capitalised names, a number and topic words from Zipf-like
pools; each article of a story is a title + lead + short body built from the story's words
plus general vocabulary; stories overlap in time (dates advance with the stream). After
pre-filling N articles through ``StreamClusterer.add`` (the real path), we time ``add`` for
``--queries`` further articles (p50/p99), time a brute-force scorer (features + model against
*every* live story) on ``--brute`` of them, and report RSS growth and pickled state bytes per
article; then one periodic window pass (``StreamClusterer.recluster`` over the last
``recluster_window`` articles and their stories' own recent articles), its time, and that time spread over the ``recluster_every`` adds
between passes.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import random
import statistics
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, ".")

from newsfold.cluster.stream import StreamClusterer  # noqa: E402
from newsfold.model import Article  # noqa: E402


def _word(rng: random.Random, n: int) -> str:
    letters = "bcdfghjklmnprstvwz"
    vowels = "aeiou"
    s = "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(n))
    return s


class Synth:
    def __init__(self, seed: int = 1, per_story: float = 4.0) -> None:
        self.rng = random.Random(seed)
        r = self.rng
        self.vocab = list({_word(r, r.randint(2, 4)) for _ in range(60000)})
        self.names = list({_word(r, r.randint(2, 4)).capitalize() for _ in range(120000)})
        self.per_story = per_story
        self.live: list[dict] = []
        self.n = 0
        self.start = date(2024, 1, 1)

    def _zipf(self, pool: list[str]) -> str:
        i = int(len(pool) ** self.rng.random()) - 1
        return pool[i]

    def article(self) -> Article:
        r = self.rng
        if not self.live or r.random() < 1.0 / self.per_story:
            st = {"id": len(self.live), "names": [self._zipf(self.names) for _ in range(4)],
                  "topic": [self._zipf(self.vocab) for _ in range(8)],
                  "num": str(r.randint(2, 999)), "left": max(1, int(r.expovariate(1 / self.per_story)))}
            self.live.append(st)
        st = self.live[-1] if r.random() < 0.5 else r.choice(self.live[-50:])
        st["left"] -= 1
        if st["left"] <= 0 and st in self.live:
            self.live.remove(st)
            if not self.live:
                self.live.append(st)

        def sent(k: int) -> str:
            words = [r.choice(st["topic"]) if r.random() < 0.4 else self._zipf(self.vocab)
                     for _ in range(k)]
            words.insert(r.randint(1, k), r.choice(st["names"]))
            if r.random() < 0.5:
                words.insert(r.randint(1, k), st["num"])
            return words[0].capitalize() + " " + " ".join(words[1:]) + "."

        title = " ".join([r.choice(st["names"])] + [r.choice(st["topic"]) for _ in range(5)])
        self.n += 1
        day = self.start + timedelta(days=self.n // 5000)
        return Article(id=f"syn-{self.n}", title=title,
                       text=" ".join(sent(r.randint(12, 22)) for _ in range(r.randint(3, 8))),
                       published=day.isoformat())


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def brute_force(sc: StreamClusterer, art: Article) -> float:
    a = sc.prepare(art)
    best = 0.0
    for s in sc._stories:
        if s is not None:
            best = max(best, sc.story_score(a, s)[0])
    return best


def run(size: int, queries: int, brute: int) -> dict:
    gc.collect()
    syn = Synth(seed=size)
    rss0 = rss()
    sc = StreamClusterer()
    recent = __import__("collections").deque(maxlen=sc.cc.recluster_window)
    t0 = time.perf_counter()
    for _ in range(size):
        art = syn.article()
        sc.add(art)
        recent.append(art)
    fill_s = time.perf_counter() - t0
    rss1 = rss()
    lat, cpu = [], []
    qs = [syn.article() for _ in range(queries)]
    for art in qs:
        recent.append(art)
        c = time.thread_time()
        t = time.perf_counter()
        sc.add(art)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    lat.sort()
    cpu.sort()
    bq = [syn.article() for _ in range(brute)]
    bl = []
    for art in bq:
        t = time.perf_counter()
        brute_force(sc, art)
        bl.append((time.perf_counter() - t) * 1000)
    bl.sort()
    # the periodic window pass (every recluster_every adds, over the last recluster_window
    # articles and their stories' own recent articles: StreamClusterer.window_ids). The
    # stream keeps no texts; the older articles are generated again (same seed)
    ids = sc.window_ids(sc.cc.recluster_window)
    have = {a.id: a for a in recent}
    want = set(ids) - set(have)
    again = Synth(seed=size)
    for _ in range(size):
        art = again.article()
        if art.id in want:
            have[art.id] = art
    window = [have[x] for x in ids if x in have]
    c = time.process_time()
    t = time.perf_counter()
    moves = sc.recluster(window)
    pass_s = time.perf_counter() - t
    pass_cpu = time.process_time() - c
    state = pickle.dumps(sc.state_dict(), protocol=pickle.HIGHEST_PROTOCOL)
    n_art = size + queries
    p50 = statistics.median(lat)
    return {
        "articles_clustered": size,
        "cpu_count": __import__("os").cpu_count(),
        "stories": sum(1 for s in sc._stories if s is not None),
        "prefill_s": round(fill_s, 1),
        "add_p50_ms": round(p50, 3),
        "add_p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 3),
        "add_cpu_p50_ms": round(statistics.median(cpu), 3),
        "add_cpu_p99_ms": round(cpu[int(0.99 * (len(cpu) - 1))], 3),
        "brute_p50_ms": round(statistics.median(bl), 2),
        "brute_over_indexed_p50": round(statistics.median(bl) / p50, 1),
        "window_pass_s": round(pass_s, 2),
        "window_pass_cpu_s": round(pass_cpu, 2),
        "window_pass_articles": len(window),
        "window_pass_moves": sum(1 for r in moves if r["action"] == "move"),
        "window_pass_ms_per_added_article": round(1000 * pass_s / max(1, sc.cc.recluster_every), 2),
        "state_bytes_per_article": round(len(state) / n_art),
        "rss_bytes_per_article": round((rss1 - rss0) / size),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--brute", type=int, default=50)
    args = ap.parse_args()
    for size in [int(s) for s in args.sizes.split(",")]:
        print(json.dumps(run(size, args.queries, args.brute)), flush=True)


if __name__ == "__main__":
    main()
