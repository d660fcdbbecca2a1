"""How two related claims from different documents stand: AGREE, CONTRADICT, COMPLEMENT or
EVALUATION_CONTRAST.

The evidence for a pair is gathered once (`PairEvidence`) and decided by `decide`:

1. the verifier's own rules, run with one claim as the "evidence" of the other, in both
   directions: a date interval or a count that does not fit (`rule_dates`, `rule_numbers`) is a
   factual contradiction whatever else is said; so is another place or person (`rule_participants`)
   when both claims name the same event ("the Yalta Conference was held in the Crimea" / "... in
   Tehran"); without a shared event two names are more often two facts ("Churchill met Stalin in
   Moscow" / "Roosevelt met Stalin in Tehran");
2. judgement (`evaluation`): two claims that judge the same thing with opposite polarity ("a
   cynical betrayal" / "a wise and necessary step") disagree in judgement, not in fact
   (EVALUATION_CONTRAST); with the same polarity they AGREE; a disagreement that NLI finds where
   one side is a judgement and the other a plain fact is also one of judgement;
3. the NLI model, for pairs close enough in meaning (MiniLM cosine >= NLI_COSINE), first with
   the longer claim as premise and the shorter as hypothesis (the longer one usually says more: "On 30 January 1933 Hindenburg appointed Hitler chancellor"
   entails "Hitler became chancellor in 1933", not the reverse): entailment is AGREE. A
   contradiction must hold both ways, so a pair the model calls contradictory is asked again the
   other way round and the lower of the two counts: the model, trained on pairs where a changed
   date meant a contradiction, calls many rewordings contradictory in one direction only
   ("1 September 1939" / "the first of September 1939"). (Taking one way when the claims' dates
   differ would catch one more tuning pair, but between two Wikipedia articles it called
   "Germany began its invasion of Poland on 1 September" and "the Soviet Union invaded eastern
   Poland on 17 September" a contradiction.) Neither is COMPLEMENT (same topic,
   different facts, both can be true); so is a pair NLI leaves undecided unless the two claims
   are close in meaning (MiniLM cosine >= PARAPHRASE) with no date or count that differs: the
   same statement in other words, which NLI often misses.

When the claims' dates and counts agree (the same day, month or year; counts within the number
rule's tolerance) NLI may be less sure of an entailment.

    >>> decide(PairEvidence(nli=(0.9, 0.05, 0.05), premise="b"))[0]
    <Relation.AGREE: 'AGREE'>
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .evaluation import Judgement
from .rules import RuleResult
from .types import Relation

# NLI thresholds, set by hand on the tuning third of bench/data/comparison_pairs.jsonl (ENTAIL,
# CONTRADICT, ENTAIL_VALUES_AGREE for the stage 2 NLI model; still among the best for stage 3).
ENTAIL = 0.5
CONTRADICT = 0.5
# When the claims' dates and counts agree, an entailment needs this little.
ENTAIL_VALUES_AGREE = 0.3
# ... and a contradiction from NLI alone this much: NLI's commonest error is calling a
# paraphrase a contradiction, and agreeing dates and counts are evidence against one.
CONTRADICT_VALUES_AGREE = 0.9  # tuning third: 0.7-1.0 all give 31/34, 0.5 gives 30/34
# NLI is asked only about pairs at least this close in meaning (MiniLM cosine): every agreeing
# or contradicting pair of the tuning set is at 0.60 or above, and between claims further apart
# the model mostly answers neutral, or finds a contradiction between two different facts. It
# also halves the NLI work of comparing two long documents.
NLI_COSINE = 0.55
# Sentence-embedding cosine above which two claims with no differing date or count say the same
# thing. 0.7 fitted the tuning pairs; two Wikipedia articles on the Finnish-Soviet wars
# (bench/data/comparison_docs) showed claims on one subject at 0.70-0.72 that state different
# facts, and MiniLM puts true paraphrases higher, so 0.75.
PARAPHRASE = 0.75


@dataclass(frozen=True)
class PairEvidence:
    """Everything measured on one pair: NLI (entailment, neutral, contradiction) with claim
    `premise` ("a" or "b") as premise and the other as hypothesis (None when rules or judgement
    decided without it), the same the other way round when asked (`nli_reverse`), rule results,
    judgements."""

    nli: tuple[float, float, float] | None = None
    premise: str = "a"
    nli_reverse: tuple[float, float, float] | None = None
    rules: tuple[RuleResult, ...] = ()
    shared_event: bool = False
    cosine: float = 0.0
    values: str | None = None  # "agree" (dates and counts fit), "differ", or None (nothing to compare)
    judgement_a: Judgement = Judgement(0, 0.0, ())
    judgement_b: Judgement = Judgement(0, 0.0, ())
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def entailment(self) -> float:
        """Entailment either way (the reverse direction, when it was asked, may entail)."""
        if self.nli is None:
            return 0.0
        return max(self.nli[0], self.nli_reverse[0]) if self.nli_reverse else self.nli[0]

    @property
    def contradiction(self) -> float:
        """Contradiction both ways: the lower of the two directions when both were asked."""
        if self.nli is None:
            return 0.0
        return min(self.nli[2], self.nli_reverse[2]) if self.nli_reverse else self.nli[2]

    def decided_without_nli(self) -> bool:
        """A decisive rule mismatch, two judgements, or meanings too far apart: NLI is not asked."""
        return bool(_mismatches(self)) or (self.judgement_a.evaluative and self.judgement_b.evaluative) or self.cosine < NLI_COSINE

    def wants_reverse(self) -> bool:
        """Asked one way, the model found a contradiction: ask the other way too."""
        return self.nli is not None and self.nli_reverse is None and self.nli[2] >= CONTRADICT

    def checks(self) -> dict[str, Any]:
        return {
            "nli": None if self.nli is None else {"premise": self.premise, **_probs(self.nli)} | (
                {"reverse": _probs(self.nli_reverse)} if self.nli_reverse else {}),
            "rules": [r.as_dict() for r in self.rules],
            "shared_event": self.shared_event,
            "values": self.values,
            "judgement": {"a": _judged(self.judgement_a), "b": _judged(self.judgement_b)},
        } | self.extra


def _probs(p: tuple[float, float, float]) -> dict[str, float]:
    return {"entailment": round(p[0], 4), "neutral": round(p[1], 4), "contradiction": round(p[2], 4)}


def _judged(j: Judgement) -> dict[str, Any]:
    return {"polarity": j.polarity, "words": list(j.words)}


def _stance(j: Judgement) -> str:
    return ("praises" if j.polarity > 0 else "condemns") + " (" + ", ".join(w.lstrip("+-") for w in j.words) + ")"


def _mismatches(e: PairEvidence) -> list[RuleResult]:
    return [r for r in e.rules if r.outcome == "mismatch" and (r.rule != "participants" or e.shared_event)]


def decide(e: PairEvidence) -> tuple[Relation, float, str]:
    """The relation of a pair, a confidence in [0, 1] (a score, not a calibrated probability),
    and the reason in words."""
    mismatch = _mismatches(e)
    if mismatch:
        r = mismatch[0]
        return Relation.CONTRADICT, 0.9, f"{r.rule} rule: one says {r.claim}, the other {r.evidence}"
    ja, jb = e.judgement_a, e.judgement_b
    if ja.evaluative and jb.evaluative:
        strength = min(abs(ja.score), abs(jb.score))
        confidence = round(min(0.95, 0.6 + 0.15 * strength), 4)
        if ja.polarity != jb.polarity:
            return Relation.EVALUATION_CONTRAST, confidence, f"opposite judgements: one {_stance(ja)}, the other {_stance(jb)}"
        return Relation.AGREE, confidence, f"the same judgement: both {'praise' if ja.polarity > 0 else 'condemn'} ({', '.join(w.lstrip('+-') for w in ja.words + jb.words)})"
    entail, contra = e.entailment, e.contradiction
    matched = [r for r in e.rules if r.outcome == "match" and r.rule != "participants"]
    agree = e.values == "agree"
    if contra > entail and contra >= (CONTRADICT_VALUES_AGREE if agree or matched else CONTRADICT):
        if ja.evaluative or jb.evaluative:
            judged = ja if ja.evaluative else jb
            return Relation.EVALUATION_CONTRAST, round(0.5 + 0.3 * contra, 4), f"a judgement against a statement: one {_stance(judged)}; NLI contradiction {contra:.2f}"
        return Relation.CONTRADICT, round(contra, 4), f"NLI: contradiction both ways ({contra:.2f})"
    if entail >= (ENTAIL_VALUES_AGREE if agree or matched else ENTAIL):
        forward = e.nli is not None and e.nli[0] >= entail
        direction = "the first claim entails the second" if (e.premise == "a") == forward else "the second claim entails the first"
        why = f"NLI: {direction} ({entail:.2f})"
        if matched:
            why += "; " + "; ".join(f"{r.rule} agree ({r.claim} / {r.evidence})" for r in matched)
        elif agree:
            why += "; dates and numbers agree"
        return Relation.AGREE, round(max(entail, 0.5), 4), why
    if e.cosine >= PARAPHRASE and e.values != "differ":
        return Relation.AGREE, round(min(0.9, e.cosine), 4), f"the same statement in other words (meaning similarity {e.cosine:.2f}; no date or number differs)"
    if e.nli is None:
        return Relation.COMPLEMENT, 0.5, f"same topic, different facts (too far apart in meaning for NLI: similarity {e.cosine:.2f})"
    why = f"same topic, different facts: neither claim entails or contradicts the other (NLI entailment {entail:.2f}, contradiction {contra:.2f})"
    if e.nli is not None and e.nli[2] >= CONTRADICT:
        why = f"same topic, different facts: NLI found a contradiction one way only ({e.nli[2]:.2f}, the other way {contra:.2f})"
    return Relation.COMPLEMENT, round(max(1 - max(entail, contra), 0.5), 4), why
