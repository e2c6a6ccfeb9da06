"""``report.html``: one self-contained static page per run (inline CSS, no scripts, no assets).

:func:`render_report` turns a :class:`~newsfold.model.RunResult` into HTML with Jinja2
(autoescape on: every article-derived string is escaped). The page is built from a *view*
of plain dicts prepared here, so every field may be missing or empty (analysis stages that
have not run yet, results read back from older ``stories.json`` files) and the page still
renders: coverage counts, date spans and copy families fall back to what the articles say.

Links: every article has an anchor (:func:`anchor`); summary citations, family members,
claim and quote sources all link to it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Optional

from newsfold.model import RunResult, display_title

RELATION_LABELS = {
    "original": "origin",
    "copy": "copy",
    "truncated": "truncated copy",
    "rewrite": "rewrite",
    "embellished": "embellished",
}
STATUS_LABELS = {
    "corroborated": "corroborated",
    "single_source": "single source",
    "conflicting": "conflicting",
}
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def anchor(article_id: Any) -> str:
    """A stable, HTML-safe fragment id for an article (ids may be URLs or contain spaces)."""
    raw = str(article_id)
    slug = _ANCHOR_UNSAFE.sub("-", raw).strip("-")[:48] or "x"
    digest = hashlib.blake2b(raw.encode("utf-8"), digest_size=4).hexdigest()
    return f"a-{slug}-{digest}"


def story_anchor(story_id: Any) -> str:
    raw = str(story_id)
    slug = _ANCHOR_UNSAFE.sub("-", raw).strip("-")[:48] or "x"
    digest = hashlib.blake2b(raw.encode("utf-8"), digest_size=4).hexdigest()
    return f"s-{slug}-{digest}"


#: Characters of article body text a report embeds in total. Articles are laid out in story
#: order (best-sourced stories first); once the budget is spent, later articles show their
#: lead paragraph only, and the page says so (stories.json always has every full text).
#: (Texts are one part of the page; per-article metadata and story sections are bounded by
#: STORY_BUDGET and grow with the run.)
TEXT_BUDGET = 2_000_000
#: Stories shown with their full analysis (summary, claims, quotes, entities, timeline); the
#: rest, ranked lower, are listed in one compact table (a run over 7,356 NeuS articles made
#: 3,443 stories and a 32 MB page, three quarters of it story sections).
STORY_BUDGET = 500
#: Rows of each list a story section shows (claims, quotes, timeline entries; entities show
#: half again as many), and passages (of at most PASSAGE_CHARS characters each) of a copy's
#: ``added``/``dropped``: the rest are counted, and stories.json has them all. (A run over
#: 1,926 long articles made 22,669 claims, up to 236 in one story, and a 22 MB page, most of
#: it claim tables and the passages truncated copies dropped.)
ITEM_BUDGET = 20
#: Claim, quote and timeline rows of all full story sections together: stories are shown in
#: full, best-ranked first, until the next one's rows would pass it (a run of many short
#: stories shows up to STORY_BUDGET in full; one of long, much-quoted stories fewer).
ROW_BUDGET = 8_000
PASSAGE_BUDGET = 5
PASSAGE_CHARS = 400
#: Articles shown as sections (metadata, lead, text, removed boilerplate), in story order; the
#: rest are rows of one compact table (id, title, source, relation, story), still link targets.
#: (A run over 50,000 articles made a 110 MB page, most of it ~2 KB of markup per article.)
ARTICLE_BUDGET = 5_000


def render_report(result: RunResult | Mapping[str, Any], *, title: str = "newsfold report",
                  text_budget: Optional[int] = TEXT_BUDGET,
                  story_budget: Optional[int] = STORY_BUDGET,
                  item_budget: Optional[int] = ITEM_BUDGET, row_budget: Optional[int] = ROW_BUDGET,
                  article_budget: Optional[int] = ARTICLE_BUDGET) -> str:
    """Render the whole run as one static HTML page (full texts up to ``text_budget``
    characters in all, full analysis for the ``story_budget`` best-ranked stories, at most
    ``item_budget`` rows of each of their lists and ``row_budget`` list rows in all, sections
    for the first ``article_budget`` articles; None = no limit)."""
    env = _environment()
    view = build_view(result, text_budget=text_budget, story_budget=story_budget, item_budget=item_budget,
                      row_budget=row_budget, article_budget=article_budget)
    return env.get_template("report.html").render(title=title, **view)


# --------------------------------------------------------------------------- view model


def build_view(result: RunResult | Mapping[str, Any], *, text_budget: Optional[int] = None,
               story_budget: Optional[int] = None, item_budget: Optional[int] = None,
               row_budget: Optional[int] = None, article_budget: Optional[int] = None) -> dict[str, Any]:
    """Plain-dict view of a run for the template (tolerant of missing fields)."""
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    articles = [a for a in (data.get("articles") or []) if isinstance(a, Mapping)]
    stories = [s for s in (data.get("stories") or []) if isinstance(s, Mapping)]
    errors = [e for e in (data.get("errors") or []) if isinstance(e, Mapping)]

    by_id: dict[str, Mapping[str, Any]] = {}
    for a in articles:
        by_id.setdefault(str(a.get("id")), a)

    story_of: dict[str, str] = {}
    story_views = []
    labels: dict[str, tuple[str, str]] = {}
    for s in stories:
        sv = _story_view(s, by_id, item_budget, labels)
        story_views.append(sv)
        for aid in sv["article_ids"]:
            story_of.setdefault(aid, sv["id"])
    story_views.sort(key=lambda sv: (-sv["independent"], -sv["n_articles"], sv["title"].casefold()))
    rows = 0
    open_ = True
    for rank, sv in enumerate(story_views, 1):
        sv["rank"] = rank
        # the best-ranked stories, while their list rows fit the row budget (always the first)
        rows += len(sv["claims"]) + sv["quotes_shown"] + len(sv["timeline"])
        open_ = open_ and (story_budget is None or rank <= story_budget) and (
            row_budget is None or rows <= row_budget or rank == 1)
        sv["detail"] = open_
    story_by_id = {sv["id"]: sv for sv in story_views}

    # articles grouped in the order of the stories they belong to, then the rest
    order: list[str] = []
    for sv in story_views:
        order.extend(aid for aid in sv["article_ids"] if aid in by_id and aid not in order)
    seen = set(order)
    order.extend(aid for aid in by_id if aid not in seen)
    article_views = []
    left = text_budget
    short = 0
    for k, aid in enumerate(order):
        a = by_id[aid]
        sid = story_of.get(aid) or (str(a.get("story")) if a.get("story") else None)
        sv = story_by_id.get(sid) if sid else None
        if article_budget is not None and k >= article_budget:  # a table row: no text, no metadata
            av = {"id": aid, "anchor": anchor(aid), "title": _headline(a) or aid, "source": _s(a.get("source")),
                  "relation": _s(a.get("relation")) or "original", "detail": False}
        else:
            av = _article_view(a)
            av["detail"] = True
            if left is not None:
                size = sum(len(seg["text"]) for par in av["paragraphs"][1:] for seg in par)
                if size > left:  # budget spent: lead paragraph only
                    av["omitted_paragraphs"] = len(av["paragraphs"]) - 1
                    av["paragraphs"] = av["paragraphs"][:1]
                    short += av["omitted_paragraphs"] > 0
                    left = 0
                else:
                    left -= size
        av["story_title"] = sv["title"] if sv else None
        av["story_anchor"] = sv["anchor"] if sv else None
        article_views.append(av)

    error_views = [
        {
            "path": _s(e.get("path")) or "(unknown)",
            "position": "" if e.get("position") is None else _s(e.get("position")),
            "reason": _s(e.get("reason")),
            "kind": _s(e.get("kind")),
            "stage": _s(e.get("stage")),
            "article_id": _s(e.get("article_id")),
            "article_anchor": anchor(e.get("article_id")) if e.get("article_id") in by_id else None,
        }
        for e in errors
    ]
    error_kinds = Counter(ev["kind"] or "error" for ev in error_views)

    totals = {
        "articles": len(articles),
        "stories": len(stories),
        "independent": sum(sv["independent"] for sv in story_views),
        "outlets": len({_s(a.get("source")) for a in articles if a.get("source")}),
        "errors": len(errors),
        "multi_source": sum(1 for sv in story_views if sv["independent"] >= 2),
        "unclustered": sum(1 for aid in by_id if aid not in story_of),
        "texts_shortened": short,
        "stories_compact": sum(1 for sv in story_views if not sv["detail"]),
        "articles_compact": sum(1 for av in article_views if not av["detail"]),
    }
    return {
        "totals": totals,
        "stories": story_views,
        "articles": article_views,
        "errors": error_views,
        "error_kinds": sorted(error_kinds.items()),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "schema_version": data.get("schema_version"),
    }


def _story_view(s: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]],
                item_budget: Optional[int] = None,
                labels: Optional[dict[str, tuple[str, str]]] = None) -> dict[str, Any]:
    """``labels``: (label, tooltip) per article id, shared by the calls of one report (an
    untitled article's label reads its first lines; a run of 4,000 articles cited them
    200,000 times, two thirds of the report's time)."""
    sid = _s(s.get("id")) or "story"
    aids = [str(a) for a in (s.get("articles") or [])]
    members = [by_id[a] for a in aids if a in by_id]
    number = {aid: i for i, aid in enumerate(aids, 1)}
    labels = {} if labels is None else labels

    def ref(aid: Any) -> dict[str, Any]:
        aid = str(aid)
        art = by_id.get(aid)
        got = labels.get(aid)
        if got is None:
            label = _article_label(art, aid)
            # the citation's tooltip (every summary sentence, claim, quote and timeline entry
            # cites: the full label made a third of a large report)
            got = labels[aid] = (label, _short(label, 80))
        return {
            "id": aid,
            "anchor": anchor(aid),
            "exists": art is not None,
            "n": number.get(aid),
            "label": got[0],
            "tip": got[1],
            "source": _s(art.get("source")) if art else "",
        }

    fam_of = {str(a.get("id")): str(a.get("family") or a.get("id")) for a in members}

    def refs(ids: Any) -> list[dict[str, Any]]:
        """Citations grouped by copy family: the family's origin where cited (else its first
        cited article), with how many more of the family are cited (``more``). A report 400
        outlets ran had cited 400 articles on every claim it made."""
        groups: dict[str, list[str]] = {}
        for a in ids or []:
            a = str(a)
            groups.setdefault(fam_of.get(a, a), []).append(a)
        out = []
        for fid, ms in groups.items():
            r = ref(fid if fid in ms else ms[0])
            r["more"] = len(ms) - 1
            out.append(r)
        return out

    sources = s.get("sources") or {}
    n_articles = int(sources.get("articles") or len(aids))
    outlets = sources.get("outlets")
    if outlets is None:
        outlets = len({_s(a.get("source")) for a in members if a.get("source")}) or None
    independent = sources.get("independent")
    if independent is None:
        independent = len({_s(a.get("family") or a.get("id")) for a in members}) if members else 0

    dates = sorted(_s(a.get("published"))[:10] for a in members if a.get("published"))
    first = _s(s.get("first_published"))[:10] or (dates[0] if dates else "")
    last = _s(s.get("last_published"))[:10] or (dates[-1] if dates else "")

    title = _s(s.get("title")) or next((_s(a.get("title")) for a in members if a.get("title")), "")

    families = _families_view(s, members, ref, item_budget is not None)
    claims = []
    for c in s.get("claims") or []:
        if not isinstance(c, Mapping):
            continue
        status = _s(c.get("status")) or "single_source"
        claims.append(
            {
                "text": _s(c.get("text")),
                "status": status,
                "status_label": STATUS_LABELS.get(status, status.replace("_", " ")),
                "independent": c.get("independent_sources") or 0,
                "refs": refs(c.get("articles")),
                "quoted": bool(c.get("quoted")),
                "speaker": _s(c.get("speaker")),
                "alternatives": [
                    {"value": _s(v.get("value")), "refs": refs(v.get("articles"))}
                    for v in (c.get("values") or [])
                    if isinstance(v, Mapping)
                ],
            }
        )
    claim_order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    claims.sort(key=lambda c: (claim_order.get(c["status"], 3), -c["independent"]))
    claim_counts = Counter(c["status"] for c in claims)
    n_claims = len(claims)
    claims = _cap(claims, item_budget)

    quotes_by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in s.get("quotes") or []:
        if not isinstance(q, Mapping):
            continue
        speaker = _s(q.get("speaker")) or "Unattributed"
        quotes_by_speaker[speaker].append(
            {
                "text": _s(q.get("text")),
                "refs": refs(q.get("articles")),
                "independent": q.get("independent_sources") or 0,
                "verbatim": q.get("verbatim", True),
                "kind": _s(q.get("kind")),
            }
        )
    quotes = sorted(
        ({"speaker": k, "quotes": v} for k, v in quotes_by_speaker.items()),
        key=lambda g: (g["speaker"] == "Unattributed", -len(g["quotes"]), g["speaker"]),
    )
    n_quotes = sum(len(g["quotes"]) for g in quotes)
    if item_budget is not None and n_quotes > item_budget:  # speakers in order, until the budget
        left, kept = item_budget, []
        for g in quotes:
            if left <= 0:
                break
            kept.append({"speaker": g["speaker"], "quotes": g["quotes"][:left]})
            left -= len(kept[-1]["quotes"])
        quotes = kept

    entities = []
    for e in s.get("entities") or []:
        if not isinstance(e, Mapping):
            continue
        name = _s(e.get("name"))
        entities.append(
            {
                "name": name,
                "type": (_s(e.get("type")) or "OTHER").upper(),
                "variants": [_s(v) for v in e.get("variants") or [] if _s(v) and _s(v) != name],
                "mentions": e.get("mentions") or 0,
                "n_articles": len(e.get("articles") or []),
                "sources": e.get("independent_sources") or 0,
            }
        )
    # most independent sources first, over all types (the list is cut before it is grouped)
    entities.sort(key=lambda e: (-e["sources"], -e["n_articles"], -e["mentions"], e["name"]))
    n_entities = len(entities)
    entities = _cap(entities, None if item_budget is None else item_budget * 3 // 2)
    entity_groups = defaultdict(list)
    for e in entities:
        entity_groups[e["type"]].append(e)
    type_order = ["PERSON", "ORG", "PLACE"]
    entity_groups_list = [
        (t, entity_groups[t])
        for t in sorted(entity_groups, key=lambda t: (type_order.index(t) if t in type_order else 9, t))
    ]

    summary = [
        {"text": _s(x.get("text")), "refs": refs(x.get("citations"))}
        for x in (s.get("summary") or [])
        if isinstance(x, Mapping)
    ]
    timeline = [
        {
            "time": _s(t.get("time")),
            "kind": _s(t.get("kind")),
            "text": _s(t.get("text")),
            "refs": refs(t.get("articles")),
        }
        for t in (s.get("timeline") or [])
        if isinstance(t, Mapping)
    ]
    timeline.sort(key=lambda t: (t["time"] == "", t["time"]))
    n_timeline = len(timeline)
    timeline = _cap(timeline, item_budget)

    return {
        "id": sid,
        "anchor": story_anchor(sid),
        "title": title or "Untitled story",
        "article_ids": aids,
        "refs": [ref(a) for a in aids],
        "n_articles": n_articles,
        "outlets": outlets,
        "independent": int(independent or 0),
        "first": first,
        "last": last,
        "basis": _s(s.get("basis")),
        "storyline": _s(s.get("storyline")),
        "families": families,
        "claims": claims,
        "n_claims": n_claims,
        "claim_counts": claim_counts,
        "quotes": quotes,
        "n_quotes": n_quotes,
        "quotes_shown": sum(len(g["quotes"]) for g in quotes),
        "entity_groups": entity_groups_list,
        "n_entities": n_entities,
        "entities_shown": len(entities),
        "summary": summary,
        "timeline": timeline,
        "n_timeline": n_timeline,
    }


def _cap(rows: list, budget: Optional[int]) -> list:
    return rows if budget is None else rows[:budget]


def _passages(texts: Iterable[Any], capped: bool) -> tuple[list[str], int]:
    """(the passages shown, how many there are): with ``capped``, the first PASSAGE_BUDGET,
    each cut to PASSAGE_CHARS characters."""
    all_ = [_s(x) for x in texts or []]
    if not capped:
        return all_, len(all_)
    shown = [_short(x, PASSAGE_CHARS) for x in all_[:PASSAGE_BUDGET]]
    return shown, len(all_)


def _families_view(s: Mapping[str, Any], members: list, ref, capped: bool = False) -> list[dict[str, Any]]:
    """Copy families of a story: from ``story.families`` or, failing that, article fields."""
    by_id = {str(a.get("id")): a for a in members}
    fams = []
    for f in s.get("families") or []:
        if not isinstance(f, Mapping):
            continue
        origin = _s(f.get("origin") or f.get("id"))
        copies = []
        for m in f.get("members") or []:
            if not isinstance(m, Mapping) or _s(m.get("id")) == origin:
                continue
            art = by_id.get(_s(m.get("id"))) or {}
            copies.append(_copy_view(m, art, ref, capped))
        fams.append({"origin": ref(origin), "copies": copies, "wire": _s(f.get("wire")),
                     "outlets": [_s(o) for o in f.get("outlets") or []]})
    if not fams and members:
        groups: dict[str, list] = defaultdict(list)
        for a in members:
            groups[_s(a.get("family") or a.get("id"))].append(a)
        for fid, arts in groups.items():
            origin = fid if fid in by_id else _s(arts[0].get("id"))
            copies = [_copy_view(a, a, ref, capped) for a in arts if _s(a.get("id")) != origin]
            fams.append({"origin": ref(origin), "copies": copies, "wire": _s(by_id.get(origin, {}).get("wire")),
                         "outlets": sorted({_s(a.get("source")) for a in arts if a.get("source")})})
    fams.sort(key=lambda f: (-len(f["copies"]), f["origin"]["label"]))
    return fams


def _copy_view(m: Mapping[str, Any], art: Mapping[str, Any], ref, capped: bool = False) -> dict[str, Any]:
    relation = _s(m.get("relation") or art.get("relation")) or "copy"
    sim = m.get("similarity") or art.get("similarity") or {}
    added, n_added = _passages(art.get("added"), capped)
    dropped, n_dropped = _passages(art.get("dropped"), capped)
    return {
        "ref": ref(m.get("id")),
        "via": ref(m.get("origin")) if m.get("origin") else None,
        "relation": relation,
        "relation_label": RELATION_LABELS.get(relation, relation),
        "reason": _s(m.get("reason") or art.get("reason")),
        "similarity": ", ".join(f"{k} {_fmt(v)}" for k, v in sim.items() if _scalar(v)) if isinstance(sim, Mapping) else "",
        "added": added,
        "n_added": n_added,
        "dropped": dropped,
        "n_dropped": n_dropped,
    }


def _article_view(a: Mapping[str, Any]) -> dict[str, Any]:
    aid = _s(a.get("id"))
    added = [_s(x) for x in a.get("added") or [] if _s(x).strip()]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", _s(a.get("text"))) if p.strip()]
    removed = []
    for r in a.get("removed") or []:
        if isinstance(r, Mapping):
            removed.append({"text": _s(r.get("text")), "rule": _s(r.get("rule"))})
        else:
            removed.append({"text": _s(r), "rule": ""})
    relation = _s(a.get("relation")) or "original"
    return {
        "id": aid,
        "anchor": anchor(aid),
        "title": _headline(a) or "(no title)",
        "source": _s(a.get("source")),
        "url": _safe_url(a.get("url")),
        "url_text": _s(a.get("url")),
        "path": _s(a.get("path")),
        "position": "" if a.get("position") is None else _s(a.get("position")),
        "format": _s(a.get("format")),
        "published": _s(a.get("published")),
        "language": _s(a.get("language")),
        "byline": _s(a.get("byline")),
        "dateline": _s(a.get("dateline")),
        "wire": _s(a.get("wire")),
        "family": _s(a.get("family")),
        "origin": _s(a.get("origin")),
        "origin_anchor": anchor(a.get("origin")) if a.get("origin") else None,
        "relation": relation,
        "relation_label": RELATION_LABELS.get(relation, relation),
        "paragraphs": [_mark(p, added) for p in paragraphs],
        "n_words": len(_s(a.get("text")).split()),
        "omitted_paragraphs": 0,
        "removed": removed,
    }


def _mark(paragraph: str, added: Iterable[str]) -> list[dict[str, Any]]:
    """Split a paragraph into segments, flagging spans that a rewrite added to its origin."""
    spans: list[tuple[int, int]] = []
    for a in added:
        a = a.strip()
        if len(a) < 8:
            continue
        start = paragraph.find(a)
        while start >= 0:
            spans.append((start, start + len(a)))
            start = paragraph.find(a, start + len(a))
    if not spans:
        return [{"text": paragraph, "added": False}]
    spans.sort()
    merged: list[list[int]] = []
    for st, en in spans:
        if merged and st <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], en)
        else:
            merged.append([st, en])
    out, pos = [], 0
    for st, en in merged:
        if st > pos:
            out.append({"text": paragraph[pos:st], "added": False})
        out.append({"text": paragraph[st:en], "added": True})
        pos = en
    if pos < len(paragraph):
        out.append({"text": paragraph[pos:], "added": False})
    return out


def _headline(art: Mapping[str, Any]) -> str:
    """An article's title, else its first line that is not a note about it (``model.display_title``)."""
    return display_title(_s(art.get("title")), _s(art.get("text")))


def _article_label(art: Optional[Mapping[str, Any]], aid: str) -> str:
    if not art:
        return aid
    src = _s(art.get("source"))
    title = _headline(art)
    if src and title:
        return f"{src}: {title}"
    return title or src or aid


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _safe_url(url: Any) -> Optional[str]:
    """Only http(s) URLs become links (no ``javascript:`` or ``data:`` hrefs)."""
    u = _s(url).strip()
    return u if re.match(r"(?i)^https?://", u) else None


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _scalar(v: Any) -> bool:
    return isinstance(v, (int, float, str)) and not isinstance(v, bool)


def _fmt(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


_ENV = None


def _environment():
    global _ENV
    if _ENV is None:
        from jinja2 import Environment, PackageLoader, StrictUndefined  # noqa: F401

        _ENV = Environment(
            loader=PackageLoader("newsfold.report", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV
