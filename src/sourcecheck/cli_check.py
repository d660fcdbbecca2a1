"""`sourcecheck check` and `sourcecheck verify`: the behaviour behind the commands.

    sourcecheck check essay.md                         # table: claim, verdict, confidence, source
    sourcecheck check essay.md --json > report.json    # the Report, each claim with its verdict
    sourcecheck verify --claims claims.jsonl --json    # lines {"id", "claim", "date"?} -> verdicts

Exit codes: 0 done, 2 bad input, 3 with `--fail-on refuted` when a claim was refuted (or
`--fail-on not-supported` when any claim is not supported), 4 a model is missing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .checking import check, open_evidence, verify_claims
from .cli_search import _batches, open_jsonl, read_jsonl_items
from .errors import UsageError
from .types import Label, Verdict
from .verifier import ClaimInput, Verifier

FAIL_ON = ("refuted", "not-supported")
FAIL_CODE = 3


def _fails(labels: list[Label], fail_on: str | None) -> bool:
    if fail_on is None:
        return False
    if fail_on == "refuted":
        return Label.REFUTED in labels
    return any(label is not Label.SUPPORTED for label in labels)


def _check_fail_on(fail_on: str | None) -> None:
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"unknown --fail-on {fail_on!r}; expected one of: {', '.join(FAIL_ON)}")


def claim_progress(stream: TextIO) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        stream.write(f"\rverifying claims {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return report


def make_judge(url: str | None, model: str | None, timeout: float) -> Any:
    """The LLM judge the --llm options ask for, or None."""
    if url is None:
        if model is not None:
            raise UsageError("--llm-model needs --llm URL (an OpenAI-compatible endpoint)")
        return None
    from .llm_judge import LLMJudge

    if timeout <= 0:
        raise UsageError(f"--llm-timeout must be positive, got {timeout:g}")
    try:
        return LLMJudge(url, model or "default", timeout=timeout)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def check_command(
    files: list[str], *, as_json: bool, store_path: Path | None, published: str | None, online: bool,
    fail_on: str | None, silent: bool, max_chars: int, out: TextIO, err: TextIO = sys.stderr, llm: Any | None = None,
    fmt: str | None = None, html: Path | None = None,
) -> tuple[int, str]:
    """Run `sourcecheck check`; returns (exit code, text to write). `fmt` is a `--format`
    (exports.FORMATS or "table"); `html`, a path to write the HTML report to as well."""
    from .exports import format_report, output_format
    from .render import progress_printer, render_verdicts

    _check_fail_on(fail_on)
    fmt = output_format(fmt, as_json=as_json)
    if html is not None:
        from .report_html import check_html_target

        check_html_target(html)
    report = check(
        files, store_path=store_path, published=published, online=online, max_chars=max_chars, llm=llm,
        progress=None if silent else progress_printer(err),
        claim_progress=None if silent else claim_progress(err),
        warn=lambda line: err.write(f"warning: {line}\n"),
    )
    text = render_verdicts(report) if fmt == "table" else format_report(report, fmt)
    if html is not None:
        from .cli import _write_atomically
        from .report_html import render_html

        _write_atomically(html, render_html(report))
    labels = [c.verdict.label for d in report.documents for c in d.claims if c.verdict is not None]
    return (FAIL_CODE if _fails(labels, fail_on) else 0), text


def verdict_json(claim_id: Any, verdict: Verdict) -> dict[str, Any]:
    """One `verify` output line."""
    return {"id": claim_id, **verdict.model_dump(mode="json")}


def _claim_input(item: dict[str, Any], name: str) -> ClaimInput:
    date = item.get("date")
    published = None
    if date is not None:
        from .dates import parse_date_value

        published = parse_date_value(str(date))
        if published is None:
            raise UsageError(f"{name}: claim {item.get('id')!r}: cannot read date {date!r}; use 1942, 1942-02 or 1942-02-15")
    return ClaimInput(item["claim"], published=published)


def _read_claims(handle: TextIO, path: Path) -> Iterator[tuple[Any, ClaimInput]]:
    for claim_id, item in read_jsonl_items(handle, str(path), "claim"):
        if not item["claim"].strip():
            raise UsageError(f"{path}: claim {claim_id!r} is empty")
        yield claim_id, _claim_input(item, str(path))


def verify_command(
    claims_file: Path, *, as_json: bool, store_path: Path | None, fail_on: str | None, silent: bool,
    out: TextIO, err: TextIO = sys.stderr, verifier: Verifier | None = None, llm: Any | None = None,
) -> int:
    """Run `sourcecheck verify`: verdicts for given claims, one JSON line (or table row) each,
    written as each batch is done so a long run can be followed and piped."""
    _check_fail_on(fail_on)
    items = _read_claims(open_jsonl(claims_file, "claims"), claims_file)  # a wrong path fails here, first
    store = None
    if verifier is None:
        store = open_evidence(store_path)
        verifier = Verifier(store, llm=llm)
    labels: list[Label] = []
    done = 0
    try:
        for batch in _batches(items, 32):  # type: ignore[arg-type]
            verdicts = verify_claims([c for _, c in batch], verifier)
            for (claim_id, claim), verdict in zip(batch, verdicts):
                labels.append(verdict.label)
                if as_json:
                    out.write(json.dumps(verdict_json(claim_id, verdict), ensure_ascii=False) + "\n")
                else:
                    out.write(_verdict_line(claim_id, claim.text, verdict))
            out.flush()
            done += len(batch)
            if not silent:
                err.write(f"\rverified {done} claims")
                err.flush()
        if not silent and done:
            err.write("\n")
    finally:
        if store is not None:
            store.close()
    return FAIL_CODE if _fails(labels, fail_on) else 0


def _verdict_line(claim_id: Any, text: str, verdict: Verdict) -> str:
    source = verdict.evidence[0].title if verdict.evidence else "-"
    return f"[{claim_id}] {verdict.label.value} {verdict.confidence:.2f}  {text}\n    {verdict.rationale}\n    source: {source}\n"

