"""Terminal rendering of a comparison: per topic, a who-says-what table and the judged pairs;
then the date conflicts. Only the CLI (through `render`) imports this.

    >>> print(render_comparison(report))                                     # doctest: +SKIP
    Topic t1 · Winter War · 1939–1940 · 2 documents
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
    ┃ A: essay.md                      ┃ B: polemic.html                      ┃
    ...
"""

from __future__ import annotations

import io
from pathlib import PurePath

from .types import Claim, Report

# Complementary pairs (two different facts on one topic) are the most numerous and the least
# telling; a topic lists a few of them and counts the rest.
COMPLEMENTS_SHOWN = 3
SYMBOL = {"AGREE": "=", "CONTRADICT": "≠", "COMPLEMENT": "+", "EVALUATION_CONTRAST": "±"}


def _letter(n: int) -> str:
    return chr(ord("A") + n) if n < 26 else f"D{n + 1}"


def document_names(report: Report) -> dict[str, str]:
    """"A: essay.md" for each document id, in report order."""
    return {d.id: f"{_letter(n)}: {PurePath(d.source).name or d.source}" for n, d in enumerate(report.documents)}


def claim_numbers(report: Report) -> dict[str, str]:
    """"A3" for each claim id: the document's letter and the claim's number in it."""
    return {c.id: f"{_letter(n)}{k}" for n, d in enumerate(report.documents) for k, c in enumerate(d.claims, 1)}


def render_comparison(report: Report, *, width: int | None = None) -> str:
    """The comparison section of a report as plain-text tables ("" when there is none)."""
    comparison = report.comparison
    if comparison is None:
        return ""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 140, force_terminal=False, no_color=True)
    names = document_names(report)
    numbers = claim_numbers(report)
    claims: dict[str, Claim] = {c.id: c for d in report.documents for c in d.claims}
    console.print(f"Comparison of {len(comparison.documents)} documents: " + "; ".join(names[d] for d in comparison.documents))
    if not comparison.topics:
        console.print("no topic is shared by two documents\n")
    for topic in comparison.topics:
        speaking = [d for d in comparison.documents if topic.claims.get(d)]
        console.print(f"\nTopic {topic.id} · {topic.label} · {len(speaking)} documents")
        table = Table(show_lines=True, expand=True, title="who says what", title_justify="left")
        for doc_id in speaking:
            table.add_column(names[doc_id], ratio=1)
        table.add_row(*("\n".join(f"[{numbers[cid]}] {_said(claims[cid])}" for cid in topic.claims[d]) for d in speaking))
        console.print(table)
        complements = [p for p in topic.pairs if p.relation.value == "COMPLEMENT"]
        shown = [p for p in topic.pairs if p.relation.value != "COMPLEMENT"] + complements[:COMPLEMENTS_SHOWN]
        for pair in shown:
            console.print(f"  {numbers[pair.a]} {SYMBOL[pair.relation.value]} {numbers[pair.b]}  {pair.relation.value} {pair.confidence:.2f}  {pair.reason}")
        if len(complements) > COMPLEMENTS_SHOWN:
            console.print(f"  … and {len(complements) - COMPLEMENTS_SHOWN} more complementary pairs (all of them in --json)")
    if comparison.date_conflicts:
        console.print("\nDate conflicts:")
        for conflict in comparison.date_conflicts:
            console.print(f"  {numbers[conflict.a]} / {numbers[conflict.b]}  {conflict.note}")
    counts: dict[str, int] = {}
    for topic in comparison.topics:
        for pair in topic.pairs:
            counts[pair.relation.value] = counts.get(pair.relation.value, 0) + 1
    summary = ", ".join(f"{n} {label.lower().replace('_', ' ')}" for label, n in sorted(counts.items())) or "no pairs"
    console.print(f"\n{len(comparison.topics)} shared topics; pairs: {summary}; {_count(len(comparison.date_conflicts), 'date conflict')}; "
                  f"{_count(len(comparison.timeline), 'dated claim')} on the timeline\n")
    return buffer.getvalue()


def _said(claim: Claim) -> str:
    text = claim.text
    if claim.attributed_to is not None:
        text += f" [according to {claim.attributed_to.speaker}]"
    if claim.kind != "fact":
        text += f" ({claim.kind})"
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
