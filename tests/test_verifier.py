"""The verifier end to end over a real SQLite store, with fake models (tests/verification_fakes.py)."""

from __future__ import annotations

import pytest

from sourcecheck.importer import import_documents
from sourcecheck.retrieval import Retriever
from sourcecheck.sqlite_store import SQLiteStore
from sourcecheck.types import Label, Stance
from sourcecheck.verdicts import Thresholds
from sourcecheck.verifier import ClaimInput, Verifier

from verification_fakes import MOSCOW_1944, PACT_AGAINST, PACT_FOR, STALINGRAD, UNRELATED, WINTER_WAR, HashedEmbedder, OverlapNLI, find_names

SOURCES = [WINTER_WAR, MOSCOW_1944, STALINGRAD, UNRELATED]


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "store.db")
    import_documents(s, SOURCES, embedder=HashedEmbedder())
    yield s
    s.close()


def make_verifier(store, nli=None) -> Verifier:
    # The code's default thresholds, not the fitted ones: these tests are about the logic.
    return Verifier(searcher=Retriever(store, embedder=HashedEmbedder(), parallel=False), nli=nli or OverlapNLI(), find_mentions=find_names, k=4, thresholds=Thresholds())


def verify_one(store, text: str):
    return make_verifier(store).verify([ClaimInput(text)])[0]


def test_a_claim_the_evidence_states_is_supported_with_an_exact_quote(store):
    v = verify_one(store, "The Winter War began on 30 November 1939.")
    assert v.label is Label.SUPPORTED
    ev = v.evidence[0]
    assert ev.stance is Stance.SUPPORTS and ev.source_id == "winter-war" and ev.title == "Winter War"
    assert WINTER_WAR.text[ev.start : ev.end] == ev.quote
    assert "30 November 1939" in ev.quote and ev.attribution == "Winter War, Example Encyclopedia" and ev.licence == "CC BY-SA 4.0"
    assert ev.checks["nli"]["entailment"] > 0.5 and ev.checks["dates"]["outcome"] == "match"
    assert "Winter War" in v.rationale


def test_a_wrong_month_is_refuted_by_the_date_rule_although_nli_sees_no_contradiction(store):
    v = verify_one(store, "The Winter War began in December 1939.")
    assert v.label is Label.REFUTED
    assert v.evidence[0].checks["dates"]["outcome"] == "mismatch"
    assert v.evidence[0].checks["nli"]["contradiction"] < 0.5  # the fake NLI saw no contradiction
    assert "December 1939" in v.rationale and "30 November 1939" in v.rationale
    assert any(c["outcome"] == "mismatch" for c in v.checks["dates"])


def test_an_inflated_number_is_refuted_by_the_number_rule(store):
    v = verify_one(store, "About 900,000 German soldiers surrendered at Stalingrad.")
    assert v.label is Label.REFUTED
    assert v.evidence[0].checks["numbers"]["outcome"] == "mismatch"
    assert "900,000" in v.rationale and "91,000" in v.rationale


def test_a_close_number_with_a_hedge_agrees(store):
    v = verify_one(store, "About 90,000 German soldiers surrendered at Stalingrad.")
    assert v.label is not Label.REFUTED
    assert all(c["outcome"] == "match" for c in v.checks.get("numbers", []))


def test_a_wrong_participant_is_refuted_by_the_participant_rule(store):
    v = verify_one(store, "At the conference Roosevelt met Stalin in Moscow.")
    assert v.label is Label.REFUTED
    mismatch = v.evidence[0].checks["participants"]
    assert mismatch["outcome"] == "mismatch" and mismatch["claim"] == "Roosevelt" and "Churchill" in mismatch["evidence"]


def test_silence_is_not_enough_evidence(store):
    v = verify_one(store, "The Treaty of Rapallo was signed by Chicherin in April 1922.")
    assert v.label is Label.NOT_ENOUGH_EVIDENCE
    assert all(e.stance is Stance.NEUTRAL for e in v.evidence)
    assert "No passage supports or contradicts" in v.rationale


def test_an_empty_store_gives_not_enough_evidence(tmp_path):
    empty = SQLiteStore(tmp_path / "empty.db")
    try:
        v = make_verifier(empty).verify([ClaimInput("The Winter War began on 30 November 1939.")])[0]
    finally:
        empty.close()
    assert v.label is Label.NOT_ENOUGH_EVIDENCE and v.evidence == []
    assert v.rationale == "No passage in the evidence store bears on this claim."


def test_two_sources_that_disagree_make_a_conflict(tmp_path):
    s = SQLiteStore(tmp_path / "pact.db")
    import_documents(s, [PACT_FOR, PACT_AGAINST], embedder=HashedEmbedder())
    try:
        v = make_verifier(s).verify([ClaimInput("The pact was signed in Moscow by Molotov and Ribbentrop.")])[0]
    finally:
        s.close()
    assert v.label is Label.CONFLICTING
    assert {e.stance for e in v.evidence} == {Stance.SUPPORTS, Stance.REFUTES}
    assert {e.source_id for e in v.evidence} == {"pact-a", "pact-b"}


def test_claims_are_scored_in_one_nli_batch_and_keep_their_order(store):
    nli = OverlapNLI()
    verifier = make_verifier(store, nli)
    claims = [ClaimInput("The Winter War began in December 1939."), ClaimInput("The Winter War began on 30 November 1939.")]
    labels = [v.label for v in verifier.verify(claims)]
    assert labels == [Label.REFUTED, Label.SUPPORTED]
    assert len(nli.calls) == 1


class TitledOverlapNLI(OverlapNLI):
    """The overlap fake, declaring (like a model trained with --titles) that it reads titled premises."""

    premise_titles = True


def test_a_model_trained_on_titled_premises_reads_each_window_after_its_title(store):
    nli = TitledOverlapNLI()
    make_verifier(store, nli).verify([ClaimInput("The Winter War began on 30 November 1939.")])
    premises = [premise for premise, _ in nli.calls[0]]
    titles = tuple(f"{source.title}: " for source in SOURCES)
    assert premises and all(p.startswith(titles) for p in premises)
    assert any(p.startswith("Winter War: ") for p in premises)
    # The plain fake gets the bare window, exactly as quoted.
    plain = OverlapNLI()
    make_verifier(store, plain).verify([ClaimInput("The Winter War began on 30 November 1939.")])
    assert not any(p.startswith("Winter War: ") for p, _ in plain.calls[0])


def test_confidence_is_a_probability_and_evidence_scores_are_bounded(store):
    for text in ("The Winter War began in December 1939.", "The Winter War began on 30 November 1939.", "Tea was invented in 1950 in Finland."):
        v = verify_one(store, text)
        assert 0.0 <= v.confidence <= 1.0
        assert all(0.0 <= e.score <= 1.0 for e in v.evidence)


def test_verifier_needs_a_store_or_a_searcher():
    with pytest.raises(ValueError, match="store or a searcher"):
        Verifier()


def test_the_shipped_calibration_loads_and_maps_into_zero_one():
    from sourcecheck.verdicts import calibrated, calibration, default_thresholds

    t = default_thresholds()
    assert 0 < t.support < 1 and 0 < t.refute < 1
    table = calibration()
    assert set(table) <= {label.value for label in Label} and table
    for label in Label:
        assert all(0.0 < calibrated(label, raw) < 1.0 for raw in (0.0, 0.01, 0.5, 0.99, 1.0))
        if label.value in table:
            assert table[label.value][0] > 0  # a stronger raw score never means a lower confidence
