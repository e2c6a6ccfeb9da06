"""Article features for story clustering: weighted term vectors and entity/number keys.

Everything here is general text processing (no data-set specific rules):

* terms: lower-cased word tokens with a light plural stemmer, stop words dropped;
* channels: ``full`` (title + body head), ``title``, ``lead`` (title + first sentences);
* entities: capitalised tokens that are not sentence-initial (or that the stream has seen
  capitalised mid-sentence more often than in lower case), plus numbers (``#2013``, ``#6.1``);
  title-case headlines give no capitalisation evidence of their own;
* IDF from a :class:`DocFreq` table that grows with the data seen so far.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Optional

from newsfold.model import display_title  # noqa: F401 - the clusterer names stories with it

STOP = frozenset(
    """a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could did do does doing don down during each
    few for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves said says say told tells according mr mrs ms dr new one two three also us s t
    al el la le de del der van von bin ibn ul http https www com html amp per via just like get
    got make made may might must shall us year years day days week weeks today yesterday tomorrow
    monday tuesday wednesday thursday friday saturday sunday first last many much people time
    report reports reported news least another according since around""".split()
)

MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*", re.UNICODE)
_SENT = re.compile(r"(?<=[.!?;:\"“”])\s+|\n+|\s+[-–—]\s+")

#: Characters of body text that feed the ``full`` channel (bounds cost on long articles).
BODY_CHARS = 4000
#: Characters of body text that make the ``lead``.
LEAD_CHARS = 320


@lru_cache(maxsize=262144)
def stem(tok: str) -> str:
    """Lower-case + light plural/possessive stemming (``talks`` -> ``talk``)."""
    t = tok.lower().replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    elif "'" in t:
        t = t.split("'", 1)[0]
    if len(t) > 4 and t.endswith("ies"):
        return t[:-3] + "y"
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        return t[:-1]
    return t


def _is_num(tok: str) -> bool:
    return tok[0].isdigit()


def _num_key(tok: str) -> str:
    return "#" + tok.replace(",", "")


def terms(text: str) -> list[str]:
    out = []
    for m in _WORD.finditer(text):
        tok = m.group(0)
        if _is_num(tok):
            out.append(_num_key(tok))
            continue
        s = stem(tok)
        if len(s) > 1 and s not in STOP:
            out.append(s)
    return out


def _title_case(title: str) -> bool:
    words = [w for w in _WORD.findall(title) if not _is_num(w) and w.lower() not in STOP]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.6


class DocFreq:
    """Document frequencies of terms, and capitalisation counts, over the data seen so far."""

    def __init__(self) -> None:
        self.n = 0
        self.df: Counter = Counter()
        self.caps: Counter = Counter()  # mid-sentence capitalised occurrences
        self.lows: Counter = Counter()  # lower-case occurrences

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def is_proper(self, term: str) -> bool:
        return self.caps.get(term, 0) > self.lows.get(term, 0)

    def state_dict(self) -> dict:
        return {"n": self.n, "df": dict(self.df), "caps": dict(self.caps), "lows": dict(self.lows)}

    @classmethod
    def from_state(cls, state: dict) -> "DocFreq":
        d = cls()
        d.n = state["n"]
        d.df = Counter(state["df"])
        d.caps = Counter(state["caps"])
        d.lows = Counter(state["lows"])
        return d


@dataclass
class Parsed:
    """Raw (IDF-free) features of one article."""

    full: Counter
    title: Counter
    lead: Counter
    caps_mid: Counter  # stems seen capitalised mid-sentence in this article
    caps_any: Counter  # stems seen capitalised anywhere (incl. sentence-initial / title)
    lows: Counter
    nums: Counter
    day: Optional[int]
    has_body: bool


def parse_date(value) -> Optional[int]:
    """Proleptic ordinal day of an ISO date/datetime string, or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return None


def _split_title(title: str, text: str) -> str:
    """Body without a leading copy of the title."""
    body = text.lstrip()
    if title and body[: len(title)].strip().lower() == title.strip().lower():
        body = body[len(title):]
    return body


#: consecutive whole numbers an article must hold for them to be an enumeration
ENUMERATION_RUN = 8


def _enumeration(nums: Counter) -> list[str]:
    """Number keys that count through a list rather than state a fact: runs of at least
    ``ENUMERATION_RUN`` consecutive whole numbers under 1000 in one article (a gallery's
    "Hide Caption 62 of 132", a paper's reference marks "(33, 36, 38)", ranked positions, a
    table's row numbers). Two unrelated long pages share dozens of them: a Crimea report's
    photo gallery and an alcohol-advert study shared 70 numbers, and that pair alone joined
    their two stories."""
    keys: dict[int, list[str]] = {}  # "#5" and "#05" are one value
    for k in nums:
        if k[1:].isdecimal() and len(k) <= 4:  # not "³": a digit to isdigit(), no number to int()
            keys.setdefault(int(k[1:]), []).append(k)
    values = sorted(keys)
    out: list[str] = []
    start = 0
    for k in range(1, len(values) + 1):
        if k == len(values) or values[k] != values[k - 1] + 1:
            if k - start >= ENUMERATION_RUN:
                out.extend(key for v in values[start:k] for key in keys[v])
            start = k
    return out


def parse(title: Optional[str], text: str, published=None, body_chars: int = BODY_CHARS) -> Parsed:
    title = (title or "").strip()
    body = _split_title(title, text or "")
    head = body[:body_chars]
    lead_text = body[:LEAD_CHARS]
    caps_mid: Counter = Counter()
    caps_any: Counter = Counter()
    lows: Counter = Counter()
    nums: Counter = Counter()

    def scan(segment: str, title_case: bool, out: list) -> None:
        # also collects ``terms(segment)`` into ``out``: the sentence cuts (_SENT) never fall
        # inside a token, so the tokens are the same as over the whole segment
        for sent in _SENT.split(segment):
            first = True
            for m in _WORD.finditer(sent):
                tok = m.group(0)
                if tok[0].isdigit():
                    key = _num_key(tok)
                    nums[key] += 1
                    out.append(key)
                    first = False
                    continue
                s = stem(tok)
                if len(s) < 2 or s in STOP:
                    first = False
                    continue
                out.append(s)
                if s in MONTHS:
                    first = False
                    continue
                if tok[0].isupper():
                    caps_any[s] += 1
                    if not first and not title_case and not tok.isupper() or (
                        tok.isupper() and 2 <= len(tok) <= 5 and not title_case
                    ):
                        caps_mid[s] += 1
                else:
                    lows[s] += 1
                first = False

    title_terms: list = []
    head_terms: list = []
    scan(title, _title_case(title), title_terms)
    scan(head, False, head_terms)
    full = Counter(title_terms)
    full.update(head_terms)
    lead = Counter(title_terms)
    lead.update(terms(lead_text))
    for key in _enumeration(nums):
        for counts in (nums, full, lead):
            counts.pop(key, None)
    return Parsed(
        full=full,
        title=Counter(title_terms),
        lead=lead,
        caps_mid=caps_mid,
        caps_any=caps_any,
        lows=lows,
        nums=nums,
        day=parse_date(published),
        has_body=len(body) >= 600,
    )


def observe(dfs: DocFreq, p: Parsed) -> None:
    """Add one article to the document-frequency and capitalisation tables."""
    dfs.n += 1
    dfs.df.update(p.full.keys())
    dfs.caps.update(p.caps_mid)
    dfs.lows.update(p.lows)


def weigh(counts: Counter, dfs: DocFreq, top: int = 0) -> dict[str, float]:
    """Sublinear tf * idf, L2-normalised; optionally keep the ``top`` heaviest terms."""
    vec = {t: (1.0 + math.log(c)) * dfs.idf(t) for t, c in counts.items()}
    if top and len(vec) > top:
        vec = dict(sorted(vec.items(), key=lambda kv: -kv[1])[:top])
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def entities(p: Parsed, dfs: DocFreq) -> Counter:
    """Entity keys with counts: proper-noun stems and numbers.

    A stem is a name when this article capitalises it mid-sentence, or when it is
    capitalised at least once here and the stream so far capitalises it mid-sentence more often
    than it writes it in lower case. Lower-case uses in this article veto weak evidence.
    """
    ents: Counter = Counter()
    for s, c in p.caps_any.items():
        mid = p.caps_mid.get(s, 0)
        low = p.lows.get(s, 0)
        if mid and mid >= low and (dfs.caps.get(s, 0) >= dfs.lows.get(s, 0) or mid >= 2):
            ents[s] += c
        elif not mid and low == 0 and dfs.is_proper(s):
            ents[s] += c
    for k, c in p.nums.items():
        v = k[1:]
        # tiny integers ("2 people") carry little identity; years, magnitudes, tolls do
        if "." in v or len(v) >= 2:
            ents[k] += c
    return ents
