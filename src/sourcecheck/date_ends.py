"""The two ends of a span of time: "from 1972 to 1981" starts in 1972 and ends in 1981.

A tagged span (`Precision.RANGE`) keeps only its first and last day, which says nothing of how
exactly each end was given; an open interval ("until May 1943") keeps its anchor's text. Each end
is re-read from the text, so that "until May 1943" ends in May 1943 (any day of it) and "between
7 August 1942 and 9 February 1943" on 9 February 1943. "after 1945" and "before 1939" have no
end in this sense: they exclude their anchor.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .types import Precision, TimeRef

# "from 1972 to 1981", "between 1905 and 1911", "1968–1973", "May 1940 until June 1941".
_SPAN = re.compile(r"^(?:from|between)?\s*(?P<start>.+?)\s*(?:\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b|[–—-])\s*(?P<end>.+?)$", re.IGNORECASE)

_UNTIL = re.compile(r"(?:up\s+)?(?:until|till|to)\b", re.IGNORECASE)


class Ends(NamedTuple):
    start: TimeRef | None
    end: TimeRef | None

    @property
    def known(self) -> bool:
        return self.start is not None or self.end is not None


@functools.lru_cache(maxsize=4096)
def _moment(text: str) -> TimeRef | None:
    """The one date that `text` is, when it is exactly one closed date ("9 February 1943")."""
    from .dates import tag_times

    text = text.strip(" ,.")
    # A bare year is not tagged alone ("1978" is as often a number); "in 1978" is.
    found = tag_times(text, document_date=None) or tag_times(f"in {text}", document_date=None)
    if len(found) != 1 or found[0].precision in (Precision.OPEN, Precision.RANGE) or found[0].anchor is not None:
        return None
    return found[0] if len(found[0].text) >= len(text) - 4 else None


def ends_of(t: TimeRef) -> Ends:
    """The start and end of a span or an open interval, each as a date; (None, None) otherwise."""
    if t.precision is Precision.RANGE:
        parts = _SPAN.match(t.text.strip())
        if not parts:
            return Ends(None, None)
        start, end = _moment(parts["start"]), _moment(parts["end"])
        # "from May to December 1945": the start alone is no date; the span's first day is.
        return Ends(start if start and start.earliest == t.earliest else None, end if end and end.latest == t.latest else None)
    if t.precision is Precision.OPEN and t.anchor is not None:
        point = _moment(t.anchor.text)
        if point is None:
            return Ends(None, None)
        if t.latest is None and t.earliest == point.earliest:
            return Ends(point, None)  # since 1964
        # "by 1942" is also open-ended, but says something was done by then, not that it ended.
        if t.earliest is None and t.latest == point.latest and _UNTIL.match(t.text):
            return Ends(None, point)  # until May 1943
    return Ends(None, None)


def in_parentheses(text: str, t: TimeRef) -> bool:
    """Is the date inside an unclosed parenthesis of `text` ("Kennedy (1917–1963)")?"""
    return text.rfind("(", 0, t.start) > text.rfind(")", 0, t.start)
