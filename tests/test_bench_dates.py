"""Tests of the date benchmark's scoring and of the gold file's integrity.

None of these needs the real tagger (`sourcecheck.dates`): predictions are made by hand, and the
end-to-end test runs `bench_dates.main` with a fake tagger.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from sourcecheck.types import Precision, TimeRef

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_dates", ROOT / "bench" / "bench_dates.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def gold(text, sub, earliest, latest, precision, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(sub, start + 1)
    return {"text": sub, "start": start, "end": start + len(sub), "earliest": earliest, "latest": latest,
            "precision": precision}


def pred(text, sub, earliest, latest, precision):
    start = text.index(sub)
    return {"text": sub, "start": start, "end": start + len(sub), "earliest": earliest, "latest": latest,
            "precision": precision}


T1 = "Germany invaded Poland on 1 September 1939; two days later, Britain and France declared war."
T2 = "Some 1,500 tanks were massed for the offensive."
T3 = "In 1917 Russia had two revolutions: the first in February, the second in October."
T4 = "Eight months have passed since the fateful date of 22 June 1941."


@pytest.fixture
def items():
    return [
        {"id": "a", "split": "test", "text": T1, "document_date": None, "expected": [
            gold(T1, "1 September 1939", "1939-09-01", "1939-09-01", "day"),
            gold(T1, "two days later", "1939-09-03", "1939-09-03", "day")]},
        {"id": "b", "split": "test", "text": T2, "document_date": None, "expected": []},
        {"id": "c", "split": "dev", "text": T3, "document_date": None, "expected": [
            gold(T3, "1917", "1917-01-01", "1917-12-31", "year"),
            gold(T3, "February", "1917-02-01", "1917-02-28", "month"),
            gold(T3, "October", "1917-10-01", "1917-10-31", "month")]},
    ]


def perfect(items):
    return {it["id"]: [dict(g) for g in it["expected"]] for it in items}


def test_span_jaccard():
    assert bench.span_jaccard(0, 10, 0, 10) == 1.0
    assert bench.span_jaccard(0, 10, 5, 15) == pytest.approx(5 / 15)
    assert bench.span_jaccard(0, 10, 2, 4) == pytest.approx(0.2)
    assert bench.span_jaccard(0, 5, 5, 10) == 0.0  # touching is not overlapping
    assert bench.span_jaccard(0, 5, 7, 10) == 0.0
    assert bench.span_jaccard(3, 3, 3, 3) == 0.0


def test_perfect_predictions_score_one(items):
    r = bench.score(items, perfect(items))
    m, c = r["metrics"], r["counts"]
    assert c["gold"] == c["predictions"] == c["matched"] == c["exact_interval"] == 5
    for key in ("detection_precision", "detection_recall", "detection_f1", "exact_interval_accuracy",
                "exact_interval_accuracy_matched", "precision_field_accuracy"):
        assert m[key] == 1.0, key
    assert c["negative_passages"] == 1 and c["negative_false_positives"] == 0
    assert r["failures"] == []
    assert r["by_precision"]["day"] == {"gold": 2, "matched": 2, "exact": 2, "exact_interval_accuracy": 1.0}


def test_mixed_predictions(items):
    preds = {
        # exact; wrong interval (and a slightly different span); one spurious
        "a": [pred(T1, "1 September 1939", "1939-09-01", "1939-09-01", "day"),
              pred(T1, "two days later,", "1939-09-02", "1939-09-02", "day"),
              pred(T1, "France", "1939-01-01", "1939-12-31", "year")],
        # false positive on a negative passage
        "b": [pred(T2, "1,500", "1500-01-01", "1500-12-31", "year")],
        # one exact, one right interval but wrong precision label, "October" missed
        "c": [pred(T3, "1917", "1917-01-01", "1917-12-31", "year"),
              pred(T3, "February", "1917-02-01", "1917-02-28", "day")],
    }
    r = bench.score(items, preds)
    c, m = r["counts"], r["metrics"]
    assert c["gold"] == 5 and c["predictions"] == 6 and c["matched"] == 4
    assert c["exact_interval"] == 3 and c["precision_field_correct"] == 3
    assert m["detection_precision"] == pytest.approx(4 / 6)
    assert m["detection_recall"] == pytest.approx(4 / 5)
    assert m["detection_f1"] == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert m["exact_interval_accuracy"] == pytest.approx(3 / 5)
    assert m["exact_interval_accuracy_matched"] == pytest.approx(3 / 4)
    assert m["precision_field_accuracy"] == pytest.approx(3 / 4)
    assert c["negative_false_positives"] == 1 and c["negative_passages_with_false_positives"] == 1
    kinds = Counter((f["id"], f["kind"]) for f in r["failures"])
    assert kinds == Counter({("a", "wrong_interval"): 1, ("a", "spurious"): 1, ("b", "spurious"): 1,
                             ("c", "wrong_precision"): 1, ("c", "missed"): 1})
    wrong = next(f for f in r["failures"] if f["kind"] == "wrong_interval")
    assert wrong["expected"]["text"] == "two days later" and wrong["predicted"]["earliest"] == "1939-09-02"
    assert wrong["text"] == T1
    assert r["by_precision"]["day"]["exact"] == 1 and r["by_precision"]["day"]["gold"] == 2
    assert r["by_precision"]["month"] == {"gold": 2, "matched": 1, "exact": 1, "exact_interval_accuracy": 0.5}
    assert r["by_precision"]["year"]["exact_interval_accuracy"] == 1.0


def test_nested_gold_greedy_by_jaccard():
    outer = "Eight months have passed since the fateful date of 22 June 1941"
    item = {"id": "n", "text": T4, "document_date": "1942-02-15", "expected": [
        gold(T4, outer, "1942-02-01", "1942-02-28", "month"),
        gold(T4, "22 June 1941", "1941-06-22", "1941-06-22", "day")]}
    # Only the inner date predicted: it must pair with the inner gold (Jaccard 1), not the outer one.
    r = bench.score([item], {"n": [pred(T4, "22 June 1941", "1941-06-22", "1941-06-22", "day")]})
    assert r["counts"]["matched"] == 1 and r["counts"]["exact_interval"] == 1
    assert [f["expected"]["text"] for f in r["failures"] if f["kind"] == "missed"] == [outer]
    # Both predicted, in the "wrong" order: still each to its own.
    r = bench.score([item], {"n": [pred(T4, "22 June 1941", "1941-06-22", "1941-06-22", "day"),
                                   pred(T4, outer, "1942-02-01", "1942-02-28", "month")]})
    assert r["metrics"]["exact_interval_accuracy"] == 1.0 and r["failures"] == []


def test_matching_is_one_to_one():
    text = "From May to December 1945 the council met."
    item = {"id": "r", "text": text, "document_date": None,
            "expected": [gold(text, "From May to December 1945", "1945-05-01", "1945-12-31", "range")]}
    preds = [pred(text, "May", "1945-05-01", "1945-05-31", "month"),
             pred(text, "December 1945", "1945-12-01", "1945-12-31", "month")]
    r = bench.score([item], {"r": preds})
    assert r["counts"]["matched"] == 1 and r["counts"]["predictions"] == 2
    # the longer prediction overlaps more and wins the gold; the other is spurious
    wrong = next(f for f in r["failures"] if f["kind"] == "wrong_interval")
    assert wrong["predicted"]["text"] == "December 1945"
    assert [f["predicted"]["text"] for f in r["failures"] if f["kind"] == "spurious"] == ["May"]
    assert r["metrics"]["exact_interval_accuracy"] == 0.0


def test_open_intervals_and_date_objects():
    text = "Korea remained a Japanese colony until 1945."
    item = {"id": "o", "text": text, "document_date": None,
            "expected": [gold(text, "until 1945", None, "1945-12-31", "open")]}
    p = pred(text, "until 1945", None, dt.date(1945, 12, 31), Precision.OPEN)
    r = bench.score([item], {"o": [p]})
    assert r["metrics"]["exact_interval_accuracy"] == 1.0 and r["metrics"]["precision_field_accuracy"] == 1.0
    p = pred(text, "1945", dt.date(1945, 1, 1), dt.date(1945, 12, 31), Precision.YEAR)
    r = bench.score([item], {"o": [p]})
    assert r["counts"]["matched"] == 1 and r["counts"]["exact_interval"] == 0


def test_no_predictions_no_division_error(items):
    r = bench.score(items, {})
    assert r["counts"]["predictions"] == 0 and r["counts"]["matched"] == 0
    assert r["metrics"]["detection_precision"] == 0.0 and r["metrics"]["detection_recall"] == 0.0
    assert r["metrics"]["detection_f1"] == 0.0 and r["metrics"]["exact_interval_accuracy_matched"] == 0.0
    assert sum(f["kind"] == "missed" for f in r["failures"]) == 5
    assert bench.score([], {})["metrics"]["exact_interval_accuracy"] == 0.0


def _fake_tagger_from(items_by_text):
    """A tagger that returns the gold answers as TimeRefs, except it drops every 'open' one."""

    def tag_times(text, *, document_date=None):
        item = items_by_text.get(text)
        if item is None:
            return []
        out = []
        for g in item["expected"]:
            if g["precision"] == "open":
                continue
            out.append(TimeRef(text=g["text"], start=g["start"], end=g["end"],
                               earliest=g["earliest"], latest=g["latest"], precision=g["precision"]))
        return out

    return tag_times


def test_main_end_to_end_with_fake_tagger(tmp_path, capsys):
    items = bench.load_gold(bench.GOLD_PATH, "all")
    by_text = {it["text"]: it for it in items}
    seen_dates = []

    def parse(value):
        seen_dates.append(value)
        return TimeRef(text=value, start=0, end=len(value), earliest=value, latest=value, precision="day")

    out = tmp_path / "dates.json"
    rc = bench.main(["--split", "dev", "--out", str(out), "--show-failures"],
                    tagger=_fake_tagger_from(by_text), date_parser=parse)
    assert rc == 0
    report = json.loads(out.read_text())
    dev = [it for it in items if it["split"] == "dev"]
    n_gold = sum(len(it["expected"]) for it in dev)
    n_open = sum(g["precision"] == "open" for it in dev for g in it["expected"])
    assert report["split"] == "dev" and report["counts"]["gold"] == n_gold
    assert report["counts"]["matched"] == n_gold - n_open
    assert report["metrics"]["exact_interval_accuracy"] == pytest.approx((n_gold - n_open) / n_gold)
    assert report["metrics"]["detection_precision"] == 1.0
    assert report["counts"]["negative_false_positives"] == 0
    assert len(report["failures"]) == n_open and all(f["kind"] == "missed" for f in report["failures"])
    assert report["by_precision"]["open"]["exact_interval_accuracy"] == 0.0
    for key in ("timestamp", "git", "timing", "target"):
        assert key in report
    assert seen_dates == [it["document_date"] for it in dev if it["document_date"]]
    printed = capsys.readouterr().out
    assert "exact-interval accuracy" in printed and "Failures:" in printed
    assert bench.main(["--split", "dev", "--out", str(out), "--fail-under", "0.999"],
                      tagger=_fake_tagger_from(by_text), date_parser=parse) == 1


def test_tagger_errors_are_recorded_not_fatal():
    items = [{"id": "x", "text": "On 1 May 1945.", "document_date": None, "expected": []}]

    def broken(text, *, document_date=None):
        raise RuntimeError("boom")

    preds, errors, seconds = bench.run_tagger(items, broken, lambda v: None)
    assert preds == {"x": []} and "boom" in errors["x"] and seconds >= 0


# ------------------------------------------------------------------------------------------
# The gold file itself
# ------------------------------------------------------------------------------------------

def _gold_rows():
    with open(bench.GOLD_PATH, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_gold_file_is_well_formed():
    rows = _gold_rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert len({r["text"] for r in rows}) == len(rows)
    valid = {p.value for p in Precision}
    for r in rows:
        assert set(r) == {"id", "split", "text", "document_date", "expected"}, r["id"]
        assert r["split"] == bench.split_of(r["id"]), r["id"]
        if r["document_date"] is not None:
            dt.date.fromisoformat(r["document_date"])
        for g in r["expected"]:
            assert set(g) == {"text", "start", "end", "earliest", "latest", "precision"}, r["id"]
            assert r["text"][g["start"]:g["end"]] == g["text"], (r["id"], g["text"])
            assert g["precision"] in valid, (r["id"], g)
            e = dt.date.fromisoformat(g["earliest"]) if g["earliest"] else None
            lt = dt.date.fromisoformat(g["latest"]) if g["latest"] else None
            assert e or lt, (r["id"], g)
            assert (e is None or lt is None) == (g["precision"] == "open"), (r["id"], g)
            if e and lt:
                assert e <= lt, (r["id"], g)
            # every gold expression is a valid TimeRef
            TimeRef(text=g["text"], start=g["start"], end=g["end"], earliest=e, latest=lt, precision=g["precision"])


def test_gold_file_size_and_splits():
    rows = _gold_rows()
    n_expr = Counter()
    for r in rows:
        n_expr[r["split"]] += len(r["expected"])
    negatives = [r for r in rows if not r["expected"]]
    assert n_expr["dev"] + n_expr["test"] >= 230
    assert n_expr["test"] >= 150
    assert len(negatives) >= 40
    dev_share = sum(r["split"] == "dev" for r in rows) / len(rows)
    assert 0.25 < dev_share < 0.42
    cats = Counter(g["precision"] for r in rows for g in r["expected"])
    for cat in ("day", "month", "season", "part", "year", "decade", "century", "range", "open"):
        assert cats[cat] >= 5, cat
