"""A live newsfold server (uvicorn in a thread) over the seeds, for Playwright tests."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "browser-token"
ROOT = Path(__file__).resolve().parents[2]
DOCS_IMG = ROOT / "docs" / "img"
ARTIFACTS = ROOT / "tests" / "artifacts"
DEMO = ROOT / "examples" / "demo"

#: A hostile article: every field carries markup that would run if it were not escaped.
HOSTILE = {
    "id": "hostile-1",
    "title": 'Council vote <script>window.__pwned = "title"</script><img src=x onerror="window.__pwned=\'title-img\'">',
    "source": '<b onmouseover="window.__pwned=1">Hostile Outlet</b>',
    "date": "2019-01-15",  # oldest: last in the list (the docs screenshot shows real stories)
    "url": "javascript:window.__pwned='url'",
    "text": (
        'The city council voted on the budget on Tuesday <script>window.__pwned = "body"</script> and '
        'the mayor said the vote was final <img src=x onerror="window.__pwned=\'img\'">.\n'
        '"We are done <svg onload="window.__pwned=\'svg\'"></svg>," the mayor said after the meeting.\n'
        'Protesters gathered outside <iframe src="javascript:window.__pwned=\'iframe\'"></iframe> the hall.'
    ),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, seeds_dir):
    """Seeds ingested through the real pipeline, then the hostile article POSTed to the API."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium")
    pytest.importorskip("playwright.sync_api")
    import httpx
    import uvicorn

    from newsfold import Engine
    from newsfold.api.app import create_app

    db = str(tmp_path_factory.mktemp("browser") / "ui.db")
    with Engine(db=db) as eng:
        eng.ingest([seeds_dir])
        # "the seeds' story": the one holding most of them
        homes = [eng.article(p.stem).story for p in sorted(seeds_dir.glob("*.txt"))]
        seed_story = max(set(homes), key=homes.count)
        if DEMO.is_dir():  # the fictional demo corpus: a fuller story list for the screenshots
            eng.ingest([DEMO])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, token=TOKEN), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    r = httpx.post(f"{base}/api/articles", json=[HOSTILE], headers={"Authorization": f"Bearer {TOKEN}"},
                   timeout=60)
    assert r.status_code == 200 and r.json()["added"] == ["hostile-1"], r.text
    yield {"base": base, "seed_story": seed_story, "hostile_story": r.json()["stories"][0]}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def screenshot(page, name: str, *, docs: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    # The docs get the top of the page (at most 2,000 px), readable at full size; only when
    # asked (NEWSFOLD_DOCS_SCREENSHOTS=1), so a test run never rewrites tracked files.
    if docs and os.environ.get("NEWSFOLD_DOCS_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        height = min(2000, page.evaluate("() => document.documentElement.scrollHeight"))
        page.screenshot(path=str(DOCS_IMG / name), full_page=True,
                        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height})
