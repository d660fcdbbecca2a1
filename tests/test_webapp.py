"""The web app (`sourcecheck serve`), tested against a real uvicorn server on 127.0.0.1.

The check is injected (`create_app(check=...)`): `SentenceChecker` makes one claim per sentence
with a verdict read off the sentence, so these tests need no model. One slow test at the end
runs the real pipeline on a tiny evidence store.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from sourcecheck.cli import main
from sourcecheck.errors import SourcecheckError, UsageError
from sourcecheck.jobs import JobProgress
from sourcecheck.report_db import ReportDB
from sourcecheck.types import Claim, DocumentResult, Evidence, Label, Report, RunInfo, Stance, Verdict
from sourcecheck.web_server import ServerThread
from sourcecheck.webapp import create_app

TOKEN = "s3cret-token-for-tests-0123456789"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DEADLINE = 15.0  # seconds any fake check may take before a test gives up


class SentenceChecker:
    """One claim per sentence. A sentence naming 1944 is REFUTED, one with another number is
    SUPPORTED (quoting itself as evidence), the rest NOT_ENOUGH_EVIDENCE. With `gate`, the check
    reports progress 1/2 and then waits for the gate, so a test can watch a running job."""

    def __init__(self, gate: threading.Event | None = None, fail: Exception | None = None) -> None:
        self.gate = gate
        self.fail = fail
        self.calls = 0

    def __call__(self, documents, progress: JobProgress) -> Report:
        self.calls += 1
        results = []
        for n, document in enumerate(documents, 1):
            results.append(_result(document))
            progress.documents(document.source, n, len(documents))
        if self.fail is not None:
            raise self.fail
        if self.gate is not None:
            progress.claims(1, 2)
            assert self.gate.wait(DEADLINE), "the test never opened the gate"
        progress.claims(2, 2)
        return Report(documents=results, run=RunInfo(sourcecheck_version="test", created=dt.datetime.now(dt.timezone.utc)))


def _result(document) -> DocumentResult:
    claims = []
    for match in re.finditer(r"[^.!?\s][^.!?]*[.!?]?", document.text):
        text = match.group()
        label = Label.REFUTED if "1944" in text else Label.SUPPORTED if re.search(r"\d", text) else Label.NOT_ENOUGH_EVIDENCE
        evidence = []
        if label is Label.SUPPORTED:
            evidence = [Evidence(passage_id="p1", source_id="s1", title="A source <b>", quote=text, start=0, end=len(text), stance=Stance.SUPPORTS, score=0.9)]
        verdict = Verdict(label=label, confidence=0.8, rationale=f"fake verdict for {text[:20]}", evidence=evidence)
        claims.append(Claim(
            id=f"c{match.start()}", doc_id=document.id, start=match.start(), end=match.end(), text=text, source_text=text,
            checkworthiness=0.9, checkworthy=True, verdict=verdict,
        ))
    return DocumentResult(
        id=document.id, source=document.source, title=document.title, published=document.published,
        published_basis=document.published_basis, published_note=document.published_note, text=document.text,
        words=len(document.text.split()), times=[], mentions=[], claims=claims,
    )


class BrokenReports(ReportDB):
    def list(self, *, limit=20, offset=0):
        raise RuntimeError("disk on fire")


@pytest.fixture
def serve(tmp_path):
    """Start the app with these options on a free loopback port; every server stops at the end."""
    running: list[ServerThread] = []

    def start(**options) -> httpx.Client:
        options.setdefault("store_path", tmp_path / "store.db")
        options.setdefault("check", SentenceChecker())
        server = ServerThread(create_app(**options)).start()
        running.append(server)
        return httpx.Client(base_url=server.url, timeout=10.0)

    yield start
    for server in running:
        server.stop()


def wait_for(client: httpx.Client, job_url: str, states=("done", "failed"), **headers) -> dict:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        job = client.get(job_url, headers=headers).json()
        if job["state"] in states:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_url} did not reach {states} in {DEADLINE} s: {job}")


def assert_error(response: httpx.Response, status: int, code: str, says: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert message and "\n" not in message
    assert says in message, message


# --- checks ----------------------------------------------------------------------------------


def test_pasted_text_is_checked_in_the_background_and_saved(serve, tmp_path):
    gate = threading.Event()
    client = serve(check=SentenceChecker(gate))
    answer = client.post("/api/check", json={"text": "Paris fell in 1940. Rome fell in 1944. It rained.", "title": "Falls"})
    assert answer.status_code == 202 and answer.headers["location"] == answer.json()["url"]
    job = wait_for(client, answer.json()["url"], states=("running",))
    # the check waits on the gate: the API answers meanwhile and shows how far it got
    deadline = time.monotonic() + DEADLINE
    while job["stage"] != "verifying claims" and time.monotonic() < deadline:
        job = client.get(answer.json()["url"]).json()
    assert (job["stage"], job["done"], job["total"], job["report_id"]) == ("verifying claims", 1, 2, None)
    assert 35 < job["percent"] < 99
    assert client.get("/api/reports").json()["total"] == 0
    gate.set()
    job = wait_for(client, answer.json()["url"])
    assert job["state"] == "done" and job["percent"] == 100 and job["report_url"] == f"/reports/{job['report_id']}"

    report = Report.model_validate_json(client.get(job["report_api"]).text)
    [document] = report.documents
    assert document.source == "<pasted text>" and document.title == "Falls"
    assert [c.verdict.label for c in document.claims] == [Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_EVIDENCE]
    listed = client.get("/api/reports").json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["id"] == job["report_id"] and item["title"] == "Falls" and item["claims"] == 3
    assert item["counts"] == {"SUPPORTED": 1, "REFUTED": 1, "NOT_ENOUGH_EVIDENCE": 1, "CONFLICTING": 0}
    # kept in the store's own database file: a new server on the same store lists it
    with ReportDB(tmp_path / "store.db") as db:
        assert db.get(job["report_id"]) == report


def test_uploaded_files_of_each_kind_become_documents(serve):
    from test_ingest import make_pdf

    client = serve()
    files = [
        ("files", ("notes.txt", "Warsaw rose in 1944.".encode("utf-16"), "text/plain")),
        ("files", ("essay.md", b"# The Pact\n\nThe pact was **signed** in 1939.\n", "text/markdown")),
        ("files", ("page.html", b"<html><head><title>Yalta</title><script>var x=1;</script></head><body><p>They met at Yalta in 1945.</p></body></html>", "text/html")),
        ("files", ("treaty.pdf", make_pdf([["The treaty was signed in 1919."]]), "application/pdf")),
    ]
    answer = client.post("/api/check", files=files, data={"published": "1950"})
    assert answer.status_code == 202, answer.text
    job = wait_for(client, answer.json()["url"])
    report = client.get(job["report_api"]).json()
    by_source = {d["source"]: d for d in report["documents"]}
    assert list(by_source) == ["notes.txt", "essay.md", "page.html", "treaty.pdf"]
    assert by_source["notes.txt"]["text"] == "Warsaw rose in 1944."  # UTF-16 with a BOM, decoded
    assert "**" not in by_source["essay.md"]["text"] and "signed in 1939" in by_source["essay.md"]["text"]
    assert by_source["page.html"]["title"] == "Yalta" and "var x" not in by_source["page.html"]["text"]
    assert "signed in 1919" in by_source["treaty.pdf"]["text"]
    assert all(d["published"]["earliest"] == "1950-01-01" for d in report["documents"])
    assert client.get("/api/reports").json()["items"][0]["title"] == "notes.txt; The Pact; Yalta; treaty.pdf"


def test_text_and_files_together_and_a_path_in_the_file_name_is_dropped(serve):
    client = serve()
    answer = client.post("/api/check", data={"text": "Berlin fell in 1945."}, files=[("files", ("../../etc/x.txt", b"Kyiv was freed in 1943.", "text/plain"))])
    job = wait_for(client, answer.json()["url"])
    sources = [d["source"] for d in client.get(job["report_api"]).json()["documents"]]
    assert sources == ["<pasted text>", "x.txt"]


def test_the_form_posts_redirects_to_progress_and_then_to_the_report(serve):
    client = serve()
    answer = client.post("/check", data={"text": "Berlin fell in 1945.", "title": "", "published": ""}, files=[("files", ("", b"", "application/octet-stream"))])
    assert answer.status_code == 303 and answer.headers["location"].startswith("/jobs/")
    job_id = answer.headers["location"].rsplit("/", 1)[1]
    job = wait_for(client, f"/api/jobs/{job_id}")
    page = client.get(answer.headers["location"])
    assert page.status_code == 303 and page.headers["location"] == job["report_url"]


def test_a_failed_check_says_why(serve):
    client = serve(check=SentenceChecker(fail=SourcecheckError("no evidence store at /x; fill it first")))
    answer = client.post("/api/check", json={"text": "Berlin fell in 1945."})
    job = wait_for(client, answer.json()["url"])
    assert job["state"] == "failed" and job["error"] == "no evidence store at /x; fill it first" and job["report_id"] is None
    page = client.get(job["page"])
    assert page.status_code == 200 and "no evidence store at /x; fill it first" in page.text
    assert "http-equiv=\"refresh\"" not in page.text  # a failed job does not reload for ever


def test_a_bug_in_the_check_fails_the_job_not_the_server(serve):
    client = serve(check=SentenceChecker(fail=KeyError("boom")))
    job = wait_for(client, client.post("/api/check", json={"text": "A text."}).json()["url"])
    assert job["state"] == "failed" and job["error"] == "unexpected KeyError: 'boom'"
    assert client.get("/api/health").json()["status"] == "ok"


def test_too_many_waiting_checks_answer_429(serve):
    gate = threading.Event()
    client = serve(check=SentenceChecker(gate), max_queued=1)
    first = client.post("/api/check", json={"text": "One."}).json()
    wait_for(client, first["url"], states=("running",))
    assert client.post("/api/check", json={"text": "Two."}).status_code == 202  # waits in the queue
    assert_error(client.post("/api/check", json={"text": "Three."}), 429, "too_many_checks", "already waiting")
    gate.set()
    wait_for(client, first["url"])


# --- reports --------------------------------------------------------------------------------


def _fill(path: Path, n: int) -> list[str]:
    checker = SentenceChecker()
    ids = []
    from sourcecheck.ingest import document_from_text

    with ReportDB(path) as db:
        for i in range(n):
            report = checker([document_from_text(f"Report {i} says 1945.")], JobProgress(lambda *a: None))
            ids.append(db.add(report, title=f"Report {i}").id)
    return ids


def test_reports_are_listed_newest_first_a_page_at_a_time(serve, tmp_path):
    ids = _fill(tmp_path / "store.db", 45)
    client = serve()
    last = client.get("/api/reports", params={"limit": 20, "offset": 40}).json()
    assert (last["total"], last["limit"], last["offset"]) == (45, 20, 40)
    assert [i["id"] for i in last["items"]] == ids[4::-1]
    first = client.get("/api/reports").json()
    assert [i["title"] for i in first["items"][:2]] == ["Report 44", "Report 43"] and len(first["items"]) == 20
    assert first["items"][0]["url"] == f"/reports/{ids[44]}" and first["items"][0]["api"] == f"/api/reports/{ids[44]}"
    page = client.get("/reports", params={"page": 3}).text
    assert "Page 3 of 3 · 45 reports" in page and page.count("<tr><td><a href=\"/reports/") == 5
    assert "Report 0<" in page and "rel=\"prev\" href=\"/reports?page=2\"" in page and "rel=\"next\"" not in page


def test_a_report_can_be_deleted(serve, tmp_path):
    [report_id] = _fill(tmp_path / "store.db", 1)
    client = serve()
    assert client.delete(f"/api/reports/{report_id}").status_code == 204
    assert_error(client.get(f"/api/reports/{report_id}"), 404, "not_found", report_id)
    assert_error(client.delete(f"/api/reports/{report_id}"), 404, "not_found")


def test_report_page_renders_the_report(serve, tmp_path):
    client = serve()
    job = wait_for(client, client.post("/api/check", json={"text": "Paris fell in 1940. Rome fell in 1944.", "title": "Two falls"}).json()["url"])
    page = client.get(job["report_url"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Two falls" in page.text and "Paris fell in 1940." in page.text and "Rome fell in 1944." in page.text
    assert 'href="/reports"' in page.text  # the way back into the app
    assert client.get("/reports/0000000000000000").status_code == 404


# --- errors: one shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code", "says"),
    [
        ("GET", "/api/nothing", {}, 404, "not_found", "/api/nothing"),
        ("GET", "/api/reports/abc", {}, 404, "not_found", "'abc'"),
        ("GET", "/api/jobs/abc", {}, 404, "not_found", "'abc'"),
        ("PUT", "/api/reports", {}, 405, "method_not_allowed", "PUT"),
        ("GET", "/api/reports?limit=0", {}, 422, "invalid_request", "limit"),
        ("GET", "/api/reports?offset=x", {}, 422, "invalid_request", "offset"),
        ("POST", "/api/check", {"json": {"text": "   "}}, 422, "invalid_input", "nothing to check"),
        ("POST", "/api/check", {"json": {"words": "x"}}, 422, "invalid_request", "text"),
        ("POST", "/api/check", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "invalid_request", "JSON"),
        ("POST", "/api/check", {"json": {"text": "It fell.", "published": "someday"}}, 422, "invalid_input", "'someday' is not a date"),
        ("POST", "/api/check", {"content": b"text", "headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type", "text/plain"),
        ("POST", "/api/check", {"files": [("files", ("a.docx", b"PK\x03\x04", "application/octet-stream"))]}, 415, "unsupported_media_type", "'a.docx'"),
        ("POST", "/api/check", {"files": [("files", ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "text/plain"))]}, 415, "unsupported_media_type", "photo.txt"),
        ("POST", "/api/check", {"files": [("files", ("empty.md", b"", "text/markdown"))]}, 422, "invalid_input", "empty.md is empty"),
        ("POST", "/api/check", {"files": [("files", ("big.txt", b"x " * 60_000, "text/plain"))]}, 413, "too_large", "100,000 bytes"),
        ("POST", "/api/check", {"json": {"text": "word " * 30_000}}, 413, "too_large", "limit"),
        ("POST", "/api/check", {"files": [("files", (f"{n}.txt", b"A.", "text/plain")) for n in range(4)]}, 400, "bad_request", "files"),
    ],
)
def test_api_errors_have_one_shape(serve, method, url, kwargs, status, code, says):
    client = serve(max_upload_bytes=100_000, max_files=3)
    assert_error(client.request(method, url, **kwargs), status, code, says)


def test_a_body_without_length_is_cut_off_at_the_limit(serve):
    client = serve(max_upload_bytes=100_000)
    sent = 0

    def chunks():  # chunked transfer: no Content-Length to refuse up front; 300 kB in all
        nonlocal sent
        for _ in range(30):
            sent += 10_000
            yield b'{"text": "' if sent == 10_000 else b"x" * 10_000

    answer = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert_error(answer, 413, "too_large", "100,000 bytes")


def test_a_server_error_answers_in_the_same_shape(serve, tmp_path):
    client = serve(reports=BrokenReports(tmp_path / "store.db"))
    assert_error(client.get("/api/reports"), 500, "internal_error", "RuntimeError")


def test_page_errors_are_pages(serve):
    client = serve()
    page = client.get("/reports/nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html") and "no such report" in page.text
    assert client.get("/nothing/here").status_code == 404


def test_a_bad_form_comes_back_with_the_error_and_what_was_typed(serve):
    client = serve()
    page = client.post("/check", data={"text": "It fell.", "title": "Mine", "published": "someday"})
    assert page.status_code == 422 and "&#x27;someday&#x27; is not a date" in page.text
    assert ">It fell.</textarea>" in page.text and 'value="Mine"' in page.text and 'value="someday"' in page.text


# --- escaping ---------------------------------------------------------------------------------


def test_our_pages_show_markup_from_documents_as_text(serve):
    gate = threading.Event()
    client = serve(check=SentenceChecker(gate))
    answer = client.post("/check", data={"text": f"Hello {XSS} in 1945.", "title": f"T {XSS}"})
    job_page = client.get(answer.headers["location"]).text
    gate.set()
    wait_for(client, "/api/jobs/" + answer.headers["location"].rsplit("/", 1)[1])
    form_page = client.post("/check", data={"text": XSS, "published": "someday"}).text
    list_page = client.get("/reports").text
    for page in (job_page, form_page, list_page):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_report_page_shows_markup_from_documents_as_text(serve):
    client = serve()
    job = wait_for(client, client.post("/api/check", json={"text": f"Hello {XSS} in 1945. Also {XSS}.", "title": f"T {XSS}"}).json()["url"])
    page = client.get(job["report_url"]).text
    assert "<script>alert" not in page and "<img src=x onerror" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # and were escaping ever to fail, no script but the page's own could run: the header allows
    # scripts by hash only, and the report's one script is the only one that matches
    csp = client.get(job["report_url"]).headers["content-security-policy"]
    scripts = re.search(r"script-src ([^;]*)", csp).group(1).split()
    assert scripts and all(s.startswith("'sha256-") for s in scripts) and "frame-ancestors 'none'" in csp
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S) if "application/json" not in attrs]
    assert len(inline) == len(scripts) == 1
    assert scripts[0] == "'sha256-" + base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode() + "'"


# --- access ---------------------------------------------------------------------------------


def test_off_loopback_the_app_refuses_to_exist_without_a_token(tmp_path):
    with pytest.raises(UsageError, match="--token or \\$SOURCECHECK_TOKEN"):
        create_app(store_path=tmp_path / "s.db", host="0.0.0.0", check=SentenceChecker())
    with pytest.raises(UsageError, match="at least 16"):
        create_app(store_path=tmp_path / "s.db", host="127.0.0.1", token="short", check=SentenceChecker())
    with pytest.raises(UsageError, match="only letters, digits"):
        create_app(store_path=tmp_path / "s.db", host="0.0.0.0", token="a long token with spaces; and more", check=SentenceChecker())


def test_with_a_token_every_request_must_carry_it(serve):
    client = serve(host="0.0.0.0", token=TOKEN)  # the policy of a public server, served on loopback here
    for url in ("/api/reports", "/openapi.json", "/api/health"):
        assert_error(client.get(url), 401, "unauthorized", "Bearer")
        assert_error(client.get(url, headers={"Authorization": "Bearer wrong-token-wrong-token"}), 401, "unauthorized")
        assert client.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert_error(client.post("/api/check", json={"text": "x"}), 401, "unauthorized")
    assert_error(client.get("/api/reports", params={"token": TOKEN}), 401, "unauthorized")  # the API takes no token in the URL
    page = client.get("/")
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html") and "?token=" in page.text
    assert client.get("/", params={"token": "wrong-token-wrong-token"}).status_code == 401
    assert "set-cookie" not in client.get("/", params={"token": "wrong-token-wrong-token"}).headers


def test_a_token_link_sets_a_cookie_for_the_browser(serve):
    client = serve(host="0.0.0.0", token=TOKEN)
    answer = client.get("/reports", params={"token": TOKEN})
    assert answer.status_code == 303 and answer.headers["location"] == "/reports"  # the token leaves the address bar
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"token={TOKEN};") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/reports").status_code == 200  # httpx keeps the cookie
    # a path that starts with // must not redirect to another site (no open redirect)
    tricky = str(client.base_url).rstrip("/") + "//attacker.example/x"
    assert client.get(tricky, params={"token": TOKEN}).headers["location"] == "/attacker.example/x"
    answer = client.post("/api/check", json={"text": "Berlin fell in 1945."})
    assert answer.status_code == 202
    assert wait_for(client, answer.json()["url"])["state"] == "done"


def test_without_a_token_only_loopback_host_names_are_answered(serve):
    client = serve()
    assert client.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
    assert_error(client.get("/api/health", headers={"Host": "attacker.example:8000"}), 403, "forbidden", "attacker.example")


def test_posts_from_other_sites_are_refused(serve):
    client = serve()
    assert_error(client.post("/api/check", json={"text": "x"}, headers={"Origin": "http://attacker.example"}), 403, "forbidden", "attacker.example")
    assert_error(client.post("/api/check", json={"text": "x"}, headers={"Origin": "null"}), 403, "forbidden")  # a sandboxed frame
    page = client.post("/check", data={"text": "x"}, headers={"Origin": "http://attacker.example"})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    same = client.post("/api/check", json={"text": "x"}, headers={"Origin": str(client.base_url).rstrip("/")})
    assert same.status_code == 202


def test_every_answer_carries_security_headers(serve):
    client = serve()
    for url in ("/", "/api/reports", "/api/nothing"):
        headers = client.get(url).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"  # "no-referrer" would make our own form posts Origin: null


# --- docs -------------------------------------------------------------------------------------


def test_openapi_and_offline_docs_describe_the_api(serve):
    client = serve()
    spec = client.get("/openapi.json").json()
    assert {"/api/check", "/api/jobs/{job_id}", "/api/reports", "/api/reports/{report_id}"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/check"]["post"]["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    docs = client.get("/docs").text
    assert "POST /api/check" in docs and "GET /api/reports" in docs and "<script src=\"http" not in docs
    assert client.get("/assets/app.js").headers["content-type"].startswith("text/javascript")


# --- the command --------------------------------------------------------------------------------


def test_the_web_framework_is_imported_only_by_serve():
    code = (
        "import sys, sourcecheck, sourcecheck.cli, sourcecheck.report_db, sourcecheck.jobs;"
        "print(','.join(m for m in ('fastapi', 'starlette', 'uvicorn', 'multipart', 'python_multipart') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serve_bad_settings_are_one_line_errors(tmp_path, capsys, monkeypatch):
    store = tmp_path / "store.db"
    ReportDB(store).close()
    monkeypatch.delenv("SOURCECHECK_TOKEN", raising=False)
    cases = [
        (["--host", "0.0.0.0"], "--host 0.0.0.0 makes the web app reachable from other machines"),
        (["--token", "short"], "at least 16"),
        (["--store", str(tmp_path / "missing.db")], "no evidence store at"),
        (["--port", "70000"], "--port 70000 is not a port number"),
        (["--max-upload-mb", "0"], "--max-upload-mb must be above 0"),
        (["--host", "203.0.113.9", "--token", TOKEN], "not an address of this machine"),
    ]
    for args, message in cases:
        argv = ["serve", *args] if "--store" in args else ["serve", "--store", str(store), *args]
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, (args, err)
    monkeypatch.setenv("SOURCECHECK_TOKEN", "short-env")  # the token is read from the environment
    assert main(["serve", "--store", str(store)]) == 2 and "9 characters long" in capsys.readouterr().err


def test_cli_serve_on_a_busy_port_is_a_one_line_error(tmp_path, capsys):
    store = tmp_path / "store.db"
    ReportDB(store).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = main(["serve", "--store", str(store), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == f"error: port {port} on 127.0.0.1 is already in use; stop the other server or pick another with --port"


def test_cli_serve_runs_until_interrupted(tmp_path):
    store = tmp_path / "store.db"
    ReportDB(store).close()
    port = _free_port()
    env = {**os.environ, "SOURCECHECK_TOKEN": ""}
    env.pop("SOURCECHECK_TOKEN")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sourcecheck.cli", "serve", "--store", str(store), "--port", str(port)],
        stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/reports", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert answer.status_code == 200 and answer.json()["total"] == 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert f"serving on http://127.0.0.1:{port}/" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


# --- the real check, end to end -----------------------------------------------------------------


@pytest.mark.slow
def test_only_the_first_real_check_announces_the_model_loading(tmp_path):
    # Read from the checker's own reports, not by polling a job: with the models already loaded
    # in this process the stage can pass between two polls.
    from sourcecheck.importer import import_documents
    from sourcecheck.ingest import document_from_text
    from sourcecheck.sqlite_store import SQLiteStore
    from sourcecheck.webapp import ModelChecker
    from verification_fakes import WINTER_WAR

    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        import_documents(store, [WINTER_WAR])
    checker = ModelChecker(path)
    stages: list[list[str]] = []
    for _ in range(2):
        seen: list[str] = []
        checker([document_from_text("The Winter War began on 30 November 1939.")], JobProgress(lambda name, done, total: seen.append(name)))
        stages.append(seen)
    loading = "extracting claims (first check: loading the models)"
    assert stages[0][0] == loading and "verifying claims" in stages[0]
    assert loading not in stages[1] and "verifying claims" in stages[1]


@pytest.mark.slow
def test_a_real_check_end_to_end_on_a_tiny_store(tmp_path):
    from sourcecheck.importer import import_documents
    from sourcecheck.sqlite_store import SQLiteStore
    from verification_fakes import MOSCOW_1944, STALINGRAD, WINTER_WAR

    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        import_documents(store, [WINTER_WAR, MOSCOW_1944, STALINGRAD])  # real MiniLM vectors
    text = "The Winter War began on 30 November 1939. The Battle of Stalingrad lasted from August 1942 to February 1943."
    with ServerThread(create_app(store_path=path)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.post("/api/check", json={"text": text, "title": "Two battles"})
        assert answer.status_code == 202
        deadline = time.monotonic() + 300
        while (job := client.get(answer.json()["url"]).json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, f"the real check took over 300 s: {job}"
            time.sleep(0.2)
        assert job["state"] == "done", job["error"]
        report = Report.model_validate_json(client.get(job["report_api"]).text)
        claims = report.documents[0].claims
        assert claims and all(c.verdict is not None for c in claims)
        sources = {s.id: s for s in (WINTER_WAR, MOSCOW_1944, STALINGRAD)}
        quotes = [e for c in claims for e in c.verdict.evidence]
        assert quotes and all(sources[e.source_id].text[e.start : e.end] == e.quote for e in quotes)
        winter = next(c for c in claims if "Winter War" in c.text)
        assert winter.verdict.label is Label.SUPPORTED
        assert "Winter War" in client.get(job["report_url"]).text
