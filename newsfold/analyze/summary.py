"""Cited extractive summary built on the aligned claims.

Candidates are the claims' representative sentences. Ranking: independent sources (corroborated
content first), then the number of supporting articles and summed alignment, then the earliest
position in its article (news leads carry the main facts). Excluded: single-source claims whose
only support is a derived article (copy/rewrite/embellished), sentences that repeat an article's
dedup ``added`` text, sentences of a derived article whose numbers/dates no other supporting article states, and
near-duplicates of a chosen sentence (cosine >= 0.5). Each sentence cites the claim's supporting
articles (all of which state it); the text is taken verbatim from an article.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import numpy as np

from newsfold.analyze.claims import Alignment, ClaimDraft, _facts
from newsfold.model import Article, SummarySentence


def _in_added(text: str, added: Sequence[str]) -> bool:
    n = " ".join(text.split()).casefold()
    for a in added:
        an = " ".join(str(a).split()).casefold()
        if len(an) >= 20 and (an in n or n in an):
            return True
    return False


def summarize(articles: Sequence[Article], drafts: Sequence[ClaimDraft], al: Alignment,
              count_sources, *, max_sentences: Optional[int] = 8, min_sentences: int = 3,
              word_budget: Optional[int] = None, redundancy: float = 0.5,
              position_weight: float = 1.0) -> list[SummarySentence]:
    units = al.units
    if not units:
        return []
    by_id = {a.id: a for a in articles}
    derived = {a.id for a in articles if (a.relation or "original") != "original"}
    candidates = []
    for d in drafts:
        arts = d.articles or sorted({units[m].article for m in d.members})
        indep = count_sources(arts)
        if indep <= 1 and all(x in derived for x in arts):
            continue  # a rewrite's own content is never stated as fact
        members = sorted(d.members, key=lambda m: (units[m].article in derived, units[m].pos))
        rep = None
        for m in members:
            u = units[m]
            if u.article in derived and _in_added(u.text, by_id[u.article].added):
                continue
            if _in_added(u.text, [x for a in arts for x in by_id[a].added]):
                continue
            others = " ".join(units[o].text for o in d.members if units[o].article != u.article)
            if u.article in derived and not _facts(u.text) <= _facts(others):
                continue  # carries a number/date the other sources do not state
            if not _neutral_sentence(u.text):
                continue
            rep = m
            break
        if rep is None:
            continue
        support = float(sum(al.sim[rep, o] for o in d.members if o != rep))
        pos = units[rep].pos
        score = (indep if max_sentences else 0) + 0.5 * support + position_weight / (1.0 + pos)
        candidates.append((score, indep, rep, arts))
    candidates.sort(key=lambda c: (-c[1] if max_sentences else 0, -c[0]))
    chosen: list[tuple[int, list[str]]] = []
    words = 0
    for score, indep, rep, arts in candidates:
        if max_sentences and len(chosen) >= max_sentences:
            break
        if any(al.sim[rep, c] >= redundancy for c, _ in chosen):
            continue
        n_words = len(units[rep].text.split())
        if word_budget is not None and words + n_words > word_budget and chosen:
            if words >= word_budget * 0.9:
                break
            continue
        chosen.append((rep, arts))
        words += n_words
    return [SummarySentence(text=_clean(units[r].text), citations=list(arts)) for r, arts in chosen]


_FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us|my|My|me)\b")


def _neutral_sentence(text: str) -> bool:
    """A complete, third-person sentence of reportable length (no quote fragment, headline or
    first-person speech outside quote marks)."""
    t = text.strip()
    if len(t.split()) < 8 or t[:1] in "\"“'‘(" or not t[:1].isupper():
        return False
    if t.rstrip("\"”’')")[-1:] not in ".!?":
        return False
    straight = t.count('"')
    if straight % 2 or t.count("“") != t.count("”"):
        return False
    outside = re.sub(r"[“\"][^”\"]*[”\"]", " ", t)
    return not _FIRST_PERSON.search(outside)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
