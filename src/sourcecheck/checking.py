"""End to end: documents -> claims -> evidence -> verdicts, as one Report.

    >>> import sourcecheck
    >>> report = sourcecheck.check("essay.md")                                   # doctest: +SKIP
    >>> [(c.text, c.verdict.label) for c in report.documents[0].claims]

The evidence store is the default one (`sourcecheck corpus add ...`, filled by `make run`) unless
`store` or `store_path` says otherwise. With `online` the claims are also looked up on Wikipedia
first and the pages cached into the store (never required: without a network it warns and goes
on with local evidence).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputNotFound
from .pipeline import ClaimExtractor, Progress, extract_claims
from .store import EvidenceStore
from .types import Claim, Report, Verdict
from .verifier import ClaimInput, Verifier

BATCH = 16


def open_evidence(store_path: Path | str | None) -> EvidenceStore:
    """The store at `store_path` or the default store; a clear error when it was never filled."""
    from .retrieval import open_default_store
    from .store import default_store_path

    path = Path(store_path) if store_path is not None else Path(default_store_path())
    if not path.exists():
        raise InputNotFound(f"no evidence store at {path}; fill it first with: sourcecheck corpus add pack:starter (or make run), or give --store PATH")
    return open_default_store(path)


def verify_claims(
    claims: list[ClaimInput],
    verifier: Verifier,
    *,
    progress: Callable[[int, int], None] | None = None,
    timings: dict[str, float] | None = None,
) -> list[Verdict]:
    """Verdicts for claims in batches (one NLI batch per BATCH claims), reporting progress."""
    out: list[Verdict] = []
    for begin in range(0, len(claims), BATCH):
        out += verifier.verify(claims[begin : begin + BATCH], timings=timings)
        if progress:
            progress(len(out), len(claims))
    return out


def check(
    sources: Any,
    *,
    store: EvidenceStore | None = None,
    store_path: Path | str | None = None,
    published: str | None = None,
    online: bool = False,
    max_chars: int | None = None,
    extractor: ClaimExtractor | None = None,
    verifier: Verifier | None = None,
    llm: Any | None = None,
    progress: Progress | None = None,
    claim_progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] = lambda line: None,
    comparer: Any | None = None,
) -> Report:
    """Check the claims of one or more texts or files against the evidence store.

    `sources` is what `extract_claims` takes (a path, '-', a text, a Document, or a list). Every
    check-worthy claim gets a `verdict`. `llm` (an `LLMJudge`) adds a second opinion to each
    verdict's checks. With two or more documents the report also compares them (`comparison`,
    see `sourcecheck.comparison`; `comparer` is a `Comparer`, by default one sharing the
    verifier's NLI model). The report's `run` records the models, settings and timings.
    """
    owned = store is None and verifier is None
    if verifier is None:
        store = store or open_evidence(store_path)
        verifier = Verifier(store, llm=llm)
    try:
        report = extract_claims(sources, published=published, max_chars=max_chars, extractor=extractor, progress=progress)
        started = time.perf_counter()
        pending = [(d, c) for d in report.documents for c in d.claims]
        if online and pending and store is not None:
            from .online_cache import cache_online

            cache_online(store, [c.text for _, c in pending], warn=warn, limit=2)
        timings: dict[str, float] = {}
        inputs = [ClaimInput(c.text, times=c.times, mentions=c.mentions, published=d.published) for d, c in pending]
        verdicts = verify_claims(inputs, verifier, progress=claim_progress, timings=timings)
        by_id: dict[tuple[str, str], Claim] = {
            (d.id, c.id): c.model_copy(update={"verdict": v}) for (d, c), v in zip(pending, verdicts)
        }
        documents = [d.model_copy(update={"claims": [by_id[(d.id, c.id)] for c in d.claims]}) for d in report.documents]
        timings["verify"] = time.perf_counter() - started
        comparison = None
        if len(documents) >= 2:
            from .comparison import Comparer

            comparison = (comparer or Comparer(nli=verifier.nli)).compare(documents, timings=timings)
        run = report.run.model_copy(update={
            "models": report.run.models + verifier.models(),
            "settings": report.run.settings | {"online": online, "k": verifier.k, "windows": verifier.windows},
            "timings": report.run.timings | {k: round(v, 4) for k, v in timings.items()},
        })
        return Report(documents=documents, run=run, comparison=comparison)
    finally:
        if owned and store is not None:
            store.close()
