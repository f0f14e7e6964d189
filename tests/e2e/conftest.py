"""Browser fixtures: Debian Chromium, driven by Playwright, with cookies blocked.

The storefront must work for a shopper whose browser refuses every cookie
(ARCHITECTURE.md §3). Each browser session here is Chromium with a fresh
profile whose content settings block all cookies (what a shopper gets from
"Block all cookies" in the settings), so a page that depended on a cookie
would really break. Every session first proves the block works against a
small local server that does set cookies, and records every ``Set-Cookie``
header any response carries, so a test can assert that Kedai sent none.

Chromium comes from Debian (``apt-get install chromium``); Playwright's own
browser downloads are never used. Without Chromium the tests skip, or fail
when ``KEDAI_REQUIRE_BROWSER=1`` (CI).
"""

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Response

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium profile preference for "Block all cookies" (content setting 2 =
# block): neither Set-Cookie nor document.cookie stores anything.
BLOCK_ALL_COOKIES = {"profile": {"default_content_setting_values": {"cookies": 2}}}

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
SHOTS_DIR = Path(os.environ.get("KEDAI_SHOTS_DIR")
                 or Path(tempfile.gettempdir()) / "kedai-shots")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("KEDAI_REQUIRE_BROWSER") == "1":
        pytest.fail("KEDAI_REQUIRE_BROWSER=1 but Debian chromium is not "
                    "installed; apt-get install chromium")
    pytest.skip("Debian chromium not installed; apt-get install chromium")


class _OtherSiteHandler(BaseHTTPRequestHandler):
    """A site that is not Kedai: sets cookies, and hosts a hostile page."""

    def do_GET(self):
        if self.path.startswith("/cookie-"):
            self.server.cookie_headers.append(self.headers.get("Cookie"))
        if self.path == "/cookie-probe":
            self.send_response(303)
            self.send_header("Location", "/cookie-echo")
            self.send_header("Set-Cookie", "probe_redirect=1; Path=/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/cookie-echo":
            body = "<!DOCTYPE html><title>probe</title><p>probe</p>"
            extra = [("Set-Cookie", "probe=1; Path=/; Max-Age=600")]
        elif self.path == "/attacker":
            body = "<!DOCTYPE html><title>Another site</title><h1>Win a prize</h1>"
            extra = []
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def other_site():
    """A second web server, not Kedai, at ``other_site.origin`` (127.0.0.1).

    Kedai's live server is reached as ``localhost``, so pages from here are
    cross-site to it, while both stay in the loopback address space
    (Chromium refuses requests from public pages to loopback anyway, which
    would hide Kedai's own check).
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OtherSiteHandler)
    server.origin = f"http://127.0.0.1:{server.server_port}"
    server.cookie_headers = []  # Cookie header of each probe request
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@dataclass
class BrowserSession:
    """One Chromium with a fresh cookie-blocking profile and one page."""

    context: BrowserContext
    page: Page
    # (url, header value) of every Set-Cookie any response carried.
    set_cookies: list = field(default_factory=list)
    # (method, url) of every top-level navigation, redirects included.
    navigations: list = field(default_factory=list)

    def record_response(self, response: Response) -> None:
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                self.set_cookies.append((response.url, header["value"]))

    def record_request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.navigations.append((request.method, request.url))

    def assert_cookieless(self) -> None:
        """No response set a cookie and the browser holds none."""
        assert self.set_cookies == []
        assert self.context.cookies() == []


def _prove_cookies_blocked(session: BrowserSession, site) -> None:
    """Fail unless this browser really refuses cookies and the recorder works."""
    page = session.page
    site.cookie_headers.clear()
    page.goto(f"{site.origin}/cookie-probe")  # sets a cookie, redirects, sets one
    assert page.evaluate(
        "() => { document.cookie = 'js_probe=1; path=/'; return document.cookie; }"
    ) == ""
    # The recorder saw both Set-Cookie headers (the redirect's too)…
    assert {v.split("=")[0] for _url, v in session.set_cookies} == {
        "probe", "probe_redirect"}
    # …and the browser neither kept nor sent (on the redirect) any of them.
    assert session.context.cookies() == []
    assert site.cookie_headers == [None, None]
    session.set_cookies.clear()
    session.navigations.clear()


@pytest.fixture
def playwright_driver(chromium_executable, live_server, transactional_db,
                      monkeypatch):
    """The Playwright driver, for one test.

    Playwright's sync API keeps an asyncio loop running on this thread, so
    Django would refuse the test's own ORM calls as "async unsafe"; nothing
    async touches the database here, so the check is switched off for this
    test only (Playwright's documented Django setup). The driver stops
    before the database is flushed.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as driver:
        yield driver
        # While a loop runs, Django keeps connections per context instead of
        # per thread, so the test's ORM calls opened connections that
        # pytest-django does not know of; left open, PostgreSQL refuses to
        # drop the test database.
        connections.close_all()


@pytest.fixture
def open_browser(playwright_driver, chromium_executable, other_site, tmp_path):
    """Factory: ``open_browser(javascript=True)`` -> a fresh BrowserSession.

    Each call starts a separate Chromium with a new, empty profile (a
    different device, as far as Kedai can tell). All are closed at the end.
    """
    contexts = []

    def open_(*, javascript: bool = True) -> BrowserSession:
        profile = tmp_path / f"profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(
            json.dumps(BLOCK_ALL_COOKIES))
        context = playwright_driver.chromium.launch_persistent_context(
            profile, executable_path=chromium_executable, headless=True,
            args=CHROMIUM_ARGS, viewport=DESKTOP, java_script_enabled=javascript,
            locale="en-GB",
        )
        contexts.append(context)
        # As the office browser: a first page of a cold server on a busy
        # machine can take more than 5 s.
        context.set_default_timeout(10_000)
        page = context.pages[0] if context.pages else context.new_page()
        session = BrowserSession(context=context, page=page)
        context.on("response", session.record_response)
        context.on("request", session.record_request)
        _prove_cookies_blocked(session, other_site)
        return session

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: full-page PNGs, desktop and mobile width.

    Written to $KEDAI_SHOTS_DIR (default: kedai-shots in the temporary
    directory) for people to look at; nothing asserts on them.
    """
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=SHOTS_DIR / f"{name}-desktop.png", full_page=True)
        page.set_viewport_size(MOBILE)
        page.screenshot(path=SHOTS_DIR / f"{name}-mobile.png", full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def office_browser(playwright_driver, chromium_executable):
    """A page in Chromium for the back office: cookies allowed (staff sign
    in with Django's session), downloads accepted."""
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True,
                                  locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
    browser.close()
