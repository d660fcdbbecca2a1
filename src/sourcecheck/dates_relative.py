"""Readers of relative expressions: offsets ("two days later"), relative words ("the next day",
"that year"), phrases of the document date ("last year") and of wars ("after the war")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_calendar import Val
from .dates_lexicon import FEW, SEASONS, month_number
from .dates_periods import PART_OF_WORDS
from .dates_text import (DETERMINERS, THE, Item, Scanner, extend_left, glued, number_before, prev_word,
                         word_before)
from .types import Precision

P = Precision


def unit_name(word: str) -> str:
    w = word.lower()
    return "century" if w.startswith("centur") else w.rstrip("s")


def offset_fn(n: int, unit: str, sign: int) -> Callable[[Val], Val | None]:
    if n == FEW:
        return lambda a: cal.few_shift(a, unit, sign)
    return lambda a: cal.shift(a, sign * n, unit)


def scan_relative(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.at(pt.REL_N, pt.T_REL_N):
        if glued(text, m.start()):
            continue
        nb = number_before(text, m.start())
        if nb is None or prev_word(text, nb[1]) in ("for", "within", "over", "in", "every", "than"):
            continue  # "for two years afterwards" is a duration
        n, num_start = nb
        if n is None or n == 0:
            continue
        unit, d = unit_name(m.group("unit")), m.group("dir").lower()
        if d == "ago":
            out.append(Item(num_start, m.end(), "doc", fn=offset_fn(n, unit, -1)))
            continue
        sign = -1 if d.startswith(("earlier", "before", "previously")) else 1
        out.append(Item(num_start, m.end(), "rel", fn=offset_fn(n, unit, sign)))
    for m in sc.finditer(pt.REL_W, pt.T_WORD):
        fn = None if glued(text, m.start()) else _rel_word(m)
        if fn is not None:
            out.append(Item(m.start(), m.end(), "rel", fn=fn))
    for m in sc.finditer(pt.REL_PART, pt.T_WORD):
        if not glued(text, m.start()):
            part = PART_OF_WORDS.get(m.group("pos").lower())
            if part is None:
                continue
            fn = _month_part_of if m.group("u") == "month" else _year_part_of
            out.append(Item(m.start(), m.end(), "rel", fn=lambda a, part=part, fn=fn: fn(a, part)))
    for m in sc.at(pt.REL_OF_YEAR, pt.T_SEASON, pt.T_MONTH):
        name = m.group("name").lower()
        if glued(text, m.start()) or (name not in SEASONS and month_number(m.group("name")) is None):
            continue
        which = m.group("which").split()[-1].lower()
        sign = {"following": 1, "next": 1, "previous": -1, "preceding": -1}.get(which, 0)
        out.append(Item(extend_left(text, m.start(), THE), m.end(), "rel",
                        fn=lambda a, name=name, sign=sign: _of_year(a, name, sign)))
    for m in sc.finditer(pt.DOC_REL, pt.T_WORD):
        if glued(text, m.start()):
            continue
        if m.group("u") and (prev_word(text, m.start()) in DETERMINERS or
                                 prev_word(text, m.start()).endswith(("'s", "’s"))):
            continue  # "the last year of the war" is not last year
        word = m.group("word").lower()
        if word not in DOC_WORDS:
            continue  # the pattern's opening class also admits "text", "Nast", "Yast"
        if word in ("this", "last", "next") and not m.group("u"):
            continue
        fn = _doc_word(m)
        if fn is not None:
            out.append(Item(m.start(), m.end(), "doc", fn=fn))
    return out


def _of_year(a: Val, name: str, sign: int) -> Val | None:
    """"the autumn of that year" (sign 0), "June of the following year" (sign 1)."""
    y = cal.single_year(a)
    if y is None:
        return None
    if name in SEASONS:
        return cal.season(y + sign, SEASONS[name])
    return cal.month(y + sign, month_number(name))


def _month_part_of(a: Val, part: str) -> Val | None:
    ym = cal.single_month(a)
    return cal.month_part(ym[0], ym[1], part) if ym else None


def _year_part_of(a: Val, part: str) -> Val | None:
    y = cal.single_year(a)
    return cal.year_part(y, part) if y is not None else None


def _step(a: Val, unit: str, sign: int) -> Val | None:
    """The next/previous day, week, month, year or season after/before the anchor."""
    if unit in ("day", "morning", "evening", "night"):
        return cal.shift(a, sign, "day") if a.precision == P.DAY else None
    if unit == "week":
        if a.precision != P.DAY:
            return None
        return cal.week_of(a.earliest + dt.timedelta(days=7 * sign))
    if unit == "month":
        ym = cal.single_month(a)
        return cal.month(*cal.add_months(ym[0], ym[1], sign)) if ym else None
    if unit == "year":
        y = cal.single_year(a)
        return cal.year(y + sign) if y is not None else None
    first = SEASONS[unit]
    return cal.next_season(a.latest, first) if sign > 0 else cal.previous_season(a.earliest, first)


def _same(a: Val, unit: str) -> Val | None:
    if unit == "day":
        return a
    if unit in ("night", "morning", "evening"):
        return a if a.precision == P.DAY else None
    if unit == "month":
        ym = cal.single_month(a)
        return cal.month(*ym) if ym else None
    if unit == "year":
        y = cal.single_year(a)
        return cal.year(y) if y is not None else None
    return cal.season_of(a, SEASONS[unit])


def _rel_word(m: re.Match[str]) -> Callable[[Val], Val | None] | None:
    if m.group("dirw"):
        sign = 1 if m.group("dirw").lower() in ("next", "following", "subsequent") else -1
        unit = m.group("u1").lower()
        return lambda a: _step(a, unit, sign)
    if m.group("u2"):
        sign = 1 if m.group("dir2").lower() == "after" else -1
        unit = m.group("u2").lower()
        return lambda a: _step(a, unit, sign)
    if m.group("det") == "e" and not m.group("same"):
        return None  # "the day" alone is no date
    unit = m.group("u3").lower()
    return lambda a: _same(a, unit)


DOC_WORDS = frozenset({"today", "yesterday", "tomorrow", "this", "last", "next"})


def _doc_word(m: re.Match[str]) -> Callable[[Val], Val | None] | None:
    w = m.group("word").lower()
    if w == "today":
        return lambda d: d if d.precision != P.DAY or d.earliest == d.latest else None
    if w in ("yesterday", "tomorrow"):
        sign = 1 if w == "tomorrow" else -1
        return lambda d: cal.shift(d, sign, "day") if d.precision == P.DAY else None
    which, unit = w, m.group("u").lower()
    sign = {"this": 0, "last": -1, "next": 1}[which]
    if unit == "century":
        def century(d: Val) -> Val | None:
            y = cal.single_year(d)
            return cal.century(y // 100 + 1 + sign) if y is not None else None
        return century
    if sign == 0:
        if unit == "week":
            return lambda d: cal.week_of(d.earliest) if d.precision == P.DAY else None
        return lambda d: _same(d, unit)
    return lambda d: _step(d, unit, sign)


# ---- wars ----

def _war_id(name: str) -> str:
    return next(war_id for rx, war_id in pt.WAR_IDS if rx.fullmatch(name))


_WAR_OPS = {"after", "before", "during", "throughout", "since", "until", "till", "by", "up to"}


def scan_wars(sc: Scanner) -> tuple[list[Item], list[tuple[int, int, str]]]:
    """Items for "after the war" and its kind, and every war named (the context of "the war")."""
    text = sc.text
    mentions = []
    for m in sc.finditer(pt.WAR_NAME, pt.T_WAR):
        if not glued(text, m.start()):
            mentions.append((extend_left(text, m.start(), THE), m.end(), _war_id(m.group())))
    items = []
    for m in sc.finditer(pt.WAR_OP, pt.T_WAR):
        if glued(text, m.start()):
            continue
        op = " ".join(m.group("op").lower().split())
        if op not in _WAR_OPS:
            continue
        edge = (m.group("edge") or "").lower()
        if not edge and pt.WAR_BEGAN.match(text, m.end()):
            edge = "start"  # "after the war began"
        if op in ("since", "until", "till", "up to", "by") and not edge:
            continue  # "by the war" is an agent; "since the war" is unclear (began or ended?)
        if op in ("during", "throughout") and edge:
            continue
        wid = None
        if m.group("named"):
            nm = pt.WAR_NAME.search(m.group("named"))
            if nm is None:
                continue
            wid = _war_id(nm.group())
        start, offset = m.start(), None
        if op in ("after", "before"):
            # "two years after the war": a shifted point, not an open interval
            unit, us = word_before(text, start)
            nb = number_before(text, us) if unit_name(unit) in cal.UNIT_RANK else None
            if nb and nb[0] and nb[0] != FEW:
                n = nb[0]
                start, offset = nb[1], (n if op == "after" else -n, unit_name(unit))
        items.append(Item(start, m.end(), "war", op=op,
                          data={"edge": edge, "war": wid, "offset": offset,
                                "name_at": m.start("named") if wid else None,
                                "name_end": m.end("named") if wid else None}))
    return items, mentions


def war_val(op: str, edge: str, start: dt.date, end: dt.date,
            offset: tuple[int, str] | None = None) -> Val | None:
    point = end if edge in ("end", "close") else start if edge else None
    if offset is not None:
        base = point or (end if op == "after" else start)
        return cal.shift(Val(base, base, P.DAY), offset[0], offset[1])
    if op == "after":
        return Val((point or end) + cal.ONE_DAY, None, P.OPEN)
    if op == "before":
        return Val(None, (point or start) - cal.ONE_DAY, P.OPEN)
    if op in ("during", "throughout"):
        return Val(start, end, P.RANGE)
    if op == "since":
        return Val(point, None, P.OPEN)
    return Val(None, point, P.OPEN)  # until, till, up to, by
