#!/usr/bin/env python
"""Comparing documents: pair accuracy on hand-written claim pairs, and the time to compare two
long documents.

    .venv/bin/python bench/bench_comparison.py [--split test|tune|all] [--runs 3] [--show-errors]

Accuracy: bench/data/comparison_pairs.jsonl (101 cross-document claim pairs, see
COMPARISON_PAIRS.md), each pair labelled agree, contradict, complement, unrelated or
evaluation_contrast. Each side becomes a claim as `sourcecheck.comparison.claims_from_texts`
makes it (spaCy mentions, dates, kind), and `Comparer.relate` judges the pair: None (not about
the same thing) counts as "unrelated". The split is fixed: within each label, in file order, pairs
1, 4, 7, ... are the tuning third (every threshold was set on them), the rest is the test set.
All 101 pairs are judged in one call and then scored per split: the int8 NLI model's
probabilities shift slightly with the other pairs in its batch, so one call keeps tune and test
numbers from the same run. Reported: accuracy, macro-F1 and per-label precision/recall/F1 on the
test split (target: accuracy >= 0.75), the same on the tuning split, and the confusion matrix.

Speed: bench/data/comparison_docs/ (two Wikipedia articles cut to ~1,500 words each, on the
Winter War and the Continuation War: many related claims, the costly case). Claims are extracted
once beforehand (timed and reported apart), then `Comparer.compare` runs `--runs` times warm (the
embedder and NLI loaded by a first, untimed run): median and best wall seconds (target <= 5 s on
two cores) and the CPU seconds the process spent (all threads: the cost whatever else runs; on two
idle cores the wall time is at most that), with the claims, related and judged pairs, and the
load average of the machine, which other processes share.

Writes bench/results/comparison.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, accuracy, git_commit, log, macro_f1, peak_memory_mb  # noqa: E402

PAIRS = REPO / "bench" / "data" / "comparison_pairs.jsonl"
DOCS = [REPO / "bench" / "data" / "comparison_docs" / name for name in ("winter-war.txt", "continuation-war.txt")]
RESULTS = REPO / "bench" / "results" / "comparison.json"
LABELS = ["agree", "contradict", "complement", "unrelated", "evaluation_contrast"]


def load_pairs() -> list[dict]:
    """The pairs with their fixed split: within each label, every third pair from the first is
    for tuning."""
    items = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen: Counter[str] = Counter()
    for item in items:
        item["split"] = "tune" if seen[item["label"]] % 3 == 0 else "test"
        seen[item["label"]] += 1
    return items


def judge_pairs(items: list[dict]) -> list[dict]:
    from sourcecheck.comparison import Comparer, claims_from_texts

    a = claims_from_texts([i["a"] for i in items], doc_id="a" * 16)
    b = claims_from_texts([i["b"] for i in items], doc_id="b" * 16)
    started = time.perf_counter()
    pairs = Comparer().relate(list(zip(a, b)))
    log(f"judged {len(items)} pairs in {time.perf_counter() - started:.1f} s")
    return [{"id": i["id"], "split": i["split"], "gold": i["label"], "predicted": p.relation.value.lower() if p else "unrelated",
             "reason": p.reason if p else "not related"} for i, p in zip(items, pairs)]


def per_label(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"n": tp + fn, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    return out


def scores(rows: list[dict]) -> dict:
    gold = [r["gold"] for r in rows]
    predicted = [r["predicted"] for r in rows]
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, predicted):
        confusion.setdefault(g, {}).setdefault(p, 0)
        confusion[g][p] += 1
    return {"n": len(rows), "accuracy": round(accuracy(gold, predicted), 4), "macro_f1": round(macro_f1(gold, predicted, LABELS), 4),
            "per_label": per_label(gold, predicted), "confusion": confusion}


def bench_speed(runs: int) -> dict:
    from sourcecheck.comparison import Comparer, comparable
    from sourcecheck.pipeline import extract_claims

    load_before = os.getloadavg()
    started = time.perf_counter()
    report = extract_claims([str(p) for p in DOCS], include_all=True)
    cold_extract = time.perf_counter() - started
    started = time.perf_counter()
    report = extract_claims([str(p) for p in DOCS], include_all=True)
    warm_extract = time.perf_counter() - started
    documents = [d.model_copy(update={"claims": [c for c in d.claims if comparable(c)]}) for d in report.documents]
    comparer = Comparer()
    comparer.compare(documents)  # loads the embedder and the NLI model
    seconds, cpu, timings = [], [], {}
    for _ in range(runs):
        timings = {}
        started, started_cpu = time.perf_counter(), time.process_time()
        comparison = comparer.compare(documents, timings=timings)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    relations = Counter(p.relation.value for t in comparison.topics for p in t.pairs)
    return {
        "documents": [{"file": str(p.relative_to(REPO)), "words": d.words, "claims_compared": len(d.claims)} for p, d in zip(DOCS, documents)],
        "extract_seconds_cold": round(cold_extract, 2), "extract_seconds_warm": round(warm_extract, 2),
        "compare_seconds_warm_median": round(statistics.median(seconds), 2), "compare_seconds_warm_best": round(min(seconds), 2),
        "compare_seconds_warm_runs": [round(s, 2) for s in seconds],
        # CPU seconds of this process (all its threads): what the comparison costs whatever else
        # runs on the machine; on two idle cores the wall time is at most this (and about half
        # of it where both of the models' threads are busy).
        "compare_cpu_seconds_median": round(statistics.median(cpu), 2),
        "last_run_timings": {k: round(v, 3) for k, v in timings.items()},
        "settings": comparison.settings, "topics": len(comparison.topics), "relations": dict(relations),
        "date_conflicts": len(comparison.date_conflicts), "timeline_entries": len(comparison.timeline),
        "threads": int(os.environ.get("SOURCECHECK_THREADS", "2")), "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "peak_memory_mb": round(peak_memory_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["test", "tune", "all"], default="test", help="the split whose errors --show-errors lists")
    parser.add_argument("--runs", type=int, default=3, help="timed warm comparisons of the two long documents")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed part")
    parser.add_argument("--show-errors", action="store_true", help="print the pairs judged wrong")
    args = parser.parse_args()

    rows = judge_pairs(load_pairs())
    results: dict = {"commit": git_commit(), "date": dt.date.today().isoformat(), "pairs_file": str(PAIRS.relative_to(REPO))}
    for split in ("test", "tune"):
        results[split] = scores([r for r in rows if r["split"] == split])
    results["all"] = scores(rows)
    if not args.no_speed:
        results["speed"] = bench_speed(args.runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    print(f"{'split':<6} {'n':>4} {'accuracy':>9} {'macro-F1':>9}   " + "  ".join(f"{label[:10]:>10}" for label in LABELS))
    for split in ("test", "tune", "all"):
        r = results[split]
        f1s = "  ".join(f"{r['per_label'][label]['f1']:>10.3f}" for label in LABELS)
        print(f"{split:<6} {r['n']:>4} {r['accuracy']:>9.3f} {r['macro_f1']:>9.3f}   {f1s}")
    print("(per-label columns: F1)")
    if "speed" in results:
        s = results["speed"]
        words = " + ".join(str(d["words"]) for d in s["documents"])
        claims = " + ".join(str(d["claims_compared"]) for d in s["documents"])
        print(f"speed: {words} words, {claims} claims compared; extraction {s['extract_seconds_warm']} s warm ({s['extract_seconds_cold']} s cold), "
              f"comparison {s['compare_seconds_warm_median']} s warm (median of {len(s['compare_seconds_warm_runs'])}, best {s['compare_seconds_warm_best']} s; "
              f"{s['compare_cpu_seconds_median']} CPU s); "
              f"{s['settings']['judged_pairs']} pairs judged of {s['settings']['related_pairs']} related; load average {s['load_average_before'][0]} on {s['cpus']} CPUs")
    if args.show_errors:
        for r in rows:
            if r["predicted"] != r["gold"] and (args.split == "all" or r["split"] == args.split):
                print(f"  {r['id']} [{r['split']}] gold {r['gold']}, got {r['predicted']}: {r['reason']}")
    print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
