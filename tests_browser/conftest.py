"""Fixtures for the browser suite: Debian's Chromium driven by Playwright, and the servers.

Run it with ``python3 kit.py browser`` (or as part of ``python3 kit.py test``). Without a
Chromium binary every test here is skipped with the reason; with ``SECRETKIT_REQUIRE_BROWSER=1``
(set by CI) a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from _servers import ROOT, Server, copy_project, start_lab, start_voila

ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Flags for a headless Chromium on a machine with no route to the internet: no background
# traffic to Google's services, no first-run UI, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# A common laptop and projector screen: every measurement is taken at this size.
VIEWPORT = {"width": 1280, "height": 800}


def chromium_path() -> str | None:
    """The Chromium to drive: ``SECRETKIT_CHROMIUM`` if set, else Debian's ``chromium`` on PATH."""
    named = os.environ.get("SECRETKIT_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


MISSING_BROWSER = (
    "no Chromium to drive: install Debian's chromium package (apt-get install chromium) "
    "or set SECRETKIT_CHROMIUM to a Chromium binary; the browser tests need it"
)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        named = os.environ.get("SECRETKIT_CHROMIUM")
        reason = f"SECRETKIT_CHROMIUM={named} is not a file" if named else MISSING_BROWSER
        if os.environ.get("SECRETKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (SECRETKIT_REQUIRE_BROWSER=1, so this is a failure)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright gives every launch a fresh, empty user-data-dir of its own.
        launched = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _serve(tmp_path_factory: pytest.TempPathFactory, name: str, start) -> Iterator[Server]:
    """Run ``start(scratch, root)`` on a scratch copy of the project until the session ends."""
    scratch = tmp_path_factory.mktemp(name)
    server = start(scratch, copy_project(scratch / "project"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serve(tmp_path_factory, "lab", start_lab)


@pytest.fixture(scope="session")
def voila_server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serve(tmp_path_factory, "voila", start_voila)


class PageWatch:
    """What a page said that a user would count as broken: console errors, uncaught
    exceptions, and requests that left this machine or failed."""

    def __init__(self, page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.console_warnings: list[str] = []
        self.page_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.failed_requests: list[str] = []
        self.bad_responses: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{error}\n{error.stack or ''}"[:1500]))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)
        elif message.type == "warning":
            self.console_warnings.append(message.text)

    def _request(self, request) -> None:
        url = request.url
        if url.startswith(("http://", "https://", "ws://", "wss://")) and not url.split("//", 1)[1].startswith(
            ("127.0.0.1", "localhost")
        ):
            self.outside_requests.append(url)

    def _failed(self, request) -> None:
        failure = request.failure or ""
        # A request the page itself abandons (navigation, a closed kernel socket) is not an error.
        if "ERR_ABORTED" not in failure:
            self.failed_requests.append(f"{request.url} ({failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.url.split('?')[0]}")

    def problems(self) -> list[str]:
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"uncaught exception: {text}" for text in self.page_errors]
            + [f"request left this machine: {url}" for url in self.outside_requests]
            + [f"request failed: {text}" for text in self.failed_requests]
            + [f"answered with an error: {text}" for text in self.bad_responses]
        )


@pytest.fixture
def page(browser) -> Iterator[tuple]:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    new_page = context.new_page()
    new_page.set_default_timeout(60_000)
    try:
        yield new_page, PageWatch(new_page)
    finally:
        context.close()
