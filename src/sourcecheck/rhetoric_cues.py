"""Unsourced appeals to evidence: "new research shows", "it has emerged that", "experts say".

    >>> [(c.text, c.cue) for c in unsourced_appeals("Recent research has shown that the pact was a defensive move.")]
    [('Recent research has shown', 'evidence shows')]
    >>> unsourced_appeals("A 2019 study by the University of Oxford shows that the pact was a defensive move.")
    []

A rule, not a model: the SemEval-2020 corpus has no such class (the nearest, Appeal_to_Authority,
names its authority). A cue from the lexicon below counts only when nothing in its sentence names
the source: a proper name introduced by "by", "from", "at", "of", "in", "such as" between the
evidence word and its verb ("research by Oxford University shows"), a proper name or possessive
right before it ("a Harvard study", "Smith's research"), a publication after it ("published in
Nature"), or a citation anywhere in the sentence ("(Smith, 2019)", "[12]", a URL, "et al.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TECHNIQUE = "Unsourced_Appeal_to_Evidence"

_ADJ = (
    r"(?:new|recent|recently|fresh|latest|newly[- ](?:released|discovered|declassified|opened|published|found|uncovered)"
    r"|declassified|leaked|secret|hidden|unpublished|previously\s+unknown|unearthed|startling|shocking|growing|mounting|more\s+and\s+more)"
)
_NOUN = (
    r"(?:evidence|research|studies|study|documents|document|files|papers|records|archives|findings|facts|data"
    r"|reports|report|sources|analyses|analysis|investigations|investigation|scholarship|surveys|survey|polls|poll)"
)
_VERB = (
    r"(?:shows?|showed|shown|showing|reveals?|revealed|revealing|proves?|proved|proven|proving|suggests?|suggested"
    r"|confirms?|confirmed|indicates?|indicated|demonstrates?|demonstrated|emerges?|emerged|emerging|establish(?:es|ed)?"
    r"|exposes?|exposed|debunk(?:s|ed|ing)?|points?\s+to|pointed\s+to|makes?\s+clear|made\s+clear|(?:has|have)\s+come\s+to\s+light"
    r"|came\s+to\s+light|surfaced|casts?\s+doubt|overturn(?:s|ed)?|undermines?|contradicts?|disproves?|disproved)"
)
# Words that may stand between the evidence noun and its verb without naming a source.
_FILLER = r"(?:has|have|had|is|are|was|were|now|also|further|slowly|clearly|increasingly|finally|even|already|that|which|continue|continues|to|begin|begins|keep|keeps|only|just|all)"
_EXPERTS = r"(?:experts|scientists|historians|researchers|scholars|analysts|sources|insiders|observers|officials|doctors|economists|specialists|academics)"
_EXPERT_VERB = (
    r"(?:say|says|said|agree|agreed|warn|warned|believe|believed|claim|claimed|confirm|confirmed|now\s+know|know|point\s+out"
    r"|have\s+(?:found|shown|concluded|established|revealed|proved|proven|confirmed|warned)|concluded|conclude|found)"
)
_DETERMINER = frozenset("the this that these those his her its their our my your such said".split())

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "new evidence has emerged", "recent research has shown", "declassified documents reveal",
    # "studies show"; group "gap" is what stands between the evidence word and its verb.
    (
        "evidence shows",
        re.compile(
            rf"\b(?:(?P<adj>{_ADJ})\s+(?P<mid>(?:[\w-]+\s+){{0,2}}?))?(?P<noun>{_NOUN})\b(?P<gap>[^.;:!?\n]{{0,60}}?)"
            rf"(?<![\w-])(?:{_FILLER}\s+){{0,4}}{_VERB}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "it has emerged",
        re.compile(
            r"\bit\s+(?:has|had|have)\s+(?:\w+\s+)?(?:emerged|been\s+revealed|been\s+shown|been\s+established|been\s+proven|been\s+proved"
            r"|come\s+to\s+light|been\s+discovered|been\s+documented|been\s+confirmed|become\s+known)\b|\bit\s+(?:now\s+)?emerged\b"
            r"|\bit\s+(?:is|was)\s+now\s+(?:known|established|proven|clear)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "experts say",
        re.compile(
            rf"\b(?:(?:many|some|most|leading|top|independent|several|numerous|other|western|serious)\s+)?(?P<noun>{_EXPERTS})\b"
            rf"(?P<gap>[^.;:!?\n]{{0,50}}?)(?<![\w-])(?:now\s+|also\s+|increasingly\s+|all\s+)?{_EXPERT_VERB}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "according to studies",
        re.compile(
            rf"\baccording\s+to\s+(?:(?:some|many|several|recent|new|the\s+latest|latest|unnamed|independent|a\s+(?:new|recent)|a|an)\s+)?"
            rf"(?P<noun>{_NOUN}|{_EXPERTS}|experts?)\b",
            re.IGNORECASE,
        ),
    ),
]

# A citation anywhere in the sentence names a source.
_CITATION = re.compile(
    r"\[\d+(?:[,\u2013-]\s*\d+)*\]|\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\)|https?://|\bwww\.|\bdoi\b|\bet\s+al\b|\bibid\b|\bop\.\s*cit\b",
    re.IGNORECASE,
)
# A source introduced by a preposition: "by Oxford University", "at the Mayo Clinic", "such as Smith".
_INTRODUCED_NAME = re.compile(
    r"\b(?:by|from|at|of|in|with|such\s+as|including|like|led\s+by|conducted\s+by|commissioned\s+by|published\s+by)\s+"
    r"(?:(?:the|a|an)\s+)?(?:[\w'\u2019-]+\s+){0,2}?[A-Z][\w'\u2019.-]+"
)
# After the cue only a publication counts ("liberated by the Red Army" names no source).
_PUBLISHED_IN = re.compile(
    r"\b(?:published|reported|appearing|appeared|printed|presented)\s+(?:in|by|at)\s+(?:the\s+)?[A-Z]|\bin\s+(?:the\s+)?(?:journal|magazine|newspaper|book|paper|archive)\s+[A-Z\"\u201c]"
    r"|\b(?:journal|book|report|paper|study|article)\s+[\"\u201c\u2018]"
)


@dataclass(frozen=True)
class CueMatch:
    """One flagged appeal: offsets into the text, its exact words and the lexicon entry that fired."""

    start: int
    end: int
    text: str
    cue: str


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in ".!?\n") if i >= 0]
    return left, (min(rights) + 1 if rights else len(text))


def _names_a_source(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    s0, s1 = sentence
    if _CITATION.search(text, s0, s1):
        return True
    groups = match.groupdict()
    if groups.get("gap") and _INTRODUCED_NAME.search(groups["gap"]):
        return True
    if groups.get("mid") and re.search(r"\b[A-Z]", groups["mid"]):  # "new Pentagon documents", "a Harvard study"
        return True
    # a name or possessive right before the cue: "a Harvard study", "Smith's research"; a capital
    # opening the sentence ("Recently new evidence ...") is no name.
    before = text[s0 : match.start()].split()
    if before and before[-1][:1].isupper() and (len(before) > 1 or before[-1].endswith(("'s", "\u2019s"))):
        return True
    after = text[match.end() : s1]
    return bool(_PUBLISHED_IN.search(after) or (groups.get("noun") and _INTRODUCED_NAME.match(after.lstrip(" ,"))))


def _refers_back(text: str, match: re.Match[str]) -> bool:
    """ "The study shows": a determiner points at a source named earlier; no new adjective."""
    groups = match.groupdict()
    if groups.get("adj"):
        return False
    words = text[max(0, match.start() - 20) : match.start()].split()
    return bool(words) and words[-1].lower() in _DETERMINER


def unsourced_appeals(text: str) -> list[CueMatch]:
    """Every appeal to unnamed evidence or experts in `text`, in text order (exact substrings)."""
    found: dict[tuple[int, int], CueMatch] = {}
    for cue, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if cue in ("evidence shows", "experts say") and _refers_back(text, match):
                continue
            if _names_a_source(text, match, _sentence_around(text, match.start(), match.end())):
                continue
            start, end = match.start(), match.end()
            if any(s <= start < e or start <= s < end for s, e in found):
                continue  # one flag per phrase: the first pattern that fires wins
            found[(start, end)] = CueMatch(start=start, end=end, text=text[start:end], cue=cue)
    return sorted(found.values(), key=lambda c: (c.start, c.end))
