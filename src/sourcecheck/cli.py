"""The `sourcecheck` command: a thin shell over the library.

Data goes to stdout, progress and errors to stderr. Exit codes: 0 ok, 1 unexpected failure,
2 bad input or usage, 3 a claim failed `--fail-on`, 4 a model is missing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import SourcecheckError

app = typer.Typer(
    name="sourcecheck",
    help="Put historical and political texts to the test: claims, dates, people and places, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CLAIMS_EXAMPLES = """
Examples:

  sourcecheck claims essay.txt                      # table of check-worthy claims
  sourcecheck claims essay.txt --json > report.json # the JSON report (see `sourcecheck schema`)
  sourcecheck claims a.md b.html --all              # every candidate with its score
  sourcecheck claims essay.txt --published 1942-02  # date the document yourself
  sourcecheck claims essay.txt --html claims.html   # also a self-contained HTML page
  sourcecheck claims essay.txt --format annotations # W3C Web Annotations of the claims
  cat speech.txt | sourcecheck claims -             # read standard input
"""


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file private (0600); a report is an ordinary file (0666 less umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command(epilog=CLAIMS_EXAMPLES)
def claims(
    files: Annotated[list[str], typer.Argument(help="Files (.txt .md .html .pdf) or '-' for standard input.", metavar="FILE...")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report instead of a table (the same as --format json).")] = False,
    fmt: Annotated[Optional[str], typer.Option("--format", help="What to print: table (default), json, markdown or annotations (W3C Web Annotation JSON-LD).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write a self-contained HTML report to this file (atomically).")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date of the documents: 1942, 1942-02, 1942-02-15 or 'February 1942'.")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="List every claim candidate with its score, not only the check-worthy ones.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")] = None,
    max_chars: Annotated[int, typer.Option(help="Refuse documents with more characters of text than this.")] = 5_000_000,
    silent: Annotated[bool, typer.Option("--silent", "-s", help="No progress on stderr.")] = False,
) -> None:
    """Find the check-worthy factual claims in documents, with their people, places and dates."""
    from .exports import format_report, output_format
    from .pipeline import extract_claims
    from .render import progress_printer, render_table

    fmt = output_format(fmt, as_json=as_json, verdicts=False)
    if html is not None:
        from .report_html import check_html_target

        check_html_target(html)
    progress = None if silent else progress_printer(sys.stderr)
    report = extract_claims(files, published=published, include_all=include_all, max_chars=max_chars, progress=progress)
    text = render_table(report, include_all=include_all) if fmt == "table" else format_report(report, fmt, verdicts=False)
    if html is not None:
        from .report_html import render_html

        _write_atomically(html, render_html(report))
    if output is not None:
        _write_atomically(output, text)
    else:
        sys.stdout.write(text)


SEARCH_EXAMPLES = """
Examples:

  sourcecheck search "Hitler-Stalin pact" --k 5
  sourcecheck search "Stalingrad" --between 1942 1943 --json
  sourcecheck search --queries claims.jsonl --json > results.jsonl   # lines {"id", "query"}
"""


@app.command(epilog=SEARCH_EXAMPLES)
def search(
    query: Annotated[Optional[str], typer.Argument(help="What to look for.")] = None,
    queries: Annotated[Optional[Path], typer.Option("--queries", help="Batch mode: a JSONL file of {\"id\", \"query\"} lines ('-' for stdin).")] = None,
    k: Annotated[int, typer.Option("--k", help="How many passages to return per query.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output (one line per query in batch mode).")] = False,
    between: Annotated[Optional[tuple[str, str]], typer.Option(help="Only passages about this time: --between 1942 1943 (* for an open side).")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Evidence store (default: $SOURCECHECK_HOME/store.db or the user data directory).")] = None,
    mode: Annotated[str, typer.Option(help="hybrid (BM25 + dense, fused), bm25 or dense.")] = "hybrid",
    online: Annotated[bool, typer.Option("--online", help="Also ask Wikipedia online (opt-in) and cache the pages found into the store.")] = False,
) -> None:
    """Search the evidence store: hybrid BM25 + dense retrieval with rank fusion."""
    from .cli_search import search_command

    if online and query:
        from .cli_corpus import _open
        from .online_cache import cache_online

        cache = _open(store, create=True)
        try:
            cache_online(cache, [query], warn=lambda line: sys.stderr.write(f"warning: {line}\n"))
        finally:
            cache.close()

    code = search_command(query, queries_file=queries, k=k, as_json=as_json, between=between, store_path=store, mode=mode, out=sys.stdout)
    if code:
        raise typer.Exit(code)


CHECK_EXAMPLES = """
Examples:

  sourcecheck check essay.md                          # claim, verdict, confidence, source
  sourcecheck check essay.md --json > report.json     # each claim with verdict, quotes, checks
  sourcecheck check essay.md --html report.html       # also a self-contained HTML report
  sourcecheck check essay.md --format markdown        # or claimreview (schema.org), annotations (W3C)
  sourcecheck check a.md b.html --store corpus.db     # another evidence store
  sourcecheck check speech.txt --fail-on refuted      # exit 3 when any claim is refuted
  sourcecheck check essay.md --online                 # also ask Wikipedia online (opt-in)
  sourcecheck check essay.md --llm http://127.0.0.1:8080/v1 --llm-model smollm2   # LLM second opinion
"""


@app.command(epilog=CHECK_EXAMPLES)
def check(
    files: Annotated[list[str], typer.Argument(help="Files (.txt .md .html .pdf) or '-' for standard input.", metavar="FILE...")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report instead of a table (the same as --format json).")] = False,
    fmt: Annotated[Optional[str], typer.Option("--format", help="What to print: table (default), json, markdown, claimreview (schema.org ClaimReview JSON-LD) or annotations (W3C Web Annotation JSON-LD).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write a self-contained HTML report to this file (atomically).")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Evidence store (default: $SOURCECHECK_HOME/store.db or the user data directory).")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date of the documents: 1942, 1942-02, 1942-02-15 or 'February 1942'.")] = None,
    online: Annotated[bool, typer.Option("--online", help="Also ask Wikipedia online (opt-in) and cache the pages found into the store.")] = False,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Exit with 3 when a claim is 'refuted' (or 'not-supported': anything but supported).")] = None,
    llm: Annotated[Optional[str], typer.Option("--llm", help="Also ask an LLM at this OpenAI-compatible URL (e.g. http://127.0.0.1:8080/v1); key from $SOURCECHECK_LLM_API_KEY or $OPENAI_API_KEY. Recorded beside the local verdict.")] = None,
    llm_model: Annotated[Optional[str], typer.Option("--llm-model", help="Model name to send to the --llm endpoint.")] = None,
    llm_timeout: Annotated[float, typer.Option("--llm-timeout", help="Seconds to wait for each LLM answer.")] = 30.0,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")] = None,
    max_chars: Annotated[int, typer.Option(help="Refuse documents with more characters of text than this.")] = 5_000_000,
    silent: Annotated[bool, typer.Option("--silent", "-s", help="No progress on stderr.")] = False,
) -> None:
    """Check the claims of documents against the evidence store: SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE or CONFLICTING, with the deciding quotes."""
    from .cli_check import check_command, make_judge

    judge = make_judge(llm, llm_model, llm_timeout)
    try:
        code, text = check_command(files, as_json=as_json, fmt=fmt, html=html, store_path=store, published=published, online=online, fail_on=fail_on, silent=silent, max_chars=max_chars, out=sys.stdout, llm=judge)
    finally:
        if judge is not None:
            judge.close()
    if output is not None:
        _write_atomically(output, text)
    else:
        sys.stdout.write(text)
    if code:
        raise typer.Exit(code)


COMPARE_EXAMPLES = """
Examples:

  sourcecheck compare essay-1942.md polemic.html     # shared topics: who says what, agree / contradict
  sourcecheck compare a.md b.md c.md --json > c.json  # comparison.topics[], .timeline[], .date_conflicts[]
  sourcecheck compare a.md b.md --store store.db     # also check each claim against the evidence store
"""


@app.command(epilog=COMPARE_EXAMPLES)
def compare(
    files: Annotated[list[str], typer.Argument(help="Two or more files (.txt .md .html .pdf); '-' for standard input (once).", metavar="FILE FILE...")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report (with its comparison section) instead of tables.")] = False,
    store: Annotated[Optional[Path], typer.Option("--store", help="Also check the claims against this evidence store (as `check` does).")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date of the documents: 1942, 1942-02, 1942-02-15 or 'February 1942'.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")] = None,
    max_chars: Annotated[int, typer.Option(help="Refuse documents with more characters of text than this.")] = 5_000_000,
    silent: Annotated[bool, typer.Option("--silent", "-s", help="No progress on stderr.")] = False,
) -> None:
    """Compare documents side by side: shared topics, who says what, and which claims agree, contradict, complement each other or judge the same thing oppositely."""
    from .cli_compare import compare_command

    text = compare_command(files, as_json=as_json, store_path=store, published=published, max_chars=max_chars, silent=silent)
    if output is not None:
        _write_atomically(output, text)
    else:
        sys.stdout.write(text)


VERIFY_EXAMPLES = """
Examples:

  sourcecheck verify --claims claims.jsonl --json > verdicts.jsonl   # lines {"id", "claim", "date"?}
  echo '{"id": 1, "claim": "The Winter War began in December 1939."}' | sourcecheck verify --claims - --json
"""


@app.command(epilog=VERIFY_EXAMPLES)
def verify(
    claims_file: Annotated[Path, typer.Option("--claims", help="A JSONL file of {\"id\", \"claim\", \"date\"?} lines ('-' for stdin).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per claim: id, label, confidence, rationale, evidence, checks.")] = False,
    store: Annotated[Optional[Path], typer.Option("--store", help="Evidence store (default: $SOURCECHECK_HOME/store.db or the user data directory).")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Exit with 3 when a claim is 'refuted' (or 'not-supported').")] = None,
    llm: Annotated[Optional[str], typer.Option("--llm", help="Also ask an LLM at this OpenAI-compatible URL (e.g. http://127.0.0.1:8080/v1); key from $SOURCECHECK_LLM_API_KEY or $OPENAI_API_KEY. Recorded beside the local verdict.")] = None,
    llm_model: Annotated[Optional[str], typer.Option("--llm-model", help="Model name to send to the --llm endpoint.")] = None,
    llm_timeout: Annotated[float, typer.Option("--llm-timeout", help="Seconds to wait for each LLM answer.")] = 30.0,
    silent: Annotated[bool, typer.Option("--silent", "-s", help="No progress on stderr.")] = False,
) -> None:
    """Verify given claims (no extraction) against the evidence store; models load once."""
    from .cli_check import make_judge, verify_command

    judge = make_judge(llm, llm_model, llm_timeout)
    try:
        code = verify_command(claims_file, as_json=as_json, store_path=store, fail_on=fail_on, silent=silent, out=sys.stdout, llm=judge)
    finally:
        if judge is not None:
            judge.close()
    if code:
        raise typer.Exit(code)


corpus_app = typer.Typer(help="Manage the evidence store: add sources, list, stats, remove.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
StoreOption = Annotated[Optional[Path], typer.Option("--store", help="Evidence store (default: $SOURCECHECK_HOME/store.db or the user data directory).")]

CORPUS_ADD_EXAMPLES = """
Examples:

  sourcecheck corpus add notes/ articles.jsonl          # files, folders (.txt .md .html .pdf), JSONL
  sourcecheck corpus add enwiki-20240101-pages.xml.bz2  # a Wikipedia XML dump, streamed
  sourcecheck corpus add pack:starter                   # the 10,033 Wikipedia lead summaries
  sourcecheck corpus add pack:history --embed-budget 300  # the history pack; vectors for 5 min, the rest lazily
"""


@corpus_app.command("add", epilog=CORPUS_ADD_EXAMPLES)
def corpus_add(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, .jsonl, .xml(.bz2) dumps, pack:starter, pack:history.", metavar="PATH...")],
    store: StoreOption = None,
    embed: Annotated[bool, typer.Option("--embed/--no-embed", help="Compute dense vectors now (else lazily, when searched).")] = True,
    embed_budget: Annotated[Optional[float], typer.Option(help="Seconds of embedding at most; the rest is embedded lazily.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    silent: Annotated[bool, typer.Option("--silent", "-s", help="No progress bar or warnings on stderr.")] = False,
) -> None:
    """Import sources into the evidence store (idempotent: an unchanged source is skipped)."""
    from .cli_corpus import corpus_add as run

    code = run(paths, store_path=store, embed=embed, embed_budget=embed_budget, silent=silent, out=sys.stdout, err=sys.stderr, as_json=as_json)
    if code:
        raise typer.Exit(code)


@corpus_app.command("list")
def corpus_list(
    store: StoreOption = None,
    kind: Annotated[Optional[str], typer.Option(help="Only sources of this kind (file, jsonl, wikipedia, wikipedia-summary, ...).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
) -> None:
    """List the sources in the store: id, kind, passages, title."""
    from .cli_corpus import corpus_list as run

    run(store_path=store, kind=kind, as_json=as_json, out=sys.stdout)


@corpus_app.command("stats")
def corpus_stats(store: StoreOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of sources, passages and vectors, and the store's size on disk."""
    from .cli_corpus import corpus_stats as run

    run(store_path=store, as_json=as_json, out=sys.stdout)


@corpus_app.command("remove")
def corpus_remove(source_ids: Annotated[list[str], typer.Argument(help="Source ids (see corpus list).", metavar="SOURCE_ID...")], store: StoreOption = None) -> None:
    """Remove sources and their passages from the store."""
    from .cli_corpus import corpus_remove as run

    run(source_ids, store_path=store, out=sys.stdout)


SERVE_EXAMPLES = """
Examples:

  sourcecheck serve                               # http://127.0.0.1:8000/, this machine only
  sourcecheck serve --port 8080 --store my.db     # another port and evidence store
  sourcecheck serve --host 0.0.0.0 --token TOKEN  # reachable from the network: token required
"""


@app.command(epilog=SERVE_EXAMPLES)
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on. Anything but loopback (127.0.0.1, ::1, localhost) needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: Annotated[Optional[Path], typer.Option("--store", help="Evidence store (default: $SOURCECHECK_HOME/store.db or the user data directory); reports are saved in it too.")] = None,
    token: Annotated[Optional[str], typer.Option("--token", envvar="SOURCECHECK_TOKEN", show_envvar=True, help="Access token (16+ characters) every request must carry: 'Authorization: Bearer TOKEN', or open /?token=TOKEN once in a browser.")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest upload (all files and text of one check together), in MB.")] = 5.0,
) -> None:
    """Serve the web app: paste or upload documents, follow each check, read and list the reports."""
    from .errors import InputNotFound, UsageError
    from .store import default_store_path

    if not 0 < max_upload_mb <= 1000:
        raise UsageError(f"--max-upload-mb must be above 0 and at most 1000, got {max_upload_mb:g}")
    from .webapp import check_access

    check_access(host, token)
    path = Path(store) if store is not None else Path(default_store_path())
    if not path.exists():
        raise InputNotFound(f"no evidence store at {path}; fill it first with: sourcecheck corpus add pack:starter (or make run), or give --store PATH")
    from .web_server import bind, serve as run_server
    from .webapp import create_app

    sock = bind(host, port)
    web = create_app(store_path=path, token=token, host=host, max_upload_bytes=int(max_upload_mb * 1_000_000))
    run_server(web, sock, token=token is not None, err=sys.stderr)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report that `--json` prints."""
    from .types import Report

    sys.stdout.write(json.dumps(Report.model_json_schema(), indent=2) + "\n")


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    sys.stdout.write(f"sourcecheck {__version__}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of raising, so it can be tested in-process."""
    try:
        # Without standalone mode click returns (not raises) a command's typer.Exit code.
        code = app(args=argv, standalone_mode=False)
    except SourcecheckError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except typer.Abort:
        sys.stderr.write("aborted\n")
        return 130
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # `sourcecheck claims x | head`: the reader went away; nothing is wrong.
        sys.stderr.close()
        return 0
    except Exception as exc:  # the command-line parser's usage errors, and anything unexpected
        # typer vendors its own copy of click, so its exceptions are recognised by shape.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            return exc.exit_code
        if type(exc).__name__ == "Exit" and isinstance(getattr(exc, "exit_code", None), int):
            return exc.exit_code
        sys.stderr.write(f"error: unexpected {type(exc).__name__}: {exc} (please report this with the command you ran)\n")
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
