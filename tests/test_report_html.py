"""The HTML report, read as HTML (no browser): self-contained, escaped, every claim highlighted,
evidence and dates shown, colours of sufficient contrast. The browser tests are in
test_report_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from sourcecheck.cli import main
from sourcecheck.report_html import render_html
from sourcecheck.types import DocumentResult, Report

from report_samples import IMG, SCRIPT, claims_report, sample_report


class Page(HTMLParser):
    """Every element with its attributes, the text inside each <script>/<style>, and the text of
    each highlight (a <mark> with `data-claims`; highlights do not nest), collected while parsing."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self.marks: list[tuple[dict[str, str | None], str]] = []
        self._mark: tuple[dict[str, str | None], list[str]] | None = None
        self._depth = 0
        self._in_raw: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in ("script", "style"):
            self._in_raw = tag
            self.raw[tag].append("")
        if self._mark is not None:
            self._depth += 1
        elif tag == "mark" and "data-claims" in a:
            self._mark, self._depth = (a, []), 0

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_raw = None
        if self._mark is not None:
            if self._depth == 0:
                self.marks.append((self._mark[0], "".join(self._mark[1])))
                self._mark = None
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._in_raw:
            self.raw[self._in_raw][-1] += data
        if self._mark is not None:
            self._mark[1].append(data)

    def all(self, tag: str | None = None, **attrs: str) -> list[dict[str, str | None]]:
        out = []
        for t, a in self.elements:
            if tag is not None and t != tag:
                continue
            if all(k.replace("_", "-") in a and (v is None or v in (a[k.replace("_", "-")] or "").split()) for k, v in attrs.items()):
                out.append(a)
        return out


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def html(report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def keys(report: Report):
    for d, doc in enumerate(report.documents):
        for i, claim in enumerate(doc.claims):
            yield f"c{d}-{i}", doc, claim


def test_one_self_contained_page_that_asks_the_network_for_nothing(html, page, report):
    assert html.startswith("<!DOCTYPE html>") and html.count("<html") == 1
    # Nothing that loads a resource: no external script, stylesheet, image, frame, font or import.
    assert not page.all("link") and not page.all("img") and not page.all("iframe") and not page.all("object")
    assert all("src" not in a for _, a in page.elements)
    css = "".join(page.raw["style"])
    assert "@import" not in css and "@font-face" not in css
    assert set(re.findall(r"url\(([^)]*)\)", css)) <= {f"#hatch-{c}" for c in ("supported", "refuted", "conflicting", "nee", "unchecked")}
    # Links: in-page anchors, or the http(s) addresses of evidence (never javascript: or data:).
    evidence_urls = {ev.url for doc in report.documents for c in doc.claims if c.verdict for ev in c.verdict.evidence if ev.url}
    hrefs = [a["href"] for _, a in page.elements if "href" in a]
    assert hrefs and all(h.startswith("#") or (h in evidence_urls and h.startswith("https://")) for h in hrefs)
    assert "javascript:" not in " ".join(hrefs)


def test_the_content_security_policy_allows_only_the_inline_style_and_script(html, page):
    meta = next(a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy")
    policy = dict(part.strip().split(" ", 1) for part in meta["content"].split(";"))
    assert policy["default-src"] == "'none'"

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    code = [s for a, s in zip(page.all("script"), page.raw["script"]) if a.get("type") != "application/json"]
    assert len(code) == 1 and policy["script-src"] == digest(code[0])
    assert len(page.raw["style"]) == 1 and policy["style-src"] == digest(page.raw["style"][0])


def test_markup_in_documents_claims_quotes_and_titles_is_shown_as_text(html, page):
    # The only scripts are ours: the JSON data block and the report's code. No element came from
    # a document, and no attribute is an event handler.
    assert len(page.all("script")) == 2
    assert not page.all("img")
    assert not [a for _, a in page.elements for k in a if k.startswith("on")]
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html  # in the text, the claim and the title
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in html
    assert "winter &lt;war&gt;.md" in html  # the file name


def test_the_json_block_cannot_be_closed_by_a_text(page, report):
    block = page.raw["script"][[a.get("type") for a in page.all("script")].index("application/json")]
    assert "</" not in block and "<!--" not in block and "<" not in block
    data = json.loads(block)
    assert data["order"] == [k for k, _, _ in keys(report)]
    claim = data["claims"]["c1-2"]
    assert claim["label"] == "UNCHECKED" and claim["cw"] == 0.3 and claim["checkworthy"] is False


def test_every_claim_is_highlighted_over_its_source_text_with_colour_and_icon(page, report):
    for key, doc, claim in keys(report):
        marks = [(a, text) for a, text in page.marks if key in (a["data-claims"] or "").split()]
        assert marks, key
        assert "".join(text for _, text in marks) == claim.source_text == doc.text[claim.start : claim.end]
        icon = page.all("span", data_claim=key)
        assert len(icon) == 1 and "end-icon" in icon[0]["class"].split()
    classes = {a["data-claims"]: set(a["class"].split()) for a, _ in page.marks}
    assert {"hl", "v-supported"} <= classes["c0-0"]
    assert {"v-refuted"} <= classes["c0-1"]
    assert {"v-nee", "attributed"} <= classes["c0-2"]
    assert {"v-conflicting"} <= classes["c0-3"]
    assert {"v-unchecked", "cw-mid"} <= classes["c1-1"] and {"v-unchecked", "cw-low"} <= classes["c1-2"]


def test_overlapping_claims_share_a_highlight_coloured_by_the_worse_verdict(report):
    doc = report.documents[0]
    first, second = doc.claims[0], doc.claims[1]
    # A second claim over the first one's sentence, refuted: the shared stretch shows refuted.
    twin = second.model_copy(update={"id": "twin", "start": first.start, "end": first.end, "source_text": first.source_text})
    doc2 = doc.model_copy(update={"claims": [first, twin]})
    page = Page(render_html(Report(documents=[doc2], run=report.run)))
    (a, text), = page.marks
    assert a["data-claims"] == "c0-0 c0-1" and "v-refuted" in a["class"].split() and text == first.source_text
    assert "claim 1: Supported; claim 2: Refuted" == a["title"]


def test_partly_overlapping_claims_are_cut_into_pieces_that_cover_each_claim(report):
    doc = report.documents[0]
    first, second = doc.claims[0], doc.claims[1]
    middle = (first.start + first.end) // 2
    shifted = second.model_copy(update={"start": middle, "end": second.end, "source_text": doc.text[middle : second.end]})
    page = Page(render_html(Report(documents=[doc.model_copy(update={"claims": [first, shifted]})], run=report.run)))
    assert [a["data-claims"] for a, _ in page.marks] == ["c0-0", "c0-0 c0-1", "c0-1"]
    for key, claim in (("c0-0", first), ("c0-1", shifted)):
        assert "".join(text for a, text in page.marks if key in a["data-claims"].split()) == claim.source_text


def test_claim_details_show_verdict_rationale_checks_and_evidence(html, page, report):
    refuted = report.documents[0].claims[1]
    start = html.index('id="detail-c0-1"')
    detail = html[start : html.index("</article>", start)]
    assert "Refuted" in detail and "confidence 0.84" in detail
    assert "The war ended in 1941 &lt;script&gt;" in detail  # the atomic text, escaped
    assert "From the text: “The war ended in 1941 with the Treaty of Moscow.”" in detail
    assert "the claim says 1941, the evidence 13 March 1940" in detail  # the date rule, in words
    assert "NLI: best support 0.03 · best refutation 0.84" in detail and "LLM (smollm2) says REFUTED" in detail
    ev = refuted.verdict.evidence[0]
    assert '<mark class="decisive">13 March 1940</mark>' in detail  # the words that decided
    assert "published 2015-05" in detail and "licence CC BY-SA 3.0" in detail and "Wikipedia contributors, Moscow Peace Treaty" in detail
    assert 'href="javascript' not in detail and "Moscow Peace Treaty &lt;script&gt;" in detail  # unsafe URL: title without a link
    assert f"characters {ev.start}–{ev.end}" in detail
    supported = html[html.index('id="detail-c0-0"') :]
    assert '<a href="https://en.wikipedia.org/wiki?curid=33702" rel="noopener noreferrer">Winter War</a>' in supported
    assert "NLI: entailment 0.93 · neutral 0.05 · contradiction 0.02" in supported


def test_reported_speech_is_marked_as_such(html):
    detail = html[html.index('id="detail-c0-2"') :]
    assert "attributed to <strong>the communiqué</strong>" in detail[: detail.index("</article>")]
    assert 'class="attr">(according to the communiqué)' in html  # in the claim list too


def test_documents_show_their_date_and_how_it_was_found(html):
    assert "“Eight months have passed since 22 June 1941”, 1942-02-01 – 1942-02-28 (month)" in html
    assert "<dt>Dated by</dt><dd>inferred from the text</dd>" in html
    assert "<dt>How</dt><dd>inferred from &quot;Eight months have passed since ... 22 June 1941&quot; (sentence 1)</dd>" in html
    assert "<dt>Date</dt><dd>undated" in html


def test_summary_bar_counts_each_verdict_and_filters(page):
    buttons = {a["data-label"]: a for a in page.all("button") if "data-label" in a}
    assert set(buttons) == {"SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE", "UNCHECKED"}
    assert buttons["SUPPORTED"]["aria-label"].startswith("Supported: 2 claims")
    assert buttons["UNCHECKED"]["aria-label"].startswith("Not checked: 2 claims")
    assert all(b["aria-pressed"] == "true" for b in buttons.values())
    options = [a["value"] for a in page.all("option")]
    assert options == ["all", "checkworthy", "0.5", "0.75", "0.9"]


def test_timeline_has_one_lane_per_document_and_marks_uncertain_dates(page, report):
    lanes = page.all("g", **{"class": "lane"})
    assert [a["aria-label"] for a in lanes] == ["winter <war>.md", "A letter from London, February 1942"]
    items = {a["data-claim"]: set(a["class"].split()) for a in page.all("g", **{"class": "tl-item"})}
    dated = {key for key, _, claim in keys(report) if claim.times}
    assert set(items) == dated
    assert "coarse" not in items["c0-0"]  # a day
    assert "coarse" in items["c0-1"] and "vague" not in items["c0-1"]  # a year: hatched
    assert {"coarse", "vague"} <= items["c0-3"]  # a range of months: hatched and faded
    assert "open" in items["c0-2"]  # "since 1940"
    assert "relative" in items["c1-1"]  # "that day", counted from 22 June 1941
    assert all(a.get("role") == "button" and a.get("aria-label", "").startswith("Claim ") for a in page.all("g", **{"class": "tl-item"}))
    assert len(page.all("g", **{"class": "tl-pub"})) == 1  # the letter's own date


def test_claims_without_verdicts_are_shown_by_checkworthiness():
    page = Page(render_html(claims_report(), title="Claims <only>"))
    classes = [set(a["class"].split()) for a, _ in page.marks]
    assert classes and all("v-unchecked" in c for c in classes)
    assert {"cw-high", "cw-mid", "cw-low"} <= set().union(*classes)
    buttons = {a["data-label"]: a["aria-label"] for a in page.all("button") if "data-label" in a}
    assert list(buttons) == ["UNCHECKED"] and buttons["UNCHECKED"].startswith("Not checked: 7 claims")
    assert "<title>Claims &lt;only&gt;</title>" in render_html(claims_report(), title="Claims <only>")


def test_an_empty_report_still_renders():
    empty = Report(documents=[], run=sample_report().run)
    html = render_html(empty)
    assert "No documents." in html and "Timeline" not in html and "Showing 0 of 0 claims" in html


def test_keyboard_and_screen_reader_structure(page):
    listbox = page.all(role="listbox")
    assert len(listbox) == 1 and listbox[0]["aria-label"].startswith("Claims")
    options = page.all(role="option")
    assert len(options) == 7 and [o["tabindex"] for o in options].count("0") == 1  # one tab stop
    assert all(o["aria-selected"] == "false" for o in options)
    assert page.all(role="status") and page.all(role="region")
    assert page.all("a", **{"class": "skip"})[0]["href"] == "#claim-list"
    assert next(a for t, a in page.elements if t == "html")["lang"] == "en"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa_contrast(page):
    css = page.raw["style"][0]
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [("text", "page"), ("muted", "page"), ("muted", "panel"), ("link", "page"), ("date-fg", "page"), ("text", "decisive-bg")]
    for name in ("supported", "refuted", "conflicting", "nee", "unchecked"):
        pairs += [(f"{name}-fg", "page"), (f"{name}-fg", "panel"), ("text", f"{name}-bg"), (f"{name}-fg", f"{name}-bg")]
    pairs += [("text", "unchecked-mid-bg"), ("date-fg", "supported-bg"), ("date-fg", "refuted-bg"), ("date-fg", "conflicting-bg"), ("date-fg", "nee-bg")]
    low = [(a, b, round(contrast(colours[a], colours[b]), 2)) for a, b in pairs if contrast(colours[a], colours[b]) < 4.5]
    assert not low, f"below WCAG AA 4.5:1: {low}"
    # The focus ring must stand out from the page (non-text contrast, 3:1).
    assert contrast(colours["focus"], colours["page"]) >= 3


def test_contrast_helper_knows_black_on_white():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0 and contrast("#777777", "#ffffff") < 4.5


def test_print_stylesheet_prints_every_shown_claim_and_hides_the_controls(page):
    css = page.raw["style"][0]
    printed = css[css.index("@media print") :]
    assert ".controls" in printed and ".claim-list" in printed and "display: none" in printed
    assert "html.js .claim-detail, .claim-detail { display: block !important" in printed


def test_new_report_layers_are_rendered_when_present(report):
    """Rhetoric and the cross-document comparison (added by other parts of the pipeline) show up
    as their own sections, read field by field."""
    from sourcecheck import types

    if "rhetoric" not in DocumentResult.model_fields or "comparison" not in Report.model_fields:
        pytest.skip("this version of the report has no rhetoric or comparison fields")
    essay, letter = report.documents
    spans = [types.RhetoricSpan(start=0, end=14, text=essay.text[:14], technique="Loaded_Language", score=0.8, cue=None)]
    essay = essay.model_copy(update={"rhetoric": spans})
    pair = types.ComparisonPair(
        a=essay.claims[0].id, b=letter.claims[0].id, doc_a=essay.id, doc_b=letter.id, relation=types.Relation.CONTRADICT,
        confidence=0.7, reason="different <dates>",
    )
    topic = types.ComparisonTopic(id="t1", label="Winter War · 1939", claims={essay.id: [essay.claims[0].id]}, pairs=[pair])
    conflict = types.DateConflict(
        topic="t1", a=essay.claims[0].id, b=letter.claims[0].id, doc_a=essay.id, doc_b=letter.id,
        time_a=essay.claims[0].times[0], time_b=letter.claims[0].times[0], note="1939 against 1941",
    )
    comparison = types.Comparison(documents=[essay.id, letter.id], topics=[topic], date_conflicts=[conflict])
    html = render_html(Report(documents=[essay, letter], run=report.run, comparison=comparison))
    assert "Loaded Language" in html and "Rhetoric: 1 passages" in html
    assert "Across the documents" in html and "Winter War · 1939" in html and "different &lt;dates&gt;" in html
    assert '<button type="button" class="claim-ref" data-claim="c0-0">document 1, claim 1</button> <strong>contradict</strong>' in html
    assert "Dated differently" in html and ": 1939 against 1941</li>" in html
    page = Page(html)
    flagged = {a["data-claim"] for a in page.all("g", **{"class": "date-conflict"})}
    assert flagged == {"c0-0", "c1-0"}


# --- CLI -------------------------------------------------------------------------------------------


@pytest.fixture
def fake_check(monkeypatch):
    """`sourcecheck check` without models or a store: the check returns the sample report."""
    calls = []

    def check(files, **kwargs):
        calls.append(files)
        return sample_report()

    monkeypatch.setattr("sourcecheck.cli_check.check", check)
    return calls


def test_cli_check_writes_html_beside_the_markdown_it_prints(tmp_path, capsys, fake_check):
    target = tmp_path / "reports" / "out.html"
    code = main(["check", "essay.md", "--html", str(target), "--format", "markdown", "-s"])
    out = capsys.readouterr().out
    assert code == 0 and fake_check == [["essay.md"]]
    assert out.startswith("# sourcecheck report") and "Refuted" in out
    assert target.read_text(encoding="utf-8") == render_html(sample_report())
    assert not list(target.parent.glob(".*.tmp"))  # written atomically: no temporary left


@pytest.mark.parametrize(("fmt", "check_output"), [
    ("json", lambda text: Report.model_validate_json(text) == sample_report()),
    ("claimreview", lambda text: len(json.loads(text)["@graph"]) == 5),
    ("annotations", lambda text: json.loads(text)["type"] == "AnnotationCollection"),
])
def test_cli_check_formats(tmp_path, capsys, fake_check, fmt, check_output):
    out_file = tmp_path / f"report.{fmt}"
    assert main(["check", "essay.md", "--format", fmt, "-o", str(out_file), "-s"]) == 0
    assert capsys.readouterr().out == "" and check_output(out_file.read_text(encoding="utf-8"))


def test_cli_json_is_an_alias_of_format_json(capsys, fake_check):
    assert main(["check", "essay.md", "--json", "-s"]) == 0
    alias = capsys.readouterr().out
    assert main(["check", "essay.md", "--format", "json", "-s"]) == 0
    assert capsys.readouterr().out == alias and json.loads(alias)["documents"]


def test_cli_html_written_even_when_fail_on_fails(tmp_path, capsys, fake_check):
    target = tmp_path / "r.html"
    assert main(["check", "essay.md", "--html", str(target), "--fail-on", "refuted", "-s"]) == 3
    assert target.exists() and "REFUTED" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "yaml"], "unknown --format 'yaml'; expected one of: table, json, markdown, claimreview, annotations"),
    (["--json", "--format", "markdown"], "--json is the same as --format json"),
    (["--html", "{tmp}"], "is a directory"),
    (["--html", "{tmp}/file.txt/r.html"], "is a file, not a directory"),
])
def test_cli_check_bad_format_or_html_is_a_one_line_error_before_any_work(tmp_path, capsys, fake_check, args, message):
    (tmp_path / "file.txt").write_text("x")
    code = main(["check", "essay.md", *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert fake_check == []  # refused before checking anything


@pytest.fixture
def fake_claims(monkeypatch):
    monkeypatch.setattr("sourcecheck.pipeline.extract_claims", lambda files, **kwargs: claims_report())


def test_cli_claims_html_and_formats(tmp_path, capsys, fake_claims):
    target = tmp_path / "claims.html"
    assert main(["claims", "essay.md", "--html", str(target), "--format", "annotations", "-s"]) == 0
    annotations = json.loads(capsys.readouterr().out)
    assert annotations["total"] == 7 and all(a["motivation"] == "highlighting" for a in annotations["first"]["items"])
    assert "v-unchecked" in target.read_text(encoding="utf-8")
    assert main(["claims", "essay.md", "--format", "markdown", "-s"]) == 0
    assert "Check\\-worthiness 0.95" in capsys.readouterr().out


def test_cli_claims_refuses_claimreview_which_needs_verdicts(capsys, fake_claims):
    assert main(["claims", "essay.md", "--format", "claimreview"]) == 2
    err = capsys.readouterr().err
    assert "a ClaimReview needs verdicts: use sourcecheck check" in err and len(err.strip().splitlines()) == 1
