"""Fast, dependency-free sentence and paragraph splitting with character offsets.

A regex splitter (terminal punctuation, optional closing quote/bracket, then whitespace and an
upper-case letter, digit or opening quote) with a list of common abbreviations that never end a
sentence. It keeps offsets so quotes and claims can point back into the article text.
Paragraphs (blank-line or single-newline separated) are hard boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "etc", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
    "a.m", "p.m", "ft", "mt", "ave", "blvd", "dept", "est", "fig", "approx", "pres", "adm",
    "rev", "hon", "messrs", "d.c", "calif", "fla", "ill", "mass", "mich", "minn", "penn", "tex",
    "wash", "ariz", "colo", "conn", "del", "ga", "ky", "la", "md", "mo", "nev", "okla", "ore",
    "pa", "tenn", "va", "wis", "wyo", "n.y", "sec", "gov't", "op", "vol", "pp",
}

#: a sentence end: terminal punctuation, then space and a capital; or, in scraped text whose
#: paragraphs lost their spaces ("... city council meetings.In her resignation letter"), a
#: lower-case word of 3+ letters, its period, and a capitalised word glued to it
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|(?<=[a-z]{3})[.!?](?=[A-Z][a-z])")
_PARA = re.compile(r"[^\n]+")


@dataclass
class Span:
    start: int
    end: int
    text: str
    para: int = 0  # paragraph index within the article


def paragraphs(text: str) -> list[Span]:
    out = []
    for i, m in enumerate(_PARA.finditer(text)):
        seg = m.group(0)
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            body = seg.strip()
            out.append(Span(m.start() + lead, m.start() + lead + len(body), body, len(out)))
    return out


def _is_abbrev(text: str, dot_pos: int) -> bool:
    """True when the '.' at dot_pos ends an abbreviation or an initial (J. Smith)."""
    if text[dot_pos] != ".":
        return False
    j = dot_pos
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot_pos].casefold()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # initial: "J. Smith", "U.S."
        return True
    if "." in word:  # "U.S", "a.m"
        return True
    return False


def _glued_end(text: str, dot_pos: int) -> bool:
    """A sentence end without its space: the word before the mark is all lower case."""
    j = dot_pos
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return j < dot_pos and text[j:dot_pos].islower() and (j == 0 or not text[j - 1].isalnum() and text[j - 1] not in ".@/")


def split_sentences(text: str, offset: int = 0, para: int = 0) -> list[Span]:
    """Split one paragraph into sentences; offsets are relative to ``offset``."""
    out: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        punct_end = m.end()
        # position of the first terminal character
        if _is_abbrev(text, m.start()) and m.end() - m.start() == 1:
            continue
        if punct_end < len(text) and not text[punct_end].isspace() and not _glued_end(text, m.start()):
            continue  # "Amazon.Com": a name, not two sentences
        seg = text[start:punct_end]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append(Span(offset + start + lead, offset + punct_end, seg.strip(), para))
        start = punct_end
    seg = text[start:]
    if seg.strip():
        lead = len(seg) - len(seg.lstrip())
        body = seg.strip()
        out.append(Span(offset + start + lead, offset + start + lead + len(body), body, para))
    return out


def sentences(text: str) -> list[Span]:
    """All sentences of a text, paragraph by paragraph, with absolute offsets."""
    out: list[Span] = []
    for p in paragraphs(text):
        out.extend(split_sentences(p.text, p.start, p.para))
    return out
