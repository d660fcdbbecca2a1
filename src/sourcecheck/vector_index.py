"""Dense search over the vectors of a SQLite evidence store: exact below a threshold, HNSW above.

The vectors live in the database (float32 blobs); this module keeps a copy in memory, brought
up to date before each search at the cost of one small query: new vectors are appended (every
vector row has a growing `seq`), and after a deletion (meta `vector_generation` changed) the rows
are compared by (passage pk, seq) so only what changed is loaded or dropped.

Exact search is one matrix-vector product on one BLAS thread (measured on 2 busy cores: 200k x
384 float32, 300 MB, p95 38 ms). From `hnsw_threshold` vectors on (default 100k, so that a
200k-passage store answers in a few ms) an HNSW graph (usearch, float16) is used instead. It is
built by `prepare()` at the end of an import (200k vectors: 270 CPU-seconds, 2 threads) and
saved beside the database, so the next process loads it instead of rebuilding; a search only
adds the few vectors embedded since (lazy embedding). usearch is optional:
without it, search stays exact at any size.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

_log = logging.getLogger(__name__)

# Stands in for a missing `about` date: such a passage overlaps no interval.
_NO_EARLIEST = np.iinfo(np.int64).max
_NO_LATEST = np.iinfo(np.int64).min
# 2.26.2 to 2.26.6 crash the process (SIGSEGV) when onnxruntime is imported after them.
USEARCH_PIP = "usearch==2.26.1"


def usearch_available() -> bool:
    try:
        import usearch.index  # noqa: F401
    except ImportError:
        return False
    return True


class VectorIndex:
    """The in-memory side of a store's vectors. Thread-safe; `sync` before `search`.

    `hnsw_path` is where the HNSW graph is saved (None: never saved).
    """

    # A date filter that keeps at most this many vectors is searched exactly among them.
    exact_filter_limit = 30_000

    def __init__(self, *, hnsw_threshold: int = 100_000, hnsw_path: Path | None = None, build_in_search: int = 20_000) -> None:
        self.hnsw_threshold = hnsw_threshold
        self.build_in_search = build_in_search
        self._rejected: object = ()  # file marker of a saved graph found too far behind
        self.hnsw_path = hnsw_path
        self._lock = threading.RLock()
        self._generation: int | None = None
        self._max_seq = 0
        self._n = 0
        self._dim = 0
        self._pks = np.zeros(0, np.int64)
        self._seqs = np.zeros(0, np.int64)
        self._earliest = np.zeros(0, np.int64)
        self._latest = np.zeros(0, np.int64)
        self._matrix = np.zeros((0, 0), np.float32)  # capacity-doubling buffer; rows [:_n] are live
        self._hnsw: Any = None
        self._hnsw_dirty = 0  # changes to the graph since it was last saved
        self._order: np.ndarray | None = None  # argsort of the pks, for pk -> row look-ups

    @property
    def size(self) -> int:
        return self._n

    @property
    def uses_hnsw(self) -> bool:
        return self._hnsw is not None

    # -- keeping up with the database -------------------------------------------------------

    def sync(self, conn: sqlite3.Connection) -> None:
        """Bring the copy up to date with what `conn` sees (one cheap query when nothing changed)."""
        with self._lock:
            generation = int(conn.execute("SELECT value FROM meta WHERE key = 'vector_generation'").fetchone()[0])
            max_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM vectors").fetchone()[0]
            if generation == self._generation and max_seq == self._max_seq:
                return
            if generation == self._generation:
                self._append(_load(conn, "WHERE v.seq > ?", (self._max_seq,)))
            else:
                self._reconcile(conn)
            self._generation, self._max_seq = generation, max_seq
            self._order = None
            self._maybe_hnsw()

    def _append(self, rows: tuple[np.ndarray, ...]) -> None:
        pks, seqs, earliest, latest, vectors = rows
        if not len(pks):
            return
        if self._dim == 0:
            self._dim = vectors.shape[1]
        n, m = self._n, len(pks)
        self._pks = np.concatenate([self._pks[:n], pks])
        self._seqs = np.concatenate([self._seqs[:n], seqs])
        self._earliest = np.concatenate([self._earliest[:n], earliest])
        self._latest = np.concatenate([self._latest[:n], latest])
        if self._hnsw is not None:
            self._hnsw.add(pks.astype(np.uint64), vectors, threads=_threads())
            self._hnsw_dirty += m
        if self._matrix.shape[0] < n + m or self._matrix.shape[1] != self._dim:
            # Doubling keeps many small appends (lazy embedding at query time) linear overall.
            grown = np.zeros((max(2 * (n + m), 1024), self._dim), self._matrix.dtype)
            if n:
                grown[:n] = self._matrix[:n]
            self._matrix = grown
        self._matrix[n:n + m] = vectors
        self._n = n + m

    def _reconcile(self, conn: sqlite3.Connection) -> None:
        """After deletions: drop rows the database no longer has, load the ones it has anew."""
        db_pks, db_seqs = _keys(conn)
        keep = np.isin(self._seqs[:self._n], db_seqs)
        kept_seqs = set(self._seqs[:self._n][keep].tolist())
        if self._hnsw is not None:
            gone = self._pks[:self._n][~keep]
            if len(gone):
                self._hnsw.remove(gone.astype(np.uint64))
                self._hnsw_dirty += len(gone)
        self._matrix = self._matrix[:self._n][keep].copy()
        self._pks, self._seqs = self._pks[:self._n][keep], self._seqs[:self._n][keep]
        self._earliest, self._latest = self._earliest[:self._n][keep], self._latest[:self._n][keep]
        self._n = len(self._pks)
        missing = [int(s) for s in db_seqs.tolist() if s not in kept_seqs]
        if missing and len(missing) > len(db_seqs) // 2:
            self._append(_load(conn, "WHERE v.seq > ?", (-1,), skip=kept_seqs))
        else:
            for begin in range(0, len(missing), 500):
                part = missing[begin:begin + 500]
                self._append(_load(conn, f"WHERE v.seq IN ({','.join('?' * len(part))})", tuple(part)))

    def prepare(self, conn: sqlite3.Connection) -> bool:
        """Build (and save) the HNSW graph now if the store has reached the threshold; True if built."""
        count = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
        if count < self.hnsw_threshold or not usearch_available():
            return False
        with self._lock:
            self.sync(conn)
            self._maybe_hnsw(build=True)
            self.save()
            return self._hnsw is not None

    def _file_marker(self) -> int | None:
        try:
            return None if self.hnsw_path is None else self.hnsw_path.stat().st_mtime_ns
        except OSError:
            return None

    # -- HNSW -------------------------------------------------------------------------------

    def _maybe_hnsw(self, build: bool = False) -> None:
        """Switch to the HNSW graph once past the threshold: the saved one if it is (nearly) up
        to date, else a new one, but a search builds at most `build_in_search` vectors into it;
        larger builds wait for `prepare()` (run at the end of an import), so no query ever
        stalls for minutes. Until then search stays exact."""
        if self._hnsw is not None or self._n < self.hnsw_threshold:
            return
        if not usearch_available():
            _log.info("%d vectors: exact search (install %s for an HNSW index)", self._n, USEARCH_PIP)
            return
        marker = self._file_marker()
        if not build and marker == self._rejected:
            return  # the same saved graph (or none) was found too far behind already
        from usearch.index import Index

        index = Index(ndim=self._dim, metric="cos", dtype="f16", connectivity=16, expansion_add=128, expansion_search=128)
        stored = np.zeros(0, np.uint64)
        live = self._pks[:self._n].astype(np.uint64)
        saved = self._read_saved(index)
        if saved is not None:
            saved_pks, saved_seqs = saved
            stored = saved_pks.astype(np.uint64)
            # A saved graph may predate some vectors, hold deleted ones, or hold a vector since
            # rewritten under the same passage (another seq): fix it up rather than rebuild.
            current = np.isin(saved_seqs, self._seqs[:self._n])
            stale = stored[~current]
            stored = stored[current]
        else:
            stale = stored
        new = ~np.isin(live, stored)
        if not build and len(stale) + int(new.sum()) > self.build_in_search:
            self._rejected = marker
            _log.info("%d vectors and no up-to-date HNSW graph: exact search until prepare_search()", self._n)
            return
        if len(stale):
            index.remove(stale)
        if new.any():
            index.add(live[new], self._matrix[:self._n][new], threads=_threads())
        self._hnsw = index
        self._hnsw_dirty = int(new.sum()) + len(stale)
        # A half-size copy stays for date-filtered searches, which are exact over the few
        # vectors a narrow window keeps (reading them back from the graph is 10x slower).
        self._matrix = self._matrix[:self._n].astype(np.float16)
        self.save()

    def save(self) -> None:
        """Write the HNSW graph beside the database if it changed (atomically: temp file + rename)."""
        with self._lock:
            if self._hnsw is None or self.hnsw_path is None or not self._hnsw_dirty:
                return
            tmp = self.hnsw_path.with_name(f"{self.hnsw_path.name}.{os.getpid()}.tmp")
            keys_path = _keys_path(self.hnsw_path)
            tmp_keys = keys_path.with_name(f"{keys_path.name}.{os.getpid()}.tmp.npy")
            try:
                self._hnsw.save(str(tmp))
                np.save(tmp_keys, np.stack([self._pks[:self._n], self._seqs[:self._n]]))
                # The keys file goes first: a reader that pairs a new keys file with an old graph
                # sees keys the graph lacks and rebuilds (see _read_saved), never a wrong vector.
                os.replace(tmp_keys, keys_path)
                os.replace(tmp, self.hnsw_path)
                self._hnsw_dirty = 0
            except OSError:
                _log.warning("could not save the HNSW index to %s", self.hnsw_path, exc_info=True)
                tmp.unlink(missing_ok=True)
                tmp_keys.unlink(missing_ok=True)

    def _read_saved(self, index: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """Load the saved graph into `index`; its (pks, seqs), or None when there is none to trust."""
        if self.hnsw_path is None or not self.hnsw_path.exists() or not _keys_path(self.hnsw_path).exists():
            return None
        try:
            index.load(str(self.hnsw_path))
            pks, seqs = np.load(_keys_path(self.hnsw_path))
        except Exception:  # noqa: BLE001 - a broken or foreign file is rebuilt, not fatal
            _log.warning("could not read the HNSW index %s; rebuilding it", self.hnsw_path)
            index.reset()
            return None
        graph_keys = np.asarray(index.keys, dtype=np.int64) if len(index) else np.zeros(0, np.int64)
        if len(graph_keys) != len(pks) or not np.isin(graph_keys, pks).all():
            _log.info("the HNSW index %s does not match its keys file; rebuilding it", self.hnsw_path)
            index.reset()
            return None
        return pks, seqs

    # -- search ---------------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, between: tuple[int | None, int | None] | None = None) -> list[tuple[int, float]]:
        """(passage pk, cosine similarity) best first; `between` = (earliest, latest) day ordinals."""
        with self._lock:
            n = self._n
            if n == 0 or k <= 0:
                return []
            q = np.asarray(vector, dtype=np.float32).reshape(-1)
            if self._dim and q.shape[0] != self._dim:
                raise ValueError(f"query vector has {q.shape[0]} dimensions; the store's vectors have {self._dim}")
            q = q / max(float(np.linalg.norm(q)), 1e-12)
            mask = None
            if between is not None:
                lo, hi = between
                mask = self._latest[:n] != _NO_LATEST  # passages without dates match no interval
                if lo is not None:
                    mask &= self._latest[:n] >= lo
                if hi is not None:
                    mask &= self._earliest[:n] <= hi
                if not mask.any():
                    return []
            if self._hnsw is None:
                return self._exact(q, k, mask)
            return self._approximate(q, k, mask)

    def _exact(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        if mask is not None and mask.sum() < self._n // 4:
            # A narrow window: copying out its few rows is cheaper than scoring them all.
            rows = np.flatnonzero(mask)
            with _one_blas_thread():
                return _top(self._matrix[rows] @ q, rows, self._pks, k)
        with _one_blas_thread():
            scores = self._matrix[:self._n] @ q
        rows = np.arange(self._n)
        if mask is not None:
            rows = rows[mask]
            scores = scores[mask]
        return _top(scores, rows, self._pks, k)

    def _approximate(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        n = self._n
        selected = n if mask is None else int(mask.sum())
        if mask is not None and selected <= self.exact_filter_limit:
            # A narrow filter: exact search over the few vectors it keeps is cheaper and complete.
            rows = np.flatnonzero(mask)
            with _one_blas_thread():
                return _top(self._matrix[rows].astype(np.float32) @ q, rows, self._pks, k)
        want = k if mask is None else min(n, int(k * n / selected * 2) + k)
        while True:
            found = self._hnsw.search(q, min(want, n), threads=1)
            keys = np.asarray(found.keys, dtype=np.int64)
            sims = 1.0 - np.asarray(found.distances, dtype=np.float64)
            if mask is not None and selected < n:
                ok = mask[self._rows_of(keys)]
                keys, sims = keys[ok], sims[ok]
            if len(keys) >= k or want >= n:
                return [(int(key), float(s)) for key, s in zip(keys[:k], sims[:k])]
            want *= 4

    def _rows_of(self, keys: np.ndarray) -> np.ndarray:
        """Row positions of passage pks (all present in the index)."""
        if self._order is None:
            self._order = np.argsort(self._pks[:self._n], kind="stable")
        sorted_pks = self._pks[:self._n][self._order]
        return self._order[np.clip(np.searchsorted(sorted_pks, keys), 0, self._n - 1)]

    def close(self) -> None:
        self.save()


def _top(scores: np.ndarray, rows: np.ndarray, pks: np.ndarray, k: int) -> list[tuple[int, float]]:
    if len(scores) > k:
        best = np.argpartition(-scores, k - 1)[:k]
    else:
        best = np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(pks[rows[i]]), float(scores[i])) for i in best]


_blas: Any = None


def _one_blas_thread() -> Any:
    """A matrix-vector product is memory-bound: a second BLAS thread gains little, and on a busy
    machine its hand-offs cost more than the product (16 ms instead of 1 ms at 10k x 384)."""
    global _blas
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def _keys_path(hnsw_path: Path) -> Path:
    return hnsw_path.with_name(hnsw_path.name + ".keys.npy")


def _threads() -> int:
    return int(os.environ.get("SOURCECHECK_THREADS", "2"))


def _keys(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute("SELECT passage_pk, seq FROM vectors ORDER BY seq").fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    arr = np.asarray(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def _load(conn: sqlite3.Connection, where: str, params: tuple, skip: set[int] | None = None) -> tuple[np.ndarray, ...]:
    """(pks, seqs, earliest, latest, vectors) of the vector rows matching `where`, in seq order."""
    sql = ("SELECT v.passage_pk, v.seq, p.about_earliest, p.about_latest, v.vector FROM vectors v "
           f"JOIN passages p ON p.pk = v.passage_pk {where} ORDER BY v.seq")
    pks, seqs, earliest, latest, blobs = [], [], [], [], []
    for pk, seq, lo, hi, blob in conn.execute(sql, params):
        if skip and seq in skip:
            continue
        pks.append(pk)
        seqs.append(seq)
        earliest.append(_NO_EARLIEST if lo is None else lo)
        latest.append(_NO_LATEST if hi is None else hi)
        blobs.append(blob)
    if not blobs:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, empty, np.zeros((0, 0), np.float32)
    vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
    return (np.asarray(pks, np.int64), np.asarray(seqs, np.int64), np.asarray(earliest, np.int64),
            np.asarray(latest, np.int64), vectors)
