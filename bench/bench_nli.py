#!/usr/bin/env python
"""NLI accuracy of the shipped int8 model (and of the fp32 export before quantisation).

    .venv/bin/python bench/bench_nli.py [--fp32 .train/nli/nli-fp32.onnx] [--limit N]

Test splits only, none of which is trained on (scripts/nli_datasets.py): SNLI test (9,824),
SICK test (4,927), ANLI R1, R2, R3 test (1,000 / 1,000 / 1,200). The fp32 model is the ONNX
export that scripts/train_nli.py writes before quantising; it is not shipped, so its row is
measured only where that file exists (give --fp32). Also reports int8 pairs/s on 2 threads.

Targets (issue 4): SNLI test >= 0.80, SICK test >= 0.80, ANLI test >= 0.40.
Writes bench/results/nli.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import nli_datasets as ds  # noqa: E402
from benchlib import REPO, git_commit, log  # noqa: E402

from sourcecheck.models import NLI_MODEL_FILE, NLIModel, file_sha256  # noqa: E402

RESULTS = REPO / "bench" / "results" / "nli.json"


def test_sets(limit: int | None) -> dict[str, list[ds.Pair]]:
    sets = {
        "snli_test": list(ds.snli("test")),
        "sick_test": list(ds.sick("test")),
        "anli_r1_test": list(ds.anli("test", ("R1",))),
        "anli_r2_test": list(ds.anli("test", ("R2",))),
        "anli_r3_test": list(ds.anli("test", ("R3",))),
    }
    return {k: v[:limit] if limit else v for k, v in sets.items()}


def evaluate(model: NLIModel, sets: dict[str, list[ds.Pair]]) -> dict[str, float]:
    out = {}
    for name, pairs in sets.items():
        probs = model.predict([(p.premise, p.hypothesis) for p in pairs])
        gold = np.array([p.label for p in pairs])
        out[name] = round(float((probs.argmax(1) == gold).mean()), 4)
        log(f"  {name}: {out[name]:.4f} ({len(pairs)} pairs)")
    anli = [p for k in ("anli_r1_test", "anli_r2_test", "anli_r3_test") for p in sets[k]]
    out["anli_test"] = round(sum(out[k] * len(sets[k]) for k in ("anli_r1_test", "anli_r2_test", "anli_r3_test")) / max(len(anli), 1), 4)
    return out


def speed(model: NLIModel, pairs: list[ds.Pair]) -> float:
    sample = [(p.premise, p.hypothesis) for p in pairs[:512]]
    model.predict(sample[:32])
    started = time.perf_counter()
    model.predict(sample)
    return round(len(sample) / (time.perf_counter() - started), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fp32", default=None, help="the fp32 ONNX export, when it is on this machine")
    parser.add_argument("--limit", type=int, default=None, help="at most N pairs per set (quick looks only)")
    args = parser.parse_args()
    sets = test_sets(args.limit)
    results: dict = {"commit": git_commit(), "date": dt.date.today().isoformat(), "limit": args.limit}
    int8 = NLIModel()
    log("int8 model:")
    results["int8"] = evaluate(int8, sets) | {"sha256": file_sha256(str(NLI_MODEL_FILE)), "bytes": NLI_MODEL_FILE.stat().st_size}
    mixed = sets["anli_r1_test"][:256] + sets["snli_test"][:256]
    results["int8"]["pairs_per_second_2_threads"] = speed(int8, mixed)
    if args.fp32:
        log("fp32 model:")
        results["fp32"] = evaluate(NLIModel(Path(args.fp32)), sets) | {"sha256": file_sha256(args.fp32)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    names = ["snli_test", "sick_test", "anli_r1_test", "anli_r2_test", "anli_r3_test", "anli_test"]
    print(f"{'model':<6} " + " ".join(f"{n:>13}" for n in names))
    for model in ("int8", "fp32"):
        if model in results:
            print(f"{model:<6} " + " ".join(f"{results[model][n]:>13.4f}" for n in names))
    print(f"int8: {results['int8']['pairs_per_second_2_threads']} pairs/s on 2 threads; written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
