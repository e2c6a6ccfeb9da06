"""Property-based API tests from the OpenAPI document (schemathesis): no input gives a 5xx."""

from __future__ import annotations

import json

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from newsfold.api.app import create_app  # noqa: E402
from newsfold.model import Article, Story  # noqa: E402
from newsfold.store import open_store  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402

TOKEN = "schema-token"


def _app(tmp_dir):
    store = open_store(str(tmp_dir / "schema.db"))
    data = json.loads((FIXTURES / "api" / "corpus.json").read_text(encoding="utf-8"))
    store.add_articles([Article.from_dict(a) for a in data["articles"]])
    store.put_stories([Story.from_dict(s) for s in data["stories"]])
    # writes enabled so POST bodies reach the parser and the pipeline's input checks
    return create_app(store, token=TOKEN)


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    return _app(tmp_path_factory.mktemp("schema"))


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(api_app):
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


@schema.include(method="GET").parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_reads_never_5xx(case):
    case.call_and_validate(checks=[not_a_server_error])


@schema.include(method="POST").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_unauthenticated_writes_never_5xx(case):
    response = case.call_and_validate(checks=[not_a_server_error])
    if response.request.method == "POST":  # schemathesis also probes other methods (405)
        assert response.status_code in (401, 422), response.status_code


def test_malformed_bodies_never_5xx(api_app):
    """Write bodies that get past authentication but are not what the schema describes."""
    from fastapi.testclient import TestClient

    c = TestClient(api_app)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for body in (b"null", b"[]", b'"just a string"', b"[" * 5000):  # no batch to read at all
        r = c.post("/api/articles", content=body, headers={**auth, "Content-Type": "application/json"})
        assert r.status_code == 422, (body[:40], r.status_code, r.text[:200])
    for body in (b"{}", b"[null]", b'[{"text": ""}]', b'[{"text": 5}]', b'[{"text": "x", "id": []}]'):
        r = c.post("/api/articles", content=body, headers={**auth, "Content-Type": "application/json"})
        assert r.status_code == 200, (body[:40], r.status_code, r.text[:200])  # one bad item, reported
        out = r.json()
        assert out["added"] == [] and len(out["errors"]) == 1 and out["errors"][0]["position"] == 0


@pytest.mark.slow
def test_authenticated_writes_never_5xx(tmp_path):
    """Generated article arrays, with the token, go through cleaning and the whole pipeline."""
    from hypothesis import given

    app = create_app(str(tmp_path / "w.db"), token=TOKEN)
    op = schemathesis.openapi.from_asgi("/openapi.json", app)["/api/articles"]["POST"]

    @given(case=op.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        r = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code < 500, (case.body, r.status_code, r.text[:300])
        if r.status_code == 200:
            body = r.json()
            assert body["received"] == len(case.body)
            assert len(body["added"]) <= body["received"]
            for aid in body["added"]:  # everything reported added is readable
                assert app.state.backend.store.get_article(aid) is not None

    check()
