"""The rule checks NLI is bad at: dates, numbers, participants; and the evidence windows they see."""

from __future__ import annotations

import pytest

from sourcecheck.dates import tag_times
from sourcecheck.evidence_sentences import candidate_windows, content_terms, coverage
from sourcecheck.quantities import find_quantities
from sourcecheck.rule_dates import check_dates
from sourcecheck.rule_numbers import check_numbers
from sourcecheck.rule_participants import check_participants
from sourcecheck.types import Mention, SearchHit

from verification_fakes import find_names


def dates(claim: str, window: str):
    return check_dates(claim, tag_times(claim), window, tag_times(window))


@pytest.mark.parametrize(
    ("claim", "window", "outcome"),
    [
        ("The Winter War began in December 1939.", "The Winter War began on 30 November 1939.", "mismatch"),
        ("The Winter War began in 1939.", "The Winter War began on 30 November 1939.", "match"),
        ("The Winter War began in November 1939.", "The Winter War began on 30 November 1939 and ended on 13 March 1940.", "match"),
        ("Germany invaded Poland in 1940.", "Germany invaded Poland on 1 September 1939.", "mismatch"),
        ("The battle of Stalingrad lasted from 1942 to 1943.", "The battle of Stalingrad lasted from August 1942 to February 1943.", "match"),
    ],
)
def test_date_rule(claim, window, outcome):
    result = dates(claim, window)
    assert result is not None and result.outcome == outcome and result.rule == "dates"


def test_date_rule_is_silent_when_the_window_is_about_something_else():
    assert dates("The Winter War began in December 1939.", "Tea reached England in 1650.") is None


def test_date_rule_is_silent_without_dates_on_both_sides():
    assert dates("The Winter War began in the winter.", "The Winter War began on 30 November 1939.") is None
    assert dates("The Winter War began in December 1939.", "The Winter War began after Soviet demands.") is None


def test_date_rule_ignores_relative_dates_in_the_evidence():
    # "three months after the outbreak" resolves to about December 1939; the explicit date decides.
    result = dates("The Winter War began in December 1939.", "The Winter War began on 30 November 1939, three months after the outbreak of war on 1 September 1939.")
    assert result is not None and result.outcome == "mismatch"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some ten million soldiers and 2,000 tanks.", [(10_000_000, "soldie", True), (2000, "tank", False)]),
        ("more than 80 percent of all combat", [(80, "percent", True)]),
        ("In 1943, 91,000 Germans surrendered on 2 February.", [(91_000, "german", False)]),
        ("two-thirds of the army", [(2 / 3, "fraction", False)]),
        ("He came 21st; twenty-five men followed.", [(25, "men", False)]),
        ("1.5 million people died.", [(1_500_000, "people", False)]),
    ],
)
def test_quantities(text, expected):
    found = [(q.value, q.unit, q.approximate) for q in find_quantities(text)]
    assert [(pytest.approx(v), u, a) for v, u, a in expected] == found


def test_number_rule():
    assert check_numbers("Ten million soldiers died at Stalingrad.", "At Stalingrad 1.1 million soldiers died.").outcome == "mismatch"
    assert check_numbers("About 90,000 German soldiers surrendered at Stalingrad.", "At Stalingrad 91,000 German soldiers surrendered.").outcome == "match"
    assert check_numbers("Finland lost two-thirds of its territory in the Winter War.", "In the Winter War Finland lost 11 percent of its territory.").outcome == "mismatch"
    # Different things counted: no verdict from the rule.
    assert check_numbers("Ten million soldiers died at Stalingrad.", "At Stalingrad 500 tanks were lost.") is None
    # Same unit but another topic: silent.
    assert check_numbers("Ten million soldiers died at Stalingrad.", "Twenty soldiers guarded the palace in Lisbon.") is None


def participants(claim: str, window: str):
    return check_participants(claim, find_names([claim])[0], window, find_names([window])[0])


def test_participant_rule():
    result = participants("At the conference Roosevelt met Stalin in Moscow.", "At the conference Churchill met Stalin in Moscow.")
    assert result.outcome == "mismatch" and result.claim == "Roosevelt" and result.evidence == "Churchill"
    assert participants("Churchill met Stalin in Moscow.", "In Moscow Churchill met Stalin at the conference.").outcome == "match"
    # The window is about something else: silent.
    assert participants("Roosevelt met Stalin in Moscow.", "Churchill painted landscapes at Chartwell.") is None
    # No rival of the same kind named: silent.
    assert participants("Roosevelt met Stalin at the conference in Moscow.", "Somebody met Stalin at the conference in Moscow.") is None


def test_participant_rule_reads_a_demonym_as_the_country():
    # "Finnish" names Finland, so Stalingrad beside it is no rival.
    finland = "Finland attacked the Soviet positions near Moscow in December."
    assert participants(finland, "Finnish troops from Stalingrad attacked the Soviet positions near Moscow in December.").outcome == "match"
    # ... also as part of a hyphenated word.
    assert participants(finland, "Finnish-led troops from Stalingrad attacked the Soviet positions near Moscow in December.").outcome == "match"
    # A word that merely begins like the country is not a demonym: Sweden is then a rival (a
    # country; a city such as Stalingrad is no rival of a country, `test_a_country_is_no_rival_of_a_city`).
    window = "Finnegan troops from Sweden attacked the Soviet positions near Moscow in December."
    found = check_participants(finland, find_names([finland])[0], window, find_names([window])[0] + [_mention(window, "Sweden", "place")])
    assert found is not None and found.outcome == "mismatch"


def hit(text: str, start: int = 100, source_id: str = "s", title: str = "T") -> SearchHit:
    return SearchHit(passage_id=f"p{start}", source_id=source_id, title=title, text=text, start=start, end=start + len(text), score=1.0)


def test_windows_keep_exact_offsets_and_prefer_covering_sentences():
    source = "x" * 100 + "Tea is hot. The Winter War began on 30 November 1939. Finland lost territory."
    passage = hit(source[100:])
    windows = candidate_windows("The Winter War began on 30 November 1939.", [passage], limit=3)
    assert windows[0].text == "The Winter War began on 30 November 1939."
    for w in windows:
        assert source[w.start : w.end] == w.text


def test_a_pair_window_is_kept_only_when_it_covers_more():
    text = "The Sixth Army was encircled at Stalingrad. It surrendered in February 1943."
    windows = candidate_windows("The Sixth Army surrendered at Stalingrad in February 1943.", [hit(text)], limit=5)
    assert windows[0].text == text  # neither sentence alone has both halves of the claim
    only = candidate_windows("Tea is hot.", [hit("Tea is hot. Coffee is hot.")], limit=5)
    assert "Tea is hot. Coffee is hot." not in [w.text for w in only]


def test_overlapping_passages_give_each_window_once():
    text = "The Winter War began on 30 November 1939. Finland lost territory."
    windows = candidate_windows("Winter War began 1939", [hit(text, 0), hit(text, 0)], limit=10)
    assert len({(w.start, w.end) for w in windows}) == len(windows)


def test_content_terms_and_coverage():
    assert "invade" in content_terms("Germany invaded Poland") and "the" not in content_terms("the war")
    assert coverage(content_terms("Germany invaded Poland in 1939"), "Poland was invaded by Germany in 1939") == 1.0


def test_about_same_needs_the_claims_names_not_just_its_common_words():
    from sourcecheck.rules import about_same, proper_terms

    assert proper_terms("The Winter War began in Finland.") == {"winter", "war", "finlan"}
    assert about_same("The Winter War began.", "The Winter War began on 30 November 1939.")
    assert not about_same("The Winter War began.", "The war in the Pacific began in December 1941.")
    assert not about_same("Roosevelt met Stalin.", "Tea is an aromatic beverage.")
    # Half the names is enough when asked for half: a swapped participant keeps the rest.
    assert about_same("Roosevelt met Stalin in Moscow.", "Churchill met Stalin in Moscow.", names=0.5)
    assert not about_same("Roosevelt met Stalin in Moscow.", "Churchill met Stalin in Moscow.")


def test_the_date_rule_wants_the_claims_verb_too():
    # The window names the war but is about another moment of it.
    assert dates("The Winter War began in December 1939.", "Soviet historiography of the Winter War changed in the late 1980s.") is None


def test_numbers_compare_what_follows_not_only_the_first_word():
    # "six billion German gold mark": the first word after the number is "German", but both
    # sides count gold marks (regression: the rule used to see different units and stay silent).
    claim = "Soviet Russia agreed to pay three billion gold marks in reparations under the treaty."
    window = "Under the treaty Soviet Russia agreed to pay six billion German gold mark in reparations."
    result = check_numbers(claim, window)
    assert result is not None and result.outcome == "mismatch"


def test_sentence_openers_are_not_names():
    # Regression: "Around" at the start of a claim counted as a proper name, so no window was
    # "about the same thing" and the number rule never compared the counts.
    from sourcecheck.rules import proper_terms

    assert proper_terms("Around six million people died. Reportedly Churchill agreed.") == {"church"}
    assert "stalin" in proper_terms("Stalin signed it. Despite that, Hitler attacked.")
    result = check_numbers("Around six million soldiers died in the siege of the city.", "Fewer than one million soldiers died in the siege of the city.")
    assert result is not None and result.outcome == "mismatch"


def test_half_a_million_is_a_number_not_a_fraction():
    (q,) = find_quantities("Half a million soldiers died.")
    assert (q.value, q.unit) == (500_000, "soldie")
    (q,) = find_quantities("a quarter of a million people")
    assert q.value == 250_000


def test_nouns_of_one_kind_count_the_same_thing():
    claim = "The 1986 air crash that killed Samora Machel claimed a dozen lives in all."
    result = check_numbers(claim, "In 1986 the air crash killed Samora Machel and 33 other people.")
    assert result is not None and result.outcome == "mismatch"
    result = check_numbers("Castro sailed on the Granma with two hundred men.", "Castro sailed on the Granma with 82 revolutionaries.")
    assert result is not None and result.outcome == "mismatch"
    # lives and tanks are not one kind
    assert check_numbers(claim, "In 1986 the air crash killed Samora Machel and destroyed 33 tanks.") is None


def _mention(text: str, name: str, kind: str) -> Mention:
    start = text.index(name)
    return Mention(start=start, end=start + len(name), text=name, kind=kind, entity_id=f"{kind}/{name.lower()}")


def test_a_family_name_given_first_is_still_the_same_person():
    claim = "Deng Xiaoping was paramount leader of China from 1978."
    window = "Jiang Zemin succeeded Deng as paramount leader of China in the 1990s."
    result = check_participants(claim, [_mention(claim, "Deng Xiaoping", "person")], window, [_mention(window, "Jiang Zemin", "person")])
    assert result is not None and result.outcome == "match"


def test_the_earth_is_no_participant():
    claim = "Gagarin circled the Earth in a single orbit in April 1961."
    window = "Gagarin flew a single orbit from Baikonur in April 1961."
    found = check_participants(claim, [_mention(claim, "Gagarin", "person"), _mention(claim, "Earth", "place")], window,
                               [_mention(window, "Gagarin", "person"), _mention(window, "Baikonur", "place")])
    assert found is not None and found.outcome == "match"


def test_a_country_is_no_rival_of_a_city():
    claim = "Angola's civil war broke out as soon as the country became independent from Portugal in 1975."
    window = "After a leftist coup in Lisbon, Angola's civil war broke out as soon as the country became independent in 1975."
    mentions = [_mention(claim, "Angola", "place"), _mention(claim, "Portugal", "place")]
    found = check_participants(claim, mentions, window, [_mention(window, "Lisbon", "place"), _mention(window, "Angola", "place")])
    assert found is None
    # a country against a country still counts
    window = "Angola's civil war broke out as soon as the country became independent from Spain in 1975."
    found = check_participants(claim, mentions, window, [_mention(window, "Spain", "place"), _mention(window, "Angola", "place")])
    assert found is not None and found.outcome == "mismatch"


def test_a_shared_first_name_is_not_the_same_person():
    claim = "Governor-general John Kerr appointed John Howard caretaker prime minister in November 1975."
    window = "Governor-general John Kerr appointed Malcolm Fraser caretaker prime minister in November 1975."
    mentions = [_mention(claim, "John Kerr", "person"), _mention(claim, "John Howard", "person")]
    found = check_participants(claim, mentions, window, [_mention(window, "John Kerr", "person"), _mention(window, "Malcolm Fraser", "person")])
    assert found is not None and found.outcome == "mismatch" and found.claim == "John Howard"
