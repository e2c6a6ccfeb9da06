"""POST /api/articles runs the streaming pipeline: the article is in its story on return."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from newsfold import Engine  # noqa: E402
from newsfold.api.app import create_app  # noqa: E402
from newsfold.store import open_store  # noqa: E402

pytestmark = pytest.mark.slow

TOKEN = "post-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FOLLOW_UP = {
    "id": "posted-1", "date": "2025-08-01", "source": "Example Wire", "url": "https://example.org/posted-1",
    "title": "Lavrov and Syrian foreign minister al-Shaibani hold talks in Moscow",
    "text": "Russian Foreign Minister Sergey Lavrov held talks in Moscow with Syrian Foreign Minister "
            "Asaad al-Shaibani, and invited Syrian President Ahmad al-Sharaa to the Russia-Arab League "
            "summit on October 15. Lavrov said Russia supports Syria's unity and territorial integrity.",
    "section": "world",
}


def republished(seeds_dir, seed="000_0616c9603aa7a7b2"):
    """A portal's republication of a seed: its body paragraphs under another outlet and id.
    By the clustering contract a copy lands in its origin's story: the right story is known."""
    lines = [ln for ln in (seeds_dir / f"{seed}.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    return dict(FOLLOW_UP, text="\n".join(lines[2:-2]))  # truncated: not byte-identical


@pytest.fixture()
def seeded(tmp_path, seeds_dir):
    path = str(tmp_path / "post.db")
    with Engine(db=path) as eng:
        eng.ingest([seeds_dir])
        # the story of the agency report and its rewrite (000/001): the follow-up's event
        sid = eng.article("000_0616c9603aa7a7b2").story
    store = open_store(path)
    yield store, sid
    store.close()


def test_posted_article_is_in_its_story_when_the_response_returns(seeded, seeds_dir):
    store, sid = seeded
    c = TestClient(create_app(store, token=TOKEN))
    n_before = len(c.get(f"/api/stories/{sid}").json()["articles"])
    posted = republished(seeds_dir)
    r = c.post("/api/articles", json=[posted], headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {"received": 1, "added": ["posted-1"], "stories": [sid], "errors": []}
    story = c.get(f"/api/stories/{sid}").json()
    assert "posted-1" in story["articles"] and story["sources"]["articles"] == n_before + 1
    art = c.get("/api/articles/posted-1").json()
    assert art["story"] == sid and art["meta"].get("section") == "world"
    assert art["relation"] != "original" and art["family"] == c.get("/api/articles/000_0616c9603aa7a7b2").json()["family"]
    html = c.get(f"/stories/{sid}").text
    assert 'href="/articles/posted-1"' in html
    # idempotent: the same article again adds nothing
    again = c.post("/api/articles", json=[posted], headers=AUTH).json()
    assert again["added"] == [] and again["stories"] == []


def test_jsonl_body_and_per_item_errors(seeded, seeds_dir):
    store, sid = seeded
    c = TestClient(create_app(store, token=TOKEN))
    other = {"title": "Earthquake of magnitude 6.1 strikes off the coast of Chile", "source": "Andes Daily",
             "text": "An earthquake of magnitude 6.1 struck off northern Chile on Tuesday, the survey said. "
                     "There were no immediate reports of damage. Residents of Antofagasta felt the shaking."}
    body = "\n".join(json.dumps(o) for o in (republished(seeds_dir), other)) + "\n"
    r = c.post("/api/articles", content=body.encode(), headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["received"] == 2 and len(res["added"]) == 2 and sid in res["stories"] and len(res["stories"]) == 2
    quake_id = next(a for a in res["added"] if a != "posted-1")  # id chosen as the JSONL reader does
    quake = c.get(f"/api/articles/{quake_id}").json()
    assert quake["story"] != sid
    listed = c.get("/api/stories", params={"q": "Antofagasta"}).json()
    assert [s["id"] for s in listed["items"]] == [quake["story"]]


def test_lone_surrogate_escape_is_kept_not_lost(tmp_path):
    """A lone "\\ud800" escape is valid JSON with no UTF-8 form: the posted article used to be
    dropped with a clean_failed record. It is stored, the bad character replaced."""
    store = open_store(str(tmp_path / "sur.db"))
    c = TestClient(create_app(store, token=TOKEN))
    body = ('[{"id": "sur-1", "title": "Ferry strike \\ud800 ends", "source": "Harbour Times", '
            '"text": "Ferry crews in the fictional port of Tessa ended their strike on Monday \\udfff after talks."}]')
    r = c.post("/api/articles", content=body.encode(), headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == ["sur-1"] and r.json()["errors"] == []
    art = c.get("/api/articles/sur-1").json()
    assert art["title"] == "Ferry strike \ufffd ends" and "Monday \ufffd after" in art["text"]
    store.close()


def test_a_different_article_under_a_stored_id_is_stored_as_a_version_and_reported(seeded, seeds_dir):
    """The store keeps the article it holds under an id. A different text posted later under
    the same id was first skipped with no word, then reported and not stored; it is now
    stored under ``id~2`` (an updated article must not be lost) and the record says so."""
    store, sid = seeded
    c = TestClient(create_app(store, token=TOKEN))
    stored = store.get_article("000_0616c9603aa7a7b2")
    other = {"id": "000_0616c9603aa7a7b2", "title": "Bridge of Varn closed for repairs", "source": "Varn Herald",
             "text": "The old bridge of Varn was closed on Wednesday for repairs that will last two months, "
                     "the city said. Ferries will run every hour until it reopens."}
    res = c.post("/api/articles", json=[other], headers=AUTH).json()
    assert res["added"] == ["000_0616c9603aa7a7b2~2"] and len(res["errors"]) == 1
    err = res["errors"][0]
    assert err["kind"] == "duplicate_id" and err["article_id"] == "000_0616c9603aa7a7b2~2"
    assert "already stored for a different text" in err["reason"]
    assert store.get_article("000_0616c9603aa7a7b2").text == stored.text
    assert store.get_article("000_0616c9603aa7a7b2~2").title == other["title"]
    # the same post again, and the stored article itself: nothing to add, nothing to say
    again = c.post("/api/articles", json=[other], headers=AUTH).json()
    assert again["added"] == [] and again["errors"] == []
    again = c.post("/api/articles", json=[{"id": stored.id, "text": stored.text, "title": stored.title,
                                          "source": stored.source}], headers=AUTH).json()
    assert again["added"] == [] and again["errors"] == []


def test_a_news_api_answer_posted_as_it_is_adds_its_articles(tmp_path):
    """A news API's answer (``{"status": "ok", "articles": [...]}``) posted unchanged: its
    articles are added, named by their URLs, with their outlets; it was one item with no
    text."""
    from newsfold.ingest.common import url_id

    store = open_store(str(tmp_path / "napi.db"))
    c = TestClient(create_app(store, token=TOKEN))
    body = "Harbour pilots in the fictional port of Tessa stopped work on Monday over night-shift pay."
    answer = {"status": "ok", "totalResults": 2, "articles": [
        {"source": {"name": "Tessa Post"}, "url": "https://tessapost.example/pilots", "title": "Pilots strike",
         "publishedAt": "2026-03-02T08:15:00Z", "content": body},
        {"source": {"name": "Varn Herald"}, "url": "https://varnherald.example/tessa", "title": "Tessa port shut",
         "publishedAt": "2026-03-02T10:00:00Z", "content": body.replace("stopped work", "walked out")}]}
    res = c.post("/api/articles", json=answer, headers=AUTH).json()
    ids = [url_id("https://tessapost.example/pilots"), url_id("https://varnherald.example/tessa")]
    assert res["added"] == ids and res["errors"] == []
    assert [store.get_article(i).source for i in ids] == ["Tessa Post", "Varn Herald"]
    store.close()
