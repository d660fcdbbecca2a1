"""The date rule: the claim's time interval against the evidence's, for the same event.

"The Winter War began in December 1939" against "The Winter War began on 30 November 1939":
December 1939 (1939-12-01..12-31) and 30 November 1939 share no day, so the window, which is
otherwise about the same thing, contradicts the claim's date. Any overlap is a match: "in 1939"
is consistent with "30 November 1939" (the claim is vaguer, not wrong).
"""

from __future__ import annotations

import datetime as dt

from .rules import RuleResult, about_same, without
from .types import Precision, TimeRef

# Too vague to contradict anything: "after the war", "the 20th century".
_COARSE = {Precision.OPEN, Precision.CENTURY}
_MIN, _MAX = dt.date.min, dt.date.max
# Stricter than the other rules: a window about another moment of the same war names the war
# too, so most of the claim's other words (its verb: "began", "signed") must be there as well.
DATE_OVERLAP = 0.75


def _overlaps(a: TimeRef, b: TimeRef) -> bool:
    return (a.earliest or _MIN) <= (b.latest or _MAX) and (b.earliest or _MIN) <= (a.latest or _MAX)


def check_dates(claim: str, claim_times: list[TimeRef], window: str, window_times: list[TimeRef]) -> RuleResult | None:
    """match / mismatch when both sides date the same thing, None when the rule cannot tell.

    >>> check_dates("The Winter War began in December 1939.", [dec_1939],
    ...             "The Winter War began on 30 November 1939.", [nov_30])   # doctest: +SKIP
    RuleResult(rule='dates', outcome='mismatch', claim='December 1939', evidence='30 November 1939', ...)
    """
    mine = [t for t in claim_times if t.precision not in _COARSE]
    # Only the evidence's explicit dates: "three months after the outbreak of war" is resolved
    # approximately, and would "agree" with a claim that the explicit date beside it refutes.
    theirs = [t for t in window_times if t.precision not in _COARSE and t.anchor is None]
    if not mine or not theirs:
        return None
    rest = without(claim, [t.text for t in claim_times])
    if not about_same(rest, window, overlap=DATE_OVERLAP):
        return None
    for t in mine:
        hit = next((e for e in theirs if _overlaps(t, e)), None)
        if hit is None:
            others = ", ".join(e.text for e in theirs)
            return RuleResult("dates", "mismatch", t.text, others, f"the claim says {t.text}; the evidence dates it {others}")
    pairs = [(t, next(e for e in theirs if _overlaps(t, e))) for t in mine]
    return RuleResult("dates", "match", ", ".join(t.text for t, _ in pairs), ", ".join(e.text for _, e in pairs), "the dates agree")
