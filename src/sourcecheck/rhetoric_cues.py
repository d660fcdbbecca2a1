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
# A verb in lower case only ("The Alex Jones Show" is no verb); (?-i:...) switches case back on.
_VERB = rf"(?-i:{_VERB})"
# What may stand between the evidence word and its verb: a phrase opened by a preposition or a
# participle ("from the archives", "gathered in Moscow"), which `_names_a_source` then reads;
# anything else ("Sources say the information ... does not point to") is another clause.
_GAP = (
    r"(?:,?\s+(?:of|from|by|at|in|on|into|about|during|across|around|with|among|such\s+as|including|like|released|published"
    r"|conducted|obtained|gathered|found|compiled|collected|held|kept|cited|uncovered|discovered)\b[^.;:!?\n,]{0,50}?,?)?"
)
# Words that may stand between the evidence noun and its verb without naming a source.
_FILLER = (
    r"(?:has|have|had|is|are|was|were|now|also|further|slowly|clearly|increasingly|finally|even|already|that|which"
    r"|continues?\s+to|begins?\s+to|keeps?|only|just|all)"
)
# Officials are a party to events, not evidence; "officials said" is news reporting, not an appeal.
_EXPERTS = r"(?:experts|scientists|historians|researchers|scholars|analysts|sources|insiders|observers|economists|specialists|academics)"
# Present and perfect tense only: "experts say" appeals to a standing consensus, "experts said"
# reports what was said on an occasion.
_EXPERT_VERB = (
    r"(?-i:(?:say|agree|warn|believe|claim|confirm|now\s+know|know|point\s+out|conclude|insist|suggest)"
    r"|have\s+(?:long\s+)?(?:found|shown|concluded|established|revealed|proved|proven|confirmed|warned|said|argued|known))\b"
)
_DETERMINER = frozenset("the this that these those his her its their our my your such said".split())
# "no evidence shows", "not a shred of evidence to suggest": a denial, not an appeal.
_NEGATION = frozenset("no not without any nor never".split())

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "new evidence has emerged", "recent research has shown", "declassified documents reveal",
    # "studies show"; group "gap" is what stands between the evidence word and its verb.
    (
        "evidence shows",
        re.compile(
            rf"\b(?:(?P<adj>{_ADJ})\s+(?P<mid>(?:[\w-]+\s+){{0,2}}?))?(?P<noun>{_NOUN})\b(?P<gap>{_GAP})"
            rf"\s+(?:{_FILLER}\s+){{0,4}}{_VERB}\b",
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
            rf"(?P<gap>{_GAP})\s+(?:now\s+|also\s+|increasingly\s+|all\s+|still\s+|generally\s+)?{_EXPERT_VERB}",
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
    r"\b(?:(?:released|published|obtained|written|compiled|issued|produced|leaked|commissioned|conducted|led|carried\s+out|cited)\s+)?"
    r"(?:by|from|at|of|in|with|such\s+as|including|like)\s+"
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
    # a name, acronym or possessive right before the cue: "a Harvard study", "Smith's research";
    # an ordinary capitalised word opening the sentence ("Recently new evidence ...") is no name.
    before = text[s0 : match.start()].split()
    if len(before) > 1 and before[-2][:1].isupper() and before[-2].endswith(("'s", "\u2019s")):
        return True  # "NASA's own data"
    if before and before[-1][:1].isupper():
        word = before[-1].rstrip(",")
        if len(before) > 1 or word.endswith(("'s", "\u2019s")) or (len(word) > 1 and word.isupper()):
            return True  # an acronym names a body even at the start: "NASA scientists say"
    after = text[match.end() : s1]
    return bool(_PUBLISHED_IN.search(after) or (groups.get("noun") and _INTRODUCED_NAME.match(after.lstrip(" ,"))))


def _refers_back_or_denies(text: str, match: re.Match[str]) -> bool:
    """ "The study shows": a determiner points at a source named before (unless a "new" or
    "recent" makes it a fresh appeal); "no evidence shows", "not ... evidence": a denial."""
    words = [w.lower().strip(",") for w in text[max(0, match.start() - 40) : match.start()].split()]
    if any(w in _NEGATION for w in words[-4:]):
        return True
    return not match.groupdict().get("adj") and bool(words) and words[-1] in _DETERMINER


def unsourced_appeals(text: str) -> list[CueMatch]:
    """Every appeal to unnamed evidence or experts in `text`, in text order (exact substrings).

    Where two cues overlap ("according to recent studies showing"), the one that starts first
    (then the longer) is kept: one flag per phrase.
    """
    candidates: list[CueMatch] = []
    for cue, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if cue in ("evidence shows", "experts say") and _refers_back_or_denies(text, match):
                continue
            if _names_a_source(text, match, _sentence_around(text, match.start(), match.end())):
                continue
            candidates.append(CueMatch(start=match.start(), end=match.end(), text=match.group(), cue=cue))
    kept: list[CueMatch] = []
    for candidate in sorted(candidates, key=lambda c: (c.start, -(c.end - c.start))):
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept
