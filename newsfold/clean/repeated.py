"""Batch boilerplate: lines that many *unrelated* articles share (``repeated_line``).

The per-article rules (``boilerplate.py``) know the shapes of boilerplate ("By ...",
"Copyright ... All rights reserved"); an outlet's own masthead ("THE HARBOR DAILY - Science
desk") or footer ("Terms of use | Privacy policy | Advertise with The Harbor Daily") has no
general shape, and in a plain-text feed it stays in the text: it became story titles,
summary sentences and claims. Across a batch it shows itself: the same line at the head or
tail of articles that share nothing else. The same line in the copies of one wire story is
not boilerplate: those articles share the rest of their text too.

:func:`strip_repeated_lines` runs on a whole corpus (``newsfold run``'s ``finish``, before
copies are folded): a line (normalised: case, spacing, digits) among the title and the first
and last ``EDGE`` paragraphs of at least ``MIN_ARTICLES`` articles is boilerplate when up to
``PROBE`` of those articles, spread over them and compared in consecutive pairs, share under
``RELATED`` of their word 5-grams (median of the pairs' containment). Removed lines are kept
in ``Article.removed`` with the rule ``repeated_line``; a title that is such a line is dropped.
Editorial marks (update and correction notes, "Read the full story at ..." lines) stay however
often they recur: copy detection reads them as evidence of which version came later.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from newsfold.model import Article

RULE = "repeated_line"
MIN_ARTICLES = 3
PROBE = 5
RELATED = 0.5
#: paragraphs looked at at each end of a text (mastheads, bylines, footers)
EDGE = 3
#: longer lines are prose, not boilerplate
MAX_WORDS = 40

_DIGITS = re.compile(r"\d+")
_EDGE_PUNCT = " \t\"'“”‘’.,;:!?|-–—•·*_=#()[]"


def _norm(line: str) -> str:
    return " ".join(_DIGITS.sub("#", line.casefold()).split()).strip(_EDGE_PUNCT)


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
    import numpy as np

    from newsfold.dedup.shingle import intersect_sorted, shingle_batch, sorted_unique

    sets: dict[int, np.ndarray] = {}

    def shingles(i: int) -> np.ndarray:
        s = sets.get(i)
        if s is None:
            flat, offs = shingle_batch([articles[i].text or ""])
            s = sets[i] = sorted_unique(flat[offs[0] : offs[1]])
        return s

    from newsfold.dedup.provenance import is_editorial_mark

    bad = set()
    for k, idx in cands.items():
        if is_editorial_mark(k):
            continue
        pick = [idx[round(j * (len(idx) - 1) / (probe - 1))] for j in range(probe)] if len(idx) > probe else idx
        cont = []
        for x, y in zip(pick, pick[1:]):
            a, b = shingles(x), shingles(y)
            cont.append(intersect_sorted(a, b).size / max(1, min(a.size, b.size)))
        cont.sort()
        m = len(cont)
        if (cont[m // 2] + cont[(m - 1) // 2]) / 2 < related:
            bad.add(k)
    return bad


def strip_repeated_lines(articles: Sequence[Article], **kw) -> int:
    """Remove the batch's repeated boilerplate lines from the articles' texts and titles (in
    place; each removed line recorded in ``removed``). Returns how many lines were removed. An
    article whose every paragraph is such a line keeps its text (nothing would be left)."""
    bad = repeated_lines(articles, **kw)
    if not bad:
        return 0
    n = 0
    for a in articles:
        paras = _paragraphs(a.text)
        edge = set(range(min(EDGE, len(paras)))) | set(range(max(EDGE, len(paras) - EDGE), len(paras)))
        drop = [j for j in sorted(edge) if _norm(paras[j]) in bad and len(paras[j].split()) <= MAX_WORDS]
        if drop and len(drop) < len(paras):
            gone = set(drop)
            a.removed = list(a.removed or []) + [{"text": paras[j], "rule": RULE} for j in drop]
            a.text = "\n\n".join(p for j, p in enumerate(paras) if j not in gone)
            n += len(drop)
        if a.title and _norm(a.title) in bad:
            a.removed = list(a.removed or []) + [{"text": a.title, "rule": RULE}]
            a.title = None
            n += 1
    return n
