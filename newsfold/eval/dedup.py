"""`newsfold eval dedup GOLD.jsonl`: precision/recall of copy detection by copy type.

Gold: one article per line with ``id``, ``text`` (+ optional ``source``, ``date``, ``wire``)
and the gold ``family`` (id of the family's origin) and ``relation``; an optional ``type``
names the planted copy type (bench/dedup writes ``wire_copy``, ``light_edit``,
``added_boilerplate``, ``truncated``, ``paraphrase``, ``heavy_rewrite``, ``chain``,
``templated``, ``original``); without it the gold relation is the type.

Other data sets name these differently. Without ``family`` the gold family is read from the
first of ``FAMILY_NAMES`` that rows carry (a group id), else from the first of
``ORIGIN_NAMES`` (what each article was copied from: a family is the articles linked through
such chains); ``--label`` names the group field. Without ``relation`` or ``type``, an article
with a gold origin is typed ``copy``, another member of a gold family ``in_family``, the rest
``original``. A file with no gold family anywhere stops with a message: every article its own
family would score a perfect precision and recall that mean nothing.

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
import sys
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


#: gold family (group) fields tried in turn when ``family`` is absent
FAMILY_NAMES = ("family", "family_id", "dup_group", "duplicate_group", "dup_cluster",
                "duplicate_cluster", "near_dup_cluster")
#: gold "copied from" fields: the articles linked through them are one family
ORIGIN_NAMES = ("origin", "duplicate_of", "copy_of", "original_id", "derived_from")


def gold_labels(rows: Sequence[dict], ids: Sequence[str], label: str | None = None) -> dict:
    """Gold ``family``, ``origin``, ``relation`` and ``type`` per row (see module doc), and
    the field names they came from (``label``, ``origin_label``)."""
    def present(name: str) -> bool:
        return any(r.get(name) not in (None, "") for r in rows)

    origin_label = next((k for k in ORIGIN_NAMES if present(k)), None)
    origins = [(str(r[origin_label]) if origin_label and r.get(origin_label) not in (None, "")
                else None) for r in rows]
    if label is None:
        label = next((k for k in FAMILY_NAMES if present(k)), None)
    if label is not None:
        if not present(label):
            raise SystemExit(f"no article carries a gold `{label}` field")
        family = [str(r[label]) if r.get(label) not in (None, "") else f"\x00{ids[i]}"
                  for i, r in enumerate(rows)]
    elif origin_label is not None:
        parent = {x: x for x in ids}

        def root(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for x, o in zip(ids, origins):
            if o is not None:
                a, b = root(x), root(o)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        family = [root(x) for x in ids]
        label = origin_label
    else:
        raise SystemExit(f"no gold copy family: no row carries {', '.join(FAMILY_NAMES)} "
                         f"or {', '.join(ORIGIN_NAMES)} (see --label)")
    size: dict[str, int] = defaultdict(int)
    for f in family:
        size[f] += 1
    relation, types = [], []
    for i, r in enumerate(rows):
        guess = "copy" if origins[i] else ("in_family" if size[family[i]] > 1 else "original")
        relation.append(str(r.get("relation") or ("copy" if origins[i] else "original")))
        types.append(str(r.get("type") or r.get("relation") or guess))
    return {"family": family, "origin": origins, "relation": relation, "type": types,
            "label": label, "origin_label": origin_label}


def eval_dedup_command(gold: Path, label: str | None = None) -> dict:
    from newsfold.dedup import fold
    from newsfold.dedup.cli import GOLD_FIELDS
    from newsfold.ingest import rows as rowsmod

    hide = {*GOLD_FIELDS, *FAMILY_NAMES, *ORIGIN_NAMES, *([label] if label else [])}
    arts, rows, problems = rowsmod.read_article_rows(Path(gold), hide=hide)
    for msg in problems:
        print(msg, file=sys.stderr)
    ids = [str(r.get("id")) if r.get("id") not in (None, "") else a.id for r, a in zip(rows, arts)]
    g = gold_labels(rows, ids, label)
    fold(arts)
    res = score(g["family"], g["type"], [a.family or a.id for a in arts], g["relation"],
                [a.relation for a in arts], g["origin"], ids)
    res["gold"] = str(gold)
    res["label"] = g["label"]
    if g["origin_label"]:
        res["origin_label"] = g["origin_label"]
    res["skipped_lines"] = sum(": skipped: " in m for m in problems)
    print(json.dumps(res, indent=2))
    return res
