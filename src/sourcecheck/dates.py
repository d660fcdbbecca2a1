"""Temporal tagger: every date expression in a text as a `TimeRef` interval (docs/dates.md).

A rule tagger on plain `re`: deterministic, linear in the text, and silent where a phrase is not
a date (no invented dates: "a year after the" yields nothing). Its parts:

- `dates_patterns`: the regular expressions, and the triggers that say where to run them;
- `dates_text`, `dates_absolute`, `dates_periods`, `dates_relative`: pattern matches become
  candidate items (pass 1);
- `dates_resolve`: overlaps settled, ranges and operators composed (pass 2), items resolved in
  text order against the nearest preceding date, the document date or the war last named (pass 3);
- `dates_calendar`: interval arithmetic; `dates_lexicon`: word tables and the named wars (`WARS`).

This module is the API: `tag_times`, `infer_document_date`, `parse_date_value`.
"""

from __future__ import annotations

import gc
import re

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_lexicon import WARS
from .dates_resolve import tag
from .dates_text import forget_text
from .types import Precision, TimeRef

__all__ = ["tag_times", "infer_document_date", "parse_date_value", "WARS"]

P = Precision


def tag_times(text: str, *, document_date: TimeRef | None = None) -> list[TimeRef]:
    """Every date expression in `text`, in text order, as TimeRef intervals (docs/dates.md).

    Offsets are character offsets into `text`; `TimeRef.text == text[start:end]` always.
    """
    # A long text makes tens of thousands of small objects and no reference cycles; the cyclic
    # collector would only rescan them again and again (a third of the time on dense texts).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return tag(text, document_date)
    finally:
        forget_text()
        if gc_was_enabled:
            gc.enable()


# ---- document date ----

_WRITING = re.compile(
    rf"(?:{pt.NUM}\s+{pt.UNIT}\s+(?:have|has)\s+(?:now\s+|already\s+|just\s+)?(?:passed|elapsed|gone\s+by)\s+since"
    rf"|it\s+(?:is|has\s+been)\s+(?:now\s+)?{pt.NUM}\s+{pt.UNIT}\s+since)\b",
    re.IGNORECASE)
_LABEL = re.compile(r"(?i:written|dated|published|composed|date)\b[ \t]*(?:(?i:in|on)\b|:)?[ \t]*")
_PLACE = re.compile(r"[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3},[ \t]+")
# What a dateline may give: a labelled one ("Written in 1942") any calendar unit; a bare or placed
# one only a day or month, since a line "Stalingrad, 1942" or "1942" is more often a title.
_LABELLED_PRECISIONS = {P.DAY, P.MONTH, P.YEAR, P.SEASON, P.PART}
_BARE_PRECISIONS = {P.DAY, P.MONTH}


def _sentence_number(text: str, pos: int) -> int:
    return 1 + sum(1 for m in pt.SENTENCE_END.finditer(text, 0, pos) if m.end() <= pos)


def _dateline(text: str) -> tuple[TimeRef, str] | None:
    """A line at the top (first three lines with text) or the foot (last two) that is only a date,
    with at most a place ("London, 15 February 1942") or a label ("Written in 1942") before it."""
    lines = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            lines.append((pos, raw.rstrip("\r\n"), len(lines) + 1))
        pos += len(raw)
    candidates = lines[:3] + [ln for ln in lines[-2:] if ln not in lines[:3]]
    for start, line, number in candidates:
        if len(line.strip()) > 80:
            continue
        i = len(line) - len(line.lstrip())
        if line[i:i + 1] in ("(", "["):
            i += 1
        label = _LABEL.match(line, i)
        m = label or _PLACE.match(line, i)
        j = m.end() if m else i
        rest = line[j:].rstrip().rstrip(".)]").rstrip()
        ref = parse_date_value(rest) if rest else None
        if ref is None or ref.precision not in (_LABELLED_PRECISIONS if label else _BARE_PRECISIONS):
            continue
        s = start + j
        ref = ref.model_copy(update={"start": s, "end": s + len(rest), "text": text[s:s + len(rest)]})
        return ref, f'found dateline "{line.strip()}" (line {number})'
    return None


def infer_document_date(text: str, times: list[TimeRef]) -> tuple[TimeRef, str] | None:
    """When the document's date is not given, infer it from the text where the text allows,
    returning (TimeRef of the writing time, a one-sentence note saying how), else None.

    A dateline counts first (note 'found dateline ...'); then a statement of the time of writing
    in the first three sentences, "Eight months have passed since ... 22 June 1941" (note
    'inferred from ...'). A text that merely mentions dates is not dated by them: None.
    """
    found = _dateline(text)
    if found is not None:
        return found
    for ref in times:
        m = _WRITING.match(ref.text)
        if m is None or ref.earliest is None or ref.latest is None or ref.anchor is None:
            continue
        n = _sentence_number(text, ref.start)
        if n > 3:
            continue
        head, tail = ref.text[:m.end()], ref.anchor.text
        quoted = f"{head} {tail}" if ref.text == f"{head} {tail}" else f"{head} ... {tail}"
        return ref, f'inferred from "{quoted}" (sentence {n})'
    return None


# ---- stand-alone values ----

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?")
_WEEKDAY = re.compile(r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+")
_MONTH_WORD = re.compile(r"\b(?i:january|february|march|april|may|june|july|august|september|october"
                         r"|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b")


def parse_date_value(value: str) -> TimeRef | None:
    """Parse a stand-alone date given by a user or metadata: ISO forms (1942, 1942-02, 1942-02-15,
    1942-02-15T10:00:00Z) and written forms ("February 1942", "15 Feb 1942"). The whole string
    must be one date; anything else -> None."""
    v = value.strip()
    if not v:
        return None
    m = _ISO.fullmatch(v)
    if m:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if y < 1:
            return None
        r = cal.day(y, int(mo), int(d)) if d else cal.month(y, int(mo)) if mo else cal.year(y)
        if r is None:
            return None
        return TimeRef(text=v, start=0, end=len(v), earliest=r.earliest, latest=r.latest, precision=r.precision)
    body = v[_WEEKDAY.match(v).end():] if _WEEKDAY.match(v) else v
    for candidate in (body, _MONTH_WORD.sub(lambda w: w.group().capitalize(), body)):
        refs = tag_times(candidate)
        if (len(refs) == 1 and refs[0].start == 0 and refs[0].end == len(candidate)
                and refs[0].anchor is None and refs[0].earliest and refs[0].latest):
            r = refs[0]
            return TimeRef(text=v, start=0, end=len(v), earliest=r.earliest, latest=r.latest,
                           precision=r.precision)
    return None
