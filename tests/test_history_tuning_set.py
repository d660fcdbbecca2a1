"""The history tuning set obeys its rules (bench/data/HISTORY_TUNING.md), and its checker can fail."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_checker():
    spec = importlib.util.spec_from_file_location("check_history_tuning", ROOT / "bench" / "check_history_tuning.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_row_obeys_the_rules_and_no_claim_copies_a_test_claim():
    checker = load_checker()
    rows = checker.load_jsonl(str(ROOT / "bench" / "data" / "history_tuning.jsonl"))
    assert len(rows) >= 100
    assert [p for n, row in enumerate(rows) for p in checker.row_problems(n, row)] == []
    assert {r["label"] for r in rows} == {"SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE"}
    test_claims = [checker.tokens(r["claim"]) for r in checker.load_jsonl(str(ROOT / "bench" / "data" / "history_verification.jsonl"))]
    for row in rows:
        mine = checker.tokens(row["claim"])
        assert max(checker.jaccard(mine, theirs) for theirs in test_claims) < checker.NEAR_COPY, row["id"]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"id": "t009"}, "id should be t001"),
        ({"label": "NOT_ENOUGH_EVIDENCE"}, "null error and gold fields"),
        ({"error": None}, "does not fit label REFUTED"),
        ({"claim": "Too short."}, "not 8-35"),
        ({"date": "5 August 2020"}, "not YYYY-MM-DD"),
    ],
)
def test_the_checker_reports_a_broken_row(change, problem):
    checker = load_checker()
    row = json.loads((ROOT / "bench" / "data" / "history_tuning.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert row["label"] == "REFUTED"
    problems = checker.row_problems(0, {**row, **change})
    assert any(problem in p for p in problems), problems
