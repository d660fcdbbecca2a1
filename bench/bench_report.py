"""Size and speed of the HTML report and the exports, and its first render in headless Chromium.

    .venv/bin/python bench/bench_report.py [--repeat 20] [--renders 5] [--report saved.json]

Runs `sourcecheck check` once on the two seed essays together (the default evidence store; or
reads a saved `--json` report with --report), then measures: the size of the HTML page and of
each export, the time to generate each (best and median of --repeat), and in headless Chromium
(Debian's, driven by Playwright; started once, not timed), over --renders fresh pages: by the
browser's own clock DOMContentLoaded, the load event, first contentful paint and selecting a claim;
by the wall clock (Playwright's round trips included) the load and the first highlighted claim
visible. Skips with a message when the seed essays are absent.
Prints a table and writes bench/results/report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchlib
from benchlib import git_commit, log

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
RESULTS = REPO / "bench" / "results" / "report.json"
sys.path.insert(0, str(REPO / "tests"))  # browser.py: the same Chromium launch as the browser tests


def timed(fn, repeat: int) -> tuple[object, list[float]]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, times


def browser_timings(path: Path, renders: int) -> dict:
    from browser import launch_chromium, missing, offline_context

    reason = missing()
    if reason:
        return {"skipped": reason}
    loads, firsts, marks, requests_seen = [], [], [], []
    in_page: dict[str, list[float]] = {"dom_content_loaded": [], "load_event": [], "first_contentful_paint": [], "select_claim": []}
    with launch_chromium() as browser:
        for _ in range(renders):
            with offline_context(browser) as (context, requests):
                page = context.new_page()
                start = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                loads.append(time.perf_counter() - start)
                page.locator("mark.hl").first.wait_for(state="visible")
                firsts.append(time.perf_counter() - start)
                # The browser's own clock, without Playwright's round trips: navigation timing,
                # first contentful paint, and one selection with the layout it forces.
                timing = page.evaluate(
                    """() => {
                        const nav = performance.getEntriesByType('navigation')[0];
                        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                        const option = document.querySelectorAll('#claim-list [role="option"]')[1];
                        const t = performance.now();
                        option.click();
                        document.body.getBoundingClientRect();
                        const select = performance.now() - t;
                        const shown = document.querySelector('.claim-detail.is-selected') !== null;
                        return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: fcp ? fcp.startTime : null, select, shown,
                                marks: document.querySelectorAll('mark.hl').length};
                    }"""
                )
                assert timing["shown"], "selecting a claim did not show its details"
                in_page["dom_content_loaded"].append(timing["dcl"] / 1000)
                in_page["load_event"].append(timing["load"] / 1000)
                if timing["fcp"] is not None:
                    in_page["first_contentful_paint"].append(timing["fcp"] / 1000)
                in_page["select_claim"].append(timing["select"] / 1000)
                marks.append(timing["marks"])
                requests_seen.append(len(requests))
    return {
        "renders": renders,
        "highlights": marks[0],
        "wall_load_s_median": round(statistics.median(loads), 4),
        "wall_first_claim_visible_s_median": round(statistics.median(firsts), 4),
        **{f"{k}_s_median": round(statistics.median(v), 4) for k, v in in_page.items() if v},
        "requests_per_page": max(requests_seen),  # 1: the file itself
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each generator")
    parser.add_argument("--renders", type=int, default=5, help="fresh browser pages to time")
    parser.add_argument("--report", type=Path, help="use this saved JSON report instead of running check")
    args = parser.parse_args()
    from sourcecheck.exports import to_annotations, to_claimreview, to_markdown
    from sourcecheck.report_html import render_html
    from sourcecheck.types import Report

    check_s = None
    if args.report is not None:
        report = Report.model_validate_json(args.report.read_text(encoding="utf-8"))
        inputs = [d.source for d in report.documents]
    else:
        files = sorted(SEEDS.glob("*.txt"))
        if not files:
            print(f"skipped: no seed essays under {SEEDS}")
            return 0
        from sourcecheck.checking import check

        log(f"checking {len(files)} seed essays together (once; models load)...")
        start = time.perf_counter()
        report = check([str(f) for f in files])
        check_s = time.perf_counter() - start
        inputs = [f.name for f in files]
    claims = sum(len(d.claims) for d in report.documents)
    words = sum(d.words for d in report.documents)
    evidence = sum(len(c.verdict.evidence) for d in report.documents for c in d.claims if c.verdict)

    generators = {
        "html": lambda: render_html(report),
        "markdown": lambda: to_markdown(report),
        "claimreview": lambda: json.dumps(to_claimreview(report), ensure_ascii=False),
        "annotations": lambda: json.dumps(to_annotations(report), ensure_ascii=False),
        "json": lambda: report.model_dump_json(),
    }
    rows = []
    html = ""
    for name, fn in generators.items():
        text, times = timed(fn, args.repeat)
        assert isinstance(text, str)
        if name == "html":
            html = text
        rows.append({
            "format": name, "bytes": len(text.encode("utf-8")),
            "best_ms": round(min(times) * 1000, 2), "median_ms": round(statistics.median(times) * 1000, 2),
        })

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        log(f"timing {args.renders} renders in headless Chromium...")
        browser = browser_timings(path, args.renders)

    print(f"report: {len(report.documents)} documents ({', '.join(inputs)}), {words} words, {claims} claims, {evidence} evidence quotes"
          + (f"; check took {check_s:.1f} s (models loading included)" if check_s else ""))
    print(f"{'format':12} {'bytes':>9} {'best ms':>9} {'median ms':>10}")
    for r in rows:
        print(f"{r['format']:12} {r['bytes']:>9} {r['best_ms']:>9.2f} {r['median_ms']:>10.2f}")
    if "skipped" in browser:
        print(f"browser: skipped ({browser['skipped']})")
    else:
        print(f"headless Chromium, {browser['renders']} fresh pages from disk, medians in ms ({browser['highlights']} highlights; requests per page: {browser['requests_per_page']}):")
        print(f"  browser clock: DOMContentLoaded {browser['dom_content_loaded_s_median'] * 1000:.0f}, load event {browser['load_event_s_median'] * 1000:.0f}, "
              f"first contentful paint {browser.get('first_contentful_paint_s_median', 0) * 1000:.0f}, select a claim {browser['select_claim_s_median'] * 1000:.1f}")
        print(f"  wall clock (with Playwright's round trips): load {browser['wall_load_s_median'] * 1000:.0f}, first claim visible {browser['wall_first_claim_visible_s_median'] * 1000:.0f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "report",
        "commit": git_commit(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "inputs": inputs,
        "documents": len(report.documents),
        "words": words,
        "claims": claims,
        "evidence_quotes": evidence,
        "check_s": round(check_s, 2) if check_s else None,
        "repeat": args.repeat,
        "formats": rows,
        "browser": browser,
    }, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
