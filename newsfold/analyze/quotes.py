"""Quotes: direct (curly/straight marks, across paragraphs) and partial, with their speaker.

Extraction works on character offsets of one article:

1. *Quote spans*: “…” and "…" (straight marks alternate), ‘…’ when a paragraph has no double
   marks. A paragraph that ends inside an open quote continues into the next paragraph when that
   one opens with a quote mark (the news convention for multi-paragraph quotes); otherwise the
   quote closes at the paragraph end.
2. *Kind*: ``direct`` when the quote opens its paragraph/sentence, follows a colon or comma, or
   follows a cue verb ("said “…”"); otherwise ``partial`` (a fragment inside a sentence).
3. *Speaker*: the nearest cue verb (said, told, stated, added, noted, according to, ...) in the
   quote's sentence or the rest of its paragraph, taking the noun phrase on its other side ("X
   said", "said X", "X, a spokesman, said", "according to X"); a participle cue ("..., stating,
   “…”") takes the sentence subject. Pronouns (he/she) and role nouns ("the minister", "the
   Syrian official") resolve to the most recent PERSON mention before the quote. A quote-only
   paragraph with no cue inherits the speaker of the quote just before it.
4. *Grouping*: the same quote in several articles (rapidfuzz ratio on normalised text >= 90, or
   one contained in the other) becomes one :class:`Quote` with its independent sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from newsfold.analyze.entities import HONORIFICS, ORG_WORDS, PLATFORMS
from newsfold.analyze.sentences import paragraphs
from newsfold.model import Article, Quote

OPEN_D = "“„«"
CLOSE_D = "”»"
QUOTE_CHARS = "\"“”„«»‘’'"

CUE_VERBS = (
    "said|says|say|saying|told|tells|tell|telling|stated|states|stating|added|adds|adding|noted|"
    "noting|emphasized|emphasizes|emphasised|emphasising|emphasizing|stressed|stresses|"
    "stressing|explained|explains|explaining|argued|argues|arguing|insisted|insists|insisting|"
    "asked|asks|asking|wrote|writes|write|writing|reads|recalled|recalls|recalling|affirmed|affirms|affirming|"
    "asserted|asserts|asserting|confirmed|confirms|confirming|declared|declares|declaring|"
    "announced|announces|announcing|claimed|claiming|continued|continues|continuing|"
    "replied|replies|replying|responded|responds|responding|warned|warns|warning|acknowledged|"
    "acknowledges|admitted|admits|tweeted|tweets|tweeting|posted|reported|reports|"
    "remarked|observed|observes|suggested|suggests|concluded|concludes|urged|urges|"
    "urging|testified|complained|complains|joked|jokes|quipped|predicted|predicts|promised|"
    "promises|vowed|vows|conceded|concedes|countered|counters|cautioned|cautions|maintained|"
    "maintains|contended|contends|charged|alleged|alleges|sang|sings|shouted|shouts|yelled|"
    "boasted|boasts|lamented|laments|mused|muses|pledged|pledges|described|describes|"
    "described|reiterated|reiterates|expressed|expresses|expressing|agreed|agrees|"
    "announced|wondered|wonders|recounted|recounts|chanted|chants|"
    "whispered|screamed|cried|exclaimed|pointed out|points out|went on|goes on|"
    "put it|puts it|according to|in a statement|mentioned|mentions|criticized|criticised|"
    "demanded|acknowledging|thanked|blasted|slammed|praised|"
    "reiterating|indicated|indicates|commented|proclaimed|proclaims|"
    "tweeted out|texted|emailed|wrote in|continued:|asked:|"
    # said-verbs of manner and reply, read after quotations in PolNeAR and Multi-News
    "answered|answers|notes|assured|assures|barked|fumed|confessed|beamed|exhorted|"
    "repeated|retweeted|opined|remembered|surmised|elaborated|moaned|laughed|laughs|teased|"
    "clarified|retorted|snapped|gushed|scoffed|marveled|marvelled|groaned|sighed|interjected|"
    "reasoned|shot back|fired back|"
    "added:|said:"
)
_CUE_CAP = "|".join(w[:1].upper() + w[1:] for w in CUE_VERBS.split("|"))
# lower case inside a sentence; capitalised only where a sentence or quote starts ('Said Lavrov:'),
# so that 'the United States' or 'Consumer Reports' is no cue
_CUE = re.compile(rf"\b(?:{CUE_VERBS})\b|(?:^|(?<=\n)|(?<=[.!?:;—–]\s)|(?<=[“\"‘(]))"
                  rf"(?:{_CUE_CAP})\b")
_PARTICIPLE_CUE = re.compile(r"\b(?:stating|saying|adding|noting|emphasizing|emphasising|"
                             r"stressing|explaining|arguing|insisting|asking|writing|declaring|"
                             r"warning|urging|recalling|affirming|asserting|confirming|expressing|describing|"
                             r"pointing|reiterating|acknowledging)\b", re.I)

PRONOUNS = {"he", "she", "they", "him", "her", "i", "we", "it"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
_SUBJECT_PRONOUNS = {"he", "she", "they", "i", "we"}
_SUBJECT_PRONOUN = re.compile(r"\s*(%s)\b" % "|".join(sorted(_SUBJECT_PRONOUNS)), re.I)
ROLE_NOUNS = {
    "minister", "president", "official", "diplomat", "spokesman", "spokeswoman", "spokesperson",
    "senator", "candidate", "nominee", "businessman", "businesswoman", "governor", "mayor",
    "secretary", "leader", "chief", "ambassador", "envoy", "premier", "chancellor", "lawmaker",
    "congressman", "congresswoman", "representative", "general", "king", "queen", "prince",
    "director", "executive", "chairman", "chairwoman", "founder", "actor", "actress", "singer",
    "star", "billionaire", "mogul", "politician", "democrat", "republican", "nominee", "veteran",
    "lawyer", "attorney", "judge", "officer", "commander", "manager", "coach", "author", "writer",
    "host", "reporter", "journalist", "activist", "economist", "analyst", "professor", "expert",
    "pastor", "priest", "father", "mother", "wife", "husband", "daughter", "son", "man", "woman",
}

#: family and other people a possessive names ("her sister", "his neighbour")
_KIN = {"sister", "brother", "aunt", "uncle", "cousin", "niece", "nephew", "grandmother",
        "grandfather", "grandson", "granddaughter", "boyfriend", "girlfriend", "fiance", "fiancee",
        "fiancé", "fiancée", "partner", "friend", "neighbor", "neighbour", "parent", "child",
        "spouse", "stepfather", "stepmother", "colleague"}

_NP_TOKEN = re.compile(r"[\w’'.\-]+")
#: a word that names an owner ("Clinton's", "Obama’s")
_OWNER = re.compile(r"['’]s$")


@dataclass
class FoundQuote:
    article: str
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark (or paragraph end)
    text: str  # content without the outer marks (multi-paragraph: joined with a space)
    kind: str  # direct | partial
    speaker_text: Optional[str] = None  # the speaker as written ("he", "Lavrov", "the minister")
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    speaker: Optional[str] = None  # resolved name (entity) or the speaker text
    cue: Optional[str] = None


def normalise(text: str) -> str:
    """Quote marks dropped, whitespace collapsed, casefolded: for verbatim and grouping checks."""
    t = re.sub(r"[\"“”„«»‘’']", "", text)
    t = re.sub(r"[—–-]", "-", t)
    return " ".join(t.split()).casefold().strip(" ,.;:")


# ------------------------------------------------------------------------------------------
# quote spans
# ------------------------------------------------------------------------------------------
_QUOTE_CHAR = re.compile(f"[{QUOTE_CHARS}]")


def _para_quotes(p: str) -> tuple[list[tuple[int, int]], Optional[int]]:
    """Closed (start, end) spans in a paragraph, and the start of a quote left open at its end."""
    spans: list[tuple[int, int]] = []
    open_at: Optional[int] = None
    open_ch = ""
    has_double = any(c in p for c in "\"“”„«»")
    n = len(p)
    for m in _QUOTE_CHAR.finditer(p):  # only quote marks move the state: the others are skipped
        i, c = m.start(), m.group()
        if open_at is None:
            if c in OPEN_D:
                open_at, open_ch = i, c
            elif c == '"':
                open_at, open_ch = i, c
            elif c == "‘" and not has_double and (i == 0 or not p[i - 1].isalnum()):
                open_at, open_ch = i, c
            elif (c == "'" and not has_double and (i == 0 or p[i - 1] in " \t([—–-")
                  and i + 1 < n and p[i + 1].isalpha()):
                # British style with typewriter marks: 'We are ready,' she said.
                open_at, open_ch = i, c
        else:
            if open_ch in OPEN_D and c in CLOSE_D or open_ch == "„" and c == "“":
                # („…“: German and Central European marks close with the English opener)
                spans.append((open_at, i + 1))
                open_at = None
            elif open_ch == '"' and (c == '"' or c in CLOSE_D):
                spans.append((open_at, i + 1))
                open_at = None
            elif open_ch in OPEN_D and c == '"' and i > 0 and not p[i - 1].isspace() and (
                    i + 1 >= n or not p[i + 1].isalnum()):
                # “…" closed by a straight mark (mixed marks in one quote)
                spans.append((open_at, i + 1))
                open_at = None
            elif open_ch == "‘" and c == "’" and (i + 1 >= n or not p[i + 1].isalnum()):
                spans.append((open_at, i + 1))
                open_at = None
            elif open_ch == "'" and c == "'" and p[i - 1] in ",.?!" and (
                    i + 1 >= n or not p[i + 1].isalnum()):
                # closes only after punctuation: an apostrophe ("players' union", "don't")
                # never ends the quote. Kept in a body paragraph with a cue outside the quote,
                # or after a colon; other single marks in a headline are the headline's
                # ("State calls 22 emails 'top secret'"), not speech
                rest = p[:open_at] + p[i + 1:]
                if (len(p.split()) >= 12 and _CUE.search(rest)
                        or p[:open_at].rstrip().endswith(":")):  # "Trump: 'We will win.'"
                    spans.append((open_at, i + 1))
                open_at = None
            elif open_ch in OPEN_D and c in OPEN_D and i > open_at + 1:
                # a new opening mark before any close: the earlier one was never closed
                spans.append((open_at, i))
                open_at = i
    if open_ch == "'" and open_at is not None:
        open_at = None  # a typewriter apostrophe that opened nothing ('90s, 'em)
    return spans, open_at


def _pair_doubled(text: str) -> str:
    """Same-length copy where typewriter doubled quotes (''...'' and ``...'') read as “ ”:
    a '' at a word start opens, elsewhere it closes."""
    if "''" not in text and "``" not in text:
        return text
    t = text.replace("``", " “")

    def repl(m: re.Match) -> str:
        i = m.start()
        prev = t[i - 1] if i > 0 else " "
        return " “" if (prev.isspace() or prev in "([—-") else "” "

    return re.sub(r"''", repl, t)


def _same_marks(a: str, b: str) -> bool:
    """Whether two opening marks are of one typography (straight, curly double or single): a
    quotation continued into the next paragraph reopens with its own kind of mark; a straight
    mark left open before a paragraph in curly marks is a stray, not a continued quotation."""
    kinds = ('"', OPEN_D + CLOSE_D, "‘’'")
    return any(a in k and b in k for k in kinds)


def quote_spans(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, pieces) of every quote in the text; pieces are the per-paragraph contents."""
    text = _pair_doubled(text)
    paras = paragraphs(text)
    out = []
    carry: Optional[tuple[int, list[tuple[int, int]]]] = None  # open multi-paragraph quote
    for pi, para in enumerate(paras):
        spans, open_at = _para_quotes(para.text)
        base = para.start
        if carry is not None:
            cstart, pieces = carry
            if para.text[:1] in QUOTE_CHARS:
                if spans and spans[0][0] == 0:
                    s, e = spans.pop(0)
                    pieces.append((base + 1, base + e - 1))
                    out.append((cstart, base + e, pieces))
                    carry = None
                elif open_at == 0 and not spans:
                    pieces.append((base + 1, base + len(para.text)))
                    carry = (cstart, pieces)
                    continue
                else:
                    out.append((cstart, pieces[-1][1], pieces))
                    carry = None
            else:
                out.append((cstart, pieces[-1][1], pieces))
                carry = None
        for s, e in spans:
            close = para.text[e - 1] in QUOTE_CHARS
            out.append((base + s, base + e, [(base + s + 1, base + e - (1 if close else 0))]))
        if open_at is not None:
            piece = (base + open_at + 1, base + len(para.text))
            nxt = paras[pi + 1].text if pi + 1 < len(paras) else ""
            if nxt[:1] in QUOTE_CHARS and para.text.rstrip()[-1:] not in CLOSE_D and _same_marks(
                    para.text[open_at], nxt[:1]):
                carry = (base + open_at, [piece])
            else:
                out.append((base + open_at, base + len(para.text), [piece]))
    if carry is not None:
        cstart, pieces = carry
        out.append((cstart, pieces[-1][1], pieces))
    return out


# ------------------------------------------------------------------------------------------
# speakers
# ------------------------------------------------------------------------------------------
#: abbreviated titles before a name ("Rep. Carla Munt", "Del. Stacey Plaskett"): one list for
#: the sentence-end rule, the speaker phrase after a cue and the cue search before a quote
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Rep", "Reps", "Sen", "Sens", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt",
           "Maj", "Adm", "Cmdr", "Prof", "Rev", "Hon", "Supt", "Insp", "Det", "Atty", "Del")

# where a subject phrase before a cue starts: punctuation or a clause word, but not the full
# stop of a title, an initial or "No." ("Del. Ana Velt said", "Juror No. 12 said")
_NOT_AFTER_TITLE = "".join(rf"(?<!\b{t})" for t in _TITLES)
_BOUND = re.compile(_NOT_AFTER_TITLE + r"(?<!\bJr)(?<!\bSr)(?<!\bSt)(?<!\bNo)(?<![A-Z])\.|[!?;:“”\"«»]|\b(?:that|and|but|who|which|as|while|because|after|when)\b")


_NAME_PARTICLE = re.compile(r"^(?:al|el|ad|as|an|ar|bin|ibn|abu|van|von|de|da|di|du|le|la)[-‑‐]?(?=[A-Z])")


def _namey(word: str) -> bool:
    """Capitalised word, or a name with a lower-case particle ("al-Shibani", "van Gogh")."""
    return word[:1].isupper() or bool(_NAME_PARTICLE.match(word))


# a determiner, up to three modifiers, a person noun, then "of/for/at/with/from <up to 5 words>":
# the speaker "a spokesman for the fire brigade", "the head of the port authority"
_HEAD_NOUNS = ROLE_NOUNS | {"head", "source", "aide", "adviser", "advisor", "member", "resident",
                            "witness", "strategist", "person", "spokesperson", "organiser",
                            "organizer", "owner", "worker", "employee", "doctor", "teacher"}
_DESCRIPTOR_PP = re.compile(
    r"(?:^|\s)((?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother)\s+(?:[\w’'\-]+\s+){0,3}?"
    rf"(?:{'|'.join(sorted(_HEAD_NOUNS))})\s+(?:of|for|at|with|from)\s+(?:[\w’'.\-]+\s*){{1,5}})\s*$")


#: "Name, <appositive>," right before a cue: the appositive may hold clause words ("and", "--")
#: that would cut the phrase; the name it follows speaks
#: a name: capitalised words and the particles between them ("Piet van Dam", "Asaad al-Shaibani")
_NAME_WORD = r"[A-Z][\w’'.\-]*"
_NAME_PARTICLES = r"de|van|von|al|bin|la|le|del|da|di"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_NAME_PARTICLES}))"  # + how many more words
_APPOS_NAME = re.compile(rf"\s*(?:[a-z][\w\-]*\s+){{0,3}}?({_NAME}{{0,4}}),"  # "senior study author X,"
                         # ("Benjamin J. Rhodes, Mr. Obama's deputy national security adviser,")
                         r"(\s+(?:the|a|an|who|whose|[a-z]|(?:(?:Mr|Mrs|Ms|Dr)\.\s+)?[A-Z][\w\-]*[’']s\s)"
                         r"[^“”\"\n]*?)(?:,|\s--|\s[—–])\s*")


def _appos_name(text: str, a: int, b: int) -> Optional[tuple[int, int]]:
    """The name of "Name, <appositive>," filling ``text[a:b]`` exactly, when the name is one
    (not "On Monday, the minister, Ivo Petric," whose appositive ends in the speaker's name)."""
    m = _APPOS_NAME.fullmatch(text, a, b)
    if m is None or re.search(r",\s*[A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'.\-]*)*\s*$", m.group(2)):
        return None
    sp = clean_speaker(text, (m.start(1), m.end(1)))
    if sp is None or text[sp[0]:sp[1]].split()[0].casefold() in _SPK_OPENERS:
        return None
    return sp


#: people a report names by number ("Juror No. 12", "Witness 3", "Patient No. 4")
_NUMBERED = {"juror", "witness", "patient", "victim", "inmate", "prisoner", "detainee", "player",
             "contestant", "voter", "respondent", "participant", "subject", "student", "source",
             "officer", "agent", "passenger", "survivor", "defendant", "plaintiff", "suspect"}


def _numbered_person(words: list[str]) -> int:
    """How many of the last ``words`` name a numbered person (0 when they do not)."""
    if len(words) < 2 or not words[-1].isdigit():
        return 0
    n = 3 if len(words) >= 3 and words[-2].casefold() in {"no.", "number", "#"} else 2
    if n == 2 and words[-2].casefold() in {"no.", "number"}:
        return 0  # "No. 12" alone names nobody
    if words[-n].casefold() not in _NUMBERED:
        return 0
    if n < len(words) and words[-n - 1].casefold() in {"the", "a", "an"}:
        n += 1  # "the Juror No. 12"
    return n


#: a party and a state after a lawmaker's name: ", R-Ky.," (as the subject's appositive)
_PARTY_STATE = re.compile(r",\s*[DRI]-[A-Z][A-Za-z.]{1,12},\s*$")


#: adverbs between a speaker and the cue: "Smith later said", "he often says", "she also told"
_ADVERBS_BEFORE_CUE = re.compile(
    r"(?:\s+(?:also|later|then|often|once|again|still|earlier|further|[a-z]{3,}ly))+\s*$")


_AUX_END = re.compile(r"\b(?:has|have|had|is|are|was|were|will|would)$")
#: a determiner before the "-ly" word makes it a noun: "the family said", "a US ally said"
_DET_END = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|[Mm]y|[Yy]our|[Oo]ne|[Tt]his|"
                      r"[Tt]hat)$")


def _np_before(text: str, end: int, limit: int) -> Optional[tuple[int, int]]:
    """The noun phrase ending just before ``end`` (subject of a following cue)."""
    adverbs = _ADVERBS_BEFORE_CUE.search(text, limit, end)
    if adverbs and adverbs.start() > limit and not _AUX_END.search(text, limit, adverbs.start()) \
            and not _DET_END.search(text, limit, adverbs.start()):
        # "Smith later said", "he often says" (not "X has consistently affirmed", a clause inside
        # another's report: "He indicated that X has consistently affirmed, “…”")
        end = adverbs.start()
    paren = re.search(r"\s*\([^()]{1,40}\)\s*$", text[limit:end]) or _PARTY_STATE.search(text[limit:end])
    if paren:  # "Rep. John Mica (R-Fla.) said", "Mitch McConnell, R-Ky., said"
        end = limit + paren.start()
    appos = _appos_name(text, limit, end)
    if appos:  # "John Dickey, the chief executive of X -- told me"
        return appos
    seg = text[limit:end]
    # "X, who served as …, told": the relative clause is an appositive, X the subject
    rel = re.search(r",\s+(?:who|which)\b[^,;:“”\"]*,\s*$", seg)
    if rel:
        end = limit + rel.start()
        seg = text[limit:end] + ", "
    # cut at the last boundary (punctuation or clause word) before the cue
    cut = 0
    for m in _BOUND.finditer(seg):
        cut = m.end()
    # appositive "X, a spokesman, said": take the part before the first comma when the
    # part after it starts with a determiner
    sub = seg[cut:]
    parts = sub.split(",")
    if len(parts) >= 3 and parts[-1].strip() == "" and parts[-2].strip().split()[:1] and (
            parts[-2].strip().split()[0].casefold() in {"a", "an", "the", "who"}
            or parts[-2].strip()[:1].islower()  # 'X, director of …, said', 'X, however, said'
            or parts[-2].strip().isdigit()  # 'Ramos, 58, told AFP': an age
            # 'Ted Deutch, Democrat of Florida, wrote': an affiliation after a name
            or (re.search(r"\s(?:of|for|from|at)\s", parts[-2]) is not None and bool(parts[-3].split())
                and _namey(parts[-3].split()[-1]))):

        sub_np = parts[-3]
        offs = cut + sub.find(sub_np)
    else:
        sub_np = parts[-1] if parts[-1].strip() else (parts[-2] if len(parts) > 1 else "")
        offs = cut + sub.rfind(sub_np) if sub_np else cut
    toks = list(_NP_TOKEN.finditer(sub_np))
    if not toks:
        return None
    pp = _DESCRIPTOR_PP.search(sub_np)
    if pp:  # "a spokesman for the fire brigade said": the whole descriptor speaks
        return limit + offs + pp.start(1), limit + offs + pp.end(1)
    toks = toks[-7:]
    # the NP must end in a name, a pronoun or a role noun, or be a numbered person ("Juror No.
    # 12", "Witness 3")
    last = toks[-1].group(0).casefold().strip(".")
    det_np = len(toks) <= 5 and toks[0].group(0).casefold() in {"the", "a", "an", "his", "her",
                                                                 "their", "another", "one", "this"}
    numbered = _numbered_person([t.group(0) for t in toks])
    if numbered:
        return limit + offs + toks[-numbered].start(), limit + offs + toks[-1].end()
    if not (_namey(toks[-1].group(0)) or last in PRONOUNS or last in ROLE_NOUNS
            or last.endswith("s") or det_np):
        return None
    if last in _SUBJECT_PRONOUNS and not (len(toks) > 1 and toks[-2].group(0).casefold() in {"and", "or"}):
        # a pronoun is a whole noun phrase: "In the kitchen he told reporters" (the words
        # before it had made "In the kitchen he" the speaker, which no check accepted)
        return limit + offs + toks[-1].start(), limit + offs + toks[-1].end()
    # keep the longest suffix that looks like an NP (capitalised words, determiners, adjectives)
    first = 0
    for i in range(len(toks) - 1, -1, -1):
        w = toks[i].group(0)
        lw = w.casefold()
        if _namey(w) or lw in {"the", "a", "an", "his", "her", "their", "its", "our", "one", "this"} or \
                lw in ROLE_NOUNS or lw in PRONOUNS or lw.endswith("’s") or lw.endswith("'s") or \
                (i > 0 and toks[i - 1].group(0).casefold() in {"the", "a", "an"}) or \
                (i < len(toks) - 1 and i >= len(toks) - 4 and lw.isalpha()):
            first = i
            continue
        break
    s = limit + offs + toks[first].start()
    e = limit + offs + toks[-1].end()
    word = text[s:e]
    if word.casefold() in {"it", "this", "that", "which", "there"}:
        return None
    return s, e


# a full stop that ends a sentence: not after an initial or a title ("George W. Bush", "Mr. Li")
_SENT_END = re.compile(r"(?<![A-Z])"
                       + "".join(rf"(?<!{t})" for t in _TITLES + ("Jr", "Sr", "St", "Inc", "Co", "Corp", "Ltd", "No"))
                       + r"\.(?=\s+[\"“‘'A-Z(])")


_TITLE_ABBREV = re.compile("(?:" + "|".join(_TITLES) + ")")
_TITLE_END = re.compile(r"\b(?:" + "|".join(_TITLES) + r")\.\s*$")


def _np_after(text: str, start: int, limit: int) -> Optional[tuple[int, int]]:
    """The noun phrase starting just after ``start`` ("said Lavrov", "according to the AP")."""
    seg = text[start:limit]
    end = _SENT_END.search(seg)
    if end:  # "added another Republican. Yet another said, …": the speaker ends with the sentence
        seg = seg[:end.end()]
    # tokens joined by whitespace, so that the stop words of the lookahead see the space before
    # them ("said coach Anna Berg on Friday" ends at "Berg", not at the sentence's end)
    m = re.match(r"\s*((?:(?:the|a|an|his|her|their|one|another)\s+)?[\w’'.\-/]+(?:\s+[\w’'.\-]+){0,6}?)"
                 r"(?=\s*[,.;:!?“”\"(]|\s+(?:in|on|at|to|during|after|before|when|while|about|who|whose)\b"
                 # "Secretary of State John Kerry", "master of ceremonies X": "of" ends the
                 # phrase only before an article and a lower-case word ("Kerry of the plan")
                 r"|\s+of\s+(?:the|a|an|his|her|their|its)\s+[a-z]"
                 r"|\s*$)", seg)
    if not m:  # longer than 7 words ("said X of the University of Texas School of Law")
        cut = re.search(r"\s+(?:of|for|from|with|at|in)\s", seg)
        if cut is None or cut.start() == 0:
            return None
        return _np_after(text[:start + cut.start()], start, start + cut.start())
    np = m.group(1).strip()
    if _TITLE_ABBREV.fullmatch(np) and seg[m.end(1):m.end(1) + 2] == ". ":
        # "said Rep. Carlos Curbelo (R-Fla.)": the title's full stop does not end the phrase
        name = _np_after(text, start + m.end(1) + 1, limit)
        return (start + m.start(1), name[1]) if name else None
    if np.endswith(".") and not re.search(r"(?:\b[A-Z]|\b(?:Jr|Sr|St|Co|Inc|Ltd|Corp))\.$", np):
        np = np[:-1]  # the sentence's full stop, not an initial or an abbreviation
    if not np:
        return None
    words = np.split()
    lw = words[0].casefold()
    if not (words[0][:1].isupper() or lw in PRONOUNS or lw in {"the", "a", "an", "his", "her",
                                                              "their", "one", "another"}):
        # "said port authority spokesman Piet Ardel": a lower-case descriptor, then the name
        m2 = re.search(r"(?:(?<=\s)|^)(?:[A-Z][\w’'.\-]*)(?:\s+[A-Z][\w’'.\-]*)*$", np)
        if not m2 or len(words) > 6:
            return None
        np = m2.group(0)
        words = np.split()
        lw = words[0].casefold()
    if lw in {"reporters", "that", "it", "this"}:
        return None
    s = start + seg.find(np)
    if (lw in {"the", "a", "an", "his", "her", "their"} or lw.endswith(("'s", "’s"))) \
            and len(words) > 1 and words[-1].casefold() in ROLE_NOUNS:
        # "said the mayor, Anna Holt.", "said Holt's spokesman, Piet Maren.": the role's
        # appositive names the speaker
        m3 = _APPOSITIVE_NAME.match(text, s + len(np), limit)
        if m3 and not _NOT_A_NAME.search(m3.group(1)):
            return m3.start(1), m3.end(1)
    return s, s + len(np)


#: ", Anna Holt." / ", Piet van Dam," / ", J. K. Mora;" after a role: a name, then the end of the
#: clause
_APPOSITIVE_NAME = re.compile(
    rf",\s+((?:[A-Z][\w’'\-]+|[A-Z]\.)(?:\s+(?:[A-Z][\w’'\-]+|[A-Z]\.|{_NAME_PARTICLES})){{1,3}})"
    r"(?=\s*[,.;:]|\s*$)")
_NOT_A_NAME = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
                         r"February|March|April|June|July|August|September|October|November|"
                         r"December|Inc|Ltd|Corp|Co)\b")


# ------------------------------------------------------------------------------------------
# speaker validation
# ------------------------------------------------------------------------------------------
_SPK_DET = {"the", "a", "an", "one", "another", "two", "three", "four", "several", "some", "many",
            "most", "his", "her", "their", "its", "our", "my", "your", "both", "all", "other",
            "former", "top", "senior", "longtime", "then", "this", "that", "these", "those"}
_SPK_BAD_FIRST = {
    "in", "on", "at", "by", "of", "for", "from", "to", "with", "without", "like", "unlike", "until",
    "as", "than", "about", "after", "before", "during", "into", "over", "under", "since", "while",
    "when", "where", "which", "what", "whether", "if", "because", "and", "or", "but", "so", "not",
    "no", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can",
    "could", "should", "may", "might", "must", "do", "does", "did", "percent", "per", "there",
    "here", "also", "just", "even", "only", "very", "too", "yet", "still", "however",
}
_SPK_TRAIL = {"will", "would", "can", "could", "should", "may", "might", "must", "has", "have",
              "had", "is", "was", "are", "were", "also", "then", "later", "once", "again", "the",
              "a", "an", "of", "to", "and", "or", "in", "on", "at", "for", "with", "by", "as",
              "that", "who", "which", "has", "recently", "previously", "repeatedly", "further"}
_SPK_LEAD = {"though", "although", "and", "but", "so", "while", "because", "as", "when", "since",
             "then", "yet", "whereas", "if",
             # sentence adverbs before the subject ('Recently she announced ...' -> 'she')
             "recently", "meanwhile", "however", "earlier", "later", "still", "instead", "indeed",
             "separately", "elsewhere", "overall", "also", "now", "nonetheless", "nevertheless",
             "moreover", "furthermore", "ultimately", "finally", "additionally", "similarly",
             "likewise", "consequently", "therefore", "thus", "notably", "initially",
             "previously", "currently", "eventually"}
_SPK_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                 "today", "yesterday", "tonight", "january", "february", "march", "april", "june",
                 "july", "august", "september", "october", "november", "december"}
_SPK_WORD = re.compile(r"[^\s]+")
#: sentence openers in capitals that are no name ("Meanwhile, the minister, ...")
_SPK_OPENERS = {"meanwhile", "however", "earlier", "later", "today", "yesterday", "still", "instead",
                "indeed", "separately", "elsewhere", "overall", "also", "then", "now", "here", "there"}
#: a pronoun with a contracted verb ("We're told ...", "I'm told", "It's said"): a clause
_PRONOUN_CONTRACTION = re.compile(r"(?:i|we|you|they|he|she|it|that|there|who)['’](?:re|m|ve|s|d|ll)")


def clean_speaker(text: str, sp: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """A speaker span only when it names someone: a pronoun, a name (a capitalised word that is
    not a sentence-initial function word) or a descriptor noun phrase ('the senator', 'a source',
    'political scientist X'). Trailing auxiliaries are trimmed ('the senator can' -> 'the
    senator'); clauses and fragments ('without naming Assad', 'The', 'in Kentucky', 'is reviled by
    progressives') give None."""
    if sp is None:
        return None
    a, b = sp
    toks = [(m.start() + a, m.end() + a, m.group().strip(".,;:’'\"”“()").casefold())
            for m in _SPK_WORD.finditer(text[a:b])]
    while toks and (toks[-1][2] in _SPK_TRAIL or not toks[-1][2]):
        toks.pop()
    if not toks:
        return None
    words = [t[2] for t in toks]
    raw = [text[t[0]:t[1]] for t in toks]
    if len(words) == 1 and words[0] in PRONOUNS:
        return toks[0][0], toks[-1][1]
    rel = next((k for k, w in enumerate(words[:3]) if w in {"which", "whom", "whereupon"}), None)
    if rel is not None and rel + 1 < len(words):  # 'in which she' -> 'she'
        return clean_speaker(text, (toks[rel + 1][0], toks[-1][1]))
    if words[0] in _SPK_LEAD and len(words) > 1:
        return clean_speaker(text, (toks[1][0], toks[-1][1]))  # 'though he' -> 'he'
    seps = [m.end() for m in re.finditer(r"[―—–;]|,\s", text[toks[0][0]:toks[-1][1]])]
    if seps:  # 'were made public ― Trump' -> 'Trump'
        first = re.search(r"[―—–;,]", text[toks[0][0]:toks[-1][1]]).start()
        head = clean_speaker(text, (toks[0][0], toks[0][0] + first)) if raw[0][:1].isupper() else None
        if head is not None and text[head[0]:head[1]].split()[-1][:1].isupper():
            return head  # 'Representative Ted Deutch, Democrat of Florida' -> the name, not the appositive
        tail = clean_speaker(text, (toks[0][0] + seps[-1], toks[-1][1]))
        if tail is not None or words[0] in _SPK_BAD_FIRST:
            return tail
    # "Her sister Stephanie said:", as "His brother Tom said:"; not "her criticism on Tuesday"
    possessive = words[0] == "her" and len(words) > 1 and (
        raw[-1][:1].isupper() and words[-1] not in _SPK_CALENDAR
        or words[-1] in ROLE_NOUNS or words[-1].rstrip("s") in ROLE_NOUNS | _KIN) and \
        not any(w in _PLACE_PREP for w in words)
    if words[0] in _SPK_BAD_FIRST or (words[0] in PRONOUNS and not possessive) \
            or _PRONOUN_CONTRACTION.fullmatch(words[0]):
        return None
    cut = next((k for k in range(1, len(words) - 1) if raw[k][:1].islower()
                and words[k].endswith("ing") and words[k + 1] in _PLACE_PREP
                and words[k - 1] not in _NOT_BEFORE_PARTICIPLE), None)
    if cut is not None:  # 'protesters marching through the streets' -> 'protesters'
        return clean_speaker(text, (toks[0][0], toks[cut - 1][1]))
    if all(w in _SPK_CALENDAR for w in words):
        return None  # '…,” he said Tuesday.' read as a name
    letters = "".join(c for c in "".join(raw) if c.isalpha())
    if letters.isupper() and (len(raw) > 1 or len(letters) > 5):
        return None  # a dateline ("WASHINGTON —") or a heading in capitals, not "CNN"/"NASA"
    if any(w in {"is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would",
                 "does", "did", "not"} for w in words):
        return None  # a clause, not a noun phrase
    if raw[0][:1].islower() and words[0] not in _SPK_DET and re.search(r"(?:ing|ed|ly)$", words[0]):
        return None  # 'naming Assad', 'reportedly ...'
    named = any((r[:1].isupper() or _NAME_PARTICLE.match(r) is not None)
                and w not in _SPK_DET and w not in _SPK_BAD_FIRST for r, w in zip(raw, words))
    if not named:
        descriptor = len(words) <= 4 and words[-1].rstrip("s") in ROLE_NOUNS | {"expert", "source",
                                                                                 "aide", "adviser"}
        if not descriptor and (words[0] not in _SPK_DET or len(words) < 2 or len(words) > 6):
            return None  # 'a', 'The', or a lower-case run that is no descriptor
    return toks[0][0], toks[-1][1]


#: after these an '-ing' word is a noun ('a source close to the meeting in Vienna')
_NOT_BEFORE_PARTICIPLE = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her",
                                    "their", "its", "our", "my", "your", "of", "for", "to", "at", "in",
                                    "on", "with", "from", "by"})
#: prepositions that open a participle's phrase after a speaker ('residents living near the plant')
_PLACE_PREP = frozenset({"through", "in", "on", "at", "outside", "inside", "near", "from", "into",
                         "along", "across", "around", "behind", "by", "down", "up", "over", "under",
                         "past", "toward", "towards", "against", "beside", "among"})


_ABBREV = re.compile(r"\b(?:" + "|".join(_TITLES + ("St", "Jr", "Sr", "Mt", "Ft", "Pres")) + r"|[A-Z])\.")  # titles, initials


_TO_LISTENER = {"told", "tells", "tell", "telling"}


_DESCRIPTOR_WORDS = re.compile(r"\s*(?!(?:and|but|or|then|yet|so|while|as|when|if|we|i|you|they|it)\b)"
                               r"[a-z][\w’'/-]*(?:\s+[a-z][\w’'/-]*)?\s+")


#: ", who" (with an adverb or auxiliary) right before a cue: the speaker is the name before it
_WHO_BEFORE = re.compile(r",?\s+who(?:\s+(?:also|later|then|once|has|had|have|previously|since|"
                         r"earlier|[a-z]+ly))*\s+$")
#: the name (titles and particles included) that ends a stretch of text
_TRAILING_NAME = re.compile(rf"{_NAME}*$")
_TRAILING_ROLE = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+(?:[\w’'-]+\s+){0,3}?([a-z]+)$")
#: naming a thing in someone's words: "called the visit “the start of a new chapter”" (the
#: quotation follows a short object)
_NAMING_CUE = re.compile(r"\b(?:called|dubbed|branded|labell?ed|termed)(?=\s+(?:it|him|her|them|this|that|"
                         r"the\s+[\w-]+|his\s+[\w-]+|her\s+[\w-]+|their\s+[\w-]+|its\s+[\w-]+)\s*[“\"‘]?$)")


#: who may stand between a quotation and its cue: a phrase of up to eight words ("Italy's
#: Northern League leader Matteo Salvini", "team captain Lena Ortiz", "he")
_SPEAKER_BEFORE_CUE = re.compile(r"[\w’'\-]+(?:\s+[\w’'.\-]+){0,7}\s+")


def _attributed_after(text: str, inner: str, qe: int, para_end: int) -> bool:
    """Whether an utterance's own punctuation ends the quotation and a cue attributes it right
    after ('"Happy Cinco de Mayo!," he tweeted' / '"Go Donald Trump, go!!!," Matteo Salvini
    wrote'): a short title-cased quotation said by someone, not the name of a work or slogan."""
    if inner[-1:] not in ",!?":
        return False
    rest = text[qe:para_end]
    m = re.match(r"\s*[,—–-]?\s*", rest)
    rest = rest[m.end():m.end() + 80]
    if re.match(rf"(?:{CUE_VERBS})\b", rest):
        return True
    cm = _CUE.search(rest)
    return bool(cm) and bool(_SPEAKER_BEFORE_CUE.fullmatch(rest[:cm.start()])) and not re.search(
        r"[“”\"!?]|\.\s", _ABBREV.sub("", rest[:cm.start()]))


def find_speaker(text: str, qs: int, qe: int, para_start: int, para_end: int,
                 sent_start: int, sent_end: int) -> tuple[Optional[tuple[int, int]], Optional[str]]:
    """Speaker span for the quote [qs, qe) and the cue used."""
    # 1. after the quote, in the same sentence/paragraph: ', he said' / ', said X'
    after = text[qe:para_end]
    m = re.match(r"\s*[,—–-]?\s*", after)
    pos = qe + (m.end() if m else 0)
    rest = text[pos:para_end]
    cm = re.match(rf"((?:{CUE_VERBS}))\b", rest)
    if cm:
        sp = _np_after(text, pos + cm.end(), para_end)
        if sp:
            return sp, cm.group(1)
    # "X said" / "X, a spokesman, said" right after the quote
    cm = _CUE.search(rest[:90])
    if cm and not re.search(r"[“\"”.!?]", _ABBREV.sub("", _PARTY_STATE.sub(
            "", re.sub(r"\([^()]{1,40}\)|\b[A-Z]\.(?=\s)", "", rest[:cm.start()])))):  # (an initial)
        sp = _np_before(text, pos + cm.start(), pos)
        # right after the quote (not '"…" We're told'), or after a lower-case descriptor
        # ('"…," panel Chairman Rep. Jason Chaffetz said')
        if sp and (sp[0] - pos <= 3 or _DESCRIPTOR_WORDS.fullmatch(text, pos, sp[0])) \
                and clean_speaker(text, sp) is not None:
            return sp, cm.group(0)
        sp = _np_after(text, pos + cm.end(), para_end)
        if sp and cm.group(0).casefold() in {"according to"}:
            return sp, cm.group(0)
    # '…," Leonard Burman, director of X and a professor at Y, said.': a long appositive (also
    # where the cue is near but no speaker sits right before it: '…," senior study author J.
    # Mira Vell, a professor at …, said')
    cm = _CUE.search(rest[:300])
    # no quotation or sentence end between (an initial's period is none: "A. Vania Apkarian")
    if cm and not re.search(r"[“\"”!?]", rest[:cm.start()]) and not _SENT_END.search(rest[:cm.start()]):
        am = _appos_name(text, pos, pos + cm.start())
        if am:
            return am, cm.group(0)
    # '…”― Pamela Padilla': a dash and a name closing the line
    dm = re.match(r"[^\S\n]*[―—–][^\S\n]*([A-Z][\w’'\-]*(?:[^\S\n]+[A-Z][\w’'.\-]*){0,3}?)\.?[^\S\n]*(?:\n|$)",
                  text[qe:para_end + 1])
    if dm:
        e = qe + dm.end(1) - (1 if dm.group(1).endswith(".") and len(dm.group(1).split()[-1]) > 2 else 0)
        return (qe + dm.start(1), e), "―"
    # 2. before the quote: 'X said: “…' / 'X told reporters, “…' / 'according to X, “'
    before_start = max(sent_start, para_start)
    seg = text[before_start:qs]
    cues = sorted([*_CUE.finditer(seg), *_NAMING_CUE.finditer(seg)], key=lambda c: c.start())
    for c in reversed(cues[-3:]):
        cs, ce = before_start + c.start(), before_start + c.end()
        if c.group(0).casefold() == "reads" and not re.match(r"\s*:", text[ce:qs]):
            continue  # "One of his recent reads, ''This Kind of War''": a noun ("The letter reads:" is a cue)
        rel = _WHO_BEFORE.search(text, before_start, cs) if qs - ce <= 80 else None
        if rel:  # "… Elena Marsh, who called the visit “…”": the relative's antecedent speaks
            named = _TRAILING_NAME.search(text, before_start, rel.start())
            sp = clean_speaker(text, (named.start(), named.end())) if named else None
            if sp is None:  # "the minister, who said …"
                role = _TRAILING_ROLE.search(text, before_start, rel.start())
                sp = (role.start(), role.end()) if role and role.group(1).casefold() in ROLE_NOUNS else None
            if sp:
                return sp, c.group(0)
            continue
        if c.group(0).casefold() == "according to":
            sp = _np_after(text, ce, qs)
            if sp:
                return sp, c.group(0)
        if _PARTICIPLE_CUE.fullmatch(c.group(0)):
            lead = text[before_start:cs]
            if not lead.rstrip().endswith(","):
                # "footage of Hillary Clinton asking, “…”": the name just before speaks
                named = re.search(r"(?:^|\s)((?:[A-Z][\w’'.\-]*\s+){0,3}[A-Z][\w’'\-]*)\s+$", lead)
                # (not a platform: 'responded on Facebook writing, "…"')
                if named and not _TITLE_ABBREV.fullmatch(named.group(1)) and \
                        named.group(1).casefold() not in PLATFORMS:
                    sp = clean_speaker(text, (before_start + named.start(1), before_start + named.end(1)))
                    if sp:
                        return sp, c.group(0)
            # ("In a speech on Monday, Trump attacked Clinton …, saying": the object before
            # the comma, "Libya", does not speak)
            sp = _main_subject(text, before_start, cs)
            if sp:
                return sp, c.group(0)
        sp = _np_before(text, cs, before_start) or (
            None if c.re is _NAMING_CUE else _coordinated_subject(text, before_start, cs))
        if sp:
            return sp, c.group(0)
        if c.re is _NAMING_CUE:
            continue  # what follows "called" is what was named, not who named it
        sp = _np_after(text, ce, qs)
        if sp and (text[sp[0]:sp[1]].split()[0][:1].isupper()
                   or text[sp[0]:sp[1]].split()[0].casefold() in {"the", "a", "an"}):
            return sp, c.group(0)
    # 3. later in the sentence (cue after an intervening clause)
    seg2 = text[qe:sent_end if sent_end > qe else para_end]
    cm = _CUE.search(seg2)
    if cm and not re.search(r"[“\"]", seg2[:cm.start()]):
        sp = _np_before(text, qe + cm.start(), qe)
        if sp:
            return sp, cm.group(0)
        # after "told" comes who was told ("X told AFP"), never the speaker
        sp = None if cm.group(0).casefold() in _TO_LISTENER else _np_after(text, qe + cm.end(), para_end)
        if sp:
            return sp, cm.group(0)
    return None, None


#: a cue coordinated with the verb before it ("Bannon laughed and said, "…"")
_AND_BEFORE_CUE = re.compile(r"\b(?:and|then|but)\s+(?:(?:later|also|then|finally)\s+)?$")
#: where the clause of that verb opens ("Eight years ago, he supported X and said", "when he
#: brought up the bombing and later said")
_CLAUSE_OPENING = re.compile(r".*(?:[,;:—–]\s+|\b(?:as|when|while|because|after|before|if|that|until)\s+)", re.S)


def _coordinated_subject(text: str, start: int, cue: int) -> Optional[tuple[int, int]]:
    """The subject of the clause whose verb the cue is coordinated with: "Trump called on her to
    resign and said, "…"" (the phrase before "and said" is the verb's object, not a speaker)."""
    seg = text[start:cue]
    conj = _AND_BEFORE_CUE.search(seg)
    if conj is None or re.search(r"[“”\"]", seg):
        return None
    head = seg[:conj.start()].rstrip()
    if head.endswith(","):
        # ", but told": coordinated with the sentence's main clause ("Carson did not mention X
        # by name, but told his supporters", "Trump joked that Brooklyn was his answer, but went
        # on to say"), whose subject opens the sentence, after an opening phrase if any
        sp = _main_subject(text, start, cue)
        at = sp[0] if sp else start
    else:
        opening = _CLAUSE_OPENING.match(seg)
        at = start + (opening.end() if opening else 0)
    pronoun = _SUBJECT_PRONOUN.match(text, at, cue)  # "…, he supported X and said"
    sp = pronoun.span(1) if pronoun else clean_speaker(text, _subject(text, at, cue))
    if sp is None or text[sp[0]:sp[1]].split()[-1].casefold() in {"lot", "number", "couple", "few"}:
        return None  # "A lot of people have come up to me and said"
    if not re.search(r"\b(?!(?:and|or)\b)[a-z]", text[sp[1]:start + conj.start()]):
        return None  # no verb of its own: "in Laredo, Texas and explained", "Homs and Hama and asked"
    return sp


def _colon_speaker(text: str, sp: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """The subject of a sentence that introduces a quotation with a colon speaks it only when
    it can speak: a name, a pronoun or a person's role ("The minister then said this:"), not
    "The bias begins to show in how the site rated this statement by Trump: “…”"."""
    if sp is None:
        return None
    words = text[sp[0]:sp[1]].split()
    last = words[-1].strip(".,;:’'\"”").casefold() if words else ""
    if words[-1][:1].isupper() or last in PRONOUNS or last.rstrip("s") in ROLE_NOUNS \
            or last in ROLE_NOUNS or last in _WRITINGS:
        return sp
    return None


#: things that carry words and are quoted from ("The statement read:", "The ad says:")
_WRITINGS = {"statement", "statements", "report", "letter", "memo", "post", "tweet", "tweets",
             "ad", "release", "filing", "complaint", "document", "lawsuit", "indictment",
             "ruling", "order", "message", "email", "e-mail", "note", "website", "site", "page",
             "book", "study", "survey", "article", "editorial", "column", "sign", "signs",
             "banner", "caption", "headline", "petition", "resolution", "bill", "text",
             "transcript", "video", "decision", "opinion", "verdict", "motion", "brief",
             "platform", "slogan", "plaque", "inscription", "card", "notice", "warning", "label",
             "piece", "story", "essay", "op-ed", "speech", "passage", "line", "script", "entry"}


#: words that join a sentence to the one before, ahead of its subject
_CONNECTIVES = re.compile(r"\s*(?:(?:And|But|So|Yet|Then|Still|Now|Also|Instead|Meanwhile|Later)\b(?:\s+(?:then|later|also|now)\b)?,?\s+)")


#: a determiner, up to three words and a person noun: "The Syrian official", "Another
#: prospective juror", "One local resident"
_ROLE_SUBJECT = re.compile(r"\s*((?:The|A|An|His|Her|Another|One)\s+(?:[\w’'\-]+\s+){0,3}?(?:%s))\b"
                           % "|".join(sorted(_HEAD_NOUNS | _NUMBERED)))
#: a participle and its complement opening a sentence ("Speaking in his real voice, he …")
_OPENING_PARTICIPLE = re.compile(r"[A-Z][a-z]{3,}ing\s+(?:in|at|on|to|about|with|from|for|after|before|"
                                 r"during|of|the|a|an|his|her|their|its|this|that)\b")
#: capitalised words, a role noun and a name: "Republican presidential nominee Donald Trump",
#: "Former state senator Ana Velt"
_DESCRIBED_NAME = re.compile(r"\s*((?:[A-Z][\w’'\-]*\s+){1,3}(?:[a-z][\w\-]*\s+){0,2}(?:%s)\s+"
                             r"[A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'\-]*){0,3})\b" % "|".join(sorted(ROLE_NOUNS)))


def _subject(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """First name-like phrase or pronoun of a sentence: the subject of a participle cue."""
    lead = _CONNECTIVES.match(text, start, end)
    if lead:  # "And then Trump went on the attack, saying": the subject follows the connective
        start = lead.end()
    seg = text[start:end]
    role = _ROLE_SUBJECT.match(seg)
    if role:  # "The minister ...", "The Syrian official ...", "Another prospective juror ..."
        s0 = start + role.start(1)
        return s0, s0 + len(role.group(1))
    # a possessive takes the noun after it: "The group’s publicist sent the statement" was
    # given to "The group’s"
    m = re.match(r"\s*((?:The|A|An|His|Her|Their|Its)\s+(?:[a-z][\w’'\-]*-)?[a-z][\w’'\-]*?"
                 r"(?:['’]s\s+[a-z][\w\-]*)?)(?=[\s,])", seg)
    if m and m.group(1).split()[-1] not in {"first", "same", "other", "only", "most", "more"}:
        s = start + m.start(1)  # "The ad uses footage ...", "The piece used ..."
        return s, s + len(m.group(1))
    m = _DESCRIBED_NAME.match(seg)
    if m:  # "Republican presidential nominee Donald Trump issued the following statement:"
        return start + m.start(1), start + m.end(1)
    m = re.match(r"\s*((?:(?:The|A|An|His|Her)\s+)?(?:[A-Z][\w’'\-]*\s*){1,5}|(?:[Hh]e|[Ss]he|[Tt]hey)\b)",
                 seg)
    if not m:
        return None
    from newsfold.analyze.entities import STOP_INITIAL

    words = m.group(1).split()
    if words[0].casefold() in STOP_INITIAL - {"the", "a", "an", "his", "her", "he", "she", "they"}:
        return None
    if len(words) == 1 and _OPENING_PARTICIPLE.match(seg, m.start(1)):
        return None  # "Speaking in his real voice again, he …": a participle opens the sentence
    s = start + m.start(1)
    return s, s + len(m.group(1).rstrip())


#: a newsletter item: a heading, a dash, who is quoted and a colon ("POLLSTERS AGREE - Carl
#: Bialik: “…”", "FIRST LOOK: PORT HEARING - Ana Velt, President and CEO, at the hearing: “…”",
#: "TODAY - Per a White House official: “…”")
_HEADING_DASH_NAME = re.compile(r"\s(?:-{1,2}|[—–])\s+(?:[Pp]er\s+)?((?:a|an|the)\s+[\w’'.\-]+(?:\s+[\w’'.\-]+){0,4}"
                                r"|[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|and|of|&)){0,5})(?:,[^:]*)?:$")


def _after_heading_dash(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """The quoted name after a heading's dash, before the colon that opens the quotation."""
    m = _HEADING_DASH_NAME.search(text, start, end)
    if m is None:
        return None
    return clean_speaker(text, (m.start(1), m.end(1)))


#: an opening phrase before the subject ("At the time, "), not a heading ("FIRST LOOK: X - ")
_OPENING_PHRASE = re.compile(r"(?:(?!\s-\s)[^,:;“”\"—–]){3,80},\s*")


def _main_subject(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """The subject of the sentence's main clause, after an opening phrase if it has one: "In a
    speech on Monday, Trump attacked …", "At the time, she released a statement saying"."""
    sp = _subject(text, start, end)
    if sp is None:
        opening = _OPENING_PHRASE.match(text, start, end)
        sp = _subject(text, opening.end(), end) if opening else None
        # not the rest of a place ("In Birmingham, Alabama, …", "Calif., a familiar voice")
        # or an owner ("At the summit, Obama's first questioners were hostile:")
        if sp and (text[sp[1]:sp[1] + 1] == "." or _OWNER.search(text[sp[0]:sp[1]]) or (
                text[sp[1]:sp[1] + 1] == "," and re.search(r"\b[A-Z][\w.]*,\s*$", text[start:opening.end()]))):
            sp = None
    return sp


def _previous_subject(text: str, para_start: int, qs: int) -> Optional[tuple[int, int]]:
    """Subject (name, pronoun or role phrase) of the sentence just before a quote, in the same
    paragraph or a line before it (a blank line ends the search: reaching into the paragraph
    before a blank line named a speaker for 0.8% more PolNeAR quotes, mostly the wrong one --
    dev speaker accuracy 0.944 -> 0.937)."""
    start = max(0, text.rfind("\n", 0, max(0, para_start - 1)) + 1)
    seg = text[start:qs]
    sents = [m for m in re.finditer(r"[^.!?]+[.!?]+[”\"’]?", seg)]
    if not sents:
        return None
    last = sents[-1]
    if re.search(r"[“\"”]", last.group(0)):
        return None  # the sentence before is itself a quote: no narrative subject
    said = re.search(rf"(?:^|,\s*)([^,]*?)\s+(?:{CUE_VERBS})\.\s*$", last.group(0))
    if said:  # '…, Schiff said. "The other factor …"': who said the sentence before says this
        sp = _np_before(text, start + last.start() + said.end(1), start + last.start() + said.start(1))
        if sp is not None:
            return sp
    k = len(sents) - 1
    while k > 0 and _TITLE_END.search(seg, 0, sents[k].start()):
        k -= 1  # "… said of Mrs. Clinton's plan.": "Mrs." ends no sentence
    if re.search(r"[“\"”]", seg[sents[k].start():last.start()]):
        k = len(sents) - 1  # '…," Mr. Alexander said in an interview.': the quote's own tail
    sp = _subject(text, start + sents[k].start(), start + last.end())
    if sp is None:
        return None
    words = text[sp[0]:sp[1]].split()
    if not words or not (_namey(words[-1]) or words[-1].casefold() in PERSON_PRONOUNS
                         or words[-1].casefold() in ROLE_NOUNS) or _OWNER.search(words[-1]):
        return None  # ("Clinton's plan": an owner, not a subject)
    return sp


def _named_attribution_after(text: str, qe: int, end: int) -> bool:
    """Whether the quotation's own sentence attributes it to a name after it ('…,'' Benjamin
    J. Rhodes, Mr. Obama's deputy national security adviser, said'), which the speaker rules
    could not read: the quotation is then not the previous speaker's (a pronoun, "it added",
    is)."""
    m = _CUE.search(text, qe, end)
    if m is None:
        return False
    between = text[qe:m.start()]
    return not re.search(r"[“”\"]", between) and bool(re.search(r"\b[A-Z]", between))


_GAP_SENTENCE_END = re.compile(r"(?<![A-Z])" + _NOT_AFTER_TITLE + r"[.!?]\s+(?=\S)")


#: a heading in capitals (three words or more) or a source tag ("[HuffPost.]") between quotations
_HEADING_IN_GAP = re.compile(r"\b[A-Z][A-Z’'\-]+(?:[ ,:]+[A-Z][A-Z’'\-]+){2,}\b|\[[A-Z][\w .]{1,30}\]")


def _only_attribution_between(text: str, a: int, b: int) -> bool:
    """Only the previous quote's attribution tail (', he said.') or narrative that reports
    no one else between two quotes: the later quote continues the same speaker."""
    gap = text[a:b]
    if _HEADING_IN_GAP.search(gap):
        return False  # a newsletter's next item: "[HuffPost.] EBOLA SURVIVORS, THROUGH THE LENS"
    # (a title's or an initial's full stop ends no sentence: '…," Rep. John Mica (R-Fla.) said.')
    m = _GAP_SENTENCE_END.search(gap)
    if m is None:
        return True
    rest = gap[m.end():]
    # a sentence in between that reports someone (a cue verb) or starts with a pronoun
    # subject may have changed the speaker
    for sent in re.split(r"(?<=[.!?])\s+", rest):
        words = sent.split()
        if words and words[0].casefold() in {"he", "she", "they"}:
            return False  # a new subject acting or speaking
        if _CUE.search(sent):
            return False  # someone else reported in between
    return True


def _sentence_bounds(text: str, pos: int, para_start: int, para_end: int) -> tuple[int, int]:
    """Sentence around ``pos`` (quote marks included), within its paragraph."""
    s = para_start
    # (the slice includes the character at ``pos``: the lookahead sees a quote opening there)
    for m in re.finditer(r"[.!?][”\"’]?\s+(?=[A-Z“\"])", text[para_start:pos + 1]):
        if para_start + m.end() <= pos:
            s = para_start + m.end()
    m = re.search(r"[.!?][”\"’]?(?=\s+[A-Z“\"]|$)", text[pos:para_end])
    e = pos + m.end() if m else para_end
    return s, e


# ------------------------------------------------------------------------------------------
# titles of works, headlines, markup: quote marks that do not quote anyone
# ------------------------------------------------------------------------------------------
_TITLE_SMALL = {"a", "an", "the", "and", "or", "nor", "of", "in", "on", "at", "to", "for", "with",
                "by", "from", "as", "vs", "vs.", "via", "per", "into", "onto", "over", "under",
                "up", "out", "off", "down", "about", "after", "before", "than", "through", "is",
                "be", "if", "but", "so", "yet", "&", "-", "—", "–"}
_WORK_NOUN = re.compile(
    r"\b(?:book|books|novel|memoir|biography|autobiography|manifesto|film|movie|documentary|"
    r"show|series|programme|program|episode|segment|article|column|op-ed|editorial|essay|piece|"
    r"headline|song|album|poem|musical|memo|title|titled|entitled|dubbed|labeled|labelled|"
    r"slogan|motto|banner|poster|hashtag|subject line|the line)\s*,?\s*$", re.I)


def _title_cased(inner: str) -> bool:
    """'The Art of the Deal', 'Not Fit To Serve As President': every word but the small ones
    capitalised (at least two such words, at most 20 words)."""
    words = re.findall(r"[\w’'.\-:&!?]+", inner)
    if not 1 <= len(words) <= 20:
        return False
    big = [w for w in words if w.casefold().strip(".,:!?") not in _TITLE_SMALL]
    return len(big) >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in big)


#: a quoted passage that opens with a speaker label in capitals: a transcript, not one quote
_TRANSCRIPT_TURN = re.compile(r"[A-Z][A-Z.'’ -]{1,30}:\s")


def _names_a_work(text: str, qs: int, qe: int, inner: str, para_start: int) -> Optional[str]:
    """'skip' for quote marks around the title of a work ('his book “The Art of the Deal”',
    'CNN's “State of the Union”', '“Headline,” by Times' X', '“No to Schengen” (2005)') or
    inside a markup tag; 'introduced' when a colon or a cue verb introduces it ('she said,
    “It Is Time For A Change.”'); 'partial' for a title-cased phrase that no colon or cue introduces
    (a headline's quoted words), a quoted line of a named work ('an article that included the
    line “…”') or an article headline followed by its byline; else None."""
    before = text[max(para_start, qs - 60):qs].rstrip(" \t\u00a0“‘\"'")
    if re.search(r"<\w[^<>]*$", text[max(0, qs - 200):qs]):
        return "skip"  # an attribute inside a markup tag ('<tweet tweet-date="…">')
    after = text[qe:qe + 60]
    work = bool(_WORK_NOUN.search(before))
    org_title = bool(re.search(r"\b(?:[A-Z][A-Za-z.&]*[A-Z]|[A-Z][a-z]+)(?:’s|'s)$", before))
    byline = bool(re.match(r"[”’\"']*\s*,?\s*by\s+(?:the\s+)?[A-Z]", after))
    year = bool(re.match(r"[”’\"']*\s*\([^()]{0,40}\b(?:1[89]\d\d|20\d\d)\)", after))
    titled = _title_cased(inner)
    venue = bool(re.search(r"\b(?:on|in|at|from|told)$", before))  # 'told “Fox and Friends”'
    if titled and (work or org_title or byline or year or venue):
        return "skip"
    introduced = before.endswith(":") or bool(re.search(rf"\b(?:{CUE_VERBS}),?$", before))
    if titled and not introduced:
        return "partial"
    if work and not before.endswith(":"):
        return "partial"
    if byline or year:
        return "partial"
    return "introduced" if introduced else None


# ------------------------------------------------------------------------------------------
def extract_quotes(article_id: str, text: str,
                   resolver: Optional[Callable[[str, int, str], Optional[str]]] = None
                   ) -> list[FoundQuote]:
    """All quotes of one article, with speakers. ``resolver(surface, pos, kind)`` maps a
    speaker mention to a canonical name (pronouns/role nouns resolved by the caller's index)."""
    text = _pair_doubled(text)
    paras = paragraphs(text)
    found: list[FoundQuote] = []
    prev_direct: Optional[FoundQuote] = None
    for qs, qe, pieces in quote_spans(text):
        content = " ".join(text[a:b] for a, b in pieces).strip()
        inner = content.strip(QUOTE_CHARS + " ")
        if not inner:
            continue
        para = next((p for p in paras if p.start <= qs < p.end + 1), None)
        ps, pe = (para.start, para.end) if para else (0, len(text))
        last_para = next((p for p in paras if p.start <= qe <= p.end + 1), para)
        pe_last = last_para.end if last_para else pe
        ss, se = _sentence_bounds(text, qs, ps, pe)
        pre = text[ss:qs].rstrip()
        words = inner.split()
        ends_punct = inner[-1:] in ".,?!…—-" or content.rstrip()[-2:-1] in ".,?!"
        pre_cue = bool(re.search(rf"\b(?:{CUE_VERBS})\s*$", pre))
        starts_upper = inner[:1].isupper() or inner[:1].isdigit() or inner[:1] in "…." or \
            bool(re.match(r"\[[A-Z]", inner))  # “[W]e are reminded …”
        cue_before = bool(_CUE.search(pre[-60:]))
        caps = sum(1 for w in words if w[:1].isupper())
        tail = text[qe:qe + 20]
        runs_on = bool(re.match(r"\s+[a-z]", tail)) and inner[-1:] not in ".?!,"
        named = _names_a_work(text, qs, qe, inner, ps)
        if _TRANSCRIPT_TURN.match(inner):
            continue  # '"WALLACE: … "PENCE: …': a quoted transcript of several speakers
        if named == "skip":
            continue  # a title of a work or a markup attribute, not a quotation
        if named == "partial":
            kind = "partial"  # a headline/title-cased phrase or a quoted line of a written work
        elif (len(words) < 2 and not (pre_cue or _CUE.search(text[qe:qe + 25]) or (
                inner[-1:] in ".?!" and re.search(rf"\b(?:{CUE_VERBS})\s*[,:]$", pre)))) or (
                not starts_upper and runs_on and not pre_cue):
            kind = "partial"  # one quoted word, or a fragment the sentence runs on from
        elif len(words) <= 7 and caps >= 0.75 * len(words) and len(words) >= 2 and not (
                named == "introduced") and not _attributed_after(text, inner, qe, pe_last):
            kind = "partial"  # a title, slogan or name in quote marks ("Make America Great Again")
        elif not starts_upper and not (pre_cue or (pre.endswith((",", ":")) and cue_before)):
            kind = "partial"
        elif not pre or pre.endswith((":", ",")) or pre_cue:
            kind = "direct"
        elif ends_punct and inner[:1].isupper() and len(words) >= 4 and not re.search(
                r"\b(?:to|the|a|an|of|as|and|or|that)$", pre, re.I):
            kind = "direct"
        else:
            kind = "partial"
        if kind == "partial" and len(words) < 2 and inner[-1:] not in "!?":
            continue  # scare quotes around a single word
        fq = FoundQuote(article_id, qs, qe, inner, kind)
        sp, cue = find_speaker(text, qs, qe, ps, pe_last, ss, max(se, qe))
        sp = clean_speaker(text, sp)
        if sp is None and pre.endswith(":") and len(pre.split()) <= 25:
            sp = _after_heading_dash(text, ss, ss + len(pre)) or \
                _colon_speaker(text, clean_speaker(text, _main_subject(text, ss, qs)))
            cue = ":" if sp else None  # "She then addressed the crowd: “…”"
        if sp is None and not pre and para is not None and para.para > 0:
            # 'X released the following statement:' / 'Stated Stone:' then the quote paragraph
            pp = next((p for p in paras if p.para == para.para - 1), None)
            if pp is not None and pp.text.rstrip().endswith(":"):
                s2, _ = _sentence_bounds(text, pp.end - 1, pp.start, pp.end)
                sp, cue = find_speaker(text, pp.end, pp.end, pp.start, pp.end, s2, pp.end)
                sp = clean_speaker(text, sp)
                if sp is None:
                    sp = clean_speaker(text, _main_subject(text, s2, pp.end))
                    cue = ":" if sp else None
        if sp is None and kind == "direct" and prev_direct is not None and \
                prev_direct.speaker_text and qs - prev_direct.end < (
                    600 if prev_direct.kind == "direct" else 200) and \
                not _named_attribution_after(text, qe, max(se, qe)) and \
                _only_attribution_between(text, prev_direct.end, qs):
            # quote-only paragraph continuing the previous speaker
            fq.speaker_text = prev_direct.speaker_text
            fq.speaker_start, fq.speaker_end = prev_direct.speaker_start, prev_direct.speaker_end
            fq.speaker = prev_direct.speaker
            fq.cue = prev_direct.cue
        elif sp is None and kind == "direct" and not pre:
            # a quote sentence after narrative: the subject of the sentence just before
            sp = clean_speaker(text, _previous_subject(text, ps, qs))
            cue = "context" if sp else None
        if fq.speaker_text is None and sp is not None:
            fq.speaker_start, fq.speaker_end = sp
            fq.speaker_text = text[sp[0]:sp[1]]
            fq.cue = cue
            fq.speaker = resolver(fq.speaker_text, sp[0], kind) if resolver else None
            if fq.speaker is None and fq.speaker_text.casefold() not in PRONOUNS:
                fq.speaker = fq.speaker_text
        found.append(fq)
        if kind == "direct" or (fq.speaker_text and fq.cue and _CUE.fullmatch(fq.cue)):
            # a partial quotation that a speech verb attributes ('The summit did "too little,"
            # he added on Twitter.') is continued by a quotation after it as a direct one is
            prev_direct = fq
    return found


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    return [(a, b) for a, b, _ in quote_spans(text)]


_GENDERED = "|".join(h for h, g in HONORIFICS.items() if g)
#: a gendered honorific just before a name ("Mr. Comey"), or opening it (a rule mention's text)
_HONORIFIC_BEFORE = re.compile(rf"\b({_GENDERED})\.?[ \t\xa0]+$")
#: role and kin nouns that say a person's gender, written just before the name
_GENDERED_ROLES = {
    **dict.fromkeys(("spokeswoman", "actress", "congresswoman", "businesswoman", "chairwoman",
                     "wife", "mother", "daughter", "sister", "grandmother", "aunt", "niece",
                     "queen", "princess", "widow", "girlfriend", "waitress"), "f"),
    # ("spokesman" and "actor" are written of women too: "Trump spokesman Hope Hicks")
    **dict.fromkeys(("congressman", "businessman", "husband", "father",
                     "son", "brother", "grandfather", "uncle", "nephew", "king", "prince",
                     "widower", "boyfriend"), "m"),
}
_GENDERED_ROLE_BEFORE = re.compile(r"\b(%s),?[ \t\xa0]+$" % "|".join(_GENDERED_ROLES), re.I)
_HONORIFIC_OPENING = re.compile(rf"({_GENDERED})\b")


def _entity_context(index) -> tuple[dict[int, set[str]], dict[int, str]]:
    """Per entity, the (5-letter prefixes of the) words just before its mentions in the story
    ("Syria's Minister of Foreign Affairs X"), and per person "m" or "f" where the story writes
    one kind of honorific or gendered role before it ("Mr. Comey", "Mrs. Clinton", "his wife,
    X"). Computed once per index:
    every article's resolver reads it (it was recomputed per article, over every mention of
    the story: a 1,500-article story spent ~500 s there)."""
    cached = getattr(index, "_entity_context", None)
    if cached is not None:
        return cached
    context: dict[int, set[str]] = {}
    seen: dict[int, set[str]] = {}  # per person, the genders its honorifics and roles say
    texts = getattr(index, "texts", {})
    for m in index.mentions:
        if m.entity is None:
            continue
        t = texts.get(m.article)
        if t is None:
            continue
        before = t[max(0, m.start - 60):m.start]
        h = _HONORIFIC_BEFORE.search(before) or _HONORIFIC_OPENING.match(m.text)
        if h:
            seen.setdefault(m.entity, set()).add(HONORIFICS[h.group(1)])
        r = _GENDERED_ROLE_BEFORE.search(before)
        if r:  # "spokeswoman Hope Hicks", "actress Jamie Lee Curtis", "his wife, Melania"
            seen.setdefault(m.entity, set()).add(_GENDERED_ROLES[r.group(1).casefold()])
        before = re.split(r"[.!?;\n]", before)[-1]
        words = {w.casefold()[:5] for w in re.findall(r"[A-Za-z]+", before)}
        context.setdefault(m.entity, set()).update(words)
    genders = {e: g.pop() for e, g in seen.items() if len(g) == 1}
    index._entity_context = (context, genders)
    return index._entity_context


#: a lower-case descriptor, then a full name closing the phrase ("chief strategist Guy Cecil")
_NAMED_AFTER_DESCRIPTOR = re.compile(r"\b(?!(?:of|for|at|in|on|the|from|with|to|and|by|a|an|another|one|%s)\b)"
                                     r"[a-z][\w\-]*\s+([A-Z][\w’'\-]+(?:\s+[A-Z][\w’'.\-]*){0,2}\s+[A-Z][\w’'\-]+)$" % CUE_VERBS)
#: a full name and what it belongs to ("Meenakshi Ganguly of Human Rights Watch", "Cameron
#: Easley for Morning Consult")
_NAME_OF = re.compile(r"((?:[A-Z][\w’'.\-]*\s+){1,3}[A-Z][\w’'\-]+)\s+(?:of|for|at|from)\s+(?:the\s+)?"
                      r"[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|of|and|for|the|&))*$")


def _full_name(phrase: str) -> bool:
    """Whether a phrase can be a person's full name (a title before it is kept: "Chairman John
    Podesta"): not "The National Academy", "President's Chief", "Brand Manager", "House
    Republican" or "Health Department" (ending in a role, a party or an organisation's word, or
    holding a possessive)."""
    words = phrase.split()
    lw = [w.casefold().strip(".,") for w in words]
    return not (lw[0] in {"the", "a", "an"} or lw[-1] in _HEAD_NOUNS or lw[-1] in ORG_WORDS
                or any(_OWNER.search(w) for w in words[:-1]))


#: an age for a person: "the 54-year-old", "the 30-year-old actor"
_AGED = re.compile(r"(?i)the\s+\d{1,3}-year-old(?:\s+[a-z]+)?")


def make_resolver(article: Article, index) -> Callable[[str, int, str], Optional[str]]:
    """Resolve speaker mentions through the story's EntityIndex.

    Pronouns take the most recent PERSON mention before them that is not inside a quote; role
    nouns ("the Syrian minister") prefer the most recent PERSON whose title context in the story
    shares the role words ("Syria's Minister of Foreign Affairs X"), else the most recent PERSON.
    """
    if index is None:
        return lambda surface, pos, kind: None
    quoted = _quoted_ranges(article.text)
    persons = [m for m in index.person_mentions(article.id)
               if not any(a <= m.start < b for a, b in quoted)]
    context, genders = _entity_context(index)

    text = article.text

    def subject_position(m) -> bool:
        start = max(text.rfind(". ", 0, m.start), text.rfind("\n", 0, m.start),
                    text.rfind("” ", 0, m.start), -1)
        lead_text = text[start + 1:m.start]
        lead = lead_text.split()
        if all(w[:1].isupper() or w.casefold() in {"the", "of", "and", "'s"} for w in lead):
            return True
        # a descriptor before the name: "Top lawyer Robert Wallack says", "Defence attorney X"
        if 0 < len(lead) <= 3 and lead[0][:1].isupper() and not any(
                w.endswith(",") or w.casefold() in _SPK_BAD_FIRST or w.casefold() in PRONOUNS for w in lead):
            return True
        # appositive subject: "The project manager, Tom Reyes, ..."
        return (lead_text.rstrip().endswith(",") and len(lead) <= 6
                and lead[0].casefold() in {"the", "a", "an", "his", "her", "their", "its"}
                and text[m.end:m.end + 2].startswith(","))

    def recent(pos: int, role_words: Sequence[str] = (), gender: Optional[str] = None) -> Optional[str]:
        prev = [m for m in persons if m.end <= pos]
        if gender:  # "he" is not "Mrs. Clinton"
            prev = [m for m in prev if genders.get(m.entity, gender) == gender]
        if not prev:
            return None
        near = [m for m in prev[-3:] if pos - m.end < 600]
        subj = [m for m in near if subject_position(m)]
        if not role_words:
            if subj:  # the most recent person in subject position
                return index.entity_name(subj[-1].entity)
            if pos - prev[-1].end < 200:
                return index.entity_name(prev[-1].entity)  # the person named just before
        if role_words:
            keys = [w.casefold()[:5] for w in role_words]
            good = [m for m in prev if all(k in context.get(m.entity, ()) for k in keys)]
            if good:
                return index.entity_name(good[-1].entity)
        return index.entity_name(prev[-1].entity)

    def titled(pos: int, role_words: Sequence[str]) -> Optional[str]:
        keys = [w.casefold()[:5] for w in role_words]
        good = [m for m in persons if m.end <= pos and all(k in context.get(m.entity, ()) for k in keys)]
        return index.entity_name(good[-1].entity) if good else None

    named_persons: dict = {}

    def person_names() -> set:
        """The story's person entities' names (computed on first use)."""
        if "names" not in named_persons:
            named_persons["names"] = {index.entity_name(i) for i in range(len(index.entities))
                                      if index.entity_type(i) == "PERSON"}
        return named_persons["names"]

    def resolve(surface: str, pos: int, kind: str) -> Optional[str]:
        words = surface.split()
        lw = [w.casefold().strip(".,") for w in words]
        if len(lw) == 1 and lw[0] in PERSON_PRONOUNS:
            return recent(pos, gender="m" if lw[0] in {"he", "him"} else "f")
        if _AGED.fullmatch(surface):  # "the 54-year-old said": the person just named
            return recent(pos)
        owner = next((i for i, w in enumerate(lw[:-1]) if w.endswith(("'s", "’s"))), None)
        if owner is not None and words[owner][:1].isupper() and lw[0] not in {"the", "a", "an"} \
                and lw[-1] in ROLE_NOUNS:
            # "Holt's spokesman" is not Holt: a person the story gives that role, else the
            # phrase as written
            return titled(pos, [w for w in words[owner + 1:] if w.casefold() not in {"top", "new"}])
        if lw and lw[0] in {"the", "this", "that"} and lw[-1] in ROLE_NOUNS:
            return recent(pos, [w for w in words[1:] if w.casefold() not in {"top", "new"}])
        found = index.resolve(surface, article.id, pos)
        named = _NAME_OF.match(surface) or _NAMED_AFTER_DESCRIPTOR.search(surface)
        if named and _full_name(named.group(1)) and not (
                found in person_names() and found.split()[-1] == named.group(1).split()[-1]):
            # the person the phrase names is its head (unless the story's entity for it was
            # found): "Priorities USA chief strategist Guy Cecil" is not Priorities USA,
            # "Sanders campaign manager Jeff Weaver" not Sanders, "David French of the National
            # Retail Federation" is David French (looked up by name alone: the organisation
            # tagged over the phrase, "Ford" in "GOP strategist Ford O'Connell", is no person)
            return index.resolve(named.group(1)) or named.group(1)
        return found

    return resolve


def group_quotes(found: Sequence[FoundQuote], articles: Sequence[Article],
                 count_sources: Callable[[Sequence[str]], int]) -> list[Quote]:
    from rapidfuzz import fuzz

    norm_text = {a.id: normalise(a.text) for a in articles}
    groups: list[dict] = []
    for fq in sorted(found, key=lambda q: (q.kind != "direct", -len(q.text))):
        n = normalise(fq.text)
        if len(n) < 3:
            continue
        for g in groups:
            if (g["speaker"] is None or fq.speaker is None or g["speaker"] == fq.speaker) and (
                    fuzz.ratio(g["norm"], n) >= 90 or (len(n) >= 25 and n in g["norm"])):
                g["articles"].add(fq.article)
                g["speaker"] = g["speaker"] or fq.speaker
                break
        else:
            groups.append({"norm": n, "text": fq.text, "speaker": fq.speaker,
                           "articles": {fq.article}, "kind": fq.kind, "first": fq})
    out = []
    order = {a.id: i for i, a in enumerate(articles)}
    for g in groups:
        arts = sorted(g["articles"], key=lambda x: order.get(x, 0))
        verbatim = all(g["norm"] in norm_text.get(a, "") for a in arts)
        out.append(Quote(speaker=g["speaker"], text=g["text"], articles=arts,
                         independent_sources=count_sources(arts), verbatim=verbatim,
                         kind=g["kind"]))
    # direct quotations first: a song's or a book's title that four outlets put in quote
    # marks ("Survival of the Fittest.") led a story's quotes, above what people said
    out.sort(key=lambda q: (q.kind != "direct", -q.independent_sources, -len(q.articles)))
    return out
