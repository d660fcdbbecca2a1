"""Hybrid retrieval over an evidence store: BM25 and dense (MiniLM) lists fused by reciprocal rank.

The store does the searching (`EvidenceStore.search_bm25`, `search_dense`); this module asks both,
fuses the two rankings and turns passage ids into `SearchHit`s with the text and offsets a quote
needs. Reciprocal rank fusion (Cormack et al., 2009) scores a passage by

    score(p) = sum over lists L that contain p of  weight_L / (rrf_k + rank_L(p))      (rank from 1)

so it needs no calibration between BM25 scores and cosine similarities. The defaults are the
textbook ones (`rrf_k=60` as in the paper, lists read `candidates=50` deep, equal weights): a grid
over rrf_k 5..100, depth 20/50/100 and five weightings on the tune split of the Climate-FEVER
retrieval benchmark (30 % of its claims, by a hash of their id; bench/bench_retrieval.py) found
nothing better by a point of recall@20 or more, which on ~460 claims is within noise.

Corpora imported without vectors still get the dense side where it matters: with `lazy_vectors`
the BM25 candidates that lack a vector are embedded on the fly (`importer.ensure_vectors`) before
the dense search, so a store fills in its vectors where people search.

    >>> retriever = Retriever(open_store("corpus.db"))
    >>> for hit in retriever.search("Who signed the non-aggression pact in August 1939?", k=5):
    ...     print(hit.title, hit.score, hit.text[:60])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .errors import UsageError
from .store import Between, EvidenceStore
from .types import Passage, SearchHit

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")


class TextEmbedder(Protocol):
    """What retrieval needs from an embedder: L2-normalised float32 vectors, one row per text."""

    def embed(self, texts: list[str]) -> "np.ndarray": ...


def rrf_fuse(rankings: Sequence[Sequence[str]], *, rrf_k: float = 60.0, weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of best-first id lists; returns (id, fused score) best first.

    Ties are broken by the best single rank the id reached, then by the id, so the order is
    deterministic. A repeated id within one list counts at its first (best) rank only.

    >>> rrf_fuse([["a", "b"], ["b", "c"]], rrf_k=60)[0][0]
    'b'
    """
    if rrf_k < 0:
        raise ValueError(f"rrf_k must be >= 0, got {rrf_k}")
    weights = [1.0] * len(rankings) if weights is None else list(weights)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranking, weight in zip(rankings, weights):
        seen: set[str] = set()
        for rank, pid in enumerate(ranking, start=1):
            if pid in seen:
                continue
            seen.add(pid)
            scores[pid] = scores.get(pid, 0.0) + weight / (rrf_k + rank)
            best[pid] = min(best.get(pid, rank), rank)
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], item[0]))


def _hit(passage: Passage, score: float, bm25_rank: int | None, dense_rank: int | None) -> SearchHit:
    return SearchHit(
        passage_id=passage.id, source_id=passage.source_id, title=passage.title, url=passage.url,
        published=passage.published, licence=passage.licence, attribution=passage.attribution,
        text=passage.text, start=passage.start, end=passage.end, score=float(score),
        bm25_rank=bm25_rank, dense_rank=dense_rank,
    )


def _ensure_vectors_function() -> Any | None:
    """`importer.ensure_vectors`, or None where the importer is not installed."""
    try:
        from .importer import ensure_vectors
    except ImportError:
        return None
    return ensure_vectors


def _accepts_embedder(function: Any) -> bool:
    import inspect

    try:
        return "embedder" in inspect.signature(function).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False


class Retriever:
    """Search one evidence store by BM25, by dense vectors, or both fused by reciprocal rank.

    Construction is cheap: the embedder loads on the first search that needs it (pass one in to
    share it or to test with a fake). `candidates` is how deep each list is read before fusion;
    `weights` multiplies each list's reciprocal ranks (BM25 first, dense second). With `parallel`
    the BM25 search runs in a worker thread while the query is embedded, so a hybrid query costs
    about the longer of the two rather than their sum; the store must then accept calls from
    another thread (the SQLite store opens one connection per thread). `close()` stops the worker.

    >>> retriever = Retriever(store, candidates=50)              # doctest: +SKIP
    >>> retriever.search("Stalingrad surrender 1943", k=5, mode="hybrid")
    """

    def __init__(
        self,
        store: EvidenceStore,
        *,
        embedder: TextEmbedder | None = None,
        rrf_k: float = 60.0,
        candidates: int = 50,
        lazy_vectors: bool = True,
        weights: tuple[float, float] = (1.0, 1.0),
        parallel: bool = True,
    ) -> None:
        if candidates < 1:
            raise ValueError(f"candidates must be at least 1, got {candidates}")
        if rrf_k < 0:
            raise ValueError(f"rrf_k must be >= 0, got {rrf_k}")
        if len(weights) != 2 or min(weights) < 0:
            raise ValueError(f"weights must be two non-negative numbers (bm25, dense), got {weights!r}")
        self.store = store
        self._embedder = embedder
        self.rrf_k = float(rrf_k)
        self.candidates = int(candidates)
        self.lazy_vectors = lazy_vectors
        self.weights = (float(weights[0]), float(weights[1]))
        self.parallel = parallel
        # None: not checked yet; True: every passage had a vector when last checked.
        self._all_vectors: bool | None = None
        self._pool: Any = None

    # -- the embedder, loaded lazily --------------------------------------------------------

    @property
    def embedder(self) -> TextEmbedder:
        if self._embedder is None:
            from .models import embedder

            self._embedder = embedder()
        return self._embedder

    def embed_queries(self, queries: Sequence[str]) -> "np.ndarray":
        """Query vectors, one row per query (the embedder batches them)."""
        return self.embedder.embed(list(queries))

    # -- searching --------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 10, between: Between | None = None, mode: Mode = "hybrid") -> list[SearchHit]:
        """The `k` best passages for `query`, best first.

        `between` keeps passages whose `about` dates overlap the interval (the store filters
        before ranking). In "hybrid" mode `SearchHit.score` is the fused RRF score; in "bm25" and
        "dense" modes it is the store's own score (BM25, cosine). `bm25_rank`/`dense_rank` say
        where the passage stood in each candidate list (None: not in it).
        """
        return self.search_many([query], k=k, between=between, mode=mode)[0]

    def search_many(self, queries: Sequence[str], *, k: int = 10, between: Between | None = None, mode: Mode = "hybrid") -> list[list[SearchHit]]:
        """`search` for many queries: one result list per query, in order. Query vectors are
        computed in one batch, which is what makes batch mode fast."""
        _check_mode(mode)
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        queries = list(queries)
        if not queries:
            return []
        depth = max(self.candidates, k) if mode == "hybrid" else k
        empty: list[list[tuple[str, float]]] = [[] for _ in queries]
        bm25_lists, dense_lists = empty, list(empty)
        if mode == "bm25":
            bm25_lists = self._bm25_all(queries, depth, between)
        else:
            if mode == "hybrid" and self.parallel:
                future = self._worker().submit(self._bm25_all, queries, depth, between)
                try:
                    vectors = self.embed_queries([q if q.strip() else " " for q in queries])
                finally:
                    bm25_lists = future.result()
            else:
                if mode == "hybrid":
                    bm25_lists = self._bm25_all(queries, depth, between)
                vectors = self.embed_queries([q if q.strip() else " " for q in queries])
            if mode == "hybrid" and self.lazy_vectors:
                self._fill_vectors([pid for ranking in bm25_lists for pid, _ in ranking])
            dense_lists = [
                self.store.search_dense(vectors[i], k=depth, between=between) if queries[i].strip() else []
                for i in range(len(queries))
            ]
        results = []
        for bm25, dense in zip(bm25_lists, dense_lists):
            results.append(self._rank(bm25, dense, k=k, mode=mode))
        return results

    def _bm25_all(self, queries: list[str], depth: int, between: Between | None) -> list[list[tuple[str, float]]]:
        return [self._bm25(q, depth, between) for q in queries]

    def _worker(self) -> Any:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sourcecheck-bm25")
        return self._pool

    def close(self) -> None:
        """Stop the BM25 worker thread (the store stays open: it is the caller's)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> "Retriever":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _bm25(self, query: str, depth: int, between: Between | None) -> list[tuple[str, float]]:
        if not query.strip():
            return []
        return self.store.search_bm25(query, k=depth, between=between)

    def _rank(self, bm25: list[tuple[str, float]], dense: list[tuple[str, float]], *, k: int, mode: Mode) -> list[SearchHit]:
        bm25_rank = {pid: r for r, (pid, _) in reversed(list(enumerate(bm25, start=1)))}
        dense_rank = {pid: r for r, (pid, _) in reversed(list(enumerate(dense, start=1)))}
        if mode == "bm25":
            scored = _dedupe(bm25)[:k]
        elif mode == "dense":
            scored = _dedupe(dense)[:k]
        else:
            scored = rrf_fuse([[p for p, _ in bm25], [p for p, _ in dense]], rrf_k=self.rrf_k, weights=self.weights)[:k]
        by_id = {p.id: p for p in self.store.passages([pid for pid, _ in scored])}
        return [
            _hit(by_id[pid], score, bm25_rank.get(pid), dense_rank.get(pid))
            for pid, score in scored
            if pid in by_id
        ]

    # -- lazy vectors -----------------------------------------------------------------------

    def _fill_vectors(self, passage_ids: list[str]) -> None:
        """Embed the candidates that lack vectors, so the dense search can find them too.

        Whether the store lacks any vector at all is checked once per retriever (and again after
        `refresh()`): a fully embedded store costs nothing per query.
        """
        if not passage_ids:
            return
        ensure = _ensure_vectors_function()
        if ensure is None:
            return
        if self._all_vectors is None:
            self._all_vectors = not self.store.passages_without_vectors(limit=1)
        if self._all_vectors:
            return
        ids = list(dict.fromkeys(passage_ids))
        if _accepts_embedder(ensure):
            ensure(self.store, ids, embedder=self.embedder)
        else:
            ensure(self.store, ids)

    def refresh(self) -> None:
        """Forget what is known about the store's vectors (call after importing more sources)."""
        self._all_vectors = None


def _dedupe(ranking: list[tuple[str, float]]) -> list[tuple[str, float]]:
    seen: set[str] = set()
    out = []
    for pid, score in ranking:
        if pid not in seen:
            seen.add(pid)
            out.append((pid, float(score)))
    return out


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}; expected one of: {', '.join(MODES)}")


def search(
    query: str,
    *,
    store: EvidenceStore | None = None,
    k: int = 10,
    between: Between | None = None,
    mode: Mode = "hybrid",
    embedder: TextEmbedder | None = None,
) -> list[SearchHit]:
    """Search the default evidence store (or `store`) in one call.

    >>> for hit in search("Hitler-Stalin pact", k=3):              # doctest: +SKIP
    ...     print(hit.title, hit.start, hit.end)
    """
    opened = open_default_store() if store is None else None
    try:
        with Retriever(store if store is not None else opened, embedder=embedder) as retriever:  # type: ignore[arg-type]
            return retriever.search(query, k=k, between=between, mode=mode)
    finally:
        if opened is not None:
            opened.close()


def open_default_store(path: Any = None) -> EvidenceStore:
    """The evidence store at `path`, or the default one that `sourcecheck corpus` fills."""
    from . import store as store_module

    opener = getattr(store_module, "open_store", None)
    if opener is None:  # pragma: no cover - only before the SQLite backend lands
        raise UsageError("no evidence store backend is installed (sourcecheck.store.open_store is missing)")
    if path is not None:
        return opener(path)
    default = getattr(store_module, "default_store_path", None)
    return opener(default()) if default is not None else opener()
