"""Terminal rendering: the claims table and the progress line. Only the CLI imports this."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import TextIO

from .types import Claim, DocumentResult, Report, RhetoricSpan, TimeRef


def _when(times: list[TimeRef]) -> str:
    def one(t: TimeRef) -> str:
        if t.earliest == t.latest:
            return str(t.earliest)
        return f"{t.earliest or '…'}..{t.latest or '…'}"

    return "; ".join(one(t) for t in times[:2]) + (" …" if len(times) > 2 else "")


def _who(claim: Claim) -> str:
    names = list(dict.fromkeys(m.text for m in claim.mentions))
    return ", ".join(names[:4]) + (" …" if len(names) > 4 else "")


def _document_heading(doc: DocumentResult) -> str:
    date = "undated"
    if doc.published is not None:
        date = f"dated {doc.published.text!r} ({doc.published.earliest}..{doc.published.latest}, {doc.published_basis})"
    title = f" — {doc.title}" if doc.title else ""
    return f"{doc.source}{title} · {doc.words} words · {date}"


def _rhetoric_lines(doc: DocumentResult, *, examples: int = 3) -> list[str]:
    """Counts per persuasion technique and a few example spans: a layer apart from the claims."""
    if not doc.rhetoric:
        return []
    counts: dict[str, int] = {}
    for span in doc.rhetoric:
        counts[span.technique] = counts.get(span.technique, 0) + 1
    lines = [f"rhetoric (persuasion techniques, not verdicts): {len(doc.rhetoric)} spans"]
    line = ""
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        item = f"{name} {n}"
        if line and len(line) + len(item) > 110:  # wrap ourselves: rich would break inside a name
            lines.append(line + " ·")
            line = ""
        line = f"{line} · {item}" if line else f"  {item}"
    lines.append(line)
    best: dict[str, RhetoricSpan] = {}
    for span in sorted(doc.rhetoric, key=lambda s: (-s.score, s.start)):
        best.setdefault(span.technique, span)
    for span in list(best.values())[:examples]:
        quote = span.text if len(span.text) <= 70 else span.text[:67] + "..."
        lines.append(f"  e.g. {span.technique}: \"{' '.join(quote.split())}\" ({span.score:.2f})")
    return lines


def render_table(report: Report, *, include_all: bool = False, width: int | None = None) -> str:
    """The report as rich tables (plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 140, force_terminal=False, no_color=True)
    for doc in report.documents:
        console.print(_document_heading(doc))
        if doc.published_note:
            console.print(f"  date: {doc.published_note}")
        table = Table(show_lines=False, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("claim", ratio=5)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("when", ratio=2)
        table.add_column("who / where", ratio=2)
        for n, claim in enumerate(doc.claims, 1):
            text = claim.text
            if claim.attributed_to is not None:
                text += f"  [according to {claim.attributed_to.speaker}]"
            mark = "" if claim.checkworthy or not include_all else " ·"
            table.add_row(str(n), text, f"{claim.checkworthiness:.2f}{mark}", claim.kind, _when(claim.times), _who(claim))
        console.print(table)
        shown = "candidates (· = below the check-worthiness threshold)" if include_all else "check-worthy claims"
        console.print(f"{len(doc.claims)} {shown}; {len(doc.mentions)} mentions; {len(doc.times)} date expressions")
        for line in _rhetoric_lines(doc):
            console.print(line, markup=False, highlight=False)
        console.print()
    return buffer.getvalue()


def _verdict_counts(report: Report) -> str:
    counts: dict[str, int] = {}
    for doc in report.documents:
        for claim in doc.claims:
            if claim.verdict is not None:
                key = claim.verdict.label.value.lower().replace("_", " ")
                counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "no claims checked"


def render_verdicts(report: Report, *, width: int | None = None) -> str:
    """Checked claims as a table: claim, verdict, confidence, deciding source and quote."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 160, force_terminal=False, no_color=True)
    for doc in report.documents:
        console.print(_document_heading(doc))
        table = Table(show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("claim", ratio=4)
        table.add_column("verdict", no_wrap=True)
        table.add_column("conf.", justify="right", no_wrap=True)
        table.add_column("source and why", ratio=5)
        for n, claim in enumerate(doc.claims, 1):
            verdict = claim.verdict
            if verdict is None:
                continue
            source = verdict.evidence[0].title if verdict.evidence else "-"
            table.add_row(str(n), claim.text, verdict.label.value, f"{verdict.confidence:.2f}", f"{source}: {verdict.rationale}")
        console.print(table)
        console.print(f"{len(doc.claims)} claims checked")
        for line in _rhetoric_lines(doc):
            console.print(line, markup=False, highlight=False)
        console.print()
    console.print(f"verdicts: {_verdict_counts(report)}")
    if report.comparison is not None:
        from .render_comparison import render_comparison

        console.print()
        buffer.write(render_comparison(report, width=width or 160))
    return buffer.getvalue()


def progress_printer(stream: TextIO) -> Callable[[str, int, int], None]:
    """A progress callback writing one line per document to stderr."""
    started = time.perf_counter()

    def report(source: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        stream.write(f"[{done}/{total}] {source} ({elapsed:.1f}s)\n")
        stream.flush()

    return report
