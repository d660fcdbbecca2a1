"""Import sources into an evidence store: chunk, embed (all, none, or within a time budget), write.

Each source is written in its own transaction, so an import killed at any point leaves every
source it had written intact, and running it again skips them by their content hash ("unchanged")
and goes on where it stopped. Passages that got no vector (embedding switched off, or its time
budget spent) are embedded later: `embed_missing` in bulk, `ensure_vectors` for the few a query
needs right now. Progress goes to a callback, never to the terminal: the CLI draws the bar.

    >>> summary = import_documents(store, read_jsonl("pack.jsonl.gz"), embed=300.0)   # doctest: +SKIP
    >>> summary.added, summary.passages, summary.vectors
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Protocol

from .chunking import chunk
from .store import EvidenceStore, content_hash
from .types import Frozen, Passage, SourceDocument

__all__ = ["ImportProgress", "ImportIssue", "ImportSummary", "import_documents", "ensure_vectors", "embed_missing"]


class TextEmbedder(Protocol):
    def embed(self, texts: list[str]) -> Any: ...


class ImportProgress(Frozen):
    """Where an import stands: `done` of `total` (None when unknown) `unit`s, and how fast.

    Phase "import" counts sources; phase "embed" counts passages embedded after the sources were
    written (those of unchanged sources, or `embed_missing`).
    """

    phase: Literal["import", "embed"]
    unit: Literal["sources", "passages"]
    done: int
    total: int | None = None
    passages: int = 0
    vectors: int = 0
    elapsed_s: float
    rate: float  # units per second
    eta_s: float | None = None


class ImportIssue(Frozen):
    """A source that was skipped (not a document, or no text) or failed (an error on the way in)."""

    source: str
    reason: str
    status: Literal["skipped", "failed"]


class ImportSummary(Frozen):
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: int = 0
    failed: int = 0
    passages: int = 0  # passages written (of added and replaced sources)
    vectors: int = 0  # passages embedded by this import
    seconds: float = 0.0
    embed_seconds: float = 0.0
    issues: list[ImportIssue] = []


def import_documents(
    store: EvidenceStore,
    documents: Iterable[SourceDocument | object],
    *,
    embed: bool | float = True,
    batch_size: int = 64,
    progress: Callable[[ImportProgress], None] | None = None,
    embedder: TextEmbedder | None = None,
    chunker: Callable[[SourceDocument], list[Passage]] = chunk,
    total: int | None = None,
) -> ImportSummary:
    """Chunk each document, embed its passages, and add it to `store`, one transaction per source.

    `embed`: True embeds every passage, False none (they are embedded lazily later), a number
    is a budget in seconds of embedding time, after which the rest is left for later. Items
    that are not `SourceDocument`s (a reader's error records, with `.source` and `.reason`) are
    counted as skipped with their reason. `batch_size` is how many passages are embedded at once.
    `total` (the number of documents, when `documents` has no len()) makes the ETA possible.

    >>> summary = import_documents(store, docs, embed=False, progress=print)   # doctest: +SKIP
    """
    run = _Run(store, embed, embedder, progress, total if total is not None else _len(documents))
    pending: list[tuple[SourceDocument, list[Passage]]] = []
    pending_passages = 0
    unchanged_ids: list[str] = []
    for item in documents:
        if not isinstance(item, SourceDocument):
            run.issue(str(getattr(item, "source", "") or item), str(getattr(item, "reason", item)), "skipped")
            continue
        if not item.text.strip():
            run.issue(item.id, "the source has no text", "skipped")
            continue
        try:
            if store.has_source(item.id, content_hash(item)):
                run.counts["unchanged"] += 1
                unchanged_ids.append(item.id)
                run.report()
                continue
            passages = chunker(item)
        except Exception as exc:  # noqa: BLE001 - one bad source must not stop an import of thousands
            run.issue(item.id, _describe(exc), "failed")
            continue
        pending.append((item, passages))
        pending_passages += len(passages)
        if pending_passages >= batch_size:
            run.write(pending)
            pending, pending_passages = [], 0
    run.write(pending)
    if unchanged_ids and run.embedding_allowed():
        # Sources kept from an earlier text-only (or interrupted) import get their vectors now.
        left = None if run.budget is None else max(0.0, run.budget - run.embed_seconds)
        run.vectors += embed_missing(store, budget_s=left, progress=progress, embedder=run.embedder,
                                     batch_size=max(batch_size, 64), source_ids=unchanged_ids, _run=run)
    prepare = getattr(store, "prepare_search", None)
    if run.vectors and prepare is not None:
        prepare()  # a large store builds its HNSW graph now, not in the first query after
    return run.summary()


class _Run:
    """The counters and the embedding budget of one import."""

    def __init__(self, store: EvidenceStore, embed: bool | float, embedder: TextEmbedder | None,
                 progress: Callable[[ImportProgress], None] | None, total: int | None) -> None:
        if isinstance(embed, (int, float)) and not isinstance(embed, bool) and embed < 0:
            raise ValueError(f"embed must be True, False or a budget in seconds >= 0, got {embed}")
        self.store = store
        self.enabled = embed is not False
        self.budget: float | None = None if isinstance(embed, bool) else float(embed)
        self._embedder = embedder
        self._model_recorded = False
        self.progress = progress
        self.total = total
        self.start = time.monotonic()
        self.counts = {"added": 0, "unchanged": 0, "replaced": 0, "skipped": 0, "failed": 0}
        self.passages = 0
        self.vectors = 0
        self.embed_seconds = 0.0
        self.issues: list[ImportIssue] = []

    @property
    def embedder(self) -> TextEmbedder:
        if self._embedder is None:
            from .models import embedder

            self._embedder = embedder()
        return self._embedder

    def embedding_allowed(self) -> bool:
        return self.enabled and (self.budget is None or self.embed_seconds < self.budget)

    def embed(self, texts: list[str]) -> Any:
        """Vectors for `texts`, or None when embedding is off or its budget is spent."""
        if not texts or not self.embedding_allowed():
            return None
        began = time.monotonic()
        vectors = self.embedder.embed(texts)
        self.embed_seconds += time.monotonic() - began
        self.record_model()
        return vectors

    def record_model(self) -> None:
        if not self._model_recorded:
            record = getattr(self.store, "set_embedding_model", None)
            if record is not None:
                record(model_name(self.embedder))
            self._model_recorded = True

    def write(self, batch: list[tuple[SourceDocument, list[Passage]]]) -> None:
        if not batch:
            return
        texts = [p.text for _, passages in batch for p in passages]
        try:
            vectors = self.embed(texts)
        except Exception as exc:  # noqa: BLE001 - write the text anyway; vectors can come later
            # A missing or broken model fails every batch alike: say so once, stop trying, and
            # leave the vectors to lazy embedding.
            vectors = None
            self.enabled = False
            self.issues.append(ImportIssue(source="(embedder)", reason=f"embedding stopped, passages left for later: {_describe(exc)}",
                                           status="failed"))
        offset = 0
        for source, passages in batch:
            part = None if vectors is None else vectors[offset:offset + len(passages)]
            offset += len(passages)
            try:
                result = self.store.add_source(source, passages, part)
            except Exception as exc:  # noqa: BLE001 - recorded, and the import goes on
                self.issue(source.id, _describe(exc), "failed")
                continue
            self.counts[result.status] += 1
            if result.status != "unchanged":
                self.passages += result.passages
            if part is not None:
                self.vectors += len(passages)
            self.report()

    def issue(self, source: str, reason: str, status: Literal["skipped", "failed"]) -> None:
        self.counts[status] += 1
        self.issues.append(ImportIssue(source=source, reason=reason, status=status))
        self.report()

    def report(self) -> None:
        if self.progress is None:
            return
        done = sum(self.counts.values())
        elapsed = time.monotonic() - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if self.total is not None and rate > 0 else None
        self.progress(ImportProgress(phase="import", unit="sources", done=done, total=self.total, passages=self.passages,
                                     vectors=self.vectors, elapsed_s=elapsed, rate=rate,
                                     eta_s=None if eta is None else max(0.0, eta)))

    def summary(self) -> ImportSummary:
        return ImportSummary(**self.counts, passages=self.passages, vectors=self.vectors,
                             seconds=time.monotonic() - self.start, embed_seconds=self.embed_seconds, issues=self.issues)


def ensure_vectors(store: EvidenceStore, passage_ids: Sequence[str], *, embedder: TextEmbedder | None = None) -> int:
    """Embed and store vectors for those of `passage_ids` that lack one; returns how many.

    The lazy path at query time: BM25 candidates without vectors get them before dense search.

    >>> ensure_vectors(store, [pid for pid, _ in store.search_bm25("Yalta", k=50)])   # doctest: +SKIP
    """
    if not passage_ids:
        return 0
    lookup = getattr(store, "texts_without_vectors", None)
    if lookup is not None:
        missing = lookup(list(passage_ids))
    else:  # a store without the look-up: embed them all, set_vectors overwrites
        missing = [(p.id, p.text) for p in store.passages(list(passage_ids))]
    if not missing:
        return 0
    if embedder is None:
        from .models import embedder as shared

        embedder = shared()
    vectors = embedder.embed([text for _, text in missing])
    record = getattr(store, "set_embedding_model", None)
    if record is not None:
        record(model_name(embedder))
    store.set_vectors([pid for pid, _ in missing], vectors)
    return len(missing)


def embed_missing(
    store: EvidenceStore,
    *,
    budget_s: float | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    embedder: TextEmbedder | None = None,
    batch_size: int = 256,
    source_ids: Iterable[str] | None = None,
    _run: _Run | None = None,
) -> int:
    """Embed passages that have no vector yet, batch by batch, until none is left or `budget_s` is spent.

    Safe to run beside readers and to interrupt: each batch is committed on its own. Returns the
    number of passages embedded. `source_ids` limits it to those sources.

    >>> embed_missing(store, budget_s=600)                 # doctest: +SKIP
    """
    run = _run or _Run(store, True if budget_s is None else budget_s, embedder, None, None)
    wanted = None if source_ids is None else list(source_ids)
    start = time.monotonic()
    done = 0
    last = 0.0
    while budget_s is None or time.monotonic() - start + last <= budget_s:
        batch = store.passages_without_vectors(limit=batch_size, source_ids=wanted)
        if not batch:
            break
        began = time.monotonic()
        vectors = run.embedder.embed([text for _, text in batch])
        run.record_model()
        store.set_vectors([pid for pid, _ in batch], vectors)
        last = time.monotonic() - began
        run.embed_seconds += last
        done += len(batch)
        if progress is not None:
            elapsed = time.monotonic() - start
            progress(ImportProgress(phase="embed", unit="passages", done=done, total=None, vectors=done,
                                    elapsed_s=elapsed, rate=done / elapsed if elapsed > 0 else 0.0))
    prepare = getattr(store, "prepare_search", None)
    if done and _run is None and prepare is not None:
        prepare()
    return done


def model_name(embedder: Any) -> str:
    """The name recorded with the vectors: the model's own, or the embedder's class."""
    info = getattr(embedder, "info", None)
    if callable(info):
        try:
            return str(info().name)
        except Exception:  # noqa: BLE001 - a name is a label, never worth failing an import
            pass
    return type(embedder).__name__


def _len(documents: Iterable[Any]) -> int | None:
    try:
        return len(documents)  # type: ignore[arg-type]
    except TypeError:
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
