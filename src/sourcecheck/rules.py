"""What the rule checks share: their result type and the test that evidence is about the claim.

NLI models are bad at exactly the errors history texts make: a date a month off, a number
inflated tenfold, the wrong participant (Thorne et al., 2018; Kryscinski et al., 2020). So beside
the NLI score each evidence window goes through three rules (`rule_dates`, `rule_numbers`,
`rule_participants`). A rule only speaks when the window is about the same thing as the claim;
otherwise a date in another sentence of the article would "contradict" every claim.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import re

from .evidence_sentences import _STOP, content_terms, stem

Outcome = Literal["match", "mismatch"]
# The share of the claim's other content words (its dates, numbers or names set aside) that a
# window must contain before a rule may call it a mismatch; and the share of the claim's other
# proper names. Set by hand on the unit-test cases and the claims of the tuning set
# (bench/data/history_retrieval.jsonl), not on any test set: "the war began in 1941" is in
# thousands of windows, "the Winter War began" in few.
ABOUT_SAME = 0.5
NAMES_SAME = 1.0
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]+|^[A-Z][\w'’-]+")


@dataclass(frozen=True)
class RuleResult:
    """One rule's finding on one evidence window: the claim's value against the evidence's."""

    rule: str
    outcome: Outcome
    claim: str
    evidence: str
    note: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def without(text: str, phrases: list[str]) -> str:
    """`text` with each phrase blanked out. By text, not offsets: a claim's dates and mentions
    carry offsets in its document, while the claim text may be a rewritten clause."""
    for phrase in phrases:
        if phrase:
            text = text.replace(phrase, " " * len(phrase))
    return text


# Words that open sentences capitalised without being names ("Around six million...",
# "Despite the treaty..."): with them counted as names, a window without "around" was never
# about the same thing, and the number rule stayed silent.
_OPENERS = frozenset(
    "around despite following although however many nearly almost fewer less barely roughly "
    "approximately until since because though thus yet still even later soon today some several "
    "both each every only just once whereas meanwhile instead perhaps".split()
)


def proper_terms(text: str) -> set[str]:
    """Stems of capitalised words that are not sentence-initial function words ("The", "In",
    "Around") or adverbs ("Reportedly")."""
    out = set()
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        lower = word.lower()
        if lower in _STOP or len(word) < 3:
            continue
        initial = m.start() == 0 or text[max(0, m.start() - 2) : m.start()].rstrip().endswith((".", "!", "?"))
        if initial and (lower in _OPENERS or lower.endswith("ly")):
            continue
        out.add(stem(word))
    return out


def about_same(claim_rest: str, window: str, *, overlap: float = ABOUT_SAME, names: float = NAMES_SAME, title: str = "") -> bool:
    """Is `window` about what `claim_rest` is about? It must hold `overlap` of its content words
    and `names` of its proper names ("Winter War" is not "war"). The claim's names in `title`, the
    window's passage's, count as held: a window of the article "Menachem Begin" that says "He
    proclaimed a revolt" is about Begin. Only names: a title's other words ("Massacre") would make
    every sentence of the article look like the claim's event."""
    terms = content_terms(claim_rest)
    if not terms:
        return False
    seen = content_terms(window)
    if title:
        seen |= proper_terms(claim_rest) & content_terms(title)
    if len(terms & seen) / len(terms) < overlap:
        return False
    wanted = proper_terms(claim_rest)
    return not wanted or len(wanted & seen) / len(wanted) >= names
