"""General boilerplate rules for news text (plain text or text extracted from HTML).

Every rule is named; every span it strips is kept as ``{"text", "rule"}`` so a user can see
what was removed. Regexes are compiled once, at import. Rules (see docs/ingest.md):

``crawl_header``     `` date 2025-07-31 403`` first line (also glued to the first sentence)
``title``            a short first line without final period (plain text), or a repeat of the
                     page title at the top of extracted HTML text
``related_link``     "Also Read: ...", "READ ALSO | ...", "Read more", "See also: ..." lines
``related_block``    "Recommended For You", "More from X", "Related stories"... headings and
                     the headline list after them (to the end or the next real paragraph)
``portal_byline``    "Editorji News Desk", "| World Desk", "Web Desk"
``byline``           "By Staff Reporter", "By Jane Doe" lines, also "By Reuters | Updated: <date>"
``date_line``        "Updated : Jul 31, 2025 17:54", "Published: ...", "Last updated" lines, and
                     lines that are only a date ("July 31, 2025", "31 Jul 2025, 10:15 IST")
``separator``        lone "|", "---", "•" lines
``tracking_id``      a lone machine id line (20+ letters and digits), e.g. a syndication code
``crumb``            "editorji | World", "Home » World » Asia" section crumbs
``tags``             "Tags: ...", "Topics: ...", "Filed under: ..." lines
``desk_codes``       wire desk codes after a credit: "(AP) SKS NPK NPK" -> "(AP)"; after an
                     unknown credit ("(Meridian Press) KTR JLM") only when 2+ codes follow
``disclaimer``       syndication disclaimers ("Only the headline of this report may have been
                     reworked by ...", "This story has not been edited by ... staff",
                     "Disclaimer: ...")
``promo``            "Follow us on ...", "Subscribe to our newsletter", "Click here to ...",
                     "Copyright ... All rights reserved"
``credit_line``      "(Reporting by ...; Editing by ...)", "Source: AFP", "(With inputs from PTI)" lines
``photo_credit``     captions credited to a photo agency ("... Michael Nagle/Getty Images")
``photo_caption``    a wire photo's caption: "In this photo provided by ...", "General view of
                     ...", or a present-tense scene dated to the day: "French soldiers patrol
                     outside the cathedral in Paris, April 22, 2015."
``social_embed``     an embedded tweet or Instagram post ("— Name (@handle) June 20, 2017")
``archive_note``     a web archive's crawl notes ("Crawl start date: 09 March, 2011")
``source_tag``       an outlet or wire tag opening the body: "(MENAFN) Russian ..."
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from newsfold.clean.dates import MONTH_RE, bare_date, parse_date
from newsfold.clean.wires import canonical_wire
from newsfold.marks import label_line

_CRAWL_HEADER = re.compile(
    r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+\d+(?=\s*$|\s+[A-Z\"“‘'(]))?[ \t]*"
)
_RELATED_LINK = re.compile(
    r"^[\W_]*(?:also\s+read|read\s+also|read\s+more|more\s+to\s+read|see\s+also|also\s+see|"
    r"related(?:\s+(?:news|stories|story|articles?|coverage|links?|reading|posts?))?|"
    r"more\s+on\s+this(?:\s+story)?|must\s+read|don'?t\s+miss|also\s+watch|watch(?:\s+video)?|"
    r"suggested(?:\s+reading)?|recommended(?:\s+reading)?|trending|click\s+here\s+to\s+read|"
    r"read\s+next|read\s+the\s+full\s+(?:story|article)|continue\s+reading|"
    r"lire\s+aussi|à\s+lire\s+aussi|lesen\s+sie\s+auch|mehr\s+zum\s+thema|leer\s+también|lea\s+también|"
    r"leia\s+também|leggi\s+anche|lees\s+ook)"
    r"\s*(?:[:|»>\-–—]|$)",
    re.I,
)
_BLOCK_HEADING = re.compile(
    r"^[\W_]*(?:recommended(?:\s+for\s+you|\s+stories|\s+articles|\s+reading)?|"
    r"more\s+from\s+[\w .&'’-]{1,40}|more\s+(?:stories|news|articles|headlines)(?:\s+from\s+[\w .&'’-]{1,40})?|"
    r"related(?:\s+(?:stories|articles|news|posts|content|coverage|topics|links|reading))?|"
    r"you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested\s+in|have\s+missed)|"
    r"(?:latest|top|popular|trending|editor'?s?|most)\s+(?:news|stories|picks|read|viewed|popular|now)(?:\s+now)?|"
    r"trending(?:\s+now)?|read\s+next|what\s+to\s+read\s+next|also\s+on\s+[\w .&'’-]{1,40}|"
    r"in\s+other\s+news|elsewhere\s+on\s+[\w .&'’-]{1,40})[\W_]*$",
    re.I,
)
_GENERIC_DESK = {
    "news", "web", "online", "digital", "world", "sports", "sport", "business", "national",
    "international", "politics", "entertainment", "city", "metro", "staff", "our", "the",
    "editorial", "foreign", "local", "regional", "state", "tech", "technology", "science",
    "health", "lifestyle", "desk", "breaking", "india", "global", "features",
}
_DESK = re.compile(
    r"^[|\s]*(?:By\s+)?(?P<name>[A-Z][\w&.'’-]*(?:\s+[\w&.'’-]+){0,3}?)\s+"
    r"(?P<kind>(?:News|Web|Online|Digital|Editorial)\s+)?Desk\s*$"
)
#: a masthead line naming the outlet, then its desk: "THE LAKESIDE POST - Local desk"
_MASTHEAD_DESK = re.compile(
    r"^[|\s]*(?P<outlet>[A-Z][\w&.'’]*(?:\s+[A-Z][\w&.'’]*){0,4})\s+[-–—|]\s+"
    r"[A-Z][\w&'’-]*(?:\s+[A-Z]?[\w&'’-]+)?\s+[Dd]esk\s*$"
)
_BYLINE = re.compile(
    r"^(?:(?:[Ww]ritten|[Ee]dited|[Rr]eported|WRITTEN|EDITED|REPORTED)\s+)?(?:[Bb]y|BY)\s*[:\s]\s*(?P<name>(?:[A-Z][\w.'’-]*|de|van|von|al|bin|and|&)"
    r"(?:[ ,]+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|and|&)){0,7})\s*"
    r"(?:[|,–—-]\s*[\w .'’|,-]{0,60})?$"
)
_DATE_LABEL = re.compile(
    r"^\s*\(?\s*(?P<label>(?:last\s+)?(?:updated|published|posted|modified|first\s+published|"
    r"date(?:d)?|created))(?:\s+(?:on|at|date))?\s*[:\-–|]?\s*(?P<date>.{0,80}?)\s*\)?\s*$",
    re.I,
)
#: a line that is only a wire credit: "AFP", "— Reuters", "-IANS", "(AP)"
_WIRE_ONLY = re.compile(r"^[\s(—–-]*([A-Za-z][A-Za-z .]{1,25}?)[\s).]*$")
#: a lone machine id such as a syndication tracking code (20+ letters and digits, with digits)
_TRACKING_ID = re.compile(r"^(?=[A-Za-z]*\d)[A-Za-z0-9]{20,}$")
_SEPARATOR = re.compile(r"^[\s|•·\-–—_*=~#/\\]+$")
_CRUMB = re.compile(r"^[\w .&'’-]{1,30}(?:\s[|»>›]\s[\w .&'’-]{1,30})+$")
_TAGS = re.compile(r"^(?:tags|topics|keywords|filed\s+under|categories|section)\s*:", re.I)
_WIRE_NAMES = (
    r"AP|AFP|Reuters|Anadolu|AA|TASS|Xinhua|PTI|IANS|ANI|dpa|DPA|EFE|Bernama|UPI|WAM|SPA|KUNA|"
    r"Yonhap|Kyodo|ANSA|IRNA|SANA|MENA|QNA|BNA|APA|CNA|UNI|Interfax|RIA|Sputnik|Bloomberg|"
    r"PA|AAP|CP|NTB|TT|ANP|Belga|APA|Lusa|CTK|PAP|MTI|Tanjug|Hina|STA|Agerpres|BTA|ATS|"
    r"Antara|PNA|VNA|Prensa Latina|Notimex|Xinhua/[A-Z]+"
)
_DESK_CODES = re.compile(rf"(\((?:{_WIRE_NAMES})\))((?:\s+[A-Z]{{2,5}}){{1,8}})\s*$")
# A credit the wire list does not know ("(Meridian Press)", a regional agency): one to four
# capitalised words in parentheses closing the paragraph, then at least two all-capital codes.
_DESK_CODES_ANY_CREDIT = re.compile(
    r"(\((?:[A-Z][\w&.'-]*)(?:\s+[A-Z][\w&.'-]*){0,3}\))((?:\s+[A-Z]{2,5}){2,8})\s*$"
)
_DISCLAIMER_SPAN = re.compile(
    r"\(?\s*(?:only\s+the\s+headline[\w\s,]{0,40}?\s+of\s+this\s+(?:report|story|article)\s+may\s+have\s+been\s+reworked"
    r"|this\s+(?:report|story|article)\s+is\s+auto-?generated\s+from\s+syndicated"
    r"|the\s+above\s+(?:story|article|report)\s+first\s+appeared\s+on"
    r"|\w+\s+holds\s+no\s+responsibility\s+for\s+its\s+content"
    r"|this\s+(?:story|article|report)\s+has\s+not\s+been\s+edited\s+by"
    r"|(?:this\s+(?:story|article|report)\s+(?:is|was|has\s+been)\s+)?(?:auto-?generated|published)\s+from\s+an?\s+"
    r"(?:syndicated|agency|wire)\s+feed"
    r"|(?:with\s+)?inputs?\s+from\s+(?:agencies|wires)\s*$"
    r"|(?:except\s+for\s+the\s+headline,\s+)?this\s+(?:story|article)\s+has\s+not\s+been\s+edited)"
    r"[^()]*\)?",
    re.I,
)
_DISCLAIMER_LINE = re.compile(
    r"^[\W_]*(?:(?:legal\s+)?disclaimer|editor'?s\s+note\s*:\s*this|views\s+expressed\s+(?:above|here|in\s+this)"
    r"|the\s+views\s+and\s+opinions\s+expressed)\b",
    re.I,
)
_PROMO = re.compile(
    r"^[\W_]*(?:follow\s+(?:us|\w+)\s+on\s+(?:twitter|facebook|instagram|x|telegram|whatsapp|google\s+news|linkedin|youtube)"
    r"|(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the)\b|click\s+here\b|share\s+this\s+(?:article|story)"
    r"|download\s+the\s+\w+\s+app|join\s+our\s+(?:whatsapp|telegram)|copyright\s*©?\s*\d{4}|©\s*\d{4}"
    r"|all\s+rights\s+reserved|copyright\b.{0,100}$|click\s+to\s+(?:email|share|print|tweet)\b|.*\(opens\s+in\s+(?:a\s+)?new\s+window\)$"
    r"|tweet\s+with\s+a\s+location$|share\s+(?:on|via)\s+(?:facebook|twitter|whatsapp|email|linkedin)"
    r"|(?:email|print)\s+this\s+(?:article|story|page)|get\s+the\s+latest\s+news\b.{0,60}\bon\b"
    r"|share(?:\s+this)?\s*:?$|advertisement$|from\s+wikipedia,\s+the\s+free\s+encyclopedia$|catch\s+all\s+the\s+(?:latest\s+)?\w+(?:\s+\w+)?\s+news\b"
    r"|for\s+(?:more|the\s+latest)\s+(?:news|updates|stories)\b.{0,80}(?:follow|visit|log\s+on|download|click|subscribe)|advertisement\s*[-–—]\s*scroll|story\s+continues\s+below)",
    re.I,
)
#: sign-up boxes and player notices that open with a newsletter's or a show's name ("Breaking
#: News Alerts Get breaking news ... Email Sign Up By signing up you agree ..."): markers found
#: anywhere in a short line (Multi-News: the summary of one story cited such a line)
_PROMO_ANYWHERE = re.compile(
    r"\bby\s+signing\s+up\b|\b(?:enable|turn\s+on)\s+javascript\b|\bjavascript\s+is\s+disabled\b"
    r"|^[\W_]*story\s+continued\s+below[\W_]*$|\bthanks?\s+(?:you\s+)?for\s+(?:subscribing|signing\s+up)\b",
    re.I,
)
#: a sign-up offer: counted only in a line that addresses the reader ("your inbox", "our
#: newsletter"), not "residents were asked to sign up for newsletters"
_SIGN_UP = re.compile(r"\bsign\s+up\b.{0,120}\b(?:newsletters?|inbox|e-?mail\s+alerts)\b"
                      r"|\b(?:newsletters?|alerts)\b.{0,80}\bsign\s+up\b", re.I)
_READER = re.compile(r"\b(?:you|your|our)\b", re.I)


def _promo_anywhere(line: str) -> bool:
    return bool(_PROMO_ANYWHERE.search(line) or _SIGN_UP.search(line) and _READER.search(line))


#: pages that hold no article at all: web-archive crawl notices, social-media embed notices,
#: bot checks, error and consent pages (a crawl keeps them under the article's URL). Only
#: looked for in a short text (:func:`placeholder_page`), so an article about them stays.
_PLACEHOLDER = re.compile(
    r"(?P<archive>alexa\s+internet\s+has\s+been\s+donating\s+their\s+crawl\s+data|these\s+crawls\s+are\s+part\s+of\s+an\s+effort\s+to\s+archive"
    r"|the\s+seed\s+for\s+wide\d+\s+was|wayback\s+machine\s+(?:doesn't|does\s+not)\s+have\s+that\s+page)"
    r"|(?P<embed>you\s+can\s+add\s+location\s+information\s+to\s+your\s+tweets|when\s+you\s+tweet\s+with\s+a\s+location,\s+twitter\s+stores"
    r"|this\s+(?:tweet|post|video)\s+(?:is|has\s+been)\s+(?:unavailable|deleted))"
    r"|(?P<bot_check>checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser\s+before\s+accessing)"
    r"|enable\s+javascript\s+and\s+cookies\s+to\s+continue|attention\s+required!?\s*\|\s*cloudflare"
    r"|verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot\b)"
    r"|(?P<error_page>^\W*(?:403\s+forbidden|404\s+(?:-\s+)?(?:page\s+)?not\s+found|access\s+denied|page\s+not\s+found)[^\w\n]*(?:\n|$)"
    r"|the\s+page\s+you\s+(?:are|were)\s+looking\s+for\s+(?:cannot|could\s+not|can't)\s+be\s+found"
    r"|this\s+page\s+(?:is\s+no\s+longer\s+available|no\s+longer\s+exists|could\s+not\s+be\s+found))"
    r"|(?P<consent>(?:please\s+)?(?:enable|allow|accept)\s+cookies\s+to\s+(?:continue|view|read|access))",
    re.I,
)
#: longest clean text still looked at as a placeholder page
PLACEHOLDER_MAX = 1_500


def placeholder_page(text: str) -> Optional[str]:
    """What kind of page a short clean text is when it holds no article ("archive": a web
    archive's crawl notice, "embed", "bot_check", "error_page", "consent"), else None.
    Multi-News validation alone holds 35 such "articles" (crawl notices, Twitter's location notices),
    identical across unrelated stories: folded as copies, they joined the stories together."""
    if len(text) > PLACEHOLDER_MAX:
        return None
    m = _PLACEHOLDER.search(text)
    return m.lastgroup if m else None


_PHOTO_START = re.compile(
    r"[\W_]*(?:(?:photo|image|picture|file\s+photo|photograph|caption)s?(?:\s+credit)?\s*[:|]"
    r"|FILE\s*[-–—]\s|In\s+this\s+[\w.]+\s+\d{1,2},\s+\d{4},?\s+(?:file\s+)?photo"
    r"|\(?(?:AP|AFP|Reuters|EPA)\s+Photo\b|image\s+(?:copyright|source|caption)\b|media\s+playback\s+is\s+unsupported)",
    re.I,
)
#: "... Michael Nagle/Getty Images", "... (Katherine Frey/The Washington Post)"; only tried on lines with "/"
_PHOTO_END = re.compile(
    r"(?:[/|]\s*(?:Getty\s+Images|AFP|AP(?:\s+Photo)?|Reuters|EPA|Shutterstock|iStock(?:photo)?|Bloomberg|"
    r"Xinhua|Anadolu(?:\s+Agency)?|Handout|File)\s*\)?|\([A-Z][^()/]{1,40}/[A-Z][^()/]{1,40}\))\s*$",
    re.I,
)
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?:\(?additional\s+)?(?:reporting|writing|editing|compiled)\s+by\b.{0,200}$", re.I
)
#: "Source: AFP", "(With inputs from PTI)", "Courtesy: Reuters"
_SOURCE_LINE = re.compile(
    r"^[\s(—–-]*(?:(?:source|courtesy|agency)\s*:|with\s+(?:additional\s+)?inputs?\s+from)\s*"
    r"(?P<name>[^()]{1,60}?)\s*\)?\.?$",
    re.I,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_SOURCE_TAG = re.compile(r"^\((?P<tag>[A-Z][A-Za-z0-9&.\- ]{1,24})\)\s*[-–—:]?\s*(?=\S)")
_TERMINAL = re.compile(r"[.!?…\"”’')\]]\s*$")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.;:]\s*[\"”’']?\s*$")


@dataclass
class CleanText:
    text: str
    removed: list[dict] = field(default_factory=list)
    title: Optional[str] = None
    crawl_date: Optional[str] = None
    line_dates: list[tuple[str, str]] = field(default_factory=list)  # (label, iso)
    byline: Optional[str] = None
    desk_source: Optional[str] = None
    source_tag: Optional[str] = None
    wire_hints: list[str] = field(default_factory=list)


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def is_real_paragraph(line: str) -> bool:
    """A body paragraph, as opposed to a headline in a list: long, ends like a sentence."""
    return _words(line) >= 15 and bool(_TERMINAL.search(line))


_WRAP_END = re.compile(r"[\w,;’'\-–]$")


def unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines: a line of 40+ characters that stops mid-sentence (ends with a
    word, comma or hyphen) followed by a line starting in lower case (and not a ``|`` crumb)
    continues the same paragraph."""
    out: list[str] = []
    for line in lines:
        if (out and line[0].islower() and len(out[-1]) >= 40 and "|" not in line
                and _WRAP_END.search(out[-1]) and not _CRAWL_HEADER.match(out[-1])):
            prev = out[-1]
            out[-1] = prev + line if prev.endswith("-") and not prev.endswith(" -") else prev + " " + line
        else:
            out.append(line)
    return out


def _looks_title(line: str, rest: list[str]) -> bool:
    if len(line) > 200 or _SOURCE_TAG.match(line):
        return False
    if not any(_words(r) >= 8 for r in rest[:30]):  # a body must follow
        return False
    n = _words(line)
    if n < 2 or n > 25 or label_line(line):  # "Features", "Local News More>>"
        return False
    s = line.rstrip()
    if s[-1] in ".,;:" or s[0] in "\"“‘'(":
        return False
    if s[-1] in "!?”\"’" and n > 15:
        return False
    return True


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.casefold()))


def clean_text(raw: str, *, plain: bool = True, title: Optional[str] = None) -> CleanText:
    """Strip boilerplate from article text; return the clean body and what was learned.

    ``plain``: the text came from a plain-text file (title detection on the first line).
    ``title``: a known title (HTML/JSONL): a repeat of it at the top is dropped.
    """
    out = CleanText(text="")
    rm = out.removed
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if plain and len(lines) > 2:
        lines = unwrap(lines)

    # crawl header, alone or glued to the first sentence
    if lines:
        m = _CRAWL_HEADER.match(lines[0])
        if m:
            out.crawl_date = parse_date(m.group(1))
            rm.append({"text": m.group(0).strip(), "rule": "crawl_header"})
            rest = lines[0][m.end():].strip()
            if rest:
                lines[0] = rest
                plain_title_ok = False
            else:
                lines.pop(0)
                plain_title_ok = True
        else:
            plain_title_ok = True
    else:
        plain_title_ok = False

    kept: list[str] = []
    first = True
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _BLOCK_HEADING.match(line) and _words(line) <= 8:
            j = i + 1
            while j < n and not is_real_paragraph(lines[j]):
                j += 1
            rm.append({"text": "\n".join(lines[i:j]), "rule": "related_block"})
            i = j
            continue
        rule = _line_rule(line, out)
        if rule:
            rm.append({"text": line, "rule": rule})
            i += 1
            continue
        if first:  # the first line that is not boilerplate: a title?
            first = False
            if title and i + 1 < n and _norm(line) == _norm(title) and not _SENTENCE_END.search(line):
                # a headline repeated above the body; a first *sentence* used as title stays
                rm.append({"text": line, "rule": "title"})
                out.title = title
                i += 1
                continue
            if plain and plain_title_ok and not title and _looks_title(line, lines[i + 1:]):
                out.title = _MARKDOWN_HEADING.sub("", line)  # "# Bridge closed" in a .md file
                rm.append({"text": line, "rule": "title"})
                i += 1
                continue
        line = _inline(line, out)
        if line:
            kept.append(line)
        i += 1

    # a news API's cut-off mark closing a truncated body: "... over pay… [+1520 chars]"
    if kept:
        m = _CUT_MARK.search(kept[-1])
        if m:
            rm.append({"text": m.group(0).strip(), "rule": "truncation_mark"})
            kept[-1] = kept[-1][:m.start()].rstrip() + "…"  # (it was cut: said so, once)
    # an outlet or wire tag opening the body: "(MENAFN) Russian ..."
    if kept:
        m = _SOURCE_TAG.match(kept[0])
        if m:
            tag = m.group("tag").strip()
            wire = canonical_wire(tag)
            if wire:
                out.wire_hints.append(wire)
            else:
                out.source_tag = tag
            rm.append({"text": m.group(0).strip(), "rule": "source_tag"})
            kept[0] = kept[0][m.end():]
    out.text = "\n\n".join(kept)
    return out


#: NewsAPI-style mark of a body cut to a few hundred characters ("… [+1520 chars]")
_CUT_MARK = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars?\]\s*$")


def _is_boilerplate_line(line: str) -> bool:
    return bool(
        _RELATED_LINK.match(line) or _BLOCK_HEADING.match(line) or _DESK.match(line)
        or _SEPARATOR.match(line) or _DATE_LABEL.match(line) and _date_line(line) is not None
        or _BYLINE.match(line) or _PROMO.match(line) or len(line) <= 300 and _promo_anywhere(line)
        or _is_photo_credit(line)
    )


def _date_line(line: str) -> Optional[list[tuple[str, str]]]:
    """[(label, iso date)] when the whole line is "Updated: <date>" parts ("Last updated"
    alone gives []), else None (the line is prose and stays)."""
    found: list[tuple[str, str]] = []
    for part in line.split("|"):
        part = part.strip()
        if not part:
            continue
        m = _DATE_LABEL.match(part)
        if not m:
            return None
        label = m.group("label").lower()
        d = m.group("date").strip()
        if not d:
            if "updated" in label or "published" in label:
                continue  # "Last updated" alone
            return None
        iso = parse_date(d)
        if iso is None:
            return None
        found.append((label, iso))
    return found


#: a social-media post embedded in the page: a tweet's closing credit ("— Russell Simmons
#: (@UncleRUSH) June 20, 2017"), an Instagram post's ("A post shared by Nasir Jones (@nas) on
#: Jun 20, 2017 at 10:33am PDT") or a tweet's picture link. The post is not the article's
#: prose: its lines became claims, summary sentences and timeline entries
_SOCIAL_EMBED = re.compile(
    r"\(@\w{1,15}\)\s*(?:on\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4})"
    r"|\bA\s+(?:post|photo|video)\s+shared\s+by\b.{0,80}\bon\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}"
    r"|\bpic\.twitter\.com/\w+"
)
#: longer lines are kept even with an embed's mark: a page scraped into one line is the article
_SOCIAL_EMBED_MAX = 800


#: what marks a wire photo's caption: "In this photo provided by the Vatican paper ...",
#: "In this Tuesday, Feb. 26, 2013, file photo, ...", "This May 4, 2015 photo shows ...",
#: "General view of ...", a photo credit ("... Feb. 6, 2018. (AP Photo/J. Scott Applewhite)",
#: "(Photo by Jordan... (Associated Press)"), people placed in the picture ("Sheriff Tobe
#: Leaszenby, from left, ...", "Police Chief Tim Styka, right, speaks ...")
_CAPTION_MARK = re.compile(
    r"^General\s+view\s+of\b|\bin\s+this\s+(?:[\w.,]+\s+){0,5}?(?:file\s+)?(?:photo|photograph|"
    r"image|picture|handout)\b|\b(?:photo|image|picture)\s+shows\b"
    r"|\((?:AP\s+|AFP\s+|Reuters\s+)?Photos?(?:\s+by\b|\s*:|/)|\.\.\.\s*\((?:Associated\s+Press|AP|Reuters|AFP)\)\s*$"
    r"|,\s+(?:(?:second|third|fourth|fifth|2nd|3rd|4th|5th)\s+)?from\s+(?:left|right)\s*,"
    r"|^[^,]{3,60},\s+(?:left|right|center|centre)\s*,\s", re.I)
#: ... and its usual shape: a scene in the present tense, closing on the day with its year
#: ("President Obama shakes hands with ... on Thursday, June 16, 2016."). News prose tells
#: what happened in the past tense and rarely closes a line on a year
_CAPTION_END = re.compile(rf"\b{MONTH_RE}\s+\d{{1,2}},\s+(?:19|20)\d\d\.?\s*$")
_CAPTION_VERB = re.compile(
    r"\b(?:shakes|hugs|smiles|speaks|gestures|waves|looks\s+on|(?:is|are)\s+(?:seen|pictured|"
    r"greeted|escorted|shown)|attends?|poses?|walks|arrives|patrols?|stands|sits|holds|listens|"
    r"delivers|talks|works|prays|meets|greets|leaves|reacts|celebrates|marches|gathers|waits|"
    r"watches|addresses|applauds|sings|rides|carries|displays|takes\s+part|take\s+part|pray|"
    r"meet|pose|gather|march|wait|watch|react|celebrate|stand|sit|hold|listen|talk|work|walk|"
    r"arrive|leave|applaud|carry)\b")
_CAPTION_MAX = 450
#: the crawl notes a web archive prints above an archived page
_ARCHIVE_NOTE = re.compile(r"^(?:crawl\s+(?:start|end)\s+date\s*:|web\s+wide\s+crawl\s+with\b)", re.I)


def _is_caption(line: str) -> bool:
    if len(line) > _CAPTION_MAX or "“" in line or '"' in line:  # a quotation is reported
        return False
    return bool(_CAPTION_MARK.search(line) or _CAPTION_END.search(line) and _CAPTION_VERB.search(line))


def _line_rule(line: str, out: CleanText) -> Optional[str]:
    if len(line) <= _SOCIAL_EMBED_MAX and ("(@" in line or "shared by" in line or "pic.twitter" in line) \
            and _SOCIAL_EMBED.search(line):
        return "social_embed"
    if _is_caption(line):  # one credited to an agency keeps the older name
        return "photo_credit" if _is_photo_credit(line) else "photo_caption"
    if len(line) <= 200 and _ARCHIVE_NOTE.match(line):
        return "archive_note"
    if len(line) > 320:  # long prose: only a disclaimer paragraph can be this long
        return "disclaimer" if _DISCLAIMER_LINE.match(line) else None
    if _SEPARATOR.match(line):
        return "separator"
    if len(line) <= 40:
        m = _WIRE_ONLY.match(line)
        if m and canonical_wire(m.group(1)):
            out.wire_hints.append(canonical_wire(m.group(1)))
            return "credit_line"
        if _TRACKING_ID.match(line):
            return "tracking_id"
    if len(line) <= 250 and _RELATED_LINK.match(line):
        return "related_link"
    if len(line) <= 48:
        iso = bare_date(line)
        if iso:
            out.line_dates.append(("date", iso))
            return "date_line"
    if len(line) <= 120 and _DATE_LABEL.match(line):
        dates = _date_line(line)
        if dates is not None:
            out.line_dates.extend(dates)
            return "date_line"
    if "|" in line and len(line) <= 160:
        rule = _meta_parts(line, out)
        if rule:
            return rule
    if len(line) <= 80:
        m = _MASTHEAD_DESK.match(line)
        if m:
            out.desk_source = out.desk_source or m.group("outlet")
            return "portal_byline"
        m = _DESK.match(line)
        if m:
            name = m.group("name").strip()
            out.byline = out.byline or line.strip("| ").removeprefix("By ").strip()
            first = name.split()[0].lower()
            if m.group("kind") and name.lower() not in _GENERIC_DESK and first not in _GENERIC_DESK:
                out.desk_source = out.desk_source or name
            return "portal_byline"
        m = _BYLINE.match(line)
        if m and _words(line) <= 12:
            name = m.group("name").strip(" ,")
            wire = canonical_wire(name)
            if wire:  # "By Reuters": a wire credit
                out.wire_hints.append(wire)
            out.byline = out.byline or name
            return "byline"
        if _CRUMB.match(line) and not _TERMINAL.search(line) and _words(line) <= 8:
            return "crumb"
    m = _SOURCE_LINE.match(line) if len(line) <= 90 else None
    if m:
        for name in re.split(r"\s*(?:,|/|\band\b|&)\s*", m.group("name")):
            wire = canonical_wire(name)
            if wire:
                out.wire_hints.append(wire)
                break
        return "credit_line"
    if _DISCLAIMER_LINE.match(line):
        return "disclaimer"
    if len(line) <= 200 and _TAGS.match(line):
        return "tags"
    if len(line) <= 300:
        m = _DISCLAIMER_SPAN.match(line)
        if m and m.end() >= len(line.rstrip()) - 1:
            return "disclaimer"
        if _PROMO.match(line) or _promo_anywhere(line):
            return "promo"
        if _CREDIT_LINE.match(line):
            return "credit_line"

        if _is_photo_credit(line):
            return "photo_credit"
    return None


def _is_photo_credit(line: str) -> bool:
    return bool(_PHOTO_START.match(line) or ("/" in line and _PHOTO_END.search(line)))


_DISCLAIMER_WORDS = ("edited", "reworked", "feed", "agencies", "wires")


def _meta_parts(line: str, out: CleanText) -> Optional[str]:
    """A header line of ``|``-joined parts, each a byline, desk or date:
    "By Reuters | Updated: Jan 02, 2024, 10:15 IST". Returns the rule, or None for prose."""
    parts = [p.strip() for p in line.split("|") if p.strip()]
    if len(parts) < 2:
        return None
    names: list[str] = []
    dates: list[tuple[str, str]] = []
    for part in parts:
        m = _BYLINE.match(part)
        if m and _words(part) <= 8:
            names.append(m.group("name").strip(" ,"))
            continue
        if _DESK.match(part) or canonical_wire(part):
            names.append(part)
            continue
        d = _date_line(part) if _DATE_LABEL.match(part) else None
        if d is None:
            iso = parse_date(part) if len(part) <= 40 else None
            d = [("date", iso)] if iso else None
        if d is None:
            return None
        dates.extend(d)
    out.line_dates.extend(dates)
    for name in names:
        wire = canonical_wire(name)
        if wire:
            out.wire_hints.append(wire)
        elif out.byline is None:
            out.byline = name
    return "byline" if names else "date_line"


def _inline(line: str, out: CleanText) -> str:
    """Spans inside a kept line: desk codes after a credit, a trailing disclaimer."""
    m = (_DESK_CODES.search(line) or _DESK_CODES_ANY_CREDIT.search(line)) if ")" in line[-60:] else None
    if m:
        out.removed.append({"text": m.group(2).strip(), "rule": "desk_codes"})
        wire = canonical_wire(m.group(1).strip("()"))
        if wire:
            out.wire_hints.append(wire)
        line = line[: m.start(2)].rstrip()
    if "(" in line and any(w in line for w in _DISCLAIMER_WORDS):
        for m in list(_DISCLAIMER_SPAN.finditer(line))[::-1]:
            if m.group(0).lstrip().startswith("(") and m.group(0).rstrip().endswith(")"):
                out.removed.append({"text": m.group(0).strip(), "rule": "disclaimer"})
                line = (line[: m.start()] + line[m.end():]).strip()
    return line
