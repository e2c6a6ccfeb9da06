"""Claims: the factual sentences of each article aligned across a story, with corroboration.

1. Sentences (:mod:`sentences`) that state something: 6-90 words, not a question. Each is
   flagged *factual* when it carries a number, a date, a name-like capitalised word after the
   first, or a reporting verb. A claim needs a factual sentence or two independent sources:
   one outlet's unmarked remark is not a claim, a finding several outlets state in plain words
   ("several startups were forced to restructure") is.
2. Vectors: TF-IDF (sublinear) over content-word stems (stop words dropped, 6-char prefix
   stems so "visited"/"visit" meet), numbers normalised ("1,025" -> "1025"), capitalised names
   as extra features (entity overlap counts twice), L2-normalised.
3. Alignment: the cosine of every pair of sentences; a sentence *supports* a seed sentence's
   fact in another article when it is that article's best match and the cosine >= ``threshold``.
   Seeds are taken greedily, most-supported first; a sentence already aligned to a claim seeds
   no new claim.
4. Representative text: the member sentence of an *original* article (not a copy/rewrite) most
   similar to the other members.
5. Independence: ``count_sources`` (distinct copy families, wires counted once).
6. Status: ``corroborated`` (>= 2 independent sources), ``single_source``, or ``conflicting``
   when two aligned member sentences (cosine >= ``conflict_threshold``) from different
   families state one slot with different values -- a count of the same noun ("killed 12
   people" / "15 people died"), a day, a place -- that the other article names nowhere
   (:mod:`newsfold.analyze.conflicts`), listed in ``values``.
7. Additions: a clause of a member sentence whose numbers/dates no other source states (the
   draft's other members or aligned sentences of other families) becomes its own
   ``single_source`` claim, so a rewrite's invented figure never hides inside a corroborated
   claim; a clause whose facts the representative lacks but other sources state becomes a
   claim supported by those sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from newsfold.analyze.conflicts import PLACE_MIN_COSINE, ConflictFinder, conflict_values
from newsfold.analyze.quotes import CLOSE_D, OPEN_D
from newsfold.analyze.sentences import Span, sentences
from newsfold.clean.metadata import without_dateline
from newsfold.marks import is_about_the_article
from newsfold.model import Article, Claim

STOP = set("""a about above after again against all also am an and any are aren't as at be because
been before being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours out
over own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours said says say told according also would could one two
new year years mr mrs ms its it's he's she's they're we're i'm don't can't won't percent""".split())

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MONTH_RE = re.compile(rf"\b(?:{MONTHS})\b\.?", re.I)
_NUM_RE = re.compile(r"(?<![\w.])(\$|€|£)?(\d[\d,]*(?:\.\d+)?)(\s*(?:%|percent|million|billion|"
                     r"trillion|thousand))?")
_WORD_RE = re.compile(r"[A-Za-z][\w'’\-]*|\d[\d,]*(?:\.\d+)?")
_REPORT = re.compile(r"\b(?:said|says|told|announced|reported|confirmed|stated|according|"
                     r"claimed|added|noted|estimated|showed|found|revealed)\b", re.I)
_CLAUSE_SPLIT = re.compile(r",\s+(?=(?:which|where|who|when|while|including|with|according|"
                           r"as|after|before|amid|despite|since|following)\b)|;\s+|\s+[—–]\s+")


def tokens(text: str) -> list[str]:
    out = []
    first = True
    for w in _WORD_RE.findall(text):
        t = _WORD_TOKENS.get(w)
        if t is None:
            t = _word_tokens(w)
        if t:
            out.append(t[0])
            if len(t) > 1 and not first:
                out.append(t[1])  # name-like word: entity overlap weighs more
        first = False
    return out


#: word -> its tokens (``_word_tokens``): claims tokenise every sentence of a story, mostly the
#: same words again; bounded (cleared when full)
_WORD_TOKENS: dict[str, tuple] = {}


def _word_tokens(w: str) -> tuple:
    """() for a stop word; (stem,) or (stem, "E:" + word) for a capitalised word (a name when
    it is not the sentence's first); numbers as ("#" + digits,)."""
    if w[0].isdigit():
        t: tuple = ("#" + w.replace(",", ""),)
    else:
        lw = w.casefold().replace("’", "'")
        if lw.endswith("'s"):
            lw = lw[:-2]
        if lw in STOP or len(lw) < 2:
            t = ()
        else:
            t = (lw[:6], "E:" + lw) if w[0].isupper() else (lw[:6],)
    if len(_WORD_TOKENS) >= 200_000:
        _WORD_TOKENS.clear()
    _WORD_TOKENS[w] = t
    return t


def numbers(text: str) -> list[tuple[str, str]]:
    """(value, unit) pairs: "12" + the word after it ("killed 12 and" -> unit of context)."""
    out = []
    for m in _NUM_RE.finditer(text):
        val = (m.group(1) or "") + m.group(2).replace(",", "") + (m.group(3) or "").strip()
        after = text[m.end():m.end() + 30]
        before = text[max(0, m.start() - 25):m.start()]
        wa = re.match(r"[\s-]*([A-Za-z]+)", after)
        wb = re.findall(r"([A-Za-z]+)\s*$", before)
        unit = (wa.group(1).casefold() if wa else "") or (wb[-1].casefold() if wb else "")
        if unit in STOP and wb:
            unit = wb[-1].casefold()
        out.append((val, unit))
    return out


_STAMP_WORDS = set("""updated update published posted last first modified at on by am pm gmt utc et est
edt ist bst cet cest pst pdt cst cdt""".split()) | set(MONTHS.split("|")) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def is_stamp(text: str) -> bool:
    """A date/time line ("Updated: May 24, 2005, 3:23 PM ET", "10 June 2013 Last updated at
    14:00 GMT"): a number and at most two other words -- page furniture, not a statement."""
    if not _DIGIT.search(text):
        return False
    rest = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w.casefold() not in _STAMP_WORDS]
    return len(rest) <= 2


def is_statement(text: str) -> bool:
    """A sentence that can carry a claim at all: 6-90 words, not a question, not a date line."""
    n = len(text.split())
    return 6 <= n <= 90 and not text.rstrip(" \"'”’)").endswith("?") and not is_stamp(text)


# a sentence that opens or closes with a quote mark: somebody's words, not a reported fact.
# (First-person wording alone is not taken for speech: in transcripts and conversations the
# findings themselves are worded so.)
_SPEECH = re.compile(r"^\W*[\"“‘«„]|[\"”’»]\W*$")


def is_factual(text: str) -> bool:
    """A statement with a mark of checkable fact: a number, a date, a name, a reporting verb."""
    if not is_statement(text):
        return False
    # the cheap marks first (any mark will do): digits, a capitalised word after the first,
    # then the month and reporting-verb patterns
    if _DIGIT.search(text) or any(w[:1].isupper() for w in text.split()[1:]):
        return True
    return bool(_MONTH_RE.search(text) or _REPORT.search(text))


_DIGIT = re.compile(r"\d")


@dataclass
class Unit:
    article: str
    idx: int  # article order
    span: Span
    text: str
    pos: int  # sentence position in the article
    factual: bool = True  # is_factual(text): may stand as a claim on one source


@dataclass
class Alignment:
    units: list[Unit]
    sim: np.ndarray  # unit x unit cosine
    art_of: np.ndarray  # unit -> article index
    best: np.ndarray  # unit x article: best cosine
    best_unit: np.ndarray  # unit x article: index of best unit
    vectorizer: object = None
    matrix: object = None


def article_units(articles: Sequence[Article], factual_only: bool = True,
                  statements: bool = False) -> list[Unit]:
    """Sentences of the articles as alignment units, less the notes about the article itself
    (update and correction notes, teaser lines, credits: ``marks.is_about_the_article``).
    ``factual_only``: only sentences with a mark of fact (:func:`is_factual`); ``statements``:
    every statement (:func:`is_statement`), each flagged ``factual`` or not; neither: every
    sentence."""
    units = []
    read: dict[str, list] = {}  # one read per text: the copies of a syndicated report
    for ai, a in enumerate(articles):
        got = read.get(a.text)
        if got is None:
            got = read[a.text] = _text_units(a.text, factual_only, statements)
        units.extend(Unit(a.id, ai, s, s.text, pos, factual) for pos, s, factual in got)
    return units


def _text_units(text: str, factual_only: bool, statements: bool) -> list[tuple]:
    """(position, sentence, factual) of ``article_units`` for one text."""
    out = []
    for pos, s in enumerate(sentences(text)):
        if statements and not is_statement(s.text):
            continue
        if is_about_the_article(s.text):
            # "UPDATE: This story has been updated ...", "Read the full story at ...", "The
            # Associated Press contributed to this report.": about the article, not the news
            # (kept in the text: copy detection reads the notes as evidence of which version
            # came later)
            continue
        factual = is_factual(s.text)
        if factual_only and not statements and not factual:
            continue
        out.append((pos, s, factual))
    return out


MAX_UNITS = 4000  # dense sentence x sentence cosine: 4000^2 floats = 128 MB at most


def cap_units(units: Sequence[Unit], n_articles: int, max_units: int = MAX_UNITS,
              family: Optional[Sequence[str]] = None) -> list[Unit]:
    """Very large stories stay within memory: at most ``max_units`` sentences in all. A
    sentence that an earlier article of its copy family (``family``: per article index)
    already gave is left out first (the near copies of a report that hundreds of outlets ran,
    each with its own footer, repeat all of its sentences); then each article keeps its first
    sentences (leads carry the facts)."""
    units = list(units)
    if len(units) <= max_units:
        return units
    if family is not None:
        seen: set[tuple] = set()
        distinct = []
        for u in units:
            key = (family[u.idx], " ".join(u.text.split()).casefold())
            if key not in seen:
                seen.add(key)
                distinct.append(u)
        units = distinct
        if len(units) <= max_units:
            return units
    per = max(3, max_units // max(1, n_articles))
    seen: dict[int, int] = {}
    out = []
    for u in units:
        k = seen.get(u.idx, 0)
        if k < per:
            out.append(u)
        seen[u.idx] = k + 1
    return out[:max_units]


def align(articles: Sequence[Article], units: Sequence[Unit]) -> Alignment:
    from sklearn.feature_extraction.text import TfidfVectorizer

    units = cap_units(units, len(articles), family=[a.family or a.id for a in articles])
    n_art = len(articles)
    if not units:
        z = np.zeros((0, n_art))
        return Alignment([], np.zeros((0, 0)), np.zeros(0, int), z, z.astype(int))
    vec = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1)
    try:
        X = vec.fit_transform([u.text for u in units])
    except ValueError:  # no content word at all (stop words, single letters): nothing aligns
        z = np.zeros((0, n_art))
        return Alignment([], np.zeros((0, 0)), np.zeros(0, int), z, z.astype(int))
    sim = (X @ X.T).toarray().astype(np.float32)
    art_of = np.array([u.idx for u in units])
    best = np.zeros((len(units), n_art))
    best_unit = np.full((len(units), n_art), -1)
    for ai in range(n_art):
        cols = np.where(art_of == ai)[0]
        if len(cols) == 0:
            continue
        sub = sim[:, cols]
        j = sub.argmax(axis=1)
        best[:, ai] = sub[np.arange(len(units)), j]
        best_unit[:, ai] = cols[j]
    return Alignment(list(units), sim, art_of, best, best_unit, vec, X)


@dataclass
class ClaimDraft:
    members: list[int]  # unit indices, one per article
    seed: int
    articles: list[str] = field(default_factory=list)


def build_claims(articles: Sequence[Article], count_sources: Callable[[Sequence[str]], int], *,
                 threshold: float = 0.35, conflict_threshold: float = 0.35,
                 units: Optional[Sequence[Unit]] = None,
                 alignment: Optional[Alignment] = None,
                 entities=None, quotes: Optional[dict] = None
                 ) -> tuple[list[Claim], list[ClaimDraft], Alignment]:
    """Claims of a story (see module doc). Returns the claims, their drafts and the alignment.
    ``entities``: the story's entity index, for conflicting places (:mod:`conflicts`).
    ``quotes``: article id -> [(start, end, speaker)] of its direct quotations; a claim whose
    sentence lies mostly inside one is marked ``quoted`` with its ``speaker``
    (:func:`mark_quoted`)."""
    if alignment is None:
        units = list(units) if units is not None else article_units(articles, statements=True)
        alignment = align(articles, units)
    al = alignment
    units = al.units
    n = len(units)
    if n == 0:
        return [], [], al
    fam = [a.family or a.id for a in articles]
    support = al.best >= threshold
    support[np.arange(n), al.art_of] = False
    # a sentence supports only via its article's best match, and mutual-best keeps it honest
    degree = support.sum(axis=1)
    score = degree + (al.best * support).sum(axis=1) * 0.01
    order = np.lexsort((np.array([u.pos for u in units]), -score))
    covered = np.zeros(n, bool)
    drafts: list[ClaimDraft] = []
    for s in order:
        if covered[s]:
            continue
        members = [int(s)]
        for ai in np.where(support[s])[0]:
            members.append(int(al.best_unit[s, ai]))
        for m in members:
            covered[m] = True
        drafts.append(ClaimDraft(members=members, seed=int(s)))
    relation = {a.id: (a.relation or "original") for a in articles}
    claims: list[Claim] = []
    extra: list[Claim] = []
    order_of = {a.id: i for i, a in enumerate(articles)}
    found: dict = {}
    facts_memo: dict[int, set] = {}
    finder = ConflictFinder(articles, entities)

    def facts_of(i: int) -> set:
        f = facts_memo.get(i)
        if f is None:
            f = facts_memo[i] = _facts(units[i].text)
        return f

    kept: list[ClaimDraft] = []
    for d in drafts:
        arts = sorted({units[m].article for m in d.members}, key=order_of.__getitem__)
        d.articles = arts
        n_sources = count_sources(arts)
        # A sentence with no mark of fact (no number, date, name or reporting verb) is a claim
        # only when another independent source states it too: "Several startups were forced to
        # restructure ..." repeated across outlets is a finding; one outlet's "It was a
        # difficult week" is not.
        if not any(units[m].factual for m in d.members) and (
                n_sources < 2 or all(_SPEECH.search(units[m].text) for m in d.members)):
            continue  # ... and quoted speech is the quotes' business
        kept.append(d)
        rep = _representative(d, units, al, relation)
        # shown without an opening dateline ("KESTREL, Ostmark, May 2 (AP) — ..."), as the
        # summary shows it: where and when a desk filed is not part of the statement
        c = Claim(text=without_dateline(units[rep].text), articles=arts, independent_sources=n_sources)
        mark_quoted(c, units[rep], quotes)
        values = _conflicts(d, units, al, fam, conflict_threshold, finder, rep)
        if values:
            c.status = "conflicting"
            c.values = values
        else:
            c.status = "corroborated" if c.independent_sources >= 2 else "single_source"
        claims.append(c)
        if len(d.members) > 1:
            extra.extend(_additions(d, units, count_sources, al, fam, threshold, rep, order_of,
                                    found, facts_of, quotes))
    claims.extend(extra)
    claims = _merge_same_text(claims, count_sources, order_of)
    claims.sort(key=lambda c: (-c.independent_sources, -len(c.articles)))
    return claims, kept, al


def _merge_same_text(claims: list[Claim], count_sources, order_of) -> list[Claim]:
    """One claim per sentence: two drafts can pick the same sentence as their text (a
    sentence is the best match of several seeds, and a draft's members may belong to an
    earlier draft), which listed one statement twice with different articles and counts
    (found on a 31-article story: the same lead sentence at 6 and at 5 sources). Merged:
    the union of articles, recounted; conflicting values kept, each value once with the
    union of its articles."""
    by_text: dict[str, Claim] = {}
    out: list[Claim] = []
    for c in claims:
        key = " ".join(c.text.split()).casefold()
        first = by_text.get(key)
        if first is None:
            by_text[key] = c
            out.append(c)
            continue
        first.articles = sorted(set(first.articles) | set(c.articles), key=order_of.__getitem__)
        first.independent_sources = count_sources(first.articles)
        have = {(str(v.get("value")), v.get("kind")): v for v in first.values if isinstance(v, dict)}
        for v in c.values:
            same = have.get((str(v.get("value")), v.get("kind"))) if isinstance(v, dict) else None
            if same is None:
                first.values.append(v)
            elif isinstance(same.get("articles"), list) and isinstance(v.get("articles"), list):
                same["articles"] = sorted(set(same["articles"]) | set(v["articles"]),
                                          key=lambda x: order_of.get(x, len(order_of)))
        if first.values:
            first.status = "conflicting"
        else:
            first.status = "corroborated" if first.independent_sources >= 2 else "single_source"
    return out


_OPENING = OPEN_D + "‘"  # the quote stage's double marks, and the single ones
_CLOSING = CLOSE_D + "’"


def mark_quoted(c: Claim, u: Unit, quotes: Optional[dict]) -> Claim:
    """A claim whose sentence ``u`` lies mostly (>= half its characters) inside a direct
    quotation of its article is the speaker's words: ``quoted``, with the quotation's
    ``speaker``. Its text gets the quote marks the sentence split cut off (a sentence from the
    middle or end of a quotation of several sentences began or ended without one), so that it
    reads as a quotation, never as the outlet's own statement."""
    q = _quotation(u, quotes)
    if q is not None:
        s, e, c.speaker = q
        c.quoted = True
        c.text = _balanced_marks(c.text, opened=s < u.span.start, closed=e <= u.span.end)
    return c


def _quotation(u: Unit, quotes: Optional[dict]) -> Optional[tuple]:
    """(start, end, speaker) of the direct quotation holding most of sentence ``u``, if any."""
    a, b = u.span.start, u.span.end
    for s, e, speaker in (quotes.get(u.article, ()) if quotes else ()):
        if min(b, e) - max(a, s) >= max(1, 0.5 * (b - a)):
            return s, e, speaker
    return None


def _balanced_marks(text: str, opened: bool, closed: bool) -> str:
    """``text`` with an opening mark when its quotation began before it and it shows none
    before its first closing mark, and a closing mark when the quotation runs on past it and
    it shows none after its last opening mark."""
    t = text.strip()
    first_close = min((t.find(ch) for ch in _CLOSING + '"' if ch in t), default=-1)
    first_open = min((t.find(ch) for ch in _OPENING if ch in t), default=-1)
    if opened and not t.startswith(tuple(_OPENING + '"')) and (
            first_open < 0 or (0 <= first_close < first_open)):
        # in the style of the mark that closes it: '… vacuum," he said' opens with '"'
        t = ('"' if first_close >= 0 and t[first_close] == '"' else "“") + t
    last_open = max((t.rfind(ch) for ch in _OPENING), default=-1)
    last_close = max((t.rfind(ch) for ch in _CLOSING), default=-1)
    straight_open = t.count('"') % 2 == 1 and t.startswith('"')
    if not closed and (last_open > last_close or straight_open):
        t = t + ("”" if last_open > last_close else '"')
    return t


def _representative(d: ClaimDraft, units, al: Alignment, relation) -> int:
    cands = [m for m in d.members if relation.get(units[m].article, "original") == "original"]
    cands = cands or d.members
    if len(d.members) == 1:
        return d.members[0]
    return max(cands, key=lambda m: (sum(al.sim[m, o] for o in d.members if o != m), -units[m].pos))


def _conflicts(d: ClaimDraft, units, al: Alignment, fam, thr: float, finder: ConflictFinder,
               rep: int) -> list[dict]:
    """Conflicting values between the draft's aligned member sentences of different families
    (cosine >= ``thr``), and places its representative sentence names in a slot another
    family's sentence fills with another place (:func:`conflicts.conflict_values`)."""
    members = d.members
    pairs = []
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            if al.sim[a, b] >= thr and fam[al.art_of[a]] != fam[al.art_of[b]]:
                pairs.append((units[a], units[b], float(al.sim[a, b])))
    if finder.has_place_slot(units[rep]):
        # a place named in the same slot ("bank branch in Woodburn" / "... in Salem") in a
        # sentence the claim did not align: the names themselves pull the two apart
        for b in np.where(al.sim[rep] >= PLACE_MIN_COSINE)[0]:
            b = int(b)
            if b != rep and b not in members and fam[al.art_of[rep]] != fam[al.art_of[b]]:
                pairs.append((units[rep], units[b], float(al.sim[rep, b]), frozenset(("place",))))
    return conflict_values(finder, pairs) if pairs else []


def pair_conflicts(ua: Unit, ub: Unit, cosine: float, finder: ConflictFinder, *, aligned: bool,
                   threshold: float = 0.35) -> list[dict]:
    """The conflict test of :func:`_conflicts` for one pair of sentences of two sources:
    every slot when they are members of one claim and close enough (``threshold``); a place
    slot when they are not aligned but one names a place and they are as close as
    ``PLACE_MIN_COSINE`` asks. Used by ``newsfold eval claim-pairs``."""
    if aligned:
        return conflict_values(finder, [(ua, ub, cosine)]) if cosine >= threshold else []
    if cosine < PLACE_MIN_COSINE or not (finder.has_place_slot(ua) or finder.has_place_slot(ub)):
        return []
    return conflict_values(finder, [(ua, ub, cosine, frozenset(("place",)))])


def _facts(text: str) -> set[str]:
    out = {v for v, _ in numbers(text)}
    out |= {m.group(0).casefold().rstrip(".") for m in _MONTH_RE.finditer(text)}
    return out


def _additions(d: ClaimDraft, units, count_sources, al: Alignment, fam: Sequence[str],
               threshold: float, rep: int, order_of: dict, found: dict,
               facts_of: Callable[[int], set], quotes: Optional[dict] = None) -> list[Claim]:
    """Facts (numbers, dates) a member states beyond the claim's representative sentence.

    A clause whose facts no other source states -- not the draft's other members, nor any
    sentence of another family aligned with the member (cosine >= ``threshold``) -- is an
    *addition*: its own ``single_source`` claim, so a rewrite's invented figure never hides
    inside a corroborated claim. A clause whose facts other sources' sentences state in full
    is a claim supported by those articles: "cut bills by 40%" said by two outlets whose
    sentences a broader claim took as best matches is reported with both of them, not lost
    inside the broader claim nor shown as one outlet's addition. ``found`` (facts -> [(unit,
    claim)]) keeps one such claim per fact set and aligned sentence across the story's drafts."""
    out = []
    rep_facts = facts_of(rep)
    for m in d.members:
        u = units[m]
        fm = fam[al.art_of[m]]
        pool = {o for o in d.members if units[o].article != u.article}
        pool.update(o for o in np.where(al.sim[m] >= threshold)[0] if fam[al.art_of[o]] != fm)
        pool_facts = {o: facts_of(int(o)) for o in pool}
        other_facts = set().union(*pool_facts.values()) if pool_facts else set()
        # (the dateline's "May 2" is no clause of its own: "Moscow, July 31 (AP)" had been a
        # single-source claim of every wire story that opens with one)
        for clause in _CLAUSE_SPLIT.split(without_dateline(u.text)):
            f = _facts(clause)
            if not f or len(clause.split()) < 4:
                continue
            if not (f & other_facts):
                out.append(_clause_claim(Claim(text=clause.strip(" ,;"), articles=[u.article],
                                               independent_sources=count_sources([u.article]),
                                               status="single_source"), u, quotes))
                continue
            if f <= rep_facts:
                continue
            arts = {u.article} | {units[o].article for o, fo in pool_facts.items() if f <= fo}
            key = frozenset(f)
            c = next((c for m0, c in found.get(key, ()) if al.sim[m, m0] >= threshold), None)
            if c is not None:
                arts |= set(c.articles)
            elif count_sources(sorted(arts)) < 2:
                continue
            else:
                c = _clause_claim(Claim(text=clause.strip(" ,;"), articles=[]), u, quotes)
                found.setdefault(key, []).append((m, c))
                out.append(c)
            c.articles = sorted(arts, key=order_of.__getitem__)
            c.independent_sources = count_sources(c.articles)
            c.status = "corroborated" if c.independent_sources >= 2 else "single_source"
    return out


def _clause_claim(c: Claim, u: Unit, quotes: Optional[dict]) -> Claim:
    """A claim made of a clause of sentence ``u``: quoted when the sentence is (its marks are
    the sentence's business, not the clause's: the clause keeps its text)."""
    q = _quotation(u, quotes)
    if q is not None:
        c.quoted, c.speaker = True, q[2]
    return c
