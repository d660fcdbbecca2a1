"""The web app in a real browser (headless Chromium): upload a file, watch the check, read the
report. The check is the fake of test_webapp (no model); the server is real, on 127.0.0.1, and
the browser may reach nothing else. Screenshots are left under out/test-artifacts/."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import httpx
import pytest

from sourcecheck.web_server import ServerThread
from sourcecheck.webapp import create_app

from browser import chromium_browser, offline_context, save_screenshot  # noqa: F401  (fixture)
from test_webapp import TOKEN, SentenceChecker

# Plain text: Markdown would drop the inline HTML as markup; a .txt keeps it as the words it is.
ESSAY = """The pact and the war

On 23 August 1939 Molotov and Ribbentrop signed the pact in Moscow. Germany invaded Poland
on 1 September 1939. The Winter War began in 1944. Some say <script>alert(1)</script>
and <img src=x onerror="alert(2)"> nothing at all.
"""


class PacedChecker(SentenceChecker):
    """The fake check, held at 'verifying claims 1/2' until the test has seen the progress page."""

    def __init__(self) -> None:
        super().__init__(gate=threading.Event())


@pytest.fixture
def app_server(tmp_path):
    servers = []

    def start(**options):
        options.setdefault("check", PacedChecker())
        app = create_app(store_path=tmp_path / "store.db", **options)
        server = ServerThread(app).start()
        servers.append((server, options["check"]))
        return server, options["check"]

    yield start
    for server, checker in servers:
        checker.gate.set()
        server.stop()


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # CSP violations and failed loads show up as console errors in Chromium
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    return problems


def test_upload_a_file_follow_the_check_and_read_the_report(chromium_browser, app_server, tmp_path):
    server, checker = app_server()
    host = urlsplit(server.url).netloc
    essay = tmp_path / "pact.txt"
    essay.write_text(ESSAY, encoding="utf-8")
    _upload_and_read(chromium_browser, server, checker, host, essay)


def _upload_and_read(browser, server, checker, host, essay) -> None:
    with offline_context(browser, allow_hosts=(host,)) as (context, requests):
        page = context.new_page()
        problems = watch(page)
        dialogs: list[str] = []  # an alert() from the document would land here
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url)
        page.set_input_files("#files", str(essay))
        page.fill("#title", "The pact <b>essay</b>")
        page.click("button[type=submit]")

        page.wait_for_url("**/jobs/*")
        page.wait_for_function("document.getElementById('job-stage').textContent === 'verifying claims'")
        assert page.locator("#job-count").inner_text() == "1/2"
        assert 35 < page.evaluate("document.getElementById('job-bar').value") < 99
        assert page.locator("h1").inner_text() == "Checking The pact <b>essay</b>"
        save_screenshot(page, "webapp-progress")
        checker.gate.set()

        page.wait_for_url("**/reports/*", timeout=20_000)
        page.wait_for_load_state("load")
        assert page.title() == "The pact <b>essay</b>"
        report_id = page.url.rsplit("/", 1)[1]
        claims = httpx.get(f"{server.url}api/reports/{report_id}").json()["documents"][0]["claims"]
        assert len(claims) >= 3 and page.locator('#claim-list [role="option"]').count() == len(claims)
        assert page.locator("mark.hl").count() >= 3
        text = page.locator("#doc-0 .doc-text").inner_text()
        assert "<script>alert(1)</script>" in text and '<img src=x onerror="alert(2)">' in text
        assert dialogs == [] and page.locator("img").count() == 0
        assert not page.locator("#detail-c0-0").is_visible()
        page.locator('mark.hl[data-claims~="c0-0"]').click()  # the report's own script runs under the app's headers
        assert page.locator("#detail-c0-0").is_visible()
        save_screenshot(page, "webapp-report", full_page=True)

        page.click("text=All reports")
        page.wait_for_url("**/reports")
        row = page.locator("tbody tr").first
        assert "The pact <b>essay</b>" in row.inner_text() and "Page 1 of 1 · 1 report" in page.content()
    assert problems == []
    assert requests and all(urlsplit(url).netloc == host for url in requests)


def test_a_token_link_lets_the_browser_in(chromium_browser, app_server):
    server, checker = app_server(host="0.0.0.0", token=TOKEN)
    checker.gate.set()
    _token_link(chromium_browser, server)


def _token_link(browser, server) -> None:
    host = urlsplit(server.url).netloc
    with offline_context(browser, allow_hosts=(host,)) as (context, _):
        page = context.new_page()
        problems = watch(page)
        answer = page.goto(server.url)
        assert answer.status == 401 and "?token=" in page.inner_text("main")
        problems.clear()  # the 401 itself is logged as a failed load
        page.goto(f"{server.url}?token={TOKEN}")
        assert urlsplit(page.url).query == ""  # the token left the address bar
        page.fill("#text", "Berlin fell in 1945. Rome fell in 1944.")
        page.click("button[type=submit]")
        page.wait_for_url("**/reports/*", timeout=20_000)
        assert page.locator('#claim-list [role="option"]').count() == 2  # one claim per sentence of the fake check
        [cookie] = context.cookies()
        assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == ("token", True, "Strict")
    assert problems == []
