"""The `sourcecheck` command end to end (real models): outputs, exit codes and error messages."""

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLE, seed
from sourcecheck.cli import main

pytestmark = pytest.mark.slow


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_schema_is_json_schema_of_report(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Report" and "DocumentResult" in schema["$defs"]


def test_claims_json_on_example(capsys):
    code, out, _ = run(capsys, "claims", str(EXAMPLE), "--json", "-s")
    assert code == 0
    report = json.loads(out)
    doc = report["documents"][0]
    assert doc["title"] == "The Road to Stalingrad"
    assert doc["claims"], "the example essay has check-worthy claims"
    for claim in doc["claims"]:
        assert claim["checkworthy"] is True
        assert doc["text"][claim["start"] : claim["end"]] == claim["source_text"]
    for ref in doc["times"]:
        assert doc["text"][ref["start"] : ref["end"]] == ref["text"]
    assert any(t["text"] == "23 August 1939" and t["earliest"] == t["latest"] == "1939-08-23" for t in doc["times"])


def test_all_lists_more_candidates_than_default(capsys):
    _, default, _ = run(capsys, "claims", str(EXAMPLE), "--json", "-s")
    _, everything, _ = run(capsys, "claims", str(EXAMPLE), "--json", "-s", "--all")
    kept = json.loads(default)["documents"][0]["claims"]
    every = json.loads(everything)["documents"][0]["claims"]
    assert len(every) > len(kept)
    assert any(not c["checkworthy"] for c in every)


def test_table_output(capsys):
    code, out, err = run(capsys, "claims", str(EXAMPLE))
    assert code == 0
    assert "check-worthy claims" in out and "essay.md" in out
    assert "[1/1]" in err  # progress goes to stderr, not into the data


def test_seed_002_is_dated_from_its_first_sentence(capsys):
    code, out, _ = run(capsys, "claims", str(seed("002")), "--json", "-s")
    assert code == 0
    doc = json.loads(out)["documents"][0]
    assert doc["published"]["earliest"].startswith("1942-02")
    assert doc["published_basis"] == "inferred"
    assert "22 June 1941" in doc["published_note"]


def test_published_option_wins(capsys):
    code, out, _ = run(capsys, "claims", str(seed("002")), "--json", "-s", "--published", "1942-03-01")
    doc = json.loads(out)["documents"][0]
    assert code == 0 and doc["published"]["earliest"] == "1942-03-01" and doc["published_basis"] == "given"


def bad_input(kind, tmp_path):
    if kind == "missing":
        return tmp_path / "missing.txt"
    if kind == "directory":
        return tmp_path
    path = tmp_path / f"{kind}.txt"
    path.write_bytes(b"" if kind == "empty" else b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    return path


@pytest.mark.parametrize("kind, expect", [("missing", "missing.txt"), ("directory", "directory"), ("empty", "empty"), ("binary", "binary")])
def test_bad_input_one_line_error_and_exit_2(capsys, tmp_path, kind, expect):
    path = bad_input(kind, tmp_path)
    code, out, err = run(capsys, "claims", str(path), "-s")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expect in err.lower()


def test_bad_published_date(capsys):
    code, _, err = run(capsys, "claims", str(EXAMPLE), "--published", "someday", "-s")
    assert code == 2 and "someday" in err and err.count("\n") == 1


def test_too_large_names_the_option(capsys, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("The war ended in 1945. " * 100)
    code, _, err = run(capsys, "claims", str(big), "--max-chars", "500", "-s")
    assert code == 2 and "--max-chars" in err


def test_output_file_untouched_when_a_later_input_fails(capsys, tmp_path):
    out_file = tmp_path / "report.json"
    out_file.write_text("previous report\n")
    code, _, _ = run(capsys, "claims", str(EXAMPLE), str(tmp_path / "nope.txt"), "--json", "-o", str(out_file), "-s")
    assert code == 2
    assert out_file.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind


def test_output_file_written(capsys, tmp_path):
    out_file = tmp_path / "sub" / "report.json"
    code, out, _ = run(capsys, "claims", str(EXAMPLE), "--json", "-o", str(out_file), "-s")
    assert code == 0 and out == ""
    assert json.loads(out_file.read_text())["documents"][0]["claims"]


def test_stdin(tmp_path):
    text = "On 30 November 1939 the Red Army attacked Finland. The Winter War ended in March 1940."
    proc = subprocess.run([sys.executable, "-m", "sourcecheck.cli", "claims", "-", "--json", "-s", "--all"], input=text.encode(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    doc = json.loads(proc.stdout)["documents"][0]
    assert doc["source"] in ("-", "<stdin>")
    assert {t["text"] for t in doc["times"]} >= {"30 November 1939", "March 1940"}


def test_usage_error_exit_code(capsys):
    code, _, err = run(capsys, "claims")
    assert code == 2 and "FILE" in err
