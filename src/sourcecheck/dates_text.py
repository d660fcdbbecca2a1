"""Candidates of the temporal tagger and the text around them.

An `Item` is one candidate reading of a date expression: its span and how it becomes an interval:
at once (`abs`), given a year (`partial`: "22 June"), given a century (`decade`: "the thirties"),
given an anchor date (`rel`: "two days later"), given the document date (`doc`: "last year") or
given a war (`war`: "after the war"); `op` and `range` items are built from others in
`dates_resolve`. The `Scanner` runs patterns only near their triggers; the helpers below read the
words around a candidate, and `year_reads_as_year` is docs/dates.md's "What is not a date" for
bare four-digit numbers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

from . import dates_patterns as pt
from .dates_calendar import Val
from .dates_lexicon import COUNT_NOUNS, parse_number

THE = frozenset({"the"})


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
        self._starts: dict[tuple[str, int], list[int]] = {}
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

    def at(self, pattern: re.Pattern[str], *triggers: tuple[re.Pattern[str], int, int]):
        """Matches of a pattern that opens on its trigger: one anchored attempt per trigger."""
        starts = self._starts_of(triggers[0])
        if len(triggers) > 1:
            starts = sorted({p for t in triggers for p in self._starts_of(t)})
        match, text = pattern.match, self.text
        for p in starts:
            m = match(text, p)
            if m is not None:
                yield m

    def _starts_of(self, trigger: tuple[re.Pattern[str], int, int]) -> list[int]:
        key = ("starts", id(trigger))
        if key not in self._starts:
            self._starts[key] = [m.start() for m in trigger[0].finditer(self.text)]
        return self._starts[key]

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
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these", "those", "whose"}
_PAGE_WORDS = {"p.", "pp.", "page", "pages", "no.", "nos.", "nr.", "vol.", "vols.", "art.", "article",
               "section", "sec.", "chapter", "ch.", "fig.", "figure", "table", "note", "notes", "line",
               "lines", "para.", "paragraph", "number", "item", "p", "pp"}
_NOT_PLURAL = {"onwards", "afterwards", "towards", "backwards", "was", "has", "is", "as", "this", "his",
               "its", "us", "thus", "always", "perhaps", "whereas", "becomes", "remains"}


def is_count(next_word: str) -> bool:
    """"1941 soldiers", "1500 km": a number followed by a plural noun of counted things or a unit."""
    w = next_word.lower()
    if w in COUNT_NOUNS or w in ("%", "percent", "per"):
        return True
    return (next_word[:1].islower() and len(w) > 3 and w.endswith("s") and w not in _NOT_PLURAL
            and not w.endswith(("ss", "us", "is", "'s", "’s")))


def next_word(text: str, pos: int) -> str:
    m = pt.NEXT_WORD.match(text, pos)
    return m.group(1) if m else ""


# The word before a position is read by matching forward in the reversed text: one anchored
# match instead of a search. The reversed copy of the text being tagged is kept here.
_WORD_REV = re.compile(r"\s*(?:([(\[])|((?:[^\W\d_]|[.'’-]){1,40}))")
# Per thread, so that two threads tagging two texts do not evict each other's copy.
_local = threading.local()


def word_before(text: str, pos: int) -> tuple[str, int]:
    """The word before `pos`, lower-cased ("in", "germany's", "mid-", "c.") or "(" / "[", and
    where it starts; ("", pos) when there is none."""
    cached = getattr(_local, "cached", None)
    if cached is None or cached[0] is not text:
        cached = _local.cached = (text, text[::-1], {})
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
    _local.cached = None


def number_before(text: str, pos: int) -> tuple[int, int] | None:
    """The count written right before `pos` ("two", "twenty-five", "a few", "a couple of", "12")
    and where it starts; None if there is none."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    j = i
    while j > 0 and i - j < 3 and text[j - 1].isdigit():
        j -= 1
    if j < i:
        if j > 0 and (text[j - 1].isalnum() or text[j - 1] in ",."):
            return None  # "1,500", "x12"
        return int(text[j:i]), j
    words: list[str] = []
    start = pos
    for _ in range(3):  # "a couple of" is the longest count
        w, ws = word_before(text, start)
        if not w or not w.isalpha() and "-" not in w:
            break
        words.insert(0, w)
        start = ws
    # the longest reading that ends at pos: "a couple of" before "of"; "a few" before "few"
    for k in range(len(words), 0, -1):
        n = parse_number(" ".join(words[-k:]))
        if n is not None:
            ws = pos
            for _ in range(k):
                ws = word_before(text, ws)[1]
            return n, ws
    return None


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
    follow = next_word(text, e)
    if follow.lower() in ("onwards", "onward"):
        return True  # "1942 onwards"
    if word.endswith(("'s", "’s")) or word in DETERMINERS:
        # a modifier: "the 1941 offensive", "Germany's 1941 campaign"; "the 1941 soldiers" counts
        return bool(follow) and follow[0].isalpha() and follow.lower() not in COUNT_NOUNS
    if word in ("and", "or", "") and years:
        m = pt.PRE_YEAR_LIST.search(text, max(0, s - 12), s)
        if m and m.end("y") in years:
            return True  # "in 1939, 1940 and 1941"
    if word in _WEAK:
        return not is_count(follow)
    return _at_sentence_start(text, s) and pt.POST_SENTENCE_YEAR.match(text, e) is not None


def glued(text: str, s: int) -> bool:
    """The match starts inside a word ("Amid 1943")."""
    return s > 0 and text[s - 1].isalnum()


def glued_number(text: str, s: int) -> bool:
    """A number glued to what precedes it: "x1941", "$1941", "No.1941", "1.1941", "1,941", "3/1941",
    "12-1941"."""
    if s == 0:
        return False
    c = text[s - 1]
    if c.isalnum() or c in "$£€#§/_":
        return True
    if c in "-–—" and s >= 2 and text[s - 2].isdigit():
        return True  # the second number of "1941-1942-1943" or "12-1941"
    return c in ".,:" and s >= 2 and (text[s - 2].isdigit() or text[s - 2].isalpha() and c == ".")
