"""The web UI in a real browser (headless Debian Chromium driven by Playwright)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_story_list_coverage_and_search(page, live_server):
    base, sid = live_server["base"], live_server["seed_story"]
    api = httpx.get(f"{base}/api/stories/{sid}").json()
    page.goto(base + "/")
    row = page.locator(f'tr.story-row[data-story="{sid}"]')
    assert row.count() == 1
    n = len(api["articles"])
    assert n >= 2 and row.locator(".n-articles").inner_text() == str(n) == str(api["sources"]["articles"])
    assert row.locator(".n-outlets").inner_text() == str(api["sources"]["outlets"])
    indep = int(row.locator(".n-independent").inner_text())
    assert indep == api["sources"]["independent"] and 1 <= indep < n  # copies count once
    screenshot(page, "story-list.png", docs=True)
    # search as you type (htmx) narrows the list without a page load
    page.fill('input[name="q"]', "Lavrov")
    page.wait_for_function("() => document.querySelectorAll('tr.story-row').length === 1")
    assert page.locator(f'tr.story-row[data-story="{sid}"]').count() == 1
    # without JavaScript the search form still works
    page.goto(base + "/?q=council")
    assert page.locator(f'tr.story-row[data-story="{sid}"]').count() == 0
    assert page.locator(f'tr.story-row[data-story="{live_server["hostile_story"]}"]').count() == 1


def test_seed_story_page(page, live_server):
    base, sid = live_server["base"], live_server["seed_story"]
    page.goto(base + "/")
    page.click(f'tr.story-row[data-story="{sid}"] .story-title a')
    page.wait_for_url(f"**/stories/{sid}")
    api = httpx.get(f"{base}/api/stories/{sid}").json()
    n, n_fam = len(api["articles"]), len(api["families"])
    assert page.locator("#coverage .n-articles").inner_text() == str(n)
    assert page.locator("#coverage .n-independent").inner_text() == str(api["sources"]["independent"])
    # families: one block per copy family (origin), with the derived copies under it
    assert 1 <= n_fam < n and page.locator("#families .family").count() == n_fam
    assert page.locator("#families ul.tree .badge.rel").count() == n - n_fam
    # claim-by-source matrix: a column per origin; single-source claims visibly flagged
    assert page.locator("#claims table.matrix").first.locator("th.src").count() == n_fam
    flag = page.locator("#claims .badge.single-source").first
    assert flag.is_visible() and "single source" in flag.inner_text()
    assert page.locator("#quotes blockquote.quote").count() >= 1
    assert page.locator("#timeline li").count() >= 1
    screenshot(page, "story.png", docs=True)
    # a citation of the summary leads to the cited article's page
    cite = page.locator("#summary a.cite").first
    href = cite.get_attribute("href")
    assert re.fullmatch(r"/articles/[\w.%-]+", href)
    cite.click()
    page.wait_for_url("**" + href)
    assert page.locator("article.article").count() == 1
    assert page.locator("details.removed").count() == 1
    # the boilerplate toggle is a <details>: closed, then open on click
    assert not page.locator("details.removed").evaluate("d => d.open")
    page.click("details.removed > summary")
    assert page.locator("details.removed").evaluate("d => d.open")
    screenshot(page, "article.png", docs=True)


@pytest.mark.parametrize("path", ["/", "/stories/{story}", "/articles/hostile-1", "/?q=council"])
def test_hostile_article_renders_inert(page, live_server, path):
    base = live_server["base"]
    url = base + path.format(story=live_server["hostile_story"])
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.mouse.move(300, 300)
    for b in page.locator("b").all()[:20]:
        b.hover()
    assert page.evaluate("() => window.__pwned") is None
    assert page.dialogs == []
    # the payloads are shown as text (escaped), not turned into elements
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("main img, main svg, main iframe").count() == 0
    text = page.locator("main").inner_text()
    if path != "/":
        assert "<script>" in text or "onerror=" in text or "<b onmouseover" in text
    # no link anywhere points at a javascript: URL
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]


def test_csp_header_is_served(live_server):
    r = httpx.get(live_server["base"] + f"/stories/{live_server['seed_story']}")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
