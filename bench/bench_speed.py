"""Speed and memory of claim extraction on the seed essays, warm, on this machine.

    .venv/bin/python bench/bench_speed.py [--repeat 5]

Loads the models once (cold time reported separately), then runs the whole first half of the
pipeline (ingest, analysis, dates, claims, check-worthiness) on each seed essay `--repeat` times
and reports the best and median words per second, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchlib, also when loaded by path from tests
from benchlib import git_commit

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
RESULTS = REPO / "bench" / "results" / "speed.json"




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from sourcecheck.pipeline import ClaimExtractor, extract_claims

    files = sorted(SEEDS.glob("*.txt")) + [REPO / "examples" / "essay.md"]
    files = [f for f in files if f.exists()]
    if not files:
        print(f"error: no seed essays under {SEEDS}", file=sys.stderr)
        return 2
    extractor = ClaimExtractor()
    cold_start = time.perf_counter()
    extract_claims([str(files[0])], extractor=extractor)
    cold = time.perf_counter() - cold_start
    rows = []
    for path in files:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = extract_claims([str(path)], extractor=extractor, include_all=True)
            times.append(time.perf_counter() - start)
        words = report.documents[0].words
        rows.append({
            "file": path.name,
            "words": words,
            "claims": len(report.documents[0].claims),
            "best_s": round(min(times), 4),
            "median_s": round(statistics.median(times), 4),
            "words_per_s_best": round(words / min(times)),
            "words_per_s_median": round(words / statistics.median(times)),
        })
    total_words = sum(r["words"] for r in rows)
    total_median = sum(r["median_s"] for r in rows)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'file':32} {'words':>6} {'claims':>6} {'best s':>8} {'median s':>9} {'words/s':>8}")
    for r in rows:
        print(f"{r['file']:32} {r['words']:>6} {r['claims']:>6} {r['best_s']:>8.3f} {r['median_s']:>9.3f} {r['words_per_s_median']:>8}")
    print(f"{'all (median)':32} {total_words:>6} {'':>6} {'':>8} {total_median:>9.3f} {round(total_words / total_median):>8}")
    print(f"cold start (first document, models loading): {cold:.2f} s; peak RSS {peak_rss_mb:.0f} MB; {os.cpu_count()} CPUs")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "speed",
        "commit": git_commit(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "repeat": args.repeat,
        "cold_start_s": round(cold, 3),
        "peak_rss_mb": round(peak_rss_mb),
        "words_per_s_median_all": round(total_words / total_median),
        "rows": rows,
    }, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
