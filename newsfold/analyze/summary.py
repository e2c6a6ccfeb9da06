"""Cited extractive summary.

Candidates are the story's sentences (all of them, aligned across articles with the TF-IDF
space of :mod:`claims`). A sentence's *support* is its own article plus every other article whose
best-matching sentence has cosine >= ``threshold`` (the claim alignment rule) *and* states every
number and date of it (so "12 dead" never cites an article that says "14 dead") and denies no
act it states (so "resigned" never cites an article that says "did not resign"); its citations
are those articles, all of which state it, and its independent sources are counted over them.

Excluded: sentences of derived articles (copy/rewrite/embellished) that no independent source
supports (a rewrite's own content, numbers included, is never stated as fact), sentences that
repeat an article's dedup ``added`` text, and near-duplicates of a chosen sentence (cosine >=
``redundancy``).

Ranking: ``centrality`` (mean best-match cosine to the other articles) x ``centrality_weight``
plus ``position_weight / (1 + rank)`` (rank of the sentence among its article's candidates: news
leads carry the main facts). Story summaries (3-8 sentences, ``max_sentences``) keep only
complete, third-person sentences (no quote fragments, headlines or first-person speech) and put
corroborated content first (independent sources, then score). With a ``word_budget`` (eval:
~250 words) the sentence cap is lifted and the order is by score alone.
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

import numpy as np

from newsfold.analyze.claims import _MONTH_RE, Alignment, align, article_units, numbers
from newsfold.analyze.conflicts import disagree
from newsfold.clean.metadata import without_dateline
from newsfold.model import Article, SummarySentence


def _in_added(text: str, added: Sequence[str]) -> bool:
    n = " ".join(text.split()).casefold()
    for a in added:
        an = " ".join(str(a).split()).casefold()
        if len(an) >= 20 and (an in n or n in an):
            return True
    return False


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


def _plain_sentence(text: str) -> bool:
    t = text.strip()
    return len(t.split()) >= 6 and not t[:1].islower()


def summarize(articles: Sequence[Article], count_sources: Callable[[Sequence[str]], int], *,
              max_sentences: Optional[int] = 8, word_budget: Optional[int] = None,
              threshold: float = 0.35, redundancy: float = 0.5, position_weight: float = 1.0,
              centrality_weight: float = 2.0,
              alignment: Optional[Alignment] = None) -> list[SummarySentence]:
    strict = max_sentences is not None
    if alignment is None:
        heads = _untitled_headlines(articles)
        keep = _neutral_sentence if strict else _plain_sentence
        kept: dict[str, bool] = {}  # per sentence text: copies repeat every sentence
        units = [u for u in article_units(articles, factual_only=False)
                 if (kept[u.text] if u.text in kept else kept.setdefault(u.text, keep(u.text)))
                 and u.text.strip() != heads.get(u.article)]
        alignment = align(articles, units)
    al = alignment
    units = al.units
    n = len(units)
    if n == 0:
        return []
    ids = [a.id for a in articles]
    by_id = {a.id: a for a in articles}
    derived = {a.id for a in articles if (a.relation or "original") != "original"}
    own = al.art_of
    other = al.best.copy()
    other[np.arange(n), own] = 0.0
    centrality = other.sum(axis=1) / max(1, len(articles) - 1)
    rank = np.zeros(n)
    for ai in range(len(articles)):
        idx = np.where(own == ai)[0]
        rank[idx] = np.arange(len(idx))
    score = position_weight / (1.0 + rank) + centrality_weight * centrality

    candidates = []
    # once per sentence text, not per sentence x article
    facts_of: dict[str, set] = {}
    stated = [facts_of[u.text] if u.text in facts_of else facts_of.setdefault(u.text, _stated(u.text))
              for u in units]
    for i, u in enumerate(units):
        facts = stated[i]
        # an article supports the sentence when its best-matching sentence aligns AND states
        # every number (with the word it counts) and date of it: "14 people had died" never
        # cites an article that says "12 people" (even one dated "March 14")
        aligned = np.flatnonzero(other[i] >= threshold).tolist()
        # ... and does not deny an act it states ("did not resign" never cites for "resigned")
        support = [ids[a] for a in sorted({int(own[i]), *aligned})
                   if a == own[i] or (facts <= stated[int(al.best_unit[i, a])]
                                      and not disagree(u.text, units[int(al.best_unit[i, a])].text))]
        indep = count_sources(support)
        if u.article in derived:
            if indep <= 1 or all(x in derived for x in support):
                continue  # a rewrite's own content is never stated as fact
            if _in_added(u.text, by_id[u.article].added):
                continue
        if _in_added(u.text, [x for a in support for x in by_id[a].added]):
            continue
        candidates.append((float(score[i]), indep, i, support))
    if strict:
        candidates.sort(key=lambda c: (-c[1], -c[0]))
    else:
        candidates.sort(key=lambda c: -c[0])
    chosen: list[tuple[int, list[str]]] = []
    words = 0
    for sc, indep, i, support in candidates:
        if max_sentences and len(chosen) >= max_sentences:
            break
        if any(al.sim[i, c] >= redundancy for c, _ in chosen):
            continue
        n_words = len(units[i].text.split())
        if word_budget is not None and words + n_words > word_budget and chosen:
            if words >= word_budget * 0.9:
                break
            continue
        chosen.append((i, support))
        words += n_words
    order = {a: k for k, a in enumerate(ids)}
    return [SummarySentence(text=without_dateline(_clean(units[i].text)),
                            citations=sorted(sup, key=lambda x: order.get(x, 0)))
            for i, sup in chosen]


def _untitled_headlines(articles: Sequence[Article], max_words: int = 14) -> dict[str, str]:
    """article id -> the first line of an untitled article's text when it is short and stands
    alone: its headline, not a sentence of the report ("Falling Deficit to Reverse Course in
    '16 as U.S. Ages." was summary sentence)."""
    out = {}
    for a in articles:
        if (a.title or "").strip():
            continue
        lines = (a.text or "").lstrip().split("\n", 1)
        first = lines[0].strip()
        if first and len(lines) > 1 and len(first.split()) <= max_words:
            out[a.id] = first
    return out


def _stated(text: str) -> set:
    """Numbers as (value, counted word) pairs, plus month names: what a citing sentence must
    repeat for the citation to stand."""
    return set(numbers(text)) | {m.group(0).casefold().rstrip(".") for m in _MONTH_RE.finditer(text)}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


