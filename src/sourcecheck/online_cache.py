"""Opt-in online evidence: Wikipedia pages found for a query are cached into the store.

Used by `--online`. Never required: when the network is absent the caller gets a one-line
warning and carries on with local evidence. A page fetched once stays in the store, so the next
search of the same question needs no network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .store import EvidenceStore


def cache_online(
    store: EvidenceStore,
    queries: Iterable[str],
    *,
    client: Any | None = None,
    limit: int = 3,
    warn: Callable[[str], None] = lambda line: None,
    embedder: Any | None = None,
) -> int:
    """Search Wikipedia online for each query and import the pages into `store`.

    Returns how many new or changed pages were stored. Network problems are reported through
    `warn` once, in one line, and end the online part; they never raise.
    """
    from .importer import import_documents
    from .sources.online import OnlineError, WikipediaOnline

    owned = client is None
    client = client or WikipediaOnline()
    documents = []
    try:
        for query in queries:
            try:
                documents.extend(client.search(query, limit=limit))
            except OnlineError as exc:
                warn(f"online Wikipedia unavailable ({exc}); carrying on with local evidence only")
                break
    finally:
        if owned:
            client.close()
    if not documents:
        return 0
    summary = import_documents(store, documents, embed=True, embedder=embedder)
    return summary.added + summary.replaced
