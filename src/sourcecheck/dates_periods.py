"""Readers of periods: parts of years and months, decades, centuries, seasons."""

from __future__ import annotations

import itertools

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_calendar import Val
from .dates_lexicon import CENTURY_WORDS, DECADE_WORDS, SEASONS, month_number, parse_ordinal
from .dates_text import THE, Item, Scanner, extend_left, glued, glued_number, prev_word, word_before
from .types import Precision

P = Precision


# "the end of 1943" and its kin -> the part of docs/dates.md they name (see dates_calendar).
PART_OF_WORDS = {
    "beginning": "early", "start": "early", "outset": "early", "early part": "early",
    "first months": "early", "early months": "early", "middle": "mid", "end": "late", "close": "late",
    "latter part": "late", "later part": "late", "last months": "late", "closing months": "late",
    "final months": "late", "first half": "h1", "second half": "h2", "latter half": "h2",
    "first quarter": "q1", "second quarter": "q2", "third quarter": "q3", "fourth quarter": "q4",
    "last quarter": "q4", "final quarter": "q4",
}


def scan_parts(sc: Scanner) -> list[Item]:
    out: list[Item] = []
    text = sc.text
    for m in sc.at(pt.EARLY_LATE, pt.T_EARLY):
        if glued(text, m.start()):
            continue
        part = m.group("pp").lower()
        if part not in cal.MONTH_PARTS:
            continue  # the pattern's opening class also admits "mate", "date", "rate"
        if m.group("y"):
            v = cal.year_part(int(m.group("y")), part)
            if v:
                out.append(Item(m.start(), m.end(), "abs", v))
            continue
        mo = month_number(m.group("m"))
        out.append(_month_part_item(m.start(), m.end(), mo, part, m.group("my")))
    for m in sc.finditer(pt.PART_OF, pt.T_PART):
        if glued(text, m.start()):
            continue
        part = PART_OF_WORDS.get(" ".join(m.group("pos").lower().split()))
        if part is None:
            continue
        v: Val | None = None
        if m.group("y"):
            v = cal.year_part(int(m.group("y")), part)
        elif m.group("n"):
            n = parse_ordinal(m.group("n"))
            v = cal.century(n, part) if n and part in cal.CENTURY_PARTS else None
        elif m.group("dec"):
            start, halves = int(m.group("dec")), {"h1": (0, 4), "h2": (5, 9)}
            if part in halves:
                v = cal.years(start + halves[part][0], start + halves[part][1], P.PART)
            elif part in cal.DECADE_PARTS:
                v = cal.decade(start, part)
        elif m.group("m"):
            mo = month_number(m.group("m"))
            if part in cal.MONTH_PARTS or part in ("h1", "h2"):
                out.append(_month_part_item(m.start(), m.end(), mo, part, m.group("my")))
            continue
        if v:
            out.append(Item(m.start(), m.end(), "abs", v))
    return out


def _month_part(y: int, mo: int, part: str) -> Val | None:
    if part in ("h1", "h2"):
        whole = cal.month(y, mo)
        if whole is None:
            return None
        lo, hi = (1, 15) if part == "h1" else (16, whole.latest.day)
        return Val(whole.earliest.replace(day=lo), whole.latest.replace(day=hi), P.PART)
    return cal.month_part(y, mo, part)


def _month_part_item(s: int, e: int, mo: int, part: str, y: str | None) -> Item:
    if y is not None:
        return Item(s, e, "abs", _month_part(int(y), mo, part))
    return Item(s, e, "partial", fn=lambda yy, mo=mo, part=part: _month_part(yy, mo, part))


_PART_HYPHEN = frozenset({"mid-", "early-", "late-"})
_PARTS = {"early": "early", "mid": "mid", "middle": "mid", "late": "late"}


def _part_and_the(text: str, start: int) -> tuple[str | None, int, bool]:
    """Before a decade or century: an optional "early"/"mid-"/"late", then an optional "the".
    Returns (the part, the new start, whether "the" was there)."""
    w, ws = word_before(text, start)
    part = _PARTS.get(w.rstrip("-"))
    if part:
        start = ws
    w, ws = word_before(text, start)
    return part, (ws if w == "the" else start), w == "the"


def scan_decades(sc: Scanner) -> list[Item]:
    out: list[Item] = []
    text = sc.text
    for m in itertools.chain(sc.finditer(pt.DECADE_NUM, pt.T_DECADE), sc.finditer(pt.DECADE_WORD, pt.T_DECADE)):
        word = m.re is pt.DECADE_WORD
        if word:
            if glued(text, m.start()):
                continue
            d = DECADE_WORDS.get(m.group("word").lower())
            if d is None:
                continue  # the pattern's opening class also admits "sorties", "parties"
            w, ws = word_before(text, m.start())
            cent = CENTURY_WORDS.get(w.rstrip("-"))  # "the nineteen-thirties"
            s0 = ws if cent else m.start()
        else:
            lead, rest = m.group("lead"), m.group("rest")
            if lead in "12":
                stuck = glued_number(text, m.start()) and prev_word(text, m.start()) not in _PART_HYPHEN
                if stuck or len(rest) != 3 or rest[2] != "0" or not (lead == "1" or rest[0] == "0"):
                    continue
                cent, d, s0 = int(lead + rest) // 100 * 100, int(rest[1:]), m.start()
            else:  # "'30s"
                if len(rest) != 2 or rest[1] != "0" or glued(text, m.start()):
                    continue
                cent, d, s0 = None, int(rest), m.start()
        part, start, has_the = _part_and_the(text, s0)
        if word and cent is None and not has_the:
            continue  # "in his thirties" is an age: a decade word needs "the"
        if cent is not None and d == 0 and cent != 2000 and not word:
            v = cal.century(cent // 100 + 1, part)  # "the 1800s" is a century; "the 2000s" a decade
        elif cent is not None:
            v = cal.decade(cent + d, part)
        else:
            # "the thirties" needs a century from the context (docs/dates.md); "the '30s", written
            # as an abbreviated year, falls back on the 1900s when the text gives none
            out.append(Item(start, m.end(), "decade", fn=lambda base, d=d, part=part: cal.decade(base + d, part),
                            data={"default": None if word else 1900}))
            continue
        if v:
            out.append(Item(start, m.end(), "abs", v))
    for m in itertools.chain(sc.finditer(pt.CENTURY_NUM, pt.T_CENTURY), sc.finditer(pt.CENTURY_WORD, pt.T_CENTURY)):
        if m.group("bc") or glued(text, m.start()):
            continue
        n = parse_ordinal(m.group("n"))
        part, start, _ = _part_and_the(text, m.start())
        if n is None:
            continue
        if m.group("n2"):
            n2 = parse_ordinal(m.group("n2"))
            a, b = cal.century(n), cal.century(n2) if n2 else None
            v = Val(a.earliest, b.latest, P.RANGE) if a and b and n2 > n and not part else None
        else:
            v = cal.century(n, part)
        if v:
            out.append(Item(start, m.end(), "abs", v))
    return out


_SEASON_CTX = {"in", "during", "by", "until", "till", "since", "through", "throughout", "before",
               "after", "early", "late", "mid", "mid-", "of"}


def scan_seasons(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.at(pt.SEASON_Y, pt.T_SEASON):
        s1 = SEASONS.get(m.group("s1").lower())
        if s1 is None or glued(text, m.start()):
            continue
        start = extend_left(text, m.start(), THE)
        y = int(m.group("y"))
        if m.group("s2"):
            s2 = SEASONS.get(m.group("s2").lower())
            if s2 is None:
                continue
            a, b = cal.season(y, s1), cal.season(y, s2)
            if a and b and a.earliest > b.earliest:
                a = cal.season(y - 1, s1)
            if a and b and s1 != s2:
                out.append(Item(start, m.end(), "abs", Val(a.earliest, b.latest, P.RANGE)))
            continue
        end = m.end()
        if m.group("y2"):
            raw = m.group("y2")
            y2 = int(raw) if len(raw) == 4 else y // 100 * 100 + int(raw)
            if not (s1 == 12 and y2 == y + 1):
                end = m.end("y")
        v = cal.season(y, s1)
        if v:
            out.append(Item(start, end, "abs", v))
    for m in sc.at(pt.SEASON_BARE, pt.T_SEASON):
        s1 = SEASONS.get(m.group("s").lower())
        if s1 is None or s1 == 9 and m.group("s").lower() == "fall" or glued(text, m.start()):
            continue
        start = extend_left(text, m.start(), THE)
        if prev_word(text, start) not in _SEASON_CTX:
            continue
        out.append(Item(start, m.end(), "partial", fn=lambda y, s1=s1: cal.season(y, s1),
                        winter=s1 == 12))
    return out
