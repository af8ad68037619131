"""The e2e harness: the app served from a thread, Debian's Chromium driven by Playwright.

The widget origin is http://127.0.0.1:PORT; relying-party pages are opened on
http://localhost:PORT, a different site, so the widget really runs cross-site in an iframe.
Traces and screenshots of failed tests are kept under ``e2e-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from tests.support import make_test_app, reset_database

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "e2e-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAMILIES = ("desktop", "mobile")


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str  # the service (widget) origin
    rp_url: str  # the same server reached as another site, for relying-party pages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a temp-file SQLite database, served by a threaded server."""
    port = _free_port()
    url, rp_url = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    app = make_test_app(
        tmp_path_factory.mktemp("e2e-instance"),
        PUBLIC_URL=url,
        DEMO_RP_ORIGINS=rp_url,
        DEMO_RP_URL=f"{rp_url}/rp/demo/",
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app=app, url=url, rp_url=rp_url)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def clean_live_database(live_server: LiveServer) -> Iterator[None]:
    """Each e2e test starts from the seeded banks and nothing else."""
    with live_server.app.app_context():
        reset_database()
    yield


@pytest.fixture
def in_app(live_server: LiveServer) -> Iterator[Flask]:
    """An app context of the live server, for arranging data and checking outcomes."""
    with live_server.app.app_context():
        yield live_server.app


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; Playwright never downloads a browser here."""
    instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def context_options(playwright: Playwright, family: str) -> dict:
    """Desktop 1280×800, or a phone profile with touch; Korean locale and time zone."""
    common = {"locale": "ko-KR", "timezone_id": "Asia/Seoul"}
    if family == "mobile":
        return {**playwright.devices["Pixel 7"], **common}
    return {"viewport": {"width": 1280, "height": 800}, **common}


def _open_context(
    request: pytest.FixtureRequest, browser: Browser, playwright: Playwright, family: str, options: dict | None = None
) -> Iterator[BrowserContext]:
    """A context of ``family`` (or with ``options``, e.g. another screen size), traced; a failed
    test leaves its trace and screenshots in e2e-artifacts/."""
    settings = {**options, "locale": "ko-KR", "timezone_id": "Asia/Seoul"} if options else None
    context = browser.new_context(**(settings or context_options(playwright, family)))
    context.set_default_timeout(10_000)
    context.tracing.start(screenshots=True, snapshots=True)
    yield context
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        database = "pg" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
        stem = database + "-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for index, page in enumerate(context.pages):
            # A page that is already closed must not hide the real failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{family}-{index}.png"), full_page=True)
        context.tracing.stop(path=str(ARTIFACTS / f"{stem}-{family}.zip"))
    else:
        context.tracing.stop()
    context.close()


@pytest.fixture(params=FAMILIES)
def family(request: pytest.FixtureRequest) -> str:
    """Run the test once on a desktop browser and once on a phone: only for what differs
    between the two UI families (a behaviour that does not is tested once)."""
    return request.param


@pytest.fixture
def context(
    request: pytest.FixtureRequest, browser: Browser, playwright: Playwright, family: str
) -> Iterator[BrowserContext]:
    yield from _open_context(request, browser, playwright, family)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def desktop_context(
    request: pytest.FixtureRequest, browser: Browser, playwright: Playwright
) -> Iterator[BrowserContext]:
    """A desktop browser, for tests that need one alongside a phone."""
    yield from _open_context(request, browser, playwright, "desktop")


@pytest.fixture
def mobile_context(
    request: pytest.FixtureRequest, browser: Browser, playwright: Playwright
) -> Iterator[BrowserContext]:
    """A phone, for tests that need one alongside a desktop browser."""
    yield from _open_context(request, browser, playwright, "mobile")


@pytest.fixture
def desktop_page(desktop_context: BrowserContext) -> Page:
    """A page of a desktop browser, for a behaviour tested once."""
    return desktop_context.new_page()


@pytest.fixture
def phone_page(mobile_context: BrowserContext) -> Page:
    """A page of a phone, for a behaviour tested once."""
    return mobile_context.new_page()
