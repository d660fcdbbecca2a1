"""Fit the verifier's thresholds and confidence calibration on the tuning sets (never on test sets).

    python scripts/calibrate_verifier.py [--store PATH] [--out src/sourcecheck/data/verifier_calibration.json]

Tuning sets:
- Climate-FEVER, the 70% of claims that bench/bench_verification.py does not measure on
  (sha256(claim_id) % 10 >= 3), each against its five evidence sentences: all four labels;
- the history retrieval set (bench/data/history_retrieval.jsonl: 98 claims, SUPPORTED or
  REFUTED) checked end to end against the evidence store (its NOT_ENOUGH_EVIDENCE and
  CONFLICTING examples come from Climate-FEVER alone).

Steps: every claim's evidence windows are scored once (`Verifier.assess`); a grid over the
support, refute and conflict thresholds picks the setting with the best mean of Climate-FEVER
macro-F1 and history accuracy; then for each label a logistic map from the raw strength to the
probability of being right (Platt scaling, fitted by Newton's method) turns strengths into
confidences. Writes the thresholds and the maps as JSON with the scores they reached.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
from benchlib import accuracy, expected_calibration_error, macro_f1  # noqa: E402
from verification_sets import LABELS, GivenEvidence, climate_fever  # noqa: E402

from sourcecheck.types import Label  # noqa: E402
from sourcecheck.verdicts import Thresholds, decide  # noqa: E402
from sourcecheck.verifier import ClaimInput, Verifier  # noqa: E402

HISTORY_TUNING = os.path.join(HERE, "..", "bench", "data", "history_retrieval.jsonl")


def assess_all(verifier: Verifier, claims: list[str], batch: int = 32):
    out = []
    for begin in range(0, len(claims), batch):
        assessed, _ = verifier.assess([ClaimInput(c) for c in claims[begin : begin + batch]])
        out += assessed
        print(f"  assessed {len(out)}/{len(claims)}", file=sys.stderr, flush=True)
    return out


def platt(raw: list[float], correct: list[bool], iterations: int = 50) -> tuple[float, float]:
    """a, b minimising the log loss of sigmoid(a * logit(raw) + b) against `correct`."""
    xs = [math.log(min(max(r, 1e-4), 1 - 1e-4) / (1 - min(max(r, 1e-4), 1 - 1e-4))) for r in raw]
    a, b = 1.0, 0.0
    for _ in range(iterations):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, correct):
            p = 1 / (1 + math.exp(-(a * x + b)))
            ga += (p - y) * x
            gb += p - y
            w = p * (1 - p) + 1e-9
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab + 1e-9
        a -= (hbb * ga - hab * gb) / det
        b -= (haa * gb - hab * ga) / det
    return a, b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default=None)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "src", "sourcecheck", "data", "verifier_calibration.json"))
    args = parser.parse_args()

    climate = climate_fever("train")
    print(f"Climate-FEVER tuning claims: {len(climate)}", file=sys.stderr)
    climate_assessed = assess_all(Verifier(searcher=GivenEvidence(climate)), [i.claim for i in climate])
    climate_gold = [i.gold for i in climate]

    from sourcecheck.checking import open_evidence

    history = [json.loads(line) for line in open(HISTORY_TUNING, encoding="utf-8") if line.strip()]
    store = open_evidence(args.store)
    try:
        history_assessed = assess_all(Verifier(store), [r["claim"] for r in history])
    finally:
        store.close()
    history_gold = [r["label"] for r in history]

    grid = [round(x, 2) for x in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    best = None
    for support, refute, conflict in itertools.product(grid, grid, (0.7, 0.8, 0.9, 1.01)):
        t = Thresholds(support=support, refute=refute, conflict=conflict)
        cf = [decide(a, t)[0].value for a in climate_assessed]
        hi = [decide(a, t)[0].value for a in history_assessed]
        score = (macro_f1(climate_gold, cf, list(LABELS)) + accuracy(history_gold, hi)) / 2
        if best is None or score > best[0] + 1e-9:
            best = (score, t, macro_f1(climate_gold, cf, list(LABELS)), accuracy(climate_gold, cf), accuracy(history_gold, hi))
    assert best is not None
    score, thresholds, cf_f1, cf_acc, hist_acc = best
    print(f"thresholds {thresholds}: Climate-FEVER train macro-F1 {cf_f1:.3f} accuracy {cf_acc:.3f}; history accuracy {hist_acc:.3f}", file=sys.stderr)

    decided = [decide(a, thresholds) for a in climate_assessed + history_assessed]
    gold = climate_gold + history_gold
    labels = {}
    for label in Label:
        idx = [i for i, (lab, _) in enumerate(decided) if lab is label]
        if len(idx) < 10:
            continue  # too few to fit; confidence stays the raw strength
        a, b = platt([decided[i][1] for i in idx], [decided[i][0].value == gold[i] for i in idx])
        labels[label.value] = {"a": round(a, 4), "b": round(b, 4), "n": len(idx)}
    table = {k: (v["a"], v["b"]) for k, v in labels.items()}

    from sourcecheck.verdicts import calibrated

    confidences = [calibrated(lab, raw, table) for lab, raw in decided]
    correct = [lab.value == g for (lab, _), g in zip(decided, gold)]
    result = {
        "thresholds": {"support": thresholds.support, "refute": thresholds.refute, "conflict": thresholds.conflict},
        "labels": labels,
        "fitted_on": "Climate-FEVER claims with sha256(claim_id) % 10 >= 3 (given evidence) + bench/data/history_retrieval.jsonl (end to end)",
        "tuning_scores": {
            "climate_fever_train_macro_f1": round(cf_f1, 4), "climate_fever_train_accuracy": round(cf_acc, 4),
            "history_retrieval_accuracy": round(hist_acc, 4),
            "ece_before": round(expected_calibration_error([raw for _, raw in decided], correct), 4),
            "ece_after": round(expected_calibration_error(confidences, correct), 4),
        },
    }
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
