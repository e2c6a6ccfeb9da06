"""``newsfold eval claim-pairs FILE...``: what the story's claims say about labelled claim pairs.

A claim-pair file (ClaimDiff, Ko et al. 2022, and files laid out like it) holds pairs of
sentences from two articles about one event, each labelled ``relation`` = 1 when sentence B
bears on sentence A in the file's sense ("strengthens" in ``ClaimDiff-strength``, "weakens" in
``ClaimDiff-weak``), else 0.

newsfold has no pair classifier; it builds claims. So the pairs are put back into stories and
the story's own claim building (:func:`newsfold.analyze.claims.build_claims`, the code path of
``analyze_story``, with the story's entity index) decides, for each pair, one of:

- ``restates``: A's and B's sentences are members of one claim -- B is counted as a second
  source of A's claim;
- ``conflicts``: the two sentences state one slot (a count, a day, a place) with different
  values, as a conflicting claim reports them (aligned sentences, or a place named in the
  same slot by sentences close enough, as the claims module tests them);
- ``none``: neither.

Stories: the pairs of one ``topic`` (else of one pair of ``article_a``/``article_b`` titles,
else each pair alone); each article's text is its sentences of the file, one paragraph each,
dated by the pair's ``date``; every article is its own source.

Printed per file: the counts of each decision among positive and negative pairs; precision,
recall and F1 of ``restates``, of ``conflicts`` and of either (``linked``) as predictors of
``relation``; and the F1 of calling every pair positive (the trivial baseline). What a
corroboration count needs is that ``restates`` is precise on "strengthens" and rare on
"weakens": a source that weakens a claim must never be counted as standing behind it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from newsfold.eval.metrics import _f1
from newsfold.ingest.rows import JsonObjects

DECISIONS = ("restates", "conflicts", "none")
LABEL_KEYS = ("relation", "label")


def read_pairs(path: Path) -> tuple[list[dict], int]:
    """The pairs of a file, and how many entries were skipped (not an object, no two claims,
    no 0/1 label). A ``.json`` file holds a list, or an object with the list under ``data``;
    anything else is read as JSON Lines."""
    path = Path(path)
    rows: Iterable
    skipped = 0
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_bytes())
        except ValueError as e:
            raise ValueError(f"{path}: not a JSON document ({e})") from None
        rows = doc.get("data", []) if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            raise ValueError(f"{path}: no list of pairs (expected a list, or one under `data`)")
    else:
        objects = JsonObjects(path)
        rows = [obj for _, obj in objects]
        skipped += objects.skipped
    pairs = []
    for row in rows:
        label = _label(row) if isinstance(row, dict) else None
        a = row.get("claim_a") if isinstance(row, dict) else None
        b = row.get("claim_b") if isinstance(row, dict) else None
        if label is None or not isinstance(a, str) or not isinstance(b, str) \
                or not a.strip() or not b.strip():
            skipped += 1
            continue
        pairs.append({**row, "relation": label})
    return pairs, skipped


def _label(row: dict) -> Optional[int]:
    for k in LABEL_KEYS:
        v = row.get(k)
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, (int, float)) and v in (0, 1):
            return int(v)
        if isinstance(v, str) and v.strip() in ("0", "1"):
            return int(v.strip())
    return None


def _group(pairs: Sequence[dict]) -> Iterator[list[int]]:
    """Indices of the pairs of one story, in file order."""
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(pairs):
        if p.get("topic"):
            key: tuple = ("topic", str(p["topic"]))
        elif p.get("article_a") and p.get("article_b"):
            key = ("articles",) + tuple(sorted((str(p["article_a"]), str(p["article_b"]))))
        else:
            key = ("pair", i)
        groups.setdefault(key, []).append(i)
    yield from groups.values()


def decide(pairs: Sequence[dict], config=None) -> list[str]:
    """One decision (``DECISIONS``) per pair, from the claims of the stories they make."""
    out = ["none"] * len(pairs)
    for idx in _group(pairs):
        for i, d in zip(idx, _decide_story([pairs[i] for i in idx], config)):
            out[i] = d
    return out


def _decide_story(pairs: Sequence[dict], config) -> list[str]:
    from newsfold.analyze.claims import build_claims, pair_conflicts
    from newsfold.analyze.conflicts import ConflictFinder
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.story import source_counter
    from newsfold.model import Article

    texts: dict[str, list[str]] = {}  # article name -> its sentences, in file order
    sides = []
    for k, p in enumerate(pairs):
        names = []
        for side in ("a", "b"):
            name = str(p.get(f"article_{side}") or f"{k}{side}")
            sentence = " ".join(p[f"claim_{side}"].split())
            got = texts.setdefault(name, [])
            if sentence not in got:
                got.append(sentence)
            names.append((name, sentence))
        sides.append(names)
    ids = {name: f"a{n}" for n, name in enumerate(texts)}
    date = next((str(p["date"]) for p in pairs if p.get("date")), None)
    arts = [Article(id=ids[name], text="\n\n".join(sents), published=date)
            for name, sents in texts.items()]
    index = build_entities(arts, config)
    claims, drafts, al = build_claims(arts, source_counter(arts), entities=index)
    units = al.units
    draft_of: dict[int, int] = {}
    for n, d in enumerate(drafts):
        for m in d.members:
            draft_of[m] = n
    by_sentence: dict[tuple, list[int]] = {}
    for i, u in enumerate(units):
        by_sentence.setdefault((u.article, " ".join(u.text.split())), []).append(i)
    finder = ConflictFinder(arts, index)

    def units_of(name: str, sentence: str) -> list[int]:
        # the sentence splitter may cut a pair's sentence in two: every unit inside it
        aid = ids[name]
        return [i for (art, text), us in by_sentence.items() if art == aid and text in sentence
                for i in us]

    out = []
    for (na, sa), (nb, sb) in sides:
        ua, ub = units_of(na, sa), units_of(nb, sb)
        if na == nb:  # both sentences from one article: no second source either way
            out.append("none")
            continue
        aligned = any(x in draft_of and draft_of.get(x) == draft_of.get(y) for x in ua for y in ub)
        conflict = any(pair_conflicts(units[x], units[y], float(al.sim[x, y]), finder,
                                      aligned=draft_of.get(x) is not None
                                      and draft_of.get(x) == draft_of.get(y))
                       for x in ua for y in ub)
        out.append("conflicts" if conflict else "restates" if aligned else "none")
    return out


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(_f1(p, r), 4)}


def score(labels: Sequence[int], decisions: Sequence[str]) -> dict:
    counts = {lab: {d: 0 for d in DECISIONS} for lab in ("positive", "negative")}
    for y, d in zip(labels, decisions):
        counts["positive" if y else "negative"][d] += 1
    pos = sum(counts["positive"].values())
    neg = sum(counts["negative"].values())

    def prf(chosen: tuple) -> dict:
        tp = sum(counts["positive"][d] for d in chosen)
        fp = sum(counts["negative"][d] for d in chosen)
        return _prf(tp, fp, pos - tp)

    return {
        "pairs": pos + neg,
        "positive": pos,
        "decisions": counts,
        "restates": prf(("restates",)),
        "conflicts": prf(("conflicts",)),
        "linked": prf(("restates", "conflicts")),
        "all_positive_f1": _prf(pos, neg, 0)["f1"],
    }


def evaluate(paths: Sequence[Path], *, config=None) -> dict:
    """Score each file; pairs that several files share (ClaimDiff's strength and weak files
    label the same pairs) are decided once."""
    t0 = time.time()
    files = []
    decided: dict[tuple, str] = {}
    for path in paths:
        try:
            pairs, skipped = read_pairs(Path(path))
        except (OSError, ValueError) as exc:  # one unreadable file: said, and the others scored
            files.append({"file": str(path), "error": str(exc)})
            continue
        keys = [(p.get("topic"), p.get("article_a"), p.get("article_b"), p["claim_a"], p["claim_b"])
                for p in pairs]
        todo = [i for i, k in enumerate(keys) if k not in decided]
        for i, d in zip(todo, decide([pairs[i] for i in todo], config)):
            decided[keys[i]] = d
        result = {"file": str(path), **score([p["relation"] for p in pairs],
                                              [decided[k] for k in keys])}
        result["skipped"] = skipped
        files.append(result)
    return {"files": files, "seconds": round(time.time() - t0, 1)}


def eval_claim_pairs_command(paths: Sequence[Path], *, config=None) -> dict:
    result = evaluate(paths, config=config)
    print(json.dumps(result))
    return result
