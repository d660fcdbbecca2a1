"""The web app behind `sourcecheck serve`: paste or upload documents, follow the check, read reports.

    >>> app = create_app(store_path="store.db")                    # doctest: +SKIP
    >>> # uvicorn.run(app) or: sourcecheck serve --store store.db

Pages: `/` (the form), `/jobs/{id}` (progress), `/reports` (the list), `/reports/{id}` (a report,
drawn by `sourcecheck.report_html`), `/docs` (the API, offline). API: `POST /api/check`,
`GET /api/jobs/{id}`, `GET /api/reports`, `GET|DELETE /api/reports/{id}`, `GET /openapi.json`.
Every API error answers `{"error": {"code": ..., "message": ...}}`; pages answer a small page.

Checks run one at a time on a background thread (`sourcecheck.jobs`); the check function is
injected (`check=`), so tests run the app without models. Reports are saved in the store's own
SQLite file (`sourcecheck.report_db`). Security: `guard()` below (token, Host header, Origin,
request size). This module imports FastAPI at the top: only `sourcecheck serve` imports it.
"""

from __future__ import annotations

import hmac
from html import unescape
import ipaddress
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, Optional
from urllib.parse import urlsplit

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__, web_pages
from .errors import BinaryInput, InputTooLarge, SourcecheckError, UnsupportedFormat, UsageError
from .ingest import DEFAULT_MAX_CHARS, SUPPORTED_EXTENSIONS, document_from_text, read_document
from .jobs import Job, JobProgress, JobRunner, QueueFull
from .report_db import ReportDB, ReportSummary
from .types import Document, Report

DEFAULT_MAX_UPLOAD = 5_000_000
DEFAULT_MAX_FILES = 20
PAGE_SIZE = 20
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
MIN_TOKEN_CHARS = 16
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~-]*")

# (documents, progress) -> Report. The default one runs the real pipeline (ModelChecker).
CheckFunction = Callable[[list[Document], JobProgress], Report]


# --- settings checks shared with the command line ----------------------------------------------


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: `127.0.0.1`, `::1`, `localhost`."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def check_access(host: str, token: str | None) -> None:
    """Refuse settings that would expose the app: off loopback, a token is required.

    Example: `check_access("0.0.0.0", None)` raises UsageError; `check_access("127.0.0.1", None)`
    is fine.
    """
    if token is not None and not _TOKEN_CHARS.fullmatch(token):
        raise UsageError(
            "the access token may hold only letters, digits and - _ . ~ (it travels in links and cookies); "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise UsageError(
            f"the access token is {len(token)} characters long; use at least {MIN_TOKEN_CHARS}, e.g. "
            "from: python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    if not is_loopback(host) and token is None:
        raise UsageError(
            f"--host {host} makes the web app reachable from other machines; give an access token with "
            "--token or $SOURCECHECK_TOKEN (or serve on 127.0.0.1)"
        )


# --- errors -----------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: HTTP status, a stable code and a one-line message that says what to do."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BodyTooLarge(Exception):
    pass


_STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_checks", 500: "internal_error",
}


def _wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def error_response(path: str, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one error shape: JSON `{"error": {"code", "message"}}` for the API, a page elsewhere."""
    if _wants_json(path):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)
    return HTMLResponse(web_pages.error_page(status, code, message), status_code=status, headers=headers)


def _input_error(exc: SourcecheckError) -> ApiError:
    """A document that cannot be read, as an answer: too large 413, not a format we read 415, else 422."""
    # The reader's messages name command-line options; here they are form fields and settings.
    message = str(exc).replace("--published ", "published date ").replace("raise the limit with --max-chars", "ask for a higher limit")
    if isinstance(exc, InputTooLarge):
        return ApiError(413, "too_large", message)
    if isinstance(exc, (UnsupportedFormat, BinaryInput)):
        return ApiError(415, "unsupported_media_type", message)
    return ApiError(422, "invalid_input", message)


# --- the guard: token, Host, Origin, size -----------------------------------------------------


def guard(app: Any, *, token: str | None, host_check: bool, max_body: int) -> Callable[..., Any]:
    """ASGI middleware in front of everything.

    - With a token, every request carries it (`Authorization: Bearer`, or the `token` cookie that
      `GET /?token=...` sets, HttpOnly and SameSite=Strict so other sites' pages cannot use it).
    - With `host_check` (loopback without a token), the Host header must name this machine, so a
      web page on another domain that re-points its DNS to 127.0.0.1 cannot read the app.
    - A POST or DELETE that says it comes from another origin is refused (no cross-site forms).
    - A request body over `max_body` bytes is refused with 413: at once when Content-Length says
      so, else as soon as that many bytes have arrived.
    """
    secret = token.encode("utf-8") if token is not None else None

    def _has_token(candidate: str | None) -> bool:
        return candidate is not None and secret is not None and hmac.compare_digest(candidate.encode("utf-8"), secret)

    async def middleware(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        answer = _refusal(scope, headers, path)
        if answer is not None:
            await answer(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    raise BodyTooLarge()
            return message

        await app(scope, limited_receive, send)

    def _refusal(scope: dict, headers: dict[str, str], path: str) -> Response | None:
        host = headers.get("host", "")
        if host_check and host and _hostname(host) not in LOOPBACK_NAMES:
            return error_response(path, 403, "forbidden", f"this server answers only to 127.0.0.1 or localhost, not {host!r}; open http://127.0.0.1:PORT/")
        if secret is not None:
            query = dict(_query_pairs(scope.get("query_string", b"").decode("latin-1")))
            if scope["method"] == "GET" and "token" in query and not _wants_json(path):
                if not _has_token(query["token"]):
                    return error_response(path, 401, "unauthorized", "the token in the link is wrong; ask whoever runs the server for the right one")
                # Trade the token in the link for a cookie, and drop it from the address bar.
                # "/" + ...: a path of "//host" must not become a link to another site.
                response = RedirectResponse("/" + path.lstrip("/"), status_code=303)
                response.set_cookie("token", token or "", httponly=True, samesite="strict", path="/")
                return response
            bearer = headers.get("authorization", "")
            given = bearer[7:].strip() if bearer[:7].lower() == "bearer " else _cookie(headers.get("cookie", ""), "token")
            if not _has_token(given):
                return error_response(
                    path, 401, "unauthorized",
                    "this server needs its access token: send 'Authorization: Bearer TOKEN', or open /?token=TOKEN once in the browser",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            origin = headers.get("origin")
            # "null" too: that is what a sandboxed frame on any site sends.
            if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
                return error_response(path, 403, "forbidden", f"a request from {origin} to this server is refused; use the server's own pages")
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body:
            return error_response(path, 413, "too_large", _too_large_message(int(length), max_body))
        return None

    return middleware


def _too_large_message(size: int | None, limit: int) -> str:
    got = f" ({size:,} bytes)" if size is not None else ""
    return f"the upload{got} is over the limit of {limit:,} bytes; send smaller or fewer files (the server's --max-upload-mb sets the limit)"


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def _query_pairs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


# --- the real check -----------------------------------------------------------------------------


class ModelChecker:
    """The real check: opens the evidence store and the models on first use and keeps them, so
    only the first check pays for loading. Runs on the job runner's one thread."""

    def __init__(self, store_path: Path | str) -> None:
        self.store_path = store_path
        self._verifier: Any = None
        self._extractor: Any = None

    def __call__(self, documents: list[Document], progress: JobProgress) -> Report:
        from .checking import check, open_evidence
        from .pipeline import ClaimExtractor
        from .verifier import Verifier

        if self._verifier is None:
            # The models load lazily inside the first extraction and verification.
            progress.stage("extracting claims (first check: loading the models)", 0, len(documents))
            self._verifier = Verifier(open_evidence(self.store_path))
            self._extractor = ClaimExtractor()
        return check(documents, verifier=self._verifier, extractor=self._extractor, progress=progress.documents, claim_progress=progress.claims)


# --- API models (they document /openapi.json) --------------------------------------------------


class CheckText(BaseModel):
    """A JSON check request: the text, and optionally its title and date."""

    text: str = Field(description="The text to check, as plain text (upload an HTML page as a file to have its markup read).")
    title: Optional[str] = Field(None, description="Title to list the report under.")
    published: Optional[str] = Field(None, description="Publication date: 1942, 1942-02 or 1942-02-15.")


class JobOut(Job):
    url: str = Field(description="This job in the API.")
    page: str = Field(description="The progress page for people.")
    report_url: Optional[str] = Field(None, description="The report's page, once done.")
    report_api: Optional[str] = Field(None, description="The report's JSON, once done.")


class ReportItem(ReportSummary):
    url: str
    api: str


class ReportList(BaseModel):
    items: list[ReportItem]
    total: int
    limit: int
    offset: int


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


_ERRORS = {code: {"model": ErrorOut, "description": _STATUS_CODES[code].replace("_", " ")} for code in (401, 404, 413, 415, 422, 429)}


def _job_out(job: Job) -> JobOut:
    done = job.report_id is not None
    return JobOut(
        **job.model_dump(), url=f"/api/jobs/{job.id}", page=f"/jobs/{job.id}",
        report_url=f"/reports/{job.report_id}" if done else None, report_api=f"/api/reports/{job.report_id}" if done else None,
    )


def _item(summary: ReportSummary) -> ReportItem:
    return ReportItem(**summary.model_dump(), url=f"/reports/{summary.id}", api=f"/api/reports/{summary.id}")


# --- the app ------------------------------------------------------------------------------------


def create_app(
    *,
    store_path: Path | str,
    token: str | None = None,
    host: str = "127.0.0.1",
    check: CheckFunction | None = None,
    reports: ReportDB | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    max_files: int = DEFAULT_MAX_FILES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_queued: int = 20,
) -> Any:
    """The web app, ready for uvicorn. `check` defaults to the real pipeline over the store at
    `store_path`; reports go to that file's `reports` table (or to `reports`). `host` is where it
    will be served: off loopback `token` is required (`check_access`)."""
    check_access(host, token)
    db = reports or ReportDB(store_path)
    checker = check or ModelChecker(store_path)

    def work(documents: list[Document], title: str | None, progress: JobProgress) -> str:
        report = checker(documents, progress)
        return db.add(report, title=title).id

    runner = JobRunner(work, max_queued=max_queued)
    extensions = sorted(SUPPORTED_EXTENSIONS)

    async def lifespan(_: Any):  # type: ignore[no-untyped-def]
        runner.start()
        yield
        runner.stop(timeout=1.0)

    from contextlib import asynccontextmanager

    api = FastAPI(
        title="sourcecheck", version=__version__, lifespan=asynccontextmanager(lifespan),
        docs_url=None, redoc_url=None,
        description="Check the claims of historical and political texts against a local evidence store.",
    )
    api.state.runner = runner
    api.state.reports = db

    # -- error handlers: one shape --------------------------------------------------------------

    @api.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request.url.path, exc.status, exc.code, exc.message)

    @api.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error_response(request.url.path, 413, "too_large", _too_large_message(None, max_upload_bytes), headers={"Connection": "close"})

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; see /docs for what there is"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}; see /docs"
        return error_response(request.url.path, exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid request"))
        return error_response(request.url.path, 422, "invalid_request", message)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return error_response(request.url.path, 500, "internal_error", f"unexpected {type(exc).__name__} on the server; its log has the details")

    # -- reading a submission ---------------------------------------------------------------------

    def _documents(text: str | None, files: list[tuple[str, bytes]], published: str | None, title: str | None) -> list[Document]:
        """Documents from pasted text and uploaded files; a bad one raises ApiError naming it."""
        documents: list[Document] = []
        published = (published or "").strip() or None
        try:
            if text is not None and text.strip():
                documents.append(document_from_text(text, source="<pasted text>", title=(title or "").strip() or None, published=published, max_chars=max_chars))
            if files:
                with tempfile.TemporaryDirectory(prefix="sourcecheck-upload-") as folder:
                    for n, (name, data) in enumerate(files):
                        documents.append(_read_upload(Path(folder), n, name, data, published))
        except SourcecheckError as exc:
            raise _input_error(exc) from None
        if not documents:
            raise ApiError(422, "invalid_input", "nothing to check: paste a text or choose a file")
        return documents

    def _read_upload(folder: Path, n: int, name: str, data: bytes, published: str | None) -> Document:
        shown = PurePath(name.replace("\\", "/")).name or "upload"
        suffix = PurePath(shown).suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise ApiError(415, "unsupported_media_type", f"{shown!r} is not a kind of file sourcecheck reads; upload {', '.join(extensions)}")
        # A private folder, a name of our own: the uploaded name never touches the file system.
        path = folder / f"{n}{suffix}"
        path.write_bytes(data)
        try:
            document = read_document(path, published=published, max_chars=max_chars)
        except SourcecheckError as exc:
            raise type(exc)(str(exc).replace(str(path), shown)) from None
        return document.model_copy(update={"source": shown})

    async def _submission(request: Request) -> tuple[list[Document], str | None]:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            try:
                body = CheckText.model_validate_json(await request.body())
            except ValueError as exc:
                errors = getattr(exc, "errors", lambda: [])()
                first = errors[0] if errors else {}
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise ApiError(422, "invalid_request", f"{where + ': ' if where else ''}{first.get('msg', 'the body is not valid JSON')}; send {{\"text\": ...}}") from None
            documents = await run_in_threadpool(_documents, body.text, [], body.published, body.title)
            return documents, body.title
        if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise ApiError(415, "unsupported_media_type", f"send JSON {{\"text\": ...}} or a multipart form with 'text' and/or 'files', not {kind or 'no content type'}")
        form = await request.form(max_files=max_files, max_fields=20, max_part_size=max_upload_bytes)
        try:
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
            files = [(f.filename or "upload", await f.read()) for f in uploads]
            text = _field(form.get("text"))
            title = _field(form.get("title"))
            documents = await run_in_threadpool(_documents, text, files, _field(form.get("published")), title)
        finally:
            await form.close()
        return documents, (title or "").strip() or None

    def _submit(documents: list[Document], title: str | None) -> Job:
        try:
            return runner.submit(documents, title=title)
        except QueueFull as exc:
            raise ApiError(429, "too_many_checks", str(exc)) from None

    # -- API --------------------------------------------------------------------------------------

    @api.post(
        "/api/check", status_code=202, response_model=JobOut, responses=_ERRORS, summary="Start a check",
        description="Send JSON {\"text\", \"title\"?, \"published\"?} or a multipart form with `text` and/or `files` "
        "(.txt .md .html .pdf), `title`, `published`. Answers 202 with the job; poll its `url`.",
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": CheckText.model_json_schema()},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "text": {"type": "string"}, "title": {"type": "string"}, "published": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        }}},
    )
    async def api_check(request: Request) -> Response:
        documents, title = await _submission(request)
        job = _job_out(_submit(documents, title))
        return JSONResponse(job.model_dump(mode="json"), status_code=202, headers={"Location": job.url})

    @api.get("/api/jobs/{job_id}", response_model=JobOut, responses=_ERRORS, summary="A check's progress")
    def api_job(job_id: str) -> JobOut:
        job = runner.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", f"no check {job_id!r}; checks are forgotten when the server restarts, their reports are not")
        return _job_out(job)

    @api.get("/api/reports", response_model=ReportList, responses=_ERRORS, summary="Saved reports, newest first")
    def api_reports(
        limit: int = Query(PAGE_SIZE, ge=1, le=100, description="How many reports (1-100)."),
        offset: int = Query(0, ge=0, description="How many of the newest to skip."),
    ) -> Response:
        items, total = db.list(limit=limit, offset=offset)
        # Serialised here, once: returned as a model, FastAPI would validate it all over again.
        body = ReportList(items=[_item(s) for s in items], total=total, limit=limit, offset=offset).model_dump_json()
        return Response(body, media_type="application/json")

    @api.get("/api/reports/{report_id}", responses={200: {"description": "The Report (see `sourcecheck schema`)"}, **_ERRORS}, summary="One report as JSON")
    def api_report(report_id: str) -> Response:
        text = db.get_json(report_id)
        if text is None:
            raise ApiError(404, "not_found", f"no report {report_id!r}; GET /api/reports lists them")
        return Response(text, media_type="application/json")

    @api.delete("/api/reports/{report_id}", status_code=204, responses=_ERRORS, summary="Delete a report")
    def api_delete(report_id: str) -> Response:
        if not db.delete(report_id):
            raise ApiError(404, "not_found", f"no report {report_id!r}; GET /api/reports lists them")
        return Response(status_code=204)

    @api.get("/api/health", summary="Is the server up")
    def api_health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    # -- pages ------------------------------------------------------------------------------------

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(web_pages.index_page(max_upload_bytes=max_upload_bytes, extensions=extensions))

    @api.post("/check", include_in_schema=False)
    async def page_check(request: Request) -> Response:
        try:
            documents, title = await _submission(request)
            job = _submit(documents, title)
        except ApiError as exc:
            form = await request.form() if exc.status != 413 else {}
            page = web_pages.index_page(
                max_upload_bytes=max_upload_bytes, extensions=extensions, error=exc.message,
                text=_field(form.get("text")) or "", title=_field(form.get("title")) or "", published=_field(form.get("published")) or "",
            )
            return HTMLResponse(page, status_code=exc.status)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @api.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_job(job_id: str) -> Response:
        job = runner.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", "no such check; checks are forgotten when the server restarts (their reports are kept under Reports)")
        if job.state == "done":
            return RedirectResponse(f"/reports/{job.report_id}", status_code=303)
        return HTMLResponse(web_pages.job_page(job))

    @api.get("/reports", response_class=HTMLResponse, include_in_schema=False)
    def page_reports(page: int = Query(1, ge=1)) -> HTMLResponse:
        items, total = db.list(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return HTMLResponse(web_pages.reports_page(items, total=total, page=page, per_page=PAGE_SIZE))

    @api.get("/reports/{report_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_report(report_id: str) -> HTMLResponse:
        summary = db.summary(report_id)
        report = db.get(report_id) if summary is not None else None
        if summary is None or report is None:
            raise ApiError(404, "not_found", "no such report; see the list under Reports")
        from .report_html import render_html

        page = render_html(report, title=summary.title)
        return HTMLResponse(_with_back_link(page), headers={"Content-Security-Policy": _report_csp(page)})

    @api.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def page_docs() -> HTMLResponse:
        return HTMLResponse(web_pages.docs_page(api.openapi()))

    @api.get("/assets/app.js", include_in_schema=False)
    def app_js() -> Response:
        return Response(web_pages.APP_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})

    app = guard(api, token=token, host_check=is_loopback(host) and token is None, max_body=max_upload_bytes)
    return _with_headers(app, api)


_BODY_START = re.compile(r'<body\b[^>]*>(?:\s*<a class="skip"[^>]*>[^<]*</a>)?', re.I)
_BACK = '<nav class="app-nav"><a href="/reports">&larr; All reports</a> · <a href="/">Check another text</a></nav>'
_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.I)


_REPORT_HEAD = re.compile(r'<header class="report-head">')


def _with_back_link(page: str) -> str:
    """The report as `render_html` draws it, with a way back into the app at the top: inside its
    header (which has the page's margins), else after its skip link (which stays the first thing
    a keyboard reaches). The page's CSP allows no inline style, so the link takes the page's."""
    match = _REPORT_HEAD.search(page) or _BODY_START.search(page)
    return page[: match.end()] + _BACK + page[match.end() :] if match else page


def _report_csp(page: str) -> str:
    """The report page's own policy (it allows its inline script and style by hash) sent as a
    header too, where `frame-ancestors` works; without one, the app's strict default."""
    match = _META_CSP.search(page)
    return f"{unescape(match.group(1))}; frame-ancestors 'none'" if match else CSP


def _field(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# Pages: nothing from another origin, scripts only from our own files (no inline script runs,
# however a document's text got into a page); styles may be inline (the pages carry their CSS).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # Not "no-referrer": under it Chromium sends `Origin: null` with our own form posts, which
    # the guard must refuse (a sandboxed frame on any site sends the same).
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def _with_headers(app: Callable[..., Any], api: Any) -> Callable[..., Any]:
    """Security headers on every answer; the FastAPI object stays reachable as `.api`."""

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message = {**message, "headers": headers + [h for h in _SECURITY_HEADERS if h[0] not in present]}
            await send(message)

        await app(scope, receive, send_with_headers)

    wrapped.api = api  # type: ignore[attr-defined]
    return wrapped

