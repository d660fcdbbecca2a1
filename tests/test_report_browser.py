"""The HTML report in a real browser (headless Chromium): opened from disk, offline, clicked,
filtered and driven by keyboard. Screenshots are left under out/test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcecheck.report_html import render_html

from browser import ARTIFACTS, chromium_browser, offline_context, save_screenshot  # noqa: F401  (fixture)
from report_samples import claims_report, sample_report


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(sample_report(), title="Browser test report"), encoding="utf-8")
    return path


@pytest.fixture
def opened(chromium_browser, report_file):
    """The report opened from disk in a fresh offline context: (page, requests, problems)."""
    with offline_context(chromium_browser) as (context, requests):
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
        page.goto(report_file.as_uri(), wait_until="load")
        yield page, requests, problems


def visible_options(page) -> list[str]:
    """The claims the list shows (laid out, not merely present)."""
    return page.eval_on_selector_all('#claim-list [role="option"]', "els => els.filter(e => e.getClientRects().length > 0).map(e => e.dataset.claim)")


def test_opens_from_disk_without_any_request_or_error(opened, report_file):
    page, requests, problems = opened
    assert page.title() == "Browser test report"
    page.locator("mark.hl").first.click()  # interaction must not fetch anything either
    page.wait_for_timeout(200)
    assert requests == [report_file.as_uri()]
    assert problems == []  # no script error, and no CSP violation (Chromium reports those on the console)
    assert page.evaluate("document.documentElement.classList.contains('js')")


def test_markup_in_the_documents_did_not_run(opened):
    page, _, _ = opened
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("img").count() == 0
    text = page.locator("#doc-0 .doc-text").inner_text()
    assert '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2">' in text


def test_clicking_a_highlight_shows_the_claims_evidence(opened):
    page, _, _ = opened
    assert not page.locator("#detail-c0-0").is_visible()
    page.locator('mark.hl[data-claims~="c0-0"]').click()
    detail = page.locator("#detail-c0-0")
    assert detail.is_visible()
    text = detail.inner_text()
    assert "The Winter War began on 30 November 1939." in text and "Supported" in text and "confidence 0.91" in text
    assert "The Winter War began with the Soviet invasion of Finland on 30 November 1939." in text
    link = detail.locator("a", has_text="Winter War")
    assert link.get_attribute("href") == "https://en.wikipedia.org/wiki?curid=33702"
    assert page.locator('[role="option"][data-claim="c0-0"]').get_attribute("aria-selected") == "true"
    assert "is-selected" in page.locator('mark.hl[data-claims~="c0-0"]').get_attribute("class")
    assert page.locator(".tl-item.is-selected").get_attribute("data-claim") == "c0-0"
    assert page.locator(".claim-detail.is-selected").count() == 1
    assert "Selected claim 1: Supported" in page.locator("#status").inner_text()
    save_screenshot(page, "report-selected-claim", full_page=True)


def test_the_deciding_words_of_a_quote_are_marked(opened):
    page, _, _ = opened
    page.locator('[role="option"][data-claim="c0-1"]').click()
    detail = page.locator("#detail-c0-1")
    assert detail.locator("mark.decisive").inner_text() == "13 March 1940"
    assert "the claim says 1941, the evidence 13 March 1940" in detail.inner_text()
    assert detail.locator("a").count() == 0  # its javascript: URL is not a link


def test_filter_by_verdict_and_checkworthiness(opened):
    page, _, _ = opened
    everything = visible_options(page)
    assert len(everything) == 7 and page.locator("#showing").inner_text() == "Showing 7 of 7 claims"
    refuted = page.locator('.summary button[data-label="REFUTED"]')
    refuted.click()
    assert refuted.get_attribute("aria-pressed") == "false"
    assert "c0-1" not in visible_options(page) and len(visible_options(page)) == 6
    assert "is-filtered" in page.locator('mark.hl[data-claims="c0-1"]').get_attribute("class")
    assert not page.locator('.tl-item[data-claim="c0-1"]').is_visible()
    assert page.locator("#showing").inner_text() == "Showing 6 of 7 claims"
    save_screenshot(page, "report-filtered-no-refuted")
    page.locator("#cw-filter").select_option("0.75")
    # check-worthiness 0.95, 0.88 (refuted: hidden), 0.62, 0.41, 0.97, 0.7, 0.3
    assert visible_options(page) == ["c0-0", "c1-0"]
    page.locator("#cw-filter").select_option("checkworthy")
    assert visible_options(page) == ["c0-0", "c0-2", "c1-0", "c1-1"]
    page.locator("#reset-filters").click()
    assert visible_options(page) == everything and refuted.get_attribute("aria-pressed") == "true"


def test_keyboard_tab_to_the_claims_arrows_and_enter(opened):
    page, _, _ = opened
    # Tab from the top of the page until the claim list has focus (one tab stop for all claims).
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "option":
            break
    else:
        pytest.fail("Tab never reached the claim list")
    assert page.evaluate("document.activeElement.dataset.claim") == "c0-0"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.claim") == "c0-2"
    assert page.locator(".claim-detail.is-selected").count() == 0  # moving is not selecting
    page.keyboard.press("Enter")
    assert page.locator("#detail-c0-2").is_visible()
    assert "attributed to the communiqué" in page.locator("#detail-c0-2").inner_text()
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.claim") == "c1-2"
    page.keyboard.press(" ")
    assert page.locator("#detail-c1-2").is_visible() and "not checked" in page.locator("#detail-c1-2").inner_text()
    # Hidden claims are skipped by the arrows.
    page.locator('.summary button[data-label="NOT_ENOUGH_EVIDENCE"]').click()
    page.locator('[role="option"][data-claim="c0-1"]').focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.claim") == "c0-3"
    save_screenshot(page, "report-keyboard")


def test_a_point_on_the_timeline_selects_its_claim(opened):
    page, _, _ = opened
    lanes = page.locator("svg.timeline g.lane")
    assert lanes.count() == 2
    page.locator('.tl-item[data-claim="c0-3"]').click()
    assert page.locator("#detail-c0-3").is_visible()
    assert page.locator('[role="option"][data-claim="c0-3"]').get_attribute("aria-selected") == "true"
    page.locator('.tl-item[data-claim="c1-1"]').focus()
    page.keyboard.press("Enter")
    assert page.locator("#detail-c1-1").is_visible()


def test_a_sentence_with_two_claims_selects_each_in_turn(chromium_browser, tmp_path):
    report = sample_report()
    doc = report.documents[0]
    first, second = doc.claims[0], doc.claims[1]
    twin = second.model_copy(update={"id": "twin", "start": first.start, "end": first.end, "source_text": first.source_text})
    path = tmp_path / "twin.html"
    path.write_text(render_html(report.model_copy(update={"documents": [doc.model_copy(update={"claims": [first, twin]})]})), encoding="utf-8")
    with offline_context(chromium_browser) as (context, _):
        page = context.new_page()
        page.goto(path.as_uri())
        mark = page.locator('mark.hl[data-claims="c0-0 c0-1"]')
        mark.click()
        assert page.locator("#detail-c0-0").is_visible()
        mark.click()
        assert page.locator("#detail-c0-1").is_visible() and not page.locator("#detail-c0-0").is_visible()


def test_print_shows_every_claim_with_its_evidence(opened):
    page, _, _ = opened
    page.emulate_media(media="print")
    assert page.locator(".claim-detail:visible").count() == 7
    assert not page.locator("#claim-list").is_visible() and not page.locator(".controls").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "report-print.pdf"))
    assert (ARTIFACTS / "report-print.pdf").stat().st_size > 10_000


def test_claims_report_without_verdicts_in_the_browser(chromium_browser, tmp_path):
    path = tmp_path / "claims.html"
    path.write_text(render_html(claims_report()), encoding="utf-8")
    with offline_context(chromium_browser) as (context, requests):
        page = context.new_page()
        page.goto(path.as_uri())
        page.locator('[role="option"][data-claim="c0-1"]').click()
        assert "Not checked" in page.locator("#detail-c0-1").inner_text()
        page.locator("#cw-filter").select_option("0.9")
        assert visible_options(page) == ["c0-0", "c1-0"]
        save_screenshot(page, "claims-report", full_page=True)
    assert requests == [path.as_uri()]
