"""Synthetic news corpus with known copy families (ground truth for `newsfold eval dedup`).

    python -m bench.dedup.generate --n 20000 --out /tmp/dedup-20k.jsonl

Each line: id, text, source, date (ISO or missing), and the truth: family (origin id),
origin, relation, type. Construction:

* vocabulary: V made-up words with Zipf(1.1) frequencies; a fixed pool of capitalised
  names; numbers and dates drawn per article;
* sites: each has its own header and footer boilerplate lines around every article it prints;
* originals: 5-12 paragraphs of 2-5 sentences, names and numbers sprinkled in;
* planted derived articles (origin picked at random among earlier originals), published the
  same day or 1-3 days later (20% of all dates missing):
  wire_copy (same body, other site), light_edit (~3% words changed, last paragraph dropped
  half the time, an editor's note added), added_boilerplate (extra promo/link paragraphs),
  truncated (keeps 30-60% of the paragraphs), paraphrase (~10% of words replaced by a fixed
  synonym, some clauses reordered: 5-gram Jaccard ~0.3-0.45), heavy_rewrite (~30% words
  replaced, sentences reordered and dropped, half of them embellished with new sentences
  carrying new numbers and names), chain (a light edit or truncation of a derived copy);
* templated: groups of reports from one template with different names, numbers and dates
  (not copies: each is its own family).
"""

from __future__ import annotations

import argparse
import json
import random
from typing import Optional

import numpy as np

TYPES = {  # share of the corpus
    "wire_copy": 0.10, "light_edit": 0.08, "added_boilerplate": 0.05, "truncated": 0.06,
    "paraphrase": 0.06, "heavy_rewrite": 0.04, "chain": 0.03, "templated": 0.08,
}
RELATION = {"wire_copy": "copy", "light_edit": "copy", "added_boilerplate": "copy", "truncated": "truncated",
            "paraphrase": "rewrite", "heavy_rewrite": "rewrite", "templated": "original", "original": "original"}


class Corpus:
    def __init__(self, seed: int = 0, vocab: int = 50_000, n_sites: int = 300):
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        sy = ["ka", "lo", "mi", "ra", "te", "su", "ne", "po", "vi", "da", "ge", "zu", "fa", "ri", "bo",
              "sha", "tri", "en", "ol", "ar", "us", "qui", "ste", "nor", "pal", "mek", "dor", "ith"]
        words = set()
        while len(words) < vocab:
            words.add("".join(self.rng.choice(sy) for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4)))))
        self.words = sorted(words, key=lambda w: (len(w), w))
        self.rng.shuffle(self.words)
        ranks = np.arange(1, vocab + 1, dtype=np.float64)
        p = ranks ** -1.1
        self.cum = np.cumsum(p / p.sum())
        # a synonym for each word: another word of nearby frequency rank
        self.syn = {}
        for i, w in enumerate(self.words):
            j = min(vocab - 1, max(0, i + self.rng.randint(-50, 50) or 1))
            self.syn[w] = self.words[j] if j != i else self.words[(i + 1) % vocab]
        names = set()
        while len(names) < 5000:
            names.add("".join(self.rng.choice(sy) for _ in range(self.rng.choice((2, 3, 3)))).capitalize())
        self.names = sorted(names)
        self.sites = []
        for s in range(n_sites):
            self.sites.append({
                "name": f"site{s:03d}.example",
                "header": self._sent(8, 16).rstrip(".") + " | " + self._sent(3, 6),
                "footer": [self._sent(10, 20), "Copyright " + self.rng.choice(self.names) + " Media " + str(self.rng.randint(1990, 2024)) + ". All rights reserved."],
            })

    def _words(self, k: int) -> list[str]:
        idx = np.searchsorted(self.cum, self.np.random(k))
        idx = np.minimum(idx, len(self.words) - 1)
        return [self.words[i] for i in idx]

    def _sent(self, lo: int = 8, hi: int = 25, names: Optional[list] = None, nums: Optional[list] = None) -> str:
        w = self._words(self.rng.randint(lo, hi))
        if names and self.rng.random() < 0.5:
            w.insert(self.rng.randrange(1, len(w)), self.rng.choice(names))
        if nums and self.rng.random() < 0.3:
            w.insert(self.rng.randrange(1, len(w)), self.rng.choice(nums))
        w[0] = w[0].capitalize()
        return " ".join(w) + "."

    def body(self, names=None, nums=None) -> list[list[str]]:
        names = names or self.rng.sample(self.names, 4)
        nums = nums or [str(self.rng.randint(2, 999)) for _ in range(3)]
        return [[self._sent(names=names, nums=nums) for _ in range(self.rng.randint(2, 5))]
                for _ in range(self.rng.randint(5, 12))]

    def render(self, paras: list[list[str]], site: dict) -> str:
        return "\n\n".join([site["header"]] + [" ".join(p) for p in paras] + site["footer"])

    # --- edits
    def light_edit(self, paras):
        out = []
        for p in paras:
            q = []
            for s in p:
                w = s.split(" ")
                for k in range(len(w)):
                    if self.rng.random() < 0.03 and not w[k][:1].isupper() and not w[k][:1].isdigit():
                        w[k] = self.syn.get(w[k].rstrip("."), w[k]) + ("." if w[k].endswith(".") else "")
                q.append(" ".join(w))
            out.append(q)
        if len(out) > 3 and self.rng.random() < 0.5:
            out = out[:-1]
        out.append(["Editor's note: " + self._sent(8, 14)])
        return out

    def added_boilerplate(self, paras):
        extra = [["Read more: " + self._sent(5, 9)], ["Sign up for our newsletter. " + self._sent(6, 12)]]
        k = self.rng.randrange(1, len(paras))
        return paras[:k] + [extra[0]] + paras[k:] + [extra[1]]

    def truncate(self, paras):
        keep = max(1, round(len(paras) * self.rng.uniform(0.3, 0.6)))
        return paras[:keep]

    def _replace(self, s: str, rate: float) -> str:
        w = s.split(" ")
        for k in range(len(w)):
            core = w[k].rstrip(".")
            if self.rng.random() < rate and core and not core[0].isupper() and not core[0].isdigit():
                w[k] = self.syn.get(core, core) + w[k][len(core):]
        if len(w) > 8 and self.rng.random() < 0.3:  # move a clause
            c = self.rng.randrange(3, len(w) - 3)
            tail = w[c:]
            tail[-1] = tail[-1].rstrip(".")
            w = [tail[0].capitalize()] + tail[1:] + [w[0].lower()] + w[1:c]
            w[-1] = w[-1].rstrip(".") + "."
        return " ".join(w)

    def paraphrase(self, paras):
        return [[self._replace(s, 0.10) for s in p] for p in paras]

    def heavy_rewrite(self, paras, embellish: bool):
        out = []
        for p in paras:
            q = [self._replace(s, 0.30) for s in p if self.rng.random() > 0.15] or [self._replace(p[0], 0.3)]
            self.rng.shuffle(q)
            out.append(q)
        if embellish:
            new_names = self.rng.sample(self.names, 3)
            for _ in range(2):
                s = self._words(10)
                s[0] = s[0].capitalize()
                s.insert(3, str(self.rng.randint(1000, 99999)))
                s.insert(5, new_names[0] + " " + new_names[1])
                out.insert(self.rng.randrange(len(out) + 1), [" ".join(s) + "."])
        return out

    def template_group(self, k: int):
        skeleton = [[self._sent() for _ in range(self.rng.randint(2, 4))] for _ in range(self.rng.randint(4, 7))]
        slots = []
        for _ in range(k):
            names = self.rng.sample(self.names, 3)
            nums = [str(self.rng.randint(2, 9999)) for _ in range(4)]
            paras = []
            for p in skeleton:
                q = []
                for s in p:
                    w = s.split(" ")
                    w.insert(min(2, len(w) - 1), self.rng.choice(names))
                    w.insert(min(5, len(w) - 1), self.rng.choice(nums))
                    q.append(" ".join(w))
                paras.append(q)
            slots.append(paras)
        return slots


def generate(n: int, seed: int = 0) -> list[dict]:
    c = Corpus(seed)
    rng = c.rng
    rows: list[dict] = []
    bodies: list[list] = []
    base_day = np.datetime64("2025-01-01")

    def date_of(day: int) -> Optional[str]:
        return None if rng.random() < 0.2 else str(base_day + np.timedelta64(day, "D"))

    counts = {t: int(n * s) for t, s in TYPES.items()}
    n_orig = n - sum(counts.values())
    plan = ["original"] * n_orig + [t for t, k in counts.items() for _ in range(k)]
    rng.shuffle(plan)
    # originals first so that derived ones have something to derive from
    plan.sort(key=lambda t: t not in ("original", "templated"))
    originals: list[int] = []
    derived: list[int] = []
    pending_templates: list = []
    for t in plan:
        i = len(rows)
        site = rng.choice(c.sites)
        day = rng.randint(0, 365)
        if t == "original":
            paras = c.body()
            row = {"family": f"d{i}", "origin": None, "relation": "original", "type": "original"}
            originals.append(i)
        elif t == "templated":
            if not pending_templates:
                pending_templates = c.template_group(rng.randint(3, 8))
            paras = pending_templates.pop()
            row = {"family": f"d{i}", "origin": None, "relation": "original", "type": "templated"}
        else:
            if t == "chain" and derived:
                o = rng.choice(derived)
            else:
                o = rng.choice(originals)
            src = rows[o]
            while site["name"] == src["source"]:
                site = rng.choice(c.sites)
            op = bodies[o]
            if t == "wire_copy":
                paras = [list(p) for p in op]
            elif t == "light_edit":
                paras = c.light_edit(op)
            elif t == "added_boilerplate":
                paras = c.added_boilerplate(op)
            elif t == "truncated":
                paras = c.truncate(op)
            elif t == "paraphrase":
                paras = c.paraphrase(op)
            elif t == "heavy_rewrite":
                emb = rng.random() < 0.5
                paras = c.heavy_rewrite(op, embellish=emb)
            else:  # chain: light edit or truncation of a derived copy
                paras = c.light_edit(op) if rng.random() < 0.5 else c.truncate(op)
            rel = RELATION.get(t, "copy")
            if t == "chain" and len(paras) < len(op) and not paras[-1][0].startswith("Editor"):
                rel = "truncated"
            if t == "heavy_rewrite" and emb:
                rel = "embellished"
            row = {"family": src["family"], "origin": f"d{o}", "relation": rel, "type": t}
            day = src["_day"] + rng.randint(0, 3)
            derived.append(i)
        row.update({"id": f"d{i}", "source": site["name"], "_day": day})
        d = date_of(day)
        if d:
            row["date"] = d
        row["text"] = c.render(paras, site)
        rows.append(row)
        bodies.append(paras)
    # shuffle presentation order so origins are not always first
    order = list(range(len(rows)))
    rng.shuffle(order)
    out = []
    for k in order:
        r = dict(rows[k])
        r.pop("_day")
        out.append(r)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    with open(a.out, "w", encoding="utf-8") as fh:
        for r in generate(a.n, a.seed):
            fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
