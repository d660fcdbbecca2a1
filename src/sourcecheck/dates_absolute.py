"""Readers of absolute dates: years, days, months and the ranges made of them.

Each `scan_*` turns the matches of its patterns (dates_patterns) into `Item`s, checking in code
what the patterns leave open: what precedes a match, a leading "the"/"from"/"between"/"c.",
whether a bare number reads as a year.
"""

from __future__ import annotations

import itertools
import re

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_calendar import Val
from .dates_lexicon import ORDINALS, month_number, parse_ordinal
from .dates_text import (THE, Item, Scanner, extend_left, glued_number, is_count, next_word, prev_word,
                         word_before, year_reads_as_year)
from .types import Precision

P = Precision


def _year_item(s: int, e: int, y: int) -> Item | None:
    v = cal.year(y)
    return Item(s, e, "abs", v) if v else None


def scan_years(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    years: set[int] = set()  # ends of the years read so far, for lists of years
    for m in sc.at(pt.YEAR_LED, pt.T_DIGIT):
        if m.start() in sc.years_taken and m.end() == m.end("y1"):
            continue  # the year of "22 June 1941": the longer reading wins anyway
        if glued_number(text, m.start()):
            continue
        post = (m.group("post") or "").strip()
        if post.startswith("B"):
            continue  # years BC are not supported: nothing
        y1 = int(m.group("y1"))
        # "c. 1920", "circa 1920", "AD 1941" belong to the year
        w, ws = word_before(text, m.start())
        circa = w in ("c.", "ca.", "circa") or text[ws:m.start()].strip() in ("AD", "A.D.")
        s1 = ws if circa else m.start()
        tail_end = m.end("y2") if m.group("y2") else m.end("y2b") if m.group("y2b") else -1
        if tail_end > 0:
            y2 = _range_end(m, y1)
            frm, fs = word_before(text, s1)
            conn = (m.group("conn") or "").lower()
            ok = y2 is not None and not is_count(next_word(text, tail_end))
            if ok and conn == "and":
                ok = frm == "between"
            elif ok and conn:
                ok = frm == "from" or year_reads_as_year(text, m.start(), m.end("y1"))
            if ok and pt.PRE_PAGE.search(text, max(0, s1 - 12), s1):
                ok = False
            if ok:
                v = cal.years(y1, y2, P.RANGE)
                if v:
                    end = m.end() if post else tail_end
                    out.append(Item(fs if frm in ("from", "between") else s1, end, "abs", v))
                    continue
            post = ""
        e1 = m.end() if post else m.end("y1")
        if circa or post or year_reads_as_year(text, m.start(), m.end("y1"), years):
            it = _year_item(s1, e1, y1)
            if it:
                out.append(it)
                years.add(m.end("y1"))
        if tail_end > 0 and m.group("y2b") and year_reads_as_year(text, m.start("y2b"), m.end("y2b"), years):
            it = _year_item(m.start("y2b"), m.end("y2b"), int(m.group("y2b")))  # "in 1939 and 1945"
            if it:
                out.append(it)
                years.add(m.end("y2b"))
    return out


def _range_end(m: re.Match[str], y1: int) -> int | None:
    raw = m.group("y2") or m.group("y2b")
    if len(raw) == 4:
        y2 = int(raw)
    elif len(raw) == 2:
        y2 = y1 // 100 * 100 + int(raw)
    else:
        y2 = y1 // 10 * 10 + int(raw)
    if not (y1 < y2 <= 2100 and y2 - y1 <= 200):
        return None
    if m.group("dash") and "/" in m.group("dash") and y2 != y1 + 1:
        return None  # "1941/42" is a winter or a season; "1941/1950" is not a range we trust
    return y2


def _valid_day(mo: int, d: int) -> bool:
    return 1 <= d <= cal.last_day(2000, mo)  # 2000 is a leap year: 29 February may be right


def _day_item(s: int, e: int, mo: int, d: int, y: str | None) -> Item | None:
    if not _valid_day(mo, d):
        return None
    if y is not None:
        v = cal.day(int(y), mo, d)
        return Item(s, e, "abs", v) if v else None
    return Item(s, e, "partial", fn=lambda yy, mo=mo, d=d: cal.day(yy, mo, d), key=(mo, d))


def scan_days(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.at(pt.DAY_NUM, pt.T_DIGIT):
        if glued_number(text, m.start()):
            continue
        mo = month_number(m.group("m"))
        it = _day_item(extend_left(text, m.start(), THE), m.end(), mo, int(m.group("d")), m.group("y"))
        if it:
            out.append(it)
            if m.group("y"):
                sc.years_taken.add(m.start("y"))
    for m in itertools.chain(sc.at(pt.ISO_DAY, pt.T_DIGIT), sc.at(pt.DOTTED_DAY, pt.T_DIGIT)):
        if glued_number(text, m.start()):
            continue
        if m.re is pt.ISO_DAY:
            v = cal.day(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        else:
            d, mo = int(m.group("d")), int(m.group("m"))
            if mo > 12 and d <= 12 and m.group("sep") == "/":
                d, mo = mo, d  # 6/22/1941 can only be month first
            v = cal.day(int(m.group("y")), mo, d)
        if v:
            out.append(Item(m.start(), m.end(), "abs", v))
    return out


_FROM = frozenset({"from", "between"})
_MONTH_CTX = {"in", "of", "since", "until", "till", "by", "from", "to", "during", "before", "after",
              "early", "late", "mid", "mid-", "through", "throughout", "between", "around"}
_MAY_CTX = {"in", "of", "early", "late", "mid", "mid-"}
_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"}


def _ordinal_of_before(text: str, pos: int) -> tuple[int, int] | None:
    """"the first of", "the twenty-second of" right before a month: (the day, where "the" starts).
    An ordinal word needs "the" ("first of May" alone is not read)."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if text[max(0, i - 3):i] not in (" of", "\nof"):
        return None  # the common case, settled without reading words
    w, s = word_before(text, i - 2)
    d = ORDINALS.get(w)
    w2, s2 = word_before(text, s)
    if w2 in ("twenty", "thirty") and ORDINALS.get(f"{w2}-{w}"):
        d, (w2, s2) = ORDINALS[f"{w2}-{w}"], word_before(text, s2)
    if d is None or w2 != "the":
        return None
    return d, s2


def scan_months(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.at(pt.MONTH_LED, pt.T_MONTH):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "-"):
            continue
        name = m.group("m")
        mo = month_number(name)
        if m.group("d"):
            it = _day_item(m.start(), m.end(), mo, parse_ordinal(m.group("d")), m.group("y1"))
            if it:
                out.append(it)
                if m.group("y1"):
                    sc.years_taken.add(m.start("y1"))
            continue
        word_day = _ordinal_of_before(text, m.start())  # "the first of May 1945"
        if word_day is not None:
            it = _day_item(word_day[1], m.end(), mo, word_day[0], m.group("y2"))
            if it:
                out.append(it)
        if m.group("y2"):
            v = cal.month(int(m.group("y2")), mo)
            if v:
                out.append(Item(m.start(), m.end(), "abs", v))
                sc.years_taken.add(m.start("y2"))
            continue
        if name.lower() not in _FULL_MONTHS:
            continue  # an abbreviation alone ("Mar", "Dec") is not read as a month
        word = prev_word(text, m.start())
        listed = mo != 5 and pt.MONTH_LIST_BEFORE.search(text, max(0, m.start() - 20), m.start()) is not None
        if word in (_MAY_CTX if mo == 5 else _MONTH_CTX) or listed:
            out.append(Item(m.start(), m.end(), "partial", fn=lambda y, mo=mo: cal.month(y, mo)))
    return out


def scan_ranges(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.at(pt.MONTH_RANGE, pt.T_MONTH):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "-"):
            continue
        m1, m2 = month_number(m.group("m1")), month_number(m.group("m2"))
        frm, fs = word_before(text, m.start())
        conn_and = " and " in text[m.end("m1"):m.start("m2")]
        if m1 == m2 or (conn_and and frm == "from"):
            continue
        start = fs if frm in _FROM else m.start()

        def f(y: int, m1: int = m1, m2: int = m2) -> Val | None:
            return cal.months(y - 1 if m1 > m2 else y, m1, y, m2, P.RANGE)

        if m.group("y"):
            v = f(int(m.group("y")))
            if v:
                out.append(Item(start, m.end(), "abs", v, prio=1))
        elif frm in _FROM:
            out.append(Item(start, m.end(), "partial", fn=f, prio=1))
    for pat, trig in ((pt.DAY_RANGE, pt.T_DIGIT), (pt.MONTH_DAY_RANGE, pt.T_MONTH)):
        for m in sc.at(pat, trig):
            if glued_number(text, m.start()) and pat is pt.DAY_RANGE:
                continue
            d1, d2 = parse_ordinal(m.group("d1")), parse_ordinal(m.group("d2"))
            mo = month_number(m.group("m"))
            if not d1 or not d2 or not d1 < d2 or not _valid_day(mo, d2):
                continue
            start = m.start()
            if pat is pt.DAY_RANGE:
                start = extend_left(text, extend_left(text, start, THE), _FROM)

            def g(y: int, mo: int = mo, d1: int = d1, d2: int = d2) -> Val | None:
                a, b = cal.day(y, mo, d1), cal.day(y, mo, d2)
                return Val(a.earliest, b.latest, P.RANGE) if a and b else None

            if m.group("y"):
                v = g(int(m.group("y")))
                if v:
                    out.append(Item(start, m.end(), "abs", v, prio=1))
            else:
                out.append(Item(start, m.end(), "partial", fn=g, key=(mo, d1), prio=1))
    return out
