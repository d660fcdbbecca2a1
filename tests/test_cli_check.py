"""`sourcecheck check` / `verify` and `sourcecheck.check`: outputs, exit codes and bad input."""

from __future__ import annotations

import io
import json

import pytest

from sourcecheck.checking import check
from sourcecheck.cli import main
from sourcecheck.cli_check import verify_command
from sourcecheck.errors import UsageError
from sourcecheck.importer import import_documents
from sourcecheck.pipeline import ClaimExtractor
from sourcecheck.retrieval import Retriever
from sourcecheck.sqlite_store import SQLiteStore
from sourcecheck.types import Label, Report
from sourcecheck.verdicts import Thresholds
from sourcecheck.verifier import Verifier

from conftest import WordCountScorer
from verification_fakes import MOSCOW_1944, STALINGRAD, WINTER_WAR, HashedEmbedder, OverlapNLI, find_names


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "store.db")
    import_documents(s, [WINTER_WAR, MOSCOW_1944, STALINGRAD], embedder=HashedEmbedder())
    yield s
    s.close()


@pytest.fixture
def verifier(store):
    return Verifier(searcher=Retriever(store, embedder=HashedEmbedder(), parallel=False), nli=OverlapNLI(), find_mentions=find_names, k=4, thresholds=Thresholds())


def claims_file(tmp_path, lines):
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" if not isinstance(x, str) else x for x in lines), encoding="utf-8")
    return path


def test_verify_writes_one_json_line_per_claim_in_order(tmp_path, verifier):
    path = claims_file(tmp_path, [
        {"id": "a", "claim": "The Winter War began in December 1939."},
        "\n",
        {"id": "b", "claim": "The Winter War began on 30 November 1939.", "date": "2020"},
        {"id": 3, "claim": "The Treaty of Rapallo was signed by Chicherin."},
    ])
    out, err = io.StringIO(), io.StringIO()
    code = verify_command(path, as_json=True, store_path=None, fail_on=None, silent=False, out=out, err=err, verifier=verifier)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 0
    assert [r["id"] for r in rows] == ["a", "b", 3]
    assert [r["label"] for r in rows] == ["REFUTED", "SUPPORTED", "NOT_ENOUGH_EVIDENCE"]
    for r in rows:
        assert set(r) >= {"id", "label", "confidence", "rationale", "evidence", "checks"}
        for ev in r["evidence"]:
            assert {"source_id", "title", "url", "quote", "start", "end", "stance", "score"} <= set(ev)
            assert WINTER_WAR.text[ev["start"] : ev["end"]] == ev["quote"] or ev["source_id"] != "winter-war"
    assert "verified 3 claims" in err.getvalue()


def test_verify_fail_on_refuted_exits_3(tmp_path, verifier):
    path = claims_file(tmp_path, [{"id": 1, "claim": "The Winter War began in December 1939."}])
    assert verify_command(path, as_json=False, store_path=None, fail_on="refuted", silent=True, out=io.StringIO(), verifier=verifier) == 3
    ok = claims_file(tmp_path, [{"id": 1, "claim": "The Winter War began on 30 November 1939."}])
    assert verify_command(ok, as_json=False, store_path=None, fail_on="refuted", silent=True, out=io.StringIO(), verifier=verifier) == 0
    assert verify_command(ok, as_json=False, store_path=None, fail_on="not-supported", silent=True, out=io.StringIO(), verifier=verifier) == 0


def test_verify_table_output(tmp_path, verifier):
    path = claims_file(tmp_path, [{"id": "x", "claim": "The Winter War began in December 1939."}])
    out = io.StringIO()
    verify_command(path, as_json=False, store_path=None, fail_on=None, silent=True, out=out, verifier=verifier)
    assert out.getvalue().startswith("[x] REFUTED") and "source: Winter War" in out.getvalue()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json\n"], "claims.jsonl:1: not a JSON object"),
        ([{"id": 1, "text": "no claim field"}], "claims.jsonl:1: each line must be a JSON object with a string \"claim\""),
        ([{"id": 1, "claim": "   "}], "claim 1 is empty"),
        ([{"id": 1, "claim": "The war ended.", "date": "someday"}], "cannot read date 'someday'"),
    ],
)
def test_verify_rejects_bad_lines_with_one_line(tmp_path, verifier, lines, message):
    path = claims_file(tmp_path, lines)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace('"', '"')):
        verify_command(path, as_json=True, store_path=None, fail_on=None, silent=True, out=io.StringIO(), verifier=verifier)


def run_cli(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_verify_missing_claims_file(tmp_path, capsys):
    code, _, err = run_cli(["verify", "--claims", str(tmp_path / "nope.jsonl"), "--store", str(tmp_path / "s.db")], capsys)
    assert code == 2 and err.strip() == f"error: claims file {tmp_path / 'nope.jsonl'} does not exist"


def test_cli_verify_without_a_store_says_how_to_fill_it(tmp_path, capsys):
    path = claims_file(tmp_path, [{"id": 1, "claim": "The Winter War began in 1939."}])
    code, out, err = run_cli(["verify", "--claims", str(path), "--store", str(tmp_path / "missing.db")], capsys)
    assert code == 2 and out == ""
    assert "no evidence store at" in err and "sourcecheck corpus add" in err and len(err.strip().splitlines()) == 1


def test_cli_check_without_a_store_fails_before_reading_models(tmp_path, capsys):
    essay = tmp_path / "essay.txt"
    essay.write_text("The Winter War began in December 1939.", encoding="utf-8")
    code, out, err = run_cli(["check", str(essay), "--store", str(tmp_path / "missing.db")], capsys)
    assert code == 2 and out == "" and "no evidence store at" in err


def test_cli_check_rejects_an_unknown_fail_on(tmp_path, capsys, store):
    essay = tmp_path / "essay.txt"
    essay.write_text("The Winter War began in December 1939.", encoding="utf-8")
    code, _, err = run_cli(["check", str(essay), "--store", str(tmp_path / "store.db"), "--fail-on", "maybe"], capsys)
    assert code == 2 and "unknown --fail-on 'maybe'" in err


def test_cli_check_on_an_empty_file_is_a_one_line_error(tmp_path, capsys, store):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, out, err = run_cli(["check", str(empty), "--store", str(tmp_path / "store.db")], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "empty" in err


def test_check_gives_every_checkworthy_claim_a_verdict(verifier):
    text = "The Winter War began in December 1939, when the Soviet army crossed the border of Finland.\n\nAt the conference in October 1944, Roosevelt met Stalin in Moscow to talk about the Balkans."
    report = check(text, verifier=verifier, extractor=ClaimExtractor(scorer=WordCountScorer()))
    assert isinstance(report, Report)
    claims = report.documents[0].claims
    assert claims and all(c.verdict is not None for c in claims)
    assert any(c.verdict.label is Label.REFUTED for c in claims)
    assert "overlap NLI fake" in [m.name for m in report.run.models]
    assert {"verify", "nli", "retrieve"} <= set(report.run.timings)
    Report.model_validate_json(report.model_dump_json())  # the JSON contract round-trips


def test_a_report_written_with_o_is_an_ordinary_file(tmp_path):
    import os
    import stat

    from sourcecheck.cli import _write_atomically

    target = tmp_path / "out" / "report.json"
    old = os.umask(0o022)
    try:
        _write_atomically(target, "{}\n")
    finally:
        os.umask(old)
    assert target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
