"""`newsfold eval dedup GOLD.jsonl`: precision/recall of copy detection by copy type.

Gold: one article per line with ``id``, ``text`` (+ optional ``source``, ``date``, ``wire``)
and the gold ``family`` (id of the family's origin) and ``relation``; an optional ``type``
names the planted copy type (bench/dedup writes ``wire_copy``, ``light_edit``,
``added_boilerplate``, ``truncated``, ``paraphrase``, ``heavy_rewrite``, ``chain``,
``templated``, ``original``); without it the gold relation is the type.

Scores (the detector never sees the gold fields):

* per type: ``origin_recall`` = share of derived articles put in one family with their gold
  origin (the headline recall); family-pair recall = share of gold same-family pairs that involve an article of
  that type and are predicted in one family; family-pair precision = share of predicted
  same-family pairs involving such an article that are gold same-family;
* ``templated_in_family``: share of templated reports put in a predicted family of size > 1;
* ``relation_accuracy``: share of correctly linked derived articles with the gold relation;
* overall pairwise precision/recall/F1.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Mapping, Sequence


def _pairs_by_member(groups: Mapping[str, list[int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        s = set(members)
        for m in members:
            out[m] = s
    return out


def score(gold_family: Sequence[str], gold_type: Sequence[str], pred_family: Sequence[str],
          gold_relation: Sequence[str] | None = None, pred_relation: Sequence[str] | None = None,
          gold_origin: Sequence[str | None] | None = None, ids: Sequence[str] | None = None) -> dict:
    """Scores for one corpus: lists aligned by article index."""
    n = len(gold_family)
    g: dict[str, list[int]] = defaultdict(list)
    p: dict[str, list[int]] = defaultdict(list)
    for i in range(n):
        g[gold_family[i]].append(i)
        p[pred_family[i]].append(i)
    gm, pm = _pairs_by_member(g), _pairs_by_member(p)
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "gold": 0, "pred": 0, "n": 0})
    tp_all = gold_all = pred_all = 0
    for i in range(n):
        t = gold_type[i]
        gs = gm.get(i, set()) - {i}
        ps = pm.get(i, set()) - {i}
        tp = len(gs & ps)
        d = by_type[t]
        d["n"] += 1
        d["tp"] += tp
        d["gold"] += len(gs)
        d["pred"] += len(ps)
        tp_all += tp
        gold_all += len(gs)
        pred_all += len(ps)
    link_hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if gold_origin is not None and ids is not None:
        pos = {x: k for k, x in enumerate(ids)}
        for i in range(n):
            o = gold_origin[i]
            if o and o in pos:
                h = link_hit[gold_type[i]]
                h[1] += 1
                h[0] += pred_family[i] == pred_family[pos[o]]
    result: dict = {"articles": n, "by_type": {}}
    for t, d in sorted(by_type.items()):
        row = {"articles": d["n"]}
        row["recall"] = round(d["tp"] / d["gold"], 4) if d["gold"] else None
        row["precision"] = round(d["tp"] / d["pred"], 4) if d["pred"] else None
        if t in link_hit:
            hit, tot = link_hit[t]
            row["origin_recall"] = round(hit / tot, 4)
        if t == "templated":
            put = sum(1 for i in range(n) if gold_type[i] == t and len(pm.get(i, ())) > 1)
            row["in_family"] = round(put / d["n"], 4) if d["n"] else None
        result["by_type"][t] = row
    P = tp_all / pred_all if pred_all else 1.0
    R = tp_all / gold_all if gold_all else 1.0
    result["pairwise"] = {"precision": round(P, 4), "recall": round(R, 4),
                          "f1": round(2 * P * R / (P + R), 4) if P + R else 0.0}
    if gold_relation is not None and pred_relation is not None:
        right = total = 0
        for i in range(n):
            if gold_relation[i] != "original" and pred_family[i] != None:  # noqa: E711
                gs = gm.get(i, set())
                ps = pm.get(i, set())
                if (gs & ps) - {i}:
                    total += 1
                    right += gold_relation[i] == pred_relation[i]
        result["relation_accuracy"] = round(right / total, 4) if total else None
    return result


def eval_dedup_command(gold: Path) -> None:
    from newsfold.dedup import fold
    from newsfold.dedup.cli import read_articles

    arts, rows = read_articles(Path(gold))
    gold_family = [str(r.get("family") or r.get("id")) for r in rows]
    gold_rel = [str(r.get("relation") or "original") for r in rows]
    gold_type = [str(r.get("type") or r.get("relation") or "original") for r in rows]
    fold(arts)
    gold_origin = [r.get("origin") for r in rows]
    res = score(gold_family, gold_type, [a.family or a.id for a in arts], gold_rel, [a.relation for a in arts],
                gold_origin, [a.id for a in arts])
    res["gold"] = str(gold)
    print(json.dumps(res, indent=2))
