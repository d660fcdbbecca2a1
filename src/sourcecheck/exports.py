"""Reports in other people's formats: Markdown, schema.org ClaimReview, W3C Web Annotation.

    >>> from sourcecheck.exports import to_markdown, to_claimreview, to_annotations
    >>> print(to_markdown(report))                      # doctest: +SKIP
    >>> json.dumps(to_claimreview(report))    # one ClaimReview per judged claim   # doctest: +SKIP
    >>> json.dumps(to_annotations(report))    # an AnnotationCollection             # doctest: +SKIP

`format_report(report, "markdown")` is what `sourcecheck check --format markdown` prints. The
small text helpers here (label names, date intervals, check summaries, safe links) are shared
with the HTML report so that both say the same thing in the same words.

ClaimReview rating (documented in docs/report.md): a 1..5 truth scale, higher is truer, as the
schema.org examples use it. REFUTED = 1 "Refuted", CONFLICTING = 3 "Conflicting evidence",
SUPPORTED = 5 "Supported"; NOT_ENOUGH_EVIDENCE is no point on that scale, so it gets -1
"Not enough evidence", the "unrated" value fact-checkers use outside worstRating..bestRating.
"""

from __future__ import annotations

import calendar
import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from .types import Claim, DocumentResult, Evidence, Label, Report, TimeRef

FORMATS = ("json", "markdown", "claimreview", "annotations")
# `claims` (no verdicts) can be exported in these; a ClaimReview needs a verdict.
CLAIM_FORMATS = ("json", "markdown", "annotations")

LABEL_NAMES = {
    Label.SUPPORTED: "Supported",
    Label.REFUTED: "Refuted",
    Label.CONFLICTING: "Conflicting evidence",
    Label.NOT_ENOUGH_EVIDENCE: "Not enough evidence",
}
# A shape beside every colour, so that a verdict never depends on telling colours apart.
LABEL_ICONS = {Label.SUPPORTED: "✓", Label.REFUTED: "✗", Label.CONFLICTING: "⇄", Label.NOT_ENOUGH_EVIDENCE: "?"}
RATINGS = {Label.REFUTED: 1, Label.CONFLICTING: 3, Label.SUPPORTED: 5, Label.NOT_ENOUGH_EVIDENCE: -1}
BEST_RATING, WORST_RATING = 5, 1
BASIS_WORDS = {
    "given": "given by the user",
    "metadata": "from the file's metadata",
    "found": "found in the text",
    "inferred": "inferred from the text",
}
CONTEXT_CHARS = 32  # prefix/suffix of a TextQuoteSelector, as Hypothesis writes them
SOFTWARE = {"type": "Software", "name": "sourcecheck"}


# --- Shared text helpers ---------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None: no javascript:, data: or file: links.

    >>> safe_url("https://en.wikipedia.org/wiki?curid=1"), safe_url("javascript:alert(1)")
    ('https://en.wikipedia.org/wiki?curid=1', None)
    """
    if not url or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"'`\\" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def time_text(t: TimeRef) -> str:
    """A date interval for people: "1941-06-22", "1942-02-01 – 1942-02-28", "after 1945-05-08".

    >>> time_text(parse_date_value("1943"))                    # doctest: +SKIP
    '1943-01-01 – 1943-12-31'
    """
    if t.earliest is None:
        return f"until {t.latest}"
    if t.latest is None:
        return f"from {t.earliest}"
    if t.earliest == t.latest:
        return str(t.earliest)
    return f"{t.earliest} – {t.latest}"


def iso_date(t: TimeRef | None) -> str | None:
    """The interval as one ISO 8601 date of the precision it has ("1942", "1942-02", "1942-02-15"),
    or None when it is no single year, month or day (schema.org dates cannot be intervals).

    >>> iso_date(parse_date_value("February 1942"))           # doctest: +SKIP
    '1942-02'
    """
    if t is None or t.earliest is None or t.latest is None:
        return None
    a, b = t.earliest, t.latest
    if a == b:
        return a.isoformat()
    if (a.year, a.month, a.day) == (b.year, b.month, 1) and b.day == calendar.monthrange(b.year, b.month)[1]:
        return f"{a.year:04d}-{a.month:02d}"
    if a.year == b.year and (a.month, a.day, b.month, b.day) == (1, 1, 12, 31):
        return f"{a.year:04d}"
    return None


def label_name(label: Label | None) -> str:
    return LABEL_NAMES[label] if label is not None else "Not checked"


def _num(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _rule_line(name: str, found: Any) -> str | None:
    if not isinstance(found, dict):
        return None
    outcome, note = found.get("outcome"), found.get("note")
    if outcome is None and note is None:
        return None
    return f"{name} rule: {outcome or '?'}" + (f" — {note}" if note else "")


def check_lines(checks: dict[str, Any]) -> list[str]:
    """One line per check in `Verdict.checks` or `Evidence.checks`, for people.

    Known checks (NLI scores, the date/number/participant rules, retrieval counts, the LLM's
    second opinion) are put in words; anything else is shown as `name: value`, so that a check
    added later is still visible rather than lost.

    >>> check_lines({"nli": {"entailment": 0.9, "neutral": 0.05, "contradiction": 0.05}})
    ['NLI: entailment 0.90 · neutral 0.05 · contradiction 0.05']
    """
    lines: list[str] = []
    for name, value in checks.items():
        if name == "nli" and isinstance(value, dict):
            if "entailment" in value:
                keys = ("entailment", "neutral", "contradiction")
                lines.append("NLI: " + " · ".join(f"{k} {_num(value.get(k, 0.0))}" for k in keys))
            else:
                parts = [("best support", "support"), ("best refutation", "refute")]
                lines.append("NLI: " + " · ".join(f"{words} {_num(value[k])}" for words, k in parts if k in value))
        elif name == "retrieval" and isinstance(value, dict):
            if value:
                lines.append("retrieval: " + ", ".join(f"{v} {k}" for k, v in value.items()))
        elif name == "llm" and isinstance(value, dict):
            if "error" in value:
                lines.append(f"LLM ({value.get('model', '?')}): no answer — {value['error']}")
            else:
                lines.append(f"LLM ({value.get('model', '?')}) says {value.get('label') or 'nothing definite'}" + (f": {value['answer']}" if value.get("answer") else ""))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            seen = []
            for item in value:
                line = _rule_line(name, item)
                if line and line not in seen:
                    seen.append(line)
            lines += seen or [f"{name}: {json.dumps(value, ensure_ascii=False, default=str)[:300]}"]
        elif isinstance(value, dict) and _rule_line(name, value):
            lines.append(_rule_line(name, value))  # type: ignore[arg-type]
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False, default=str)[:300]}")
    return lines


def decisive_terms(evidence: Evidence) -> list[str]:
    """The values a rule compared in this quote ("30 November 1939", "3 million"): the words
    that decided, when a rule decided. Only those that occur in the quote."""
    out: list[str] = []
    for value in evidence.checks.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and "outcome" in item and isinstance(item.get("evidence"), str):
                term = item["evidence"].strip()
                if term and term in evidence.quote and term not in out:
                    out.append(term)
    return out


def document_date_line(doc: DocumentResult) -> str:
    """ "dated “February 1942” (1942-02-01 – 1942-02-28, month); inferred from the text: …" """
    if doc.published is None:
        return "undated"
    line = f"dated “{doc.published.text}” ({time_text(doc.published)}, {doc.published.precision.value})"
    if doc.published_basis:
        line += f"; {BASIS_WORDS.get(doc.published_basis, doc.published_basis)}"
    if doc.published_note:
        line += f" ({doc.published_note})" if doc.published_basis else f"; {doc.published_note}"
    return line


def document_name(doc: DocumentResult) -> str:
    return doc.title or doc.source


def verdict_counts(report: Report) -> dict[str, int]:
    """Label value (or "UNCHECKED") -> number of claims, over all documents, in a fixed order."""
    counts = {label.value: 0 for label in (Label.SUPPORTED, Label.REFUTED, Label.CONFLICTING, Label.NOT_ENOUGH_EVIDENCE)}
    counts["UNCHECKED"] = 0
    for doc in report.documents:
        for claim in doc.claims:
            counts[claim.verdict.label.value if claim.verdict else "UNCHECKED"] += 1
    return counts


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=&])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: every punctuation character it could read as syntax,
    and raw HTML (`<script>`), backslash-escaped; newlines become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_link(title: str, url: str | None) -> str:
    target = safe_url(url)
    if target is None:
        return md_escape(title)
    # Percent-encode what would end or break a Markdown link destination.
    return f"[{md_escape(title)}]({quote(target, safe=':/?#@!$&*+,;=%~._-')})"


def _md_claim(n: int, claim: Claim) -> list[str]:
    verdict = claim.verdict
    if verdict is not None:
        head = f"### {n}\\. {LABEL_ICONS[verdict.label]} {label_name(verdict.label)} (confidence {verdict.confidence:.2f}): {md_escape(claim.text)}"
    else:
        head = f"### {n}\\. Check\\-worthiness {claim.checkworthiness:.2f}: {md_escape(claim.text)}"
    lines = [head, ""]
    if claim.source_text.strip() != claim.text.strip():
        lines += [f"> {md_escape(claim.source_text)}", ""]
    if claim.attributed_to is not None:
        lines += [f"*Attributed to {md_escape(claim.attributed_to.speaker)} ({md_escape(claim.attributed_to.cue)}), not asserted by the author\\.*", ""]
    if claim.times:
        lines += ["When: " + "; ".join(f"{md_escape(t.text)} \\({md_escape(time_text(t))}, {t.precision.value}\\)" for t in claim.times), ""]
    if verdict is None:
        return lines
    lines += [f"**Why:** {md_escape(verdict.rationale)}", ""]
    checks = check_lines(verdict.checks)
    if checks:
        lines += ["**Checks:** " + "; ".join(md_escape(c) for c in checks), ""]
    if verdict.evidence:
        lines.append("**Evidence:**")
        lines.append("")
        for i, ev in enumerate(verdict.evidence, 1):
            source = _md_link(ev.title, ev.url)
            extra = [md_escape(x) for x in (ev.published, ev.licence, ev.attribution) if x]
            lines.append(f"{i}. “{md_escape(ev.quote)}” — {source}" + (f", {', '.join(extra)}" if extra else "") + f"\\. Stance: {ev.stance.value} \\({ev.score:.2f}\\)\\.")
            for line in check_lines(ev.checks):
                lines.append(f"    - {md_escape(line)}")
        lines.append("")
    return lines


def to_markdown(report: Report, *, title: str | None = None) -> str:
    """The report as Markdown for people: per document its date, then each claim with verdict,
    confidence, rationale, checks and the quoted evidence with source, link, date and licence.
    Every text from a document or a source is escaped, so a `<script>` in it stays text.

    >>> print(to_markdown(report)[:40])                 # doctest: +SKIP
    # sourcecheck report
    """
    counts = verdict_counts(report)
    lines = [f"# {md_escape(title or 'sourcecheck report')}", ""]
    lines += [f"Made by sourcecheck {md_escape(report.run.sourcecheck_version)} on {md_escape(report.run.created.isoformat(timespec='seconds'))}\\.", ""]
    summary = [f"{n} {label_name(Label(k)).lower() if k != 'UNCHECKED' else 'not checked'}" for k, n in counts.items() if n]
    lines += ["**Claims:** " + (md_escape(", ".join(summary)) if summary else "none"), ""]
    for doc in report.documents:
        lines += [f"## {md_escape(document_name(doc))}", ""]
        if doc.title:
            lines += [f"Source: {md_escape(doc.source)}  ", ""]
        lines += [f"Date: {md_escape(document_date_line(doc))}\\.", ""]
        if not doc.claims:
            lines += ["No claims found\\.", ""]
        for n, claim in enumerate(doc.claims, 1):
            lines += _md_claim(n, claim)
    return "\n".join(lines).rstrip() + "\n"


# --- ClaimReview (schema.org JSON-LD) -------------------------------------------------------------


def _rating(claim: Claim) -> dict[str, Any]:
    verdict = claim.verdict
    assert verdict is not None
    return {
        "@type": "Rating",
        "ratingValue": RATINGS[verdict.label],
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": LABEL_NAMES[verdict.label],
        "ratingExplanation": verdict.rationale,
    }


def _citation(ev: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "CreativeWork", "name": ev.title, "text": ev.quote}
    if safe_url(ev.url):
        out["url"] = ev.url
    if ev.published:
        out["datePublished"] = ev.published
    if ev.licence:
        out["license"] = ev.licence
    if ev.attribution:
        out["creditText"] = ev.attribution
    return out


def _appearance(doc: DocumentResult) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "CreativeWork", "name": document_name(doc)}
    if safe_url(doc.source):
        out["url"] = doc.source
    date = iso_date(doc.published)
    if date:
        out["datePublished"] = date
    return out


def to_claimreview(report: Report) -> dict[str, Any]:
    """schema.org ClaimReview JSON-LD: one ClaimReview per judged claim, in an `@graph`.

    `claimReviewed` is the atomic claim, `itemReviewed` a Claim that appears in the document
    (with the document's date when it is one day, month or year), `reviewRating` the verdict on
    the scale in this module's docstring, `citation` the evidence with its URL, date and licence.
    Claims without a verdict (`sourcecheck claims`) are left out: there is nothing to review.

    >>> [r["reviewRating"]["alternateName"] for r in to_claimreview(report)["@graph"]]  # doctest: +SKIP
    ['Refuted', 'Supported']
    """
    reviewed = report.run.created.date().isoformat()
    graph: list[dict[str, Any]] = []
    for doc in report.documents:
        appearance = _appearance(doc)
        for claim in doc.claims:
            if claim.verdict is None:
                continue
            item: dict[str, Any] = {"@type": "Claim", "text": claim.source_text, "appearance": appearance}
            if "datePublished" in appearance:
                item["datePublished"] = appearance["datePublished"]
            if claim.attributed_to is not None:
                item["author"] = {"@type": "Person", "name": claim.attributed_to.speaker}
            review: dict[str, Any] = {
                "@type": "ClaimReview",
                "identifier": f"{doc.id}/{claim.id}",
                "claimReviewed": claim.text,
                "itemReviewed": item,
                "reviewRating": _rating(claim),
                "reviewBody": claim.verdict.rationale,
                "author": {"@type": "Organization", "name": "sourcecheck"},
                "datePublished": reviewed,
            }
            urls = [ev.url for ev in claim.verdict.evidence if safe_url(ev.url)]
            if urls:
                review["url"] = urls[0]  # the deciding source: a report file has no address of its own
            if claim.verdict.evidence:
                review["citation"] = [_citation(ev) for ev in claim.verdict.evidence]
            graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


# --- W3C Web Annotation -----------------------------------------------------------------------------


def text_selectors(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> list[dict[str, Any]]:
    """A TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start, end) for
    `text[start:end]`. Positions count Unicode code points, as the Web Annotation model asks
    and as Python indexes strings.

    >>> text_selectors("The war began in 1939.", 4, 7)[0]["exact"]
    'war'
    """
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end], "prefix": text[max(0, start - context) : start], "suffix": text[end : end + context]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def document_uri(doc: DocumentResult) -> str:
    """The target source of a document's annotations: its URL when it came from the web, else a
    URN from its content hash (a file path means nothing on another machine)."""
    return doc.source if safe_url(doc.source) else f"urn:sourcecheck:document:{doc.id}"


def _evidence_body(ev: Evidence) -> dict[str, Any]:
    source = ev.url if safe_url(ev.url) else f"urn:sourcecheck:source:{ev.source_id}"
    body: dict[str, Any] = {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": source,
        "selector": text_selectors_for_quote(ev),
        "dc:title": ev.title,
        "sourcecheck:stance": ev.stance.value,
        "sourcecheck:score": ev.score,
    }
    if ev.published:
        body["dc:date"] = ev.published
    if ev.licence:
        body["rights"] = ev.licence
    if ev.attribution:
        body["dc:rights"] = ev.attribution
    return body


def text_selectors_for_quote(ev: Evidence) -> list[dict[str, Any]]:
    """The quote in its source: exact text and offsets (no prefix/suffix: the source text is not
    in the report)."""
    return [{"type": "TextQuoteSelector", "exact": ev.quote}, {"type": "TextPositionSelector", "start": ev.start, "end": ev.end}]


def _annotation(doc: DocumentResult, claim: Claim, created: str) -> dict[str, Any]:
    verdict = claim.verdict
    bodies: list[dict[str, Any]] = []
    if verdict is not None:
        summary = f"{LABEL_NAMES[verdict.label]} (confidence {verdict.confidence:.2f}): {claim.text}\n{verdict.rationale}"
        bodies.append({"type": "TextualBody", "purpose": "assessing", "value": summary, "format": "text/plain"})
        bodies.append({"type": "TextualBody", "purpose": "tagging", "value": verdict.label.value})
        bodies += [_evidence_body(ev) for ev in verdict.evidence]
        motivation = "assessing"
    else:
        bodies.append({"type": "TextualBody", "purpose": "describing", "value": f"Claim (check-worthiness {claim.checkworthiness:.2f}): {claim.text}", "format": "text/plain"})
        bodies.append({"type": "TextualBody", "purpose": "tagging", "value": "checkworthy" if claim.checkworthy else "claim"})
        motivation = "highlighting"
    if claim.attributed_to is not None:
        bodies.append({"type": "TextualBody", "purpose": "describing", "value": f"Attributed to {claim.attributed_to.speaker} ({claim.attributed_to.cue})"})
    return {
        "id": f"urn:sourcecheck:claim:{doc.id}:{claim.id}",
        "type": "Annotation",
        "motivation": motivation,
        "created": created,
        "creator": SOFTWARE,
        "body": bodies,
        "target": {"source": document_uri(doc), "selector": text_selectors(doc.text, claim.start, claim.end)},
    }


def to_annotations(report: Report) -> dict[str, Any]:
    """W3C Web Annotation JSON-LD: an AnnotationCollection whose first (and only) page holds one
    annotation per claim. Each targets the claim's sentence in its document by quote (exact,
    prefix, suffix) and by position; its bodies carry the verdict (motivation "assessing") and
    each piece of evidence as a link to its source, selected by quote and offsets.

    >>> page = to_annotations(report)["first"]["items"]      # doctest: +SKIP
    >>> page[0]["target"]["selector"][0]["exact"] == report.documents[0].claims[0].source_text  # doctest: +SKIP
    True
    """
    created = report.run.created.isoformat(timespec="seconds")
    items = [_annotation(doc, claim, created) for doc in report.documents for claim in doc.claims]
    return {
        "@context": ["http://www.w3.org/ns/anno.jsonld", {"dc": "http://purl.org/dc/terms/", "sourcecheck": "urn:sourcecheck:vocab:"}],
        "id": f"urn:sourcecheck:report:{created}",
        "type": "AnnotationCollection",
        "label": "sourcecheck: " + ", ".join(document_name(d) for d in report.documents),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def output_format(fmt: str | None, *, as_json: bool = False, verdicts: bool = True) -> str:
    """The format `--format`/`--json` ask for ("table" when neither), checked before any work.

    >>> output_format(None, as_json=True)
    'json'
    """
    from .errors import UsageError

    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json is the same as --format json; give one of them, not --json with --format {fmt}")
    chosen = "json" if as_json else (fmt or "table")
    allowed = FORMATS if verdicts else CLAIM_FORMATS
    if chosen != "table" and chosen not in allowed:
        hint = " (a ClaimReview needs verdicts: use sourcecheck check)" if chosen == "claimreview" else ""
        raise UsageError(f"unknown --format {chosen!r}; expected one of: table, {', '.join(allowed)}{hint}")
    return chosen


def format_report(report: Report, fmt: str, *, verdicts: bool = True) -> str:
    """The report as text in one of FORMATS (what `--format` prints), ending with a newline.
    `verdicts=False` (the `claims` command) refuses ClaimReview, which needs verdicts."""
    if output_format(fmt, verdicts=verdicts) == "table":
        raise ValueError("format_report makes json, markdown, claimreview or annotations; the table is render.py's")
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        return to_markdown(report)
    data = to_claimreview(report) if fmt == "claimreview" else to_annotations(report)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
