"""The report as one self-contained HTML page: text with highlighted claims, evidence, timeline.

    >>> from sourcecheck.report_html import render_html
    >>> Path("report.html").write_text(render_html(report), encoding="utf-8")   # doctest: +SKIP

The page needs nothing but itself: CSS and JavaScript (package data under `data/report/`) are
inlined, there is no font, image, CDN or other request, and a Content-Security-Policy allows only
those two inline blocks (by hash), so it opens offline from disk and a `<script>` that slipped
into a document could not run even if escaping failed. Every text from a document or a source is
HTML-escaped here, in Python; the script only shows, hides and moves focus. What the page shows:

- a summary bar with the count of each verdict (buttons that filter), and a check-worthiness
  filter;
- a timeline (inline SVG, one lane per document) of the dated claims: intervals drawn as
  intervals, coarse dates hatched, very coarse ones faded, open sides with an arrow;
- each document's text with every claim highlighted in its verdict's colour, underline style and
  icon (never colour alone), reported claims in italics, and its date with how it was found;
- the claim list (Tab to it, arrows between claims, Enter to select) and the selected claim's
  details: atomic text, verdict, confidence, rationale, checks, and the evidence quotes with
  their source, link, date and licence, the deciding words marked.

The data the script needs is a JSON block (`<script type="application/json">`) in which `<`, `>`
and `&` are \\u-escaped, so no text can close it.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import UsageError
from .evidence_sentences import content_terms, stem
from .exports import (
    BASIS_WORDS,
    LABEL_ICONS,
    LABEL_NAMES,
    check_lines,
    decisive_terms,
    document_date_line,
    document_name,
    label_name,
    safe_url,
    time_text,
    verdict_counts,
)
from .types import Claim, DocumentResult, Evidence, Label, Precision, Report, RunInfo, TimeRef

# Verdict -> CSS class suffix; claims without a verdict are "unchecked".
CSS_CLASS = {
    Label.SUPPORTED: "supported",
    Label.REFUTED: "refuted",
    Label.CONFLICTING: "conflicting",
    Label.NOT_ENOUGH_EVIDENCE: "nee",
}
FILTER_KEYS = ("SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE", "UNCHECKED")
# When one stretch of text holds several claims, its colour is the most alarming verdict.
SEVERITY = {Label.REFUTED: 0, Label.CONFLICTING: 1, Label.SUPPORTED: 2, Label.NOT_ENOUGH_EVIDENCE: 3}
UNCHECKED_ICON = {"high": "●", "mid": "◐", "low": "○"}
# Dates coarser than these are hatched on the timeline ("coarse") and faded too ("vague").
COARSE = {Precision.SEASON, Precision.PART, Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.RANGE}
VAGUE = {Precision.DECADE, Precision.CENTURY, Precision.RANGE}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _e(text: Any) -> str:
    """HTML-escape anything (quotes too, so the result is safe inside attribute values)."""
    return escape(str(text), quote=True)


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files("sourcecheck").joinpath("data", "report", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> block or open a comment: <, > and & as \\u escapes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cw_band(claim: Claim) -> str:
    return "high" if claim.checkworthiness >= 0.75 else "mid" if claim.checkworthiness >= 0.5 else "low"


def _vclass(claim: Claim) -> str:
    return f"v-{CSS_CLASS[claim.verdict.label]}" if claim.verdict is not None else "v-unchecked"


def _icon(claim: Claim) -> str:
    return LABEL_ICONS[claim.verdict.label] if claim.verdict is not None else UNCHECKED_ICON[_cw_band(claim)]


def _status(claim: Claim) -> str:
    """The claim's state in words: its verdict, or its check-worthiness when it was not checked."""
    if claim.verdict is not None:
        return LABEL_NAMES[claim.verdict.label]
    return f"not checked, check-worthiness {claim.checkworthiness:.2f}"


class _Claims:
    """Stable DOM keys ("c<doc>-<n>") for the claims of a report, and lookups by claim id."""

    def __init__(self, report: Report) -> None:
        self.items: list[tuple[str, int, int, DocumentResult, Claim]] = []
        self.by_id: dict[tuple[str | None, str], str] = {}
        for d, doc in enumerate(report.documents):
            for i, claim in enumerate(doc.claims):
                key = f"c{d}-{i}"
                self.items.append((key, d, i + 1, doc, claim))
                self.by_id.setdefault((doc.id, claim.id), key)
                self.by_id.setdefault((None, claim.id), key)

    def find(self, claim_id: Any, doc_id: Any = None) -> str | None:
        """The key of a claim named by id (and document id, when given)."""
        return self.by_id.get((str(doc_id), str(claim_id))) or self.by_id.get((None, str(claim_id)))

    def key(self, d: int, i: int) -> str:
        return f"c{d}-{i}"


# --- Document text with highlights ---------------------------------------------------------------


def _runs(length: int, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cut [0, length) where any span starts or ends; each piece with the keys of the spans over
    it (in the order of `spans`); neighbouring pieces with the same keys merged. Overlapping
    spans come out as pieces. One sweep over the boundaries: long documents stay fast."""
    order = {key: i for i, (_, _, key) in enumerate(spans)}
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for start, end, key in spans:
        if start < end:
            starts.setdefault(start, []).append(key)
            ends.setdefault(end, []).append(key)
    bounds = sorted({0, length, *starts, *ends})
    active: set[str] = set()
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for a, b in zip(bounds, bounds[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        keys = tuple(sorted(active, key=order.__getitem__))
        if out and out[-1][2] == keys and out[-1][1] == a:
            out[-1] = (out[-1][0], b, keys)
        else:
            out.append((a, b, keys))
    return out


class _Dates:
    """A document's date expressions, sorted, for finding those within a stretch of text fast."""

    def __init__(self, times: list[TimeRef]) -> None:
        self.times = sorted(times, key=lambda t: (t.start, -t.end))
        self.starts = [t.start for t in self.times]
        self.longest = max((t.end - t.start for t in times), default=0)

    def within(self, a: int, b: int) -> list[TimeRef]:
        out = []
        for t in self.times[bisect.bisect_left(self.starts, a - self.longest) :]:
            if t.start >= b:
                break
            if t.end > a:
                out.append(t)
        return out


def _dated_text(text: str, offset: int, dates: _Dates) -> str:
    """Escaped `text` (which starts at `offset` in the document) with its date expressions marked."""
    end_at = offset + len(text)
    inside = [(max(t.start, offset), min(t.end, end_at), t) for t in dates.within(offset, end_at)]
    inside.sort(key=lambda x: (x[0], -x[1]))
    out, at = [], offset
    for start, end, t in inside:
        if start < at:  # nested or overlapping date expressions: the outer one is marked
            continue
        out.append(_e(text[at - offset : start - offset]))
        tip = f"{t.text}: {time_text(t)} ({t.precision.value})"
        out.append(f'<span class="date" title="{_e(tip)}">{_e(text[start - offset : end - offset])}</span>')
        at = end
    out.append(_e(text[at - offset :]))
    return "".join(out)


def _highlighted_text(doc: DocumentResult, d: int, keys: _Claims) -> str:
    by_key = {keys.key(d, i): c for i, c in enumerate(doc.claims)}
    numbers = {keys.key(d, i): i + 1 for i in range(len(doc.claims))}
    n = len(doc.text)
    spans = [(min(c.start, n), min(c.end, n), k) for k, c in by_key.items()]
    ends: dict[int, list[str]] = {}
    for start, end, k in spans:
        ends.setdefault(end, []).append(k)
    dates = _Dates(doc.times)
    html: list[str] = []
    for a, b, run_keys in _runs(n, spans):
        piece = _dated_text(doc.text[a:b], a, dates)
        if not run_keys:
            html.append(piece)
            continue
        claims = [by_key[k] for k in run_keys]
        lead = min(claims, key=lambda c: SEVERITY[c.verdict.label] if c.verdict else 9 - c.checkworthiness)
        classes = ["hl", _vclass(lead)]
        if lead.verdict is None:
            classes.append(f"cw-{_cw_band(lead)}")
        if any(c.attributed_to is not None for c in claims):
            classes.append("attributed")
        tip = "; ".join(f"claim {numbers[k]}: {_status(by_key[k])}" for k in run_keys)
        html.append(f'<mark class="{" ".join(classes)}" data-claims="{" ".join(run_keys)}" title="{_e(tip)}">{piece}</mark>')
        for k in ends.get(b, []):
            if k in run_keys:
                claim = by_key[k]
                said = f"; attributed to {claim.attributed_to.speaker}" if claim.attributed_to else ""
                html.append(
                    f'<span class="end-icon {_vclass(claim)}" data-claim="{k}" aria-hidden="true">{_e(_icon(claim))}{"❝" if claim.attributed_to else ""}</span>'
                    f'<span class="sr-only">(claim {numbers[k]}: {_e(_status(claim))}{_e(said)})</span>'
                )
    return "".join(html)


# --- Claim details ------------------------------------------------------------------------------


def _quote_html(ev: Evidence, claim: Claim) -> str:
    """The quote, escaped, with the rule values that decided marked, and the words it shares
    with the claim (as the verifier counts them) underlined."""
    quote = ev.quote
    marks: list[tuple[int, int, str]] = []
    for term in decisive_terms(ev):
        for m in re.finditer(re.escape(term), quote):
            marks.append((m.start(), m.end(), "decisive"))
    shared = content_terms(claim.text)
    for m in _WORD.finditer(quote):
        word = m.group()
        if (word.isdigit() and word in shared) or (len(word) >= 3 and stem(word) in shared and not word.isdigit()):
            if not any(s < m.end() and m.start() < e for s, e, kind in marks if kind == "decisive"):
                marks.append((m.start(), m.end(), "shared"))
    marks.sort()
    out, at = [], 0
    for start, end, kind in marks:
        if start < at:
            continue
        out.append(_e(quote[at:start]))
        inner = _e(quote[start:end])
        out.append(f'<mark class="decisive">{inner}</mark>' if kind == "decisive" else f'<span class="shared">{inner}</span>')
        at = end
    out.append(_e(quote[at:]))
    return "".join(out)


def _evidence_html(ev: Evidence, claim: Claim) -> str:
    url = safe_url(ev.url)
    cite = f' cite="{_e(url)}"' if url else ""
    title = f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(ev.title)}</a>' if url else _e(ev.title)
    facts = [title]
    if ev.published:
        facts.append(f"published {_e(ev.published)}")
    if ev.licence:
        facts.append(f"licence {_e(ev.licence)}")
    if ev.attribution:
        facts.append(_e(ev.attribution))
    checks = "".join(f"<li>{_e(line)}</li>" for line in check_lines(ev.checks))
    return (
        f'<li class="st-{_e(ev.stance.value)}"><blockquote{cite}>{_quote_html(ev, claim)}</blockquote>'
        f'<p class="src">— {", ".join(facts)} · <span class="stance">{_e(ev.stance.value)}</span> ({ev.score:.2f})'
        f' · characters {ev.start}–{ev.end} of {_e(ev.source_id)}</p>'
        + (f'<ul class="ev-checks" aria-label="Checks on this quote">{checks}</ul>' if checks else "")
        + "</li>"
    )


def _detail_html(key: str, n: int, doc: DocumentResult, claim: Claim, many_docs: bool) -> str:
    verdict = claim.verdict
    badge = f'<span class="badge {_vclass(claim)}"><span aria-hidden="true">{_e(_icon(claim))}</span> {_e(label_name(verdict.label if verdict else None))}</span>'
    head = f"Claim {n}" + (f" · {_e(_name(doc))}" if many_docs else "")
    parts = [f'<article class="claim-detail" id="detail-{key}" data-claim="{key}" aria-labelledby="detail-{key}-h">']
    conf = f'<span class="confidence">confidence {verdict.confidence:.2f}</span>' if verdict else ""
    parts.append(f'<h3 id="detail-{key}-h"><span>{head}</span> {badge} {conf}</h3>')
    parts.append(f'<p class="atomic">{_e(claim.text)}</p>')
    if claim.source_text.strip() != claim.text.strip():
        parts.append(f'<p class="from">From the text: “{_e(claim.source_text)}”</p>')
    if claim.attributed_to is not None:
        parts.append(f'<p class="attributed-note">Reported speech: attributed to <strong>{_e(claim.attributed_to.speaker)}</strong> (“{_e(claim.attributed_to.cue)}”), not asserted by the author.</p>')
    facts = [("Check-worthiness", f"{claim.checkworthiness:.2f}" + (" (check-worthy)" if claim.checkworthy else " (below the threshold)")), ("Kind", claim.kind)]
    if claim.times:
        facts.append(("When", "; ".join(f"“{t.text}” {time_text(t)} ({t.precision.value}" + (f", counted from “{t.anchor.text}”" if t.anchor else "") + ")" for t in claim.times)))
    names = list(dict.fromkeys(m.text for m in claim.mentions))
    if names:
        facts.append(("Who / where", ", ".join(names)))
    parts.append('<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>")
    if verdict is not None:
        parts.append(f'<p class="rationale"><strong>Why:</strong> {_e(verdict.rationale)}</p>')
        lines = check_lines(verdict.checks)
        if lines:
            parts.append('<ul class="checks" aria-label="Checks">' + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>")
        if verdict.evidence:
            parts.append(f'<h4>Evidence ({len(verdict.evidence)})</h4><ol class="evidence">' + "".join(_evidence_html(ev, claim) for ev in verdict.evidence) + "</ol>")
        else:
            parts.append("<p>No evidence quoted.</p>")
    else:
        parts.append('<p class="placeholder-note">This claim was not checked against evidence (run <code>sourcecheck check</code>).</p>')
    parts.append("</article>")
    return "".join(parts)


# --- Timeline -------------------------------------------------------------------------------------

_W, _LEFT, _RIGHT = 1000, 8, 8
_ROW, _LANE_HEAD, _LANE_GAP, _AXIS = 16, 18, 8, 26


def _days(t: TimeRef) -> tuple[int | None, int | None]:
    return (t.earliest.toordinal() if t.earliest else None, t.latest.toordinal() + 1 if t.latest else None)


def _ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    """Axis ticks at round years (or months, for spans under three years), about ten of them."""
    first, last = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    span_years = (hi - lo) / 365.25
    if span_years < 3:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 12)
        out, y, m = [], first.year, first.month
        while dt.date(y, m, 1).toordinal() <= hi:
            o = dt.date(y, m, 1).toordinal()
            if o >= lo and (m - 1) % step == 0:
                out.append((o, dt.date(y, m, 1).strftime("%b %Y") if step < 12 else str(y)))
            m += 1
            if m > 12:
                y, m = y + 1, 1
        return out
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if span_years / s <= 11)
    out = []
    year = (first.year // step + 1) * step
    while year <= min(last.year, 9999):
        out.append((dt.date(year, 1, 1).toordinal(), str(year)))
        year += step
    return out


def _shape(t: TimeRef, x0: float, x1: float, point: bool, cy: float) -> tuple[str, float]:
    """The SVG of one date and where its icon goes. A day is a dot, an interval a bar; an open
    interval ("after the war") a dot at its known end and a dashed line to the edge, with an arrow."""
    if t.earliest is None or t.latest is None:
        known, edge = (x1, x0) if t.earliest is None else (x0, x1)
        arrow = (
            f'<text class="tl-icon" x="{edge - 1}" y="{cy + 4}" text-anchor="end">▶</text>' if t.latest is None
            else f'<text class="tl-icon" x="{edge + 1}" y="{cy + 4}">◀</text>'
        )
        return (
            f'<line class="open-line" x1="{known}" y1="{cy}" x2="{edge}" y2="{cy}"/><circle class="shape" cx="{known}" cy="{cy}" r="5"/>{arrow}',
            round(known + 8, 1),
        )
    if point:
        mid = round((x0 + x1) / 2, 1)
        return f'<circle class="shape" cx="{mid}" cy="{cy}" r="5"/>', round(mid + 8, 1)
    return f'<rect class="shape" x="{x0}" y="{cy - 5}" width="{round(x1 - x0, 1)}" height="10" rx="2"/>', round(x1 + 2, 1)


def _date_conflicts(report: Report, keys: _Claims) -> set[str]:
    """Keys of the claims in the comparison's date conflicts (none when there is no comparison)."""
    conflicts = _field(_field(report, "comparison"), "date_conflicts") or []
    out: set[str] = set()
    for c in conflicts if isinstance(conflicts, list) else []:
        for side in ("a", "b"):
            key = keys.find(_field(c, side), _field(c, f"doc_{side}"))
            if key is not None:
                out.add(key)
    return out


def _timeline_svg(report: Report, keys: _Claims) -> str:
    """One lane per document; in each, the dates of its claims (selectable, in the verdict's
    colour) and the document's other dates (grey), packed into rows so none hides another. Claims
    that another document dates differently (the comparison's date conflicts) get a ⚠."""
    conflicted = _date_conflicts(report, keys)
    lanes: list[tuple[DocumentResult, list[tuple[TimeRef, str | None, Claim | None, int]]]] = []
    finite: list[int] = []
    for d, doc in enumerate(report.documents):
        items: list[tuple[TimeRef, str | None, Claim | None, int]] = []
        claimed: set[tuple[int, int]] = set()
        for i, claim in enumerate(doc.claims):
            for t in claim.times:
                items.append((t, keys.key(d, i), claim, i + 1))
                claimed.add((t.start, t.end))
        items += [(t, None, None, 0) for t in doc.times if (t.start, t.end) not in claimed]
        for t, *_ in items:
            finite += [x for x in _days(t) if x is not None]
        if doc.published is not None:
            finite += [x for x in _days(doc.published) if x is not None]
        lanes.append((doc, items))
    if not any(items for _, items in lanes) or not finite:
        return ""
    lo, hi = min(finite), max(finite)
    pad = max(30, (hi - lo) // 30)
    lo, hi = lo - pad, hi + pad
    width = _W - _LEFT - _RIGHT

    def x(day: int) -> float:
        return round(_LEFT + (day - lo) / (hi - lo) * width, 1)

    body: list[str] = []
    y = 4
    for d, (doc, items) in enumerate(lanes):
        placed = []
        rows_end: list[float] = []
        for t, key, claim, n in sorted(items, key=lambda it: (_days(it[0])[0] or lo, _days(it[0])[1] or hi)):
            a, b = _days(t)
            x0, x1 = x(a if a is not None else lo), x(b if b is not None else hi)
            point = x1 - x0 < 8
            left, right = (x0 + x1) / 2 - 6 if point else x0, ((x0 + x1) / 2 + 6 if point else x1) + (12 if key else 2)
            row = next((r for r, end in enumerate(rows_end) if left >= end + 2), None)
            if row is None:
                if len(rows_end) < 14:
                    rows_end.append(right)
                    row = len(rows_end) - 1
                else:
                    row = min(range(len(rows_end)), key=lambda r: rows_end[r])
            rows_end[row] = max(rows_end[row], right)
            placed.append((t, key, claim, n, x0, x1, point, row))
        rows = max(1, len(rows_end))
        height = _LANE_HEAD + rows * _ROW + 4
        body.append(f'<g class="lane" aria-label="{_e(_name(doc))}">')
        body.append(f'<rect class="lane-bg" x="0" y="{y}" width="{_W}" height="{height}" rx="4"/>')
        body.append(f'<text class="lane-label" x="{_LEFT + 2}" y="{y + 13}">{_e(_short(_name(doc), 90))}</text>')
        if doc.published is not None:
            a, b = _days(doc.published)
            x0, x1 = x(a if a is not None else lo), x(b if b is not None else hi)
            tip = f"{_name(doc)}: {document_date_line(doc)}"
            body.append(
                f'<g class="tl-pub"><title>{_e(tip)}</title><rect x="{x0}" y="{y + _LANE_HEAD - 2}" width="{max(2.0, round(x1 - x0, 1))}" height="{rows * _ROW + 4}"/></g>'
            )
        for t, key, claim, n, x0, x1, point, row in placed:
            cy = y + _LANE_HEAD + row * _ROW + _ROW / 2
            classes = ["tl-item" if key else "tl-date"]
            if claim is not None:
                classes.append(_vclass(claim))
            if t.precision in COARSE:
                classes.append("coarse")
            if t.precision in VAGUE:
                classes.append("vague")
            if t.anchor is not None:
                classes.append("relative")
            if t.earliest is None or t.latest is None:
                classes.append("open")
            shape, icon_x = _shape(t, x0, x1, point, cy)
            when = f"“{t.text}” {time_text(t)}, {t.precision.value}" + (f", counted from “{t.anchor.text}”" if t.anchor else "")
            if key is None:
                body.append(f'<g class="{" ".join(classes)}"><title>{_e("date in the text: " + when)}</title>{shape}</g>')
                continue
            assert claim is not None
            label = f"Claim {n}, {_status(claim)}: {when}. {claim.text}"
            glyph = _icon(claim)
            if key in conflicted:
                classes.append("date-conflict")
                label += " Another document dates this differently."
                glyph += "⚠"
            icon = f'<text class="tl-icon" x="{icon_x}" y="{cy + 4}">{_e(glyph)}</text>'
            body.append(
                f'<g class="{" ".join(classes)}" data-claim="{key}" data-roving="" role="button" tabindex="-1" aria-label="{_e(label)}">'
                f"<title>{_e(label)}</title>{shape}{icon}</g>"
            )
        body.append("</g>")
        y += height + _LANE_GAP
    axis_y = y + 2
    axis = [f'<g class="axis"><line x1="{_LEFT}" y1="{axis_y}" x2="{_W - _RIGHT}" y2="{axis_y}"/>']
    for day, text in _ticks(lo, hi):
        tx = x(day)
        axis.append(f'<line x1="{tx}" y1="{axis_y}" x2="{tx}" y2="{axis_y + 5}"/><text x="{tx}" y="{axis_y + 17}" text-anchor="middle">{_e(text)}</text>')
    axis.append("</g>")
    total = axis_y + _AXIS
    hatch = "".join(
        f'<pattern id="hatch-{c}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect class="hatch-bg" width="6" height="6"/><line x1="0" y1="0" x2="0" y2="6" stroke-width="3"/></pattern>'
        for c in (*CSS_CLASS.values(), "unchecked")
    )
    return (
        f'<svg class="timeline" viewBox="0 0 {_W} {total}" role="group" aria-label="Timeline of the dated claims, one lane per document (arrow keys move between points, Enter selects)" xmlns="http://www.w3.org/2000/svg">'
        f"<defs>{hatch}</defs>{''.join(body)}{''.join(axis)}</svg>"
    )


def _name(doc: DocumentResult) -> str:
    """A document's title, else its file name (the full source is shown beside it)."""
    if doc.title or safe_url(doc.source):
        return document_name(doc)
    return doc.source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or doc.source


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Optional layers (other parts of the report; rendered only when present) ------------------------


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _rhetoric_html(doc: DocumentResult) -> str:
    """The rhetoric spans of a document, when the report has them: a layer apart from the facts."""
    spans = _field(doc, "rhetoric") or []
    if not isinstance(spans, list) or not spans:
        return ""
    items = []
    for span in spans[:200]:
        technique = str(_field(span, "technique", "?")).replace("_", " ")
        text = _field(span, "text", "")
        score = _field(span, "score")
        cue = _field(span, "cue")
        extra = (f" ({score:.2f})" if isinstance(score, (int, float)) else "") + (f", cue “{cue}”" if cue else "")
        items.append(f"<li><strong>{_e(technique)}</strong>{_e(extra)}: “{_e(_short(str(text), 240))}”</li>")
    more = f"<p>… and {len(spans) - 200} more.</p>" if len(spans) > 200 else ""
    return (
        f'<details class="rhetoric"><summary>Rhetoric: {len(spans)} passages (marked apart from the facts, never a verdict)</summary>'
        f"<ul>{''.join(items)}</ul>{more}</details>"
    )


def _comparison_html(report: Report, keys: _Claims) -> str:
    """The cross-document comparison, when the report has one: topics with their claim pairs, and
    the events the documents date differently. Read field by field, so that a report from another
    version renders what it can instead of failing."""
    comparison = _field(report, "comparison")
    if comparison is None:
        return ""
    topics = _field(comparison, "topics") or []
    conflicts = _field(comparison, "date_conflicts") or []
    if not isinstance(topics, list) or not isinstance(conflicts, list) or not (topics or conflicts):
        return ""

    def ref(claim_id: Any, doc_id: Any = None) -> str:
        key = keys.find(claim_id, doc_id)
        if key is None:
            return f"<code>{_e(claim_id)}</code>"
        d, i = key[1:].split("-")
        return f'<button type="button" class="claim-ref" data-claim="{key}">document {int(d) + 1}, claim {int(i) + 1}</button>'

    out = ['<section class="side-section comparison" aria-labelledby="comparison-h"><h2 id="comparison-h">Across the documents</h2>']
    if topics:
        out.append("<ul>")
        for topic in topics[:100]:
            pairs = _field(topic, "pairs") or []
            rows = []
            for pair in pairs[:20] if isinstance(pairs, list) else []:
                relation = str(getattr(_field(pair, "relation", "?"), "value", _field(pair, "relation", "?")))
                reason = _field(pair, "reason") or ""
                rows.append(
                    f"<li>{ref(_field(pair, 'a'), _field(pair, 'doc_a'))} <strong>{_e(relation.replace('_', ' ').lower())}</strong> "
                    f"{ref(_field(pair, 'b'), _field(pair, 'doc_b'))}" + (f" — {_e(reason)}" if reason else "") + "</li>"
                )
            out.append(f"<li><strong>{_e(_field(topic, 'label', 'topic'))}</strong>" + (f"<ul>{''.join(rows)}</ul>" if rows else "") + "</li>")
        out.append("</ul>")
    if conflicts:
        out.append("<h3>Dated differently</h3><ul>")
        for c in conflicts[:100]:
            note = _field(c, "note") or ""
            out.append(f"<li>{ref(_field(c, 'a'), _field(c, 'doc_a'))} / {ref(_field(c, 'b'), _field(c, 'doc_b'))}" + (f": {_e(note)}" if note else "") + "</li>")
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


# --- The page ---------------------------------------------------------------------------------------


def _summary_html(report: Report) -> str:
    counts = verdict_counts(report)
    checked = any(n for key, n in counts.items() if key != "UNCHECKED")
    buttons = []
    for key in FILTER_KEYS:
        n = counts[key]
        if (key == "UNCHECKED" and not n) or (key != "UNCHECKED" and not checked):
            continue  # a `claims` report has no verdicts to count
        label = Label(key) if key != "UNCHECKED" else None
        cls = f"v-{CSS_CLASS[label]}" if label else "v-unchecked"
        icon = LABEL_ICONS[label] if label else UNCHECKED_ICON["high"]
        buttons.append(
            f'<li><button type="button" class="{cls}" data-label="{key}" aria-pressed="true" '
            f'aria-label="{_e(label_name(label))}: {n} claims (press to hide or show them)">'
            f'<span aria-hidden="true">{icon}</span> {_e(label_name(label))} <span class="count">{n}</span></button></li>'
        )
    return f'<ul class="summary" aria-label="Verdicts; each button shows or hides its claims">{"".join(buttons)}</ul>'


def _controls_html(report: Report, total: int) -> str:
    return (
        f'<nav class="controls" aria-label="Summary and filters">{_summary_html(report)}'
        '<div class="cw-filter"><label for="cw-filter">Check-worthiness</label><select id="cw-filter">'
        '<option value="all">all claims</option><option value="checkworthy">check-worthy only</option>'
        '<option value="0.5">0.50 and above</option><option value="0.75">0.75 and above</option><option value="0.9">0.90 and above</option>'
        '</select></div><button type="button" class="reset" id="reset-filters">Show all</button>'
        f'<p class="showing" id="showing" aria-live="polite">Showing {total} of {total} claims</p></nav>'
    )


def _legend_html() -> str:
    items = [f'<li><span class="v-{CSS_CLASS[label]}" aria-hidden="true">{LABEL_ICONS[label]}</span> {LABEL_NAMES[label]}</li>' for label in CSS_CLASS]
    items += [
        '<li><span class="v-unchecked" aria-hidden="true">●◐○</span> not checked (by check-worthiness)</li>',
        "<li>solid: a day, week or month</li><li>hatched: a season, year or more</li><li>faded: a decade, century or long range</li>",
        "<li>dashed outline: counted from another date, or open-ended (◀ ▶)</li><li>grey: a date with no claim</li><li>band: the document's own date</li>",
    ]
    return f'<ul class="legend" aria-label="How to read the timeline">{"".join(items)}</ul>'


def _document_html(doc: DocumentResult, d: int, keys: _Claims) -> str:
    meta = [("Source", doc.source)]
    if doc.published is None:
        meta.append(("Date", "undated (no date given, in its metadata or in its text)"))
    else:
        meta.append(("Date", f"“{doc.published.text}”, {time_text(doc.published)} ({doc.published.precision.value})"))
        if doc.published_basis:
            meta.append(("Dated by", BASIS_WORDS.get(doc.published_basis, doc.published_basis)))
        if doc.published_note:
            meta.append(("How", doc.published_note))
    meta += [("Words", str(doc.words)), ("Claims", str(len(doc.claims)))]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta)
    return (
        f'<section class="document" id="doc-{d}" aria-labelledby="doc-{d}-h"><h2 id="doc-{d}-h">{_e(_name(doc))}</h2>'
        f'<dl class="doc-meta">{dl}</dl>{_rhetoric_html(doc)}'
        f'<div class="doc-text" role="article" aria-label="Text of {_e(_name(doc))}; highlighted claims can be clicked">{_highlighted_text(doc, d, keys)}</div></section>'
    )


def _claim_list_html(report: Report, keys: _Claims) -> str:
    groups = []
    first = True
    for d, doc in enumerate(report.documents):
        options = []
        for i, claim in enumerate(doc.claims):
            key = keys.key(d, i)
            attributed = f' <span class="attr">(according to {_e(claim.attributed_to.speaker)})</span>' if claim.attributed_to else ""
            conf = f"{claim.verdict.confidence:.2f}" if claim.verdict else f"cw {claim.checkworthiness:.2f}"
            options.append(
                f'<div role="option" id="opt-{key}" data-claim="{key}" data-roving="" aria-selected="false" tabindex="{0 if first else -1}" class="{_vclass(claim)}">'
                f'<span class="opt-n">{i + 1}.</span><span class="icon" aria-hidden="true">{_e(_icon(claim))}</span>'
                f'<span class="opt-text"><span class="sr-only">{_e(_status(claim))}: </span>{_e(claim.text)}{attributed}</span>'
                f'<span class="opt-n" aria-label="{"confidence" if claim.verdict else "check-worthiness"} {conf}">{conf.replace("cw ", "")}</span></div>'
            )
            first = False
        groups.append(f'<div role="group" aria-labelledby="grp-{d}"><div class="grp-label" id="grp-{d}">{_e(_name(doc))}</div>{"".join(options)}</div>')
    return f'<div class="claim-list" id="claim-list" role="listbox" aria-label="Claims (arrow keys move, Enter selects)">{"".join(groups)}</div>'


def _run_html(run: RunInfo) -> str:
    models = ", ".join(f"{m.name} {m.version}" for m in run.models) or "none"
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in run.timings.items()) or "none"
    settings = json.dumps(run.settings, ensure_ascii=False, default=str, sort_keys=True)
    return (
        f'<footer class="run"><details><summary>How this report was made</summary><dl>'
        f"<dt>sourcecheck</dt><dd>{_e(run.sourcecheck_version)}, {_e(run.created.isoformat(timespec='seconds'))}</dd>"
        f"<dt>Models</dt><dd>{_e(models)}</dd><dt>Timings</dt><dd>{_e(timings)}</dd><dt>Settings</dt><dd><code>{_e(settings)}</code></dd>"
        "</dl></details><p>This page is self-contained: it loads nothing from the network.</p></footer>"
    )


def _page_title(report: Report, title: str | None) -> str:
    if title:
        return title
    names = [_name(d) for d in report.documents]
    if not names:
        return "sourcecheck report"
    rest = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"sourcecheck: {_short(names[0], 80)}{rest}"


def check_html_target(path: Path) -> None:
    """Fail before any work when the --html path cannot be written: it is a folder, or its
    folder is a file."""
    if path.is_dir():
        raise UsageError(f"--html {path} is a directory; give a file name such as {path / 'report.html'}")
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UsageError(f"--html {path}: {parent} is a file, not a directory")


def render_html(report: Report, *, title: str | None = None) -> str:
    """The report as one self-contained HTML page (a string): no network request, works offline.

    `title` is the page's title and heading (default: "sourcecheck: " and the first document's
    name). Claims without a verdict (`sourcecheck claims`) are shown by check-worthiness.

    >>> html = render_html(report, title="Deutscher, February 1942")      # doctest: +SKIP
    >>> html.startswith("<!DOCTYPE html>")                               # doctest: +SKIP
    True
    """
    css, js = _asset("report.css"), _asset("report.js")
    keys = _Claims(report)
    page_title = _page_title(report, title)
    many = len(report.documents) > 1
    data = {
        "order": [k for k, *_ in keys.items],
        "claims": {
            k: {
                "n": n, "doc": d, "id": c.id, "label": c.verdict.label.value if c.verdict else "UNCHECKED",
                "name": _status(c), "cw": round(c.checkworthiness, 4), "checkworthy": c.checkworthy,
            }
            for k, d, n, _, c in keys.items
        },
    }
    csp = f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; img-src data:; base-uri 'none'; form-action 'none'"
    details = "".join(_detail_html(k, n, doc, c, many) for k, d, n, doc, c in keys.items)
    timeline = _timeline_svg(report, keys)
    timeline_html = (
        f'<section class="timeline-wrap" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>{timeline}{_legend_html()}</section>'
        if timeline else ""
    )
    documents = "".join(_document_html(doc, d, keys) for d, doc in enumerate(report.documents)) or "<p>No documents.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f'<meta name="generator" content="sourcecheck {_e(report.run.sourcecheck_version)}">'
        f"<title>{_e(page_title)}</title><style>{css}</style></head><body>"
        '<a class="skip" href="#claim-list">Skip to the claims</a>'
        f'<header class="report-head"><h1>{_e(page_title)}</h1>'
        f'<p class="run-line">{len(report.documents)} document{"s" if many else ""} · {len(keys.items)} claims · made by sourcecheck {_e(report.run.sourcecheck_version)} on {_e(report.run.created.isoformat(timespec="minutes"))}</p></header>'
        f"{_controls_html(report, len(keys.items))}{timeline_html}"
        f'<div class="layout"><main class="documents" aria-label="Documents">{documents}</main>'
        '<aside class="aside" aria-label="Claims and evidence"><div class="aside-inner">'
        f'<h2 class="list-heading" id="claims-h">Claims</h2>{_claim_list_html(report, keys)}'
        '<section class="details" role="region" aria-label="Selected claim" tabindex="-1">'
        '<p class="placeholder">Select a claim (click a highlight, or Tab to the list, arrows, Enter) to see its verdict and evidence.</p>'
        f'<p class="sr-only" id="status" role="status" aria-live="polite"></p>{details}</section>'
        f"{_comparison_html(report, keys)}</div></aside></div>"
        f"{_run_html(report.run)}"
        f'<script type="application/json" id="sc-data">{_json_for_script(data)}</script>'
        f"<script>{js}</script></body></html>\n"
    )
