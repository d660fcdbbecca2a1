"""The web app's own HTML pages: the check form, a check's progress, the list of reports, errors.

Plain functions from data to a complete HTML page (a report itself is drawn by
`sourcecheck.report_html`). Every value that comes from a user or a document goes through
`html.escape`, so a document holding `<script>` shows those characters instead of running them.
The pages need no network: the CSS is inline and the one script is served by the app itself
(`/assets/app.js`), which the Content-Security-Policy allows and nothing else.

    >>> page = error_page(404, "not_found", "no report <x>")
    >>> "no report &lt;x&gt;" in page
    True
"""

from __future__ import annotations

import math
from html import escape

from .jobs import Job
from .report_db import ReportSummary

LABELS = [("SUPPORTED", "Supported"), ("REFUTED", "Refuted"), ("NOT_ENOUGH_EVIDENCE", "Not enough evidence"), ("CONFLICTING", "Conflicting")]

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#23395d;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:baseline}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700;font-size:1.15rem}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
textarea{width:100%;min-height:14rem;font:inherit;box-sizing:border-box;padding:.5rem}
input[type=text]{font:inherit;padding:.3rem;width:20rem;max-width:100%}
label{display:block;font-weight:600;margin-top:1rem}
.hint{color:#555;font-size:.9rem;font-weight:400}
button{font:inherit;padding:.5rem 1.4rem;margin-top:1.2rem;background:#23395d;color:#fff;border:0;border-radius:4px;cursor:pointer}
.error{background:#fde8e8;border-left:4px solid #c0392b;padding:.6rem 1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
progress{width:100%;height:1.4rem}
.SUPPORTED{color:#1e7d32}.REFUTED{color:#b71c1c}.CONFLICTING{color:#8e5300}.NOT_ENOUGH_EVIDENCE{color:#555}
nav.pages{margin-top:1rem;display:flex;gap:1rem}
""".strip()


def layout(title: str, body: str, *, head: str = "") -> str:
    """A complete page around `body` (already HTML); `title` is text and is escaped here."""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)} · sourcecheck</title><style>{_CSS}</style>{head}</head>\n<body>"
        "<header><a class=\"brand\" href=\"/\">sourcecheck</a><a href=\"/\">Check a text</a>"
        "<a href=\"/reports\">Reports</a><a href=\"/docs\">API</a></header>\n"
        f"<main>{body}</main>\n<script src=\"/assets/app.js\"></script></body></html>\n"
    )


def index_page(*, max_upload_bytes: int, extensions: list[str], error: str | None = None, text: str = "", title: str = "", published: str = "") -> str:
    """The check form: paste text or upload files; on a bad submission it comes back with the
    error above it and what was typed still in it."""
    problem = f"<p class=\"error\" role=\"alert\">{escape(error)}</p>" if error else ""
    accept = ",".join(extensions)
    body = f"""<h1>Check a text</h1>
{problem}
<p>Paste a text or upload documents. Each claim is checked against the local evidence store and judged
supported, refuted, conflicting, or without enough evidence, with the passages that decide it.</p>
<form method="post" action="/check" enctype="multipart/form-data">
<label for="text">Text</label>
<textarea id="text" name="text" placeholder="Paste an article, an essay or a speech">{escape(text)}</textarea>
<label for="files">Or upload files <span class="hint">({escape(' '.join(extensions))}; at most {_size(max_upload_bytes)} in all)</span></label>
<input id="files" name="files" type="file" multiple accept="{escape(accept)}">
<label for="title">Title <span class="hint">(optional)</span></label>
<input id="title" name="title" type="text" value="{escape(title)}">
<label for="published">Published <span class="hint">(optional: 1942, 1942-02 or 1942-02-15; else found in the text)</span></label>
<input id="published" name="published" type="text" value="{escape(published)}">
<div><button type="submit">Check</button></div>
</form>"""
    return layout("Check a text", body)


def job_page(job: Job) -> str:
    """A running or failed check; the script polls `/api/jobs/{id}` and opens the report when done.
    Without JavaScript the page reloads itself every two seconds instead."""
    name = job.title or f"{job.documents} document{'s' if job.documents != 1 else ''}"
    failed = job.state == "failed"
    counts = f"{job.done}/{job.total}" if job.total else ""
    error = f"<p id=\"job-error\" class=\"error\" role=\"alert\">{escape(job.error or '')}</p>" if failed else "<p id=\"job-error\" class=\"error\" role=\"alert\" hidden></p>"
    body = f"""<h1>Checking {escape(name)}</h1>
<div id="job" data-api="/api/jobs/{escape(job.id)}">
<p>Status: <strong id="job-stage">{escape(job.stage)}</strong> <span id="job-count">{escape(counts)}</span></p>
<progress id="job-bar" max="100" value="{job.percent}">{job.percent}%</progress>
{error}
</div>
<p class="hint">The first check after the server starts also loads the models (about half a minute).</p>"""
    refresh = "" if failed else "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>"
    return layout(f"Checking {name}", body, head=refresh)


def reports_page(items: list[ReportSummary], *, total: int, page: int, per_page: int) -> str:
    """The saved reports, newest first, a page at a time."""
    pages = max(1, math.ceil(total / per_page))
    if not items:
        rows = "<tr><td colspan=\"8\">No reports yet. <a href=\"/\">Check a text.</a></td></tr>"
    else:
        rows = "\n".join(_report_row(item) for item in items)
    heads = "".join(f"<th class=\"n {key}\">{escape(name)}</th>" for key, name in LABELS)
    nav = []
    if page > 1:
        nav.append(f"<a rel=\"prev\" href=\"/reports?page={page - 1}\">← Newer</a>")
    nav.append(f"<span>Page {page} of {pages} · {total} report{'s' if total != 1 else ''}</span>")
    if page < pages:
        nav.append(f"<a rel=\"next\" href=\"/reports?page={page + 1}\">Older →</a>")
    body = f"""<h1>Reports</h1>
<table><thead><tr><th>Title</th><th>Checked (UTC)</th><th class="n">Documents</th><th class="n">Claims</th>{heads}</tr></thead>
<tbody>
{rows}
</tbody></table>
<nav class="pages">{''.join(nav)}</nav>"""
    return layout("Reports", body)


def _report_row(item: ReportSummary) -> str:
    counts = "".join(f"<td class=\"n {key}\">{item.counts.get(key, 0)}</td>" for key, _ in LABELS)
    created = item.created.strftime("%Y-%m-%d %H:%M")
    return (
        f"<tr><td><a href=\"/reports/{escape(item.id)}\">{escape(item.title)}</a></td><td>{created}</td>"
        f"<td class=\"n\">{item.documents}</td><td class=\"n\">{item.claims}</td>{counts}</tr>"
    )


def error_page(status: int, code: str, message: str) -> str:
    """The page shown for an error outside the JSON API (the API answers `{"error": ...}`)."""
    body = f"<h1>{status}: {escape(code.replace('_', ' '))}</h1><p class=\"error\" role=\"alert\">{escape(message)}</p><p><a href=\"/\">Back to the start</a></p>"
    return layout(f"Error {status}", body)


def docs_page(spec: dict) -> str:
    """The API described from the OpenAPI document, readable offline (FastAPI's /docs would fetch
    Swagger UI from a CDN)."""
    sections = []
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            params = "".join(
                f"<li><code>{escape(p['name'])}</code> ({escape(p.get('in', ''))}){': ' + escape(p['description']) if p.get('description') else ''}</li>"
                for p in op.get("parameters", [])
            )
            body = op.get("requestBody", {}).get("content", {})
            kinds = f"<p>Body: {escape(', '.join(body))}</p>" if body else ""
            answers = ", ".join(f"{escape(code)} {escape(r.get('description', ''))}" for code, r in op.get("responses", {}).items())
            sections.append(
                f"<h2><code>{escape(method.upper())} {escape(path)}</code></h2><p>{escape(op.get('summary', ''))}</p>"
                f"<p>{escape(op.get('description', ''))}</p>{kinds}{'<ul>' + params + '</ul>' if params else ''}<p class=\"hint\">Answers: {answers}</p>"
            )
    body = (
        "<h1>API</h1><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a>. Errors always answer "
        "<code>{\"error\": {\"code\": ..., \"message\": ...}}</code>. With a token, send "
        "<code>Authorization: Bearer TOKEN</code>.</p>" + "\n".join(sections)
    )
    return layout("API", body)


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} kB"


# Served as /assets/app.js. It writes only through textContent, never innerHTML.
APP_JS = """
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var api = box.getAttribute("data-api");
  var stage = document.getElementById("job-stage"), count = document.getElementById("job-count");
  var bar = document.getElementById("job-bar"), error = document.getElementById("job-error");
  function fail(message) { error.textContent = message; error.hidden = false; }
  function tick() {
    fetch(api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (answer) {
        var ok = answer[0], job = answer[1];
        if (!ok) { fail(job.error ? job.error.message : "the server answered with an error"); return; }
        stage.textContent = job.stage;
        count.textContent = job.total ? job.done + "/" + job.total : "";
        bar.value = job.percent;
        if (job.state === "done") { window.location.assign(job.report_url); return; }
        if (job.state === "failed") { fail(job.error); return; }
        setTimeout(tick, 700);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  tick();
})();
""".lstrip()
