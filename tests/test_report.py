"""report.html: escaping, completeness, working links, self-containment, graceful degradation."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from newsfold.config import Config
from newsfold.model import (
    Article,
    Claim,
    Entity,
    ErrorRecord,
    Family,
    FamilyMember,
    Quote,
    RunResult,
    Story,
    SummarySentence,
    TimelineEvent,
)
from newsfold.report.html import anchor, render_report

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class _Collect(HTMLParser):
    """Every tag with its attributes, every element id, every in-page link, all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        d = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, d))
        if "id" in d:
            self.ids.append(d["id"])
        if tag == "a" and d.get("href", "").startswith("#"):
            self.fragments.append(d["href"][1:])

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    p.close()
    return p


def rich_result(payload: str = "") -> RunResult:
    """Two stories with every analysis field filled, payload planted in every text field."""
    arts = [
        Article(id="w1", title=f"Quake kills 12 {payload}", text=f"A magnitude 6.4 quake struck.\n\nTwelve died. {payload}",
                source="Meridian Press", published="2026-03-14", language="en", wire="Meridian Press",
                byline=f"Desk {payload}", dateline="PORT AVERIN, March 14 (Meridian Press)", family="w1",
                removed=[{"text": f"Also Read: elsewhere {payload}", "rule": "also_read"}],
                url="https://example.org/w1"),
        Article(id="w1-copy", title="Quake kills 12 in Port Averin", text="A magnitude 6.4 quake struck.\n\nTwelve died.",
                source="Lumen Gazette", published="2026-03-14", family="w1", origin="w1", relation="copy"),
        Article(id="w1-emb", title="Powerful quake", text="A magnitude 6.4 quake struck.\n\nDamage is put at 340 million crowns by the treasury.",
                source=None, published="2026-03-15", family="w1", origin="w1", relation="embellished",
                added=["Damage is put at 340 million crowns by the treasury."], dropped=["Twelve died."],
                url="javascript:alert(1)"),
        Article(id="https://example.org/c 1?x=<y>", title="Fourteen dead", text="Fourteen died, the rescue chief said.",
                source="Averin Courier", published="2026-03-14", family="https://example.org/c 1?x=<y>"),
        Article(id="k1", title="Kestrel quake", text="Three died in the Kestrel Valley.", published=None),
    ]
    s1 = Story(
        id="s-averin", title=f"Port Averin earthquake {payload}",
        articles=["w1", "w1-copy", "w1-emb", "https://example.org/c 1?x=<y>"],
        families=[Family(id="w1", origin="w1", members=[
            FamilyMember(id="w1", origin=None, relation="original"),
            FamilyMember(id="w1-copy", origin="w1", relation="copy", similarity={"jaccard": 0.97}, reason=f"near copy {payload}"),
            FamilyMember(id="w1-emb", origin="w1", relation="embellished", reason="adds one sentence"),
        ])],
        sources={"articles": 4, "outlets": 3, "independent": 2},
        first_published="2026-03-14", last_published="2026-03-15",
        summary=[SummarySentence(f"A quake struck Port Averin. {payload}", ["w1", "https://example.org/c 1?x=<y>"])],
        claims=[
            Claim(f"death toll {payload}", ["w1", "https://example.org/c 1?x=<y>"], 2, "conflicting",
                  [{"value": f"12 {payload}", "articles": ["w1"]}, {"value": "14", "articles": ["https://example.org/c 1?x=<y>"]}]),
            Claim("damage 340 million crowns", ["w1-emb"], 1, "single_source"),
            Claim("“The harbour wall will be rebuilt by June.”", ["w1"], 1, "single_source",
                  quoted=True, speaker=f"Anton Bressel {payload}"),
        ],
        quotes=[Quote(f"Anton Bressel {payload}", f"We keep digging {payload}", ["w1"], 1)],
        entities=[Entity(f"Ilse Bressel {payload}", "PERSON", [f"Bressel {payload}"], 2, ["w1"])],
        timeline=[TimelineEvent("2026-03-14", "published", f"First report {payload}", ["w1"])],
    )
    s2 = Story(id="s-kestrel", title="Kestrel Valley earthquake", articles=["k1"])
    errors = [
        ErrorRecord("demo/empty.txt", None, "empty file", kind="empty"),
        ErrorRecord(f"demo/{payload}.jsonl", 4, f"invalid JSON: {payload}", kind="malformed_json"),
        ErrorRecord("demo/undated.txt", None, "unparseable date 'soon'", kind="bad_date", article_id="k1"),
    ]
    return RunResult(articles=arts, stories=[s1, s2], errors=errors)


def test_payload_in_every_text_field_stays_inert():
    page = render_report(rich_result(XSS))
    p = parse(page)
    assert not [t for t, _ in p.tags if t in ("script", "img", "iframe", "object", "embed")]
    for tag, attrs in p.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert not attrs.get("href", "").lower().startswith("javascript:"), (tag, attrs)
    # the payload is shown to the reader as text, not dropped
    text = "".join(p.text)
    assert text.count('<script>alert("x")</script>') >= 8
    assert "&lt;script&gt;" in page


def test_self_contained_no_external_assets():
    page = render_report(rich_result())
    p = parse(page)
    for tag, attrs in p.tags:
        assert tag not in ("script", "link", "img"), tag
        assert "src" not in attrs
    assert "<style>" in page and "@import" not in page and "url(" not in page


def test_every_story_article_and_error_appears():
    result = rich_result()
    page = render_report(result)
    p = parse(page)
    ids = set(p.ids)
    text = "".join(p.text)
    for story in result.stories:
        assert story.title in text
    for art in result.articles:
        assert anchor(art.id) in ids
        assert art.title in text
    rows = [a for t, a in p.tags if t == "tr" and a.get("class") == "error"]
    assert len(rows) == len(result.errors)
    for err in result.errors:
        assert err.path in text and err.reason in text
    assert "Errors (3)" in text


def test_every_in_page_link_has_a_target():
    page = render_report(rich_result(XSS))
    p = parse(page)
    assert len(p.ids) == len(set(p.ids)), "duplicate element ids"
    assert p.fragments, "no in-page links at all"
    missing = [f for f in p.fragments if f not in set(p.ids)]
    assert not missing
    # the summary sentence cites both of its articles
    cites = [a["href"][1:] for t, a in p.tags if t == "a" and a.get("class") == "cite"]
    assert anchor("w1") in cites and anchor("https://example.org/c 1?x=<y>") in cites


def test_story_content_rendered():
    page = render_report(rich_result())
    text = " ".join("".join(parse(page).text).split())
    assert "4 articles → 3 outlets → 2 independent origins" in text
    assert "2026-03-14 – 2026-03-15" in text
    for word in ("conflicting", "single source", "embellished", "copy", "Anton Bressel", "Ilse Bressel"):
        assert word in text
    assert "12" in text and "14" in text
    assert "rebuilt by June.” quoted: Anton Bressel" in text  # whose words a quoted claim is
    # the added sentence of the embellished rewrite is highlighted in its text
    assert "<mark" in page and "340 million crowns by the treasury." in page
    # an error that still produced an article links to it
    assert f'href="#{anchor("k1")}"' in page


def test_stories_sorted_by_independence_then_size():
    result = rich_result()
    result.stories.reverse()
    p = parse(render_report(result))
    sections = [a["id"] for t, a in p.tags if t == "section" and "story" in a.get("class", "")]
    assert len(sections) == 2
    assert "averin" in sections[0] and "kestrel" in sections[1]


def test_minimal_and_partial_results_render():
    # no analysis at all, story pointing at a missing article, bare dict input
    result = RunResult(
        articles=[Article(id="a", text="Only text.")],
        stories=[Story(id="s", articles=["a", "gone"])],
        errors=[ErrorRecord(path="x.bin")],
    )
    page = render_report(result)
    text = "".join(parse(page).text)
    assert "Untitled story" in text and "x.bin" in text
    # coverage falls back to the articles: one article present, one independent origin
    assert "1 independent origin" in " ".join(text.split())
    page2 = render_report({"articles": [{"id": "a", "text": "t"}], "stories": [{"id": "s", "articles": ["a"]}]})
    assert "Errors (0)" in page2
    empty = render_report(RunResult())
    assert "No stories in this run." in empty and "No articles." in empty


def test_round_trip_from_json_renders_the_same():
    result = rich_result()
    again = RunResult.from_json(result.to_json())
    a, b = render_report(result), render_report(again)
    strip = lambda s: [ln for ln in s.splitlines() if "Generated" not in ln]  # noqa: E731
    assert strip(a) == strip(b)


def test_real_seed_articles_render(seeds_dir):
    """Real ingested articles (seeds): every article, its removed boilerplate and text appear."""
    from newsfold import stages

    items = list(stages.ingest_and_clean([str(seeds_dir)], config=Config(detect_language=False)))
    articles, errors = stages.split_errors(items)
    assert len(articles) == 5
    story = Story(id="seeds", title="", articles=[a.id for a in articles])
    page = render_report(RunResult(articles=articles, stories=[story], errors=errors))
    p = parse(page)
    for a in articles:
        assert anchor(a.id) in p.ids
    n_removed = sum(len(a.removed) for a in articles)
    assert n_removed > 0
    assert page.count('class="removed"') == sum(1 for a in articles if a.removed)


def test_large_runs_keep_the_report_small_and_say_so():
    """Full texts up to a budget, in story order; the rest show their lead paragraph and a note."""
    paras = "\n\n".join(f"Paragraph {k} of the article with some words in it." for k in range(40))
    arts = [{"id": f"a{k}", "title": f"Story {k}", "text": f"Lead of article {k}.\n\n" + paras, "story": f"s{k}"}
            for k in range(30)]
    stories = [{"id": f"s{k}", "title": f"Story {k}", "articles": [f"a{k}"],
                "sources": {"articles": 1, "outlets": 1, "independent": 1}} for k in range(30)]
    data = {"articles": arts, "stories": stories}
    full = render_report(data, text_budget=None)
    small = render_report(data, text_budget=10_000)
    assert "Paragraph 39 of the article" in full and len(full) - len(small) > 25 * 1900
    assert small.count("Paragraph 39 of the article") == 5  # 10,000 chars hold five 1,990-char bodies
    for k in range(30):
        assert f"Lead of article {k}." in small  # every article keeps its lead
    assert "25 articles further down show only their lead paragraph" in small
    assert "left out of this report to keep it small" in small
    assert "left out of this report" not in full


def test_lower_ranked_stories_are_listed_compactly_with_working_anchors():
    arts = [{"id": f"a{k}", "title": f"Headline {k}", "text": f"Text {k}.", "story": f"s{k}"} for k in range(12)]
    stories = [{"id": f"s{k}", "title": f"Story {k}", "articles": [f"a{k}"],
                "summary": [{"text": f"Summary sentence of story {k}.", "refs": [f"a{k}"]}],
                "sources": {"articles": 1, "outlets": 1, "independent": 1 + (k < 3)}} for k in range(12)]
    page = render_report({"articles": arts, "stories": stories}, story_budget=3)
    for k in range(12):
        assert f"Story {k}" in page
    for k in range(3):  # the three best-sourced stories keep their analysis
        assert f"Summary sentence of story {k}." in page
    assert "Summary sentence of story 7." not in page
    assert "More stories (9)" in page
    doc = parse(page)
    assert doc.fragments and set(doc.fragments) <= set(doc.ids)  # every in-page link lands somewhere
    full = render_report({"articles": arts, "stories": stories}, story_budget=None)
    assert "More stories" not in full and "Summary sentence of story 7." in full


def _long_story(k: int, n_claims: int = 100) -> tuple[list, dict]:
    arts = [{"id": f"s{k}a{j}", "title": f"Headline {k}-{j}", "source": f"outlet{j}.example", "text": f"Text {k} {j}.",
             "story": f"s{k}"} for j in range(3)]
    arts[1].update(family=arts[0]["id"], origin=arts[0]["id"], relation="truncated",
                   dropped=[f"Dropped passage {p} " + "word " * 300 for p in range(12)])
    ids = [a["id"] for a in arts]
    story = {
        "id": f"s{k}", "title": f"Long story {k}", "articles": ids,
        "sources": {"articles": 3, "outlets": 3, "independent": 2},
        "claims": [{"text": f"Claim {k}-{c} stated here.", "status": "single_source", "articles": ids[:1],
                    "independent_sources": 1} for c in range(n_claims)],
        "quotes": [{"speaker": f"Speaker {q % 4}", "text": f"Quote {k}-{q}.", "articles": ids[:1]} for q in range(60)],
        "timeline": [{"time": f"2025-01-{1 + t % 28:02d}", "text": f"Event {k}-{t}.", "articles": ids[:1]}
                     for t in range(50)],
        "entities": [{"name": f"Entity {k}-{e}", "type": "PERSON", "articles": ids[:1], "mentions": 1}
                     for e in range(100)],
    }
    return arts, story


def test_long_story_lists_are_capped_and_counted():
    """A story's claims, quotes, timeline and entities, and a copy's dropped passages, are
    shown up to a budget; the page says how many more stories.json holds."""
    arts, story = _long_story(0)
    page = render_report({"articles": arts, "stories": [story]})
    assert "Claims (100)" in page and "Claim 0-19 stated" in page and "Claim 0-20 stated" not in page
    assert "80 more claims in stories.json" in page
    assert "Quotes (60)" in page and "40 more quotes in stories.json" in page
    assert "30 more timeline entries in stories.json" in page
    assert "Entities (100)" in page and "70 more entities in stories.json" in page
    assert "dropped 12 passages" in page and "(+7 more in stories.json)" in page
    assert "Dropped passage 4 " in page and "Dropped passage 5 " not in page
    assert "word " * 100 + "…" not in page and "word " * 70 in page  # passages cut to 400 characters
    full = render_report({"articles": arts, "stories": [story]}, item_budget=None)
    assert "Claim 0-99 stated" in full and "Dropped passage 11 " in full and "in stories.json (left out" not in full
    assert len(page) < len(full) / 2


def test_row_budget_shows_the_best_ranked_stories_in_full():
    stories, arts = [], []
    for k in range(6):
        a, s = _long_story(k, n_claims=10)
        s["sources"]["independent"] = 10 - k  # rank = k + 1
        arts += a
        stories.append(s)
    # each story shows 10 claims + 20 quotes + 20 timeline entries = 50 rows
    page = render_report({"articles": arts, "stories": stories}, row_budget=120)
    assert "Claim 1-9 stated" in page and "Claim 2-0 stated" not in page  # 100 rows fit, 150 do not
    assert "More stories (4)" in page and "Long story 5" in page
    one = render_report({"articles": arts, "stories": stories}, row_budget=10)
    assert "Claim 0-9 stated" in one and "More stories (5)" in one  # the best story always in full
    doc = parse(page)
    assert set(doc.fragments) <= set(doc.ids)


def test_stories_json_is_written_item_by_item_as_one_dump_would_be(tmp_path, seeds_dir):
    """write_outputs streams stories.json one record at a time (a 50,000-article run held a
    650 MB string, its bytes and a dict copy of the run at once); the file is the same bytes
    as one ``json.dumps(..., indent=1)``: a real seed run, XSS text, non-BMP characters, empty
    lists."""
    import json

    from newsfold.report import write_outputs
    from newsfold.run import run

    seeds = run([str(seeds_dir)], config=Config(ner_model="none", progress=False))
    rich = rich_result()
    rich.articles[0].title = "Ferry strike 🙂 ends"
    for result in (seeds, rich, RunResult()):
        paths = write_outputs(result, tmp_path / "out")
        assert paths["stories"].read_text(encoding="utf-8") == json.dumps(result.to_dict(), ensure_ascii=False, indent=1)
        assert RunResult.from_json(paths["stories"].read_text(encoding="utf-8")).to_dict() == result.to_dict()
        assert paths["errors"].read_text(encoding="utf-8").count("\n") == len(result.errors)


def test_articles_past_the_budget_are_table_rows_that_links_still_reach():
    """Past ``article_budget`` articles (in story order) are rows of one table, without text or
    metadata (50,000 articles made a 110 MB page); every in-page link still has its target."""
    arts = [{"id": f"a{k}", "title": f"Report {k}", "text": f"Lead of article {k}.\n\nSecond paragraph {k}.",
             "source": "Averin Courier", "story": f"s{k % 4}", "relation": "copy" if k % 2 else "original",
             "origin": f"a{k - 1}" if k % 2 else None} for k in range(10)]
    stories = [{"id": f"s{j}", "title": f"Story {j}", "articles": [f"a{k}" for k in range(10) if k % 4 == j],
                "sources": {"articles": 3, "outlets": 1, "independent": 2}} for j in range(4)]
    page = render_report({"articles": arts, "stories": stories}, article_budget=3)
    p = parse(page)
    assert page.count('<article class="art"') == 3 and "More articles (7)" in page
    assert all(anchor(f"a{k}") in p.ids for k in range(10))
    assert not [f for f in p.fragments if f not in set(p.ids)]
    assert sum(f"Lead of article {k}." in page for k in range(10)) == 3
    full = render_report({"articles": arts, "stories": stories}, article_budget=None)
    assert full.count('<article class="art"') == 10 and "More articles" not in full


def test_citations_name_a_copy_family_once():
    """A sentence that an origin and its copy both state cites the origin once, with "+1":
    a report 400 outlets ran had put 400 citations on each of its claims."""
    result = rich_result()
    story = result.stories[0]
    story.summary = [SummarySentence("A quake struck Port Averin.", ["w1", "w1-copy", "w1-emb"])]
    page = render_report(result)
    summary = page.split('<div class="summary">', 1)[1].split("</div>", 1)[0]
    assert summary.count('class="cite"') == 1
    assert 'title="and 2 more articles of its copy family">+2</span>' in summary
