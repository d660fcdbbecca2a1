"""The SQLite evidence store: the shared contract, plus what only SQLite has (WAL, migrations,
crash safety, readers beside a writer, the HNSW index)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from sourcecheck import sqlite_schema
from sourcecheck.sqlite_store import SQLiteStore, fts_query
from sourcecheck.store import Between, default_store_path, open_store
from sourcecheck.types import SourceDocument

from store_contract import PACT, STALINGRAD, StoreContract, passages_of, source, unit

REPO = Path(__file__).resolve().parents[1]


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        s = SQLiteStore(tmp_path / "store.db")
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, tmp_path):
        opened = []

        def again(store):
            store.close()
            s = SQLiteStore(tmp_path / "store.db")
            opened.append(s)
            return s

        yield again
        for s in opened:
            s.close()


class TestSQLiteStoreWithHNSW(TestSQLiteStore):
    """The whole contract again with the HNSW index on from the first vector."""

    @pytest.fixture
    def store(self, tmp_path):
        pytest.importorskip("usearch")
        s = SQLiteStore(tmp_path / "store.db", hnsw_threshold=1)
        yield s
        s.close()

    @pytest.fixture
    def reopen(self, tmp_path):
        opened = []

        def again(store):
            store.close()
            s = SQLiteStore(tmp_path / "store.db", hnsw_threshold=1)
            opened.append(s)
            return s

        yield again
        for s in opened:
            s.close()


# -- opening -------------------------------------------------------------------------------


def test_default_path_honours_sourcecheck_home(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCECHECK_HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / "store.db"
    monkeypatch.delenv("SOURCECHECK_HOME")
    assert default_store_path().name == "store.db"
    assert "sourcecheck" in str(default_store_path())


def test_open_store_creates_folders(tmp_path):
    store = open_store(tmp_path / "a" / "b" / "corpus.db")
    try:
        assert isinstance(store, SQLiteStore) and store.path.exists()
    finally:
        store.close()


def test_memory_database_is_refused():
    with pytest.raises(ValueError, match="file"):
        SQLiteStore(":memory:")


def test_wal_mode(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.journal_mode() == "wal"
        assert store._conn().execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


# -- migrations --------------------------------------------------------------------------------


def test_migrations_are_numbered_from_one_without_gaps():
    numbers = [number for number, _, _ in sqlite_schema.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))


def test_migrations_run_once_and_rerun_harmlessly(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert sqlite_schema.migrate(conn) == [n for n, _, _ in sqlite_schema.MIGRATIONS]
    assert sqlite_schema.migrate(conn) == []
    assert sqlite_schema.applied(conn) == [n for n, _, _ in sqlite_schema.MIGRATIONS]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == sqlite_schema.MIGRATIONS[-1][0]
    # a store whose user_version was lost still knows from the table what was applied
    conn.execute("PRAGMA user_version = 0")
    assert sqlite_schema.migrate(conn) == []
    conn.close()
    with SQLiteStore(path) as store:
        store.add_source(source("a", PACT), passages_of(source("a", PACT)))
    with SQLiteStore(path) as store:
        assert store.stats().sources == 1


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    conn = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    broken = sqlite_schema.MIGRATIONS + [(len(sqlite_schema.MIGRATIONS) + 1, "broken", "CREATE TABLE t (x); SELECT * FROM nowhere;")]
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError):
        sqlite_schema.migrate(conn)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None
    assert sqlite_schema.applied(conn) == [n for n, _, _ in broken[:-1]]


# -- queries -------------------------------------------------------------------------------------


def test_fts_query_quotes_every_word_and_drops_stop_words():
    assert fts_query('Who signed the "pact" AND (why)?') == '"signed" OR "pact"'
    assert fts_query("the who") == '"the" OR "who"'  # nothing but stop words: keep them
    assert fts_query('"AND (') == '"and"'
    assert fts_query("   ") is None and fts_query("(*)") is None


def test_bm25_query_of_common_words_is_fast_enough(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as store:
        doc = source("s", " ".join(f"The army of the {i}th corps was in the war." for i in range(400)))
        store.add_source(doc, passages_of(doc))
        began = time.perf_counter()
        assert store.search_bm25("the war of the army", k=10)
        assert time.perf_counter() - began < 1.0


# -- concurrency and crashes -------------------------------------------------------------------


def test_reader_works_during_a_long_write_transaction(tmp_path):
    path = tmp_path / "s.db"
    writer = SQLiteStore(path)
    writer.add_source(source("pact", PACT), passages_of(source("pact", PACT)))
    reader = SQLiteStore(path)
    conn = writer._conn()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM passages")  # uncommitted: readers must not see it
    try:
        results = {}

        def read():
            results["hits"] = reader.search_bm25("pact")
            results["stats"] = reader.stats()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the reader was blocked by the writer"
        assert results["hits"] and results["stats"].sources == 1
    finally:
        conn.execute("ROLLBACK")
        reader.close()
        writer.close()


def test_threads_each_get_a_connection(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add_source(source("pact", PACT), passages_of(source("pact", PACT)))
        expected = len(store.search_bm25("pact"))
        seen, errors = [], []

        def work(i):
            try:
                doc = source(f"t{i}", STALINGRAD + f" Thread {i}.")
                store.add_source(doc, passages_of(doc))
                seen.append(len(store.search_bm25("pact")))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors and seen == [expected] * 4
        assert store.stats().sources == 5


IMPORT_SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    from sourcecheck.importer import import_documents
    from sourcecheck.store import open_store
    from sourcecheck.types import SourceDocument

    class SlowFake:
        def embed(self, texts):
            time.sleep(0.02)  # slow enough that the kill lands mid-import
            return np.ones((len(texts), 4), np.float32)

    docs = [SourceDocument(id=f"doc-{i:04d}", title=f"Doc {i}",
                           text=" ".join(f"Sentence {j} of document {i} is about the year {1900 + j}." for j in range(12)))
            for i in range(int(sys.argv[2]))]
    store = open_store(sys.argv[1])
    summary = import_documents(store, docs, embedder=SlowFake(), batch_size=8)
    print(summary.added, summary.unchanged, flush=True)
    store.close()
""")


def test_kill_9_mid_import_leaves_a_readable_store_and_the_rerun_resumes(tmp_path):
    script = tmp_path / "import_some.py"
    script.write_text(IMPORT_SCRIPT)
    path = tmp_path / "s.db"
    total = 300
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(total)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    committed = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists():
                try:
                    with sqlite3.connect(path, timeout=5) as probe:
                        committed = probe.execute("SELECT count(*) FROM sources").fetchone()[0]
                except sqlite3.OperationalError:
                    committed = 0  # not migrated yet
            if committed >= 20:
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the import finished before it could be killed: {proc.stderr.read().decode()[-500:]}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 20 <= committed < total

    with SQLiteStore(path) as store:
        assert store._conn().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {s.id: s.passages for s in store.sources()}
        assert committed <= len(kept) < total
        conn = store._conn()
        # no half-written source: each one has all its passages and their index entries
        per_source = dict(conn.execute("SELECT s.id, count(p.pk) FROM sources s LEFT JOIN passages p ON p.source_pk = s.pk GROUP BY s.id"))
        assert per_source == kept
        assert store.search_bm25("document", k=1000)
        assert len(store.search_bm25("document", k=5000)) == sum(kept.values())

    rerun = subprocess.run([sys.executable, str(script), str(path), str(total)], env=env, capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    added, unchanged = map(int, rerun.stdout.split())
    assert unchanged == len(kept) and added == total - len(kept)
    with SQLiteStore(path) as store:
        st = store.stats()
        assert st.sources == total
        assert st.passages == store._conn().execute("SELECT count(DISTINCT id) FROM passages").fetchone()[0]
        assert st.passages_with_vectors == st.passages


# -- HNSW ------------------------------------------------------------------------------------------


def _bulk(store: SQLiteStore, n_sources: int, rng: np.random.Generator, dim: int = 16) -> dict[str, np.ndarray]:
    vectors = {}
    for i in range(n_sources):
        doc = SourceDocument(id=f"s{i}", title=f"S{i}", text=" ".join(f"Fact {j} of {i} in {1900 + (i * 7 + j) % 90}." for j in range(10)))
        ps = passages_of(doc)
        vs = rng.standard_normal((len(ps), dim)).astype(np.float32)
        store.add_source(doc, ps, vs)
        vectors.update({p.id: v / np.linalg.norm(v) for p, v in zip(ps, vs)})
    return vectors


def _exact(vectors: dict[str, np.ndarray], q: np.ndarray, k: int) -> list[str]:
    ids = list(vectors)
    scores = np.stack([vectors[i] for i in ids]) @ (q / np.linalg.norm(q))
    return [ids[i] for i in np.argsort(-scores)[:k]]


def test_hnsw_above_the_threshold_agrees_with_exact_search(tmp_path):
    pytest.importorskip("usearch")
    rng = np.random.default_rng(3)
    path = tmp_path / "s.db"
    with SQLiteStore(path, hnsw_threshold=200) as store:
        vectors = _bulk(store, 40, rng)
        assert len(vectors) > 200
        queries = rng.standard_normal((20, 16)).astype(np.float32)
        hits = [store.search_dense(q, k=5) for q in queries]
        assert store._index.uses_hnsw
        agree = sum(h[0][0] == _exact(vectors, q, 1)[0] for h, q in zip(hits, queries))
        assert agree >= 18  # approximate, but at this size nearly always right
        # a narrow date window is searched exactly among the passages it keeps
        window = Between(earliest=__import__("datetime").date(1950, 1, 1), latest=__import__("datetime").date(1950, 12, 31))
        narrow = store.search_dense(queries[0], k=3, between=window)
        assert narrow and all(p.about_earliest.year <= 1950 <= p.about_latest.year for p in store.passages([pid for pid, _ in narrow]))
        # new vectors and removals reach the graph
        store.remove_source("s0")
        gone = {pid for pid in vectors if pid in {p.id for p in passages_of(SourceDocument(id="s0", title="S0", text=" ".join(f"Fact {j} of 0 in {1900 + j % 90}." for j in range(10))))}}
        assert not gone & {pid for q in queries for pid, _ in store.search_dense(q, k=20)}
    assert Path(f"{path}.usearch").exists()
    with SQLiteStore(path, hnsw_threshold=200) as store:
        q = queries[1]
        assert store.search_dense(q, k=1)[0][0] in {pid for pid, _ in hits[1][:3]} | set(_exact(vectors, q, 3))
        assert store._index.uses_hnsw


def test_without_usearch_search_stays_exact(tmp_path, monkeypatch):
    from sourcecheck import vector_index

    monkeypatch.setattr(vector_index, "usearch_available", lambda: False)
    rng = np.random.default_rng(5)
    with SQLiteStore(tmp_path / "s.db", hnsw_threshold=10) as store:
        vectors = _bulk(store, 5, rng)
        q = rng.standard_normal(16).astype(np.float32)
        assert [pid for pid, _ in store.search_dense(q, k=3)] == _exact(vectors, q, 3)
        assert not store._index.uses_hnsw


def test_a_second_process_sees_new_vectors(tmp_path):
    path = tmp_path / "s.db"
    with SQLiteStore(path) as reader, SQLiteStore(path) as writer:
        doc = source("pact", PACT)
        writer.add_source(doc, passages_of(doc))
        assert reader.search_dense(np.ones(4, np.float32)) == []
        ids = [p.id for p in passages_of(doc)]
        writer.set_vectors(ids, unit([[1, 0, 0, 0]] * len(ids)))
        assert {pid for pid, _ in reader.search_dense(np.asarray([1, 0, 0, 0], np.float32), k=10)} == set(ids)
        writer.remove_source("pact")
        assert reader.search_dense(np.asarray([1, 0, 0, 0], np.float32)) == []


def test_usearch_then_onnxruntime_does_not_crash():
    """Regression: usearch 2.26.2 to 2.26.6 made `import onnxruntime` afterwards die with SIGSEGV,
    which killed any process that searched an HNSW index before loading the embedder."""
    pytest.importorskip("usearch")
    pytest.importorskip("onnxruntime")
    run = subprocess.run([sys.executable, "-c", "import usearch.index; import onnxruntime; print('ok')"],
                         capture_output=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == b"ok", f"exit {run.returncode}: {run.stderr.decode()[-500:]}"


def test_prepare_search_builds_the_graph_once_past_the_threshold(tmp_path):
    pytest.importorskip("usearch")
    path = tmp_path / "s.db"
    with SQLiteStore(path, hnsw_threshold=50) as store:
        assert store.prepare_search() is False  # no vectors yet
        _bulk(store, 10, np.random.default_rng(9))
        assert store.prepare_search() is True
        assert Path(f"{path}.usearch").exists()


def test_hnsw_with_a_wide_date_filter_oversamples(tmp_path):
    pytest.importorskip("usearch")
    import datetime as dt

    rng = np.random.default_rng(11)
    with SQLiteStore(tmp_path / "s.db", hnsw_threshold=100) as store:
        store._index.exact_filter_limit = 0  # force the graph path even for a narrow filter
        vectors = _bulk(store, 30, rng)
        by_id = {p.id: p for p in store.passages(list(vectors))}
        window = Between(earliest=dt.date(1900, 1, 1), latest=dt.date(1940, 12, 31))
        for q in rng.standard_normal((5, 16)).astype(np.float32):
            hits = store.search_dense(q, k=10, between=window)
            assert len(hits) == 10
            assert all(by_id[pid].about_earliest <= dt.date(1940, 12, 31) for pid, _ in hits)
            allowed = {pid: v for pid, v in vectors.items() if by_id[pid].about_earliest and by_id[pid].about_earliest <= dt.date(1940, 12, 31)}
            assert hits[0][0] in _exact(allowed, q, 3)


def test_a_search_never_builds_a_large_graph_itself(tmp_path):
    pytest.importorskip("usearch")
    path = tmp_path / "s.db"
    rng = np.random.default_rng(13)
    with SQLiteStore(path, hnsw_threshold=50) as store:
        store._index.build_in_search = 10
        vectors = _bulk(store, 10, rng)
        q = rng.standard_normal(16).astype(np.float32)
        assert [pid for pid, _ in store.search_dense(q, k=3)] == _exact(vectors, q, 3)
        assert not store._index.uses_hnsw  # too big to build inside a query
        assert store.prepare_search() is True and store._index.uses_hnsw
    with SQLiteStore(path, hnsw_threshold=50) as store:
        store._index.build_in_search = 10
        store.search_dense(q, k=3)
        assert store._index.uses_hnsw  # the saved graph is loaded, not rebuilt
