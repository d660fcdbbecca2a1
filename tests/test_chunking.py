"""Passages: sentence-aligned, overlapping, exact offsets, stable ids, dates they are about."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from conftest import SEEDS
from sourcecheck import chunking
from sourcecheck.chunking import about_dates, chunk, passage_id, split_sentences
from sourcecheck.types import Precision, SourceDocument, TimeRef


def doc(text: str, sid: str = "s", **meta) -> SourceDocument:
    return SourceDocument(id=sid, title=meta.pop("title", "T"), text=text, **meta)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


# -- sentences -------------------------------------------------------------------------------


def test_plain_sentences():
    assert sentences("Stalin met Churchill. They spoke in Moscow! Did they agree? Yes.") == [
        "Stalin met Churchill.", "They spoke in Moscow!", "Did they agree?", "Yes."]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = ("Gen. Zhukov took Berlin. H. N. Abrams published it in the U.S. Army edition. "
            "It cost approx. five dollars, e.g. the cheap one. Mr. Smith agreed.")
    assert sentences(text) == [
        "Gen. Zhukov took Berlin.", "H. N. Abrams published it in the U.S. Army edition.",
        "It cost approx. five dollars, e.g. the cheap one.", "Mr. Smith agreed."]


def test_quotes_numbers_and_brackets():
    text = 'He said "We will fight." Then he left. In 1943. The war (it seemed) went on.) Next.'
    assert sentences(text)[:3] == ['He said "We will fight."', "Then he left.", "In 1943."]
    assert sentences("Version 2.5 was out. Next.") == ["Version 2.5 was out.", "Next."]


def test_line_breaks_headings_and_hard_wrapped_lines():
    text = ("Early life\nHe was born in Gori in 1878.\nPolitics.\nHe joined the party of the Bolsheviks in the Caucasus as a young man\n"
            "and rose quickly through its ranks in the years before the revolution began in Russia\n"
            "and then it ended.\n\nA new paragraph")
    assert sentences(text) == [
        "Early life", "He was born in Gori in 1878.", "Politics.",
        "He joined the party of the Bolsheviks in the Caucasus as a young man\nand rose quickly through its ranks in the years before the revolution began in Russia\nand then it ended.",
        "A new paragraph"]


def test_sentence_offsets_are_exact_and_trimmed():
    text = "  First one.   Second one.\n\n\tThird  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one.", "Third"]
    assert split_sentences("") == [] and split_sentences(" \n ") == []


# -- passages ----------------------------------------------------------------------------------


def test_windows_of_sentences_with_overlap():
    text = "One. Two. Three. Four. Five. Six. Seven."
    assert [p.text for p in chunk(doc(text), sentences_per_passage=3, overlap=1, dates=False)] == [
        "One. Two. Three.", "Three. Four. Five.", "Five. Six. Seven."]
    assert [p.text for p in chunk(doc(text), sentences_per_passage=2, overlap=0, dates=False)] == [
        "One. Two.", "Three. Four.", "Five. Six.", "Seven."]
    assert [p.text for p in chunk(doc("Only one."), dates=False)] == ["Only one."]


def test_offsets_trace_back_exactly_and_metadata_travels():
    text = _seed_text()
    source = doc(text, sid="essay", title="Essay", url="https://example.org/e", published="1942-02",
                 licence="CC BY 4.0", attribution="I. Deutscher")
    passages = chunk(source)
    assert passages
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert (p.source_id, p.title, p.url, p.published, p.licence, p.attribution) == (
            "essay", "Essay", "https://example.org/e", "1942-02", "CC BY 4.0", "I. Deutscher")
        assert p.text == p.text.strip()
    # every sentence lies inside some passage
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert all(a in covered for a, _ in split_sentences(text))


def _seed_text() -> str:
    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        return "The war began in 1939. It ended in 1945. " * 50
    return seeds[0].read_text(encoding="utf-8")


def test_max_chars_limits_passages_and_cuts_long_sentences():
    long_sentence = "word " * 400 + "end."
    text = "Short one. " + long_sentence + " Another short one. And a last."
    passages = chunk(doc(text), max_chars=300, dates=False)
    assert all(len(p.text) <= 300 for p in passages)
    assert all(text[p.start:p.end] == p.text for p in passages)
    joined = set()
    for p in passages:
        joined.update(range(p.start, p.end))
    assert set(range(text.index("word"), len(text) - 1)) - joined <= {i for i, c in enumerate(text) if c == " "}
    unbroken = "x" * 2500
    assert [len(p.text) for p in chunk(doc(unbroken), max_chars=1000, sentences_per_passage=1, overlap=0, dates=False)] == [1000, 1000, 500]


def test_ids_are_stable_and_distinct():
    text = "One. Two. Three. Four. Five. Six."
    a = chunk(doc(text, sid="a"), dates=False)
    assert [p.id for p in a] == [p.id for p in chunk(doc(text, sid="a"), dates=False)]
    assert not {p.id for p in a} & {p.id for p in chunk(doc(text, sid="b"), dates=False)}
    assert len({p.id for p in a}) == len(a)
    assert a[0].id == passage_id("a", a[0].start, a[0].end, a[0].text)


def test_bad_settings_are_refused():
    for kwargs in ({"sentences_per_passage": 0}, {"overlap": 3, "sentences_per_passage": 3}, {"overlap": -1}, {"max_chars": 5}):
        with pytest.raises(ValueError):
            chunk(doc("One. Two."), **kwargs)


def test_empty_text_has_no_passages():
    assert chunk(doc("   \n  ")) == []


# -- dates ---------------------------------------------------------------------------------------


def test_about_dates_bound_the_dates_a_passage_names():
    text = ("The pact was signed on 23 August 1939. Nothing else happened that day. "
            "Germany invaded the Soviet Union on 22 June 1941. The 1940s were hard. The war went on.")
    passages = chunk(doc(text), sentences_per_passage=2, overlap=0)
    assert (passages[0].about_earliest, passages[0].about_latest) == (dt.date(1939, 8, 23), dt.date(1939, 8, 23))
    assert (passages[1].about_earliest, passages[1].about_latest) == (dt.date(1941, 6, 22), dt.date(1941, 6, 22))
    assert passages[2].about_earliest is None  # "the 1940s" is coarser than a year


def test_about_dates_helper():
    def ref(s, e, lo, hi, precision=Precision.YEAR):
        return TimeRef(start=s, end=e, text="x" * (e - s), earliest=lo, latest=hi, precision=precision)

    times = [ref(0, 4, dt.date(1941, 1, 1), dt.date(1941, 12, 31)), ref(10, 14, dt.date(1939, 9, 1), dt.date(1939, 9, 1), Precision.DAY),
             ref(20, 25, dt.date(1940, 1, 1), dt.date(1949, 12, 31), Precision.DECADE), ref(30, 40, None, dt.date(1945, 5, 8), Precision.OPEN)]
    assert about_dates(times, 0, 50) == (dt.date(1939, 9, 1), dt.date(1941, 12, 31))
    assert about_dates(times, 5, 50) == (dt.date(1939, 9, 1), dt.date(1939, 9, 1))
    assert about_dates(times, 15, 50) == (None, None)
    assert about_dates(times, 0, 12) == (dt.date(1941, 1, 1), dt.date(1941, 12, 31))  # a date cut by the end is left out


def test_a_tagger_failure_costs_the_dates_not_the_source(monkeypatch):
    import sourcecheck.dates

    def broken(text, **kwargs):
        raise AttributeError("tagger bug")

    monkeypatch.setattr(sourcecheck.dates, "tag_times", broken)
    passages = chunk(doc("The war began in 1939. It ended in 1945."))
    assert passages and all(p.about_earliest is None for p in passages)


def test_dates_false_skips_tagging():
    assert chunk(doc("It ended in 1945."), dates=False)[0].about_earliest is None


def test_published_date_anchors_relative_dates():
    passages = chunk(doc("Two years ago the war ended.", published="1947-05-08"))
    assert passages[0].about_earliest is None or passages[0].about_earliest.year == 1945


# -- speed ---------------------------------------------------------------------------------------


def test_splitting_is_fast():
    text = ("Gen. Zhukov reached the Oder in February 1945. The Red Army paused there. "
            "H. N. Abrams wrote about it later.\n") * 20_000  # ~2.4 M characters
    began = time.perf_counter()
    passages = chunk(doc(text), dates=False)
    elapsed = time.perf_counter() - began
    assert len(passages) > 10_000
    assert elapsed < 10, f"chunking 2.4 M characters took {elapsed:.1f} s"


def test_chunker_version_is_exposed():
    assert chunking.CHUNKER_VERSION
