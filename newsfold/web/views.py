"""Server-rendered web UI (Jinja2, autoescape on; htmx only for small enhancements).

    /                 story list: coverage (articles -> outlets -> independent), freshness, search
    /stories/{id}     cited summary, copy families, claim-by-source matrix, quotes, entities, timeline
    /articles/{id}    clean text, provenance, removed boilerplate (a <details> toggle)

Article text is untrusted: everything goes through Jinja2's escaping, links only keep
http(s) URLs, and the app sends a Content-Security-Policy with ``script-src 'self'``.
"""


from collections import OrderedDict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

from newsfold.model import entity_rank

HERE = Path(__file__).resolve().parent
RELATION_LABEL = {
    "original": "origin", "copy": "copy", "truncated": "truncated",
    "rewrite": "rewrite", "embellished": "embellished",
}


def safe_url(url: Optional[str]) -> Optional[str]:
    """Only http(s) URLs become links (no ``javascript:``, ``data:``...)."""
    if not url:
        return None
    try:
        parts = urlsplit(str(url).strip())
    except ValueError:
        return None
    return str(url).strip() if parts.scheme in ("http", "https") and parts.netloc else None


def freshness(value: Optional[str], now: Optional[datetime] = None) -> str:
    """'today', '3 days ago', '2 months ago'... from an ISO date; '' when unknown."""
    if not value:
        return ""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    today = (now or datetime.now(timezone.utc)).date()
    days = (today - d).days
    if days < 0:
        return "upcoming"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 31:
        return f"{days} days ago"
    if days < 365:
        months = days // 30
        return f"{months} month{'s' if months > 1 else ''} ago"
    years = days // 365
    return f"{years} year{'s' if years > 1 else ''} ago"


def story_view(story, articles: dict[str, Any]) -> dict[str, Any]:
    """Everything the story page shows, derived from the Story and its articles."""
    # citation numbers follow the story's article order
    cite_no = {aid: i + 1 for i, aid in enumerate(story.articles)}
    # families: origin -> copies (a tree, chains allowed)
    families = []
    fam_of: dict[str, str] = {}
    for fam in story.families:
        children: dict[Optional[str], list] = {}
        member_ids = {m.id for m in fam.members}
        for mem in fam.members:
            fam_of[mem.id] = fam.id
            parent = mem.origin if mem.origin in member_ids and mem.id != fam.origin else None
            if mem.id == fam.origin:
                continue
            children.setdefault(parent or fam.origin, []).append(mem)

        def tree(node_id: str, depth: int = 0) -> list[dict[str, Any]]:
            out = []
            for mem in children.get(node_id, []):
                if depth > 20:
                    break
                out.append({"member": mem, "article": articles.get(mem.id),
                            "children": tree(mem.id, depth + 1)})
            return out

        families.append({
            "family": fam, "origin": articles.get(fam.origin), "children": tree(fam.origin),
            "size": len(fam.members),
        })
    for aid in story.articles:  # articles dedup put in no family: their own origin
        if aid not in fam_of:
            fam_of[aid] = aid
    # the independent sources are the families (origins); columns of the matrix
    columns: list[dict[str, Any]] = []
    seen = set()
    for aid in story.articles:
        fid = fam_of.get(aid, aid)
        if fid in seen:
            continue
        seen.add(fid)
        origin = articles.get(fid) or articles.get(aid)
        label = (origin.source if origin is not None and origin.source else None) or fid
        columns.append({"id": fid, "label": label, "article": origin})
    matrix = []
    for claim in story.claims:
        fams = {fam_of.get(a, a) for a in claim.articles}
        row = []
        for col in columns:
            in_col = [a for a in claim.articles if fam_of.get(a, a) == col["id"]]
            row.append(in_col)
        matrix.append({"claim": claim, "cells": row, "n_families": len(fams)})
    def cites(ids) -> list[dict[str, Any]]:
        """Citations grouped by copy family: the family's origin where cited (else its first
        cited article) and how many more of the family are cited. A claim of a report 400
        outlets ran cited 400 articles one by one: 25,000 links on one page."""
        groups: "OrderedDict[str, list]" = OrderedDict()
        for aid in ids or ():
            groups.setdefault(fam_of.get(aid, aid), []).append(aid)
        return [{"aid": fid if fid in members else members[0], "more": len(members) - 1,
                 "family": fid} for fid, members in groups.items()]

    # most telling first: conflicts, then corroborated by strength, then single-source
    rank = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    matrix.sort(key=lambda r: (rank.get(r["claim"].status, 3), -(r["claim"].independent_sources or 0)))
    quotes_by_speaker: "OrderedDict[str, list]" = OrderedDict()
    for q in sorted(story.quotes, key=lambda q: (q.speaker is None, -(q.independent_sources or 0))):
        quotes_by_speaker.setdefault(q.speaker or "Unattributed", []).append(q)
    entities_by_type: "OrderedDict[str, list]" = OrderedDict()
    for e in sorted(story.entities, key=entity_rank):
        entities_by_type.setdefault(e.type, []).append(e)
    timeline = sorted(story.timeline, key=lambda ev: (ev.time is None, ev.time or ""))
    return {
        "cite_no": cite_no, "cites": cites, "families": families, "columns": columns, "matrix": matrix,
        "quotes_by_speaker": quotes_by_speaker, "entities_by_type": entities_by_type,
        "timeline": timeline,
        "counts": {
            "claims": len(story.claims),
            "single_source": sum(1 for c in story.claims if c.status == "single_source"),
            "conflicting": sum(1 for c in story.claims if c.status == "conflicting"),
            "corroborated": sum(1 for c in story.claims if c.status == "corroborated"),
        },
    }


def make_templates():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(("html", "xml"), default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["freshness"] = freshness
    env.filters["relation_label"] = lambda r: RELATION_LABEL.get(r or "original", r)
    env.filters["paragraphs"] = lambda text: [p.strip() for p in (text or "").split("\n") if p.strip()]
    env.filters["short"] = lambda s, n=80: (s if len(s or "") <= n else (s or "")[: n - 1].rstrip() + "…")
    env.filters["pct"] = _pct
    return env


def _pct(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{v * 100:.0f}%" if v <= 1.0 else f"{v:.2f}"


def mount_web(app, backend) -> None:
    """Add the UI routes and /static to a FastAPI app."""
    from fastapi import Query, Request
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    import newsfold
    from newsfold.api.app import _query_stories, article_detail

    env = make_templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
        ctx.setdefault("version", newsfold.__version__)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    page_size = 50

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, q: Optional[str] = Query(None, max_length=500),
                    min_independent: Optional[int] = Query(None, ge=0, le=1_000_000),
                    outlet: Optional[str] = Query(None, max_length=200),
                    since: Optional[str] = Query(None, max_length=40),
                    until: Optional[str] = Query(None, max_length=40),
                    offset: int = Query(0, ge=0, le=10_000_000)):
        filters = {"q": (q or "").strip() or None, "min_independent": min_independent,
                   "outlet": (outlet or "").strip() or None, "since": (since or "").strip() or None,
                   "until": (until or "").strip() or None}
        with backend.lock:
            stories, total = _query_stories(backend.store, limit=page_size, offset=offset, **filters)
            n_articles = backend.store.count_articles()

        def page_url(new_offset: int) -> str:
            params = {k: v for k, v in filters.items() if v is not None}
            if new_offset:
                params["offset"] = new_offset
            return "/?" + urlencode(params) if params else "/"

        ctx = dict(is_index=True, stories=stories, total=total, q=filters["q"] or "",
                   min_independent=min_independent, outlet=filters["outlet"] or "",
                   since=filters["since"] or "", until=filters["until"] or "",
                   offset=offset, page_size=page_size, n_articles=n_articles, page_url=page_url)
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "story-list":
            return render("_story_rows.html", **ctx)
        return render("index.html", **ctx)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str):
        with backend.lock:
            story = backend.store.get_story(story_id)
            if story is None:
                return render("not_found.html", status=404, what="story", ident=story_id)
            arts = {a.id: a for a in backend.store.get_articles(list(story.articles))}
            related = []
            if story.storyline:  # other stories of the same storyline, newest first
                related = [s for s in backend.store.list_stories(limit=500)
                           if s.storyline == story.storyline and s.id != story.id][:20]
        return render("story.html", story=story, articles=arts, v=story_view(story, arts), related=related)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str):
        with backend.lock:
            detail = article_detail(backend.store, article_id)
            if detail is None:
                return render("not_found.html", status=404, what="article", ident=article_id)
            article = backend.store.get_article(article_id)
            origin = backend.store.get_article(article.origin) if article.origin else None
        return render("article.html", a=article, d=detail, origin=origin)
