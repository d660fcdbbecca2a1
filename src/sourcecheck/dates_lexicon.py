"""Word tables of the temporal tagger: months, numbers, ordinals, seasons, decades, named wars.

Kept apart from the patterns so that a word added here reaches every pattern that uses it.
The interval conventions these tables serve are in docs/dates.md.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
# "Sept" before "Sep" so that the longer spelling is tried first inside an alternation.
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}


def month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or MONTH_ABBREVIATIONS.get(w)


_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
          "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

CARDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(_UNITS)}
CARDINALS.update({w: i + 10 for i, w in enumerate(_TEENS)})
for _i, _t in enumerate(_TENS):
    CARDINALS[_t] = (_i + 2) * 10
    for _j, _u in enumerate(_UNITS):
        CARDINALS[f"{_t}-{_u}"] = (_i + 2) * 10 + _j + 1
CARDINALS.update({"a": 1, "an": 1, "a hundred": 100, "one hundred": 100, "a dozen": 12,
                  "a couple of": 2, "a couple": 2, "a single": 1})
# Vague counts map to FEW: the doc's "a few days later" is anchor + 2 .. anchor + 7.
FEW = 1_000_003  # a sentinel no real count reaches
CARDINALS.update({"a few": FEW, "several": FEW, "a number of": FEW})

_ORD_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
ORDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ORD_UNITS)}
ORDINALS.update({w: i + 10 for i, w in enumerate(_ORD_TEENS)})
ORDINALS.update({"twentieth": 20, "thirtieth": 30})
for _j, _u in enumerate(_ORD_UNITS):
    ORDINALS[f"twenty-{_u}"] = 21 + _j
ORDINALS["thirty-first"] = 31


def parse_number(word: str) -> int | None:
    """'eight' -> 8, 'twenty five' -> 25, '12' -> 12, 'a few' -> FEW; None when unknown."""
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    n = CARDINALS.get(w)
    return n if n is not None else CARDINALS.get(w.replace(" ", "-"))


def parse_ordinal(word: str) -> int | None:
    """'22nd' -> 22, 'twenty-second' -> 22, 'twenty second' -> 22."""
    w = "-".join(word.lower().split())
    digits = w.rstrip("stndrh")
    if digits.isdigit():
        return int(digits)
    return ORDINALS.get(w)


SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month

DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
                "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
CENTURY_WORDS = {"eleven": 1100, "twelve": 1200, "thirteen": 1300, "fourteen": 1400,
                 "fifteen": 1500, "sixteen": 1600, "seventeen": 1700, "eighteen": 1800,
                 "nineteen": 1900, "twenty": 2000}

# Plural nouns of counted things: "1941 soldiers" is a count, not a year (docs/dates.md).
COUNT_NOUNS = frozenset("""
men women people persons soldiers troops tanks guns aircraft planes ships prisoners dead wounded
casualties victims workers peasants children families refugees divisions regiments officers
villages towns miles kilometres kilometers km metres meters feet yards tons tonnes kg pounds
dollars roubles rubles marks francs lire units copies pages votes members deaths lives
""".split())


class War(NamedTuple):
    id: str
    name: str
    start: dt.date
    end: dt.date


# The named periods of docs/dates.md, and the spellings that name them.
WARS = {
    "ww1": War("ww1", "the First World War", dt.date(1914, 7, 28), dt.date(1918, 11, 11)),
    "russian_civil": War("russian_civil", "the Russian Civil War", dt.date(1917, 11, 7), dt.date(1922, 10, 25)),
    "spanish_civil": War("spanish_civil", "the Spanish Civil War", dt.date(1936, 7, 17), dt.date(1939, 4, 1)),
    "winter": War("winter", "the Winter War", dt.date(1939, 11, 30), dt.date(1940, 3, 13)),
    "ww2": War("ww2", "the Second World War", dt.date(1939, 9, 1), dt.date(1945, 9, 2)),
    "german_soviet": War("german_soviet", "the German-Soviet war", dt.date(1941, 6, 22), dt.date(1945, 5, 9)),
    "korean": War("korean", "the Korean War", dt.date(1950, 6, 25), dt.date(1953, 7, 27)),
    "vietnam": War("vietnam", "the Vietnam War", dt.date(1955, 11, 1), dt.date(1975, 4, 30)),
    "cold": War("cold", "the Cold War", dt.date(1947, 3, 12), dt.date(1991, 12, 26)),
}

# Spellings that name each war (regex bodies, case-sensitive on the capitals that make them
# names). Each opens on a literal, so that their alternation scans fast (see dates_patterns).
WAR_NAMES = [
    ("ww1", [r"First\s+World\s+War", r"Great\s+War", r"World\s+War\s+(?:I|One|1)\b", r"WW\s?(?:I|1)\b"]),
    ("ww2", [r"Second\s+World\s+War", r"World\s+War\s+(?:II|Two|2)\b", r"WW\s?(?:II|2)\b"]),
    ("german_soviet", [r"Great\s+Patriotic\s+War", r"Eastern\s+Front", r"German[-–](?:Soviet|Russian)\s+[Ww]ar",
                       r"Nazi[-–](?:Soviet|Russian)\s+[Ww]ar", r"Soviet[-–](?:German|Nazi)\s+[Ww]ar",
                       r"Russo[-–](?:German|Nazi)\s+[Ww]ar"]),
    ("winter", [r"Winter\s+War", r"Finno[-–](?:Soviet|Russian)\s+[Ww]ar", r"Soviet[-–]Finnish\s+[Ww]ar",
                r"Russo[-–]Finnish\s+[Ww]ar"]),
    ("russian_civil", [r"Russian\s+Civil\s+War"]),
    ("spanish_civil", [r"Spanish\s+Civil\s+War"]),
    ("korean", [r"Korean\s+War"]),
    ("vietnam", [r"Vietnam\s+War"]),
    ("cold", [r"Cold\s+War"]),
]


def war_in_context(day: dt.date) -> War | None:
    """The war a bare "the war" means for a text written on `day`: the one in progress (the
    broadest, i.e. earliest begun), else the last one ended before. The Cold War is left out:
    nobody writes "after the war" meaning 1991."""
    hot = [w for w in WARS.values() if w.id != "cold"]
    running = [w for w in hot if w.start <= day <= w.end]
    if running:
        return min(running, key=lambda w: w.start)
    ended = [w for w in hot if w.end < day]
    return max(ended, key=lambda w: w.end) if ended else None
