"""`--online`: pages found online are cached into the store; no network is a warning, not a failure."""

from sourcecheck.online_cache import cache_online
from sourcecheck.sources.online import OfflineError
from sourcecheck.store import open_store
from sourcecheck.types import SourceDocument
from test_importer import WordLengthEmbedder


class FakeWikipedia:
    def __init__(self, pages=None, error=None):
        self.pages, self.error, self.asked = pages or [], error, []

    def search(self, query, *, limit=5):
        self.asked.append(query)
        if self.error:
            raise self.error
        return self.pages[:limit]

    def close(self):
        pass


PAGE = SourceDocument(id="wikipedia-online:1", title="Adana Conference", text="The Adana Conference was held on 30 January 1943 between Churchill and İnönü.", kind="wikipedia-online", licence="CC BY-SA 4.0")


def test_pages_found_online_are_stored_once(tmp_path):
    store = open_store(tmp_path / "s.db")
    try:
        client = FakeWikipedia([PAGE])
        assert cache_online(store, ["Adana Conference"], client=client, embedder=WordLengthEmbedder()) == 1
        assert cache_online(store, ["Adana Conference"], client=client, embedder=WordLengthEmbedder()) == 0
        assert [s.id for s in store.sources()] == ["wikipedia-online:1"]
        assert store.stats().passages_with_vectors >= 1
    finally:
        store.close()


def test_no_network_warns_once_and_carries_on(tmp_path):
    store = open_store(tmp_path / "s.db")
    warnings = []
    try:
        client = FakeWikipedia(error=OfflineError("cannot reach Wikipedia"))
        assert cache_online(store, ["a", "b"], client=client, warn=warnings.append) == 0
        assert len(warnings) == 1 and "local evidence" in warnings[0]
        assert client.asked == ["a"]
    finally:
        store.close()
