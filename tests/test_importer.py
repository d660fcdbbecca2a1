"""Importing sources: counts, skipped and failed items, embedding budgets, lazy vectors, progress."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pytest

from sourcecheck import models
from sourcecheck.importer import ImportProgress, embed_missing, ensure_vectors, import_documents
from sourcecheck.sqlite_store import SQLiteStore
from sourcecheck.types import ModelInfo, SourceDocument


class WordLengthEmbedder:
    """Deterministic fake: a vector of word-length counts. Records the batches it was given."""

    dim = 8

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[int] = []
        self.delay = delay

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        if self.delay:
            time.sleep(self.delay)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                out[i, len(word) % self.dim] += 1.0
            out[i, 0] += 0.01
        return out

    def info(self) -> ModelInfo:
        return ModelInfo(name="word-length fake", version="0")


@dataclass
class SourceError:
    """What a reader yields for a file it could not read."""

    source: str
    reason: str


def article(i: int, sentences: int = 8) -> SourceDocument:
    text = " ".join(f"In {1900 + (i + j) % 90} the army of state {i} fought battle number {j}." for j in range(sentences))
    return SourceDocument(id=f"art-{i}", title=f"Article {i}", text=text, url=f"https://example.org/{i}", kind="jsonl")


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "store.db")
    yield s
    s.close()


@pytest.fixture
def fake():
    return WordLengthEmbedder()


def test_import_counts_and_rerun_is_unchanged(store, fake):
    docs = [article(i) for i in range(5)]
    summary = import_documents(store, docs, embedder=fake)
    assert (summary.added, summary.unchanged, summary.replaced, summary.skipped, summary.failed) == (5, 0, 0, 0, 0)
    st = store.stats()
    assert summary.passages == st.passages > 5 and summary.vectors == st.passages_with_vectors == st.passages
    assert st.embedding_model == "word-length fake"
    again = import_documents(store, docs, embedder=fake)
    assert (again.added, again.unchanged, again.passages, again.vectors) == (0, 5, 0, 0)
    changed = [article(0, sentences=9)] + docs[1:]
    third = import_documents(store, changed, embedder=fake)
    assert (third.replaced, third.unchanged) == (1, 4)
    assert store.stats().passages_with_vectors == store.stats().passages


def test_items_that_are_not_documents_are_skipped_with_their_reason(store, fake):
    items = [article(1), SourceError("notes/broken.pdf", "not a PDF: the file is truncated"), "garbage",
             SourceDocument(id="empty", title="E", text="  \n "), article(2)]
    summary = import_documents(store, items, embedder=fake)
    assert (summary.added, summary.skipped) == (2, 3)
    reasons = {(i.source, i.reason, i.status) for i in summary.issues}
    assert ("notes/broken.pdf", "not a PDF: the file is truncated", "skipped") in reasons
    assert ("garbage", "garbage", "skipped") in reasons
    assert ("empty", "the source has no text", "skipped") in reasons


def test_a_failing_source_is_recorded_and_the_import_goes_on(store, fake):
    from sourcecheck.chunking import chunk

    def chunker(source):
        if source.id == "art-1":
            raise RuntimeError("cannot chunk this one\nsecond line")
        return chunk(source)

    summary = import_documents(store, [article(0), article(1), article(2)], embedder=fake, chunker=chunker)
    assert (summary.added, summary.failed) == (2, 1)
    assert summary.issues[0].source == "art-1" and summary.issues[0].reason == "RuntimeError: cannot chunk this one"
    assert not store.has_source("art-1")


def test_embed_false_leaves_vectors_for_later(store, monkeypatch):
    monkeypatch.setattr(models, "embedder", lambda: pytest.fail("the model must not load when embed=False"))
    summary = import_documents(store, [article(i) for i in range(4)], embed=False)
    assert summary.vectors == 0 and store.stats().passages_with_vectors == 0
    assert len(store.passages_without_vectors(limit=10_000)) == summary.passages


def test_embed_missing_fills_everything_and_reports_progress(store, fake):
    import_documents(store, [article(i) for i in range(6)], embed=False)
    seen: list[ImportProgress] = []
    done = embed_missing(store, embedder=fake, batch_size=7, progress=seen.append)
    assert done == store.stats().passages == store.stats().passages_with_vectors
    assert all(c <= 7 for c in fake.calls)
    assert seen and seen[-1].phase == "embed" and seen[-1].done == done and seen[-1].unit == "passages"
    assert embed_missing(store, embedder=fake) == 0


def test_embedding_budget_embeds_some_and_leaves_the_rest(store):
    slow = WordLengthEmbedder(delay=0.05)
    summary = import_documents(store, [article(i, sentences=12) for i in range(30)], embedder=slow, embed=0.12, batch_size=8)
    st = store.stats()
    assert summary.added == 30 and st.passages == summary.passages
    assert 0 < st.passages_with_vectors < st.passages
    assert summary.vectors == st.passages_with_vectors
    assert summary.embed_seconds >= 0.12
    embed_missing(store, embedder=slow, batch_size=64)
    assert store.stats().passages_with_vectors == st.passages


def test_zero_budget_embeds_nothing(store, fake):
    summary = import_documents(store, [article(1)], embedder=fake, embed=0.0)
    assert summary.vectors == 0 and fake.calls == []


def test_negative_budget_is_refused(store, fake):
    with pytest.raises(ValueError):
        import_documents(store, [article(1)], embedder=fake, embed=-1.0)


def test_embed_missing_stops_at_its_budget(store):
    import_documents(store, [article(i, sentences=12) for i in range(20)], embed=False)
    slow = WordLengthEmbedder(delay=0.05)
    done = embed_missing(store, embedder=slow, batch_size=5, budget_s=0.12)
    assert 0 < done < store.stats().passages


def test_batches_span_sources(store, fake):
    import_documents(store, [article(i, sentences=2) for i in range(40)], embedder=fake, batch_size=16)
    assert all(c >= 16 for c in fake.calls[:-1])


def test_rerun_with_embeddings_fills_vectors_of_unchanged_sources(store, fake):
    docs = [article(i) for i in range(3)]
    import_documents(store, docs, embed=False)
    summary = import_documents(store, docs, embedder=fake)
    assert summary.unchanged == 3 and summary.vectors == store.stats().passages == store.stats().passages_with_vectors


def test_a_failing_embedder_still_writes_the_text(store):
    class Broken:
        def embed(self, texts):
            raise RuntimeError("onnx exploded")

    broken = Broken()
    summary = import_documents(store, [article(i) for i in range(10)], embedder=broken, batch_size=4)
    assert summary.added == 10 and store.stats().passages_with_vectors == 0
    assert [i.source for i in summary.issues] == ["(embedder)"] and "onnx exploded" in summary.issues[0].reason
    assert summary.failed == 0  # the sources themselves are in


def test_progress_counts_rate_and_eta(store, fake):
    seen: list[ImportProgress] = []
    import_documents(store, [article(i) for i in range(5)] + [SourceError("x", "bad")], embedder=fake, progress=seen.append)
    assert [p.done for p in seen] == sorted(p.done for p in seen) and seen[-1].done == 6
    assert all(p.total == 6 and p.unit == "sources" for p in seen)
    assert seen[-1].eta_s == 0.0 and seen[-1].rate > 0 and seen[-1].passages == store.stats().passages
    from_generator: list[ImportProgress] = []
    import_documents(store, (article(i) for i in range(7, 9)), embedder=fake, progress=from_generator.append)
    assert from_generator[-1].total is None and from_generator[-1].eta_s is None
    with_total: list[ImportProgress] = []
    import_documents(store, (article(i) for i in range(10, 12)), embedder=fake, progress=with_total.append, total=2)
    assert with_total[-1].total == 2


def test_ensure_vectors_embeds_only_what_is_missing(store, fake):
    import_documents(store, [article(1), article(2)], embed=False)
    ids = [pid for pid, _ in store.passages_without_vectors(limit=5)]
    assert ensure_vectors(store, ids + ["unknown"], embedder=fake) == len(ids)
    assert fake.calls == [len(ids)]
    assert ensure_vectors(store, ids, embedder=fake) == 0
    assert ensure_vectors(store, [], embedder=fake) == 0
    assert fake.calls == [len(ids)]
    assert store.search_dense(fake.embed([store.passages(ids[:1])[0].text])[0], k=1)[0][0] == ids[0]


@pytest.mark.slow
def test_real_embedder_import_and_dense_search(store):
    docs = [
        SourceDocument(id="pact", title="Pact", text="The Molotov-Ribbentrop Pact was a non-aggression treaty signed in Moscow in August 1939."),
        SourceDocument(id="moon", title="Moon", text="Apollo 11 landed the first humans on the Moon in July 1969."),
        SourceDocument(id="tea", title="Tea", text="Tea is an aromatic beverage made from the leaves of the tea plant."),
    ]
    summary = import_documents(store, docs)
    assert summary.vectors == store.stats().passages
    emb = models.embedder()
    hit = store.search_dense(emb.embed(["astronauts walking on the lunar surface"])[0], k=1)[0][0]
    assert store.passages([hit])[0].source_id == "moon"
    assert store.stats().embedding_model == emb.info().name
