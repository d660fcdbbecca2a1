"""Wikipedia online, tested against a local server that answers in the MediaWiki API's own format.

Everything stays on 127.0.0.1 and every wait is bounded: no test reaches the real network.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from sourcecheck.errors import SourcecheckError
from sourcecheck.sources.online import OfflineError, OnlineError, WikipediaOnline, extract_to_text

PAGES = {
    20861: {
        "title": "Molotov–Ribbentrop Pact",
        "extract": (
            "The Molotov–Ribbentrop Pact was a non-aggression pact between Nazi Germany and the Soviet Union, "
            "signed in Moscow on 23 August 1939.\n\n\n== Background ==\nIn 1938 the Munich Agreement was signed.\n\n\n"
            "== See also ==\n\n\n== References ==\n\n\n== External links ==\n"
        ),
        "revid": 1234567, "timestamp": "2024-05-01T10:00:00Z",
    },
    32927: {
        "title": "World War II",
        "extract": "World War II was a global conflict that lasted from 1939 to 1945.",
        "revid": 7654321, "timestamp": "2024-06-02T11:00:00Z",
    },
}


def search_answer(query: str, formatversion: str) -> dict:
    """A `list=search` answer as the real API gives it (srprop and srinfo emptied)."""
    hits = [{"ns": 0, "title": p["title"], "pageid": pid} for pid, p in PAGES.items()]
    if "nothing" in query:
        hits = []
    answer = {"batchcomplete": True if formatversion == "2" else "", "query": {"search": hits}}
    if hits:
        answer["continue"] = {"sroffset": len(hits), "continue": "-||"}
    return answer


def page_answer(page_id: int, formatversion: str) -> dict:
    """A `prop=extracts|info|revisions` answer for one page id, missing pages included."""
    if page_id not in PAGES:
        missing = {"pageid": page_id, "missing": True if formatversion == "2" else ""}
        pages = [missing] if formatversion == "2" else {str(page_id): missing}
        return {"batchcomplete": formatversion == "2" or "", "query": {"pages": pages}}
    p = PAGES[page_id]
    slug = quote(p["title"].replace(" ", "_"))  # MediaWiki percent-encodes its URLs
    page = {
        "pageid": page_id, "ns": 0, "title": p["title"], "extract": p["extract"],
        "contentmodel": "wikitext", "pagelanguage": "en", "pagelanguagehtmlcode": "en", "pagelanguagedir": "ltr",
        "touched": "2024-07-01T00:00:00Z", "lastrevid": p["revid"], "length": 12345,
        "fullurl": f"https://en.wikipedia.org/wiki/{slug}",
        "editurl": f"https://en.wikipedia.org/w/index.php?title={slug}&action=edit",
        "canonicalurl": f"https://en.wikipedia.org/wiki/{slug}",
        "revisions": [{"revid": p["revid"], "parentid": p["revid"] - 1, "timestamp": p["timestamp"]}],
    }
    pages = [page] if formatversion == "2" else {str(page_id): page}
    return {"batchcomplete": formatversion == "2" or "", "query": {"pages": pages}}


def api_answer(params: dict[str, str]) -> dict:
    fv = params.get("formatversion", "1")
    if params.get("list") == "search":
        return search_answer(params.get("srsearch", ""), fv)
    if "pageids" in params:
        return page_answer(int(params["pageids"]), fv)
    return {"error": {"code": "badvalue", "info": "Unrecognized value for parameter \"action\"."},
            "servedby": "mw-api-ext.eqiad.main-1"}


class Handler(BaseHTTPRequestHandler):
    server: "ApiServer"

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.server.requests.append((parts.path, params, dict(self.headers)))
        mode = parts.path.split("/")[1]
        if mode == "hang":
            self.server.release.wait(5)  # longer than any client timeout below; bounded anyway
            return
        if mode == "flaky" and self.server.count(parts.path) <= 1:
            self.reply(503, b"<html>Service Unavailable</html>", "text/html")
            return
        if mode == "html":
            self.reply(200, b"<!doctype html><title>Not an API</title>", "text/html; charset=utf-8")
            return
        if mode == "gone":
            self.reply(404, b"Not Found", "text/plain")
            return
        body = json.dumps(api_answer(params)).encode("utf-8")
        self.reply(200, body, "application/json; charset=utf-8")

    def reply(self, status: int, body: bytes, kind: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:  # keep the test output quiet
        pass


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.release = threading.Event()

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    def url(self, mode: str = "ok") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/w/api.php"


@pytest.fixture
def server(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    api = ApiServer()
    thread = threading.Thread(target=api.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield api
    api.release.set()
    api.shutdown()
    api.server_close()
    thread.join(5)


def client(url: str, **options) -> WikipediaOnline:
    waits: list[float] = []
    options.setdefault("sleep", waits.append)  # record backoff waits instead of sleeping
    wiki = WikipediaOnline(base_url=url, **options)
    wiki.waits = waits  # type: ignore[attr-defined]
    return wiki


def test_search_returns_attributed_documents(server):
    with client(server.url()) as wiki:
        docs = wiki.search("Molotov Ribbentrop pact 1939", limit=2)
    assert [d.title for d in docs] == ["Molotov–Ribbentrop Pact", "World War II"]
    pact = docs[0]
    assert pact.id == "wikipedia-online:127.0.0.1:20861"  # another host than en.wikipedia.org: named in the id
    assert pact.text == (
        "The Molotov–Ribbentrop Pact was a non-aggression pact between Nazi Germany and the Soviet Union, "
        "signed in Moscow on 23 August 1939.\n\nBackground.\nIn 1938 the Munich Agreement was signed."
    )
    assert pact.url == "https://en.wikipedia.org/wiki/Molotov%E2%80%93Ribbentrop_Pact"
    assert (pact.published, pact.licence, pact.kind) == ("2024-05-01", "CC BY-SA 4.0", "wikipedia-online")
    assert "revision 1234567 of 2024-05-01" in pact.attribution
    path, search, headers = server.requests[0]
    assert (search["action"], search["list"], search["srsearch"], search["srlimit"]) == (
        "query", "search", "Molotov Ribbentrop pact 1939", "2")
    assert search["format"] == "json" and search["formatversion"] == "2"
    assert headers["User-Agent"].startswith("sourcecheck/")
    fetch = server.requests[1][1]
    assert fetch["pageids"] == "20861" and fetch["explaintext"] == "1" and "extracts" in fetch["prop"]
    assert "info" in fetch["prop"] and fetch["inprop"] == "url"
    assert wiki.waits == []


def test_no_hits_is_an_empty_list(server):
    assert client(server.url()).search("nothing at all") == []
    assert client(server.url()).search("   ") == []


def test_a_503_is_retried_with_backoff_then_succeeds(server):
    wiki = client(server.url("flaky"), backoff=0.25)
    docs = wiki.search("Molotov", limit=1)
    assert [d.title for d in docs] == ["Molotov–Ribbentrop Pact"]
    assert server.count("/flaky/w/api.php") == 3  # 503, then the search, then the page
    assert wiki.waits == [0.25]


def test_a_hanging_server_times_out_after_the_retries(server):
    wiki = client(server.url("hang"), timeout=0.2, retries=1, backoff=0.01)
    started = time.monotonic()
    with pytest.raises(OfflineError) as caught:
        wiki.search("Molotov")
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert "no answer within 0.2 s" in message and "2 tries" in message and "\n" not in message
    assert "--online" in message
    assert wiki.waits == [0.01]


def test_a_closed_port_is_offline_at_once_in_one_line():
    with socket.socket() as probe:  # a port that nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    wiki = client(f"http://127.0.0.1:{port}/w/api.php", retries=3, timeout=2)
    started = time.monotonic()
    with pytest.raises(OfflineError) as caught:
        wiki.search("Molotov")
    assert time.monotonic() - started < 3 and wiki.waits == []  # no retries when there is no network
    message = str(caught.value)
    assert message.startswith("cannot reach Wikipedia at 127.0.0.1") and "\n" not in message
    assert isinstance(caught.value, SourcecheckError)


def test_an_answer_that_is_not_the_api_is_an_online_error(server):
    with pytest.raises(OnlineError, match="did not answer with JSON"):
        client(server.url("html")).search("x")
    with pytest.raises(OnlineError, match="HTTP 404"):
        client(server.url("gone")).search("x")


def test_mock_transport_with_formatversion_1_answers_429_and_a_missing_page():
    calls: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        params = dict(request.url.params)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "2"}, text="Too many requests")
        if params.get("list") == "search":
            answer = search_answer(params["srsearch"], "1")
            answer["query"]["search"].insert(0, {"ns": 0, "title": "Deleted", "pageid": 999})
            return httpx.Response(200, json=answer)
        return httpx.Response(200, json=page_answer(int(params["pageids"]), "1"))

    waits: list[float] = []
    wiki = WikipediaOnline(transport=httpx.MockTransport(handle), sleep=waits.append, backoff=0.5)
    docs = wiki.search("Second World War", limit=3)
    assert [d.id for d in docs] == ["wikipedia-online:20861", "wikipedia-online:32927"]
    assert docs[1].url == "https://en.wikipedia.org/wiki/World_War_II"
    assert "English Wikipedia" in docs[1].attribution
    assert waits == [2.0]  # the server's Retry-After, longer than the backoff
    assert calls[0].url.host == "en.wikipedia.org"


def test_api_errors_are_online_errors_not_offline():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"error": {"code": "badvalue", "info": "Bad value."}})

    with pytest.raises(OnlineError) as caught:
        WikipediaOnline(transport=httpx.MockTransport(handle)).search("x")
    assert not isinstance(caught.value, OfflineError) and "badvalue" in str(caught.value)


def test_bad_settings_are_refused_in_one_line():
    with pytest.raises(OnlineError, match="not an http"):
        WikipediaOnline(base_url="en.wikipedia.org/w/api.php")
    with pytest.raises(OnlineError, match="timeout"):
        WikipediaOnline(timeout=0)


def test_extracts_are_cut_at_a_paragraph_end():
    text = "First paragraph.\n\n" + "Second paragraph is long. " * 10 + "\n\nThird."
    cut = extract_to_text(text, max_chars=200)
    assert cut.endswith("long.") and len(cut) <= 200


def test_importing_the_online_source_does_not_import_httpx():
    code = "import sys, sourcecheck.sources.online; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
