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

from .evidence_sentences import content_terms

Outcome = Literal["match", "mismatch"]
# The share of the claim's other content words (its dates, numbers or names set aside) that a
# window must contain before a rule may call it a mismatch. Tuned on the history retrieval set
# (bench/data/history_retrieval.jsonl, the verifier's tuning set), not on any test set.
ABOUT_SAME = 0.5


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


def topic_overlap(claim_rest: str, window: str) -> float:
    """Share of the content terms of `claim_rest` (the claim minus the value under test) that
    `window` contains."""
    terms = content_terms(claim_rest)
    if not terms:
        return 0.0
    return len(terms & content_terms(window)) / len(terms)
