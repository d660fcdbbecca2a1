"""Claim extraction on real parses (spaCy), with a fake check-worthiness scorer and no dates."""

import hashlib

import pytest

from sourcecheck.analysis import analyse
from sourcecheck.pipeline import ClaimExtractor
from sourcecheck.types import Document

pytestmark = pytest.mark.slow


def no_times(text, document_date=None):
    return []


@pytest.fixture(scope="module")
def extract():
    from conftest import WordCountScorer

    extractor = ClaimExtractor(scorer=WordCountScorer(), tag_times=no_times)

    def run(text):
        doc = Document(id=hashlib.sha256(text.encode()).hexdigest()[:16], text=text, source="<test>")
        return extractor.claims(analyse(doc, tag_times=no_times))

    return run


def texts(claims):
    return [c.text for c in claims]


def test_apposition_and_purpose_clauses_become_claims(extract):
    claims = extract(
        "When the Red Army defeated the German forces at the Battle of Stalingrad, Winston Churchill, head of the "
        "British government, travelled in 1943 to Turkey to have secret talks with Hitler, to seek peace and to see what could be done."
    )
    found = texts(claims)
    assert "The Red Army defeated the German forces at the Battle of Stalingrad." in found
    assert "Winston Churchill was head of the British government." in found
    assert "Winston Churchill travelled in 1943 to Turkey." in found
    assert "Winston Churchill travelled in 1943 to Turkey to have secret talks with Hitler." in found
    assert "Winston Churchill travelled in 1943 to Turkey to seek peace." in found


def test_reported_speech_is_attributed_not_asserted(extract):
    claims = extract("Communists and others have long argued that the real motivation for the Second World War was to smash the Soviet Union.")
    assert len(claims) == 1
    claim = claims[0]
    assert claim.text == "The real motivation for the Second World War was to smash the Soviet Union."
    assert claim.attributed_to is not None
    assert claim.attributed_to.speaker == "Communists and others"
    assert claim.attributed_to.cue == "have long argued"


def test_factive_verb_content_is_asserted(extract):
    claims = extract("Historians have shown that the pact contained a secret protocol.")
    content = [c for c in claims if c.text == "The pact contained a secret protocol."]
    assert content and content[0].attributed_to is None


def test_pronoun_resolved_from_previous_sentence(extract):
    claims = extract("Vyacheslav Molotov flew to London in May 1942. He signed the Anglo-Soviet treaty there.")
    assert "Vyacheslav Molotov signed the Anglo-Soviet treaty there." in texts(claims)
    signed = next(c for c in claims if "signed" in c.text)
    assert any(m.text == "Vyacheslav Molotov" for m in signed.mentions)


def test_pronoun_kept_when_antecedent_is_in_the_claim(extract):
    assert texts(extract("In June 1941 Hitler began his march on Russia.")) == ["In June 1941 Hitler began his march on Russia."]


def test_coordinated_clauses_share_the_subject(extract):
    found = texts(extract("The Germans crossed the Bug on 22 June and took Brest within a week."))
    assert "The Germans crossed the Bug on 22 June." in found
    assert "The Germans took Brest within a week." in found


def test_non_restrictive_relative_clause_split(extract):
    found = texts(extract("The pact, which was signed in Moscow, shocked the world."))
    assert "The pact was signed in Moscow." in found
    assert "The pact shocked the world." in found


def test_restrictive_relative_clause_stays(extract):
    found = texts(extract("The weapons they received from the western allies were used against Soviet troops."))
    assert found == ["The weapons they received from the western allies were used against Soviet troops."]


def test_kinds(extract):
    by_text = {c.text: c.kind for c in extract(
        "Was any of this inevitable? The heroism of the defenders will never be forgotten. "
        "We should condemn such cynical and shameful policies. The city fell on 16 September 1942."
    )}
    assert by_text["Was any of this inevitable?"] == "question"
    assert by_text["The heroism of the defenders will never be forgotten."] == "prediction"
    assert by_text["We should condemn such cynical and shameful policies."] == "opinion"
    assert by_text["The city fell on 16 September 1942."] == "fact"


def test_spans_point_at_the_source_text(extract):
    text = "On 1 September 1939 Germany invaded Poland, and Britain declared war two days later."
    for claim in extract(text):
        assert claim.source_text == text[claim.start : claim.end]
        assert claim.start >= 0 and claim.end <= len(text)


def test_claim_ids_are_stable(extract):
    text = "Germany invaded Poland in 1939."
    assert [c.id for c in extract(text)] == [c.id for c in extract(text)]


def test_non_fact_scores_are_damped(extract):
    claims = {c.text: c for c in extract("Was the Red Army ready for the German attack in the summer of 1941?")}
    question = next(iter(claims.values()))
    assert question.kind == "question"
    assert question.checkworthiness <= 0.3 + 1e-9


@pytest.fixture(scope="module")
def extract_dated():
    from conftest import WordCountScorer
    from sourcecheck.dates import tag_times

    extractor = ClaimExtractor(scorer=WordCountScorer(), tag_times=tag_times)

    def run(text):
        doc = Document(id=hashlib.sha256(text.encode()).hexdigest()[:16], text=text, source="<test>")
        return extractor.claims(analyse(doc, tag_times=tag_times))

    return run


def test_when_clause_takes_the_date_it_attaches_to(extract_dated):
    claims = {c.text: c for c in extract_dated("Eight months have passed since the fateful date of 22 June 1941 when Hitler began his march on Russia.")}
    march = claims["Hitler began his march on Russia."]
    assert [t.text for t in march.times] == ["22 June 1941"]


def test_main_clause_takes_the_date_of_its_when_clause(extract_dated):
    claims = {c.text: c for c in extract_dated("When the Germans reached the Volga in August 1942, Stalin issued a new order.")}
    assert [t.text for t in claims["Stalin issued a new order."].times] == ["August 1942"]


def test_heading_is_not_a_claim_and_does_not_merge_with_next_paragraph(extract_dated):
    found = texts(extract_dated("The Road to Stalingrad\n\nThe Battle of Stalingrad ran from August 1942 to February 1943."))
    assert found == ["The Battle of Stalingrad ran from August 1942 to February 1943."]


def test_line_breaks_inside_a_paragraph_are_not_in_claim_text(extract_dated):
    found = texts(extract_dated("Molotov and Ribbentrop signed the pact\nin Moscow on 23 August 1939."))
    assert found == ["Molotov and Ribbentrop signed the pact in Moscow on 23 August 1939."]
