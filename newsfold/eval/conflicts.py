"""``newsfold eval conflicts FILE``: conflicting-claim detection on real stories, with planted
disagreements as the labels.

No public data set marks which numbers, days or places independent reports of one event
dispute, so the labels are made by editing real text, as the copy-detection bench plants
copies:

1. Each gold story (the ``cluster`` of a clustering file, or one line of a Multi-News-style
   file with ``articles``) is analysed as it is, every article its own source. The conflicting
   claims found there are reported per 1,000 claims (``flagged_unchanged``): real reports do
   disagree sometimes, so this is an upper bound on false alarms, read by hand in docs/.
2. **Planted numbers**: for a corroborated claim whose sentence states a count
   (:func:`conflicts.quantities`), another supporting article's sentence stating the same count
   of the same noun gets a different number (half as much again, at least 3 more). Detected
   when a conflicting claim lists the new number for that article and the old one for another.
3. **Planted days**: the same with an explicit day ("March 3" -> "March 5", every mention of
   it in that article).
4. **Planted places**: a place both articles name in one slot ("a prison in Beaumont") is
   renamed, everywhere in one of them, to a place named nowhere in the story.
5. **Planted negations**: an action both sentences state with an auxiliary and the same
   participle ("was arrested", "has resigned") is denied in the other article's sentence ("was
   not arrested"), when that article states the action nowhere else. Verbs of saying are not
   planted (:mod:`conflicts` does not read them as denials).

Each plant is one edited copy of the story, analysed on its own; at most one plant of each
kind per story. ``recall`` per kind = detected / planted.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Optional

from newsfold.ingest.rows import JsonObjects, article_from_row

_NEW_PLACE = "Vellmarsk"  # invented: named in no real story


def _stories(path: Path, limit: Optional[int]) -> list[list]:
    # the stage commands' row reader: a field that holds no text is left out
    groups: dict[str, list] = {}
    for n, row in JsonObjects(path):
        if isinstance(row.get("articles"), list):
            sid = str(row.get("cluster_id") or row.get("id") or n)
            groups[sid] = [article_from_row({**a, "id": f"{sid}-{k}"}, n)
                           for k, a in enumerate(row["articles"]) if isinstance(a, dict)]
        elif "cluster" in row:
            groups.setdefault(str(row["cluster"]), []).append(
                article_from_row({**row, "id": str(row.get("id", n))}, n, hide=("cluster",)))
        if limit and len(groups) > limit:
            groups.pop(next(reversed(groups)))
            break
    return [g for g in groups.values() if len(g) >= 2]


def _analyse(arts: list, config):
    from newsfold.analyze.story import analyze_story
    from newsfold.model import Story

    for a in arts:
        a.family = a.id
    return analyze_story(Story(id="s", articles=[a.id for a in arts]), arts, config=config)


def _words(text: str) -> set:
    return set(re.findall(r"[a-z]{3,}", text.casefold()))


#: a planted disagreement edits a sentence that states the claim's fact in like words: at
#: least this share of words in common (Jaccard of 3+-letter words) with the claim's sentence
LIKE_MIN = 0.2


def _sentence_with(article, pred, like: str = ""):
    """The sentence of ``article`` for which ``pred`` finds something, the most like ``like``
    (word overlap, at least ``LIKE_MIN``) where several do: (sentence, what pred found)."""
    from newsfold.analyze.sentences import sentences

    best, score = None, LIKE_MIN
    ref = _words(like)
    for s in sentences(article.text or ""):
        hit = pred(s.text)
        if hit is None:
            continue
        w = _words(s.text)
        sc = len(w & ref) / (len(w | ref) or 1)
        if sc >= score and (best is None or sc > score):
            best, score = (s, hit), sc
    return best


def _edited(arts: list, aid: str, edit) -> list:
    """Copies of the articles, the text of ``aid`` passed through ``edit``."""
    from dataclasses import replace

    return [replace(a, text=edit(a.text)) if a.id == aid else replace(a) for a in arts]


def _plants(story, arts: list, entities=None):
    """Yield (kind, edited articles, edited article id, old value text, new value text)."""
    from newsfold.analyze.conflicts import (NOT_DENIAL_VERBS, PARTICIPLES, ConflictFinder, affirmations,
                                            days, quantities, verb_stem)
    from newsfold.analyze.timeline import _anchor

    by_id = {a.id: a for a in arts}
    finder = ConflictFinder(arts, entities) if entities is not None else None
    done = set()
    for c in story.claims:
        if c.status != "corroborated" or len(c.articles) < 2:
            continue
        found = _claim_sentence(c, by_id)
        if found is None:
            continue
        x, text = found
        for y in c.articles:
            if y == x:
                continue
            if "number" not in done:
                for q in quantities(text):
                    hit = _sentence_with(by_id[y], lambda t, q=q: next(
                        (p for p in quantities(t) if p.unit == q.unit and p.value == q.value), None), text)
                    if hit is None:
                        continue
                    s, p = hit
                    old = s.text[p.start:p.end]
                    digits = old.replace(",", "")
                    if not digits.isdigit():
                        continue
                    v = int(digits)
                    new = str(v + max(3, v // 2))
                    a0, a1 = s.start + p.start, s.start + p.end
                    yield "number", _edited(arts, y, lambda t: t[:a0] + new + t[a1:]), y, old, new
                    done.add("number")
                    break
            if "date" not in done:
                for d in days(text, _anchor(by_id[x])):
                    if d.kind == "weekday":
                        continue
                    hit = _sentence_with(by_id[y], lambda t, d=d: next(
                        (e for e in days(t, _anchor(by_id[y])) if e.kind != "weekday" and e.same(d)), None), text)
                    if hit is None:
                        continue
                    s, e = hit
                    m = re.search(r"(?<!\d)(\d{1,2})(?!\d)", e.shown)
                    if m is None:
                        continue
                    day = int(m.group(1))
                    new_day = str(day + 2 if day <= 26 else day - 3)
                    shown = e.shown[:m.start(1)] + new_day + re.sub(r"^(?:st|nd|rd|th)", "", e.shown[m.end(1):])
                    # the article dates the event otherwise: every mention of that day changed
                    pattern = rf"(?<!\w){re.escape(e.shown)}(?!\w)"
                    yield "date", _edited(arts, y, lambda t: re.sub(pattern, shown, t)), y, e.shown, shown
                    done.add("date")
                    break
            if "place" not in done and finder is not None:
                ux = _unit_of(by_id[x], text)
                px = finder._sentence_places(ux) if ux else []
                for slot, m in px:
                    name = m.text
                    hit = _sentence_with(by_id[y], lambda t, slot=slot, name=name: (
                        0 if f"{slot} {name}".casefold() in " ".join(t.split()).casefold() else None), text)
                    if hit is None:
                        continue
                    # the article tells of the event in another place: renamed throughout
                    pattern = rf"\b{re.escape(name)}\b"
                    yield "place", _edited(arts, y, lambda t: re.sub(pattern, _NEW_PLACE, t)), y, name, _NEW_PLACE
                    done.add("place")
                    break
            if "negation" not in done:
                for aux, verb in _AUX_VERB.findall(text):
                    if verb_stem(verb) in NOT_DENIAL_VERBS or not (
                            verb.endswith(("ed", "en")) or verb in PARTICIPLES):
                        continue
                    phrase = f"{aux} {verb}"
                    hit = _sentence_with(by_id[y], lambda t, phrase=phrase: (
                        m.start() if (m := re.search(rf"\b{phrase}\b", t)) else None), text)
                    if hit is None:
                        continue
                    s, i = hit
                    rest = by_id[y].text[:s.start] + " " + by_id[y].text[s.end:]
                    if verb_stem(verb) in affirmations(rest, scoped=False):
                        continue  # the article states the action elsewhere too: no denial
                    a0 = s.start + i + len(aux)
                    new = f"{aux} not {verb}"
                    yield "negation", _edited(arts, y, lambda t: t[:a0] + " not" + t[a0:]), y, phrase, new
                    done.add("negation")
                    break
        if len(done) == 4 or (entities is None and len(done) == 3):
            return


#: an auxiliary and the participle it carries, where "not" can be planted: "was arrested",
#: "has resigned", "were killed"
_AUX_VERB = re.compile(r"\b(was|were|is|are|has|have|had)\s+([a-z]{4,})\b")


def _claim_sentence(c, by_id) -> "tuple[str, str] | None":
    """(article, sentence) of a claim as one of its articles writes it: a quoted claim's text
    carries the quote marks its sentence lacked where a quotation of several sentences was
    cut (``claims.mark_quoted``)."""
    forms = [c.text]
    if getattr(c, "quoted", False):
        forms += [c.text[1:], c.text[:-1], c.text[1:-1]]
    for form in forms:
        x = next((a for a in c.articles if form and form in (by_id[a].text or "")), None)
        if x is not None:
            return x, form
    return None


def _unit_of(article, text: str):
    from newsfold.analyze.claims import Unit
    from newsfold.analyze.sentences import Span

    i = (article.text or "").find(text)
    if i < 0:
        return None
    return Unit(article.id, 0, Span(i, i + len(text), text), text, 0)


def _detected(story, y: str, old: str, new: str) -> bool:
    for c in story.claims:
        if c.status != "conflicting":
            continue
        vals = c.values or []
        if any(new in v["value"] and y in v["articles"] for v in vals) and any(
                old in v["value"] and y not in v["articles"] for v in vals):
            return True
    return False


def evaluate(path: Path, *, config=None, limit: Optional[int] = None) -> dict:
    from newsfold.analyze.entities import build_entities
    from newsfold.config import Config

    config = config or Config()
    t0 = time.time()
    stories = _stories(path, limit)
    claims = flagged = 0
    planted = {"number": 0, "date": 0, "place": 0, "negation": 0}
    found = dict(planted)
    misses: list[dict] = []
    for arts in stories:
        story = _analyse(arts, config)
        claims += len(story.claims)
        flagged += sum(1 for c in story.claims if c.status == "conflicting")
        entities = build_entities(arts, config)
        for kind, edited, y, old, new in list(_plants(story, arts, entities)):
            planted[kind] += 1
            if _detected(_analyse(edited, config), y, old, new):
                found[kind] += 1
            elif len(misses) < 20:
                misses.append({"kind": kind, "article": y, "old": old, "new": new})
    out = {
        "file": str(path),
        "stories": len(stories),
        "claims": claims,
        "flagged_unchanged": flagged,
        "flagged_unchanged_per_1000_claims": round(1000 * flagged / claims, 2) if claims else None,
        "planted": planted,
        "detected": found,
        "recall": {k: round(found[k] / planted[k], 4) if planted[k] else None for k in planted},
        "misses": misses,
        "seconds": round(time.time() - t0, 1),
    }
    return out


def eval_conflicts_command(path: Path, *, config=None, limit: Optional[int] = None) -> None:
    print(json.dumps(evaluate(path, config=config, limit=limit), indent=1))
