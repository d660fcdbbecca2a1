"""`sourcecheck search` behaviour (`cli_search.search_command`) with the fake store and embedder."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from sourcecheck.cli_search import parse_between, search_command
from sourcecheck.errors import InputNotFound, UsageError
from sourcecheck.store import Between
from test_retrieval import TEXTS, FakeEmbedder, FakeStore, hashed_vector, passage


@pytest.fixture
def store() -> FakeStore:
    s = FakeStore()
    for pid, (text, about) in TEXTS.items():
        s.add(passage(pid, text, about=about), hashed_vector(text))
    return s


def run(store, query=None, *, queries_file=None, k=5, as_json=False, between=None, mode="hybrid", embedder=None):
    out = io.StringIO()
    code = search_command(query, queries_file=queries_file, k=k, as_json=as_json, between=between,
                          store_path=None, mode=mode, out=out, store=store, embedder=embedder or FakeEmbedder())
    return code, out.getvalue()


def test_json_single_query(store):
    code, out = run(store, "Battle of Stalingrad surrender", k=2, as_json=True)
    assert code == 0
    payload = json.loads(out)
    assert payload["query"] == "Battle of Stalingrad surrender" and payload["mode"] == "hybrid"
    results = payload["results"]
    assert len(results) == 2 and results[0]["rank"] == 1
    first = results[0]
    for key in ("source_id", "title", "url", "text", "start", "end", "score", "passage_id"):
        assert key in first
    assert first["passage_id"] == "stalingrad" and first["text"] == TEXTS["stalingrad"][0]


def test_table_output(store):
    code, out = run(store, "Yalta", k=3)
    assert code == 0
    assert out.startswith("search: Yalta") and "YALTA" in out and "score" in out


def test_table_says_when_nothing_is_found(store):
    code, out = run(store, "zzzz qqqq", mode="bm25")
    assert code == 0 and "no passages found" in out


def test_between_is_parsed_and_applied(store):
    code, out = run(store, "February war Germany", k=10, as_json=True, between=("1945", "February 1945"))
    assert code == 0
    payload = json.loads(out)
    assert payload["between"] == {"earliest": "1945-01-01", "latest": "1945-02-28"}
    assert {r["passage_id"] for r in payload["results"]} <= {"yalta", "turkey"}
    assert all(b == Between(earliest=dt.date(1945, 1, 1), latest=dt.date(1945, 2, 28)) for _, b in store.between_seen)


def test_parse_between():
    assert parse_between(None) is None
    assert parse_between(("1942", "1943")) == Between(earliest=dt.date(1942, 1, 1), latest=dt.date(1943, 12, 31))
    assert parse_between(("1942-02-15", "*")) == Between(earliest=dt.date(1942, 2, 15), latest=None)
    assert parse_between(("*", "*")) is None
    with pytest.raises(UsageError, match="cannot read 'soon'"):
        parse_between(("soon", "1943"))
    with pytest.raises(UsageError, match="before the start"):
        parse_between(("1945", "1939"))


def test_batch_mode_writes_one_line_per_query(store, tmp_path: Path):
    qfile = tmp_path / "q.jsonl"
    lines = [{"id": "a", "query": "Yalta conference"}, {"id": 7, "query": "Stalingrad surrender"}, {"query": "Turkey neutral"}]
    qfile.write_text("\n".join(json.dumps(x) for x in lines[:2]) + "\n\n" + json.dumps(lines[2]) + "\n", encoding="utf-8")
    emb = FakeEmbedder()
    code, out = run(store, queries_file=qfile, k=2, as_json=True, embedder=emb)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", 7, 4]  # a missing id becomes the line number
    assert [r["results"][0]["passage_id"] for r in rows] == ["yalta", "stalingrad", "turkey"]
    assert all(len(r["results"]) == 2 for r in rows)
    assert len(emb.calls) == 1  # one embedding batch for all the queries


def test_batch_mode_table(store, tmp_path: Path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(json.dumps({"id": "x", "query": "Yalta"}) + "\n", encoding="utf-8")
    code, out = run(store, queries_file=qfile, k=1)
    assert code == 0 and out.startswith("[x] search: Yalta")


def test_batch_mode_bad_line(store, tmp_path: Path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": 1, "query": "Yalta"}\nnot json\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"q.jsonl:2: not a JSON object"):
        run(store, queries_file=qfile, as_json=True)
    qfile.write_text('{"id": 1, "text": "Yalta"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r'q.jsonl:1: .*string "query"'):
        run(store, queries_file=qfile, as_json=True)


def test_missing_queries_file(store, tmp_path: Path):
    with pytest.raises(InputNotFound, match="does not exist"):
        run(store, queries_file=tmp_path / "nope.jsonl")


def test_usage_errors(store, tmp_path):
    with pytest.raises(UsageError, match="either a QUERY or --queries"):
        run(store)
    with pytest.raises(UsageError, match="either a QUERY or --queries"):
        run(store, "x", queries_file=tmp_path / "q.jsonl")
    with pytest.raises(UsageError, match="query is empty"):
        run(store, "   ")
    with pytest.raises(UsageError, match="unknown --mode"):
        run(store, "x", mode="fuzzy")
    with pytest.raises(UsageError, match="--k must be"):
        run(store, "x", k=0)


def test_missing_store_path_is_an_input_error(tmp_path):
    out = io.StringIO()
    with pytest.raises(InputNotFound, match="no evidence store"):
        search_command("x", queries_file=None, k=5, as_json=False, between=None,
                       store_path=tmp_path / "none.db", mode="bm25", out=out)


def test_missing_default_store_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_HOME", str(tmp_path / "home"))
    with pytest.raises(InputNotFound, match="no evidence store at .*store.db"):
        search_command("x", queries_file=None, k=5, as_json=False, between=None,
                       store_path=None, mode="bm25", out=io.StringIO())
    assert not (tmp_path / "home").exists()  # searching never creates an empty store


def test_modes_through_the_command(store):
    for mode in ("bm25", "dense", "hybrid"):
        code, out = run(store, "Molotov Ribbentrop pact", k=1, as_json=True, mode=mode)
        assert code == 0 and json.loads(out)["results"][0]["passage_id"] == "pact"
