"""Batch boilerplate: lines that many *unrelated* articles share (``repeated_line``).

The per-article rules (``boilerplate.py``) know the shapes of boilerplate ("By ...",
"Copyright ... All rights reserved"); an outlet's own masthead ("THE HARBOR DAILY - Science
desk") or footer ("Terms of use | Privacy policy | Advertise with The Harbor Daily") has no
general shape, and in a plain-text feed it stays in the text: it became story titles,
summary sentences and claims. Across a batch it shows itself: the same line at the head or
tail of articles about *different things*. The same line in the copies of one wire story, or
in several reports of one event ("He was 77.", a quotation, one headline), is not
boilerplate: those articles share their subject too.

:func:`strip_repeated_lines` runs on a whole corpus (``newsfold run``'s ``finish``, before
copies are folded): a line (normalised: case and spacing) among the title and the first and
last ``EDGE`` paragraphs of at least ``MIN_ARTICLES`` articles is boilerplate when up to
``PROBE`` of those articles, spread over them and compared in consecutive pairs, are about
different things: the IDF-weighted share of their words (4+ letters, from their title and
paragraphs less every candidate line) that the other article also has, over the smaller side,
is under ``RELATED`` (median of the pairs). Measured on a corpus of outlets' wrappers and on
ECB+: mastheads, footers and social lines 0.03-0.17; reports of one event sharing a line
0.33-0.78. Removed lines are kept in ``Article.removed`` with the rule ``repeated_line``; a
title that is such a line is dropped.
Editorial marks (update and correction notes, "Read the full story at ..." lines) stay however
often they recur: copy detection reads them as evidence of which version came later.
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from newsfold.model import Article

RULE = "repeated_line"
MIN_ARTICLES = 3
PROBE = 7
RELATED = 0.25
#: articles whose words give the document frequencies (a seeded sample above this)
DF_SAMPLE = 20_000
#: paragraphs looked at at each end of a text (mastheads, bylines, footers)
EDGE = 3
#: longer lines are prose, not boilerplate
MAX_WORDS = 40

_WORD = re.compile(r"[^\W\d_]{4,}")
_EDGE_PUNCT = " \t\"'“”‘’.,;:!?|-–—•·*_=#()[]"


def _norm(line: str) -> str:
    # digits are kept: "She was 85." in three obituaries of different people is not one line
    return " ".join(line.casefold().split()).strip(_EDGE_PUNCT)


def _paragraphs(text: Optional[str]) -> list[str]:
    return [p for p in (text or "").split("\n\n") if p.strip()]


def repeated_lines(articles: Sequence[Article], *, min_articles: int = MIN_ARTICLES, probe: int = PROBE,
                   related: float = RELATED) -> set[str]:
    """The normalised lines that :func:`strip_repeated_lines` removes from these articles."""
    holders: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        paras = _paragraphs(a.text)
        edge = paras[:EDGE] + paras[EDGE:][-EDGE:]
        keys = {_norm(p) for p in edge if 2 <= len(p.split()) <= MAX_WORDS}
        if a.title and 2 <= len(a.title.split()) <= MAX_WORDS:
            keys.add(_norm(a.title))
        keys.discard("")
        for k in keys:
            holders.setdefault(k, []).append(i)
    cands = {k: v for k, v in holders.items() if len(v) >= max(2, min_articles)}
    if not cands:
        return set()
    import math
    import random

    def words(i: int, body: bool = False) -> set[str]:
        a = articles[i]
        if not body:
            return set(_WORD.findall((a.text or "").casefold()))
        # what the article is about: its title and paragraphs, less every candidate line
        parts = [p for p in _paragraphs(a.text) + ([a.title] if a.title else []) if _norm(p) not in cands]
        return set(_WORD.findall(" ".join(parts).casefold()))

    n = len(articles)
    sample = range(n) if n <= DF_SAMPLE else random.Random(0).sample(range(n), DF_SAMPLE)
    df: dict[str, int] = {}
    for i in sample:
        for w in words(i):
            df[w] = df.get(w, 0) + 1
    m = len(sample)
    cache: dict[int, dict[str, float]] = {}

    def weighted(i: int) -> dict[str, float]:
        v = cache.get(i)
        if v is None:
            v = cache[i] = {w: math.log((m + 1) / (df.get(w, 0) + 1)) for w in words(i, body=True)}
        return v

    def overlap(x: int, y: int) -> float:
        a, b = weighted(x), weighted(y)
        if len(a) > len(b):
            a, b = b, a
        den = min(sum(a.values()), sum(b.values()))
        return sum(v for w, v in a.items() if w in b) / den if den > 0 else 1.0

    from newsfold.marks import is_editorial_mark

    probe = max(2, probe)
    bad = set()
    for k, idx in cands.items():
        if is_editorial_mark(k):
            continue
        pick = [idx[round(j * (len(idx) - 1) / (probe - 1))] for j in range(probe)] if len(idx) > probe else idx
        cont = sorted(overlap(x, y) for x, y in zip(pick, pick[1:]))
        half = len(cont)
        if (cont[half // 2] + cont[(half - 1) // 2]) / 2 < related:  # the median
            bad.add(k)
    return bad


def strip_repeated_lines(articles: Sequence[Article], **kw) -> int:
    """Remove the batch's repeated boilerplate lines from the articles' texts and titles (in
    place; each removed line recorded in ``removed``). Returns how many lines were removed."""
    bad = repeated_lines(articles, **kw)
    if not bad:
        return 0
    return sum(strip_lines(a, lambda line: _norm(line) in bad) for a in articles)


def strip_lines(a: Article, is_boilerplate: Callable[[str], bool]) -> int:
    """Remove from one article the lines at the ends of its text (first and last ``EDGE``
    paragraphs, at most ``MAX_WORDS`` words), and its title, that ``is_boilerplate`` says are
    boilerplate; editorial marks stay. Each removed line is recorded in ``removed`` with the
    rule ``repeated_line``. An article whose every paragraph would go keeps its text (nothing
    would be left). Returns how many lines were removed."""
    from newsfold.marks import is_editorial_mark

    def bad(line: str) -> bool:
        return len(line.split()) <= MAX_WORDS and not is_editorial_mark(line) and is_boilerplate(line)

    n = 0
    paras = _paragraphs(a.text)
    edge = set(range(min(EDGE, len(paras)))) | set(range(max(EDGE, len(paras) - EDGE), len(paras)))
    drop = [j for j in sorted(edge) if bad(paras[j])]
    if drop and len(drop) < len(paras):
        gone = set(drop)
        a.removed = list(a.removed or []) + [{"text": paras[j], "rule": RULE} for j in drop]
        a.text = "\n\n".join(p for j, p in enumerate(paras) if j not in gone)
        n += len(drop)
    if a.title and bad(a.title):
        a.removed = list(a.removed or []) + [{"text": a.title, "rule": RULE}]
        a.title = None
        n += 1
    return n
