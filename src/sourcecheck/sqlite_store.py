"""The embedded evidence store: one SQLite file (WAL mode), FTS5 for BM25, vectors as blobs.

Every source is written in its own transaction, so an import killed at any point (kill -9)
leaves the store readable and holding every source it had committed; re-running the import
skips those by their content hash. WAL mode lets readers (another process searching the store)
keep working while an import writes. Each thread gets its own connection.

Schema and migrations: `sourcecheck.sqlite_schema`; dense search: `sourcecheck.vector_index`.

    >>> store = SQLiteStore("corpus.db")                 # doctest: +SKIP
    >>> store.add_source(source, chunk(source))
    AddResult(source_id='...', status='added', passages=12)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sqlite_bm25 import LexicalIndex
from .sqlite_connections import ThreadConnections
from .sqlite_schema import migrate
from .store import AddResult, Between, StoreStats, content_hash
from .types import Passage, SourceDocument, SourceInfo
from .vector_index import VectorIndex

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_SOURCE_COLUMNS = "s.id, s.title, s.url, s.published, s.licence, s.attribution"
_IN_CHUNK = 500  # ids per "IN (...)" list: well under SQLite's bound-parameter limit


class SQLiteStore:
    """The SQLite backend of `EvidenceStore` (see `sourcecheck.store`).

    `hnsw_threshold`: from this many vectors on, dense search uses an HNSW graph (usearch),
    built by `prepare_search()` (the importer calls it) and saved beside the database as
    `<name>.usearch`; below it, or before the graph is built, search is exact.
    """

    def __init__(self, path: str | os.PathLike[str], *, hnsw_threshold: int = 100_000, timeout: float = 60.0) -> None:
        self.path = Path(path)
        if str(path) == ":memory:":
            raise ValueError("SQLiteStore needs a file (each thread opens its own connection); use a temporary path")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self._connections = ThreadConnections(self.path, timeout=self.timeout, pragmas=("PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY"))
        self._index = VectorIndex(hnsw_threshold=hnsw_threshold, hnsw_path=self.path.with_name(self.path.name + ".usearch"))
        self._lexical = LexicalIndex()
        migrate(self._conn())

    # -- connections ------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE in _write).
        return self._connections.get()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def journal_mode(self) -> str:
        return self._conn().execute("PRAGMA journal_mode").fetchone()[0]

    # -- sources ----------------------------------------------------------------------------

    def add_source(self, source: SourceDocument, passages: Sequence[Passage], vectors: "np.ndarray | None" = None) -> AddResult:
        _check_passages(source, passages)
        matrix = _as_matrix(vectors, len(passages)) if vectors is not None else None
        digest = content_hash(source)
        ids = [p.id for p in passages]
        with self._write() as conn:
            row = conn.execute("SELECT pk, content_hash FROM sources WHERE id = ?", (source.id,)).fetchone()
            if row is not None and row[1] == digest:
                stored = [r[0] for r in conn.execute("SELECT id FROM passages WHERE source_pk = ? ORDER BY pk", (row[0],))]
                if stored == ids:
                    if matrix is not None:  # fill in what an interrupted or text-only import left out
                        self._set_vectors(conn, ids, matrix, only_missing=True)
                    return AddResult(source_id=source.id, status="unchanged", passages=len(ids))
            if row is not None:
                self._delete_source(conn, row[0])
            cur = conn.execute(
                "INSERT INTO sources(id, title, url, published, licence, attribution, kind, content_hash, chars, passages, added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source.id, source.title, source.url, source.published, source.licence, source.attribution, source.kind,
                 digest, len(source.text), len(passages), dt.datetime.now(dt.timezone.utc).isoformat()),
            )
            source_pk = cur.lastrowid
            text = zlib.compress(source.text.encode("utf-8", "surrogatepass"), 6)
            conn.execute("INSERT INTO source_texts(source_pk, text) VALUES (?, ?)", (source_pk, text))
            conn.executemany(
                'INSERT INTO passages(id, source_pk, start, "end", about_earliest, about_latest, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
                [(p.id, source_pk, p.start, p.end, _ordinal(p.about_earliest), _ordinal(p.about_latest), p.text) for p in passages],
            )
            if matrix is not None and len(ids):
                self._set_vectors(conn, ids, matrix)
        return AddResult(source_id=source.id, status="added" if row is None else "replaced", passages=len(ids))

    def _delete_source(self, conn: sqlite3.Connection, source_pk: int) -> None:
        had_vectors = conn.execute(
            "DELETE FROM vectors WHERE passage_pk IN (SELECT pk FROM passages WHERE source_pk = ?)", (source_pk,)
        ).rowcount
        if conn.execute("DELETE FROM passages WHERE source_pk = ?", (source_pk,)).rowcount:  # the trigger updates FTS
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'passage_generation'")
        conn.execute("DELETE FROM source_texts WHERE source_pk = ?", (source_pk,))
        conn.execute("DELETE FROM sources WHERE pk = ?", (source_pk,))
        if had_vectors:
            _bump_generation(conn)

    def has_source(self, source_id: str, content_hash: str | None = None) -> bool:
        row = self._conn().execute("SELECT content_hash FROM sources WHERE id = ?", (source_id,)).fetchone()
        return row is not None and (content_hash is None or row[0] == content_hash)

    def remove_source(self, source_id: str) -> bool:
        with self._write() as conn:
            row = conn.execute("SELECT pk FROM sources WHERE id = ?", (source_id,)).fetchone()
            if row is None:
                return False
            self._delete_source(conn, row[0])
        return True

    def sources(self, *, kind: str | None = None) -> Iterator[SourceInfo]:
        sql = ("SELECT id, title, url, published, licence, attribution, kind, content_hash, chars, passages, added"
               " FROM sources" + (" WHERE kind = ?" if kind is not None else "") + " ORDER BY pk")
        # Read all rows first: a caller that writes to the store while iterating must not see
        # a half-read cursor.
        rows = self._conn().execute(sql, (kind,) if kind is not None else ()).fetchall()
        for r in rows:
            yield SourceInfo(id=r[0], title=r[1], url=r[2], published=r[3], licence=r[4], attribution=r[5], kind=r[6],
                             content_hash=r[7], chars=r[8], passages=r[9], added=dt.datetime.fromisoformat(r[10]))

    def source_text(self, source_id: str) -> str:
        row = self._conn().execute(
            "SELECT t.text FROM source_texts t JOIN sources s ON s.pk = t.source_pk WHERE s.id = ?", (source_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no source {source_id!r} in the evidence store {self.path}")
        return zlib.decompress(row[0]).decode("utf-8", "surrogatepass")

    # -- passages ---------------------------------------------------------------------------

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        found: dict[str, Passage] = {}
        unique = list(dict.fromkeys(ids))
        conn = self._conn()
        for begin in range(0, len(unique), _IN_CHUNK):
            part = unique[begin:begin + _IN_CHUNK]
            sql = (f'SELECT p.id, p.start, p."end", p.about_earliest, p.about_latest, p.text, {_SOURCE_COLUMNS}'
                   f" FROM passages p JOIN sources s ON s.pk = p.source_pk WHERE p.id IN ({','.join('?' * len(part))})")
            for r in conn.execute(sql, part):
                found[r[0]] = Passage(
                    id=r[0], start=r[1], end=r[2], about_earliest=_date(r[3]), about_latest=_date(r[4]), text=r[5],
                    source_id=r[6], title=r[7], url=r[8], published=r[9], licence=r[10], attribution=r[11],
                )
        return [found[i] for i in ids if i in found]

    def search_bm25(self, query: str, *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        """BM25 over passage text (see `sourcecheck.sqlite_bm25` for how it is computed fast)."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        conn = self._conn()
        window = None if between is None else (_ordinal(between.earliest), _ordinal(between.latest))
        hits = self._lexical.search(conn, terms, k, window)
        return self._ids(conn, hits)

    def _ids(self, conn: sqlite3.Connection, hits: list[tuple[int, float]]) -> list[tuple[str, float]]:
        if not hits:
            return []
        ids = dict(conn.execute(f"SELECT pk, id FROM passages WHERE pk IN ({','.join('?' * len(hits))})", [pk for pk, _ in hits]))
        return [(ids[pk], score) for pk, score in hits if pk in ids]

    def search_dense(self, vector: "np.ndarray", *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        conn = self._conn()
        self._index.sync(conn)
        window = None if between is None else (_ordinal(between.earliest), _ordinal(between.latest))
        return self._ids(conn, self._index.search(vector, k, window))

    # -- vectors ----------------------------------------------------------------------------

    def passages_without_vectors(self, *, limit: int = 1000, source_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        conn = self._conn()
        if source_ids is None:
            sql = "SELECT id, text FROM passages WHERE has_vector = 0 ORDER BY pk LIMIT ?"
            return [(r[0], r[1]) for r in conn.execute(sql, (limit,))]
        out: list[tuple[str, str]] = []
        wanted = list(dict.fromkeys(source_ids))
        for begin in range(0, len(wanted), _IN_CHUNK):
            part = wanted[begin:begin + _IN_CHUNK]
            # "+has_vector": look passages up by source, not by the pending index, which would
            # walk every pending passage of the store (seconds at 400k).
            sql = (f"SELECT p.id, p.text FROM passages p WHERE p.source_pk IN (SELECT pk FROM sources"
                   f" WHERE id IN ({','.join('?' * len(part))})) AND +p.has_vector = 0 ORDER BY p.pk LIMIT ?")
            out.extend((r[0], r[1]) for r in conn.execute(sql, (*part, limit - len(out))))
            if len(out) >= limit:
                break
        return out

    def texts_without_vectors(self, ids: Sequence[str]) -> list[tuple[str, str]]:
        conn = self._conn()
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for begin in range(0, len(unique), _IN_CHUNK):
            part = unique[begin:begin + _IN_CHUNK]
            sql = f"SELECT id, text FROM passages WHERE id IN ({','.join('?' * len(part))}) AND has_vector = 0"
            found.update(conn.execute(sql, part).fetchall())
        return [(i, found[i]) for i in unique if i in found]

    def set_vectors(self, ids: Sequence[str], vectors: "np.ndarray") -> None:
        matrix = _as_matrix(vectors, len(ids))
        if not len(ids):
            return
        with self._write() as conn:
            self._set_vectors(conn, list(ids), matrix)

    def _set_vectors(self, conn: sqlite3.Connection, ids: list[str], matrix: "np.ndarray", only_missing: bool = False) -> None:
        import numpy as np

        dim = conn.execute("SELECT value FROM meta WHERE key = 'vector_dim'").fetchone()
        if dim is None:
            conn.execute("INSERT INTO meta(key, value) VALUES ('vector_dim', ?)", (str(matrix.shape[1]),))
        elif int(dim[0]) != matrix.shape[1]:
            raise ValueError(f"vectors have {matrix.shape[1]} dimensions; this store's have {dim[0]} (use one embedding model per store)")
        norms = np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        matrix = (matrix / norms).astype(np.float32)
        known: dict[str, tuple[int, int]] = {}
        for begin in range(0, len(ids), _IN_CHUNK):
            part = ids[begin:begin + _IN_CHUNK]
            sql = f"SELECT id, pk, has_vector FROM passages WHERE id IN ({','.join('?' * len(part))})"
            known.update((r[0], (r[1], r[2])) for r in conn.execute(sql, part))
        rows = [(known[i][0], i, n) for n, i in enumerate(ids) if i in known and not (only_missing and known[i][1])]
        rewritten = [(pk,) for pk, i, _ in rows if known[i][1]]
        if rewritten:
            conn.executemany("DELETE FROM vectors WHERE passage_pk = ?", rewritten)
            _bump_generation(conn)  # readers must drop the old vectors, not just append
        conn.executemany("INSERT INTO vectors(passage_pk, vector) VALUES (?, ?)", [(pk, matrix[n].tobytes()) for pk, _, n in rows])
        conn.executemany("UPDATE passages SET has_vector = 1 WHERE pk = ?", [(pk,) for pk, _, _ in rows])

    def set_embedding_model(self, name: str) -> None:
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
            if row is not None and row[0] == name:
                return
            if row is not None and conn.execute("SELECT 1 FROM vectors LIMIT 1").fetchone():
                raise ValueError(f"the store's vectors were made by {row[0]!r}, not {name!r}; "
                                 "use a new store, or clear_vectors() and embed again")
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('embedding_model', ?)", (name,))

    def clear_vectors(self) -> int:
        """Drop every vector (before embedding again with another model); returns how many."""
        with self._write() as conn:
            count = conn.execute("DELETE FROM vectors").rowcount
            conn.execute("UPDATE passages SET has_vector = 0 WHERE has_vector = 1")
            conn.execute("DELETE FROM meta WHERE key IN ('vector_dim', 'embedding_model')")
            _bump_generation(conn)
        return count

    def prepare_search(self) -> bool:
        """Build and save the HNSW graph now if the vectors have reached `hnsw_threshold`
        (otherwise the first dense search after an import pays for it). True if there is one."""
        return self._index.prepare(self._conn())

    # -- the rest ---------------------------------------------------------------------------

    def stats(self) -> StoreStats:
        conn = self._conn()
        sources, chars = conn.execute("SELECT count(*), coalesce(sum(chars), 0) FROM sources").fetchone()
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        with_vectors = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
        by_kind = dict(conn.execute("SELECT kind, count(*) FROM sources GROUP BY kind ORDER BY kind").fetchall())
        model = conn.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
        files = [self.path, Path(f"{self.path}-wal"), self._index.hnsw_path]
        size = sum(f.stat().st_size for f in files if f is not None and f.exists())
        return StoreStats(sources=sources, passages=passages, passages_with_vectors=with_vectors, chars=chars,
                          bytes_on_disk=size, by_kind=by_kind, embedding_model=model[0] if model else None)

    def close(self) -> None:
        self._index.close()
        self._connections.close_all()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"


# -- helpers ---------------------------------------------------------------------------------

# Words too common to rank by: OR-ing them in would make every query score most of the corpus.
_STOPWORDS = frozenset(
    """a an and are as at be been but by did do does for from had has have he her his how i if in into is it its
    of on or she so than that the their them then there these they this those to was we were what when where which
    who whom whose why will with would you your not no""".split()
)
_TERM = re.compile(r"\w+")


def query_terms(text: str, *, max_terms: int = 32) -> list[str]:
    """The words of a free-text query that BM25 ranks by: lower-cased, deduplicated, stop words
    dropped (unless nothing else is left). Words only, so no query syntax can get through.

    >>> query_terms('Who signed the "pact" AND (why)?')
    ['signed', 'pact']
    """
    words = [w for w in dict.fromkeys(w.lower() for w in _TERM.findall(text)) if w.strip("_")]
    content = [w for w in words if w not in _STOPWORDS]
    return (content or words)[:max_terms]


def fts_query(text: str, *, max_terms: int = 32) -> str | None:
    """An FTS5 MATCH expression for free text: its `query_terms`, each quoted, joined by OR.

    Quoting makes every user string safe (`"AND (` is two harmless words, not syntax). None when
    the text has no words at all.

    >>> fts_query('Who signed the "pact" AND (why)?')
    '"signed" OR "pact"'
    """
    terms = query_terms(text, max_terms=max_terms)
    return " OR ".join(f'"{t}"' for t in terms) if terms else None


def _check_passages(source: SourceDocument, passages: Sequence[Passage]) -> None:
    """The store's promise is that every passage is an exact substring of its stored source."""
    for p in passages:
        if p.source_id != source.id:
            raise ValueError(f"passage {p.id} belongs to source {p.source_id!r}, not {source.id!r}")
        if source.text[p.start:p.end] != p.text:
            raise ValueError(f"passage {p.id} is not the text at {p.start}:{p.end} of source {source.id!r}")
    if len({p.id for p in passages}) != len(passages):
        raise ValueError(f"source {source.id!r} has passages with the same id")


def _as_matrix(vectors: Any, rows: int) -> "np.ndarray":
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != rows:
        raise ValueError(f"expected {rows} vectors as a ({rows}, dim) array, got shape {matrix.shape}")
    return matrix


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vector_generation'")


def _ordinal(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal()


def _date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)
