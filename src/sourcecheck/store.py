"""The evidence store protocol. Backends: `sqlite_store.SQLiteStore` (embedded default) and,
later, PostgreSQL. Both must pass `tests/store_contract.py` unchanged.

A store holds sources (with their full text, so any quote can be traced back) and their
passages, a BM25 index over passage text, and optional dense vectors per passage (computed at
import or later, lazily). Passage ids are stable: the same source text always yields the same ids.

    >>> store = open_store("corpus.db")                  # doctest: +SKIP
    >>> store.add_source(source_document, passages)      # idempotent by content hash
    >>> store.search_bm25("Battle of Stalingrad", k=20)

`open_store()` without a path opens `default_store_path()`: `$SOURCECHECK_HOME/store.db`, else
`store.db` in the user's data directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from .types import Frozen, Passage, SourceDocument, SourceInfo

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class AddResult(Frozen):
    source_id: str
    status: Literal["added", "unchanged", "replaced"]
    passages: int


class StoreStats(Frozen):
    sources: int
    passages: int
    passages_with_vectors: int
    chars: int
    bytes_on_disk: int
    by_kind: dict[str, int]
    embedding_model: str | None


class Between(Frozen):
    """Keep passages whose `about` interval overlaps [earliest, latest] (either side optional)."""

    earliest: dt.date | None = None
    latest: dt.date | None = None


@runtime_checkable
class EvidenceStore(Protocol):
    """What every evidence store backend provides."""

    def add_source(self, source: SourceDocument, passages: Sequence[Passage], vectors: "np.ndarray | None" = None) -> AddResult:
        """Store a source, its passages and (optionally) their vectors in one transaction.

        Adding a source whose id and content hash are already stored changes nothing
        ("unchanged"); the same id with other content replaces the old one ("replaced").
        """
        ...

    def has_source(self, source_id: str, content_hash: str | None = None) -> bool: ...

    def remove_source(self, source_id: str) -> bool: ...

    def sources(self, *, kind: str | None = None) -> Iterator[SourceInfo]: ...

    def source_text(self, source_id: str) -> str: ...

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        """Passages by id, in the order asked (unknown ids are skipped)."""
        ...

    def search_bm25(self, query: str, *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        """(passage id, score) best first; higher is better."""
        ...

    def search_dense(self, vector: "np.ndarray", *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) best first, over passages that have vectors."""
        ...

    def passages_without_vectors(self, *, limit: int = 1000, source_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(passage id, text) of passages still lacking a vector, for lazy embedding."""
        ...

    def set_vectors(self, ids: Sequence[str], vectors: "np.ndarray") -> None:
        """Store one vector per passage id (rows of `vectors`); ids no longer stored are skipped."""
        ...

    def texts_without_vectors(self, ids: Sequence[str]) -> list[tuple[str, str]]:
        """(passage id, text) of those of `ids` that lack a vector: what lazy embedding must embed."""
        ...

    def set_embedding_model(self, name: str) -> None:
        """Record which model made the vectors; a different model while vectors exist is an error."""
        ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...


def content_hash(source: SourceDocument) -> str:
    """A hash of everything a source holds but its id: the same source twice hashes the same.

    Metadata counts (a corrected title or URL replaces the stored source) as well as the text.
    """
    digest = hashlib.sha256()
    meta = source.model_dump(exclude={"id", "text"})
    digest.update(json.dumps(meta, sort_keys=True, ensure_ascii=True).encode())
    digest.update(b"\x00")
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def default_store_path() -> Path:
    """`$SOURCECHECK_HOME/store.db`, else `store.db` in the user's data directory."""
    home = os.environ.get("SOURCECHECK_HOME")
    if home:
        return Path(home).expanduser() / "store.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("sourcecheck")) / "store.db"


def open_store(path: "str | os.PathLike[str] | None" = None, **options: object) -> EvidenceStore:
    """Open (creating if needed) the evidence store at `path`, or the default one.

    Only the embedded SQLite backend exists so far; `options` go to its constructor
    (`hnsw_threshold=`).

    >>> store = open_store(tmp_path / "corpus.db")     # doctest: +SKIP
    """
    from .sqlite_store import SQLiteStore

    return SQLiteStore(default_store_path() if path is None else Path(path), **options)  # type: ignore[arg-type]
