"""The date rule: the claim's time interval against the evidence's, for the same event.

"The Winter War began in December 1939" against "The Winter War began on 30 November 1939":
December 1939 (1939-12-01..12-31) and 30 November 1939 share no day, so the window, which is
otherwise about the same thing, contradicts the claim's date. Any overlap is a match: "in 1939"
is consistent with "30 November 1939" (the claim is vaguer, not wrong).

Spans are also compared end to end (`date_ends`), because overlap alone says too little of them:
"the campaign went on until May 1943" against "fought between 7 August 1942 and 9 February 1943"
ends in the wrong month; "paramount leader from 1978 to 1989" against "from 1978 to 1992" shares
its start and not its end. A span's end is compared only with an end, its start with a start.
"""

from __future__ import annotations

import datetime as dt

from .date_ends import Ends, ends_of, in_parentheses
from .rules import RuleResult, about_same, without
from .types import Precision, TimeRef

# Too vague to contradict anything by overlap: "after the war", "the 20th century".
_COARSE = {Precision.OPEN, Precision.CENTURY}
_MIN, _MAX = dt.date.min, dt.date.max
# Stricter than the other rules: a window about another moment of the same war names the war
# too, so most of the claim's other words (its verb: "began", "signed") must be there as well.
DATE_OVERLAP = 0.75


def _overlaps(a: TimeRef, b: TimeRef) -> bool:
    return (a.earliest or _MIN) <= (b.latest or _MAX) and (b.earliest or _MIN) <= (a.latest or _MAX)


def _mismatch(claimed: str, evidence: str) -> RuleResult:
    return RuleResult("dates", "mismatch", claimed, evidence, f"the claim says {claimed}; the evidence dates it {evidence}")


def _span_verdict(claim: Ends, spans: list[tuple[TimeRef, Ends, bool]]) -> tuple[str, TimeRef] | None:
    """("match" | "mismatch", the evidence span) for a claim's span against the window's spans,
    each with whether it may refute (a span in parentheses only agrees: "Kennedy (1917–1963)" is
    a lifespan, and "first president (1963–1966)" confirms "president until 1966").

    A claim with both ends is refuted only by a span that shares one of its ends and not the
    other (the same span, told differently); a span sharing neither is about something else.
    A claim with one end ("until May 1943", "since 1964") is refuted by spans whose same end
    differs, when none agrees."""
    mismatch = None
    for span, theirs, may_refute in spans:
        sides = [(mine, other) for mine, other in ((claim.start, theirs.start), (claim.end, theirs.end)) if mine and other]
        if not sides or (claim.start and claim.end and len(sides) < 2):
            continue
        agreed = [_overlaps(mine, other) for mine, other in sides]
        if all(agreed):
            return "match", span
        if may_refute and (len(sides) == 1 or any(agreed)):
            mismatch = mismatch or span
    return ("mismatch", mismatch) if mismatch else None


def check_dates(claim: str, claim_times: list[TimeRef], window: str, window_times: list[TimeRef], *, title: str = "") -> RuleResult | None:
    """match / mismatch when both sides date the same thing, None when the rule cannot tell.
    `title` (the passage's title, "Menachem Begin") counts toward the window being about the
    claim's subject ("He proclaimed a revolt on 1 February 1944"), never toward its dates.

    >>> check_dates("The Winter War began in December 1939.", [dec_1939],
    ...             "The Winter War began on 30 November 1939.", [nov_30])   # doctest: +SKIP
    RuleResult(rule='dates', outcome='mismatch', claim='December 1939', evidence='30 November 1939', ...)
    """
    mine = [t for t in claim_times if t.precision not in _COARSE]
    claim_spans = [(t, ends) for t in claim_times if (ends := ends_of(t)).known]
    # Only the evidence's explicit dates: "three months after the outbreak of war" is resolved
    # approximately, and would "agree" with a claim that the explicit date beside it refutes.
    theirs = [t for t in window_times if t.precision not in _COARSE and t.anchor is None]
    # Spans in parentheses are lifespans and asides: "Kennedy (1917–1963)" is no term of office.
    their_spans = [(t, ends, not in_parentheses(window, t)) for t in window_times if (ends := ends_of(t)).known]
    if not (mine and theirs) and not (claim_spans and their_spans):
        return None
    rest = without(claim, [t.text for t in claim_times])
    if not about_same(rest, window, overlap=DATE_OVERLAP, title=title):
        return None
    pairs: list[tuple[TimeRef, TimeRef]] = []
    for t, ends in claim_spans:
        judged = _span_verdict(ends, their_spans)
        if judged and judged[0] == "mismatch":
            return _mismatch(t.text, judged[1].text)
        if judged:
            pairs.append((t, judged[1]))
    if theirs:
        found = {id(t): next((e for e in theirs if _overlaps(t, e)), None) for t in mine}
        # A date the window gives for another of the claim's dates is no counter-evidence:
        # "ruled from August 1954 until he was overthrown in 1989" against "In 1954, Stroessner
        # took power" is silent on 1989, not wrong.
        used = {id(e) for e in found.values() if e is not None}
        for t in mine:
            hit = found[id(t)]
            if hit is None:
                others = [e for e in theirs if id(e) not in used]
                if not others:
                    continue
                return _mismatch(t.text, ", ".join(e.text for e in others))
            if all(t is not done for done, _ in pairs):
                pairs.append((t, hit))
    if not pairs:
        return None
    return RuleResult("dates", "match", ", ".join(t.text for t, _ in pairs), ", ".join(e.text for _, e in pairs), "the dates agree")
