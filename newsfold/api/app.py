"""The JSON API (FastAPI, OpenAPI at ``/docs``) and the web UI, in one app.

    create_app(db, token=<env NEWSFOLD_TOKEN>) -> FastAPI
    serve(db, host="127.0.0.1", port=8000)       # `newsfold serve`

Writes (``POST /api/articles``) need ``Authorization: Bearer <token>``; with no token
configured every write is refused (403). Posted articles run through the streaming
pipeline inside the request, so they are in their story when the response returns.
"""


import json
import os
import secrets
import threading
from contextlib import asynccontextmanager
from typing import Any, Optional

from newsfold.ingest.common import json_loads
from newsfold.model import ErrorRecord
from newsfold.store.base import Store

_ENV = object()  # sentinel: read NEWSFOLD_TOKEN

#: Largest accepted request body (bytes); larger ones get 413.
DEFAULT_MAX_BODY = 5_000_000

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


class Backend:
    """The store and the streaming pipeline behind the app (opened lazily, one lock)."""

    def __init__(self, db: str | Store, config=None) -> None:
        self._db = db
        self._store: Optional[Store] = db if isinstance(db, Store) else None
        self._pipeline = None
        self.config = config
        self.lock = threading.RLock()

    @property
    def store(self) -> Store:
        if self._store is None:
            from newsfold.store import open_store

            self._store = open_store(str(self._db))
        return self._store

    @property
    def pipeline(self):
        if self._pipeline is None:
            from newsfold.run.stream import StreamingPipeline

            self._pipeline = StreamingPipeline(self.store, self.config)
        return self._pipeline

    def close(self) -> None:
        if self._pipeline is not None:
            self._pipeline.flush()
        if self._store is not None and not isinstance(self._db, Store):
            self._store.close()
            self._store = None


def _parse_articles(body: bytes, content_type: str) -> list[Any]:
    """A JSON array (or one object) of articles, or JSONL. A body that cannot be read at all
    (not UTF-8, empty, not JSON) raises ValueError with a clear message; a JSON Lines line
    that is not JSON becomes an :class:`ErrorRecord` in its place, so the other items of the
    batch are still ingested. What is wrong with an item (not an object, no text, an id or
    title of the wrong type) is reported by the pipeline's reader and cleaning, as for a
    JSONL file."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"request body is not UTF-8 (byte {exc.start})") from None
    items: list[Any]
    if "ndjson" in content_type or "jsonl" in content_type:
        items = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json_loads(line))
            except json.JSONDecodeError as exc:
                items.append(_item_error(len(items), f"malformed JSON on line {lineno}, column {exc.colno}: {exc.msg}"))
            except ValueError:
                items.append(_item_error(len(items), f"malformed JSON on line {lineno}: nested too deeply"))
    else:
        if not text.strip():
            raise ValueError("empty body: expected a JSON array of article objects")
        try:
            data = json_loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        except ValueError:
            raise ValueError("malformed JSON: nested too deeply") from None
        if not isinstance(data, (list, dict)):
            raise ValueError(f"expected a JSON array of article objects, got {type(data).__name__}")
        items = data if isinstance(data, list) else [data]
    if not items:
        raise ValueError("no article objects in the request body")
    return items


def _item_error(i: int, why: str) -> ErrorRecord:
    return ErrorRecord(path="api", position=i, stage="ingest", kind="malformed_json", reason=f"item {i}: {why}")


def create_app(db: str | Store = "newsfold.db", token: Any = _ENV, *, config=None,
               max_body: int = DEFAULT_MAX_BODY):
    """Build the FastAPI app over a store (a path/URL, or a :class:`Store`)."""
    try:
        from fastapi import FastAPI, HTTPException, Query, Request
        from fastapi.responses import JSONResponse
        from starlette.concurrency import run_in_threadpool
    except ImportError as exc:  # pragma: no cover
        raise ImportError("the server needs FastAPI: pip install 'newsfold[serve]'") from exc

    import newsfold
    from newsfold.api import schemas as S
    from newsfold.model import SCHEMA_VERSION

    if token is _ENV:
        token = os.environ.get("NEWSFOLD_TOKEN") or None
    backend = Backend(db, config)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        with backend.lock:  # save the streaming state; close a store we opened
            backend.close()

    app = FastAPI(
        lifespan=lifespan,
        title="newsfold",
        version=newsfold.__version__,
        description="Stories folded from news articles: copy families, independent sources, "
        "claims, quotes, cited summaries and timelines.",
    )
    app.state.backend = backend
    app.state.token = token

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # ---------------------------------------------------------------- JSON API
    @app.get("/api/health", response_model=S.Health, tags=["api"])
    def health():
        with backend.lock:
            store = backend.store
            return {
                "status": "ok", "version": newsfold.__version__, "schema_version": SCHEMA_VERSION,
                "articles": store.count_articles(), "stories": store.count_stories(),
                "writes_enabled": bool(token),
            }

    @app.get("/api/stories", response_model=S.StoryList, tags=["api"])
    def list_stories(
        q: Optional[str] = Query(None, max_length=500, description="Full text over titles, summaries and article text."),
        since: Optional[str] = Query(None, max_length=40, description="ISO date: stories last published on/after."),
        until: Optional[str] = Query(None, max_length=40, description="ISO date: stories first published on/before."),
        outlet: Optional[str] = Query(None, max_length=200, description="Only stories with an article from this outlet."),
        min_independent: Optional[int] = Query(None, ge=0, le=1_000_000, description="Minimum independent origins."),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=10_000_000),
    ):
        with backend.lock:
            items, total = _query_stories(backend.store, q=q, since=since, until=until, outlet=outlet,
                                          min_independent=min_independent, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset,
                "items": [S.story_summary(s) for s in items]}

    @app.get("/api/stories/{story_id}", response_model=S.StoryModel, tags=["api"],
             responses={404: {"model": S.Problem}})
    def get_story(story_id: str):
        with backend.lock:
            story = backend.store.get_story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return story.to_dict()

    @app.get("/api/articles/{article_id:path}", response_model=S.ArticleDetailModel, tags=["api"],
             responses={404: {"model": S.Problem}})
    def get_article(article_id: str):
        with backend.lock:
            detail = article_detail(backend.store, article_id)
        if detail is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return detail

    article_in_schema = S.ArticleIn.model_json_schema(ref_template="#/components/schemas/{model}")

    @app.post(
        "/api/articles", response_model=S.IngestResult, tags=["api"], status_code=200,
        responses={401: {"model": S.Problem}, 403: {"model": S.Problem},
                   413: {"model": S.Problem}, 422: {"model": S.Problem}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "array", "items": article_in_schema, "maxItems": 1000}},
        }}},
    )
    async def post_articles(request: Request):
        """Ingest articles (a JSON array, or JSONL with ``application/x-ndjson``).

        Field names are the JSONL ingest ones: ``id, title, text, date, source, url`` (others
        are kept). Needs ``Authorization: Bearer <NEWSFOLD_TOKEN>``.
        """
        if not token:
            raise HTTPException(403, "writes are disabled: set NEWSFOLD_TOKEN on the server to enable them")
        auth = request.headers.get("authorization", "")
        scheme, _, given = auth.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), str(token).encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
        declared = request.headers.get("content-length")
        if declared and declared.isdecimal() and int(declared) > max_body:
            return JSONResponse({"detail": f"request body larger than {max_body} bytes"}, status_code=413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                return JSONResponse({"detail": f"request body larger than {max_body} bytes"}, status_code=413)
            chunks.append(chunk)
        try:
            items = _parse_articles(b"".join(chunks), request.headers.get("content-type", ""))
        except ValueError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        def ingest():
            with backend.lock:
                pipeline = backend.pipeline
                stories = pipeline.add(items)
                return stories, list(pipeline.last_added), [e.to_dict() for e in pipeline.errors]

        # the pipeline is CPU work under the store lock: off the event loop, so requests
        # that need no lock (static files, docs) are served meanwhile
        stories, added, errors = await run_in_threadpool(ingest)
        return {"received": len(items), "added": added, "stories": stories, "errors": errors}

    # ---------------------------------------------------------------- web UI
    from newsfold.web.views import mount_web

    mount_web(app, backend)
    return app


def _query_stories(store: Store, *, limit: int, offset: int, **filters):
    """One page of stories and the total count for the same filters."""
    items = store.list_stories(limit=limit, offset=offset, **filters)
    if not any(v is not None for v in filters.values()):
        total = store.count_stories()
    elif len(items) < limit and (items or offset == 0):
        total = offset + len(items)
    else:
        total = store.count_stories(**filters)
    return items, total


def article_detail(store: Store, article_id: str) -> Optional[dict[str, Any]]:
    """An article with its copy family (members, relation, evidence) and story title."""
    art = store.get_article(article_id)
    if art is None:
        return None
    d = art.to_dict()
    members: list[dict[str, Any]] = []
    story = store.get_story(art.story) if art.story else None
    if story is not None:
        d["story_title"] = story.title
        fam_id = art.family or art.id
        for fam in story.families:
            if fam.id == fam_id or any(m.id == art.id for m in fam.members):
                members = [m.to_dict() for m in fam.members]
                break
    d["family_members"] = members
    return d


def serve(db: str = "newsfold.db", host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API + UI with uvicorn (``newsfold serve``)."""
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover
        raise ImportError("the server needs uvicorn: pip install 'newsfold[serve]'") from exc
    uvicorn.run(create_app(db), host=host, port=port, log_level="info")
