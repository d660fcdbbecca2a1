"""Headless Chromium for browser tests: Debian's chromium driven by Playwright for Python.

    from browser import chromium_browser, offline_context, save_screenshot  # fixture + helpers

    def test_page(chromium_browser):
        with offline_context(chromium_browser) as (context, requests):
            page = context.new_page()
            page.goto(path.as_uri())
            save_screenshot(page, "my-test")
        assert requests == [path.as_uri()]

Playwright's own browser download cannot be reached here, so it drives the system Chromium
(`apt-get install chromium chromium-driver`; `make test` installs it when missing and run as
root). Where Chromium or Playwright is missing the tests skip with the reason, except in CI
(`CI=true`), where a browser test that cannot run is a failure, not a skip.

`launch_chromium()` is the same launch as a context manager, for scripts (the benchmarks).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "out" / "test-artifacts"
CHROMIUM = os.environ.get("SOURCECHECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Each browser action waits at most this long (ms): a broken page fails fast instead of hanging.
TIMEOUT_MS = 10_000


def missing() -> str | None:
    """Why a browser test cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs it: pip install playwright==1.65.2)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and shutil.which(CHROMIUM) is None:
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver, or set SOURCECHECK_CHROMIUM)"
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when Chromium or Playwright is missing."""
    reason = missing()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@contextmanager
def launch_chromium(**options: Any) -> Iterator[Any]:
    """A headless Chromium (Playwright `Browser`), closed on exit. Options go to `launch()`.
    For scripts, or a thread of its own: in the thread that holds `chromium_browser`, use that."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000, **options)
        try:
            yield browser
        finally:
            browser.close()


# Playwright's sync API allows one instance per thread. A session fixture imported into several
# test modules is instantiated once per module, so the instances share one browser, started by the
# first and closed by the last.
_shared: dict[str, Any] = {}


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session (skipped or failed as `require_browser`).
    Import it into a test module (`from browser import chromium_browser`) to use it there."""
    require_browser()
    if not _shared:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        playwright = manager.start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000)
        except BaseException:
            playwright.stop()
            raise
        _shared.update(playwright=playwright, browser=browser, users=0)
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            try:
                _shared["browser"].close()
            finally:
                _shared["playwright"].stop()
                _shared.clear()


@contextmanager
def offline_context(browser: Any, *, allow_hosts: tuple[str, ...] = (), **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser context that records every request the page makes (URL list) and aborts
    every one that leaves the machine. `allow_hosts` (e.g. "127.0.0.1:8123") lets a test reach
    its own local server; file:// pages are always allowed."""
    from urllib.parse import urlsplit

    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []

    def on_request(request: Any) -> None:
        requests.append(request.url)

    def route(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme == "file" or parts.netloc in allow_hosts:
            route.continue_()
        else:
            route.abort()

    context.on("request", on_request)
    context.route("**/*", route)
    try:
        yield context, requests
    finally:
        context.close()


def save_screenshot(page: Any, name: str, **options: Any) -> Path:
    """Save a screenshot under out/test-artifacts/ (kept for people to look at; gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path
