"""Hybrid retrieval (`sourcecheck.retrieval`) against an in-memory fake store and a fake embedder.

The fakes are deterministic: the "embedding" of a text is a bag of hashed lower-cased words,
L2-normalised, so texts sharing words are close. One slow test runs the real SQLite store and the
real MiniLM embedder on a handful of passages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pytest

from sourcecheck import retrieval
from sourcecheck.errors import UsageError
from sourcecheck.retrieval import Retriever, rrf_fuse
from sourcecheck.store import Between
from sourcecheck.types import Passage

DIM = 384
WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def hashed_vector(text: str) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    for w in words(text):
        v[int(hashlib.sha256(w.encode()).hexdigest(), 16) % DIM] += 1.0
    n = np.linalg.norm(v)
    return v / n if n else v


class FakeEmbedder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([hashed_vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def overlaps(p: Passage, between: Between | None) -> bool:
    if between is None:
        return True
    if p.about_earliest is None and p.about_latest is None:
        return False
    lo = p.about_earliest or dt.date.min
    hi = p.about_latest or dt.date.max
    return (between.latest is None or lo <= between.latest) and (between.earliest is None or hi >= between.earliest)


class FakeStore:
    """The part of `EvidenceStore` that retrieval uses, in memory.

    BM25 is stood in for by the count of distinct query words in the passage (ties by id);
    dense search is exact cosine over the passages that have vectors. Every call's `between` is
    recorded. `bm25_override`/`dense_override` script the rankings for fusion tests.
    """

    def __init__(self, passages: Iterable[Passage] = ()) -> None:
        self._passages: dict[str, Passage] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self.between_seen: list[tuple[str, Between | None]] = []
        self.bm25_override: list[tuple[str, float]] | None = None
        self.dense_override: list[tuple[str, float]] | None = None
        self.without_vectors_calls = 0
        for p in passages:
            self._passages[p.id] = p

    def add(self, passage: Passage, vector: np.ndarray | None = None) -> None:
        self._passages[passage.id] = passage
        if vector is not None:
            self._vectors[passage.id] = vector

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        return [self._passages[i] for i in ids if i in self._passages]

    def search_bm25(self, query: str, *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        self.between_seen.append(("bm25", between))
        if self.bm25_override is not None:
            return self.bm25_override[:k]
        q = set(words(query))
        scored = [(p.id, float(len(q & set(words(p.text))))) for p in self._passages.values() if overlaps(p, between)]
        scored = [s for s in scored if s[1] > 0]
        return sorted(scored, key=lambda s: (-s[1], s[0]))[:k]

    def search_dense(self, vector: np.ndarray, *, k: int = 20, between: Between | None = None) -> list[tuple[str, float]]:
        self.between_seen.append(("dense", between))
        if self.dense_override is not None:
            return self.dense_override[:k]
        scored = [(pid, float(v @ vector)) for pid, v in self._vectors.items() if overlaps(self._passages[pid], between)]
        return sorted(scored, key=lambda s: (-s[1], s[0]))[:k]

    def passages_without_vectors(self, *, limit: int = 1000, source_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        self.without_vectors_calls += 1
        wanted = set(source_ids) if source_ids is not None else None
        out = [(p.id, p.text) for p in self._passages.values()
               if p.id not in self._vectors and (wanted is None or p.source_id in wanted)]
        return out[:limit]

    def set_vectors(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for pid, v in zip(ids, vectors):
            self._vectors[pid] = np.asarray(v, dtype=np.float32)

    def has_vector(self, pid: str) -> bool:
        return pid in self._vectors

    def close(self) -> None:
        pass


def passage(pid: str, text: str, *, title: str | None = None, about: tuple[str, str] | None = None) -> Passage:
    return Passage(
        id=pid, source_id=f"src-{pid}", title=title or pid.upper(), url=f"https://example.org/{pid}",
        text=text, start=0, end=len(text),
        about_earliest=dt.date.fromisoformat(about[0]) if about else None,
        about_latest=dt.date.fromisoformat(about[1]) if about else None,
    )


TEXTS = {
    "pact": ("The Molotov-Ribbentrop Pact was a non-aggression treaty signed in Moscow in August 1939.", ("1939-08-23", "1939-08-23")),
    "barbarossa": ("Germany invaded the Soviet Union on 22 June 1941, opening the Eastern Front.", ("1941-06-22", "1941-06-22")),
    "stalingrad": ("The Battle of Stalingrad ended with the surrender of the German Sixth Army in February 1943.", ("1942-08-23", "1943-02-02")),
    "yalta": ("Roosevelt, Churchill and Stalin met at Yalta in February 1945.", ("1945-02-04", "1945-02-11")),
    "turkey": ("Turkey stayed neutral for most of the Second World War and declared war on Germany in February 1945.", ("1939-09-01", "1945-02-23")),
    "undated": ("Historians still argue about the pact and its secret protocol.", None),
}


@pytest.fixture
def store() -> FakeStore:
    s = FakeStore()
    for pid, (text, about) in TEXTS.items():
        s.add(passage(pid, text, about=about), hashed_vector(text))
    return s


# --- reciprocal rank fusion ----------------------------------------------------------------


def test_rrf_scores_by_hand():
    fused = dict(rrf_fuse([["a", "b", "c"], ["c", "a"]], rrf_k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)


def test_rrf_order_prefers_agreement_over_one_top_rank():
    # "x" is first in one list only; "y" is second in both: 2/62 > 1/61.
    order = [pid for pid, _ in rrf_fuse([["x", "y"], ["z", "y"]], rrf_k=60)]
    assert order[0] == "y"


def test_rrf_small_k_lets_a_single_first_place_win():
    # With rrf_k=0, 1/1 beats 1/2 + 1/2? No: equal; ties go to the best single rank.
    order = [pid for pid, _ in rrf_fuse([["x", "y"], ["z", "y"]], rrf_k=0)]
    assert order[0] in ("x", "z") and order[1] in ("x", "z") and order[2] == "y"
    order = [pid for pid, _ in rrf_fuse([["x", "y"], ["z", "y"]], rrf_k=1)]
    assert order[0] == "y"  # 2/3 > 1/2


def test_rrf_weights_and_deterministic_ties():
    fused = rrf_fuse([["a"], ["b"]], rrf_k=60, weights=[1.0, 2.0])
    assert [p for p, _ in fused] == ["b", "a"]
    tie = rrf_fuse([["b"], ["a"]], rrf_k=60)
    assert [p for p, _ in tie] == ["a", "b"]  # same score, same best rank: by id


def test_rrf_counts_a_repeated_id_once_per_list():
    fused = dict(rrf_fuse([["a", "a", "b"]], rrf_k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 63)


def test_rrf_rejects_bad_arguments():
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], weights=[1.0, 1.0])
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], rrf_k=-1)


def test_hybrid_fuses_scripted_rankings(store):
    store.bm25_override = [("pact", 9.0), ("yalta", 5.0), ("turkey", 1.0)]
    store.dense_override = [("turkey", 0.9), ("pact", 0.8), ("stalingrad", 0.1)]
    hits = Retriever(store, embedder=FakeEmbedder(), lazy_vectors=False, rrf_k=60).search("anything", k=4)
    assert [h.passage_id for h in hits] == ["pact", "turkey", "yalta", "stalingrad"]
    assert hits[0].score == pytest.approx(1 / 61 + 1 / 62)
    assert (hits[0].bm25_rank, hits[0].dense_rank) == (1, 2)
    assert (hits[2].bm25_rank, hits[2].dense_rank) == (2, None)
    assert (hits[3].bm25_rank, hits[3].dense_rank) == (None, 3)


def test_weights_shift_the_fusion(store):
    store.bm25_override = [("pact", 9.0)]
    store.dense_override = [("turkey", 0.9)]
    hits = Retriever(store, embedder=FakeEmbedder(), lazy_vectors=False, weights=(1.0, 1.5)).search("q", k=2)
    assert [h.passage_id for h in hits] == ["turkey", "pact"]


# --- modes, hits, between -------------------------------------------------------------------


def test_hits_carry_passage_fields(store):
    hit = Retriever(store, embedder=FakeEmbedder()).search("Battle of Stalingrad surrender", k=1)[0]
    p = store.passages(["stalingrad"])[0]
    assert hit.passage_id == "stalingrad"
    assert (hit.source_id, hit.title, hit.url, hit.text, hit.start, hit.end) == (p.source_id, p.title, p.url, p.text, p.start, p.end)
    assert hit.score > 0


def test_modes(store):
    emb = FakeEmbedder()
    r = Retriever(store, embedder=emb)
    bm25 = r.search("Yalta Roosevelt", k=3, mode="bm25")
    assert bm25[0].passage_id == "yalta" and bm25[0].score == 2.0 and bm25[0].dense_rank is None
    assert emb.calls == []  # BM25 alone never loads the embedder
    dense = r.search("Yalta Roosevelt", k=3, mode="dense")
    assert dense[0].passage_id == "yalta" and dense[0].bm25_rank is None and 0 < dense[0].score <= 1
    assert store.between_seen[-1][0] == "dense" and all(kind == "dense" for kind, _ in store.between_seen[-1:])
    hybrid = r.search("Yalta Roosevelt", k=3)
    assert hybrid[0].passage_id == "yalta" and hybrid[0].bm25_rank == 1 and hybrid[0].dense_rank == 1


def test_unknown_mode_is_a_usage_error(store):
    with pytest.raises(UsageError, match="unknown search mode"):
        Retriever(store, embedder=FakeEmbedder()).search("x", mode="sparse")  # type: ignore[arg-type]


def test_k_limits_and_validates(store):
    r = Retriever(store, embedder=FakeEmbedder())
    assert len(r.search("the of in", k=2)) == 2
    with pytest.raises(ValueError):
        r.search("x", k=0)
    with pytest.raises(ValueError):
        Retriever(store, candidates=0)


def test_candidates_bound_the_depth_read(store):
    store.bm25_override = [(pid, 1.0) for pid in TEXTS]
    store.dense_override = []
    shallow = Retriever(store, embedder=FakeEmbedder(), candidates=2, lazy_vectors=False)
    assert len(shallow.search("q", k=1)) == 1
    assert len(shallow.search_many(["q"], k=2)[0]) == 2
    # the depth is max(candidates, k): asking for 10 still reads 10 deep.
    assert len(shallow.search("q", k=10)) == len(TEXTS)


def test_between_is_passed_to_both_searches(store):
    window = Between(earliest=dt.date(1945, 1, 1), latest=dt.date(1945, 12, 31))
    hits = Retriever(store, embedder=FakeEmbedder()).search("February war Germany Stalin", k=10, between=window)
    assert store.between_seen and all(b == window for _, b in store.between_seen)
    assert {kind for kind, _ in store.between_seen} == {"bm25", "dense"}
    assert {h.passage_id for h in hits} <= {"yalta", "turkey"}
    assert "stalingrad" not in {h.passage_id for h in hits}


def test_empty_query_returns_nothing(store):
    assert Retriever(store, embedder=FakeEmbedder()).search("   ", k=5) == []


def test_unknown_ids_from_the_store_are_skipped(store):
    store.bm25_override = [("ghost", 3.0), ("pact", 2.0)]
    store.dense_override = []
    hits = Retriever(store, embedder=FakeEmbedder(), lazy_vectors=False).search("q", k=5)
    assert [h.passage_id for h in hits] == ["pact"]


def test_search_many_embeds_queries_in_one_batch(store):
    emb = FakeEmbedder()
    r = Retriever(store, embedder=emb)
    queries = ["Yalta conference", "Stalingrad surrender", "Turkey neutral"]
    many = r.search_many(queries, k=2)
    assert len(emb.calls) == 1 and emb.calls[0] == queries
    assert [res[0].passage_id for res in many] == ["yalta", "stalingrad", "turkey"]
    single = [r.search(q, k=2) for q in queries]
    assert [[h.passage_id for h in res] for res in many] == [[h.passage_id for h in res] for res in single]
    assert r.search_many([], k=2) == []


def test_embedder_loads_lazily(monkeypatch, store):
    loaded = []

    def fake_loader():
        loaded.append(1)
        return FakeEmbedder()

    import sourcecheck.models

    monkeypatch.setattr(sourcecheck.models, "embedder", fake_loader)
    r = Retriever(store)
    assert loaded == []
    r.search("pact", mode="bm25")
    assert loaded == []
    r.search("pact")
    r.search("pact")
    assert loaded == [1]


# --- lazy vectors ----------------------------------------------------------------------------


@pytest.fixture
def half_embedded() -> FakeStore:
    s = FakeStore()
    for i, (pid, (text, about)) in enumerate(TEXTS.items()):
        s.add(passage(pid, text, about=about), hashed_vector(text) if i % 2 else None)
    return s


def fake_ensure(store: FakeStore, passage_ids: Sequence[str], *, embedder) -> int:
    missing = [p for p in store.passages(list(passage_ids)) if not store.has_vector(p.id)]
    if missing:
        store.set_vectors([p.id for p in missing], embedder.embed([p.text for p in missing]))
    fake_ensure.calls.append(list(passage_ids))  # type: ignore[attr-defined]
    return len(missing)


def test_lazy_vectors_embed_bm25_candidates(monkeypatch, half_embedded):
    fake_ensure.calls = []  # type: ignore[attr-defined]
    monkeypatch.setattr(retrieval, "_ensure_vectors_function", lambda: fake_ensure)
    assert not half_embedded.has_vector("pact")
    hits = Retriever(half_embedded, embedder=FakeEmbedder()).search("Molotov Ribbentrop pact", k=3)
    assert half_embedded.has_vector("pact")
    assert hits[0].passage_id == "pact" and hits[0].dense_rank == 1
    assert "pact" in fake_ensure.calls[0]  # type: ignore[attr-defined]


def test_without_lazy_vectors_unembedded_passages_have_no_dense_rank(monkeypatch, half_embedded):
    monkeypatch.setattr(retrieval, "_ensure_vectors_function", lambda: fake_ensure)
    hits = Retriever(half_embedded, embedder=FakeEmbedder(), lazy_vectors=False).search("Molotov Ribbentrop pact", k=3)
    assert not half_embedded.has_vector("pact")
    pact = next(h for h in hits if h.passage_id == "pact")
    assert pact.bm25_rank == 1 and pact.dense_rank is None
    # "undated" also says "pact" and has a vector: in both lists, it outranks the BM25-only hit.
    assert hits[0].passage_id == "undated"


def test_fully_embedded_store_is_checked_once(monkeypatch, store):
    called = []
    monkeypatch.setattr(retrieval, "_ensure_vectors_function", lambda: lambda *a, **kw: called.append(a))
    r = Retriever(store, embedder=FakeEmbedder())
    for _ in range(3):
        r.search("pact")
    assert store.without_vectors_calls == 1 and called == []
    r.refresh()
    r.search("pact")
    assert store.without_vectors_calls == 2


def test_missing_importer_skips_lazy_vectors(monkeypatch, half_embedded):
    monkeypatch.setattr(retrieval, "_ensure_vectors_function", lambda: None)
    hits = Retriever(half_embedded, embedder=FakeEmbedder()).search("Molotov Ribbentrop pact", k=3)
    assert hits and not half_embedded.has_vector("pact")


def test_ensure_without_embedder_parameter_is_called_positionally(monkeypatch, half_embedded):
    seen = []
    monkeypatch.setattr(retrieval, "_ensure_vectors_function", lambda: (lambda store, ids: seen.append(ids)))
    Retriever(half_embedded, embedder=FakeEmbedder()).search("pact", k=3)
    assert seen and "pact" in seen[0]


def test_parallel_and_sequential_agree(store):
    queries = ["Yalta conference February", "Stalingrad surrender", "pact", "Turkey neutral war"]
    with Retriever(store, embedder=FakeEmbedder(), parallel=True) as par:
        a = par.search_many(queries, k=4)
        assert par._pool is not None
    assert par._pool is None  # closed on leaving the block
    b = Retriever(store, embedder=FakeEmbedder(), parallel=False).search_many(queries, k=4)
    assert [[(h.passage_id, h.score, h.bm25_rank, h.dense_rank) for h in r] for r in a] == \
        [[(h.passage_id, h.score, h.bm25_rank, h.dense_rank) for h in r] for r in b]


def test_bm25_runs_beside_the_embedding(store):
    import threading

    seen = {}

    class SlowEmbedder(FakeEmbedder):
        def embed(self, texts):
            seen["embed"] = threading.get_ident()
            return super().embed(texts)

    original = store.search_bm25

    def bm25(*args, **kwargs):
        seen["bm25"] = threading.get_ident()
        return original(*args, **kwargs)

    store.search_bm25 = bm25
    with Retriever(store, embedder=SlowEmbedder()) as r:
        r.search("Yalta")
    assert seen["bm25"] != seen["embed"] == threading.get_ident()


def test_embedding_error_propagates_after_bm25_finishes(store):
    class Broken:
        def embed(self, texts):
            raise RuntimeError("model broke")

    with Retriever(store, embedder=Broken()) as r:
        with pytest.raises(RuntimeError, match="model broke"):
            r.search("Yalta")
        assert r.search("Yalta", mode="bm25")[0].passage_id == "yalta"


def test_module_search_with_explicit_store(store):
    hits = retrieval.search("Stalingrad", store=store, k=2, embedder=FakeEmbedder())
    assert hits[0].passage_id == "stalingrad"


# --- the real thing -------------------------------------------------------------------------


@pytest.mark.slow
def test_real_store_and_embedder(tmp_path):
    store_module = pytest.importorskip("sourcecheck.store")
    if not hasattr(store_module, "open_store"):
        pytest.skip("the SQLite store is not there yet")
    chunking = pytest.importorskip("sourcecheck.chunking")
    importer = pytest.importorskip("sourcecheck.importer")
    from sourcecheck.types import SourceDocument

    facts = [
        ("Eastern Front", "The Eastern Front of the Second World War was fought between the Axis powers and the Soviet Union from June 1941 to May 1945."),
        ("Battle of Stalingrad", "The Battle of Stalingrad ended in February 1943 when the encircled German Sixth Army surrendered to the Red Army."),
        ("Molotov-Ribbentrop Pact", "The Molotov-Ribbentrop Pact was a non-aggression treaty between Nazi Germany and the Soviet Union signed in Moscow on 23 August 1939."),
        ("Winston Churchill", "Winston Churchill was Prime Minister of the United Kingdom from 1940 to 1945 and again from 1951 to 1955."),
        ("Yalta Conference", "The Yalta Conference of February 1945 brought together Roosevelt, Churchill and Stalin to plan the post-war order."),
        ("Photosynthesis", "Photosynthesis is the process by which plants use light energy to make sugars from carbon dioxide and water."),
        ("Jazz", "Jazz is a music genre that originated in the African-American communities of New Orleans in the late 19th century."),
        ("Mount Everest", "Mount Everest is Earth's highest mountain above sea level, located in the Himalayas."),
        ("Indian independence", "India became independent from British rule on 15 August 1947, and the subcontinent was partitioned."),
        ("Cuban Missile Crisis", "The Cuban Missile Crisis of October 1962 was a thirteen-day confrontation between the United States and the Soviet Union."),
        ("Apollo 11", "Apollo 11 landed the first humans on the Moon in July 1969."),
        ("Berlin Wall", "The Berlin Wall fell on 9 November 1989, when East Germany opened its border crossings."),
        ("Volcano", "A volcano is a rupture in the crust of a planet through which lava and gases escape."),
        ("Chess", "Chess is a board game for two players played on a board of sixty-four squares."),
        ("Turkey in the Second World War", "Turkey remained neutral for most of the Second World War and joined the Allies only in February 1945."),
        ("Tea", "Tea is an aromatic beverage prepared by pouring hot water over cured leaves of the tea plant."),
        ("Russian Revolution", "The Russian Revolution of 1917 overthrew the Tsar and brought the Bolsheviks under Lenin to power."),
        ("Treaty of Versailles", "The Treaty of Versailles, signed in June 1919, ended the state of war between Germany and the Allies."),
        ("Gandhi", "Mahatma Gandhi led India's non-violent campaign for independence from British rule."),
        ("Ottoman Empire", "The Ottoman Empire was dissolved after the First World War and the Republic of Turkey was proclaimed in 1923."),
    ]
    docs = [SourceDocument(id=f"test:{i}", title=t, text=x, kind="jsonl") for i, (t, x) in enumerate(facts)]
    store = store_module.open_store(tmp_path / "evidence.db")
    try:
        importer.import_documents(store, docs, embed=False)
        r = Retriever(store)
        assert len(store.passages_without_vectors(limit=100)) == len(facts)
        # Only "Moscow" links the query to its passage; the lazy path embeds the BM25 candidates,
        # so the dense side can then rank the pact passage first.
        hits = r.search("Which agreement between Berlin and Moscow came just before the war?", k=3)
        assert "Molotov-Ribbentrop Pact" in [h.title for h in hits]
        pact = next(h for h in hits if h.title == "Molotov-Ribbentrop Pact")
        assert pact.dense_rank is not None
        left = {pid for pid, _ in store.passages_without_vectors(limit=100)}
        assert pact.passage_id not in left
        assert left, "passages that were never BM25 candidates are not embedded"
        hybrid = r.search("When did the German army surrender at Stalingrad?", k=3)
        assert hybrid[0].title == "Battle of Stalingrad"
        assert hybrid[0].bm25_rank is not None and hybrid[0].dense_rank is not None
        importer.ensure_vectors(store, [p for p, _ in store.passages_without_vectors(limit=100)])
        dense = r.search("the first people to walk on the lunar surface", k=1, mode="dense")
        assert dense[0].title == "Apollo 11"
        window = Between(earliest=dt.date(1960, 1, 1), latest=dt.date(1969, 12, 31))
        dated = r.search("crisis between the superpowers", k=5, between=window)
        assert dated and {h.title for h in dated} <= {"Cuban Missile Crisis", "Apollo 11"}
        for h in hybrid:
            assert store.source_text(h.source_id)[h.start:h.end] == h.text
    finally:
        store.close()


# --- the benchmark's scoring and the history gold set --------------------------------------


def _bench_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "bench_retrieval.py"
    spec = importlib.util.spec_from_file_location("bench_retrieval", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_bench_scoring_by_hand():
    bench = _bench_module()
    ranked = [["a", "b", "c"], ["x", "y", "z"], ["q", "g1", "g2"]]
    gold = [{"c"}, {"nope"}, {"g1", "g2", "g3"}]
    assert bench.recall_at(ranked, gold, 1) == 0
    assert bench.recall_at(ranked, gold, 2) == pytest.approx(1 / 3)
    assert bench.recall_at(ranked, gold, 3) == pytest.approx(2 / 3)
    assert bench.gold_fraction_at(ranked, gold, 3) == pytest.approx((1 + 0 + 2 / 3) / 3)
    assert bench.mrr_at(ranked, gold, 3) == pytest.approx((1 / 3 + 0 + 1 / 2) / 3)
    assert bench.recall_at([], [], 5) == 0.0


def test_bench_fusion_is_the_retrievers(store):
    bench = _bench_module()
    store.bm25_override = [("pact", 9.0), ("yalta", 5.0), ("turkey", 1.0)]
    store.dense_override = [("turkey", 0.9), ("pact", 0.8), ("stalingrad", 0.1)]
    live = Retriever(store, embedder=FakeEmbedder(), lazy_vectors=False, rrf_k=10, candidates=2).search("q", k=3)
    offline = bench.fuse(["pact", "yalta", "turkey"], ["turkey", "pact", "stalingrad"], rrf_k=10, candidates=2, weights=(1.0, 1.0), k=3)
    assert [h.passage_id for h in live] == offline


def test_bench_split_rule_is_stable():
    bench = _bench_module()
    assert bench.split_of("1") == bench.split_of("1")
    splits = [bench.split_of(str(i)) for i in range(2000)]
    assert 0.25 < splits.count("tune") / len(splits) < 0.35


def test_history_gold_set_is_well_formed():
    import gzip
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    items = [json.loads(line) for line in open(root / "bench" / "data" / "history_retrieval.jsonl", encoding="utf-8") if line.strip()]
    assert len(items) >= 60
    assert len({i["id"] for i in items}) == len(items)
    assert {i["label"] for i in items} == {"SUPPORTED", "REFUTED"}
    for item in items:
        assert set(item) == {"id", "claim", "gold_title", "gold_quote", "label"}
        assert item["gold_quote"] and item["gold_quote"] not in item["claim"], "claims paraphrase, they do not quote"
    summaries = root.parent / "shared" / "data" / "wikipedia-vital-articles-summaries" / "summaries_en.json.gz"
    if not summaries.exists():
        pytest.skip("the starter corpus summaries are not here")
    corpus = json.load(gzip.open(summaries))
    for item in items:
        summary = corpus[item["gold_title"]]["extract"]
        assert item["gold_quote"] in summary, item["id"]
        assert item["claim"].rstrip(".") not in summary, item["id"]
