"""First pass of the temporal tagger: every pattern match becomes a candidate `Item`.

An item knows its span and how to become an interval: at once (`abs`), given a year (`partial`:
"22 June"), given a century (`decade`: "the thirties"), given an anchor date (`rel`: "two days
later"), given the document date (`doc`: "last year") or given a war (`war`: "after the war").
Which candidates survive, and what they are anchored to, is decided in `sourcecheck.dates`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_calendar import Val
from .dates_lexicon import (CENTURY_WORDS, COUNT_NOUNS, DECADE_WORDS, FEW, SEASONS, month_number,
                            parse_number, parse_ordinal)
from .types import Precision

P = Precision


@dataclass(eq=False, slots=True)
class Item:
    start: int
    end: int
    kind: str  # abs | partial | decade | rel | doc | war | op | range
    val: Val | None = None  # abs
    fn: Callable[..., Val | None] | None = None  # how a partial/decade/rel/doc/war item resolves
    key: tuple[int, int] | None = None  # (month, day) of a year-less day, to match "22 June 1941" before it
    winter: bool = False  # a year-less winter met in Jan/Feb is the one begun the December before
    inner: "Item | None" = None  # op: the date it applies to; range: the first end
    inner2: "Item | None" = None  # range: the second end
    op: str = ""
    data: dict[str, Any] | None = None
    prio: int = 0

    @property
    def simple(self) -> bool:
        """Absolute or year-less dates: what ranges are made of."""
        return self.kind in ("abs", "partial", "decade")


def _span(m: re.Match[str], *groups: str) -> int:
    """Start of the first group present (to drop an optional "the"/"from" the reading did not need)."""
    for g in groups:
        if m.group(g) is not None:
            return m.start(g)
    return m.start()


_clusters: dict[int, re.Pattern[str]] = {}
_WORD_TAIL = re.compile(r"\w*")


def _cluster(trigger: tuple[re.Pattern[str], int, int]) -> re.Pattern[str]:
    """The trigger repeated across gaps short enough for its windows to merge: in dense text one
    match covers a whole run of dates, and the window loop below runs once for it."""
    key = id(trigger)
    if key not in _clusters:
        rx, back, fwd = trigger
        _clusters[key] = re.compile(rf"(?:{rx.pattern})(?:[\s\S]{{0,{back + fwd}}}?(?:{rx.pattern}))*")
    return _clusters[key]


class Scanner:
    """Runs each pattern only in the windows of text around its trigger (see dates_patterns)."""

    def __init__(self, text: str):
        self.text = text
        self._windows: dict[int, list[tuple[int, int]]] = {}
        self.years_taken: set[int] = set()  # years read inside a day or month ("22 June 1941")

    def _windows_of(self, trigger: tuple[re.Pattern[str], int, int]) -> list[tuple[int, int]]:
        key = id(trigger)
        if key not in self._windows:
            rx, back, fwd = trigger
            text, n = self.text, len(self.text)
            out: list[tuple[int, int]] = []
            for m in _cluster(trigger).finditer(text):
                lo, hi = max(0, m.start() - back), min(n, m.end() + fwd)
                if out and lo <= out[-1][1]:
                    out[-1] = (out[-1][0], max(hi, out[-1][1]))
                else:
                    out.append((lo, hi))
            # A window may start inside a word (every reader checks what precedes a match) but
            # must not end inside one, or "1941" could be read as "19".
            self._windows[key] = [(lo, _WORD_TAIL.match(text, hi).end()) for lo, hi in out]
        return self._windows[key]

    def finditer(self, pattern: re.Pattern[str], *triggers: tuple[re.Pattern[str], int, int]):
        wins = sorted(w for t in triggers for w in self._windows_of(t))
        merged: list[tuple[int, int]] = []
        for lo, hi in wins:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        for lo, hi in merged:
            yield from pattern.finditer(self.text, lo, hi)


# ---- context of a bare year (docs/dates.md, "What is not a date") ----

_STRONG = {"in", "since", "until", "till", "til", "during", "throughout", "circa", "c.", "ca.", "year",
           "years", "early", "late", "mid", "mid-", "spring", "summer", "autumn", "fall", "winter",
           "ad", "a.d."}
_WEAK = {"of", "by", "from", "to", "between", "after", "before", "around", "about", "through", "than",
         "for", "(", "[", "as", "up"}
_DET = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these", "those", "whose"}
_PAGE_WORDS = {"p.", "pp.", "page", "pages", "no.", "nos.", "nr.", "vol.", "vols.", "art.", "article",
               "section", "sec.", "chapter", "ch.", "fig.", "figure", "table", "note", "notes", "line",
               "lines", "para.", "paragraph", "number", "item", "p", "pp"}
_NOT_PLURAL = {"onwards", "afterwards", "towards", "backwards", "was", "has", "is", "as", "this", "his",
               "its", "us", "thus", "always", "perhaps", "whereas", "becomes", "remains"}


def _is_count(next_word: str) -> bool:
    """"1941 soldiers", "1500 km": a number followed by a plural noun of counted things or a unit."""
    w = next_word.lower()
    if w in COUNT_NOUNS or w in ("%", "percent", "per"):
        return True
    return (next_word[:1].islower() and len(w) > 3 and w.endswith("s") and w not in _NOT_PLURAL
            and not w.endswith(("ss", "us", "is", "'s", "’s")))


def _next_word(text: str, pos: int) -> str:
    m = pt.NEXT_WORD.match(text, pos)
    return m.group(1) if m else ""


# The word before a position is read by matching forward in the reversed text: one anchored
# match instead of a search. The reversed copy of the text being tagged is kept here.
_WORD_REV = re.compile(r"\s*(?:([(\[])|((?:[^\W\d_]|[.'’-]){1,40}))")
_reversed: tuple[str, str, dict[int, tuple[str, int]]] = ("", "", {})


def word_before(text: str, pos: int) -> tuple[str, int]:
    """The word before `pos`, lower-cased ("in", "germany's", "mid-", "c.") or "(" / "[", and
    where it starts; ("", pos) when there is none."""
    global _reversed
    cached = _reversed  # one read of the tuple: safe if another thread replaces it meanwhile
    if cached[0] is not text:
        cached = _reversed = (text, text[::-1], {})
    memo = cached[2]
    if pos in memo:
        return memo[pos]
    n = len(text)
    m = _WORD_REV.match(cached[1], n - pos)
    if m is None:
        r = "", pos
    elif m.group(1):
        r = m.group(1), n - m.end(1)
    else:
        word = m.group(2)[::-1]
        stripped = word.lstrip(".'’-") if word != "-" else word
        r = stripped.lower(), n - m.end(2) + len(word) - len(stripped)
    memo[pos] = r
    return r


def forget_text() -> None:
    """Drop the reversed copy and memo of the last text (called when a tagging run ends)."""
    global _reversed
    _reversed = ("", "", {})


def prev_word(text: str, pos: int) -> str:
    return word_before(text, pos)[0]


def extend_left(text: str, start: int, words: frozenset[str]) -> int:
    """`start` moved back over the word before it when that word is one of `words`."""
    w, ws = word_before(text, start)
    return ws if w in words else start


def _at_sentence_start(text: str, pos: int) -> bool:
    lo = max(0, pos - 6)
    return pt.PRE_SENTENCE.search(("\n" if lo == 0 else "") + text[lo:pos]) is not None


def year_reads_as_year(text: str, s: int, e: int, years: set[int] | None = None) -> bool:
    """Whether the number text[s:e] (1000..2100) reads as a year here (docs/dates.md). `years`:
    where the years already read end, for lists ("in 1939, 1940 and 1941")."""
    word = prev_word(text, s)
    if word in _STRONG:
        return True
    if word in _PAGE_WORDS or (not word and pt.PRE_PAGE.search(text, max(0, s - 3), s)):
        return False  # "page 1941", "§ 1941"
    follow = _next_word(text, e)
    if follow.lower() in ("onwards", "onward"):
        return True  # "1942 onwards"
    if word.endswith(("'s", "’s")) or word in _DET:
        # a modifier: "the 1941 offensive", "Germany's 1941 campaign"; "the 1941 soldiers" counts
        return bool(follow) and follow[0].isalpha() and follow.lower() not in COUNT_NOUNS
    if word in ("and", "or", "") and years:
        m = pt.PRE_YEAR_LIST.search(text, max(0, s - 12), s)
        if m and m.end("y") in years:
            return True  # "in 1939, 1940 and 1941"
    if word in _WEAK:
        return not _is_count(follow)
    return _at_sentence_start(text, s) and pt.POST_SENTENCE_YEAR.match(text, e) is not None


# ---- pattern readers: each yields Items ----

def _year_item(s: int, e: int, y: int) -> Item | None:
    v = cal.year(y)
    return Item(s, e, "abs", v) if v else None


def _bad_before_number(text: str, s: int) -> bool:
    """A number glued to what precedes it: "x1941", "$1941", "1.1941", "1,941", "1939-45"."""
    if s == 0:
        return False
    c = text[s - 1]
    if c.isalnum() or c in "$£€#§/_-–—":
        return True
    if c in ".,:" and s >= 2 and text[s - 2].isdigit():
        return True
    return c.isspace() and s >= 2 and text[s - 2] in "-–—"


def scan_years(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    years: set[int] = set()  # ends of the years read so far, for lists of years
    for m in sc.finditer(pt.YEAR_LED, pt.T_DIGIT):
        if m.start() in sc.years_taken and m.end() == m.end("y1"):
            continue  # the year of "22 June 1941": the longer reading wins anyway
        if _bad_before_number(text, m.start()):
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
            ok = y2 is not None and not _is_count(_next_word(text, tail_end))
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
    for m in sc.finditer(pt.DAY_NUM, pt.T_DIGIT):
        if _bad_before_number(text, m.start()):
            continue
        mo = month_number(m.group("m"))
        it = _day_item(extend_left(text, m.start(), _THE), m.end(), mo, int(m.group("d")), m.group("y"))
        if it:
            out.append(it)
            if m.group("y"):
                sc.years_taken.add(m.start("y"))
    for m in sc.finditer(pt.DAY_WORD, pt.T_MONTH):
        start = extend_left(text, m.start(), _THE)
        if start == m.start() or text[m.start() - 1].isalnum():
            continue  # "the first of May", never "first of May" alone
        d, mo = parse_ordinal(m.group("dw")), month_number(m.group("m"))
        it = _day_item(start, m.end(), mo, d, m.group("y")) if d else None
        if it:
            out.append(it)
    for m in itertools.chain(sc.finditer(pt.ISO_DAY, pt.T_DIGIT), sc.finditer(pt.DOTTED_DAY, pt.T_DIGIT)):
        if _bad_before_number(text, m.start()):
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


_THE = frozenset({"the"})
_FROM = frozenset({"from", "between"})
_MONTH_CTX = {"in", "of", "since", "until", "till", "by", "from", "to", "during", "before", "after",
              "early", "late", "mid", "mid-", "through", "throughout", "between", "around"}
_MAY_CTX = {"in", "of", "early", "late", "mid", "mid-"}
_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"}


def scan_months(sc: Scanner) -> list[Item]:
    text = sc.text
    out: list[Item] = []
    for m in sc.finditer(pt.MONTH_LED, pt.T_MONTH):
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
    for m in sc.finditer(pt.MONTH_RANGE, pt.T_MONTH):
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
        for m in sc.finditer(pat, trig):
            if _bad_before_number(text, m.start()) and pat is pt.DAY_RANGE:
                continue
            d1, d2 = parse_ordinal(m.group("d1")), parse_ordinal(m.group("d2"))
            mo = month_number(m.group("m"))
            if not d1 or not d2 or not d1 < d2 or not _valid_day(mo, d2):
                continue
            start = m.start()
            if pat is pt.DAY_RANGE:
                start = extend_left(text, extend_left(text, start, _THE), _FROM)

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


_PART_OF = {"beginning": "early", "start": "early", "outset": "early", "early part": "early",
            "first months": "early", "early months": "early", "middle": "mid", "end": "late",
            "close": "late", "latter part": "late", "later part": "late", "last months": "late",
            "closing months": "late", "final months": "late", "first half": "h1",
            "second half": "h2", "latter half": "h2", "first quarter": "q1", "second quarter": "q2",
            "third quarter": "q3", "fourth quarter": "q4", "last quarter": "q4", "final quarter": "q4"}


def _glued(text: str, s: int) -> bool:
    """The match starts inside a word ("Amid 1943")."""
    return s > 0 and text[s - 1].isalnum()


def scan_parts(sc: Scanner) -> list[Item]:
    out: list[Item] = []
    text = sc.text
    for m in sc.finditer(pt.EARLY_LATE, pt.T_DIGIT, pt.T_MONTH):
        if _glued(text, m.start()):
            continue
        part = m.group("pp").lower()
        if m.group("y"):
            v = cal.year_part(int(m.group("y")), part)
            if v:
                out.append(Item(m.start(), m.end(), "abs", v))
            continue
        mo = month_number(m.group("m"))
        out.append(_month_part_item(m.start(), m.end(), mo, part, m.group("my")))
    for m in sc.finditer(pt.PART_OF, pt.T_DIGIT, pt.T_MONTH, pt.T_CENTURY):
        if _glued(text, m.start()):
            continue
        part = _PART_OF.get(" ".join(m.group("pos").lower().split()))
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
            if _glued(text, m.start()):
                continue
            d = DECADE_WORDS[m.group("word").lower()]
            w, ws = word_before(text, m.start())
            cent = CENTURY_WORDS.get(w.rstrip("-"))  # "the nineteen-thirties"
            s0 = ws if cent else m.start()
        else:
            lead, rest = m.group("lead"), m.group("rest")
            if lead in "12":
                glued = _bad_before_number(text, m.start()) and prev_word(text, m.start()) not in _PART_HYPHEN
                if glued or len(rest) != 3 or rest[2] != "0" or not (lead == "1" or rest[0] == "0"):
                    continue
                cent, d, s0 = int(lead + rest) // 100 * 100, int(rest[1:]), m.start()
            else:  # "'30s"
                if len(rest) != 2 or rest[1] != "0" or _glued(text, m.start()):
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
        if m.group("bc") or _glued(text, m.start()):
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
    for m in sc.finditer(pt.SEASON_Y, pt.T_DIGIT):
        s1 = SEASONS.get(m.group("s1").lower())
        if s1 is None or _glued(text, m.start()):
            continue
        start = extend_left(text, m.start(), _THE)
        y = int(m.group("y"))
        if m.group("s2"):
            s2 = SEASONS[m.group("s2").lower()]
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
    for m in sc.finditer(pt.SEASON_BARE, pt.T_WORD):
        s1 = SEASONS.get(m.group("s").lower())
        if s1 is None or s1 == 9 and m.group("s").lower() == "fall" or _glued(text, m.start()):
            continue
        start = extend_left(text, m.start(), _THE)
        if prev_word(text, start) not in _SEASON_CTX:
            continue
        out.append(Item(start, m.end(), "partial", fn=lambda y, s1=s1: cal.season(y, s1),
                        winter=s1 == 12))
    return out


# ---- relative expressions ----

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
    for m in sc.finditer(pt.REL_N, pt.T_REL_N):
        if _glued(text, m.start()):
            continue
        nm = pt.NUM_BEFORE.search(text, max(0, m.start() - 30), m.start())
        if nm is None or prev_word(text, nm.start()) in ("for", "within", "over", "in", "every", "than"):
            continue  # "for two years afterwards" is a duration
        n = parse_number(nm.group("n"))
        if n is None or n == 0:
            continue
        unit, d = unit_name(m.group("unit")), m.group("dir").lower()
        if d == "ago":
            out.append(Item(nm.start(), m.end(), "doc", fn=offset_fn(n, unit, -1)))
            continue
        sign = -1 if d.startswith(("earlier", "before", "previously")) else 1
        out.append(Item(nm.start(), m.end(), "rel", fn=offset_fn(n, unit, sign)))
    for m in sc.finditer(pt.REL_W, pt.T_WORD):
        fn = None if _glued(text, m.start()) else _rel_word(m)
        if fn is not None:
            out.append(Item(m.start(), m.end(), "rel", fn=fn))
    for m in sc.finditer(pt.DOC_REL, pt.T_WORD):
        if _glued(text, m.start()):
            continue
        if m.group("u") and (prev_word(text, m.start()) in _DET or
                                 prev_word(text, m.start()).endswith(("'s", "’s"))):
            continue  # "the last year of the war" is not last year
        if m.group("word").lower() in ("this", "last", "next") and not m.group("u"):
            continue
        fn = _doc_word(m)
        if fn is not None:
            out.append(Item(m.start(), m.end(), "doc", fn=fn))
    return out


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
        if not _glued(text, m.start()):
            mentions.append((extend_left(text, m.start(), _THE), m.end(), _war_id(m.group())))
    items = []
    for m in sc.finditer(pt.WAR_OP, pt.T_WAR):
        if _glued(text, m.start()):
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
            o = pt.NUM_UNIT_BEFORE.search(text, max(0, start - 40), start)
            n = parse_number(o.group("n")) if o else None
            if n and n != FEW:
                start, offset = o.start(), (n if op == "after" else -n, unit_name(o.group("unit")))
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


def scan_all(text: str) -> tuple[list[Item], list[tuple[int, int, str]]]:
    sc = Scanner(text)
    items: list[Item] = []
    # days and months first: the years they contain need no reading of their own
    for scan in (scan_days, scan_months, scan_years, scan_ranges, scan_parts, scan_decades,
                 scan_seasons, scan_relative):
        items.extend(scan(sc))
    war_items, mentions = scan_wars(sc)
    items.extend(war_items)
    return items, mentions
