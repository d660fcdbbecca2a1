"""Compiled regular expressions of the temporal tagger.

Speed: Python's `re` scans fast only to a pattern's first character when that character is a
literal or a class; a pattern opening on an optional group ("(the )?") or a case-insensitive
word list is tried, slowly, at every position. So every pattern here opens on its distinctive
token (a digit, a month name, a season word) and the optional words before it ("the", "from",
"between", "c.") are picked up in code (`dates_text.extend_left`). Patterns are case-sensitive:
month names must be capitalised (lower-case "may" is the verb, docs/dates.md) and a first word
that may open a sentence is written "[Ss]ince". Each pattern is moreover run only in windows of
text around a cheap trigger (the `T_*` tuples), and none nests unbounded repetitions: the tagger
is linear in the text.
"""

from __future__ import annotations

import re

from .dates_lexicon import CARDINALS, ORDINALS, WAR_NAMES


def _alt(words, sep: str = r"[-\s]") -> str:
    """An alternation, longest first ("twenty-one" before "twenty"), spaces and hyphens loose."""
    parts = [re.escape(w).replace(r"\ ", r"\s+").replace(r"\-", sep) for w in sorted(words, key=len, reverse=True)]
    return "(?:" + "|".join(parts) + ")"


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE | flags)


YEAR_CORE = r"(?:1\d{3}|20\d\d|2100)"
YEAR = YEAR_CORE + r"(?!\d)(?![.,]\d)"
DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_MONTHS = "January February March April May June July August September October November December".split()
_ABBRS = "Jan Feb Mar Apr Jun Jul Aug Sept Sep Oct Nov Dec".split()
# Flat alternations of literal-led branches (fast to scan); full names before abbreviations.
MONTH_FULL = "(?:" + "|".join(rf"{m}\b" for m in _MONTHS) + ")"
MONTH = "(?:" + "|".join([rf"{m}\b" for m in _MONTHS] + [rf"{a}(?:\.|\b)" for a in _ABBRS]) + ")"
ORD_WORD = _alt(ORDINALS) + r"\b"
NUM = r"(?:" + _alt(CARDINALS) + r"|\d{1,3})\b"
UNIT = r"(?:days?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies))\b"
SEASON_WORD = r"(?:spring|summer|autumn|fall|winter)"
# A season word opens on a class and is checked against SEASONS in code ("Wall" is no "fall").
SEASON_LEAD = r"[SsAaFfWw](?:pring|ummer|utumn|all|inter)\b"

# "22 June 1941", "22nd of June", "22 June, 1941" (a leading "the" is taken in code).
DAY_NUM = _c(rf"(?P<d>\d\d?)(?:st|nd|rd|th)?(?!\d)(?:\s+of)?\s+(?P<m>{MONTH})(?:,?\s+(?P<y>{YEAR}))?")
# "June 22, 1941", "June 22", "June 1941", "June of 1941", and a month name alone.
MONTH_LED = _c(rf"""(?P<m>{MONTH})
    (?:\s+(?P<d>{DAYNUM})(?:,?\s+(?P<y1>{YEAR}))?|,?\s+(?:of\s+)?(?P<y2>{YEAR}))?""")
# 1941-06-22 (with an optional time); 22.6.1941, 22/6/1941 (day first).
ISO_DAY = _c(r"""(?P<iy>[12]\d{3})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])
    (?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\w-])""")
DOTTED_DAY = _c(rf"(?P<d>\d\d?)(?P<sep>[./])(?P<m>\d\d?)(?P=sep)(?P<y>{YEAR})(?!\w)")
# A four-digit year and what may make it a range or qualify it. Whether a bare year reads as a
# year is decided in code from its context (docs/dates.md, "What is not a date").
YEAR_LED = _c(rf"""
    (?P<y1>{YEAR_CORE})(?!\d)(?![.,]\d)(?!s\b)
    (?:(?P<dash>\s*[-–—/]\s*)(?P<y2>\d{{4}}|\d{{1,2}})(?!\d)(?![.,]\d)
      |\s+(?P<conn>to|until|till|through|and)\s+(?P<y2b>{YEAR})(?!s\b))?
    (?P<post>\s?(?:AD|A\.D\.|CE|BC|B\.C\.|BCE)(?!\w))?""")

# "1930s", "'30s", "thirties" ("the", "early"/"mid-"/"late", "nineteen-" are taken in code).
DECADE_NUM = _c(r"(?P<lead>[12'’‘])(?P<rest>\d{2,3})(?:'s|’s|s)\b")
DECADE_WORD = _c(r"(?P<word>[TtFfSsEeNn](?:wenties|hirties|orties|ifties|ixties|eventies|ighties|ineties))\b")

_CENT = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORD_WORD})"
# "20th century", "twentieth-century", "19th and 20th centuries" ("the", "early"... in code).
CENTURY_NUM = _c(r"""(?P<n>\d\d?)(?:st|nd|rd|th)(?:\s+and\s+(?:the\s+)?(?P<n2>\d\d?)(?:st|nd|rd|th))?
    (?:-|\s+)(?P<cw>[Cc]entur(?:y|ies))\b(?P<bc>\s*(?:BC|B\.C\.|BCE))?""")
CENTURY_WORD = _c(rf"""(?P<n>{ORD_WORD})(?:\s+and\s+(?:the\s+)?(?P<n2>{ORD_WORD}))?
    (?:-|\s+)(?P<cw>centur(?:y|ies))\b(?P<bc>\s*(?-i:BC|B\.C\.|BCE))?""", re.IGNORECASE)

# "early 1943", "mid-1943", "late in 1943", "early June", "mid-June 1941".
EARLY_LATE = _c(rf"""(?P<pp>[EeMmLl](?:arly|id|ate))(?:-|\s+)
    (?:(?P<m>{MONTH_FULL})(?:,?\s+(?P<my>{YEAR}))?|(?:in\s+)?(?P<y>{YEAR})(?!'?s\b))""")

# "the end of 1943", "the first half of 1944", "the middle of June 1941", "the end of the 1930s".
PART_OF = _c(rf"""[Tt]he\s+(?P<pos>beginning|start|outset|middle|end|close|early\s+part|latter\s+part|later\s+part
      |first\s+half|second\s+half|latter\s+half|(?:first|second|third|fourth|last|final)\s+quarter
      |(?:first|early)\s+months|(?:last|closing|final)\s+months)
    \s+of\s+(?:(?P<m>{MONTH_FULL})(?:,?\s+(?P<my>{YEAR}))?|(?P<y>{YEAR})(?!'?s\b)
      |the\s+(?P<n>{_CENT})(?:-|\s+)century\b|the\s+(?P<dec>1\d\d0|20\d0)(?:'s|’s|s)\b)""")

# "spring 1944", "winter of 1941-42", "summer and autumn of 1942" (a leading "the" in code).
SEASON_Y = _c(rf"""(?P<s1>{SEASON_LEAD})(?:\s+(?:and|to|through)\s+(?:the\s+)?(?P<s2>{SEASON_WORD}))?
    (?:\s+of)?,?\s+(?P<y>{YEAR})(?:\s*[-–—/]\s*(?P<y2>\d{{4}}|\d\d)(?!\d))?""")
# A season without a year; whether it reads as a date is decided from the words before it.
SEASON_BARE = _c(rf"(?P<s>{SEASON_LEAD})(?!\s+of\b)(?![\s,]*\d)")

_TO = r"(?:\s*[-–—/]\s*|\s+(?:to|until|till|through|and)\s+)"
# "May–December 1945", "May to December 1945" ("from", "between" taken in code).
MONTH_RANGE = _c(rf"(?P<m1>{MONTH}){_TO}(?P<m2>{MONTH})(?:,?\s+(?P<y>{YEAR}))?")
# "1-3 September 1939", "1 to 3 September", "1 and 3 September 1939", "21/22 June".
DAY_RANGE = _c(rf"""(?P<d1>\d\d?)(?:st|nd|rd|th)?(?!\d){_TO}(?:the\s+)?(?P<d2>{DAYNUM})(?:\s+of)?
    \s+(?P<m>{MONTH})(?:,?\s+(?P<y>{YEAR}))?""")
# "September 1-3, 1939", "June 22 to 24".
MONTH_DAY_RANGE = _c(rf"""(?P<m>{MONTH})\s+(?P<d1>{DAYNUM})(?:\s*[-–—]\s*|\s+(?:to|until|till|through|and)\s+)
    (?P<d2>{DAYNUM})(?:,?\s+(?P<y>{YEAR}))?""")

# "two days later", "eight months earlier", "a few days afterwards", "three years ago",
# "two days after that"; "after" alone only before a pause ("and two days after, ..."). The
# pattern opens on the unit; the number before it is read in code (dates_text.number_before).
REL_N = _c(r"""(?P<unit>[DdWwFfMmYyCc](?:ays?|eeks?|ortnights?|onths?|ears?|ecades?|entury|enturies))\s+
    (?P<dir>later|afterwards?|after\s+(?:that|this)\b|after(?=\s*[,.;:)])|on(?=\s*[,.;:)])
      |earlier|before\s+(?:that|this)\b|before(?=\s*[,.;:)])|previously|ago)\b""")

# Relative words with the unit in them: "the next day", "the day before", "that same year",
# "the following spring", "the previous winter".
REL_W = _c(rf"""[Tt]h(?P<det>e|at)\s+
    (?:(?P<dirw>next|following|previous|preceding|subsequent)\s+(?P<u1>day|morning|evening|night|week|month|year|{SEASON_WORD})
      |(?P<u2>day|week|month|year)\s+(?P<dir2>after|before)(?!\s+(?:the|a|an|his|her|its|their|this|that)\b)
      |(?P<same>(?:very\s+)?same\s+|very\s+)?(?P<u3>day|month|year|night|morning|evening|{SEASON_WORD})
    )\b(?!-)""")

# "the end of the year", "the beginning of that month": a part of the anchor's year or month.
REL_PART = _c(r"""[Tt]he\s+(?P<pos>beginning|start|middle|end|close)\s+of\s+(?:the|that)\s+(?P<u>month|year)\b""")

# "the autumn of that year", "June of the following year": a season or month of the anchor's
# year, or of the year after or before it ("the" before a season is taken in code).
REL_OF_YEAR = _c(rf"""(?P<name>{SEASON_LEAD}|{MONTH_FULL})\s+of\s+
    (?P<which>that|the\s+same|the\s+following|the\s+next|the\s+previous|the\s+preceding)\s+year\b""")

# Phrases resolved against the document date: "today", "this year", "last month", "next spring".
# (One class opens the pattern, "[TtYyLlNn]", for speed; the word is checked in code.)
DOC_REL = _c(rf"""(?P<word>[TtYyLlNn](?:oday|esterday|omorrow|his|ast|ext))\b(?!-)
    (?:\s+(?P<u>year|month|week|century|{SEASON_WORD})\b)?""")

# One alternation of literal-led spellings (fast); which war it names is found in code.
_WAR_BODIES = [body for _, bodies in WAR_NAMES for body in bodies]
WAR_NAME = re.compile("|".join(_WAR_BODIES))
WAR_IDS = [(re.compile(body), war_id) for war_id, bodies in WAR_NAMES for body in bodies]

# "after the war", "during the Second World War", "before the end of the war".
WAR_OP = re.compile(
    r"(?P<op>[AaBbDdTtSsUu](?:fter|efore|uring|hroughout|ince|ntil|ill|y|p\s+to))\s+"
    r"(?:the\s+(?P<edge>end|close|beginning|start|outbreak)\s+of\s+)?"
    r"(?:(?P<bare>the\s+war)\b(?!\s+(?:of|against|in|with|between|on|for)\b)(?!-)"
    r"|(?P<named>(?:the\s+)?(?:" + "|".join(_WAR_BODIES) + ")))")
# "the war began": a point at its start, not its end.
WAR_BEGAN = re.compile(r"\s+(?:had\s+)?(?:began|begun|broke\s+out|started|opened)\b")

# Words that turn the date right after them into another: "since 22 June 1941", "the eve of",
# "eight months have passed since the fateful date of", "three months after". Matched in a short
# slice that ends where a date begins (OPS_BEFORE), hence the final "$".
# "since the fateful date of", "since the October Revolution of": words between "since" and its date.
_FILLER = r"(?:the\s+(?:[\w’'-]+\s+){0,3}?of\s+)?"
OPS_BEFORE = _c(rf"""
    \b(?:(?P<passed>(?P<pn>{NUM})\s+(?P<pu>{UNIT})\s+(?:have|has)\s+(?:now\s+|already\s+|just\s+)?
          (?:passed|elapsed|gone\s+by)\s+since\s+{_FILLER})
      |(?P<itis>it\s+(?:is|has\s+been)\s+(?:now\s+)?(?P<in>{NUM})\s+(?P<iu>{UNIT})\s+since\s+{_FILLER})
      |(?P<nrel>(?P<nn>{NUM})\s+(?P<nu>{UNIT})\s+(?P<nd>after|before|from|since|prior\s+to)\s+)
      |(?P<eve>the\s+(?:very\s+)?eve\s+of\s+)
      |(?P<dayrel>the\s+(?:day|morning|evening|night)\s+(?P<dd>before|after|following|preceding)\s+)
      |(?P<dayof>the\s+(?:night|morning|evening|afternoon|dawn|early\s+hours|small\s+hours)\s+of\s+)
      |(?P<since>(?:ever\s+)?since\s+{_FILLER})
      |(?P<until>(?:until|till|up\s+to|up\s+until|by)\s+)
      |(?P<after>after\s+)
      |(?P<before>(?:before|prior\s+to)\s+)
      |(?P<from>from\s+)
      |(?P<between>between\s+)
      |(?P<circa>(?:c\.|ca\.|circa)\s?))$""", re.IGNORECASE)
OPS_REACH = 100  # the longest operator: "twenty-five years have passed since the fateful date of "
# The last word of every operator: OPS_BEFORE is tried only after one of these.
OPS_LAST_WORDS = frozenset({"since", "until", "till", "to", "by", "after", "before", "from", "between",
                            "of", "c.", "ca.", "circa", "following", "preceding"})
ONWARDS = _c(r"\s*(?:,\s*)?(?:on|onwards?)\b")

# Context checks on the text right before or after a candidate.
PRE_PAGE = _c(r"(?:\b(?:p|pp|page|pages|no|nos|nr|vol|vols|art|article|section|sec|chapter|ch|fig|figure"
              r"|table|note|notes|line|lines|para|paragraph|number|item)\.?|[§#№])\s*$", re.IGNORECASE)
PRE_YEAR_LIST = re.compile(r"(?<!\d)(?P<y>1\d{3}|20\d\d)s?(?:\s*,\s*|\s*,?\s+(?:and|or|&)\s+|\s*/\s*)$")
MONTH_LIST_BEFORE = re.compile(MONTH + r",?\s+(?:and|or)\s*$")
PRE_SENTENCE = re.compile(r"(?:^|[.!?]['\"’”)]?\s+|\n\s*)$")
NEXT_WORD = re.compile(r"\s*([A-Za-z%][\w'’-]*|%)")
POST_SENTENCE_YEAR = _c(r"\s*(?:[,:;]|\s(?:was|saw|brought|marked|began|ended|proved|witnessed|would|had|is|has)\b)")
SENTENCE_END = re.compile(r"[.!?][\"'’”)]*(?:\s+|$)(?=[\"'‘“(]?[A-Z0-9]|$)|\n\s*\n")

# ---- triggers: (pattern, characters before, characters after) ----
# Each opens on a character class, so sre skips to candidates fast; a trigger may fire on more
# than the words named, it only marks where to look. A pattern that opens on its trigger is tried
# once at each trigger (`Scanner.at`); the others are searched in windows around it
# (`Scanner.finditer`, with the characters before and after given here).
T_DIGIT = (re.compile(r"\d+"), 45, 40)
T_MONTH = (re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"), 45, 40)
T_EARLY = (re.compile(r"[EeMmLl](?:arly|id|ate)(?=[-\s])"), 0, 0)
T_SEASON = (re.compile(SEASON_LEAD), 0, 0)
T_PART = (re.compile(r"(?:beginning|start|outset|middle|end|close|part|half|quarter|months)\s+of\b"), 30, 45)
T_DECADE = (re.compile(r"0(?:'s|’s|s)\b|ties\b"), 50, 5)
T_CENTURY = (re.compile(r"[Cc]entur"), 70, 20)
T_REL_N = (re.compile(r"[DdWwFfMmYyCc](?:ays?|eeks?|ortnights?|onths?|ears?|ecades?|entury|enturies)"
                      r"\s+(?:later|after|afterwards?|earlier|before|previously|ago|on)\b"), 50, 25)
T_WORD = (re.compile(r"[DdMmEeNnWwYyCcSsAaFfTt](?:ay|orning|vening|ight|eek|onth|ear|entury|pring|ummer"
                     r"|utumn|all|inter|oday|esterday|omorrow)"), 35, 20)
T_WAR = (re.compile(r"[WwF](?:ar\b|ront\b|W)"), 80, 12)
