"""Entities: people, organisations, places, with variants merged across a story.

Two extractors produce *mentions* (article, offsets, surface, type):

* rules (always available): capitalised phrases joined by name particles (al-, el-, bin, ibn,
  van, de, von...), leading titles ("President", "Foreign Minister", "Mr.") stripped and used as
  PERSON evidence, organisation/place cue words, all-caps acronyms as ORG, "in/at/from X" as PLACE;
* spaCy (``config.ner_model``), when a model resolves (see :mod:`nlp`).

Merging (both extractors): a mention's *key* is its casefolded, diacritic-free form with name
particles (al-/el-/bin...), hyphens and apostrophes dropped ("Al-Shaibani" -> "shaibani").
Multi-token person names merge when their keys are equal, or when the given names are equal and
the surnames are fuzzy-equal (rapidfuzz ratio >= 85: Shaibani ~ Shibani, or the same consonant
skeleton and first letter: Karimi ~ Kerimi). Different given names
keep people apart (Ahmad al-Sharaa vs Farouk al-Sharaa). A single-token mention (a surname) links
to the unique full name of the story whose surname matches (exact or fuzzy); when several full
names share it, it attaches to the nearest preceding full-name mention in the same article, and
stays a separate, ambiguous entity when there is none.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Optional, Sequence

from newsfold.clean.metadata import WEEKDAYS
from newsfold.model import Article, Entity, entity_rank

PARTICLES = {"al", "el", "ad", "as", "ash", "at", "az", "bin", "ibn", "bint", "abu", "van", "von",
             "de", "der", "den", "da", "di", "du", "del", "la", "le", "dos", "das"}
_PARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|at|az|an|ar)[-‑‐]", re.I)

TITLE_WORDS = {
    "president", "minister", "secretary", "senator", "sen", "governor", "gov", "mayor", "king",
    "queen", "prince", "princess", "chancellor", "general", "gen", "judge", "justice", "pope",
    "sheikh", "chairman", "chairwoman", "chair", "ceo", "director", "ambassador", "spokesman",
    "spokeswoman", "spokesperson", "leader", "premier", "commissioner", "envoy", "mr", "mrs", "ms",
    "miss", "dr", "prof", "professor", "rep", "representative", "congressman", "congresswoman",
    "lt", "col", "colonel", "capt", "captain", "sgt", "sergeant", "admiral", "adm", "officer",
    "chief", "attorney", "speaker", "candidate", "nominee", "emir", "sultan", "prime", "vice",
    "deputy", "foreign", "defense", "defence", "interior", "finance", "interim", "former", "acting",
    "state", "of", "the", "lord", "lady", "sir", "dame", "coach", "manager", "founder", "host",
    "anchor", "cardinal", "bishop", "rabbi", "imam", "father", "sister", "brother", "detective",
    "inspector", "superintendent", "commander", "marshal", "sheriff", "trooper", "agent",
    "author", "actor", "actress", "singer", "writer", "columnist", "reporter", "journalist",
    "analyst", "economist", "activist", "businessman", "businesswoman", "billionaire",
    "celebrity", "celebrities", "comedian", "rapper", "star", "pastor", "reverend", "rev",
    "democrat", "republican", "democratic", "independent", "gop", "liberal", "conservative",
}
# words that are titles on their own (the others only qualify a title: "Foreign", "Prime")
HEAD_TITLES = TITLE_WORDS - {"of", "the", "foreign", "defense", "defence", "interior", "finance",
                             "interim", "former", "acting", "state", "prime", "vice", "deputy",
                             "democrat", "republican", "democratic", "independent", "gop",
                             "liberal", "conservative"}

STOP_INITIAL = {
    "the", "a", "an", "in", "on", "at", "for", "from", "to", "by", "with", "after", "before",
    "during", "despite", "however", "but", "and", "or", "if", "when", "while", "as", "since",
    "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you", "his",
    "her", "their", "our", "my", "your", "there", "here", "today", "yesterday", "tomorrow",
    "meanwhile", "also", "although", "though", "according", "under", "over", "about", "among",
    "without", "within", "into", "through", "all", "some", "many", "most", "more", "other",
    "another", "each", "every", "no", "not", "what", "who", "whom", "which", "where", "why",
    "how", "read", "updated", "recommended", "related", "earlier", "later", "now", "then",
    "last", "next", "first", "new", "one", "two", "three", "mr.", "let", "so", "yet", "still",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "both", "such", "only", "even", "just", "because", "until", "once",
    "do", "does", "did", "is", "are", "was", "were", "be", "will", "would", "can", "could",
    "should", "may", "might", "must", "has", "have", "had", "yes", "well", "oh", "please",
    "follow", "between", "convincing", "like", "via", "watch", "see", "listen", "click", "photo",
    # sentence adverbs ("Nonetheless, the talks went on." named "Nonetheless" the speaker of
    # the quotation after it)
    "nonetheless", "nevertheless", "moreover", "furthermore", "ultimately", "instead", "indeed",
    "separately", "overall", "finally", "additionally", "besides", "otherwise", "similarly",
    "likewise", "consequently", "therefore", "thus", "hence", "accordingly", "regardless",
    "notably", "ironically", "initially", "previously", "currently", "recently", "eventually",
    "already", "ever", "again", "lately", "clearly", "obviously", "apparently", "certainly",
    "surely", "perhaps", "maybe", "fortunately", "unfortunately", "sadly", "luckily",
    "interestingly", "frankly", "honestly", "actually", "basically", "essentially",
    "originally", "specifically", "importantly", "increasingly",
    # pronouns and notes that open a sentence in capitals ("Nobody knows ...", "Correction:")
    "nobody", "everybody", "everyone", "someone", "somebody", "anyone", "anybody", "correction",
}
#: plural nouns for groups of people that open a sentence before a speech cue ("Prosecutors
#: said", "Officials told"): never a name on their own
GROUP_NOUNS = {
    "prosecutors", "officials", "investigators", "authorities", "police", "residents",
    "witnesses", "analysts", "experts", "lawmakers", "legislators", "critics", "supporters",
    "opponents", "officers", "doctors", "nurses", "scientists", "researchers", "protesters",
    "protestors", "demonstrators", "activists", "villagers", "rescuers", "firefighters",
    "paramedics", "voters", "parents", "students", "teachers", "workers", "employees", "lawyers",
    "attorneys", "diplomats", "sources", "observers", "historians", "economists", "organizers",
    "organisers", "negotiators", "mediators", "regulators", "judges", "jurors", "soldiers",
    "troops", "militants", "rebels", "insurgents", "agents", "inspectors", "auditors",
    "executives", "shareholders", "investors", "traders", "farmers", "fans", "survivors",
    "relatives", "neighbors", "neighbours", "locals", "passengers", "medics", "staff",
    "spokesmen", "spokespeople", "representatives", "members", "leaders", "citizens", "people",
    "americans", "europeans", "participants", "defendants", "plaintiffs", "detectives",
}
#: "New" opens these places' names ("New York", "New Hampshire") ...
NEW_PLACES = {"york", "jersey", "hampshire", "mexico", "zealand", "delhi", "orleans", "england",
              "guinea", "brunswick", "haven", "caledonia", "south", "bedford", "london", "hebrides",
              "territories"}
#: ... and these: never stripped as a sentence's opening "New"
NEW_NAMES = NEW_PLACES | {"democratic", "yorker", "yorkers", "labour", "line"}
ORG_WORDS = {
    "ministry", "league", "union", "council", "committee", "party", "bank", "agency", "university",
    "observatory", "news", "post", "times", "inc", "corp", "corporation", "company", "co", "group",
    "association", "organization", "organisation", "institute", "court", "congress", "parliament",
    "senate", "assembly", "army", "forces", "police", "department", "office", "fund",
    "foundation", "commission", "government", "administration", "service", "network", "press",
    "channel", "tv", "daily", "journal", "tribune", "herald", "gazette", "club", "church", "board",
    "authority", "nations", "alliance", "federation", "bureau", "center", "centre", "school",
    "college", "hospital", "airlines", "motors", "media", "reuters", "kremlin", "pentagon",
    "white", "house", "campaign", "foundation", "cabinet", "council", "front", "movement",
    "brigade", "coalition", "ltd", "llc", "plc", "agency", "team", "fc", "review", "magazine",
    "treasury", "cross", "crescent", "dockers", "workers", "pageant", "today", "underground",
}
#: online platforms: organisations, whatever a name's shape or a model says ("he wrote on
#: Instagram" made Instagram a person, and the next "he said" its speaker)
PLATFORMS = {"instagram", "twitter", "facebook", "youtube", "tiktok", "snapchat", "whatsapp",
             "reddit", "linkedin", "telegram", "weibo", "wechat", "tumblr", "pinterest",
             "periscope", "twitch", "threads", "bluesky", "mastodon", "truth social"}
PLACE_WORDS = {
    "city", "river", "mountain", "mountains", "island", "islands", "county", "street", "airbase",
    "airport", "province", "region", "republic", "kingdom", "sea", "gulf", "bay", "valley",
    "square", "lake", "ocean", "coast", "desert", "district", "port", "park", "bridge", "avenue",
    "road", "strait", "peninsula", "heights", "state", "states", "east", "west", "north", "south",
    "creek", "bowl", "hills", "beach", "springs", "falls", "canyon", "harbor", "harbour", "tower",
    "towers",
}
#: words between a place's preposition and its name ("in northern Ostmark")
REGION_ADJECTIVES = {"northern", "southern", "eastern", "western", "central", "north-eastern",
                     "north-western", "south-eastern", "south-western", "northeastern",
                     "northwestern", "southeastern", "southwestern", "rural", "coastal",
                     "neighbouring", "neighboring", "downtown", "suburban", "upstate"}
#: a settlement's own noun after its name ("the Red Gate port", "Kestrel city council")
_SETTLEMENT_AFTER = re.compile(r"\s+(?:port|city|town|village|province|region|island|valley|"
                               r"county|district|harbou?r|capital)\b")
PLACE_PREFIX = {"east", "west", "north", "south", "fort", "ft", "mount", "mt", "lake", "port",
                "saint", "st", "san", "santa", "los", "las", "río", "rio", "river", "cape", "camp"}
PLACE_PREPS = {"in", "at", "from", "to", "into", "across", "near", "toward", "towards", "outside",
               "inside", "throughout", "visited", "visit", "visiting"}
#: "the town of Peralta": "of" after these words names a place
SETTLEMENT_WORDS = {"town", "city", "village", "port", "province", "state", "region", "island",
                    "district", "county", "suburb", "capital", "municipality", "neighbourhood",
                    "neighborhood", "commune", "prefecture", "towns", "cities", "villages",
                    "ports", "provinces", "regions", "islands", "districts", "counties", "suburbs",
                    "municipalities", "neighbourhoods", "neighborhoods"}
DEMONYM_SUFFIX = ("ian", "ean", "ese", "ish", "ans")
DEMONYMS = {"israeli", "israelis", "arab", "arabs", "saudi", "saudis", "iraqi", "iraqis",
            "pakistani", "kuwaiti", "qatari", "yemeni", "emirati", "somali", "bangladeshi",
            "nepali", "thai", "afghan", "kurd", "kurds", "kurdish", "turk", "turks", "jew",
            "jewish", "muslim", "muslims", "christian", "christians", "sunni", "shia", "shiite",
            "alawite", "druze", "western", "eastern", "northern", "southern", "european",
            "african", "asian", "latino", "latina", "hispanic", "french", "dutch", "greek",
            "swiss", "irish", "welsh", "scottish", "british", "english", "spanish", "polish",
            "danish", "swedish", "finnish", "czech", "slovak", "serb", "croat", "uzbek", "kazakh",
            "tajik", "azeri", "filipino", "democratic", "republican", "democrats", "republicans",
            "conservative", "liberal", "progressive"}
# title-case words that are headings, fields or common nouns rather than names: a "person"
# made of them ("Human Rights", "Maldives Tour", "Foreign Affairs") is no person
COMMON_CAPS = {
    "human", "rights", "affairs", "tour", "half", "state", "states", "breaking", "news", "live",
    "update", "updates", "video", "videos", "photo", "photos", "watch", "opinion", "analysis",
    "editorial", "exclusive", "read", "more", "share", "comment", "comments", "click",
    "subscribe", "advertisement", "image", "images", "getty", "story", "stories", "report",
    "reports", "summit", "talks", "talk", "meeting", "conference", "election", "elections",
    "debate", "primary", "campaign", "war", "crisis", "deal", "act", "bill", "law", "policy",
    "day", "week", "year", "night", "morning", "time", "times", "world", "national",
    "international", "global", "security", "foreign", "domestic", "economic", "economy",
    "health", "care", "public", "general", "civil", "social", "media", "trade", "tax", "budget",
    "energy", "climate", "change", "market", "markets", "business", "finance", "sport", "sports",
    "culture", "science", "tech", "technology", "politics", "political", "government", "power",
    "peace", "justice", "freedom", "liberty", "amendment", "constitution", "court", "party",
    "parties", "office", "house", "senate", "congress", "committee", "movement", "front",
    "relations", "cooperation", "development", "reconstruction", "transition", "recovery",
    "attack", "attacks", "strike", "strikes", "protest", "protests", "rally", "vote", "votes",
    "poll", "polls", "survey", "plan", "program", "programme", "project", "initiative", "fund",
    "forum", "festival", "cup", "league", "championship", "series", "season", "game", "games",
    "show", "series", "fact", "facts", "check", "key", "top", "latest", "new", "old", "big",
    "great", "good", "best", "first", "last", "final", "full", "official", "officials", "led",
    "based", "backed", "born", "run", "owned", "related", "post", "pre", "anti", "pro", "former",
    "order", "caucus", "caucuses", "pit", "lives", "matter", "matters", "society", "publishers",
    "books", "breakfast", "monitor", "resolves", "compass", "grille", "lodge", "legion", "room",
    "hill", "left", "right", "center", "centre",
}
_NOT_SURNAME = {"county", "city", "party", "committee", "campaign", "pac", "foundation",
                "institute", "university", "league", "council", "agency", "ministry", "donor",
                "donors", "super", "control", "file", "show", "hour", "tonight", "live"}
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "january", "february", "march", "april", "june", "july", "august", "september",
             "october", "november", "december"}


def implausible_person(name: str) -> bool:
    """A PERSON span that cannot be a name: it ends in a title or a party/demonym word ("Florida
    Gov", "Kentucky Republican"), holds a weekday or month ("Hampshire Monday"), a contraction
    ("I’ve") or a common title-case word ("Human Rights", "Maldives Tour")."""
    parts = _parts(name)
    if not parts:
        return True
    if parts[-1] in TITLE_WORDS or parts[-1] in DEMONYMS or parts[-1] in _NOT_SURNAME:
        return True  # "Florida Gov", "Kentucky Republican", "Bellwether County"
    if any(p.isdigit() for p in parts):
        return True  # "Anderson Cooper 360"
    if any(p in _CALENDAR or p in COMMON_CAPS for p in parts):
        return True
    return bool(re.search(r"[’'](?:ve|ll|re|d|m|t)\b", name))

#: a capitalised word; an initial with its period inside a name ("Donald J. Trump", "J. K.
#: Rowling") when a capitalised word follows that does not open a sentence ("Plan B. The")
_WORD = (r"[A-Z][\w’'\.-]*[\w]|[A-Z]\.(?=[ \t\xa0]+[A-Z])(?![ \t\xa0]+(?:The|He|She|It|In|On|At|A|An|"
         r"But|And|This|That|These|They|We|I|His|Her|Its|Their|Our|There|Then|If|As|For|So)\b)|[A-Z]")
_PART = r"(?:(?:al|el|ad|as|an|ar|bin|ibn|bint|abu|van|von|de|der|den|da|di|du|del|la|le|dos|of)[ -]?)"
_CAP_PHRASE = re.compile(
    rf"(?:{_WORD})(?:(?:[ \t\xa0]+|[-‑‐])(?:{_PART})?(?:{_WORD}))*|"
    rf"(?<![\w-])(?:al|el)[-‑‐](?:{_WORD})(?:[ \t\xa0]+(?:{_WORD}))*"
)
_TOKEN = re.compile(r"\S+")


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def norm_tokens(name: str) -> list[str]:
    """Casefolded, accent-free name tokens with particles and punctuation dropped."""
    return list(_norm_tokens(name))


_POSSESSIVE = re.compile(r"'s$")
_SPACES = re.compile(r"[\s]+")
_NAME_PUNCT = re.compile(r"[-‑‐'.]")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def _norm_tokens(name: str) -> tuple[str, ...]:
    # (a story's merge asks for the same surface forms many times: cached per string)
    s = strip_accents(name).replace("’", "'")
    s = _POSSESSIVE.sub("", s)
    out = []
    for tok in _SPACES.split(s):
        tok = _PARTICLE_PREFIX.sub("", tok)
        tok = _NAME_PUNCT.sub("", tok).casefold()
        if tok and tok not in PARTICLES:
            out.append(tok)
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def skeleton(tok: str) -> str:
    """Consonant skeleton of a transliterated name: Karimi/Kerimi -> krm, Shaibani/Shibani ->
    shbn (vowels and doubled letters carry most transliteration variation)."""
    t = _VOWELS.sub("", tok.casefold())
    return _DOUBLED.sub(r"\1", t)


@lru_cache(maxsize=1 << 18)
def same_surname(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return fuzz.ratio(a, b) >= 85 or (len(skeleton(a)) >= 3 and skeleton(a) == skeleton(b)
                                      and a[0] == b[0])


def name_key(name: str) -> str:
    return " ".join(norm_tokens(name))


@dataclass
class Mention:
    article: str
    start: int
    end: int
    text: str
    type: str  # PERSON | ORG | PLACE | OTHER
    titled: bool = False  # preceded by a title (PERSON evidence)
    entity: Optional[int] = None  # index into EntityIndex.entities


@dataclass
class _Ent:
    type_votes: Counter = field(default_factory=Counter)
    surfaces: Counter = field(default_factory=Counter)
    keys: set = field(default_factory=set)
    articles: set = field(default_factory=set)
    mentions: int = 0


def _clean_phrase(text: str, start: int) -> tuple[str, int, bool]:
    """Strip leading stop words and titles; trailing possessives. Returns (text, start, titled)."""
    titled = False
    toks = list(_TOKEN.finditer(text))
    i = 0
    while i < len(toks):
        w = toks[i].group(0).rstrip(".,").casefold()
        if w in STOP_INITIAL and i < len(toks) - 1 and not (
                w == "new" and toks[i + 1].group(0).strip(".,’'").casefold() in NEW_NAMES):
            i += 1
            continue
        if re.search(r"[’']s$", w) and i < len(toks) - 1:
            i += 1  # possessive owner before a name: "Syria's Foreign Minister X"
            continue
        if w in TITLE_WORDS and i < len(toks) - 1:
            if w in HEAD_TITLES:
                titled = True
            i += 1
            continue
        break
    if i >= len(toks):
        return "", start, titled
    # a title later in the phrase: "Syrian Foreign Minister X" -> "X"
    for j in range(len(toks) - 2, i - 1, -1):
        if toks[j].group(0).rstrip(".,").casefold() in HEAD_TITLES:
            i = j + 1
            titled = True
            # "US Secretary of State Marco Rubio": the title's own qualifiers go too
            while i < len(toks) - 1 and toks[i].group(0).rstrip(".,").casefold() in TITLE_WORDS:
                i += 1
            break
    new_start = toks[i].start()
    out = text[new_start:]
    out = re.sub(r"[’']s?$", "", out)
    # the period of a closing initialism stays ("U.S.", "D.C."); a sentence's full stop goes
    out = out.rstrip("-‑‐ ") if _INITIALISM_END.search(out) else out.rstrip(".-‑‐ ")
    return out, start + new_start, titled


#: the states their abbreviations name, so that "Fresno, Calif." and "California" are one
#: place ("Wash." is left alone: "Washington" is more often the capital)
STATE_NAMES = {
    "Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California",
    "Colo": "Colorado", "Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida",
    "Ga": "Georgia", "Ill": "Illinois", "Ind": "Indiana", "Kan": "Kansas", "Ky": "Kentucky",
    "La": "Louisiana", "Md": "Maryland", "Mass": "Massachusetts", "Mich": "Michigan",
    "Minn": "Minnesota", "Miss": "Mississippi", "Mo": "Missouri", "Mont": "Montana",
    "Neb": "Nebraska", "Nev": "Nevada", "Okla": "Oklahoma", "Ore": "Oregon", "Pa": "Pennsylvania",
    "Tenn": "Tennessee", "Tex": "Texas", "Va": "Virginia", "Vt": "Vermont", "Wis": "Wisconsin",
    "Wyo": "Wyoming", "N.H": "New Hampshire", "N.J": "New Jersey", "N.M": "New Mexico",
    "N.Y": "New York", "N.C": "North Carolina", "N.D": "North Dakota", "S.C": "South Carolina",
    "S.D": "South Dakota", "R.I": "Rhode Island", "W.Va": "West Virginia"}
#: the AP's abbreviations of US states (those not written as initials: "N.H." is one)
STATE_ABBREVIATIONS = frozenset(k for k in STATE_NAMES if "." not in k) | {"Wash"}
_PARTY_STATE = re.compile(r"[DRI]-[A-Z][\w.]*")
_INITIALISM_END = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}$")
_INITIALISM_CUT = re.compile(r"(?<![\w.])(?:[A-Z]\.)+[A-Z]$")


#: a capitalised word inside a sentence (after a lower-case word or a comma, or a title's
#: abbreviation): a name there
_MID_CAPITAL = re.compile(r"(?:(?<=[a-z0-9,;])|(?<=\b(?:Mr|Ms|Dr|Sr|Jr|St)\.)|(?<=\b(?:Mrs|Sen|Rep|"
                          r"Gov|Gen|Col|Sgt)\.)|(?<=\bProf\.)|(?<=\bCapt\.))[ \t\xa0]+([A-Z][\w’'-]*)")
_HYPHEN_NAME = re.compile(r"[-‑‐][A-Z]")  # "Al-Shaibani", "Abdul-Jabbar": a name's own shape
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][\w’'-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”‘’)\]\n—–-])[\s\"“‘(\[]*$")


def _opens_sentence(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text, max(0, start - 4), start))


def _bare_word(w: str) -> str:
    """A word without a closing mark or possessive: "Lind's" -> "Lind"."""
    return w.rstrip("’'").removesuffix("’s").removesuffix("'s")


def rule_mentions(article_id: str, text: str) -> list[Mention]:
    out: list[Mention] = []
    mid: Optional[set] = None  # words the text capitalises inside a sentence (made when needed)
    lowered: Optional[set] = None  # words the text writes in lower case (made when needed)
    demonyms: Optional[set] = None  # "Tazirian", "Valdorian": capitalised words ending as demonyms
    for m in _CAP_PHRASE.finditer(text):
        raw = m.group(0)
        phrase, start, titled = _clean_phrase(raw, m.start())
        phrase = _name_or_junk(phrase, text, start) if phrase else None
        if not phrase:
            continue
        if _INITIALISM_CUT.search(phrase) and text[start + len(phrase):start + len(phrase) + 1] == ".":
            phrase += "."  # "U.S." (the match stops before a period)
        elif phrase in STATE_ABBREVIATIONS and text[start + len(phrase):start + len(phrase) + 1] == "." \
                and text[max(0, start - 2):start] == ", ":
            # a state after its town: "Los Angeles, Calif." (an entity "Calif" of no type)
            out.append(Mention(article_id, start, start + len(phrase) + 1, phrase + ".", "PLACE"))
            continue
        if (len(phrase) == 1 and phrase != "X") or _PARTY_STATE.fullmatch(phrase):
            continue  # "(D-Calif.)", "(R-Texas)": a party and a state, not a name
        head = _HEAD_OF.match(phrase)
        if head and _opens_sentence(text, start) and head.group(1).casefold() not in _NAMING_HEADS:
            # "Part of Port Averin's harbour", "Most of Ostmark": a common word capitalised only
            # because it opens the sentence, then the name
            if lowered is None:
                lowered = set(_LOWER_WORD.findall(text))
            if head.group(1).casefold() in lowered or head.group(1).casefold() in _QUANTITY_WORDS:
                phrase, start = phrase[head.end():], start + head.end()
        if " " not in phrase and not phrase.isupper() and not _HYPHEN_NAME.search(phrase) \
                and _opens_sentence(text, start):
            # one capitalised word opening a sentence ("Throughout", "Unfortunately", "People")
            # is a name only when the text also capitalises it inside a sentence
            # (or, before a speech cue, when the text never writes it in lower case: "Hassan
            # said", not "Officials said")
            if mid is None:
                mid = {_bare_word(w) for w in _MID_CAPITAL.findall(text)}
                lower = set(_LOWER_WORD.findall(text))
            word = _bare_word(phrase)
            if word not in mid and not (
                    _CUE_AFTER.match(text[start + len(phrase):start + len(phrase) + 25].casefold())
                    and word.casefold() not in lower):
                continue
        toks = phrase.split()
        if len(toks) > 1 and toks[-1] == "No" and re.match(r"\.\s*\d", text[start + len(phrase):]):
            # "Juror No. 12": a number's abbreviation, not a surname
            toks.pop()
            phrase = phrase[:phrase.rfind(" No")]
            if len(toks) == 1 and _opens_sentence(text, start):
                continue
        low = [t.casefold().strip(".,") for t in toks]
        if len(toks) == 1 and (low[0] in STOP_INITIAL or low[0] in TITLE_WORDS
                               or low[0] in GROUP_NOUNS):
            continue
        # title just before the phrase (lower-case or separate): "his counterpart X", "Minister X"
        before = text[max(0, start - 40):start].split()
        prev = before[-1].casefold().strip(",.") if before else ""
        if prev in REGION_ADJECTIVES and len(before) >= 2:
            prev = before[-2].casefold().strip(",.")  # "in northern Ostmark" places as "in Ostmark"
        if prev in HEAD_TITLES or prev in {"counterpart", "president", "minister"}:
            titled = True
        after = text[start + len(phrase):start + len(phrase) + 25].casefold()
        if prev == "of" and len(before) >= 2 and before[-2].casefold().strip(",.") in SETTLEMENT_WORDS:
            prev = "in"  # "the town of Peralta" places as "in Peralta" does
        etype = _rule_type(toks, low, titled, prev, after, text, start)
        if etype is None:
            continue
        if etype == "OTHER" and len(toks) > 2 and low[1] == "of" and low[0] in PLACE_WORDS:
            etype = "PLACE"  # "Strait of Orin", "Gulf of Aden", "Isle of ..."
        if etype in ("OTHER", "PERSON") and not titled and out and out[-1].type == "PLACE" \
                and _AND_BETWEEN.fullmatch(text[out[-1].end:start]) \
                and _after_settlement_of(text, out[-1].start):
            etype = "PLACE"  # "the provinces of Calder and Vess"
        if etype == "OTHER" and len(toks) == 1:
            if demonyms is None:
                demonyms = {w.casefold() for w in _DEMONYM_WORD.findall(text)}
            if _demonym_of(low[0], demonyms, text, phrase):
                etype = "PLACE"  # "Tazir" where the text says "Tazirian"
        if etype != "ORG" and text[start - 1:start] == "(" and _CREDIT_CLOSE.match(text, start + len(phrase)):
            etype = "ORG"  # a dateline's credit: "HARLOW, March 3 (Fictional Wire) —"
        if phrase.isupper() and (start == 0 or text[start - 1] == "\n"):
            rest = text[start + len(phrase):text.find("\n", start) if "\n" in text[start:] else len(text)]
            if not rest.strip(" .:"):
                continue  # a heading or label on a line of its own: "ABSTRACT.", "FULL TEXT.", "CREW"
            if len(toks) <= 4 and _DATELINE_AFTER.match(rest):
                etype = "PLACE"  # a dateline: "WASHINGTON —", "MANCHESTER, N.H. -", "BERLIN -"
        # "Syrian Observatory for Human Rights": the rest of an organisation's name
        if out and out[-1].type == "ORG" and re.fullmatch(
                r"\s+(?:for|on|of)\s+(?:the\s+)?", text[out[-1].end:start]) and \
                norm_tokens(out[-1].text)[-1:] and norm_tokens(out[-1].text)[-1] in ORG_WORDS:
            out[-1].end = start + len(phrase)
            out[-1].text = text[out[-1].start:out[-1].end]
            continue
        out.append(Mention(article_id, start, start + len(phrase), phrase, etype, titled))
    return out


#: words that head a name with "of" ("Department of Justice", "Gulf of Aden", "Secretary of State")
_NAMING_HEADS = ORG_WORDS | PLACE_WORDS | SETTLEMENT_WORDS | TITLE_WORDS | {
    "chamber", "isle", "duke", "duchess", "prince", "princess", "museum", "order", "society",
    "academy"}
_QUANTITY_WORDS = {"part", "parts", "most", "much", "some", "all", "many", "none", "one", "each",
                   "both", "half", "rest", "few", "several", "residents", "people", "members"}
_HEAD_OF = re.compile(r"([A-Z][a-z]+)[ \t\xa0]+of[ \t\xa0]+(?=[A-Z])")
_AND_BETWEEN = re.compile(r",?[ \t\xa0]+(?:and|or)[ \t\xa0]+")
_DEMONYM_WORD = re.compile(r"\b[A-Z][a-z]{3,}(?:ian|an|i|ese)\b")


def _demonym_of(word: str, demonyms: set, text: str, phrase: str) -> bool:
    """The text writes the word's demonym: Syria/Syrian, Israel/Israeli, Japan/Japanese,
    Tazir/Tazirian. "-ian" after a consonant also makes adjectives of people's names
    (Trumpian, Orwellian, Malthusian): there the word must never follow another name, as a
    surname does ("Donald Trump")."""
    if len(word) < 4:
        return False
    if word[-1] in "aeiou":
        return word + "n" in demonyms
    if word + "i" in demonyms or word + "ese" in demonyms:
        return True
    return word + "ian" in demonyms and not re.search(
        rf"\b[A-Z][\w.’'-]*[ \t\xa0]+{re.escape(phrase)}\b", text)


def _after_settlement_of(text: str, start: int) -> bool:
    """The name at ``start`` follows "<settlement word> of" ("villages of Upper Sorrel")."""
    before = text[max(0, start - 40):start].split()
    return len(before) >= 2 and before[-1] == "of" and before[-2].casefold().strip(",.") in SETTLEMENT_WORDS


_CREDIT_CLOSE = re.compile(r"\)[ \t\xa0]*(?:[—–―]|--?)[ \t\xa0]")
_CUE_AFTER = re.compile(r"^[\s,]*(said|says|told|added|noted|stated|emphasized|emphasised|"
                        r"argued|explained|wrote|recalled|affirmed|asserted|confirmed|insisted)\b")


def _settlement_context(text: str, start: int, end: int) -> bool:
    """The words around a name say it is a settlement or region: "the town of X", "X port",
    "in northern X" (the rules' own cues, used to correct a model's PERSON)."""
    before = text[max(0, start - 40):start].split()
    low = [w.casefold().strip(",.") for w in before[-2:]]
    if before and before[-1][-1] in ".!?;:":  # "... outside downtown. Williams, who": a new sentence
        low = []
    if len(low) == 2 and low[1] == "of" and low[0] in SETTLEMENT_WORDS:
        return True
    if len(low) == 2 and low[1] in REGION_ADJECTIVES and low[0] in PLACE_PREPS:
        return True
    return bool(_SETTLEMENT_AFTER.match(text[end:end + 25].casefold()))


def _rule_type(toks, low, titled, prev, after, text, start) -> Optional[str]:
    if " ".join(low) in PLATFORMS:
        return "ORG"
    if any(t in ORG_WORDS for t in low[1:]) or (len(low) > 1 and low[0] in ORG_WORDS):
        return "ORG"
    if len(toks) == 1 and toks[0].rstrip(".") in COUNTRY_ACRONYMS:
        return "PLACE"
    if len(toks) == 1 and _INITIALISM_END.fullmatch(toks[0]) and text[max(0, start - 2):start] == ", ":
        return "PLACE"  # a state after its town: "Manchester, N.H.", "Trenton, N.J."
    if len(toks) == 1 and toks[0].isupper() and len(toks[0]) >= 2:
        return "ORG"
    if any(t in PLACE_WORDS for t in low[1:]) or (len(low) > 1 and low[0] in PLACE_PREFIX):
        return "PLACE"  # "Fort Hood", "East Jerusalem", "San Bernardino", "Oak Creek"
    if titled:
        return "PERSON"
    if len(low) > 1 and low[0] == "new" and low[1].strip(".,") in NEW_PLACES:
        return "PLACE"  # "New Hampshire" (two capitalised words read as a person's name)
    if len(toks) == 1 and low[0].endswith(DEMONYM_SUFFIX) and not _CUE_AFTER.match(after):
        return None  # "Syrian", "Russian", "Chinese": adjectives, not entities
    if len(toks) >= 2 and any(_PARTICLE_PREFIX.match(t) or t.casefold() in PARTICLES for t in toks):
        return "PERSON"
    if prev in PLACE_PREPS and len(toks) == 1:
        return "PLACE"  # "officials in Gaza said", "ambassador to Russia, said": not the speaker
    if _CUE_AFTER.match(after):
        return "PERSON"
    if prev in PLACE_PREPS or _SETTLEMENT_AFTER.match(after):
        return "PLACE"
    initials = sum(bool(_INITIAL.fullmatch(t)) for t in toks)
    if 2 <= len(toks) <= 3 + initials and initials < len(toks) and all(
            _INITIAL.fullmatch(t) or (t[:1].isupper() and not t.isupper()) for t in toks):
        return "PERSON"  # "Ana Velt", "Donald J. Trump", "J. K. Rowling"
    return "OTHER"


_INITIAL = re.compile(r"[A-Z]\.")


_SPACY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


#: a name glued to what follows it in scraped text: "Kim,30" (an age), "Lil Wayne WEEZY F ("
_GLUED_TAIL = re.compile(r"(?:,\s*\d.*|[\s(\[/,;:\-]+)$")


#: what follows a dateline's place: "NEW YORK (AP) —", "PORT AVERIN, Norland —", "LONDON —",
#: "MANCHESTER, N.H. -" (not a headline's ", THROUGH THE LENS")
_DATELINE_AFTER = re.compile(r"\s*(?:\(|,\s*(?:[A-Z][a-z]|[A-Z]\.|[A-Z]{2}\b)|[—–―-])")

#: initials of countries, which the acronym rule would call organisations
COUNTRY_ACRONYMS = {"U.S", "US", "USA", "U.S.A", "U.K", "UK", "UAE", "U.A.E", "DRC", "PRC",
                    "D.C"}  # (and the US capital's district)


def _name_or_junk(phrase: str, text: str = "", start: int = 0) -> Optional[str]:
    """The name an entity span gives, or None when it is scraping debris: a caps headline read
    as a name ("OBAMA DISS", "COUPLES ARE SPENDING MORE"), an id glued to a word ("Wide00012");
    a glued tail ("Kim,30") is cut. ``text``/``start``: where the span is, so that a dateline
    in capitals opening a line ("NEW YORK (AP) —") stays a name."""
    phrase = _GLUED_TAIL.sub("", phrase)
    words = phrase.split()
    if not words or re.search(r"[A-Za-z]\d{3,}|\d{3,}[A-Za-z]", phrase):
        return None
    if len(words) >= 2 and phrase.isupper() and any(len(w.strip(".,’'")) >= 5 for w in words):
        opens_line = start == 0 or text[start - 1:start] == "\n"
        if not (opens_line and len(words) <= 4 and _DATELINE_AFTER.match(text, start + len(phrase))):
            return None  # a headline in capitals; an acronym pair ("US EU") stays
    return phrase


def spacy_mentions(article_id: str, doc) -> list[Mention]:
    out = []
    text = doc.text  # a property that joins every token's text: read once, not per entity
    for ent in doc.ents:
        etype = _SPACY_TYPES.get(ent.label_)
        if etype is None or "\n" in ent.text:
            continue
        phrase, start, titled = _clean_phrase(ent.text, ent.start_char)
        if phrase and phrase.casefold() in PLATFORMS:
            etype = "ORG"
        phrase = _name_or_junk(phrase, text, start) if phrase else None
        if not phrase or not (phrase[:1].isupper() or _PARTICLE_PREFIX.match(phrase)):
            continue  # "post-Assad", "the-" fragments: not a name
        out.append(Mention(article_id, start, start + len(phrase), phrase, etype, titled))
    return out


def _given_and_family(name: str) -> bool:
    """A person's name as "Given Family" (or with a middle name or initial) reads: capitalised
    words only, the last no word of an organisation's or a place's name ("Trump Tower",
    "Russia Today" are typed PERSON by shape alone)."""
    words = name.replace("’", "'").split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    last = words[-1].casefold().strip(".,")
    return last not in ORG_WORDS and last not in PLACE_WORDS and not words[-1].isupper()


class EntityIndex:
    """Mentions of one story merged into entities; resolves a surface form to an entity."""

    def __init__(self, mentions: Sequence[Mention], weights: Optional[dict[str, float]] = None,
                 surnames: Iterable[str] = ()):
        """``weights``: per article id, how much its mentions count in an entity's name and
        type (default 1). :func:`build_entities` gives each copy family one article's worth,
        so that the spelling and the type of a name are not those of whichever report the
        most outlets ran. ``surnames``: name tokens the story writes after an honorific ("Mr.
        Obama"), never read as a first name alone."""
        self.weights = weights or {}
        self._surnames = frozenset(surnames)
        self.mentions = sorted(mentions, key=lambda m: (m.article, m.start))
        self.entities: list[_Ent] = []
        self.texts: dict[str, str] = {}
        self._by_article: dict[str, list[Mention]] = {}
        self._types: dict[int, str] = {}  # entity_type per entity (fixed once merged)
        for m in self.mentions:
            self._by_article.setdefault(m.article, []).append(m)
        self._merge()

    # -- merging ---------------------------------------------------------------------------
    def _merge(self) -> None:
        by_key: dict[tuple[str, str], int] = {}
        full: list[tuple[list[str], int]] = []  # (tokens, entity) for multi-token PERSON keys
        # (article, first name) -> {full-name person of that article with that first name: where
        # the article first names them in full}
        firsts: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
        # person type votes per key over the whole story: a key called PERSON once is a person
        person_keys = {name_key(m.text) for m in self.mentions if m.type == "PERSON"}

        def new_entity() -> int:
            self.entities.append(_Ent())
            return len(self.entities) - 1

        # pass 1: multi-token mentions, shorter names first so that a longer phrase ending in a
        # known full name ("Expatriates Asaad al-Shaibani") links to it
        for m in sorted(self.mentions, key=lambda m: len(norm_tokens(m.text))):
            toks = norm_tokens(m.text)
            if len(toks) < 2:
                continue
            key = " ".join(toks)
            is_person = key in person_keys
            etype = "PERSON" if is_person else "NAME"
            idx = by_key.get((etype, key))
            if idx is None and is_person and len(toks) > 2:
                for k in range(1, len(toks) - 1):
                    idx = by_key.get(("PERSON", " ".join(toks[k:])))
                    if idx is not None:
                        break
            if idx is None and is_person:
                for ftoks, fidx in full:
                    if (ftoks[:-1] == toks[:-1] and len(ftoks) == len(toks)
                            and same_surname(ftoks[-1], toks[-1])):
                        idx = fidx
                        break
            if idx is None:
                idx = new_entity()
                if is_person:
                    full.append((toks, idx))
            by_key[(etype, key)] = idx
            m.entity = idx
            if is_person and m.type == "PERSON" and _given_and_family(m.text):
                seen = firsts[(m.article, toks[0])]
                seen[idx] = min(seen.get(idx, m.start), m.start)
        # surnames of full person names
        surname_to: dict[str, set[int]] = defaultdict(set)
        for ftoks, fidx in full:
            surname_to[ftoks[-1]].add(fidx)

        cands_of: dict[str, frozenset] = {}  # per token: one search of the surnames per story
        # same_surname(s, tok) for every surname s, without a call per pair (a 1,500-article
        # story made 8.4M of them): fuzz.ratio >= 85 through rapidfuzz's batch search, and the
        # same first letter and consonant skeleton (3+ letters) through a table
        long_names = [s for s in surname_to if len(s) >= 4]
        by_skeleton: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s in long_names:
            if len(skeleton(s)) >= 3:
                by_skeleton[(s[0], skeleton(s))].append(s)

        def surname_candidates(tok: str) -> frozenset:
            got = cands_of.get(tok)
            if got is None:
                if tok in surname_to:
                    got = frozenset(surname_to[tok])
                elif len(tok) < 4:
                    got = frozenset()
                else:
                    from rapidfuzz import fuzz, process

                    hits = {s for s, _, _ in process.extract(tok, long_names, scorer=fuzz.ratio, score_cutoff=85,
                                                             limit=None)}
                    hits.update(by_skeleton.get((tok[0], skeleton(tok)), ()))
                    got = frozenset(i for s in hits for i in surname_to[s])
                cands_of[tok] = got
            return got

        # single names the story also calls a place or an organisation ("Russia", "London"):
        # never a first name alone
        non_person = {toks[0] for m in self.mentions if m.type in ("PLACE", "ORG")
                      for toks in (norm_tokens(m.text),) if len(toks) == 1} | self._surnames
        # pass 2: single-token mentions
        for i, m in enumerate(self.mentions):
            toks = norm_tokens(m.text)
            if len(toks) != 1:
                if not toks:
                    continue
                continue
            tok = toks[0]
            state = STATE_NAMES.get(m.text.rstrip(".")) if m.type == "PLACE" else None
            if state:  # "Calif." after a town: the state's own entity
                key = ("NAME", name_key(state)) if " " in state else ("ONE", name_key(state))
                idx = by_key.get(key)
                if idx is None:
                    idx = by_key[key] = new_entity()
                m.entity = idx
                continue
            cands = surname_candidates(tok)
            if len(cands) == 1:
                m.entity = next(iter(cands))
                continue
            if len(cands) > 1:
                # nearest preceding full-name mention of a candidate in the same article
                best = None
                for k in range(i - 1, -1, -1):  # (no copy of the list before i per mention)
                    prev = self.mentions[k]
                    if prev.article != m.article:
                        break
                    if prev.entity in cands and len(norm_tokens(prev.text)) >= 2:
                        best = prev.entity
                        break
                if best is not None:
                    m.entity = best
                    continue
                key = ("AMBIG", tok)
            else:
                owners = firsts.get((m.article, tok)) if m.type == "PERSON" and not m.titled \
                    and tok not in non_person else None
                if owners and len(owners) == 1 and next(iter(owners.values())) < m.start:
                    # a first name alone ("Anna said") after the article named one Anna in full
                    m.entity = next(iter(owners))
                    continue
                key = ("ONE", tok)
            idx = by_key.get(key)
            if idx is None:
                idx = new_entity()
                by_key[key] = idx
            m.entity = idx
        for m in self.mentions:
            if m.entity is None:
                continue
            e = self.entities[m.entity]
            w = self.weights.get(m.article, 1.0)
            e.type_votes[m.type] += (2 if m.titled else 1) * w
            e.surfaces[m.text] += w
            e.keys.add(name_key(m.text))
            e.articles.add(m.article)
            e.mentions += 1

    # -- lookups ---------------------------------------------------------------------------
    def entity_type(self, idx: int) -> str:
        got = self._types.get(idx)
        if got is None:
            got = self._types[idx] = self._entity_type(idx)
        return got

    def _entity_type(self, idx: int) -> str:
        votes = self.entities[idx].type_votes
        if votes.get("PERSON", 0) and _r(votes["PERSON"] * 2) >= _r(sum(votes.values()) - votes.get("OTHER", 0)):
            return "PERSON"
        votes = {k: v for k, v in votes.items() if k != "OTHER"} or votes
        best = max(_r(v) for v in votes.values())
        return next(k for k, v in votes.items() if _r(v) == best)  # first counted of a tie

    def entity_name(self, idx: int) -> str:
        """The most frequent full form (>= 2 tokens when there is one), then the shorter,
        then the one starting with a capital, then the one with fewer words in capitals:
        "Asaad al-Shaibani", not a longer phrase that merely ends with it, and "San Diego",
        not a headline's "SAN Diego". Frequencies are weighted (``weights``)."""
        e = self.entities[idx]
        key_count: Counter = Counter()
        for surf, c in e.surfaces.items():
            key_count[name_key(surf)] += c
        multi = [s for s in e.surfaces if len(norm_tokens(s)) >= 2] or list(e.surfaces)
        # a state's abbreviation is never the name when the state is written out ("Calif.")
        written_out = len(multi) > 1
        multi.sort(key=lambda x: (written_out and x.rstrip(".") in STATE_NAMES,
                                  -_r(key_count[name_key(x)]), len(norm_tokens(x)),
                                  -_r(e.surfaces[x]), not x[:1].isupper(),
                                  sum(len(w) > 1 and w.isupper() for w in x.split()), x))
        name = multi[0]
        if name.isupper() and all(len(w) > 3 for w in name.split()) and "." not in name \
                and self.entity_type(idx) == "PLACE":
            return string.capwords(name)  # a place written only in a dateline: "FRESNO —"
        return name

    def mentions_key(self, article_id: str) -> tuple:
        """What the index says about one article (its mentions' spans and entities): two
        articles of one text with equal keys resolve every name alike."""
        return tuple((m.start, m.end, m.entity) for m in self._by_article.get(article_id, ()))

    def person_mentions(self, article_id: str) -> list[Mention]:
        return [m for m in self._by_article.get(article_id, ()) if m.entity is not None
                and self.entity_type(m.entity) == "PERSON"]

    def resolve(self, surface: str, article_id: Optional[str] = None,
                pos: Optional[int] = None) -> Optional[str]:
        """Canonical entity name for a surface form (speaker text), or None. Titles and
        lower-case descriptors before the name are ignored ("union leader Rosa Kell")."""
        span_end = pos + len(surface) if pos is not None else None
        words = surface.split()
        k = len(words)
        while k > 0 and (words[k - 1][:1].isupper() or _PARTICLE_PREFIX.match(words[k - 1])):
            k -= 1
        if k < len(words):
            surface = " ".join(words[k:])
        surface, _, _ = _clean_phrase(surface, 0)
        toks = norm_tokens(surface)
        if not toks:
            return None
        # the mentions inside the speaker phrase first: its last person ("Harvard law professor
        # Alan Dershowitz", "Rep. Carlos Curbelo"), else an organisation or other entity it opens
        # with ("the White House"); never a place ("the mountaineer from Interlaken")
        if article_id is not None and pos is not None:
            inside = [m for m in self._by_article.get(article_id, ())
                      if m.entity is not None and m.end > pos and m.start < span_end]
            people = [m for m in inside if self.entity_type(m.entity) == "PERSON"]
            if people:
                return self.entity_name(people[-1].entity)
            opening = [m for m in inside if m.start <= pos < m.end and self.entity_type(m.entity) != "PLACE"]
            if opening:
                return self.entity_name(opening[0].entity)
            if inside:
                return None
        key = " ".join(toks)
        for i, e in enumerate(self.entities):
            if key in e.keys:
                return self.entity_name(i)
        for i, e in enumerate(self.entities):
            if self.entity_type(i) != "PERSON":
                continue
            for k in e.keys:
                kt = k.split()
                if kt and same_surname(kt[-1], toks[-1]) and (
                        len(toks) == 1 or kt[:-1] == toks[:-1]):
                    return self.entity_name(i)
        return None

    def to_entities(self, count: Optional[Callable[[Sequence[str]], int]] = None) -> list[Entity]:
        """The story's entities, each type ranked by the independent sources naming it
        (``count(article ids)``; without it, every article counts as one), then by the
        articles and the mentions. Ranking by mentions alone put a syndicated report's names
        first: each of its copies adds its mentions."""
        out = []
        for i, e in enumerate(self.entities):
            if not e.mentions:
                continue
            etype = self.entity_type(i)
            arts = sorted(e.articles)
            out.append(Entity(name=self.entity_name(i), type=etype,
                              variants=sorted(e.surfaces), mentions=e.mentions,
                              articles=arts,
                              independent_sources=count(arts) if count else len(arts)))
        out.sort(key=entity_rank)
        return out


# spaCy mentions per (model, text): a story re-analysed as it grows (streaming) does not run
# the model again on the articles it already had
_SPACY_CACHE: "OrderedDict[str, list]" = OrderedDict()
_SPACY_CACHE_MAX = 4096


def _cache_put(key, value) -> None:
    _SPACY_CACHE[key] = value
    _SPACY_CACHE.move_to_end(key)
    while len(_SPACY_CACHE) > _SPACY_CACHE_MAX:
        _SPACY_CACHE.popitem(last=False)


_NO_VOWEL_CAPS = re.compile(r"^[B-DF-HJ-NP-TV-Z]{3,}$")


_SINGLE_JUNK = {"state", "states", "defense", "defence", "left", "right", "note", "notes", "update",
                "updates", "editor", "editors", "photo", "photos", "video", "watch", "read",
                "share", "affairs", "rights", "half", "mischief", "lordy", "breaking", "exclusive",
                "opinion", "analysis", "advertisement", "related", "source", "sources", "tour"}
_ACRONYM_ADJ = {"us", "uk", "eu", "un", "nato", "led", "backed", "based"}


def _parts(name: str) -> list[str]:
    return [p.casefold().strip(".,’'") for p in re.split(r"[\s\-‑‐]+", name) if p.strip(".,’'")]


_SPACED_DASH = re.compile(r"\s+[-–—]{1,2}\s+")


def split_at_dashes(m: Mention) -> list[Mention]:
    """A mention that runs over a spaced dash is two phrases a heading or a credits list set
    side by side ("CFPB HEARING - Doug Fecher", "Graphic Designer - Tony Wiley", "Illinois -
    Chicago"): each side is a mention of its own, and a side in capitals of several words (a
    heading) or opening in lower case ("aka") is none."""
    if not _SPACED_DASH.search(m.text):
        return [m]
    out, at = [], 0
    for piece in _SPACED_DASH.split(m.text):
        i = m.text.index(piece, at)
        at = i + len(piece)
        words = piece.split()
        if not words or not piece[:1].isupper() or (len(words) > 1 and piece.isupper()):
            continue
        out.append(Mention(m.article, m.start + i, m.start + at, piece, m.type, m.titled))
    return out


def _noise(m: Mention, text: str, lower_words: set[str]) -> bool:
    toks = m.text.split()
    parts = _parts(m.text)
    # fragments: a lower-case prefix ("post-Assad", "anti-Trump"), or made only of demonyms and
    # common title-case words ("US-led Western", "Syrian-Israeli", "Human Rights", "Half")
    if m.text[:1].islower() and not _PARTICLE_PREFIX.match(m.text):
        return True
    if parts and not m.titled:
        if all(p in DEMONYMS or (p.endswith(DEMONYM_SUFFIX) and len(parts) > 1) or
               (p in _ACRONYM_ADJ and len(parts) > 1) or (p in COMMON_CAPS and len(parts) > 1)
               for p in parts) and any(p in DEMONYMS or p.endswith(DEMONYM_SUFFIX) for p in parts):
            return True  # "Syrian-Israeli", "US-led Western", "Israeli"
        if m.type in ("PERSON", "OTHER") and all(p in COMMON_CAPS or p in DEMONYMS for p in parts):
            return True  # "Human Rights", "Half"
    # "Russia-Syria relations": a hyphenated compound used as a modifier
    if len(toks) == 1 and re.search(r"[A-Za-z]{2}[-‑‐][A-Z]", m.text) and \
            not _PARTICLE_PREFIX.match(m.text) and \
            re.match(r"\s+[a-z]", text[m.end:m.end + 3]) and m.type != "PERSON":
        return True
    # wire/desk codes: "SKS NPK NPK"
    if len(toks) >= 2 and all(t.isupper() for t in toks) and any(_NO_VOWEL_CAPS.match(t) for t in toks):
        return True
    if re.search(r"[’'](?:ve|ll|re|d|m|t)\b", m.text):
        return True  # "I’ve", "Don’t": a contraction, not a name
    if m.start >= 2 and text[m.start - 1] in "-‑‐" and text[m.start - 2].islower():
        return True  # "post-Assad", "anti-Trump": a modifier built on a name
    # headings and common words spaCy tags as names on their own ("State", "Note", "Left")
    if len(parts) == 1 and (parts[0] in _SINGLE_JUNK or parts[0] in DEMONYMS):
        return True
    # a capitalised common word ("Rescue teams ...", "Foreign Affairs"): not a name
    if len(toks) == 1 and toks[0].casefold() in lower_words:
        return True
    return False


def _demote(m: Mention, lower_words: set[str]) -> None:
    """A rule PERSON guessed only from title case ("Syria Talks Set", "Human Rights") is
    OTHER when one of its words is used in lower case in the story."""
    if m.type == "PERSON" and not m.titled and not any(
            _PARTICLE_PREFIX.match(t) or t.casefold() in PARTICLES for t in m.text.split()):
        if any(t.casefold().strip(".,") in lower_words for t in m.text.split()):
            m.type = "OTHER"


_MODEL_KEYS: dict[int, str] = {}


def mention_model_key(nlp) -> str:
    """What decides an article's spaCy mentions besides its text: the model (name, version),
    spaCy's version and the code that turns entities into mentions. Keys the mention cache,
    in memory and in a store, so a stored mention is reused only by the same reader."""
    key = _MODEL_KEYS.get(id(nlp))
    if key is None:
        import hashlib
        import inspect

        import spacy

        from newsfold import __version__

        meta = getattr(nlp, "meta", {}) or {}
        try:
            code = inspect.getsource(spacy_mentions) + inspect.getsource(_clean_phrase) + repr(_SPACY_TYPES)
        except (OSError, TypeError):  # installed without sources: the release stands for the code
            code = __version__
        key = "|".join((f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}",
                        f"spacy-{spacy.__version__}", hashlib.sha1(code.encode()).hexdigest()[:12]))
        _MODEL_KEYS[id(nlp)] = key
    return key


def _mention_key(model_key: str, text: str) -> str:
    import hashlib

    return hashlib.blake2b(model_key.encode() + b"\0" + text.encode("utf-8", "replace"), digest_size=16).hexdigest()


def _encode(found: list) -> str:
    # (start, end, type, titled): the text is the article's own text[start:end]
    return json.dumps([[s0, e0, ty, int(ti)] for s0, e0, _t, ty, ti in found], separators=(",", ":"))


def _decode(value: str, text: str) -> Optional[list]:
    try:
        out = [(s0, e0, text[s0:e0], ty, bool(ti)) for s0, e0, ty, ti in json.loads(value)]
    except (ValueError, TypeError):
        return None  # a damaged row: read the article again
    return out


#: longest piece of text given to spaCy at once. spaCy refuses a text over ``nlp.max_length``
#: (1,000,000 characters), which stopped a whole run, and its memory grows with the text
PIECE_CHARS = 100_000
#: characters spaCy is given in one batch of ``nlp.pipe`` (at most; 16 texts below this)
PIPE_CHARS = 200_000


def text_pieces(text: str, size: Optional[int] = None) -> list[tuple[int, str]]:
    """(offset, piece) covering ``text`` in pieces of at most ``size`` (:data:`PIECE_CHARS`)
    characters, cut after a paragraph break, else a sentence end, else a space, so that no
    name is cut in two."""
    size = size or PIECE_CHARS
    out, at = [], 0
    while len(text) - at > size:
        window = text[at:at + size]
        # the end of the last paragraph, else of the last sentence, else of the last word
        cut = max(window.rfind("\n") + 1, *(window.rfind(end) + 2 for end in (". ", "? ", "! ")))
        if cut < size // 2:
            cut = window.rfind(" ") + 1 or size
        out.append((at, text[at:at + cut]))
        at += cut
    out.append((at, text[at:]))
    return out


def _spacy_found(articles: Sequence[Article], nlp, store=None) -> dict:
    """article id -> spaCy mentions (start, end, text, type, titled), from the in-process
    cache, then from ``store`` (a :class:`~newsfold.store.base.Store` keeping mentions
    between runs), then from one ``nlp.pipe`` over the articles in neither; what spaCy read
    is cached in both."""
    mk = mention_model_key(nlp)
    keys = {a.id: _mention_key(mk, a.text) for a in articles}
    found = {a.id: _SPACY_CACHE.get(keys[a.id]) for a in articles}
    todo = [a for a in articles if found[a.id] is None]
    if todo and store is not None:
        stored = store.get_mentions([keys[a.id] for a in todo])
        for a in todo:
            value = stored.get(keys[a.id])
            ms = _decode(value, a.text) if value is not None else None
            if ms is not None:
                found[a.id] = ms
                _cache_put(keys[a.id], ms)
        todo = [a for a in todo if found[a.id] is None]
    if not todo:
        return found
    # one read per text: copies of one text (syndicated articles) share their mentions
    unique = list({keys[a.id]: a for a in todo}.values())
    read: dict[str, list] = {keys[a.id]: [] for a in unique}
    pieces = [(a, at, piece) for a in unique for at, piece in text_pieces(a.text)]
    # spaCy holds a whole batch at once: at most ~PIPE_CHARS characters of it (16 pieces of
    # 100,000 took 1.1 GB)
    batch = max(1, min(16, PIPE_CHARS // max([1, *(len(p) for _, _, p in pieces)])))  # ("" alone: 1)
    for (a, at, _), doc in zip(pieces, nlp.pipe([p for _, _, p in pieces], batch_size=batch)):
        read[keys[a.id]] += [(at + m.start, at + m.end, m.text, m.type, m.titled)
                             for m in spacy_mentions(a.id, doc)]
    for a in unique:
        _cache_put(keys[a.id], read[keys[a.id]])
    for a in todo:
        found[a.id] = read[keys[a.id]]
    if store is not None:
        store.put_mentions({k: _encode(v) for k, v in read.items()})
    return found


def prefetch_mentions(articles: Sequence[Article], config=None, store=None) -> None:
    """Run spaCy over many articles at once (one ``nlp.pipe``), so that the per-story
    :func:`extract_mentions` calls that follow read its results from the cache (an analysis
    task's stories, ``stages.analyze_group``; spaCy NER is most of the analysis time). With
    ``store`` (a store, or a ``MentionBuffer`` in a worker), mentions stored by an earlier run
    are read instead, and new ones stored: a story that grows by one article does not run
    spaCy over its other members again. At most ``_SPACY_CACHE_MAX`` articles are kept:
    prefetch fewer at a time. (Processes are the caller's: ``analyze_stories`` runs tasks on
    worker processes; until the tenth session this ran ``nlp.pipe`` on ``n_process``.)"""
    from newsfold.analyze.nlp import load_nlp

    nlp = load_nlp(config)
    if nlp is not None and articles:
        _spacy_found([a for a in articles if model_reads(nlp, a)][:_SPACY_CACHE_MAX], nlp, store)


def stored_mentions(articles: Sequence[Article], config, store, skip_cached: bool = False) -> dict:
    """What ``store`` keeps of these articles' spaCy mentions (key -> stored value), read in a
    process that holds the store for a worker process that cannot use its connection (the
    worker gets them as a :class:`MentionBuffer`). ``skip_cached``: the worker is this process
    or a fork of it, so articles already in this process's mention cache are not asked for
    (``_spacy_found`` asks the store for cache misses only)."""
    from newsfold.analyze.nlp import load_nlp

    nlp = load_nlp(config)
    if nlp is None or store is None:
        return {}
    mk = mention_model_key(nlp)
    keys = [k for k in (_mention_key(mk, a.text) for a in articles if model_reads(nlp, a))
            if not (skip_cached and k in _SPACY_CACHE)]
    return store.get_mentions(keys) if keys else {}


class MentionBuffer:
    """The store's two mention methods, for a worker process: ``get_mentions`` answers from
    what the parent read (``stored_mentions``), ``put_mentions`` keeps what the worker found
    (``new``) for the parent to store."""

    def __init__(self, stored: dict):
        self.stored = stored
        self.new: dict = {}

    def get_mentions(self, keys) -> dict:
        return {k: self.stored[k] for k in keys if k in self.stored}

    def put_mentions(self, values: dict) -> None:
        self.new.update(values)


#: languages that capitalise every noun: a capitalised word there is no sign of a name
NOUN_CAPS = {"de", "lb"}
_NOUN_CAPS_FUNCTION = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem",
                       "einen", "eines", "und", "im", "am", "vom", "zum", "zur", "mit", "für",
                       "von", "auf", "bei", "nach", "aus", "bisher"}


def _rule_mentions_for(article: Article) -> list[Mention]:
    """Rule mentions; in a language that capitalises nouns only multi-word names without
    articles or prepositions ("Hernando Tavera", not "Das Beben"), and acronyms ("RPP")."""
    ms = rule_mentions(article.id, article.text)
    # the article's own outlet or wire credit ("(Fictional Wire)" after the dateline) is an
    # organisation, whatever its shape says
    outlets = {(v or "").casefold() for v in (article.source, article.wire)} - {""}
    for m in ms:
        if m.text.casefold() in outlets:
            m.type = "ORG"
    if (article.language or "").split("-")[0].casefold() not in NOUN_CAPS:
        return ms
    return [m for m in ms
            if (len(m.text.split()) >= 2 and not any(t.casefold() in _NOUN_CAPS_FUNCTION
                                                     for t in m.text.split()))
            or (m.text.isupper() and len(m.text) >= 2)]


def model_reads(nlp, article: Article) -> bool:
    """Whether the spaCy model is for the article's language: an English model on a German
    article tags capitalised nouns as names ("Berichte", "Dienstag"); such articles take the
    rules. Unknown language, or a multi-language model (``xx``), reads everything."""
    lang = (article.language or "").split("-")[0].casefold()
    model = (getattr(nlp, "lang", None) or "").casefold()
    return not lang or not model or model == "xx" or lang == model


def extract_mentions(articles: Sequence[Article], config=None) -> list[Mention]:
    """The articles' name mentions: spaCy's (plus titled persons the rules find), or the
    rules' where there is no model or it is not for the article's language; noise dropped.
    Each distinct text is read and filtered once: the copies of a syndicated report (hundreds
    in a big story) get the same mentions under their own ids."""
    from newsfold.analyze.nlp import load_nlp

    nlp = load_nlp(config)
    by_rules: set[str] = set()
    found: dict = {}
    if nlp is not None:
        by_rules = {a.id for a in articles if not model_reads(nlp, a)}
        found = _spacy_found([a for a in articles if a.id not in by_rules], nlp)
    lower_words: set[str] = set()
    for text in dict.fromkeys(a.text for a in articles):
        lower_words.update(re.findall(r"\b[a-z][a-z]+\b", text))
    # (reader, text) -> the kept mentions as (start, end, text, type, titled)
    read: dict[tuple, list[tuple]] = {}
    kept: list[Mention] = []
    for a in articles:
        rules = nlp is None or a.id in by_rules
        key = ("rules", (a.language or "").split("-")[0].casefold() in NOUN_CAPS, a.text) \
            if rules else ("model", a.text)
        got = read.get(key)
        if got is None:
            if rules:
                ms = _rule_mentions_for(a)
            else:
                ms = [Mention(a.id, s0, e0, t, ty, ti) for s0, e0, t, ty, ti in found[a.id]]
                for m in ms:
                    if m.type == "PERSON" and _settlement_context(a.text, m.start, m.end):
                        m.type = "PLACE"  # "the town of Orlen", "in northern Ostmark" (sm: PERSON)
                # rules add persons spaCy missed (titled names), never overriding spaCy spans
                taken = [(m.start, m.end) for m in ms]
                for rm in rule_mentions(a.id, a.text):
                    if rm.type == "PERSON" and rm.titled and not any(
                            s < rm.end and rm.start < e for s, e in taken):
                        ms.append(rm)
            ms = [part for m in ms for part in split_at_dashes(m)]
            # a person needs a plausible name (both extractors): "Affairs", "Maldives Tour",
            # "Florida Gov", "Hampshire Monday" are dropped
            ms = [m for m in ms if not _noise(m, a.text, lower_words)
                  and not (m.type == "PERSON" and implausible_person(m.text))]
            if rules:
                for m in ms:
                    _demote(m, lower_words)
            got = read[key] = [(m.start, m.end, m.text, m.type, m.titled) for m in ms]
        kept.extend(Mention(a.id, s0, e0, t, ty, ti) for s0, e0, t, ty, ti in got)
    # the place of an article's dateline is a place ("DENVER (AP) —" was a PERSON to spaCy,
    # which also misses places it does not know): typed so, or added
    by_article: dict[str, list[Mention]] = {}
    for m in kept:
        by_article.setdefault(m.article, []).append(m)
    for a in articles:
        place = re.split(r"\s*[(,]", a.dateline or "")[0].strip()
        at = (a.text or "").find(place, 0, len(a.dateline or "") + 40) if place else -1
        if at < 0 or not place[:1].isupper() or place.upper() in WEEKDAYS:
            continue  # ("MONDAY, July 2 (HealthDay News) --" names a day, not a place)
        words = {w.casefold() for w in place.split()}
        inside = [m for m in by_article.get(a.id, ()) if m.start < at + len(place) and at < m.end]
        for m in inside:
            if {w.casefold() for w in m.text.split()} <= words:
                m.type = "PLACE"
        if not inside:
            kept.append(Mention(a.id, at, at + len(place), place, "PLACE", False))
    return kept


def _r(x: float) -> float:
    """A weighted count compared as equal to another when it is (41 copies of 1/41 each)."""
    return round(x, 9)


def family_weights(articles: Sequence[Article]) -> dict[str, float]:
    """1 / (articles of its copy family in ``articles``) per article id."""
    size = Counter(a.family or a.id for a in articles)
    return {a.id: 1.0 / size[a.family or a.id] for a in articles}


#: honorifics and the gender each names (none for "Mx", "Dr")
HONORIFICS = {"Mr": "m", "Mrs": "f", "Ms": "f", "Miss": "f", "Mx": None, "Dr": None}
#: a surname after an honorific: "Mr. Obama", "Mrs Holt" (spaCy's span leaves the title out)
_HONORIFIC_NAME = re.compile(rf"\b(?:{'|'.join(HONORIFICS)})\.?[ \t\xa0]+([A-Z][\w’'-]+)")


def build_entities(articles: Sequence[Article], config=None) -> EntityIndex:
    surnames = {t for text in dict.fromkeys(a.text for a in articles)
                for name in _HONORIFIC_NAME.findall(text) for t in norm_tokens(name)}
    index = EntityIndex(extract_mentions(articles, config), family_weights(articles), surnames)
    index.texts = {a.id: a.text for a in articles}
    return index
