"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on a live port.

The server runs the `app` fixture of tests/conftest.py in a thread, so a test and the browser
share one database and one FixedClock: file a case with `cases`, move `clock`, then look at the
page. Fixtures: `live_server` (base URL), `browser` (one per session), `page` (a fresh context per
test, relative URLs resolved against the live server), `new_page()` (another one, for a second
person), `screenshot(page, name)` and `login(page, person)`. A failing test leaves a screenshot
of each of its pages in test-artifacts/screenshots/.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from demo import DEMO_PASSWORD
from engine import accounts

CHROMIUM = Path("/usr/bin/chromium")
# Playwright cannot download its own browsers here; Debian's Chromium is used instead. Without
# the background-networking flags Chromium dials out at start, and a closed network refuses it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_PARTS = ("stylesheet", "script", "image", "font")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `page` can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def live_server(app):
    """The app on a free port of 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as playwright:
        # In Swedish, as our users' browsers are: date fields then show 2026-11-20, not 11/20/2026
        # (needs Debian's chromium-l10n; without it Chromium falls back to American English).
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             env={**os.environ, "LANGUAGE": "sv"})
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """`new_page()` opens a page in a fresh browser context (its own cookies: one person each), in
    Swedish and Stockholm time, with relative URLs resolved against the live server.

    The test fails if a page throws an uncaught script error, the server answers 5xx, or a
    stylesheet, script, image or font is missing. Requests to any other host are refused: the
    app must not need the internet."""
    opened: list = []
    problems: list[str] = []

    def new_page():
        context = browser.new_context(base_url=live_server, locale="sv-SE", timezone_id="Europe/Stockholm",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.route(re.compile(r"^(?!" + re.escape(live_server) + r"[/?]|data:|about:)"),
                      lambda route: route.abort())
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("response", lambda response: _problem(response) and problems.append(_problem(response)))
        opened.append(page)
        return page

    yield new_page
    report = getattr(request.node, "report_call", None)
    for number, page in enumerate(opened, start=1):
        if (report is not None and report.failed) or problems:
            take_screenshot(page, f"FAILED-{request.node.name}-{number}")
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page):
    """One fresh page (see `new_page`)."""
    return new_page()


def _problem(response) -> str | None:
    """A server error, or a part of the page (style, script, image, font) that did not load."""
    request = response.request
    if response.status >= 500 or (response.status >= 400 and request.resource_type in PAGE_PARTS):
        return f"{response.status} for {request.resource_type} {request.method} {response.url}"
    return None


def take_screenshot(page, name: str) -> Path:
    """The whole page as test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves the whole page and returns the PNG's path."""
    return take_screenshot


@pytest.fixture
def login(services):
    """`login(page, person)` signs a demo person in through the login form, with the demo
    password (the `app` fixture does not run `lexflow demo`, so it is set here first)."""
    def login(page, person: str, password: str = DEMO_PASSWORD) -> None:
        with services.db.unit_of_work() as session:
            accounts.set_password(session, person, password, services.clock.now())
        page.goto("/login")
        page.locator("input[name=username]").fill(person)
        page.locator("input[name=password]").fill(password)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))

    return login
