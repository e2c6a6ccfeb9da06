"""analyze_story: entities, quotes, claims (+ independence), cited summary, timeline."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from newsfold.analyze.claims import build_claims
from newsfold.analyze.entities import build_entities
from newsfold.analyze.quotes import QUOTE_CHARS, extract_quotes, group_quotes, make_resolver
from newsfold.analyze.summary import summarize
from newsfold.analyze.timeline import build_timeline
from newsfold.model import Article, Story


def _own_independent(members: Sequence[Article]) -> int:
    """Distinct copy families; families sharing a wire credit count once."""
    keys: dict[str, str] = {}
    for a in members:
        fam = a.family or a.id
        keys.setdefault(fam, fam)
    wires: dict[str, str] = {}
    for a in members:
        if a.wire:
            wires.setdefault(a.family or a.id, "wire:" + a.wire.strip().casefold())
    return len({wires.get(f, f) for f in keys})


def source_counter(articles: Sequence[Article]) -> Callable[[Sequence[str]], int]:
    """count(ids) -> independent sources among those articles (dedup's story_sources when
    available, so the story and its claims count the same way)."""
    by_id = {a.id: a for a in articles}
    try:
        from newsfold.dedup import story_sources  # type: ignore
    except Exception:  # noqa: BLE001 - dedup not built yet / optional
        story_sources = None
    cache: dict[tuple, int] = {}

    def count(ids: Sequence[str]) -> int:
        key = tuple(sorted(set(ids)))
        if key not in cache:
            members = [by_id[i] for i in key if i in by_id]
            n = None
            if story_sources is not None:
                try:
                    n = int(story_sources(members)["independent"])
                except Exception:  # noqa: BLE001
                    n = None
            cache[key] = n if n is not None else _own_independent(members)
        return cache[key]

    return count


def _fold_near_copies(reps: list) -> list:
    """Join to its family's original each ``copy`` that states every sentence of the original,
    in order, and adds only lines that are no news: notes about the article (credits, update
    notes) or sentences with no mark of fact. (Notes are set aside on both sides first: an
    outlet's own credit line on each of 400 copies of a syndicated report, and one on the
    original too.) Such a copy states whatever the original states, so it is cited wherever
    the original is; what it adds could never be one source's claim anyway."""
    from newsfold.analyze.claims import is_factual
    from newsfold.analyze.sentences import sentences
    from newsfold.marks import is_about_the_article

    originals = {rep.family or rep.id: (rep, g) for rep, g in reps
                 if (rep.relation or "original") == "original"}
    if not originals or len(reps) == len(originals):
        return reps
    cores: dict[str, str] = {}

    def core(a: Article) -> str:
        """The text's sentences that are not notes, whitespace made single spaces."""
        v = cores.get(a.id)
        if v is None:
            v = cores[a.id] = " ".join(" ".join(x.text.split()) for x in sentences(a.text or "")
                                       if not is_about_the_article(x.text))
        return v

    out = []
    for rep, g in reps:
        home = originals.get(rep.family or rep.id)
        if rep.relation == "copy" and home is not None and home[0] is not rep:
            body, mine = core(home[0]), core(rep)
            at = mine.find(body) if body else -1
            if at >= 0 and (at == 0 or mine[at - 1] == " ") and (
                    at + len(body) == len(mine) or mine[at + len(body)] == " "):
                extra = (mine[:at] + " " + mine[at + len(body):]).strip()
                if not extra or all(not is_factual(x.text) for x in sentences(extra)):
                    home[1].extend(g)
                    continue
        out.append((rep, g))
    return out


class Twins:
    """The articles of a story with one article per text and family (``reps``: the family's
    original where it is among them, else the first), and the ids of the others with each;
    a copy that holds its original's whole text and adds no news goes with the original
    (``_fold_near_copies``).

    A report many outlets run unchanged is one text: aligned once, its sentences are one
    source's, its facts its family's own (a figure only that family states is its addition,
    however many outlets ran it), and a story of hundreds of copies stays within the
    alignment's sentence budget (``claims.MAX_UNITS``) instead of keeping ~10 sentences of
    each article. Claims, conflicting values and summary citations then list every copy."""

    def __init__(self, articles: Sequence[Article]):
        groups: dict[tuple, list[Article]] = {}
        for a in articles:
            groups.setdefault((a.family or a.id, a.text), []).append(a)
        reps: list[tuple[Article, list[Article]]] = []
        for g in groups.values():
            rep = next((a for a in g if (a.relation or "original") == "original"), g[0])
            reps.append((rep, g))
        reps = _fold_near_copies(reps)
        self.reps: list[Article] = [rep for rep, _ in reps]
        self.of: dict[str, list[str]] = {rep.id: [a.id for a in g] for rep, g in reps if len(g) > 1}
        self.order = {a.id: k for k, a in enumerate(articles)}

    def expand(self, ids: Sequence[str]) -> list[str]:
        """``ids`` with the copies each stands for, in story order."""
        if not self.of:
            return list(ids)
        out = {x for i in ids for x in self.of.get(i, (i,))}
        return sorted(out, key=lambda x: self.order.get(x, len(self.order)))

    def counter(self, count: Callable[[Sequence[str]], int]) -> Callable[[Sequence[str]], int]:
        return (lambda ids: count(self.expand(ids))) if self.of else count

    def claims(self, claims: list) -> list:
        if not self.of:
            return claims
        for c in claims:
            c.articles = self.expand(c.articles)
            for v in c.values:
                if isinstance(v, dict) and isinstance(v.get("articles"), list):
                    v["articles"] = sorted(self.expand(v["articles"]))  # as conflicts lists them
        claims.sort(key=lambda c: (-c.independent_sources, -len(c.articles)))  # build_claims' order
        return claims

    def summary(self, sentences: list) -> list:
        if self.of:
            for s in sentences:
                s.citations = self.expand(s.citations)
        return sentences


def analyze_story(story: Story, articles: Sequence[Article], *, config=None) -> Story:
    articles = list(articles)
    count = source_counter(articles)
    index = build_entities(articles, config)
    story.entities = index.to_entities(count)

    found = []
    read: dict[tuple, list] = {}  # one read per text and mentions: copies share their quotes
    for a in articles:
        key = (a.text, index.mentions_key(a.id))
        got = read.get(key)
        if got is None:
            found.extend(read.setdefault(key, extract_quotes(a.id, a.text, make_resolver(a, index))))
        else:
            found.extend(replace(q, article=a.id) for q in got)
    story.quotes = group_quotes(found, articles, count)

    # claims and summary align each text once: copies of one text (one family) are one
    # article there, their ids listed wherever it is (see ``Twins``)
    twins = Twins(articles)
    count_all = twins.counter(count)
    # direct quotations by article: a claim read from one is the speaker's words. Only a
    # quotation closed by its mark (the quote stage's own test, ``quotes.quote_spans``): one
    # left open runs to its paragraph's end, and in a text whose paragraph breaks a crawl lost
    # that is the reporter's prose after it
    spoken: dict[str, list] = {}
    texts = {a.id: a.text or "" for a in articles}
    for q in found:
        end = texts.get(q.article, "")[q.end - 1:q.end]
        if q.kind == "direct" and end and end in QUOTE_CHARS:
            spoken.setdefault(q.article, []).append((q.start, q.end, q.speaker))
    claims, drafts, al = build_claims(twins.reps, count_all, entities=index, quotes=spoken)
    story.claims = twins.claims(claims)

    independent = (story.sources or {}).get("independent")
    if independent is None:
        independent = count([a.id for a in articles])
    story.basis = "single_origin" if independent <= 1 else "independent"
    story.summary = twins.summary(summarize(twins.reps, count_all, max_sentences=8))
    # On a single origin the summary is kept verbatim but marked by ``basis``: readers and the
    # report present it as "one source", never as corroborated fact.
    story.timeline = build_timeline(articles)
    return story
