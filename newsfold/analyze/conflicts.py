"""Conflicts: two independent sources stating one fact with different values.

A claim is ``conflicting`` when two of its aligned member sentences (cosine >= the claim's
conflict threshold) from different copy families state the same *slot* with different values,
and neither value appears anywhere in the other article (an article that also names the other
value is describing two things, not disagreeing). Slots:

- **quantities**: the same counted noun ("killed 12 people" / "15 people died": ``people``),
  values differing by more than rounding (2%; 10% where either side says "about", "nearly",
  "some"). Not quantities: years, times of day ("7:12 pm"), ordinals ("58th"), numbered
  things ("No. 5", "Week 16"), scores and ranges ("29-of-34", "3-1"), and numbers whose only
  neighbour is a function word (``and``, ``was``): a count without its noun is not a slot. A
  person's age after the name ("Katie Jenkin, 20,") is the slot "age of Katie Jenkin".
- **dates**: each sentence names one day, resolved against its article's publication date
  ("on Tuesday", "March 3") as the timeline does, and the days differ. A day attached to a
  reporting verb ("said on Tuesday") dates the statement, not the fact, and is left out. A
  yearless day took its article's year, so it is compared by month and day; weekdays only
  between articles published the same day ("on Saturday" a week apart is two Saturdays).
- **places**: each sentence names a place (from the story's entity index, so variants of one
  name are one place) in the same slot -- the same preposition ("in", "near", "at",
  "outside", or "of" after "town", "city", "island"...) after the same two words ("broke out
  in Lyon" / "broke out in Marseille") --, the places are different entities and the
  sentences are close (cosine >= ``PLACE_MIN_COSINE``; the claim also compares its
  representative with sentences it did not align, since two names pull them apart).
  Without a gazetteer a city and its country look like two places; the same-slot and "named
  nowhere in the other article" tests keep most such pairs out.

- **negation**: one sentence states an action ("Okafor resigned", "was arrested") and the
  other denies the same action in so many words ("did not resign", "was not arrested", "has
  never been charged"). Verbs of saying and showing ("did not say", "did not identify") are
  not slots: not telling is not denying. A negation with "yet", "still", "so far" or "until"
  tells how things stood when it was written, which a later report may have overtaken. The
  affirmed verb must be asserted (not after "to", "if", "whether" or a modal: "plans to
  resign" is no conflict with "did not resign"), the two must share a subject word, neither
  sentence may set two subjects against each other ("Unlike the stars, Ross is not signed"),
  and neither article may state the other's side anywhere ("did not resign on Tuesday; she
  resigned on Wednesday" is two things).

Values are reported as ``{"value", "articles", "kind"}`` with ``kind`` one of ``number``,
``date``, ``place``, ``negation``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Sequence

from newsfold.analyze import timeline
from newsfold.analyze.entities import SETTLEMENT_WORDS
from newsfold.model import Article

#: function words that never name what a number counts
_FUNCTION = set("""a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers herself him his how i if in into is it its itself
just me more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your least
nearly almost around roughly approximately estimated another additional per each total""".split())
_NOT_UNITS = {"am", "pm", "a.m", "p.m", "gmt", "utc", "est", "edt", "pst", "pdt", "cet", "ist",
              "bst", "et", "pt", "ct", "mt", "th", "st", "nd", "rd", "percent"}
_MONTHS = set(m.strip(".\\?").casefold() for m in timeline.MONTHS.replace("\\.?", "").split("|"))
_WEEKDAYS = set(timeline.WEEKDAYS)
_IDENT = {"no", "number", "week", "game", "route", "flight", "page", "chapter", "article",
          "section", "channel", "episode", "room", "gate", "platform", "highway", "interstate",
          "act", "resolution", "bill", "model", "version", "level", "grade", "round", "stage",
          "year", "years", "aged", "age"}
_FRACTIONS = set("½¼¾⅓⅔⅛\ufffd")
_APPROX = re.compile(r"\b(?:about|nearly|almost|around|roughly|approximately|some|estimated|"
                     r"more than|over|up to)\s*$", re.I)
_QTY = re.compile(r"(?<![\w.,:/#$€£-])(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
                  r"(?P<mag>\s*(?:%|percent\b|per cent\b|thousand\b|million\b|billion\b|"
                  r"trillion\b|bn\b|mn\b|m\b))?")
_MAG = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
        "trillion": 1e12}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[,.;:()\[\]\"“”]")
_REPORTED = re.compile(r"\b(?:said|says|told|announced|reported|confirmed|added|stated|"
                       r"tweeted|wrote|reporters|statement|news conference)\b[^.;]{0,25}$", re.I)
_PLACE_PREP = ("in", "near", "at", "outside")

#: sentences naming two places in one slot must be at least this close (the alignment's own
#: threshold: 0.2 found 15% more planted places on ECB+ but flagged three real pairs of a
#: town and its county or a second facility; docs/analysis.md)
PLACE_MIN_COSINE = 0.35
#: two values within this share of the larger are one value (rounding, unit conversion)
ROUNDING = 0.02
APPROXIMATE = 0.10


@dataclass(frozen=True)
class Quantity:
    value: float
    shown: str  # as written, with its unit word: "12 people"
    unit: str  # the slot: currency / percent mark + counted noun
    approx: bool = False
    start: int = field(default=-1, compare=False)  # the digits in the sentence
    end: int = field(default=-1, compare=False)


def _stem(w: str) -> str:
    w = w.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _content(w: str) -> bool:
    low = w.casefold()
    return (w[:1].islower() and len(w) >= 3 and low not in _FUNCTION and low not in _NOT_UNITS
            and low not in _MONTHS and low not in _WEEKDAYS)


def _unit_after(text: str, end: int) -> Optional[str]:
    for i, m in enumerate(_WORD.finditer(text, end, min(len(text), end + 40))):
        w = m.group(0)
        if not w[:1].isalpha() or i >= 3:
            return None  # punctuation ends the noun phrase
        if w[:1].isupper() or w.casefold() in _FUNCTION:
            continue  # "23 Somali pirates", "12 more people"
        return w if _content(w) else None
    return None


def _unit_before(text: str, start: int) -> Optional[str]:
    words = _WORD.findall(text[max(0, start - 40):start])
    for i, w in enumerate(reversed(words)):
        if not w[:1].isalpha() or i >= 3:
            return None
        if _content(w):
            return w
    return None


def _counts(text: str):
    """(match, value) of each number that can be a count: not a year, a time of day, a day
    of the month, an ordinal, a numbered thing, a score or range."""
    for m in _QTY.finditer(text):
        s, e = m.start(), m.end()
        nxt = text[e:e + 3]
        if nxt[:1] in (":", "/") or nxt[:1].isalpha() or re.match(r"-\d", nxt):
            continue  # 7:12, 3/4, 58th, 49ers, 5G, 29-of-34 / 3-1
        if re.match(r"-(?:of|to)\b", text[e:e + 4]) or re.match(r"\s*[ap]\.?\s?m\b", text[e:e + 6], re.I):
            continue
        if text[max(0, s - 1):s] == ":" or re.search(r"\d[,.]\s$", text[max(0, s - 3):s]) or nxt[:1] in _FRACTIONS:
            continue  # "4:12", "2, 129" / "6. 1" (text rebuilt from tokens), "4½"
        prev = re.findall(r"([A-Za-z]+)\.?\s*$", text[max(0, s - 15):s])
        if prev and (prev[-1].casefold() in _IDENT or prev[-1].casefold().rstrip(".") in _MONTHS):
            continue  # "No. 5", "July 22"
        nword = re.match(r"\s*([A-Za-z]+)", text[e:e + 15])
        if nword and nword.group(1).casefold() in _MONTHS:
            continue  # "22 July"
        num, dec, cur = m.group("num"), m.group("dec") or "", m.group("cur") or ""
        mag = (m.group("mag") or "").strip().casefold()
        if not (cur or mag or dec) and len(num) == 4 and 1800 <= int(num) <= 2100:
            continue  # a year: dates are their own slot
        value = float(num.replace(",", "") + dec)
        spaced = (m.group("mag") or "")[:1].isspace()
        # "2m" and "$5 m" are millions, "5 m" is metres
        if mag in _MAG and (cur or not spaced or mag not in ("m", "mn")):
            value *= _MAG[mag]
        yield m, value


_YEAR_OLD_NAME = re.compile(r"-year-old\s+(?:[a-z]+\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+)")
_AGE = re.compile(r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*),\s+(\d{1,3}),")


def quantities(text: str) -> list[Quantity]:
    """The counted quantities of a sentence, each with the noun it counts (see module doc).
    A name's age ("Katie Jenkin, 20,") is the slot ``age <name>`` (the whole name: two
    Jenkins of one family are two people)."""
    return [q for q in _all_counts(text) if q.unit]


def _all_counts(text: str) -> list[Quantity]:
    """Every count of a sentence (``_counts``) as a :class:`Quantity`; unit "" where no noun
    is found beside it."""
    out = []
    ages = {}
    for m in _AGE.finditer(text):
        ages[m.start(2)] = m
    for m, value in _counts(text):
        s, e = m.start(), m.end()
        if s in ages:
            name = ages[s].group(1)
            out.append(Quantity(value, f"{name}, {m.group(0)}", "age " + name.casefold(),
                                start=m.start("num"), end=m.end("num")))
            continue
        mag = (m.group("mag") or "").strip().casefold()
        pct = mag in ("%", "percent", "per cent")
        noun = _unit_after(text, e) or _unit_before(text, s)
        if noun is None:
            out.append(Quantity(value, text[s:e].strip(), "", start=m.start("num"), end=m.end("num")))
            continue
        unit = ((m.group("cur") or "") + ("%" if pct else "") + " " + _stem(noun)).strip()
        named = _YEAR_OLD_NAME.match(text, e)
        if named:  # "6-year-old Rene Pasztor": that person's age
            unit = "age " + named.group(1).casefold()
        elif noun.casefold() == "year-old":  # "a 33-year-old woman": the woman's age
            who = _unit_after(text, e + len("-year-old")) if text.startswith("-year-old", e) else None
            if who:
                unit = "age " + _stem(who)
        approx = bool(_APPROX.search(text[max(0, s - 20):s]))
        out.append(Quantity(value, text[s:e].strip() + " " + noun, unit, approx,
                            start=m.start("num"), end=m.end("num")))
    return out


def _numbers_in(text: str) -> dict[float, set]:
    """Every count an article states (``_counts``) -> the slots it fills there ("" where no
    noun is found), for "the other article names this value too"."""
    out: dict[float, set] = {}
    for sent in timeline.sentences(text):
        for q in _all_counts(sent.text):
            out.setdefault(round(q.value, 6), set()).add(q.unit)
    return out


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b))


@dataclass(frozen=True)
class Day:
    shown: str  # as written: "March 3", "Tuesday"
    iso: str  # resolved against the article's date
    kind: str  # "dated" (has its year), "yearless", "weekday"
    start: int = field(default=-1, compare=False)  # the expression in the sentence

    def same(self, other: "Day") -> bool:
        """Whether two days can be the same: a yearless day took its article's year, which
        says nothing when the other article is from another year."""
        if self.kind == "dated" and other.kind == "dated":
            return self.iso == other.iso
        return self.iso[5:] == other.iso[5:]


_DAYISH = re.compile(r"\d|day\b", re.I)


def days(text: str, anchor: Optional[dt.datetime], skip_reported: bool = True) -> list[Day]:
    """Each day a sentence names (``Day``); with ``skip_reported`` a day that follows a
    reporting verb ("said on Tuesday") is left out: it dates the statement, not the fact."""
    out = []
    if not _DAYISH.search(text):
        return out  # no digit, no weekday
    for m in timeline._DATE.finditer(text):
        if skip_reported and _REPORTED.search(text[:m.start()]):
            continue
        iso = timeline.parse_date(m.group(0), anchor)
        if iso and len(iso) == 10:
            out.append(Day(m.group(0), iso, "dated" if re.search(r"\d{4}", m.group(0)) else "yearless",
                           start=m.start()))
    if anchor is not None:
        for m in timeline._WEEKDAY.finditer(text):
            if skip_reported and _REPORTED.search(text[:m.start()]):
                continue
            wd = timeline.WEEKDAYS.index(m.group(1).casefold())
            day = anchor - dt.timedelta(days=(anchor.weekday() - wd) % 7)
            out.append(Day(m.group(1), day.strftime("%Y-%m-%d"), "weekday", start=m.start(1)))
    return out


#: "did not resign", "was not arrested", "has never been charged", "won't attend", "no longer
#: supports": the negated verb is group 1
_NEGATED = re.compile(
    r"\b(?:(?:do|does|did|has|have|had|is|are|was|were|will|would|could|can|should|must)"
    r"(?:\s+not\b|n[’']t\b)|cannot|can[’']t|won[’']t|never|no\s+longer)"
    r"(?:\s+(?:ever|actually|officially|formally|personally|directly|never))?"
    r"(?:\s+(?:have|be|been|have\s+been))?\s+([a-z]{3,})\b", re.I)
#: the state when the sentence was written, which a later report may overtake
_AS_YET = re.compile(r"\b(?:yet|still|so\s+far|until|as\s+of|at\s+the\s+time|immediately|"
                     r"publicly|initially)\b", re.I)
#: not telling is not denying ("did not say", "did not identify the victims"); light verbs
#: carry no fact of their own; and the words after "is not" that are no verb ("is not the",
#: "is not clear")
NOT_DENIAL_VERBS = {
    "say", "comment", "confirm", "disclose", "reveal", "specify", "elaborate", "respond", "answer",
    "return", "know", "identify", "name", "release", "give", "provide", "mention", "explain",
    "indicate", "detail", "address", "discuss", "publish", "announce", "report", "state",
    "clarify", "reply", "reach", "be", "have", "do", "make", "take", "get", "go", "come", "see",
    "want", "expect", "appear", "seem", "need", "think", "believe", "tell", "speak", "talk",
    "show", "offer", "share", "seek", "understand", "hear", "receive", "find", "look", "lik",
    "wish", "hop", "mean", "ask", "let", "allow",
    "immediately", "sure", "clear", "only", "just", "also", "always", "necessarily", "any", "all",
    "the", "been", "being", "anyone", "anything", "enough", "much", "many", "more", "less"}
#: words before a verb that make it no assertion ("plans to resign", "whether she resigned",
#: "may have resigned", "no arrests")
_NOT_ASSERTED = {"to", "if", "whether", "may", "might", "could", "would", "should", "can", "will",
                 "must", "not", "never", "no", "n't", "n’t", "cannot", "unless", "lest", "nor",
                 "without", "deny", "denied", "denies", "rumors", "rumours", "reports", "claims"}


def verb_stem(w: str) -> str:
    """A verb's stem for matching its forms ("resigned", "resigns", "resigning", "resign" ->
    "resign"; "stopped" -> "stop"; "arrived" / "arrive" -> "arriv")."""
    w = w.casefold()
    if len(w) > 4 and w.endswith("ied"):
        return w[:-3] + "y"
    for suf in ("ing", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[:-len(suf)]
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


#: participles not in -ed, read as asserted after an auxiliary ("was found", "have made")
PARTICIPLES = {"born", "made", "held", "paid", "told", "sent", "built", "found", "caught",
               "brought", "bought", "sold", "struck", "hit", "shot", "left", "lost", "won", "kept",
               "led", "met", "put", "set", "run", "hurt", "cut", "beat", "sworn", "thrown", "taken",
               "given", "seen", "known", "written", "broken", "chosen", "spoken", "stolen", "driven",
               "fallen", "begun", "sentenced", "done", "gone"}
#: a sentence that sets two subjects against each other ("Unlike Lawrence, Ross is not
#: signed"; "Ross was not signed, but the stars are") states both sides itself
_CONTRAST = re.compile(r"\b(?:unlike|while|whereas|although|though|but|except|instead|rather\s+than)\b", re.I)
_SUBJECT_PRONOUNS = {"he", "she", "they", "we", "i"}
_WORDS = re.compile(r"[A-Za-z’'-]+|[,;:—–()]")


def _subject_words(text: str, end: int) -> set:
    """Words that may head the subject of a verb at ``end``: the content words of the
    sentence's opening phrase (up to its first comma) and of the last ten words before the
    verb, case-folded ("The man, Brian G. Nichols, 37, was not found" -> {"man", "brian",
    "nichols"})."""
    toks = _WORDS.findall(text[:end])
    cut = next((i for i, t in enumerate(toks) if not t[:1].isalpha()), len(toks))
    words = toks[:cut][:4] + [t for t in toks if t[:1].isalpha()][-10:]
    return {w.casefold() for w in words if len(w) >= 2
            and (w.casefold() not in _FUNCTION or w.casefold() in _SUBJECT_PRONOUNS)
            and not (w.casefold().endswith("ly") and len(w) > 4)}


def negations(text: str) -> list[tuple[str, str, set]]:
    """(verb stem, phrase as written, subject words) of each action the sentence denies
    ("Okafor did not resign": ("resign", "did not resign", {"okafor"}))."""
    if _AS_YET.search(text) or _CONTRAST.search(text):
        return []
    out = []
    for m in _NEGATED.finditer(text):
        stem = verb_stem(m.group(1))
        if stem in NOT_DENIAL_VERBS or m.group(1).casefold() in NOT_DENIAL_VERBS:
            continue
        before = re.findall(r"[A-Za-z’']+", text[max(0, m.start() - 20):m.start()])
        if not before or before[-1].casefold() in {"who", "which", "that", "to"}:
            continue  # an order ("Never threaten"), an infinitive ("told him to never
            # threaten") or a relative clause ("others who did not work"): not the subject's act
        subject = _subject_words(text, m.start())
        if subject:
            out.append((stem, m.group(0), subject))
    return out


_NO_OBJECT = re.compile(r"\s+(?:\w+\s+)?(?:no|none|nothing|nobody|neither|little)\b", re.I)
_AFFIRM_AUX = {"was", "were", "is", "are", "has", "have", "had", "been", "be"}
_ANY_NEGATION = re.compile(r"\b(?:not|never|no|nor|neither|nobody|none|nothing|without)\b|n[’']t\b", re.I)


def affirmations(text: str, scoped: bool = True) -> dict[str, tuple[str, set]]:
    """verb stem -> (the verb as written: "resigned", "was arrested"; its subject words) of
    each action the sentence asserts: a word in -ed or -s (-ing or an irregular participle
    after an auxiliary), with no negation before it in the sentence ("I didn't feel we were
    executing"), in no contrast ("Unlike Ross, the stars are signed") and not after a word
    that leaves it unasserted ("to", "whether", a modal). ``scoped=False``: every assertion,
    only the denied verbs themselves left out ("did not call an ambulance but called his
    mother" asserts "called")."""
    if scoped and _CONTRAST.search(text):
        return {}
    first_negation = _ANY_NEGATION.search(text) if scoped else None
    limit = first_negation.start() if first_negation else len(text)
    denied = [] if scoped else [m.span(1) for m in _NEGATED.finditer(text)]
    words = list(re.finditer(r"[A-Za-z’']+", text[:limit]))
    out: dict[str, tuple[str, set]] = {}
    for i, m in enumerate(words):
        w = m.group(0)
        low = w.casefold()
        if not w[:1].islower() or any(a <= m.start() < b for a, b in denied):
            continue
        prev = [x.group(0).casefold() for x in words[max(0, i - 3):i]]
        after_aux = bool(prev) and prev[-1] in _AFFIRM_AUX
        if not (low.endswith("ed") or (low.endswith("s") and not low.endswith("ss"))
                or (after_aux and (low.endswith("ing") or low in PARTICIPLES))):
            continue
        if any(p in _NOT_ASSERTED for p in prev) or (prev and prev[-1] in {"the", "a", "an", "of", "his", "her", "their", "its"}):
            continue  # "plans to resign", "whether she resigned", "the arrests"
        stem = verb_stem(w)
        if stem in NOT_DENIAL_VERBS or len(stem) < 3:
            continue
        if _NO_OBJECT.match(text, m.end()):
            continue  # "have seen no rise": a denial in the object
        start = words[i - 1].start() if after_aux else m.start()
        out.setdefault(stem, (text[start:m.end()], _subject_words(text, start) if scoped else set()))
    return out


def denied_in(denied: list, asserted: dict) -> Optional[tuple[str, str, str]]:
    """(verb stem, denial as written, assertion as written) of the first action that
    ``denied`` (:func:`negations` of one sentence) denies and ``asserted``
    (:func:`affirmations` of another) asserts of a shared subject word."""
    for stem, phrase, subject in denied:
        if stem in asserted and subject & asserted[stem][1]:
            return stem, phrase, asserted[stem][0]
    return None  # another action, or another subject ("the regulations don't require" /
    # "Section 7, which required")


@lru_cache(maxsize=1 << 14)
def _polar(text: str) -> tuple[list, dict]:
    return negations(text), affirmations(text)


def disagree(text_a: str, text_b: str) -> bool:
    """Whether one sentence denies an action the other asserts ("resigned" / "did not
    resign"): the two cannot support each other."""
    (neg_a, aff_a), (neg_b, aff_b) = _polar(text_a), _polar(text_b)
    return bool((neg_a and denied_in(neg_a, aff_b)) or (neg_b and denied_in(neg_b, aff_a)))


@dataclass
class _ArticleFacts:
    numbers: Optional[dict] = None
    days: Optional[list] = None
    place_ents: set = field(default_factory=set)
    place_words: str = ""
    negated: Optional[set] = None  # verb stems the article denies anywhere
    affirmed: Optional[set] = None  # verb stems it asserts anywhere


class ConflictFinder:
    """Conflicts between sentences of one story's articles (see module doc). ``entities``: the
    story's :class:`~newsfold.analyze.entities.EntityIndex`, for places (none: places are not
    checked)."""

    def __init__(self, articles: Sequence[Article], entities=None):
        self.articles = {a.id: a for a in articles}
        self.entities = entities
        self._facts: dict[str, _ArticleFacts] = {}
        self._places_by_article: dict[str, list] = {}
        self._cache: dict[tuple, list] = {}  # (kind, article, sentence start) -> list
        if entities is not None:
            for m in entities.mentions:
                if m.entity is not None and entities.entity_type(m.entity) == "PLACE":
                    self._places_by_article.setdefault(m.article, []).append(m)

    def _art(self, aid: str) -> _ArticleFacts:
        f = self._facts.get(aid)
        if f is None:
            f = self._facts[aid] = _ArticleFacts()
            f.place_ents = {m.entity for m in self._places_by_article.get(aid, ())}
            f.place_words = (self.articles[aid].text or "").casefold()
        return f

    def _names(self, aid: str, q: Quantity) -> bool:
        """Whether the article states ``q``'s value for the same slot, or with no noun."""
        units = self._numbers(aid).get(round(q.value, 6))
        return bool(units) and (q.unit in units or "" in units)

    def _numbers(self, aid: str) -> dict:
        f = self._art(aid)
        if f.numbers is None:
            f.numbers = _numbers_in(self.articles[aid].text or "")
        return f.numbers

    def _days(self, aid: str) -> list:
        f = self._art(aid)
        if f.days is None:
            a = self.articles[aid]
            anchor = timeline._anchor(a)
            f.days = [d for s in timeline.sentences(a.text or "")
                      for d in days(s.text, anchor, skip_reported=False)]
        return f.days

    # -- one pair of aligned sentences ----------------------------------------------------
    def _per_sentence(self, kind: str, u, compute):
        """``compute(u)``, once per sentence and kind (a sentence meets many others)."""
        key = (kind, u.article, u.span.start)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = compute(u)
        return found

    def _quantities(self, u) -> list[Quantity]:
        return self._per_sentence("quantities", u, self._quantities_of)

    def _days_of(self, u) -> list:
        return self._per_sentence("days", u, lambda u: days(u.text, timeline._anchor(self.articles[u.article])))

    def _quantities_of(self, u) -> list[Quantity]:
        qs = quantities(u.text)
        text = self.articles[u.article].text or ""
        if qs and qs[0].start == 0 and re.search(r"\d[.,]\s*$", text[max(0, u.span.start - 4):u.span.start]):
            qs = qs[1:]  # "6. 0 quake" split after "6.": the sentence opens with half a number
        return qs

    def quantity_conflicts(self, ua, ub) -> list[tuple[str, Quantity, Quantity]]:
        qa, qb = self._quantities(ua), self._quantities(ub)
        out = []
        units_b = {q.unit for q in qb}
        # units in the order ``ua`` states them: the output does not depend on string hashing
        for unit in [u for u in dict.fromkeys(q.unit for q in qa) if u in units_b]:
            va = [q for q in qa if q.unit == unit]
            vb = [q for q in qb if q.unit == unit]
            if len(va) != 1 or len(vb) != 1:
                continue  # "20 and 58 were found": which is which is not knowable
            x, y = va[0], vb[0]
            tol = APPROXIMATE if (x.approx or y.approx) else ROUNDING
            if _close(x.value, y.value, tol):
                continue
            if x.value in {q.value for q in qb} or y.value in {q.value for q in qa}:
                continue  # both sentences hold both figures ("between 1,500 and 3,000")
            if self._names(ub.article, x) or self._names(ua.article, y):
                continue  # the other article names this value too: two things, not a dispute
            out.append((unit, x, y))
        return out

    def date_conflict(self, ua, ub) -> Optional[tuple[Day, Day]]:
        aa = timeline._anchor(self.articles[ua.article])
        ab = timeline._anchor(self.articles[ub.article])
        da = self._days_of(ua)
        db = self._days_of(ub) if da else []
        if not da or not db or any(x.same(y) for x in da for y in db):
            return None
        if len({d.iso for d in da}) != 1 or len({d.iso for d in db}) != 1:
            return None
        x, y = da[0], db[0]
        if (x.kind == "weekday") != (y.kind == "weekday"):
            return None  # "Tuesday" against "March 3": only as sure as both articles' dates
        if x.kind == "weekday" and (aa is None or ab is None or aa.date() != ab.date()):
            return None  # "on Saturday" written on different days may be different Saturdays
        if any(x.same(d) for d in self._days(ub.article)) or any(y.same(d) for d in self._days(ua.article)):
            return None
        return x, y

    def _polarity(self, aid: str) -> _ArticleFacts:
        f = self._art(aid)
        if f.negated is None:
            # every sentence, with or without "yet": an article saying both is two things
            sents = [x.text for x in timeline.sentences(self.articles[aid].text or "")]
            f.affirmed = {stem for t in sents for stem in affirmations(t, scoped=False)}
            f.negated = {verb_stem(m.group(1)) for t in sents for m in _NEGATED.finditer(t)}
        return f

    def negation_conflict(self, ua, ub) -> Optional[tuple[str, str, str]]:
        """(verb stem, as ua states it, as ub states it) when one sentence denies an action
        the other asserts (see module doc)."""
        for neg, aff in ((ua, ub), (ub, ua)):
            denied = _polar(neg.text)[0]
            found = denied_in(denied, _polar(aff.text)[1]) if denied else None
            if found is None:
                continue
            stem, shown_neg, shown_aff = found
            if stem in self._polarity(neg.article).affirmed or stem in self._polarity(aff.article).negated:
                continue  # one article states both sides: two things, not a dispute
            return (stem, shown_neg, shown_aff) if neg is ua else (stem, shown_aff, shown_neg)
        return None

    def has_place_slot(self, u) -> bool:
        return self.entities is not None and bool(self._sentence_places(u))

    def _sentence_places(self, u) -> list:
        """(slot, mention) of each place the sentence names after a preposition; the slot is
        the preposition with the two words before it ("broke out in")."""
        return self._per_sentence("places", u, self._places_in)

    def _places_in(self, u) -> list:
        text = self.articles[u.article].text or ""
        out = []
        for m in self._places_by_article.get(u.article, ()):
            if u.span.start <= m.start and m.end <= u.span.end:
                before = re.findall(r"[A-Za-z']+", text[max(u.span.start, m.start - 60):m.start])
                if before and before[-1].casefold() == "the":
                    before.pop()
                prep = before[-1].casefold() if before else ""
                settlement = len(before) >= 2 and prep == "of" and before[-2].casefold() in SETTLEMENT_WORDS
                if len(before) >= 3 and (prep in _PLACE_PREP or settlement):
                    out.append((" ".join(w.casefold() for w in before[-3:]), m))
        return out

    def place_conflict(self, ua, ub, cosine: float):
        """Two places in the same slot ("broke out in Lyon" / "broke out in Marseille"), each
        named nowhere in the other article."""
        if self.entities is None or cosine < PLACE_MIN_COSINE:
            return None
        pa, pb = self._sentence_places(ua), self._sentence_places(ub)
        if not pa or not pb:
            return None
        fa, fb = self._art(ua.article), self._art(ub.article)
        for slot_a, m1 in pa:
            for slot_b, m2 in pb:
                if slot_a != slot_b or m1.entity == m2.entity:
                    continue
                if m1.entity in fb.place_ents or m1.text.casefold() in fb.place_words:
                    continue
                if m2.entity in fa.place_ents or m2.text.casefold() in fa.place_words:
                    continue
                return slot_a, self.entities.entity_name(m1.entity), self.entities.entity_name(m2.entity)
        return None


def _show_day(d: Day) -> str:
    return f"{d.shown} ({d.iso})" if d.kind == "weekday" else d.shown


ALL_KINDS = frozenset(("number", "date", "place", "negation"))


def conflict_values(finder: ConflictFinder, pairs: Sequence[tuple]) -> list[dict]:
    """Values of the conflicts found over ``pairs`` of units ``(ua, ub, cosine[, kinds])``
    (``kinds``: which slots to compare, default all): [{"value", "articles", "kind"}], one
    entry per value per conflicting slot."""
    slots: dict[tuple[str, str], dict[str, set]] = {}

    def put(kind, slot, shown_a, ua, shown_b, ub):
        d = slots.setdefault((kind, slot), {})
        d.setdefault(shown_a, set()).add(ua.article)
        d.setdefault(shown_b, set()).add(ub.article)

    for ua, ub, cos, *rest in pairs:
        kinds = rest[0] if rest else ALL_KINDS
        if "number" in kinds:
            for unit, x, y in finder.quantity_conflicts(ua, ub):
                put("number", unit, x.shown, ua, y.shown, ub)
        dc = finder.date_conflict(ua, ub) if "date" in kinds else None
        if dc:
            x, y = dc
            put("date", "day", _show_day(x), ua, _show_day(y), ub)
        pc = finder.place_conflict(ua, ub, cos) if "place" in kinds else None
        if pc:
            slot, na, nb = pc
            put("place", slot, na, ua, nb, ub)
        nc = finder.negation_conflict(ua, ub) if "negation" in kinds else None
        if nc:
            stem, shown_a, shown_b = nc
            put("negation", stem, shown_a, ua, shown_b, ub)
    values = []
    for (kind, _slot), vals in slots.items():
        arts = list(vals.values())
        # one article giving two of the values is not a dispute between sources
        if any(arts[i] & arts[j] for i in range(len(arts)) for j in range(i + 1, len(arts))):
            continue
        for v, a in vals.items():
            values.append({"value": v, "articles": sorted(a), "kind": kind})
    return values
