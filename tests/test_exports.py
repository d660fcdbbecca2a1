"""Exports: Markdown for people, schema.org ClaimReview and W3C Web Annotation for tools."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sourcecheck.errors import UsageError
from sourcecheck.exports import (
    RATINGS,
    check_lines,
    format_report,
    iso_date,
    md_escape,
    output_format,
    safe_url,
    text_selectors,
    to_annotations,
    to_claimreview,
    to_markdown,
)
from sourcecheck.types import Label, Precision, Report, TimeRef

from report_samples import IMG, SCRIPT, claims_report, sample_report


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_lists_every_claim_with_verdict_rationale_and_evidence(report):
    md = to_markdown(report)
    assert md.startswith("# sourcecheck report\n")
    assert "**Claims:** 2 supported, 1 refuted, 1 conflicting evidence, 1 not enough evidence, 2 not checked" in md
    assert "### 2\\. ✗ Refuted (confidence 0.84): The war ended in 1941" in md
    assert "[Winter War](https://en.wikipedia.org/wiki?curid=33702)" in md
    assert "the claim says 1941, the evidence 13 March 1940" in md
    assert "*Attributed to the communiqué (According to), not asserted by the author\\.*" in md
    assert "Date: dated “Eight months have passed since 22 June 1941” \\(1942\\-02\\-01 – 1942\\-02\\-28, month\\); inferred from the text" in md
    for doc in report.documents:
        assert md.count("\n### ") >= len(doc.claims)


def test_markdown_renders_markup_from_documents_as_text_and_links_only_http():
    from markdown_it import MarkdownIt

    md = to_markdown(sample_report())
    rendered = MarkdownIt("commonmark").render(md)  # CommonMark passes raw HTML through: it must be escaped
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in rendered
    assert 'href="javascript:' not in rendered and "Moscow Peace Treaty &lt;script&gt;" in rendered
    hrefs = [part.split('"', 1)[0] for part in rendered.split('href="')[1:]]
    assert hrefs and all(h.startswith("https://") for h in hrefs)


def test_md_escape_keeps_the_text():
    from markdown_it import MarkdownIt

    text = "*Not* a [link](x) `code` # heading | cell <b>bold</b> 1. item"
    rendered = MarkdownIt("commonmark").render(md_escape(text))
    assert rendered == "<p>" + text.replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"


def test_markdown_of_claims_without_verdicts_shows_checkworthiness():
    md = to_markdown(claims_report(), title="Claims")
    assert md.startswith("# Claims\n") and "Check\\-worthiness 0.95: The Winter War began on 30 November 1939\\." in md
    assert "Refuted" not in md and "**Claims:** 7 not checked" in md


# --- ClaimReview --------------------------------------------------------------------------------


def test_claimreview_one_review_per_judged_claim(report):
    data = to_claimreview(report)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    judged = [(d, c) for d in report.documents for c in d.claims if c.verdict is not None]
    assert len(reviews) == len(judged) == 5
    for review, (doc, claim) in zip(reviews, judged):
        assert review["@type"] == "ClaimReview" and review["claimReviewed"] == claim.text
        rating = review["reviewRating"]
        assert rating["ratingValue"] == RATINGS[claim.verdict.label] and (rating["bestRating"], rating["worstRating"]) == (5, 1)
        assert rating["ratingExplanation"] == claim.verdict.rationale
        assert review["author"] == {"@type": "Organization", "name": "sourcecheck"}
        assert review["datePublished"] == "2026-01-02"
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["text"] == claim.source_text and item["appearance"]["@type"] == "CreativeWork"
    json.dumps(data)  # plain JSON


def test_claimreview_rating_mapping_is_a_truth_scale():
    assert RATINGS[Label.REFUTED] == 1 < RATINGS[Label.CONFLICTING] == 3 < RATINGS[Label.SUPPORTED] == 5
    assert RATINGS[Label.NOT_ENOUGH_EVIDENCE] == -1  # not on the scale: "unrated"
    names = {r["reviewRating"]["alternateName"] for r in to_claimreview(sample_report())["@graph"]}
    assert names == {"Supported", "Refuted", "Conflicting evidence", "Not enough evidence"}


def test_claimreview_carries_the_documents_date_the_speaker_and_the_evidence(report):
    reviews = to_claimreview(report)["@graph"]
    letter = next(r for r in reviews if r["identifier"].startswith("letter/"))
    assert letter["itemReviewed"]["datePublished"] == "1942-02"
    # The letter's address holds markup, so it is no safe URL and is left out.
    assert letter["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "name": "A letter from London, February 1942", "datePublished": "1942-02"}
    essay = [r for r in reviews if r["identifier"].startswith("essay/")]
    assert "datePublished" not in essay[0]["itemReviewed"]  # undated document
    assert "url" not in essay[0]["itemReviewed"]["appearance"]  # a file path is no URL
    attributed = next(r for r in essay if r["reviewRating"]["alternateName"] == "Not enough evidence")
    assert attributed["itemReviewed"]["author"] == {"@type": "Person", "name": "the communiqué"}
    supported = essay[0]
    assert supported["url"] == "https://en.wikipedia.org/wiki?curid=33702"
    assert supported["citation"][0] == {
        "@type": "CreativeWork", "name": "Winter War", "text": "The Winter War began with the Soviet invasion of Finland on 30 November 1939.",
        "url": "https://en.wikipedia.org/wiki?curid=33702", "datePublished": "2015-05", "license": "CC BY-SA 3.0", "creditText": "Wikipedia contributors, Winter War",
    }
    refuted = essay[1]
    assert "url" not in refuted and "url" not in refuted["citation"][0]  # javascript: is no link


def test_claimreview_leaves_out_claims_without_verdicts():
    assert to_claimreview(claims_report())["@graph"] == []


def test_a_url_with_markup_is_not_a_safe_url():
    assert safe_url("https://example.org/letters/1942?a=1&b=<2>") is None
    assert safe_url("https://en.wikipedia.org/wiki?curid=1") == "https://en.wikipedia.org/wiki?curid=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//example.org", "https://", "http://a b", "", None, "vbscript:x"):
        assert safe_url(bad) is None, bad


# --- Web Annotation ---------------------------------------------------------------------------------


def test_annotations_point_at_each_claims_text_in_its_document(report):
    data = to_annotations(report)
    assert data["type"] == "AnnotationCollection" and data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    items = data["first"]["items"]
    claims = [(d, c) for d in report.documents for c in d.claims]
    assert data["total"] == len(items) == len(claims) == 7
    for ann, (doc, claim) in zip(items, claims):
        assert ann["type"] == "Annotation"
        quote, position = ann["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        text = doc.text
        assert text[position["start"] : position["end"]] == quote["exact"] == claim.source_text
        assert text[position["start"] - len(quote["prefix"]) : position["start"]] == quote["prefix"]
        assert text[position["end"] : position["end"] + len(quote["suffix"])] == quote["suffix"]
        # The quote selector alone finds the same place (how Hypothesis anchors when offsets drift).
        assert text.find(quote["prefix"] + quote["exact"] + quote["suffix"]) == position["start"] - len(quote["prefix"])
        assert len(quote["prefix"]) == min(32, position["start"])


def test_annotations_say_verdict_and_link_evidence_by_quote_and_offsets(report):
    items = to_annotations(report)["first"]["items"]
    refuted = items[1]
    assert refuted["motivation"] == "assessing"
    assessing, tag, evidence = refuted["body"]
    assert assessing["purpose"] == "assessing" and assessing["value"].startswith("Refuted (confidence 0.84): The war ended in 1941")
    assert tag == {"type": "TextualBody", "purpose": "tagging", "value": "REFUTED"}
    ev = report.documents[0].claims[1].verdict.evidence[0]
    assert evidence["purpose"] == "linking" and evidence["source"] == f"urn:sourcecheck:source:{ev.source_id}"  # no safe URL
    assert evidence["selector"] == [{"type": "TextQuoteSelector", "exact": ev.quote}, {"type": "TextPositionSelector", "start": ev.start, "end": ev.end}]
    assert evidence["selector"][1]["end"] - evidence["selector"][1]["start"] == len(evidence["selector"][0]["exact"])
    assert items[0]["body"][2]["source"] == "https://en.wikipedia.org/wiki?curid=33702"
    assert items[0]["target"]["source"] == f"urn:sourcecheck:document:{report.documents[0].id}"
    assert any(b.get("value") == "Attributed to the communiqué (According to)" for b in items[2]["body"])
    assert items[5]["motivation"] == "highlighting"  # an unchecked claim is highlighted, not assessed


def test_text_positions_count_code_points_not_utf16_units():
    text = "Ein Brief 💌 vom 22. Juni 1941 über den Krieg."
    start = text.index("22. Juni 1941")
    quote, position = text_selectors(text, start, start + len("22. Juni 1941"))
    assert position["start"] == 16 and quote["prefix"] == "Ein Brief 💌 vom "


def test_annotations_json_roundtrip(report):
    text = format_report(report, "annotations")
    assert json.loads(text) == json.loads(json.dumps(to_annotations(report)))
    assert SCRIPT in text and IMG.replace('"', '\\"') in text  # JSON carries the text as it is; escaping is the reader's job


# --- Shared helpers -----------------------------------------------------------------------------------


def _t(a, b, precision=Precision.DAY):
    return TimeRef(start=0, end=1, text="x", earliest=a, latest=b, precision=precision)


@pytest.mark.parametrize(("earliest", "latest", "expected"), [
    (dt.date(1942, 2, 15), dt.date(1942, 2, 15), "1942-02-15"),
    (dt.date(1942, 2, 1), dt.date(1942, 2, 28), "1942-02"),
    (dt.date(1944, 2, 1), dt.date(1944, 2, 29), "1944-02"),
    (dt.date(1944, 2, 1), dt.date(1944, 2, 28), None),  # not the whole of February 1944
    (dt.date(1943, 1, 1), dt.date(1943, 12, 31), "1943"),
    (dt.date(1942, 8, 1), dt.date(1943, 2, 28), None),
    (dt.date(1940, 1, 1), None, None),
])
def test_iso_date_only_for_a_whole_day_month_or_year(earliest, latest, expected):
    assert iso_date(_t(earliest, latest)) == expected


def test_check_lines_put_known_checks_in_words_and_keep_unknown_ones():
    lines = check_lines({
        "nli": {"support": 0.5, "refute": 0.25, "raw_strength": 0.5},
        "numbers": [{"rule": "numbers", "outcome": "mismatch", "claim": "3", "evidence": "30", "note": "3 is not 30"}] * 2,
        "retrieval": {"passages": 8},
        "llm": {"model": "m", "error": "no answer within 30 s"},
        "new_check": {"score": 0.5},
    })
    assert lines == [
        "NLI: best support 0.50 · best refutation 0.25",
        "numbers rule: mismatch — 3 is not 30",  # the same finding on two windows, said once
        "retrieval: 8 passages",
        "LLM (m): no answer — no answer within 30 s",
        'new_check: {"score": 0.5}',
    ]


def test_output_format_checks_before_any_work():
    assert output_format(None) == "table" and output_format(None, as_json=True) == "json" and output_format("json", as_json=True) == "json"
    with pytest.raises(UsageError, match="--json is the same as --format json"):
        output_format("markdown", as_json=True)
    with pytest.raises(UsageError, match="unknown --format 'html'"):
        output_format("html")
    with pytest.raises(UsageError, match="a ClaimReview needs verdicts"):
        output_format("claimreview", verdicts=False)
