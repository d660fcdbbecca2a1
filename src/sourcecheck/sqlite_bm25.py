"""BM25 ranking for the SQLite store, fast enough for 200k+ passages.

FTS5's own `bm25()` costs about 10 us per matching row, and a natural-language query matches a
large part of a history corpus ("war", "army", "1945"): close to a second per query at 400k
passages. Here FTS5 only finds the passages of each query term (its index, stemming and
diacritics folding are used as they are), fetched in one string per term, and the scoring runs
in numpy over per-passage arrays kept in memory (length, dates), brought up to date like the
vector index (`meta.passage_generation` changes on deletion, new passages have larger pks).

Two simplifications, both small for passages of a few sentences: a term counts once per passage
(tf = 1), and a term found in more than `common_fraction` of all passages is left out of the
ranking (its idf is below ~3, against 5 to 9 for the names and years that decide a query),
unless the query has nothing rarer.
"""

from __future__ import annotations

import math
import sqlite3
import threading

import numpy as np


class LexicalIndex:
    """Per-passage arrays (indexed by pk) and term document frequencies, shared by threads."""

    def __init__(self, *, common_fraction: float = 0.05, k1: float = 1.2, b: float = 0.75) -> None:
        self.common_fraction = common_fraction
        self.k1, self.b = k1, b
        self._lock = threading.RLock()
        self._generation: int | None = None
        self._max_pk = 0
        self._length = np.zeros(1, np.float32)  # characters; 0 = no such passage
        self._earliest = np.zeros(1, np.int32)  # day ordinals; 0 = no date
        self._latest = np.zeros(1, np.int32)
        self._weight = np.zeros(1, np.float32)  # BM25's tf part with tf = 1, per passage
        self._count = 0
        self._df: dict[str, int] = {}  # exact document frequency, or -1: more than the cap
        self._df_count = 0

    # -- keeping up with the database -------------------------------------------------------

    def sync(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            generation = int(conn.execute("SELECT value FROM meta WHERE key = 'passage_generation'").fetchone()[0])
            max_pk = conn.execute("SELECT coalesce(max(pk), 0) FROM passages").fetchone()[0]
            if generation == self._generation and max_pk == self._max_pk:
                return
            changed = generation != self._generation
            if changed or max_pk < self._max_pk:
                self._max_pk = 0
                self._length = np.zeros(1, np.float32)
                self._earliest = np.zeros(1, np.int32)
                self._latest = np.zeros(1, np.int32)
            self._load(conn, after=self._max_pk, upto=max_pk)
            self._generation, self._max_pk = generation, max_pk
            alive = self._length > 0
            self._count = int(alive.sum())
            avg = float(self._length[alive].mean()) if self._count else 1.0
            self._weight = np.where(alive, (self.k1 + 1) / (1 + self.k1 * (1 - self.b + self.b * self._length / avg)), 0).astype(np.float32)
            # Frequencies drift as the corpus grows; recount them once it has grown noticeably.
            if changed or abs(self._count - self._df_count) > 0.02 * max(self._df_count, 1):
                self._df.clear()
                self._df_count = self._count

    def _load(self, conn: sqlite3.Connection, *, after: int, upto: int) -> None:
        size = upto + 1
        for name in ("_length", "_earliest", "_latest"):
            old = getattr(self, name)
            grown = np.zeros(size, old.dtype)
            grown[:min(len(old), size)] = old[:size]
            setattr(self, name, grown)
        # One string per column instead of a Python object per row: ~20x faster to read.
        row = conn.execute(
            'SELECT group_concat(pk), group_concat("end" - start), group_concat(coalesce(about_earliest, 0)),'
            " group_concat(coalesce(about_latest, 0)) FROM (SELECT * FROM passages WHERE pk > ? AND pk <= ? ORDER BY pk)",
            (after, upto),
        ).fetchone()
        if not row[0]:
            return
        pks = _ints(row[0])
        self._length[pks] = np.maximum(_ints(row[1]), 1)
        self._earliest[pks] = _ints(row[2])
        self._latest[pks] = _ints(row[3])

    # -- search ----------------------------------------------------------------------------------

    def search(self, conn: sqlite3.Connection, terms: list[str], k: int,
               window: tuple[int | None, int | None] | None = None) -> list[tuple[int, float]]:
        """(pk, BM25 score) best first for `terms` (already lower-cased words, no syntax)."""
        with self._lock:
            self.sync(conn)
            if not terms or k <= 0 or self._count == 0:
                return []
            n = self._count
            cap = max(1000, int(self.common_fraction * n))
            scores = np.zeros(len(self._weight), np.float32)
            used = 0
            for term in terms:
                if self._df.get(term, 0) < 0:
                    continue
                rows = self._rows(conn, term, cap + 1)
                if len(rows) > cap:
                    self._df[term] = -1
                    continue
                self._df[term] = len(rows)
                if len(rows):
                    scores[rows] += _idf(n, len(rows)) * self._weight[rows]
                    used += 1
            if not used:
                # Nothing but common words ("the war"): rank by the least common of them alone.
                counts = {t: self._count_rows(conn, t) for t in terms}
                term = min(counts, key=counts.__getitem__)
                rows = self._rows(conn, term, 3 * cap)
                if len(rows):
                    scores[rows] += _idf(n, counts[term]) * self._weight[rows]
            found = np.flatnonzero(scores)
            if window is not None and len(found):
                found = found[self._in_window(found, window)]
            if not len(found):
                return []
            values = scores[found]
            if len(found) > k:
                best = np.argpartition(-values, k - 1)[:k]
            else:
                best = np.arange(len(found))
            # Ties (same terms, same length) go to the older passage: stable results.
            best = best[np.lexsort((found[best], -values[best]))]
            return [(int(found[i]), float(values[i])) for i in best]

    def _rows(self, conn: sqlite3.Connection, term: str, limit: int) -> np.ndarray:
        text = conn.execute(
            "SELECT group_concat(rowid) FROM (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)",
            (_phrase(term), limit),
        ).fetchone()[0]
        rows = _ints(text) if text else np.zeros(0, np.int64)
        # Passages written after the last sync are not in the arrays yet; the next query sees them.
        return rows[rows < len(self._weight)]

    def _count_rows(self, conn: sqlite3.Connection, term: str) -> int:
        known = self._df.get(term, -1)
        if known >= 0:
            return known
        count = conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (_phrase(term),)).fetchone()[0]
        return int(count)

    def _in_window(self, pks: np.ndarray, window: tuple[int | None, int | None]) -> np.ndarray:
        lo, hi = window
        earliest, latest = self._earliest[pks], self._latest[pks]
        ok = (earliest != 0) & (latest != 0)  # passages that name no date match no window
        if lo is not None:
            ok &= latest >= lo
        if hi is not None:
            ok &= earliest <= hi
        return ok


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ints(text: str) -> np.ndarray:
    return np.array(text.split(","), dtype=np.int64) if len(text) < 4096 else np.fromstring(text, dtype=np.int64, sep=",")
