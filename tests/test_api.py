"""JSON API and server-rendered UI over a store loaded with a small hand-made corpus.

The corpus (tests/fixtures/api/corpus.json) is a fictional harbour-storm story with a copy
family (origin, truncated copy, embellished rewrite), a second independent origin, claims of
every status, and a hostile article whose every field carries script payloads.
"""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from newsfold.api.app import CSP, create_app  # noqa: E402
from newsfold.model import Article, Story  # noqa: E402
from newsfold.store import open_store  # noqa: E402

TOKEN = "test-token-123"


def load_corpus(store, fixtures_dir):
    data = json.loads((fixtures_dir / "api" / "corpus.json").read_text(encoding="utf-8"))
    store.add_articles([Article.from_dict(a) for a in data["articles"]])
    store.put_stories([Story.from_dict(s) for s in data["stories"]])
    return data


@pytest.fixture()
def store(tmp_path, fixtures_dir):
    st = open_store(str(tmp_path / "api.db"))
    load_corpus(st, fixtures_dir)
    yield st
    st.close()


@pytest.fixture()
def client(store):
    return TestClient(create_app(store, token=TOKEN))


@pytest.fixture()
def readonly_client(store):
    return TestClient(create_app(store, token=None))


# ----------------------------------------------------------------------------- reads
def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["articles"] == 6 and body["stories"] == 3
    assert body["writes_enabled"] is True


def test_story_list_and_filters(client):
    body = client.get("/api/stories").json()
    assert body["total"] == 3
    ids = {s["id"] for s in body["items"]}
    assert ids == {"s-harbor", "s-evil", "s-harbor-reopen"}
    harbor = next(s for s in body["items"] if s["id"] == "s-harbor")
    assert harbor["sources"] == {"articles": 4, "outlets": 4, "independent": 2}
    assert harbor["n_claims"] == 4 and harbor["n_single_source"] == 2 and harbor["n_conflicting"] == 1
    assert "claims" not in harbor  # list rows are light; the full story is at /api/stories/{id}

    two = client.get("/api/stories", params={"min_independent": 2}).json()
    assert [s["id"] for s in two["items"]] == ["s-harbor"] and two["total"] == 1

    q = client.get("/api/stories", params={"q": "fishermen"}).json()
    assert [s["id"] for s in q["items"]] == ["s-harbor"]

    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert len(page["items"]) == 1 and page["total"] == 3 and page["offset"] == 1

    assert client.get("/api/stories", params={"limit": 0}).status_code == 422


def test_story_detail_has_the_whole_analysis(client):
    r = client.get("/api/stories/s-harbor")
    assert r.status_code == 200
    s = r.json()
    assert [c["status"] for c in s["claims"]] == ["corroborated", "conflicting", "single_source", "single_source"]
    assert [(c["quoted"], c["speaker"]) for c in s["claims"]][-2:] == [(False, None), (True, "Lena Ortiz")]
    assert s["families"][0]["members"][2]["relation"] == "embellished"
    assert {q["speaker"] for q in s["quotes"]} == {"Lena Ortiz", "Tomas Reyes"}
    assert s["summary"][0]["citations"] == ["harbor-1", "harbor-4"]
    assert client.get("/api/stories/does-not-exist").status_code == 404


def test_article_detail_has_family_and_boilerplate(client):
    r = client.get("/api/articles/harbor-3")
    assert r.status_code == 200
    a = r.json()
    assert a["relation"] == "embellished" and a["origin"] == "harbor-1"
    assert a["added"] == ["cost $3 million"]
    assert {m["id"] for m in a["family_members"]} == {"harbor-1", "harbor-2", "harbor-3"}
    assert a["story_title"] == "Storm closes Port Alder harbor"
    b = client.get("/api/articles/harbor-1").json()
    assert b["removed"] == [{"text": "Subscribe to our newsletter", "rule": "boilerplate"}]
    assert client.get("/api/articles/nope").status_code == 404


def test_openapi_uses_the_model_schema(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("Story", "Claim", "Quote", "Family", "ArticleDetail", "StoryList"):
        assert name in schemas, name
    assert set(schemas["Claim"]["properties"]) == {"text", "articles", "independent_sources", "status", "values",
                                                   "quoted", "speaker"}
    post = spec["paths"]["/api/articles"]["post"]
    assert {"401", "403", "413", "422"} <= set(post["responses"])


# ----------------------------------------------------------------------------- writes: refusals
ARTICLE = {"id": "post-1", "title": "Harbor reopens in Port Alder",
           "text": "The Port Alder harbor reopened on Wednesday after the storm, officials said.",
           "date": "2025-03-05", "source": "Coastwire"}


def test_write_refused_without_configured_token(readonly_client):
    r = readonly_client.post("/api/articles", json=[ARTICLE], headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403
    assert "NEWSFOLD_TOKEN" in r.json()["detail"]


def test_token_from_environment(store, monkeypatch):
    monkeypatch.setenv("NEWSFOLD_TOKEN", "from-env")
    c = TestClient(create_app(store))
    assert c.get("/api/health").json()["writes_enabled"] is True
    assert c.post("/api/articles", json=[ARTICLE], headers={"Authorization": "Bearer nope"}).status_code == 401
    monkeypatch.delenv("NEWSFOLD_TOKEN")
    c2 = TestClient(create_app(store))
    assert c2.post("/api/articles", json=[ARTICLE], headers={"Authorization": "Bearer from-env"}).status_code == 403


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": TOKEN}])
def test_write_with_missing_or_wrong_token_is_401(client, store, headers):
    before = store.count_articles()
    r = client.post("/api/articles", json=[ARTICLE], headers=headers)
    assert r.status_code == 401
    assert r.headers.get("www-authenticate") == "Bearer"
    assert store.count_articles() == before


def test_oversized_body_is_413(store):
    c = TestClient(create_app(store, token=TOKEN, max_body=10_000))
    big = [dict(ARTICLE, text="word " * 5000)]
    r = c.post("/api/articles", json=big, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413
    assert "10000 bytes" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(30):
            yield b"x" * 1000

    r = c.post("/api/articles", content=chunks(), headers={"Authorization": f"Bearer {TOKEN}",
                                                         "Content-Type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(
    "body,ctype,message",
    [
        (b'[{"id": "x", "text": "abc"', "application/json", "malformed JSON at line 1"),
        (b"", "application/json", "empty body"),
        (b"[]", "application/json", "no article objects"),
        (b"\xff\xfe[]", "application/json", "not UTF-8"),
    ],
)
def test_malformed_body_is_422_with_a_clear_message(client, body, ctype, message):
    r = client.post("/api/articles", content=body,
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": ctype})
    assert r.status_code == 422
    assert message in r.json()["detail"]


def test_bad_items_do_not_stop_the_batch(client, store):
    """An item that is not an article gets an error record (its index as ``position``) and
    the rest of the request is ingested. Before, one bad item made the whole request a 422
    and the good articles beside it were not stored."""
    body = [
        dict(ARTICLE, id="good-1"),
        7,
        {"id": ["not", "an", "id"], "text": ARTICLE["text"] + " Ferries resume."},
        {"id": "good-html", "html": "<html><body><article><p>The Port Alder ferry terminal reopened "
                                    "on Thursday, two days after the harbor, officials said.</p>"
                                    "</article></body></html>"},
        {"id": "no-text"},
    ]
    r = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    out = r.json()
    assert out["received"] == 5 and sorted(out["added"]) == ["good-1", "good-html"]
    errs = {e["position"]: e for e in out["errors"]}
    assert sorted(errs) == [1, 2, 4]
    assert errs[1]["kind"] == "malformed_json" and "expected an article object" in errs[1]["reason"]
    assert errs[2]["kind"] == "malformed_json" and "'id' is not a string or number (list)" in errs[2]["reason"]
    assert errs[4]["kind"] == "missing_text"
    assert store.get_article("good-1") is not None
    # a field of the wrong type beside a good text: the article is kept without it, and said so
    r = client.post("/api/articles", json=[{"id": "odd-title", "title": {"a": 1}, "text": ARTICLE["text"] + " Odd."}],
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.json()["added"] == ["odd-title"] and store.get_article("odd-title").title != "{'a': 1}"
    assert [(e["kind"], e["article_id"]) for e in r.json()["errors"]] == [("bad_field", "odd-title")]
    # JSON Lines: a line that is not JSON is one bad item, the next line is still read
    lines = json.dumps(dict(ARTICLE, id="jl-1", text=ARTICLE["text"] + " Boats left at dawn.")).encode() + b'\n{"text": \n' + \
        json.dumps(dict(ARTICLE, id="jl-2", text=ARTICLE["text"] + " More later.")).encode()
    r = client.post("/api/articles", content=lines,
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200
    out = r.json()
    assert sorted(out["added"]) == ["jl-1", "jl-2"]
    assert [(e["position"], e["kind"]) for e in out["errors"]] == [(1, "malformed_json")]
    assert "line 2" in out["errors"][0]["reason"]


# ----------------------------------------------------------------------------- web UI
def test_pages_render_and_send_a_strict_csp(client):
    for url in ("/", "/?q=storm", "/stories/s-harbor", "/articles/harbor-3", "/articles/evil-1", "/stories/s-evil"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert client.get("/stories/nope").status_code == 404
    assert client.get("/static/htmx.min.js").status_code == 200


def test_story_list_shows_coverage_counts(client):
    html = client.get("/").text
    row = re.search(r'<tr class="story-row" data-story="s-harbor">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="n-articles">4<', row)
    assert re.search(r'class="n-outlets">4<', row)
    assert re.search(r'class="n-independent">2<', row)
    assert 'href="/stories/s-harbor"' in row
    # search narrows the list, and the htmx partial is just the rows
    html = client.get("/?q=fishermen").text
    assert "s-harbor" in html and "s-evil" not in html
    part = client.get("/?q=fishermen", headers={"HX-Request": "true", "HX-Target": "story-list"}).text
    assert "<html" not in part and 'data-story="s-harbor"' in part


def test_story_page_sections(client):
    html = client.get("/stories/s-harbor").text
    # cited summary: citations link to article pages
    assert re.search(r'<a class="cite" href="/articles/harbor-4"[^>]*>\[4\]</a>', html)
    # copy family tree with relation badges and reasons
    assert "rel-truncated" in html and "rel-embellished" in html
    assert "adds numbers found in no other source" in html
    # claim-by-source matrix: one column per independent origin, statuses marked
    matrix = re.search(r'<table class="matrix">(.*?)</table>', html, re.S).group(1)
    assert len(re.findall(r'<th class="src"', matrix)) == 2
    assert 'class="badge single-source"' in matrix and 'class="badge conflicting"' in matrix
    assert "status-single_source" in matrix
    # a claim read from a quotation says whose words it is
    assert re.search(r"north pier lost 40 metres of its wall.”\s*<span[^>]*>quoted: Lena Ortiz</span>", matrix)
    # quotes by speaker, entities, timeline
    assert "Lena Ortiz" in html and "Tomas Reyes" in html
    assert 'id="timeline"' in html and "2025-03-03" in html


def test_article_page_has_text_and_boilerplate_toggle(client):
    html = client.get("/articles/harbor-1").text
    assert '<details class="removed"' in html and "Subscribe to our newsletter" in html
    html = client.get("/articles/harbor-3").text
    assert "Derived from" in html and 'href="/articles/harbor-1"' in html
    assert "cost $3 million" in html


def test_untrusted_text_is_escaped_everywhere(client):
    for url in ("/", "/stories/s-evil", "/articles/evil-1", "/articles/harbor-4"):
        html = client.get(url).text
        # the only script element is the vendored htmx
        assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/htmx.min.js" defer>'], url
        assert not re.search(r"<(img|svg|iframe|b)\b[^>]*\bon\w+=", html, re.I), url
        assert 'href="javascript:' not in html.lower(), url
        if "evil" in url:
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_response_models_follow_the_dataclasses(client):
    """One schema: every model.py dataclass appears in OpenAPI with exactly its fields."""
    import dataclasses

    from newsfold import model as m

    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for cls in (m.Story, m.Family, m.FamilyMember, m.Entity, m.Quote, m.Claim, m.SummarySentence,
                m.TimelineEvent, m.ErrorRecord):
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(schemas[cls.__name__]["properties"]) == fields, cls.__name__
    article_fields = {f.name for f in dataclasses.fields(m.Article)}
    assert set(schemas["ArticleDetail"]["properties"]) == article_fields | {"family_members", "story_title"}
    story_fields = {f.name for f in dataclasses.fields(m.Story)}
    assert set(schemas["StorySummary"]["properties"]) >= story_fields - {
        "families", "entities", "quotes", "claims", "timeline"}


def test_list_page_filters_and_paging_links(client):
    html = client.get("/", params={"outlet": "Alder Herald"}).text
    assert 'data-story="s-harbor"' in html and 'data-story="s-evil"' not in html
    assert 'value="Alder Herald"' in html
    html = client.get("/", params={"since": "2025-03-05"}).text
    assert 'data-story="s-evil"' in html and 'data-story="s-harbor"' not in html
    html = client.get("/", params={"q": "storm", "offset": 50}).text
    assert 'href="/?q=storm"' in html  # "newer" keeps the search


@pytest.mark.parametrize("q", ['"', "AND", "*", "NEAR(", "'; DROP TABLE stories; --", "a OR", "-", "^x", "ü", "\x00"])
def test_odd_search_strings_never_fail(client, q):
    assert client.get("/", params={"q": q}).status_code == 200
    assert client.get("/api/stories", params={"q": q}).status_code == 200


def test_story_page_links_its_storyline(client):
    html = client.get("/stories/s-harbor").text
    assert re.search(r'<p class="storyline">Storyline: <a href="/stories/s-harbor-reopen">', html)
    assert 'class="storyline"' not in client.get("/stories/s-evil").text


def test_an_untitled_article_is_shown_by_its_first_line(store, client):
    """Feeds without titles are common (JSONL exports, plain text): the page was headed by the
    article's id."""
    from newsfold.model import Article

    store.add_articles([Article(id="untitled-1", text="Harbor crews clear debris in Port Alder.\n\n"
                                "Crews worked through the night on Tuesday, officials said.")])
    html = client.get("/articles/untitled-1").text
    assert "<h1>Harbor crews clear debris in Port Alder.</h1>" in html
    assert "<title>Harbor crews clear debris in Port Alder." in html


def test_story_page_cites_a_copy_family_once(client):
    """A claim that three articles of one copy family state cites the family's origin once,
    with how many more of the family it rests on (a report 400 outlets ran had put 400
    citation links on every claim: 25,000 on one page)."""
    html = client.get("/stories/s-harbor").text
    matrix = re.search(r'<table class="matrix">(.*?)</table>', html, re.S).group(1)
    row = next(r for r in re.findall(r"<tr class=\"claim.*?</tr>", matrix, re.S)
               if "closed the Port Alder harbor" in r)
    assert re.findall(r'href="/articles/([^"]+)"', row) == ["harbor-1", "harbor-4"]
    assert re.search(r'<a class="cite more" href="#fam-harbor-1" title="and 2 more articles'
                     r' of this copy family">\+2</a>', row)
    assert 'id="fam-harbor-1"' in html
