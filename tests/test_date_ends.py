"""Spans of time compared end to end: "until May 1943" against "between 7 August 1942 and 9
February 1943"; lifespans in parentheses; a window's date that belongs to another of the claim's
dates; the passage title standing in for the window's subject."""

from __future__ import annotations

import datetime as dt

import pytest

from sourcecheck.date_ends import ends_of, in_parentheses
from sourcecheck.dates import tag_times
from sourcecheck.rule_dates import check_dates
from sourcecheck.rules import about_same


def dates(claim: str, window: str, title: str = ""):
    return check_dates(claim, tag_times(claim), window, tag_times(window), title=title)


def only(text: str):
    (found,) = tag_times(text)
    return found


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("from 1972 to 1981", (dt.date(1972, 1, 1), dt.date(1972, 12, 31)), (dt.date(1981, 1, 1), dt.date(1981, 12, 31))),
        ("between 7 August 1942 and 9 February 1943", (dt.date(1942, 8, 7), dt.date(1942, 8, 7)), (dt.date(1943, 2, 9), dt.date(1943, 2, 9))),
        ("until May 1943", None, (dt.date(1943, 5, 1), dt.date(1943, 5, 31))),
        ("since 1964", (dt.date(1964, 1, 1), dt.date(1964, 12, 31)), None),
    ],
)
def test_the_ends_of_a_span_are_read_from_its_text(text, start, end):
    ends = ends_of(only(text))
    assert (ends.start.earliest, ends.start.latest) == start if start else ends.start is None
    assert (ends.end.earliest, ends.end.latest) == end if end else ends.end is None


def test_after_and_before_have_no_end_they_exclude_their_anchor():
    assert not ends_of(only("after 1945")).known
    assert not ends_of(only("in 1945")).known


def test_by_a_date_is_no_end():
    # "By 1942 the Germans had reached the Volga": done by then, not ended then
    assert not ends_of(only("By 1942 the Germans had reached the Volga.")).known
    assert ends_of(only("It lasted up until 1990.")).end is not None


@pytest.mark.parametrize(
    ("claim", "window", "outcome"),
    [
        # an open end against the evidence's end
        ("The Guadalcanal campaign went on until May 1943.", "The Guadalcanal campaign went on between 7 August 1942 and 9 February 1943.", "mismatch"),
        ("The Guadalcanal campaign went on until February 1943.", "The Guadalcanal campaign went on between 7 August 1942 and 9 February 1943.", "match"),
        ("Marcos kept the Philippines under martial law since 1970.", "Marcos kept the Philippines under martial law from 1972 to 1981.", "mismatch"),
        # the same span with one end told differently
        ("Deng Xiaoping was paramount leader of China from 1978 to 1989.", "Deng Xiaoping was paramount leader of China from 1978 to 1992.", "mismatch"),
        ("Deng Xiaoping was paramount leader of China from 1978 to 1992.", "Deng Xiaoping was paramount leader of China from 1978 to 1992.", "match"),
    ],
)
def test_spans_are_compared_end_to_end(claim, window, outcome):
    result = dates(claim, window)
    assert result is not None and result.outcome == outcome


def test_a_span_sharing_neither_end_is_left_to_overlap():
    # 1939-1945 and 1941-1944 overlap; sharing no end, they may be two accounts of different things.
    result = dates("The war in Europe lasted from 1939 to 1945.", "The war in Europe lasted from 1941 to 1944.")
    assert result is not None and result.outcome == "match"


def test_a_lifespan_in_parentheses_never_refutes_a_term_of_office():
    window = "John F. Kennedy (1917–1963) served as president of the United States."
    assert in_parentheses(window, tag_times(window)[0])
    result = dates("John F. Kennedy served as president of the United States from 1961 to 1963.", window)
    assert result is None or result.outcome == "match"


def test_a_span_in_parentheses_may_still_agree():
    result = dates("Azikiwe served as Nigeria's first president until 1966.", "Azikiwe served as Nigeria's first president (1963–1966).")
    assert result is not None and result.outcome == "match"


def test_a_date_the_window_gives_for_another_of_the_claims_dates_is_not_counter_evidence():
    claim = "Alfredo Stroessner ruled Paraguay from August 1954 until he was overthrown in 1989."
    result = dates(claim, "In August 1954 Alfredo Stroessner seized power and ruled Paraguay until he was overthrown.")
    assert result is not None and result.outcome == "match"
    # but a second date of the window's own still refutes
    result = dates("The Winter War began in December 1939 and ended in March 1940.", "The Winter War began on 30 November 1939 and ended on 13 March 1940.")
    assert result is not None and result.outcome == "mismatch" and result.claim == "December 1939"


def test_the_passage_title_names_the_windows_subject():
    claim = "Menachem Begin proclaimed a revolt against the British on 1 February 1946."
    window = "He proclaimed a revolt against the British on 1 February 1944."
    assert dates(claim, window) is None  # whose revolt? the window never says
    result = dates(claim, window, title="Menachem Begin")
    assert result is not None and result.outcome == "mismatch"


def test_only_the_claims_names_count_from_the_title():
    # "Massacre" in the title would make every sentence of the article about the massacre
    claim = "Soldiers massacred civilians in Nanjing."
    assert not about_same(claim, "A tribunal sat in 1947.", overlap=0.5, title="Nanjing Massacre")
    assert about_same("Begin proclaimed a revolt.", "He proclaimed a revolt.", overlap=0.75, title="Menachem Begin")
