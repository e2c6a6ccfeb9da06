"""Peak memory of `newsfold dedup` as a user runs it, with its worker processes, and its accuracy.

    python -m bench.dedup.generate --n 1000000 --out /tmp/m1m.jsonl
    python -m bench.dedup.memory --corpus /tmp/m1m.jsonl [--out /tmp/m1m.out.jsonl] [--json r.json]

Runs ``python -m newsfold dedup CORPUS -o OUT`` as a child process (text in, families out,
nothing of the corpus held by this process meanwhile) and samples the memory of its process
tree: the command's RSS every 50 ms plus the unique memory (USS: private pages, copy-on-write
pages counted once) of its worker processes, read every second from smaps_rollup (the
PeakRSS rule of bench/dedup/run.py). Peak = max over samples of (command RSS + workers USS).
A timeline (every 5 s: wall, command RSS, workers USS, number of workers) shows which phase
holds what.

Then scores the output against the corpus's truth (``newsfold.eval.dedup.score``: family-pair
precision/recall per planted type) and reports wall time, CPU time (the command and its
worker processes) and docs/s. ``--extra`` passes
environment settings through (e.g. ``--extra NEWSFOLD_X=1``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from newsfold.eval.dedup import score


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _uss(pid: int) -> int:
    total = 0
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
    return total


def measure(cmd: list, env: dict | None = None) -> dict:
    """Run ``cmd``; its peak memory (own RSS + children's USS), wall time, timeline, stderr."""
    import resource

    import psutil

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, env=env, text=True)
    ps = psutil.Process(proc.pid)
    peak = peak_own = peak_children = 0
    peak_at = 0.0
    timeline = []
    ch = n_ch = 0
    k = 0
    while proc.poll() is None:
        try:
            if k % 20 == 0:  # children every second: reading smaps walks their page tables
                ch = n_ch = 0
                for c in ps.children(recursive=True):
                    try:
                        ch += _uss(c.pid)
                        n_ch += 1
                    except OSError:  # exited between listing and reading
                        pass
                peak_children = max(peak_children, ch)
            own = _rss(proc.pid)
        except (OSError, psutil.Error):
            break
        peak_own = max(peak_own, own)
        if own + ch > peak:
            peak, peak_at = own + ch, time.perf_counter() - t0
        if k % 100 == 0:
            timeline.append((round(time.perf_counter() - t0, 1), round(own / 2**20), round(ch / 2**20), n_ch))
        k += 1
        time.sleep(0.05)
    err = proc.stderr.read()
    proc.wait()
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its reaped workers
    cpu = ru.ru_utime + ru.ru_stime - ru0.ru_utime - ru0.ru_stime
    return {"rc": proc.returncode, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mib": round(peak / 2**20, 1),
            "peak_at_s": round(peak_at, 1), "peak_command_rss_mib": round(peak_own / 2**20, 1),
            "peak_workers_uss_mib": round(peak_children / 2**20, 1), "timeline": timeline,
            "stderr_tail": err[-2000:]}


def read_truth(path: str) -> dict:
    """id, family, type, relation, origin of each corpus line (in file order)."""
    truth = {"id": [], "family": [], "type": [], "relation": [], "origin": []}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            for key in truth:
                v = r.get(key)
                truth[key].append(sys.intern(v) if isinstance(v, str) else v)
    return truth


def read_output(path: str) -> dict:
    out = {"id": [], "family": [], "relation": []}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            for key in out:
                out[key].append(r[key])
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="a generated JSONL (bench.dedup.generate --out)")
    ap.add_argument("--out", help="the command's output (default: CORPUS with .out.jsonl)")
    ap.add_argument("--json", help="write the results here as JSON")
    ap.add_argument("--extra", action="append", default=[], help="NAME=VALUE set in the command's environment")
    a = ap.parse_args(argv)
    out = a.out or (a.corpus[: -len(".jsonl")] if a.corpus.endswith(".jsonl") else a.corpus) + ".out.jsonl"
    env = dict(os.environ)
    for kv in a.extra:
        k, _, v = kv.partition("=")
        env[k] = v
    cmd = [sys.executable, "-m", "newsfold", "dedup", a.corpus, "-o", out]
    res = measure(cmd, env)
    res["command"] = " ".join(["newsfold", "dedup", a.corpus, "-o", out])
    print(f"rc {res['rc']}, {res['wall_s']} s, peak {res['peak_mib']} MiB (at {res['peak_at_s']} s; command RSS "
          f"peak {res['peak_command_rss_mib']}, workers USS peak {res['peak_workers_uss_mib']})", file=sys.stderr)
    if res["rc"] == 0:
        truth, pred = read_truth(a.corpus), read_output(out)
        if truth["id"] != pred["id"]:
            raise SystemExit("output ids do not follow the corpus lines")
        res["articles"] = n = len(pred["id"])
        res["docs_per_s"] = round(n / res["wall_s"], 1)
        res["docs_per_cpu_s"] = round(n / max(res["cpu_s"], 1e-9), 1)
        res["scores"] = score(truth["family"], truth["type"], pred["family"], truth["relation"], pred["relation"],
                              truth["origin"], truth["id"])
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=1)
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
