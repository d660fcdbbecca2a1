"""Numbers in text with what they count: "ten million people", "80 percent", "2,000 tanks".

Years and days of the month are left to the date tagger; ordinals ("21st") are not quantities.

    >>> [(q.value, q.unit) for q in find_quantities("Some ten million soldiers and 2,000 tanks.")]
    [(10000000.0, 'soldie'), (2000.0, 'tank')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .evidence_sentences import _STOP, stem

_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "dozen": 12,
}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000, "bn": 1_000_000_000}
_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two-thirds": 2 / 3, "two thirds": 2 / 3,
              "a quarter": 0.25, "one quarter": 0.25, "three-quarters": 0.75, "three quarters": 0.75}
_APPROX = re.compile(r"(?:about|some|nearly|almost|around|roughly|approximately|over|more than|less than|fewer than|at least|up to|close to|an estimated|estimated|c\.|ca\.)\s+$", re.I)
_WORDS = "|".join(sorted((re.escape(w) for w in _SMALL), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:{_WORDS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
    rf"(?P<scale>\s+(?:hundred|thousand|million|billion)|\s?(?:m|bn)\b)?"
    rf"(?P<pct>\s*(?:%|per\s?cent|percent))?(?![\w]|-[^\W\d_])",
    re.I,
)
_FRACTION = re.compile(r"\b(?P<frac>" + "|".join(re.escape(f) for f in _FRACTIONS) + r")\b(?:\s+of)?", re.I)
_MONTHS = re.compile(r"\s*(?:of\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")
_MONTH_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+$")
_NEXT_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # the stem of the counted noun ("percent" for percentages), "" when none is found
    text: str
    start: int
    end: int
    approximate: bool
    # Stems of the next few content words: "six billion German gold marks" counts marks, not
    # Germans, so two quantities count the same thing when these overlap, not only their units.
    words: tuple[str, ...] = ()


def _value(raw: str) -> float | None:
    raw = raw.lower().replace(",", "")
    try:
        return float(raw)
    except ValueError:
        pass
    parts = re.split(r"[- ]", raw)
    if " ".join(parts) in _SMALL:
        return float(_SMALL[" ".join(parts)])
    total = 0.0
    for part in parts:
        if part not in _SMALL:
            return None
        total += _SMALL[part]
    return total


def _next_words(text: str, end: int) -> tuple[str, ...]:
    """Stems of the content words among the next three words ("ten million Soviet soldiers")."""
    out = []
    for m in list(_NEXT_WORDS.finditer(text, end, min(len(text), end + 40)))[:3]:
        word = m.group().lower()
        if word not in _STOP and word not in _SCALE and len(word) > 2:
            out.append(stem(word))
    return tuple(out)


# "half a million soldiers" is 500,000 soldiers, not a half and a million.
_FRACTION_OF_SCALE = re.compile(r"\b(?P<frac>half|a third|a quarter)\s+(?:of\s+)?an?\s+(?P<scale>hundred|thousand|million|billion)\b", re.I)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _FRACTION_OF_SCALE.finditer(text):
        before = text[max(0, m.start() - 25) : m.start()]
        words = _next_words(text, m.end())
        value = _FRACTIONS[m.group("frac").lower()] * _SCALE[m.group("scale").lower()]
        out.append(Quantity(value, words[0] if words else "", m.group(), m.start(), m.end(), bool(_APPROX.search(before)), words))
        taken.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        if _inside(m.start(), taken):
            continue
        raw = m.group("num")
        value = _value(raw)
        if value is None:
            continue
        is_pct = bool(m.group("pct"))
        scale = (m.group("scale") or "").strip().lower()
        if raw.isdigit() and len(raw) == 4 and 1000 <= value <= 2100 and not scale and not is_pct:
            continue  # a year: the date rule's business
        if raw.isdigit() and value <= 31 and (_MONTHS.match(text, m.end()) or _MONTH_BEFORE.search(text, 0, m.start())):
            continue  # a day of the month
        if text[m.end() : m.end() + 2].lower() in {"st", "nd", "rd", "th"}:
            continue
        value *= _SCALE.get(scale, 1)
        before = text[max(0, m.start() - 25) : m.start()]
        words = () if is_pct else _next_words(text, m.end())
        unit = "percent" if is_pct else (words[0] if words else "")
        out.append(Quantity(value, unit, m.group(), m.start(), m.end(), bool(_APPROX.search(before)), words))
    for m in _FRACTION.finditer(text):
        if _inside(m.start(), taken):
            continue
        before = text[max(0, m.start() - 25) : m.start()]
        out.append(Quantity(_FRACTIONS[m.group("frac").lower()], "fraction", m.group(), m.start(), m.end(), bool(_APPROX.search(before))))
    return sorted(out, key=lambda q: q.start)
