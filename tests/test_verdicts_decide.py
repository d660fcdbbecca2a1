"""`verdicts.decide` on hand-made windows: when strong support outweighs an NLI-only refutation,
and when a rule-backed refutation still wins; the topic gate."""

from __future__ import annotations

from sourcecheck.evidence_sentences import Window
from sourcecheck.rules import RuleResult
from sourcecheck.types import Label, SearchHit
from sourcecheck.verdicts import Assessment, Thresholds, decide, on_topic, verdict

TRUSTING = Thresholds(support=0.3, refute=0.3, conflict=1.01, full_coverage=0.0, topic_overlap=0.0, topic_names=0.0, trust_support=0.7)
DATE_MISMATCH = RuleResult("dates", "mismatch", "December 1939", "30 November 1939", "the claim says December 1939, the evidence 30 November 1939")


def window(source: str, text: str) -> Window:
    hit = SearchHit(passage_id=f"{source}:0", source_id=source, title=source, text=text, start=0, end=len(text), score=1.0)
    return Window(hit, text, 0, len(text), 1.0, 0)


def assessed(source: str, entailment: float, contradiction: float, rules: tuple[RuleResult, ...] = ()) -> Assessment:
    neutral = max(0.0, 1.0 - entailment - contradiction)
    return Assessment(window(source, f"Text of {source}."), entailment, neutral, contradiction, rules, True, 0.0)


def test_strong_support_outweighs_a_stronger_contradiction_from_nli_alone():
    windows = [assessed("a", 0.9, 0.05), assessed("b", 0.02, 0.99)]
    assert decide(windows, TRUSTING)[0] is Label.SUPPORTED
    v = verdict(windows, thresholds=TRUSTING)
    assert v.label is Label.SUPPORTED and v.checks["nli"]["contradiction_overruled"] is True
    assert v.evidence[0].source_id == "a"


def test_with_the_exception_off_or_weak_support_the_contradiction_wins():
    windows = [assessed("a", 0.9, 0.05), assessed("b", 0.02, 0.99)]
    off = Thresholds(**{**TRUSTING.__dict__, "trust_support": 1.01})
    assert decide(windows, off)[0] is Label.REFUTED
    weak = [assessed("a", 0.6, 0.05), assessed("b", 0.02, 0.99)]
    assert decide(weak, TRUSTING)[0] is Label.REFUTED
    assert verdict(weak, thresholds=TRUSTING).checks["nli"]["contradiction_overruled"] is False


def test_a_refutation_backed_by_a_rule_is_never_overruled():
    windows = [assessed("a", 0.8, 0.02), assessed("b", 0.02, 0.5, (DATE_MISMATCH,))]
    assert windows[1].rule_refute > windows[0].support >= TRUSTING.trust_support
    assert decide(windows, TRUSTING)[0] is Label.REFUTED
    # ... even when NLI's own contradiction elsewhere is stronger than the rule's.
    assert decide(windows + [assessed("c", 0.01, 0.99)], TRUSTING)[0] is Label.REFUTED
    # The same support against the same strength from NLI alone is overruled.
    assert decide([windows[0], assessed("b", 0.02, 0.85)], TRUSTING)[0] is Label.SUPPORTED


def test_support_that_already_wins_is_unchanged():
    assert decide([assessed("a", 0.8, 0.1), assessed("b", 0.1, 0.5)], TRUSTING)[0] is Label.SUPPORTED
    assert decide([assessed("a", 0.1, 0.1)], TRUSTING)[0] is Label.NOT_ENOUGH_EVIDENCE


def test_the_topic_gate_off_lets_any_window_count_and_on_it_needs_the_claims_names():
    claim = "The Winter War began when the Soviet Union invaded Finland."
    unrelated = "The Continuation War was fought by Germany against the Soviet Union."
    assert on_topic(claim, unrelated, TRUSTING)
    gated = Thresholds(topic_overlap=0.0, topic_names=1.0)
    assert not on_topic(claim, unrelated, gated)
    assert on_topic(claim, "The Soviet Union invaded Finland; the Winter War had begun.", gated)


def test_a_side_below_its_own_threshold_never_wins():
    # support 0.35 reaches 0.3; refutation 0.38 is stronger but under its threshold of 0.4
    uneven = Thresholds(**{**TRUSTING.__dict__, "refute": 0.4})
    windows = [assessed("a", 0.35, 0.0), assessed("b", 0.0, 0.38)]
    assert decide(windows, uneven)[0] is Label.SUPPORTED
    v = verdict(windows, thresholds=uneven)  # quotes a supporting window (it used to find none and fail)
    assert v.label is Label.SUPPORTED and v.evidence[0].source_id == "a"
    # and the other way round
    uneven = Thresholds(**{**TRUSTING.__dict__, "support": 0.4})
    windows = [assessed("a", 0.38, 0.0), assessed("b", 0.0, 0.35)]
    assert decide(windows, uneven)[0] is Label.REFUTED
    assert verdict(windows, thresholds=uneven).evidence[0].source_id == "b"
