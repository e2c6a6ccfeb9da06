"""A copy-detection corpus built from real news text, made differently from generate.py.

    python -m bench.dedup.realtext --data ../shared/data --out /tmp/realtext.jsonl [--seed 0] [--max-originals N]
    newsfold eval dedup /tmp/realtext.jsonl
    python -m bench.dedup.realtext --data ../shared/data --out /tmp/realtext.jsonl --score

The synthetic generator (generate.py) draws words from a Zipf vocabulary; a detector tuned on
it could lean on that vocabulary. This corpus keeps real article bodies and plants copies with
other edit operations, so "other corpora, made differently" can be checked here:

* **originals**: real articles read from the labelled sets under ``--data`` (Multi-News
  validation, ECB+, PolNeAR), 5+ sentences; real articles that already copy one another
  (word 5-gram containment >= 0.5, checked naively here, not with newsfold) keep only the
  first. Many originals are *independent reports of one event* (a Multi-News cluster, an ECB+
  story): they are the hard negatives, reported apart (``real_event_pairs_linked``);
* **outlets**: 60 made-up outlets, each wrapping every article it prints in its own masthead,
  byline line and footer;
* **derived** (origin: a random original; published 0-3 days later; 20% of dates missing):
  ``wire_copy`` (same body, another outlet, a wire credit), ``light_edit`` (2-4% of words
  deleted or doubled, one sentence dropped, an update or correction note),
  ``added_boilerplate`` ("Also Read:"/"Related:" lines with other real headlines, ads,
  newsletter and share prompts between paragraphs), ``truncated`` (the first 35-70% of the
  sentences, then "Read the full story at ..."), ``paraphrase`` (attribution moved, words
  from a hand-written table of news synonyms, contractions: word 5-gram Jaccard ~0.25-0.5,
  written per row as ``jaccard5``), ``heavy_rewrite`` (half to two thirds of the sentences
  kept, reordered and paraphrased harder; half of them ``embellished`` with new sentences
  carrying new figures and names), ``chain`` (a light edit or truncation of a derived copy);
* **templated** (not copies; each its own family): an original's names (capitalised words
  inside a sentence) and numbers all replaced by others, 3-4 variants per template.

Rows: id, text, source, date (when kept), family, origin, relation, type, jaccard5; the
format of generate.py, so ``newsfold eval dedup`` and ``bench.dedup.run --corpus`` read it.
``--html DIR`` writes each article as its outlet's web page (masthead, menu, byline, footer,
a "more stories" box) and scores newsfold's own ingest + clean + fold of the pages: the
product's path, where boilerplate is stripped before copies are looked for.
``--score`` also folds the corpus with newsfold and prints ``newsfold eval dedup``'s scores
plus ``real_events`` (see ``real_event_scores``): real articles of one event may be rewrites
of one wire story, which no label here says.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Iterator, Optional

SHARES = {  # derived articles per original
    "wire_copy": 0.22, "light_edit": 0.18, "added_boilerplate": 0.10, "truncated": 0.14,
    "paraphrase": 0.12, "heavy_rewrite": 0.08, "chain": 0.05,
}
TEMPLATE_SHARE = 0.04  # originals used as templates (3-4 variants each)
RELATION = {"wire_copy": "copy", "light_edit": "copy", "added_boilerplate": "copy", "truncated": "truncated",
            "paraphrase": "rewrite", "heavy_rewrite": "rewrite"}

_SENT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")
_WORD = re.compile(r"\w+")
_NUM = re.compile(r"\d[\d,.]*")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")

# news-writing synonyms (hand-written here; both directions are used)
_SYN = [
    ("said", "stated"), ("says", "states"), ("told", "informed"), ("about", "roughly"), ("after", "following"),
    ("before", "prior to"), ("because", "since"), ("but", "however"), ("also", "additionally"),
    ("many", "numerous"), ("big", "large"), ("help", "assist"), ("show", "indicate"), ("shows", "indicates"),
    ("showed", "indicated"), ("use", "utilise"), ("used", "utilised"), ("buy", "purchase"), ("bought", "purchased"),
    ("start", "begin"), ("started", "began"), ("end", "conclude"), ("ended", "concluded"), ("get", "obtain"),
    ("got", "obtained"), ("need", "require"), ("needs", "requires"), ("people", "individuals"),
    ("company", "firm"), ("government", "administration"), ("officials", "authorities"), ("police", "officers"),
    ("killed", "slain"), ("died", "perished"), ("hurt", "injured"), ("city", "town"), ("country", "nation"),
    ("children", "kids"), ("money", "funds"), ("job", "position"), ("jobs", "positions"), ("law", "legislation"),
    ("plan", "proposal"), ("plans", "proposals"), ("week", "seven days"), ("month", "four weeks"),
    ("announced", "revealed"), ("reported", "disclosed"), ("expected", "anticipated"), ("likely", "probably"),
    ("important", "significant"), ("quickly", "rapidly"), ("increase", "rise"), ("decrease", "fall"),
    ("big", "major"), ("small", "minor"), ("new", "fresh"), ("old", "former"), ("try", "attempt"),
    ("tried", "attempted"), ("think", "believe"), ("thinks", "believes"), ("want", "wish"), ("wants", "wishes"),
    ("asked", "questioned"), ("added", "noted"), ("near", "close to"), ("around", "approximately"),
    ("during", "throughout"), ("while", "whereas"), ("large", "sizeable"), ("leader", "head"), ("win", "victory"),
    ("won", "secured"), ("lost", "was defeated in"), ("attack", "assault"), ("meeting", "session"),
    ("statement", "release"), ("news", "reports"), ("agreed", "consented"), ("deal", "agreement"),
]
_SYN_MAP: dict[str, list[str]] = {}
for _a, _b in _SYN:
    _SYN_MAP.setdefault(_a, []).append(_b)
    _SYN_MAP.setdefault(_b, []).append(_a)
_CONTRACT = [("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"), ("is not", "isn't"),
             ("are not", "aren't"), ("will not", "won't"), ("it is", "it's"), ("that is", "that's"),
             ("cannot", "can't"), ("would not", "wouldn't"), ("has not", "hasn't"), ("have not", "haven't")]
_ATTRIB = re.compile(r"^(?P<q>.{20,}?),\s+(?P<who>(?:[A-Z][\w.'-]*\s?){1,4}|(?:he|she|they|officials|police))\s+"
                     r"(?P<v>said|says|told reporters|added)\.$")

_SECTIONS = ["World", "Nation", "Politics", "Business", "Local", "Science", "Sports", "Metro", "Opinion", "Tech"]
_FIRST = ["Dana", "Milo", "Priya", "Tomas", "Ines", "Kofi", "Lena", "Arjun", "Rosa", "Yuki", "Omar", "Greta",
          "Felix", "Amara", "Jonah", "Sanna", "Ravi", "Clara", "Tariq", "Noor"]
_LAST = ["Vale", "Okafor", "Lindqvist", "Marsh", "Petrov", "Quinlan", "Haddad", "Brandt", "Moreau", "Achebe",
         "Nakamura", "Ferreira", "Holm", "Castell", "Duarte", "Whitlock", "Soren", "Abara", "Kessler", "Iyer"]
_AGENCIES = ["Meridian Wire", "Continental Press Service", "Northstar News Agency", "Globe Dispatch"]


def _outlets(rng: random.Random, k: int = 60) -> list[dict]:
    """Made-up outlets, each with its own masthead, byline and footer lines."""
    a = ["Harbor", "Prairie", "Summit", "Lakeside", "Granite", "Riverside", "Cedar", "Beacon", "Copper", "Highland",
         "Bayview", "Maple", "Iron", "Silver", "Northgate", "Willow", "Falcon", "Juniper", "Coastal", "Redwood"]
    b = ["Herald", "Courier", "Gazette", "Ledger", "Tribune", "Observer", "Sentinel", "Chronicle", "Post", "Daily"]
    names = [f"The {x} {y}" for x in a for y in b]
    rng.shuffle(names)
    out = []
    for name in names[:k]:
        short = name.split()[1].lower() + name.split()[2].lower()
        out.append({
            "name": f"{short}.example",
            "head": rng.choice([
                f"{name} | {rng.choice(_SECTIONS)}",
                f"{name.upper()} - {rng.choice(_SECTIONS)} desk",
                f"Home > {rng.choice(_SECTIONS)} > {name}",
            ]),
            "byline": rng.choice(["By {who}, {name} staff writer", "{who} | {name}", "Reporting by {who} for {name}"]),
            "foot": rng.choice([
                f"© 2026 {name}. All rights reserved. This material may not be republished without permission.",
                f"Follow {name} on social media for the latest {rng.choice(_SECTIONS).lower()} news. Tips: newsroom@{short}.example",
                f"Copyright {name}. Terms of use | Privacy policy | Contact us | Advertise with {name}",
            ]),
            "full": name,
        })
    return out


def split_sentences(text: str) -> list[list[str]]:
    """Paragraphs (blank-line separated, or the whole text) as lists of sentences."""
    paras = [p for p in re.split(r"\s*\n\s*\n\s*", text.replace("\r", "")) if p.strip()]
    if len(paras) <= 1:
        paras = [text]
    out = []
    for p in paras:
        s = [x.strip() for x in _SENT.split(" ".join(p.split())) if x.strip()]
        if s:
            out.append(s)
    return out


def _shingles(text: str) -> set:
    w = _WORD.findall(text.lower())
    return {hash(tuple(w[i : i + 5])) for i in range(max(len(w) - 4, 1))} if w else set()


def jaccard5(a: str, b: str) -> float:
    x, y = _shingles(a), _shingles(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def read_real(data: Path) -> Iterator[tuple[str, str]]:
    """(event key, text) of every real article under ``data`` (files that are missing are skipped)."""
    p = data / "summaries" / "multinews-val.jsonl"
    if p.exists():
        for line in p.open(encoding="utf-8"):
            r = json.loads(line)
            for a in r.get("articles") or []:
                yield "mn:" + r["cluster_id"], a.get("text") or ""
    p = data / "clustering" / "ecbplus-dev.jsonl"
    if p.exists():
        for line in p.open(encoding="utf-8"):
            r = json.loads(line)
            yield "ecb:" + str(r.get("cluster")), r.get("text") or ""
    for name in ("polnear-train.jsonl", "polnear-dev.jsonl"):
        p = data / "quotes" / name
        if p.exists():
            for line in p.open(encoding="utf-8"):
                r = json.loads(line)
                yield "pn:" + str(r.get("doc_id")), r.get("text") or ""


def pick_originals(real: list[tuple[str, str]], max_n: Optional[int], rng: random.Random) -> list[tuple[str, list]]:
    """Real articles with 5+ sentences and 600-20,000 characters, none a near copy (5-gram
    containment >= 0.5) of one kept before it: [(event, paragraphs)]."""
    rng.shuffle(real)
    owner: dict[int, list[int]] = {}
    kept: list[tuple[str, list]] = []
    sizes: list[int] = []
    for ev, text in real:
        if not 600 <= len(text) <= 20_000:
            continue
        paras = split_sentences(text)
        if sum(len(p) for p in paras) < 5:
            continue
        sh = _shingles(text)
        if not sh:
            continue
        hits: dict[int, int] = {}
        for h in sh:
            for k in owner.get(h, ()):
                hits[k] = hits.get(k, 0) + 1
        if any(c / min(len(sh), sizes[k]) >= 0.5 for k, c in hits.items()):
            continue
        k = len(kept)
        for h in sh:
            owner.setdefault(h, []).append(k)
        kept.append((ev, paras))
        sizes.append(len(sh))
        if max_n and len(kept) >= max_n:
            break
    return kept


class Editor:
    def __init__(self, rng: random.Random, headlines: list[str], names: list[str]):
        self.rng, self.headlines, self.names = rng, headlines, names

    def person(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def render(self, paras: list[list[str]], outlet: dict, credit: Optional[str] = None) -> str:
        body = [" ".join(p) for p in paras]
        if credit and body:
            body[0] = f"({credit}) — " + body[0]
        parts = [outlet["head"], outlet["byline"].format(who=self.person(), name=outlet["full"])]
        parts += body
        if credit:
            parts.append(f"Distributed by {credit}.")
        parts.append(outlet["foot"])
        return "\n\n".join(parts)

    # -- copy operations
    def light_edit(self, paras):
        rng = self.rng
        out = [list(p) for p in paras]
        rate = rng.uniform(0.02, 0.04)
        for p in out:
            for k, s in enumerate(p):
                w = s.split(" ")
                ed = []
                for x in w:
                    r = rng.random()
                    if r < rate / 2 and len(w) > 6:
                        continue  # deleted word
                    ed.append(x)
                    if r > 1 - rate / 2:
                        ed.append(x)  # doubled word (an editing slip)
                p[k] = " ".join(ed)
        sents = [(i, j) for i, p in enumerate(out) for j in range(len(p))]
        if len(sents) > 6:
            i, j = rng.choice(sents[1:-1])
            del out[i][j]
            out = [p for p in out if p]
        note = rng.choice([
            "UPDATE: This story has been updated with additional information.",
            "Correction: An earlier version of this article misstated a detail. It has been corrected.",
            "This article was last updated in the afternoon.",
        ])
        if rng.random() < 0.5:
            out.insert(0, [note])
        else:
            out.append([note])
        return out

    def added_boilerplate(self, paras):
        rng = self.rng
        out = [list(p) for p in paras]
        for _ in range(rng.randint(2, 4)):
            line = rng.choice([
                f"Also Read: {rng.choice(self.headlines)}",
                f"Related: {rng.choice(self.headlines)}",
                "ADVERTISEMENT",
                "Sign up for our newsletter to get the day's top stories in your inbox.",
                "Share this article: Facebook | Twitter | Email | Print",
                f"READ MORE: {rng.choice(self.headlines)}",
            ])
            out.insert(rng.randint(1, max(1, len(out))), [line])
        return out

    def truncate(self, paras, outlet_name: str):
        rng = self.rng
        flat = [(i, s) for i, p in enumerate(paras) for s in p]
        keep = max(3, int(len(flat) * rng.uniform(0.35, 0.7)))
        out: list[list[str]] = []
        last = None
        for i, s in flat[:keep]:
            if i != last:
                out.append([])
                last = i
            out[-1].append(s)
        out.append([rng.choice([f"Read the full story at {outlet_name}.", "Continue reading ...", "[...]"])])
        return out

    def _para_sentence(self, s: str, rate: float) -> str:
        rng = self.rng
        m = _ATTRIB.match(s)
        if m and rng.random() < 0.7:
            q = m.group("q").strip("\"“”")
            v = m.group("v")
            s = f"{m.group('who')} {v} that {q[0].lower() + q[1:] if q[:2] != q[:2].upper() else q}."
        for a, b in _CONTRACT:
            if a in s and rng.random() < 0.8:
                s = s.replace(a, b)
        toks = s.split(" ")
        for k, t in enumerate(toks):
            core = t.strip(".,;:!?\"“”'").lower()
            alts = _SYN_MAP.get(core)
            if alts and rng.random() < 0.8:
                rep = rng.choice(alts)
                if t[:1].isupper():
                    rep = rep[0].upper() + rep[1:]
                toks[k] = t.replace(t.strip(".,;:!?\"“”'"), rep, 1)
            elif rng.random() < rate and len(core) > 3 and not t[:1].isupper():
                toks[k] = ""  # dropped modifier
        return " ".join(x for x in toks if x)

    def paraphrase(self, paras, rate: float = 0.08):
        out = []
        for p in paras:
            q = [self._para_sentence(s, rate) for s in p]
            if len(q) >= 3 and self.rng.random() < 0.3:
                q[0], q[1] = q[1], q[0]
            out.append(q)
        return out

    def heavy_rewrite(self, paras, embellish: bool):
        rng = self.rng
        sents = [s for p in paras for s in p]
        keep = max(4, int(len(sents) * rng.uniform(0.5, 0.67)))
        idx = sorted(rng.sample(range(len(sents)), min(keep, len(sents))))
        # local reordering: swap neighbours
        for k in range(0, len(idx) - 1, 2):
            if rng.random() < 0.5:
                idx[k], idx[k + 1] = idx[k + 1], idx[k]
        new = [self._para_sentence(self._para_sentence(sents[i], 0.2), 0.1) for i in idx]
        if embellish:
            n1 = rng.randint(12, 900)
            new.insert(rng.randint(1, len(new)), f"According to {self.person()}, the total cost could reach "
                                                f"${n1} million by {rng.choice(['March', 'June', 'October'])} "
                                                f"{rng.randint(2027, 2030)}.")
            new.append(f"{self.person()}, a spokesperson for {rng.choice(self.names)}, said {rng.randint(3, 95)} "
                       f"further cases were under review.")
        return [new[k : k + 3] for k in range(0, len(new), 3)]

    def template_variant(self, paras):
        """Every mid-sentence name and number replaced: same skeleton, other facts."""
        rng = self.rng
        nm: dict[str, str] = {}
        out = []
        for p in paras:
            q = []
            for s in p:
                s = _NAME.sub(lambda m: nm.setdefault(m.group(0), rng.choice(self.names)), s)
                s = _NUM.sub(lambda m: str(rng.randint(2, 9999)), s)
                q.append(s)
            out.append(q)
        return out


def build(data: Path, seed: int = 0, max_originals: Optional[int] = None) -> list[dict]:
    rng = random.Random(seed)
    real = list(read_real(Path(data)))
    if not real:
        raise SystemExit(f"no articles found under {data}")
    originals = pick_originals(real, max_originals, rng)
    headlines = [p[0][0][:90] for _ev, p in originals]
    names = sorted({m.group(0) for _ev, p in originals[:400] for s in p[0] for m in _NAME.finditer(s)})
    ed = Editor(rng, headlines, names or ["Northfield"])
    outlets = _outlets(rng)
    rows: list[dict] = []
    bodies: list[list] = []
    days: list[int] = []

    def add(row: dict, paras, outlet: dict, day: int, credit: Optional[str] = None) -> int:
        i = len(rows)
        row.update({"id": f"r{i}", "source": outlet["name"]})
        if rng.random() >= 0.2:
            row["date"] = f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}"
        row["text"] = ed.render(paras, outlet, credit)
        rows.append(row)
        bodies.append(paras)
        days.append(day)
        return i

    orig_idx = []
    for ev, paras in originals:
        i = add({"family": f"r{len(rows)}", "origin": None, "relation": "original", "type": "original", "event": ev},
                paras, rng.choice(outlets), rng.randint(0, 300))
        orig_idx.append(i)
    for _ in range(int(len(originals) * TEMPLATE_SHARE)):
        base = bodies[rng.choice(orig_idx)]
        for _v in range(rng.randint(3, 4)):
            i = len(rows)
            add({"family": f"r{i}", "origin": None, "relation": "original", "type": "templated"},
                ed.template_variant(base), rng.choice(outlets), rng.randint(0, 300))
    derived: list[int] = []
    plan = [t for t, s in SHARES.items() for _ in range(int(len(originals) * s))]
    rng.shuffle(plan)
    plan.sort(key=lambda t: t == "chain")
    for t in plan:
        o = rng.choice(derived) if t == "chain" and derived else rng.choice(orig_idx)
        src = rows[o]
        outlet = rng.choice(outlets)
        while outlet["name"] == src["source"]:
            outlet = rng.choice(outlets)
        op = bodies[o]
        credit = None
        rel = RELATION.get(t, "copy")
        if t == "wire_copy":
            paras, credit = [list(p) for p in op], rng.choice(_AGENCIES)
        elif t == "light_edit":
            paras = ed.light_edit(op)
        elif t == "added_boilerplate":
            paras = ed.added_boilerplate(op)
        elif t == "truncated":
            paras = ed.truncate(op, outlet["full"])
        elif t == "paraphrase":
            paras = ed.paraphrase(op)
        elif t == "heavy_rewrite":
            emb = rng.random() < 0.5
            paras = ed.heavy_rewrite(op, emb)
            rel = "embellished" if emb else "rewrite"
        else:  # chain
            if rng.random() < 0.5:
                paras = ed.light_edit(op)
            else:
                paras, rel = ed.truncate(op, outlet["full"]), "truncated"
        a = " ".join(" ".join(p) for p in op)
        b = " ".join(" ".join(p) for p in paras)
        i = add({"family": src["family"], "origin": src["id"], "relation": rel, "type": t, "event": src.get("event"),
                 "jaccard5": round(jaccard5(a, b), 3)}, paras, outlet, days[o] + rng.randint(0, 3), credit)
        derived.append(i)
    order = list(range(len(rows)))
    rng.shuffle(order)
    return [rows[k] for k in order]


def real_event_scores(rows: list[dict], pred_family: list[str]) -> dict:
    """How the real originals' own relations weigh in the scores. Real articles about one event
    are either independent reports or, unknown to the labels, rewrites of one wire story (ECB+
    and Multi-News hold both): a predicted pair across two gold families whose origins report
    the same real event is neither counted right nor wrong in ``precision_same_event_unscored``.
    ``real_originals_linked``: predicted same-family pairs of two real originals, of one event
    and of different events (the latter are plain errors)."""
    fam: dict[str, list[int]] = {}
    for i, p in enumerate(pred_family):
        fam.setdefault(p, []).append(i)
    tp = fp = unscored = same = other = 0
    for members in fam.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = rows[members[x]], rows[members[y]]
                if a["family"] == b["family"]:
                    tp += 1
                elif a.get("event") and a.get("event") == b.get("event"):
                    unscored += 1
                else:
                    fp += 1
                if a["type"] == "original" and b["type"] == "original":
                    if a["event"] == b["event"]:
                        same += 1
                    else:
                        other += 1
    per_event: dict[str, int] = {}
    for r in rows:
        if r["type"] == "original":
            per_event[r["event"]] = per_event.get(r["event"], 0) + 1
    return {"precision_same_event_unscored": round(tp / (tp + fp), 4) if tp + fp else None,
            "pairs_unscored": unscored,
            "real_originals_linked": {"same_event": same, "of_same_event_pairs": sum(k * (k - 1) // 2 for k in per_event.values()),
                                      "different_events": other}}


def to_html(row: dict) -> str:
    """The row as its outlet's web page: masthead and menu, the headline (the body's first
    sentence), byline, one <p> per paragraph, a "more stories" box, the footer; outlet,
    canonical URL and publication time in the head."""
    from html import escape

    parts = row["text"].split("\n\n")
    head, byline, body, foot = parts[0], parts[1], parts[2:-1], parts[-1]
    first = split_sentences(body[0])[0][0] if body else ""
    title = first if len(first) <= 120 else " ".join(first.split()[:12]) + " ..."
    src = row["source"]
    meta = f'<meta property="article:published_time" content="{row["date"]}T08:00:00Z">' if row.get("date") else ""
    paras = "\n".join(f"<p>{escape(x)}</p>" for x in body)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} - {escape(src)}</title>
<meta property="og:site_name" content="{escape(src)}">
<link rel="canonical" href="https://{escape(src)}/news/{escape(row['id'])}.html">
{meta}
</head><body>
<header><div class="masthead">{escape(head)}</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">{escape(byline)}</p>
{paras}
</article>
<aside class="related"><h2>More stories</h2><ul><li><a href="/news/a.html">Weather warning for the weekend</a></li>
<li><a href="/news/b.html">Council budget vote delayed</a></li></ul></aside>
</main>
<footer><p>{escape(foot)}</p></footer>
</body></html>
"""


def score_html(rows: list[dict], folder: Path) -> dict:
    """Write every row as an HTML page under ``folder``, take the pages through newsfold's
    own ingest and clean stages (boilerplate removal, metadata), fold them, and score."""
    from newsfold.config import Config
    from newsfold.dedup import fold
    from newsfold.eval.dedup import score
    from newsfold.stages import ingest_and_clean, split_errors

    folder.mkdir(parents=True, exist_ok=True)
    for r in rows:
        (folder / f"{r['id']}.html").write_text(to_html(r), encoding="utf-8")
    arts, errors = split_errors(ingest_and_clean(sorted(str(p) for p in folder.glob("*.html")), config=Config()))
    fold(arts)
    got = {a.id: a for a in arts}
    kept = [r for r in rows if r["id"] in got]
    pred = [got[r["id"]].family or r["id"] for r in kept]
    res = score([r["family"] for r in kept], [r["type"] for r in kept], pred, [r["relation"] for r in kept],
                [got[r["id"]].relation for r in kept], [r["origin"] for r in kept], [r["id"] for r in kept])
    res["real_events"] = real_event_scores(kept, pred)
    res["pages"] = {"written": len(rows), "articles": len(arts), "errors": len(errors)}
    return res


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-originals", type=int, default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--score", action="store_true", help="fold the corpus with newsfold and print the scores")
    ap.add_argument("--html", default=None, metavar="DIR",
                    help="also write each article as an HTML page under DIR and score newsfold's ingest + clean + fold of them")
    a = ap.parse_args(argv)
    rows = build(Path(a.data), a.seed, a.max_originals)
    with open(a.out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["type"]] = counts.get(r["type"], 0) + 1
    print(json.dumps({"articles": len(rows), "types": counts}))
    if a.score:
        from newsfold.dedup import fold
        from newsfold.eval.dedup import score
        from newsfold.model import Article

        arts = [Article(id=r["id"], text=r["text"], source=r["source"], published=r.get("date"), content_hash="-")
                for r in rows]
        fold(arts)
        pred = [x.family or x.id for x in arts]
        res = score([r["family"] for r in rows], [r["type"] for r in rows], pred, [r["relation"] for r in rows],
                    [x.relation for x in arts], [r["origin"] for r in rows], [r["id"] for r in rows])
        res["real_events"] = real_event_scores(rows, pred)
        print(json.dumps(res, indent=1))
    if a.html:
        print(json.dumps({"html": score_html(rows, Path(a.html))}, indent=1))


if __name__ == "__main__":
    main()
