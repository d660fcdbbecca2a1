#!/usr/bin/env python
"""Benchmark of the temporal tagger (`sourcecheck.dates.tag_times`) on the hand-written gold set.

    python bench/bench_dates.py [--split test|dev|all] [--show-failures] [--out PATH]

Predictions are matched to gold expressions one-to-one within each passage, greedily by the
highest character-span Jaccard overlap (only overlapping pairs can match). The headline number
is the exact-interval accuracy: the share of ALL gold expressions whose matched prediction has
exactly the same `earliest` and `latest` (unmatched gold counts as wrong). The product target is
an exact-interval accuracy of at least 0.90 on the test split.

The scoring (`score`) is a pure function of gold items and prediction dicts, tested in
tests/test_bench_dates.py without the real tagger. The gold set and its conventions are
described in bench/data/README.md; the contract is docs/dates.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD_PATH = ROOT / "bench" / "data" / "dates_gold.jsonl"
RESULTS_PATH = ROOT / "bench" / "results" / "dates.json"
PRECISIONS = ("day", "week", "month", "season", "part", "year", "decade", "century", "range", "open")
TARGET_EXACT_ACCURACY = 0.90
SPLITS = ("test", "dev", "all")


# --------------------------------------------------------------------------------------------
# Gold set
# --------------------------------------------------------------------------------------------

def split_of(item_id: str) -> str:
    """The split rule of the gold set: "dev" when sha256(id) is divisible by 3, else "test"."""
    return "dev" if int(hashlib.sha256(item_id.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "test"


def load_gold(path: Path = GOLD_PATH, split: str = "test") -> list[dict[str, Any]]:
    """The gold passages of one split ("test", "dev" or "all"), in file order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    items = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            if split == "all" or item["split"] == split:
                items.append(item)
    return items


# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------

def span_jaccard(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Jaccard overlap of two character spans [start, end): |intersection| / |union|."""
    inter = min(a_end, b_end) - max(a_start, b_start)
    if inter <= 0:
        return 0.0
    union = (a_end - a_start) + (b_end - b_start) - inter
    return inter / union if union > 0 else 0.0


def match_spans(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, float]]:
    """One-to-one matching of predictions to gold within one passage.

    Greedy by highest span Jaccard (ties: earlier gold, then earlier prediction); only pairs whose
    spans overlap by at least one character can match. Returns (gold index, pred index, jaccard).
    """
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            j = span_jaccard(g["start"], g["end"], p["start"], p["end"])
            if j > 0.0:
                pairs.append((-j, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    matches = []
    for neg_j, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matches.append((gi, pi, -neg_j))
    matches.sort()
    return matches


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _prec(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _pred_view(p: Mapping[str, Any]) -> dict[str, Any]:
    view = {
        "text": p.get("text"),
        "start": p["start"],
        "end": p["end"],
        "earliest": _iso(p.get("earliest")),
        "latest": _iso(p.get("latest")),
        "precision": _prec(p.get("precision")),
    }
    if p.get("anchor") is not None:
        view["anchor"] = p["anchor"]
    return view


def score(items: Sequence[Mapping[str, Any]], predictions: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """Score predictions against gold passages.

    `items`: gold passages ({"id", "text", "document_date", "expected": [...]}, as in the gold file).
    `predictions`: passage id -> list of dicts with start, end, earliest, latest, precision (and
    optionally text, anchor); dates may be `datetime.date` or ISO strings, precision an enum or str.
    A passage missing from `predictions` counts as having no predictions.
    """
    n_gold = n_pred = n_matched = n_exact = n_prec_ok = 0
    neg_passages = neg_fp = neg_passages_fp = 0
    by_prec: dict[str, dict[str, int]] = {}
    failures: list[dict[str, Any]] = []

    for item in items:
        gold = list(item["expected"])
        pred = [_pred_view(p) for p in predictions.get(item["id"], [])]
        n_gold += len(gold)
        n_pred += len(pred)
        if not gold:
            neg_passages += 1
            neg_fp += len(pred)
            neg_passages_fp += bool(pred)

        base = {"id": item["id"], "split": item.get("split"), "text": item["text"],
                "document_date": item.get("document_date")}
        matches = match_spans(gold, pred)
        matched_g = {gi: (pi, j) for gi, pi, j in matches}
        matched_p = {pi for _, pi, _ in matches}

        for gi, g in enumerate(gold):
            cat = by_prec.setdefault(g["precision"], {"gold": 0, "matched": 0, "exact": 0})
            cat["gold"] += 1
            if gi not in matched_g:
                failures.append({**base, "kind": "missed", "expected": dict(g), "predicted": None})
                continue
            pi, j = matched_g[gi]
            p = pred[pi]
            n_matched += 1
            cat["matched"] += 1
            exact = p["earliest"] == g["earliest"] and p["latest"] == g["latest"]
            prec_ok = p["precision"] == g["precision"]
            n_exact += exact
            cat["exact"] += exact
            n_prec_ok += prec_ok
            if not exact:
                failures.append({**base, "kind": "wrong_interval", "expected": dict(g), "predicted": p,
                                 "span_jaccard": round(j, 3)})
            elif not prec_ok:
                failures.append({**base, "kind": "wrong_precision", "expected": dict(g), "predicted": p,
                                 "span_jaccard": round(j, 3)})

        for pi, p in enumerate(pred):
            if pi not in matched_p:
                failures.append({**base, "kind": "spurious", "expected": None, "predicted": p})

    precision = _ratio(n_matched, n_pred)
    recall = _ratio(n_matched, n_gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    breakdown = {
        cat: {**c, "exact_interval_accuracy": _ratio(c["exact"], c["gold"])}
        for cat, c in sorted(by_prec.items(), key=lambda kv: PRECISIONS.index(kv[0]) if kv[0] in PRECISIONS else 99)
    }
    return {
        "counts": {
            "passages": len(items),
            "gold": n_gold,
            "predictions": n_pred,
            "matched": n_matched,
            "exact_interval": n_exact,
            "precision_field_correct": n_prec_ok,
            "negative_passages": neg_passages,
            "negative_false_positives": neg_fp,
            "negative_passages_with_false_positives": neg_passages_fp,
        },
        "metrics": {
            "detection_precision": precision,
            "detection_recall": recall,
            "detection_f1": f1,
            "exact_interval_accuracy": _ratio(n_exact, n_gold),
            "exact_interval_accuracy_matched": _ratio(n_exact, n_matched),
            "precision_field_accuracy": _ratio(n_prec_ok, n_matched),
        },
        "by_precision": breakdown,
        "failures": failures,
    }


# --------------------------------------------------------------------------------------------
# Running the tagger
# --------------------------------------------------------------------------------------------

def timeref_to_dict(ref: Any) -> dict[str, Any]:
    """A TimeRef (or any object with the same attributes) as a plain prediction dict."""
    anchor = getattr(ref, "anchor", None)
    return {
        "text": ref.text,
        "start": ref.start,
        "end": ref.end,
        "earliest": _iso(ref.earliest),
        "latest": _iso(ref.latest),
        "precision": _prec(ref.precision),
        "anchor": None if anchor is None else {"kind": anchor.kind, "text": anchor.text},
    }


def run_tagger(items: Sequence[Mapping[str, Any]], tag_times: Callable[..., Iterable[Any]],
               parse_date_value: Callable[[str], Any]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], float]:
    """Tag every passage. Returns (predictions by id, errors by id, seconds spent tagging).

    A passage whose tagging raises is recorded in `errors` and scored as having no predictions.
    """
    predictions: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    elapsed = 0.0
    for item in items:
        doc_date = parse_date_value(item["document_date"]) if item.get("document_date") else None
        t0 = time.perf_counter()
        try:
            refs = list(tag_times(item["text"], document_date=doc_date))
        except Exception as exc:  # noqa: BLE001 - a crash on one passage must not hide the rest
            elapsed += time.perf_counter() - t0
            errors[item["id"]] = f"{type(exc).__name__}: {exc}"
            predictions[item["id"]] = []
            continue
        elapsed += time.perf_counter() - t0
        predictions[item["id"]] = [timeref_to_dict(r) for r in refs]
    return predictions, errors, elapsed


def _import_tagger() -> tuple[Callable[..., Any], Callable[[str], Any]]:
    try:
        from sourcecheck.dates import parse_date_value, tag_times
    except ModuleNotFoundError as exc:
        if exc.name not in ("sourcecheck", "sourcecheck.dates"):
            raise
        sys.path.insert(0, str(ROOT / "src"))
        from sourcecheck.dates import parse_date_value, tag_times
    return tag_times, parse_date_value


def _git_commit() -> dict[str, Any]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout.strip())
        return {"commit": sha, "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def format_table(result: Mapping[str, Any]) -> str:
    c, m = result["counts"], result["metrics"]
    lines = [
        f"Temporal tagger benchmark - split: {result['split']}  ({c['passages']} passages, "
        f"{c['negative_passages']} with no date)",
        "",
        f"  {'gold expressions':<42}{c['gold']:>8}",
        f"  {'predictions':<42}{c['predictions']:>8}",
        f"  {'matched':<42}{c['matched']:>8}",
        f"  {'detection precision':<42}{m['detection_precision']:>8.3f}",
        f"  {'detection recall':<42}{m['detection_recall']:>8.3f}",
        f"  {'detection F1':<42}{m['detection_f1']:>8.3f}",
        f"  {'exact-interval accuracy (all gold)':<42}{m['exact_interval_accuracy']:>8.3f}"
        f"   target >= {TARGET_EXACT_ACCURACY:.2f}: {'MET' if m['exact_interval_accuracy'] >= TARGET_EXACT_ACCURACY else 'NOT MET'}",
        f"  {'exact-interval accuracy (matched only)':<42}{m['exact_interval_accuracy_matched']:>8.3f}",
        f"  {'precision-field accuracy (matched)':<42}{m['precision_field_accuracy']:>8.3f}",
        f"  {'false positives on negative passages':<42}{c['negative_false_positives']:>8}"
        f"   ({c['negative_passages_with_false_positives']}/{c['negative_passages']} passages)",
    ]
    if result.get("errors"):
        lines.append(f"  {'passages where the tagger raised':<42}{len(result['errors']):>8}")
    t = result.get("timing")
    if t:
        lines.append(f"  {'tagging time (s)':<42}{t['seconds']:>8.3f}")
        if t["expressions_per_second"] is not None:
            lines.append(f"  {'gold expressions per second':<42}{t['expressions_per_second']:>8.1f}")
            lines.append(f"  {'passages per second':<42}{t['passages_per_second']:>8.1f}")
    lines += ["", f"  {'by precision':<12}{'gold':>6}{'matched':>9}{'exact':>7}{'accuracy':>10}"]
    for cat, b in result["by_precision"].items():
        lines.append(f"  {cat:<12}{b['gold']:>6}{b['matched']:>9}{b['exact']:>7}{b['exact_interval_accuracy']:>10.3f}")
    return "\n".join(lines)


def _fmt_ref(r: Mapping[str, Any] | None) -> str:
    if r is None:
        return "-"
    return f"{r.get('text')!r} [{r['start']}:{r['end']}] {r.get('earliest')}..{r.get('latest')} {r.get('precision')}"


def format_failures(failures: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for f in failures:
        doc = f" (document date {f['document_date']})" if f.get("document_date") else ""
        out.append(f"[{f['id']}] {f['kind']}{doc}\n    text:      {f['text']}\n"
                   f"    expected:  {_fmt_ref(f.get('expected'))}\n    predicted: {_fmt_ref(f.get('predicted'))}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None, *, tagger: Callable[..., Any] | None = None,
         date_parser: Callable[[str], Any] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=SPLITS, default="test", help="gold split to score (default: test)")
    ap.add_argument("--gold", type=Path, default=GOLD_PATH, help="gold JSONL file")
    ap.add_argument("--out", type=Path, default=RESULTS_PATH, help="where to write the JSON results")
    ap.add_argument("--show-failures", action="store_true", help="print every failure")
    ap.add_argument("--fail-under", type=float, default=None,
                    help="exit 1 if the exact-interval accuracy is below this value")
    args = ap.parse_args(argv)

    if tagger is None or date_parser is None:
        imported_tagger, imported_parser = _import_tagger()
        tagger = tagger or imported_tagger
        date_parser = date_parser or imported_parser

    items = load_gold(args.gold, args.split)
    try:  # the first call may load resources; it is not timed
        tagger("Warm-up on 1 June 1944.", document_date=None)
    except Exception:  # noqa: BLE001 - errors are recorded per passage below
        pass
    predictions, errors, seconds = run_tagger(items, tagger, date_parser)
    result: dict[str, Any] = {"split": args.split, **score(items, predictions)}
    n_gold = result["counts"]["gold"]
    result["timing"] = {
        "seconds": seconds,
        "expressions_per_second": n_gold / seconds if seconds > 0 else None,
        "passages_per_second": len(items) / seconds if seconds > 0 else None,
        "characters": sum(len(i["text"]) for i in items),
    }
    result["errors"] = errors
    report = {
        "benchmark": "dates",
        "split": args.split,
        "gold_file": str(args.gold.relative_to(ROOT)) if args.gold.is_relative_to(ROOT) else str(args.gold),
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git": _git_commit(),
        "target": {"exact_interval_accuracy": TARGET_EXACT_ACCURACY,
                   "met": result["metrics"]["exact_interval_accuracy"] >= TARGET_EXACT_ACCURACY},
        **{k: v for k, v in result.items() if k != "split"},
    }
    print(format_table(result))
    if args.show_failures:
        print("\nFailures:\n" + (format_failures(result["failures"]) or "(none)"))
    elif result["failures"]:
        print(f"\n{len(result['failures'])} failures; --show-failures prints them.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"Results written to {args.out}")
    if args.fail_under is not None and result["metrics"]["exact_interval_accuracy"] < args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
