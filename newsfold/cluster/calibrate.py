"""Fit the article-PAIR model on labelled development data (teacher-forced stream).

Run ``python -m newsfold.cluster.calibrate --tune-threshold --out newsfold/cluster/model.json``.

For each labelled article, in date order (stable), the clusterer's own candidate retrieval
proposes stories built so far *from the gold labels* (teacher forcing, so the training pairs look
like the comparisons the stream makes); the gold story is added when retrieval misses it and it
exists. The article is paired with each stored member of each candidate story: the pair features
of :meth:`StreamClusterer.features` (article vs article; nothing about the story, in particular
not its size) and the label "same gold story". A logistic regression over those pairs is the
model. Thresholds (stream per regime, batch one value) are picked on a grid by pairwise F1 on the
fitting data only.

Fitting data (default): ECB+ train split (topics in the `train` split of ecbplus-dev.jsonl) and
the first half of the NeuS stories (by cluster id order). Evaluation is reported on the other
parts as well as on the whole files (see docs/clustering.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

from newsfold.cluster.stream import FEATURES, MODEL_PATH, ClusterConfig, StreamClusterer

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clustering"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def pairs_for(rows: list[dict], cc: Optional[ClusterConfig] = None):
    """Feature rows and labels from one teacher-forced pass over labelled rows."""
    from newsfold.cluster.cli import article_from_row
    from newsfold.cluster.stream import _time_key

    sc = StreamClusterer(cluster_config=cc)
    arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
    gold = {a.id: str(r["cluster"]) for a, r in zip(arts, rows)}
    story_of_gold: dict[str, int] = {}
    X, y = [], []
    for art in sorted(arts, key=_time_key):
        a = sc.prepare(art)
        g = gold[art.id]
        target = story_of_gold.get(g)
        cands = set(sc.candidates(a))
        if target is not None:
            cands.add(target)
        for idx in cands:
            for m in sc._stories[idx].members:
                X.append(sc.features(a, m))
                y.append(1 if idx == target else 0)
        if target is None:
            target = sc._new_story(a)
            story_of_gold[g] = target
        else:
            sc._join(target, a)
        sc._place(target, a)
    return X, y


def fit(train_sets: list[list[dict]], C: float = 1.0, balance: bool = False) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X, y, w = [], [], []
    for rows in train_sets:
        xs, ys = pairs_for(rows)
        X += xs
        y += ys
        # with balance=True each fitting set weighs the same in total, whatever its size
        w += [(1.0 / len(ys)) if balance else 1.0] * len(ys)
    X = np.asarray(X)
    y = np.asarray(y)
    w = np.asarray(w) * (len(w) / sum(w))
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(X, y, sample_weight=w)
    return {
        "features": list(FEATURES),
        "coef": [round(float(c), 5) for c in lr.coef_[0]],
        "intercept": round(float(lr.intercept_[0]), 5),
        "threshold": 0.5,
        "n_pairs": int(len(y)),
        "n_positive": int(y.sum()),
    }


def evaluate(rows: list[dict], model: dict, mode: str = "stream", threshold=None,
             top_k: int = ClusterConfig.top_k) -> dict:
    from newsfold.eval.clustering import evaluate_rows

    cc = ClusterConfig(model=model, threshold=threshold, top_k=top_k)
    return evaluate_rows(rows, mode=mode, config=_Cfg(cc))


class _Cfg:
    def __init__(self, cc: ClusterConfig) -> None:
        self.cluster = cc


def tune_thresholds(model: dict, sp: dict, fit_names: list[str]) -> dict:
    """Per regime, the threshold maximising mean stream pairwise F1 over the fitting sets.

    The regimes are tuned one after the other (short first, then full text), each on all
    fitting sets, from the grid 0.1..0.8.
    """
    grid = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    thr = {"short": 0.5, "body": 0.5}
    for regime in ("short", "body"):
        best = (-1.0, 0.5)
        for t in grid:
            m = dict(model, threshold={**thr, regime: t})
            f1s = [evaluate(sp[n], m)["pairwise_f1"] for n in fit_names]
            f = sum(f1s) / len(f1s)
            print(f"{regime} threshold {t}: mean pairwise F1 on fit sets {f:.4f}", file=sys.stderr)
            if f > best[0]:
                best = (f, t)
        thr[regime] = best[1]
    return thr


def tune_batch_threshold(model: dict, sp: dict, fit_names: list[str]) -> float:
    """The batch (average-link) threshold maximising mean pairwise F1 over the fitting sets."""
    best = (-1.0, 0.5)
    for t in [0.3, 0.4, 0.5, 0.6, 0.7]:
        m = dict(model, batch_threshold=t)
        f1s = [evaluate(sp[n], m, mode="batch")["pairwise_f1"] for n in fit_names]
        f = sum(f1s) / len(f1s)
        print(f"batch threshold {t}: mean pairwise F1 on fit sets {f:.4f}", file=sys.stderr)
        if f > best[0]:
            best = (f, t)
    return best[1]


def splits(data: Path = DATA) -> dict[str, list[dict]]:
    ecb = load(data / "ecbplus-dev.jsonl")
    neus = load(data / "neus-train.jsonl")
    clusters = sorted({r["cluster"] for r in neus})
    first = set(clusters[: len(clusters) // 2])
    return {
        "ecb_train": [r for r in ecb if r.get("split") == "train"],
        "ecb_dev": [r for r in ecb if r.get("split") != "train"],
        "ecb_t1_20": [r for r in ecb if int(r["topic"]) <= 20],
        "ecb_t21_": [r for r in ecb if int(r["topic"]) > 20],
        "neus_a": [r for r in neus if r["cluster"] in first],
        "neus_b": [r for r in neus if r["cluster"] not in first],
        "ecb_all": ecb,
        "neus_all": neus,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--fit", default="ecb_train,neus_a", help="comma-separated split names")
    ap.add_argument("--report", default="ecb_train,ecb_dev,neus_a,neus_b,ecb_all,neus_all")
    ap.add_argument("--modes", default="stream,batch")
    ap.add_argument("--out", type=Path, default=None, help="write the model here")
    ap.add_argument("--tune-threshold", action="store_true")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 regularisation strength")
    ap.add_argument("--balance", action="store_true", help="each fitting set weighs the same")
    ap.add_argument("--threshold", type=float, default=None, help="fixed threshold (no tuning)")
    ap.add_argument("--thresholds", default=None,
                    help="fixed stream thresholds SHORT,BODY (after any tuning; see docs)")
    args = ap.parse_args(argv)
    sp = splits(args.data)
    fit_names = args.fit.split(",")
    model = fit([sp[n] for n in fit_names], C=args.C, balance=args.balance)
    model["C"] = args.C
    model["balanced"] = args.balance
    model["fit_note"] = ("pair model: ECB+ split=train + NeuS first half of cluster ids "
                         "(sorted); thresholds tuned on the same fitting sets only")
    model["fitted_on"] = fit_names
    if args.threshold is not None:
        model["threshold"] = {"short": args.threshold, "body": args.threshold}
    if args.tune_threshold:
        model["threshold"] = tune_thresholds(model, sp, fit_names)
        model["batch_threshold"] = tune_batch_threshold(model, sp, fit_names)
    if args.thresholds:
        short, body = (float(v) for v in args.thresholds.split(","))
        model["tuned_threshold"] = model.get("threshold")
        model["threshold"] = {"short": short, "body": body}
    print(json.dumps(model), file=sys.stderr)
    for name in args.report.split(","):
        for mode in args.modes.split(","):
            r = evaluate(sp[name], model, mode=mode)
            print(json.dumps({"set": name, "mode": mode, "fit": fit_names, **r}))
    if args.out:
        args.out.write_text(json.dumps(model, indent=1) + "\n")


if __name__ == "__main__":
    main()
