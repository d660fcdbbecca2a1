"""Interval arithmetic for the temporal tagger: whole months, seasons, parts, shifts.

An interval is `Val(earliest, latest, precision)`, both ends inclusive (docs/dates.md). Every
function returns None instead of raising when the calendar says no (31 June, year 0), so that a
malformed expression simply yields nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

from .dates_lexicon import FEW
from .types import Precision

P = Precision
ONE_DAY = dt.timedelta(days=1)
MIN_YEAR, MAX_YEAR = 1, 9998


class Val(NamedTuple):
    earliest: dt.date | None
    latest: dt.date | None
    precision: Precision


# Coarseness of a precision, to pick the coarser of an offset's unit and its anchor's.
RANK = {P.DAY: 0, P.WEEK: 1, P.MONTH: 2, P.PART: 3, P.SEASON: 3, P.YEAR: 4, P.DECADE: 5,
        P.CENTURY: 6, P.RANGE: 7, P.OPEN: 8}


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def last_day(y: int, m: int) -> int:
    return 29 if m == 2 and calendar.isleap(y) else _DAYS[m]


def day(y: int, m: int, d: int) -> Val | None:
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12 and 1 <= d <= last_day(y, m)):
        return None
    x = dt.date(y, m, d)
    return Val(x, x, P.DAY)


def month(y: int, m: int, precision: Precision = P.MONTH) -> Val | None:
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12):
        return None
    return Val(dt.date(y, m, 1), dt.date(y, m, last_day(y, m)), precision)


def months(y1: int, m1: int, y2: int, m2: int, precision: Precision) -> Val | None:
    a, b = month(y1, m1), month(y2, m2)
    if a is None or b is None or b.latest < a.earliest:
        return None
    return Val(a.earliest, b.latest, precision)


def year(y: int, precision: Precision = P.YEAR) -> Val | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    return Val(dt.date(y, 1, 1), dt.date(y, 12, 31), precision)


def years(y1: int, y2: int, precision: Precision) -> Val | None:
    if not (MIN_YEAR <= y1 <= y2 <= MAX_YEAR):
        return None
    return Val(dt.date(y1, 1, 1), dt.date(y2, 12, 31), precision)


def season(y: int, first_month: int) -> Val | None:
    """Spring = Mar..May, summer = Jun..Aug, autumn = Sep..Nov of `y`; winter = Dec y..Feb y+1."""
    if first_month == 12:
        return months(y, 12, y + 1, 2, P.SEASON)
    return months(y, first_month, y, first_month + 2, P.SEASON)


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


# Parts of a year (docs/dates.md): early = Jan..Apr, mid = May..Aug, late = Sep..Dec.
YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12),
              "h1": (1, 6), "h2": (7, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}
# Parts of a month: days 1..10 / 11..20 / 21..last.
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Parts of a decade (years) and of a century (years into it).
DECADE_PARTS = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
CENTURY_PARTS = {"early": (0, 32), "mid": (33, 66), "late": (67, 99), "h1": (0, 49), "h2": (50, 99)}


def year_part(y: int, part: str) -> Val | None:
    m1, m2 = YEAR_PARTS[part]
    return months(y, m1, y, m2, P.PART)


def month_part(y: int, m: int, part: str) -> Val | None:
    whole = month(y, m)
    if whole is None:
        return None
    d1, d2 = MONTH_PARTS[part]
    return Val(whole.earliest.replace(day=d1), whole.latest.replace(day=min(d2, whole.latest.day)), P.PART)


def decade(start: int, part: str | None = None) -> Val | None:
    if part is None:
        return years(start, start + 9, P.DECADE)
    a, b = DECADE_PARTS[part]
    return years(start + a, start + b, P.PART)


def century(n: int, part: str | None = None) -> Val | None:
    """The n-th century AD as docs/dates.md counts it: the 20th is 1900..1999."""
    if not 2 <= n <= 21:
        return None
    start = (n - 1) * 100
    if part is None:
        return years(start, start + 99, P.CENTURY)
    a, b = CENTURY_PARTS[part]
    return years(start + a, start + b, P.PART)


def single_year(v: Val) -> int | None:
    """The year an interval lies in, if one; a winter (Dec..Feb) counts as the year it starts in."""
    if v.earliest is None or v.latest is None:
        return None
    if v.earliest.year == v.latest.year:
        return v.earliest.year
    if v.precision == P.SEASON:
        return v.earliest.year
    return None


def single_month(v: Val) -> tuple[int, int] | None:
    if v.earliest is None or v.latest is None:
        return None
    if (v.earliest.year, v.earliest.month) == (v.latest.year, v.latest.month):
        return v.earliest.year, v.earliest.month
    return None


UNIT_RANK = {"day": 0, "week": 1, "fortnight": 1, "month": 2, "year": 4, "decade": 5, "century": 6}


def coarser(a: Precision, b: Precision) -> Precision:
    return a if RANK[a] >= RANK[b] else b


def _shift_days(x: dt.date, n: int) -> dt.date | None:
    try:
        return x + dt.timedelta(days=n)
    except OverflowError:
        return None


def shift(v: Val, n: int, unit: str) -> Val | None:
    """`v` moved by n units ("two days later": n=2, unit="day"; "earlier": n<0).

    A range is counted from its end going forward and from its start going back ("two years
    after 1939-45" is 1947). The result has the unit's precision when it is one unit long,
    else the anchor's (two days after "June 1941" is not a day).
    """
    if v.earliest is None or v.latest is None:
        return None
    if abs(n) == FEW:
        return None  # callers handle "a few" with few_shift
    if v.precision == P.RANGE:
        if unit in ("day", "week", "fortnight") and (v.latest - v.earliest).days > 31:
            return None
    elif RANK[v.precision] > UNIT_RANK[unit] and not (unit == "month" and v.precision in (P.PART, P.SEASON)):
        return None  # "two weeks later" after "1941" names no time we could state
    e, l = v.earliest, v.latest
    if v.precision == P.RANGE:
        e = l = (l if n >= 0 else e)
    if unit in ("day", "week", "fortnight"):
        k = {"day": 1, "week": 7, "fortnight": 14}[unit] * n
        ne, nl = _shift_days(e, k), _shift_days(l, k)
        if ne is None or nl is None:
            return None
        return Val(ne, nl, P.DAY if ne == nl else coarser(P.DAY, v.precision))
    if unit == "month":
        y1, m1 = add_months(e.year, e.month, n)
        y2, m2 = add_months(l.year, l.month, n)
        r = months(y1, m1, y2, m2, P.MONTH)
        if r is None:
            return None
        return r if (y1, m1) == (y2, m2) else r._replace(precision=coarser(P.MONTH, v.precision))
    if unit in ("year", "decade", "century"):
        k = {"year": 1, "decade": 10, "century": 100}[unit] * n
        r = years(e.year + k, l.year + k, P.YEAR)
        if r is None:
            return None
        return r if e.year == l.year else r._replace(precision=coarser(P.YEAR, v.precision))
    return None


def few_shift(v: Val, unit: str, sign: int) -> Val | None:
    """"a few days later": anchor + 2 .. anchor + 7 units (docs/dates.md); "earlier" mirrors it."""
    lo, hi = (2, 7) if sign > 0 else (-7, -2)
    a, b = shift(v, lo, unit), shift(v, hi, unit)
    if a is None or b is None:
        return None
    unit_p = {"day": P.DAY, "week": P.DAY, "fortnight": P.DAY, "month": P.MONTH}.get(unit, P.YEAR)
    return Val(a.earliest, b.latest, coarser(unit_p, v.precision) if v.precision != P.RANGE else unit_p)


def next_season(after: dt.date, first_month: int) -> Val | None:
    """The first season of that name that begins after `after`."""
    for y in (after.year - 1, after.year, after.year + 1):
        s = season(y, first_month)
        if s is not None and s.earliest > after:
            return s
    return None


def previous_season(before: dt.date, first_month: int) -> Val | None:
    """The last season of that name that ends before `before`."""
    for y in (before.year, before.year - 1, before.year - 2):
        s = season(y, first_month)
        if s is not None and s.latest < before:
            return s
    return None


def season_of(v: Val, first_month: int) -> Val | None:
    """"that winter", "in the autumn": the season of the anchor's year; a winter met in January or
    February is the one that began the December before."""
    y = single_year(v)
    if y is None:
        return None
    if first_month == 12 and v.precision != P.SEASON and v.latest is not None and v.latest.month <= 2:
        y -= 1
    return season(y, first_month)


def week_of(x: dt.date) -> Val:
    monday = x - dt.timedelta(days=x.weekday())
    return Val(monday, monday + dt.timedelta(days=6), P.WEEK)
