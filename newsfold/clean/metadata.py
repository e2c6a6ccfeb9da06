"""Metadata from clean text: dateline ("Moscow, July 31 (AP)"), wire credit, outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from newsfold.clean.dates import MONTH_RE, infer_year, month_day, parse_date
from newsfold.clean.wires import canonical_wire

_PLACE = r"[A-Z][A-Za-z.'’\-]+(?:[ -][A-Z][A-Za-z.'’\-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
_DASH = r"\s*[-–—:]+\s+"
#: "Moscow, July 31 (AP) –", "NEW YORK, Jan. 5, 2024 (Reuters) -"
_DATELINE_DATE = re.compile(
    rf"^(?P<place>{_PLACE})\s*,\s*(?P<date>{MONTH_RE}\s+\d{{1,2}}(?:\s*,\s*\d{{4}})?|\d{{1,2}}\s+{MONTH_RE}(?:\s+\d{{4}})?)"
    rf"\s*(?:\((?P<credit>[^()]{{1,30}})\))?(?={_DASH})"
)
#: "MOSCOW (Reuters) -", "Washington, D.C. (AP) —"
_DATELINE_CREDIT = re.compile(rf"^(?P<place>{_PLACE})\s*\((?P<credit>[^()]{{1,30}})\)(?={_DASH})")
#: "MOSCOW —" (all capitals)
_DATELINE_CAPS = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'\-]{{2,}}(?:[ -][A-Z][A-Z.'\-]+){{0,3}}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)(?={_DASH})"
)
_TRAILING_CREDIT = re.compile(r"\((?P<credit>[A-Za-z][A-Za-z/ .-]{0,30})\)\s*$")
_TRAILING_DASH_CREDIT = re.compile(r"(?:^|\s)[-–—]\s*(?P<credit>[A-Z][A-Za-z .-]{1,30})\s*$")
_AGENCY_NAME = re.compile(
    r"\b(?:Anadolu (?:Agency|Ajansı)|Agence France-Presse|Associated Press|Press Trust of India|"
    r"Xinhua News Agency|Kuwait News Agency|Saudi Press Agency|Emirates News Agency|Yonhap News Agency)\b"
)


@dataclass
class Dateline:
    text: str
    place: str
    date: Optional[str]  # as written, e.g. "July 31"
    credit: Optional[str]


#: words no place name has, found in subheadings in capitals ("HOW THE DEAL WAS STRUCK:")
_NOT_IN_PLACES = {"USING", "FOR", "WITH", "HOW", "WHY", "WHAT", "WHEN", "WHO", "IS", "ARE", "WAS", "WERE",
                  "TO", "AND", "OR", "BUT", "NOT", "THIS", "THAT", "THESE", "YOUR", "OUR", "WE", "YOU",
                  "MORE", "MOST", "BEST", "TOP", "INTO", "FROM", "ABOUT", "AFTER", "BEFORE"}
WEEKDAYS = {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}
#: capitalised openers that are not places
_NOT_PLACES = {
    "FILE", "UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "WATCH", "VIDEO", "PHOTOS", "PHOTO",
    "ANALYSIS", "OPINION", "EDITORIAL", "COMMENTARY", "CORRECTION", "NOTE", "EDITOR'S NOTE",
    "TODAY", "LIVE", "URGENT", "FLASH", "ALERT", "REVIEW", "INTERVIEW", "TRANSCRIPT", "Q&A",
} | WEEKDAYS


def find_dateline(first_paragraph: str) -> Optional[Dateline]:
    for rx in (_DATELINE_DATE, _DATELINE_CREDIT, _DATELINE_CAPS):
        m = rx.match(first_paragraph)
        if m:
            gd = m.groupdict()
            opener = gd["place"].split(",")[0].strip().upper()
            if rx is _DATELINE_DATE and opener in WEEKDAYS and gd.get("credit"):
                # a day in place of a place: "MONDAY, July 2 (HealthDay News) --"
                return Dateline(text=m.group(0).strip(), place="", date=gd.get("date"),
                                credit=gd["credit"].strip())
            if opener in _NOT_PLACES:
                return None
            if set(re.split(r"[ -]", opener)) & _NOT_IN_PLACES:
                return None  # a subheading in capitals ("USING SMARTPHONES FOR PLANNING:")
            credit = gd.get("credit")
            if rx is _DATELINE_CREDIT and not canonical_wire(credit or ""):
                # "Place (X) -" is a dateline only when X is a known wire or an outlet tag
                if not re.fullmatch(r"[A-Z][A-Za-z]{1,12}", credit or ""):
                    continue
            return Dateline(
                text=m.group(0).strip(), place=gd["place"].strip(), date=gd.get("date"),
                credit=credit.strip() if credit else None,
            )
    return None


def without_dateline(text: str) -> str:
    """An article's opening sentence without its dateline ("DENVER (AP) — Troy Tulowitzki
    ..." -> "Troy Tulowitzki ..."), for text shown as a statement (summary sentences, claims):
    the dateline says where and when a desk filed, it states nothing. A subheading in
    capitals glued to a sentence ("USING SMARTPHONES FOR PLANNING: Couples ...") goes too."""
    label = re.match(r"[A-Z][A-Z0-9 ,'’&-]{8,}:\s+(?=[A-Z])", text)
    if label and len(label.group(0).split()) >= 2:  # a subheading glued to the sentence
        return text[label.end():]
    d = find_dateline(text)
    if d is None or not text.startswith(d.text):
        return text
    rest = text[len(d.text):]
    m = re.match(r"\s*(?:[—–]|-{1,2})\s+", rest)
    if m is None or not rest[m.end():m.end() + 1].isupper() or len(rest[m.end():].split()) < 6:
        return text
    return rest[m.end():]


def dateline_date(dl: Dateline, reference: Optional[str]) -> Optional[str]:
    """ISO date of a dateline; a year-less one takes its year from ``reference``."""
    if not dl.date:
        return None
    if re.search(r"\d{4}", dl.date):
        return parse_date(dl.date)
    md = month_day(dl.date.replace(".", ""))
    if md is None or reference is None:
        return None
    return infer_year(md[0], md[1], reference)


def find_wire(paragraphs: list[str], dateline: Optional[Dateline], hints: list[str]) -> Optional[str]:
    """The wire credit: dateline credit, credit tags, trailing "(AP)" or "— Reuters"."""
    if dateline and dateline.credit:
        w = canonical_wire(dateline.credit)
        if w:
            return w
    for h in hints:
        if h:
            return h
    if paragraphs:
        last = paragraphs[-1]
        m = _TRAILING_CREDIT.search(last) or _TRAILING_DASH_CREDIT.search(last)
        if m:
            w = canonical_wire(m.group("credit"))
            if w:
                return w
        head = paragraphs[0][:200]
        m = _AGENCY_NAME.search(head) or _AGENCY_NAME.search(last[-200:])
        if m:
            return canonical_wire(m.group(0)) or canonical_wire(m.group(0).replace(" Agency", ""))
    return None


def domain(url: Optional[str]) -> Optional[str]:
    """The URL's host without "www." (None when there is no usable URL)."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host[4:] if host.startswith("www.") else (host or None)
