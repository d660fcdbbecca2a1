"""From scored evidence windows to one verdict: label, calibrated confidence, rationale, quotes.

Each window has NLI probabilities (entailment, neutral, contradiction) and the rule results.
A rule mismatch on a window about the same thing counts as contradiction evidence of a fixed
strength and cancels most of that window's support (the NLI model sees "December 1939" and
"30 November 1939" as near-paraphrases); then over all windows

    support = max window support          refute = max window refutation

and the label is NOT_ENOUGH_EVIDENCE when neither reaches its threshold (silence is an answer),
CONFLICTING when both are strong and come from different sources, else the stronger side, with
one exception: a window that entails the claim at `trust_support` or more outweighs a stronger
refutation that rests on the NLI model alone (no date, number or name rule behind it). Our model,
trained on FactCC-style swaps, reads reworded numbers and dates ("three decades" for "thirty
years") as contradictions far more often than it invents an entailment. The raw
strength of the winning side becomes a confidence through a logistic calibration per label
(`data/verifier_calibration.json`, fitted by scripts/calibrate_verifier.py on the tuning set).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .evidence_sentences import Window
from .rules import RuleResult, about_same
from .types import Evidence, Label, Stance, Verdict

# How strongly a rule mismatch refutes. Dates and numbers are read exactly; names less so (a
# window may name someone else beside the claim's person without contradicting the claim).
RULE_STRENGTH = {"dates": 0.85, "numbers": 0.8, "participants": 0.65}
# Share of a window's entailment that survives a rule mismatch on it.
SUPPORT_AFTER_MISMATCH = 0.2
# A window holding `full_coverage` of the claim's content words counts in full; one holding less
# counts in proportion (NLI is confident on windows that are merely near the topic). An NLI
# contradiction counts only from a window holding `topic_overlap` of the claim's content words
# and `topic_names` of its proper names. All are fitted with the thresholds
# (scripts/calibrate_verifier.py).
FULL_COVERAGE = 0.7
TOPIC_OVERLAP = 0.5
TOPIC_NAMES = 0.5
MAX_QUOTES = 3


@dataclass(frozen=True)
class Thresholds:
    support: float = 0.5
    refute: float = 0.5
    conflict: float = 0.8
    full_coverage: float = FULL_COVERAGE
    topic_overlap: float = TOPIC_OVERLAP
    topic_names: float = TOPIC_NAMES
    # Support this strong beats an NLI-only refutation; above 1 the exception is off.
    trust_support: float = 1.01


def on_topic(claim: str, window: str, thresholds: Thresholds) -> bool:
    """May an NLI contradiction from `window` refute `claim`? (Always, when the gate is off.)"""
    if thresholds.topic_overlap <= 0 and thresholds.topic_names <= 0:
        return True
    return about_same(claim, window, overlap=thresholds.topic_overlap, names=thresholds.topic_names)


@dataclass(frozen=True)
class Assessment:
    """One evidence window as the verifier judged it."""

    window: Window
    entailment: float
    neutral: float
    contradiction: float
    rules: tuple[RuleResult, ...] = field(default_factory=tuple)
    # The window is about what the claim is about (`rules.about_same`): only then can an NLI
    # contradiction refute. Our NLI model reads "another date" as contradiction, whatever the event.
    on_topic: bool = True
    full_coverage: float = FULL_COVERAGE

    @property
    def weight(self) -> float:
        return min(1.0, self.window.relevance / self.full_coverage) if self.full_coverage > 0 else 1.0

    @property
    def mismatches(self) -> list[RuleResult]:
        return [r for r in self.rules if r.outcome == "mismatch"]

    @property
    def support(self) -> float:
        return self.entailment * self.weight * (SUPPORT_AFTER_MISMATCH if self.mismatches else 1.0)

    @property
    def nli_refute(self) -> float:
        return self.contradiction * self.weight if self.on_topic else 0.0

    @property
    def rule_refute(self) -> float:
        strength = 0.0
        for rule in self.mismatches:
            if rule.rule == "participants" and self.entailment >= 0.5:
                continue  # NLI reads the window as saying the same: a name beside, not instead
            strength = max(strength, RULE_STRENGTH[rule.rule])
        return strength

    @property
    def refute(self) -> float:
        return max(self.nli_refute, self.rule_refute)

    def stance(self, thresholds: Thresholds) -> Stance:
        """What this window says of the claim, by the same thresholds the verdict uses."""
        if self.refute >= thresholds.refute and self.refute > self.support:
            return Stance.REFUTES
        if self.support >= thresholds.support:
            return Stance.SUPPORTS
        return Stance.NEUTRAL


@functools.cache
def _fitted() -> dict[str, Any]:
    path = resources.files("sourcecheck").joinpath("data/verifier_calibration.json")
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def calibration() -> dict[str, tuple[float, float]]:
    """label -> (a, b) of confidence = sigmoid(a * logit(raw) + b); identity when not fitted."""
    return {label: (float(v["a"]), float(v["b"])) for label, v in _fitted().get("labels", {}).items()}


def default_thresholds() -> Thresholds:
    """The thresholds fitted with the calibration (Thresholds() when none were fitted)."""
    return Thresholds(**_fitted().get("thresholds", {}))


def calibrated(label: Label, raw: float, table: dict[str, tuple[float, float]] | None = None) -> float:
    a, b = (table if table is not None else calibration()).get(label.value, (1.0, 0.0))
    p = min(max(raw, 1e-4), 1 - 1e-4)
    return 1.0 / (1.0 + math.exp(-(a * math.log(p / (1 - p)) + b)))


def decide(assessments: list[Assessment], thresholds: Thresholds = Thresholds()) -> tuple[Label, float]:
    """The label and its raw (uncalibrated) strength."""
    support = max((a.support for a in assessments), default=0.0)
    refute = max((a.refute for a in assessments), default=0.0)
    supported, refuted = support >= thresholds.support, refute >= thresholds.refute
    if not supported and not refuted:
        return Label.NOT_ENOUGH_EVIDENCE, 1.0 - max(support, refute)
    if support >= thresholds.conflict and refute >= thresholds.conflict:
        backers = {a.window.hit.source_id for a in assessments if a.support >= thresholds.conflict}
        deniers = {a.window.hit.source_id for a in assessments if a.refute >= thresholds.conflict}
        if backers - deniers and deniers - backers:
            return Label.CONFLICTING, min(support, refute)
    # A side below its own threshold is no evidence, however it compares with the other: with
    # support 0.35 over a threshold of 0.3 and refutation 0.38 under one of 0.4, the claim is
    # supported (and some window's stance says so, which the quotes need).
    if not refuted or (supported and (support >= refute or overruled_by_support(assessments, thresholds))):
        return Label.SUPPORTED, support
    return Label.REFUTED, refute


def overruled_by_support(assessments: list[Assessment], thresholds: Thresholds) -> bool:
    """Does a strongly entailing window outweigh a stronger refutation that rests on NLI alone?
    Any rule mismatch strong enough to refute, on any window, keeps the refutation: "December
    1939" against "30 November 1939" is refuted however well another window seems to entail it."""
    support = max((a.support for a in assessments), default=0.0)
    refute = max((a.refute for a in assessments), default=0.0)
    backed_by_rule = any(a.rule_refute >= thresholds.refute for a in assessments)
    return support >= thresholds.trust_support and refute > support and not backed_by_rule


def _evidence(a: Assessment, thresholds: Thresholds) -> Evidence:
    hit = a.window.hit
    stance = a.stance(thresholds)
    checks: dict[str, Any] = {"nli": {"entailment": round(a.entailment, 4), "neutral": round(a.neutral, 4), "contradiction": round(a.contradiction, 4)}}
    for rule in a.rules:
        checks[rule.rule] = rule.as_dict()
    score = {Stance.SUPPORTS: a.support, Stance.REFUTES: a.refute}.get(stance, a.window.relevance)
    return Evidence(
        passage_id=hit.passage_id, source_id=hit.source_id, title=hit.title, url=hit.url, published=hit.published,
        licence=hit.licence, attribution=hit.attribution, quote=a.window.text, start=a.window.start, end=a.window.end,
        stance=stance, score=round(min(max(score, 0.0), 1.0), 4), checks=checks,
    )


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rationale(label: Label, chosen: list[Assessment], assessments: list[Assessment], thresholds: Thresholds = Thresholds()) -> str:
    if label is Label.NOT_ENOUGH_EVIDENCE:
        if not assessments:
            return "No passage in the evidence store bears on this claim."
        best = max(assessments, key=lambda a: a.window.relevance)
        return f"No passage supports or contradicts the claim; the closest, from \"{best.window.hit.title}\", is silent on it."
    lead = chosen[0]
    title = lead.window.hit.title
    if label is Label.SUPPORTED:
        return f"\"{title}\" says: \"{_short(lead.window.text)}\""
    if label is Label.REFUTED:
        mismatch = next((r for r in lead.mismatches), None)
        if mismatch is not None:
            return f"{mismatch.note[0].upper()}{mismatch.note[1:]} (\"{title}\")."
        return f"\"{title}\" contradicts it: \"{_short(lead.window.text)}\""
    other = next((a for a in chosen[1:] if a.stance(thresholds) != lead.stance(thresholds)), None)
    other_title = other.window.hit.title if other else "another source"
    return f"The sources disagree: \"{title}\" {'supports' if lead.stance(thresholds) is Stance.SUPPORTS else 'contradicts'} the claim, \"{other_title}\" the opposite."


def verdict(assessments: list[Assessment], *, thresholds: Thresholds = Thresholds(), retrieval: dict[str, Any] | None = None) -> Verdict:
    """The verdict on one claim from its assessed windows (an empty list: nothing was found)."""
    label, raw = decide(assessments, thresholds)
    if label is Label.SUPPORTED:
        chosen = sorted((a for a in assessments if a.stance(thresholds) is Stance.SUPPORTS), key=lambda a: -a.support)
    elif label is Label.REFUTED:
        chosen = sorted((a for a in assessments if a.stance(thresholds) is Stance.REFUTES), key=lambda a: -a.refute)
    elif label is Label.CONFLICTING:
        backers = sorted((a for a in assessments if a.stance(thresholds) is Stance.SUPPORTS), key=lambda a: -a.support)
        deniers = sorted((a for a in assessments if a.stance(thresholds) is Stance.REFUTES), key=lambda a: -a.refute)
        chosen = [x for pair in zip(backers, deniers) for x in pair]  # both sides, best first
    else:
        chosen = sorted(assessments, key=lambda a: (-a.window.relevance, a.window.rank))
    chosen = chosen[:MAX_QUOTES]
    best_support = max(assessments, key=lambda a: a.support, default=None)
    best_refute = max(assessments, key=lambda a: a.refute, default=None)
    checks: dict[str, Any] = {
        "nli": {
            "support": round(best_support.support, 4) if best_support else 0.0,
            "refute": round(best_refute.refute, 4) if best_refute else 0.0,
            "raw_strength": round(raw, 4),
            "contradiction_overruled": overruled_by_support(assessments, thresholds),
        },
        "retrieval": retrieval or {},
    }
    for rule in ("dates", "numbers", "participants"):
        found = [r.as_dict() | {"quote": _short(a.window.text, 80)} for a in assessments for r in a.rules if r.rule == rule]
        if found:
            checks[rule] = found
    return Verdict(
        label=label, confidence=round(calibrated(label, raw), 4), rationale=rationale(label, chosen, assessments, thresholds),
        evidence=[_evidence(a, thresholds) for a in chosen], checks=checks,
    )
