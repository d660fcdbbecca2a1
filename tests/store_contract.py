"""The behaviour every evidence store backend must have: inherit `StoreContract` and provide a
`store` fixture (a fresh, empty store) and a `reopen` fixture (a function that closes a store
and opens the same one again). Nothing here knows which backend it tests.

    class TestSQLiteStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path): ...

Named without a `Test` prefix so that pytest collects it only through its subclasses.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sourcecheck.chunking import chunk
from sourcecheck.store import Between, EvidenceStore, content_hash
from sourcecheck.types import Passage, SourceDocument

D = dt.date

STALINGRAD = (
    "The Battle of Stalingrad began in August 1942. The German Sixth Army reached the Volga. "
    "In November 1942 the Red Army encircled it in Operation Uranus. "
    "Paulus surrendered on 31 January 1943. The last German troops gave up on 2 February 1943."
)
PACT = (
    "The Molotov-Ribbentrop Pact was signed in Moscow on 23 August 1939. "
    "Its secret protocol divided Eastern Europe into spheres of influence. "
    "Germany broke the pact when it invaded the Soviet Union on 22 June 1941."
)
YALTA = "Roosevelt, Churchill and Stalin met at Yalta in February 1945. They planned the post-war order of Europe."
UNDATED = "Historians still argue about the causes of the war and about its secret diplomacy."


def source(sid: str, text: str, **meta: str) -> SourceDocument:
    defaults = {"title": sid.title(), "url": f"https://example.org/{sid}", "published": "2015-05",
                "licence": "CC BY-SA 3.0", "attribution": "Wikipedia contributors", "kind": "jsonl"}
    defaults.update(meta)
    return SourceDocument(id=sid, text=text, **defaults)


def passages_of(doc: SourceDocument) -> list[Passage]:
    return chunk(doc, sentences_per_passage=2, overlap=1)


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def axis(i: int, dim: int = 4) -> list[float]:
    v = [0.0] * dim
    v[i] = 1.0
    return v


class StoreContract:
    """Tests only; subclasses supply the `store` and `reopen` fixtures."""

    def add(self, store: EvidenceStore, doc: SourceDocument, vectors: np.ndarray | None = None):
        return store.add_source(doc, passages_of(doc), vectors)

    # -- adding, unchanged, replaced, removed -------------------------------------------------

    def test_add_then_same_source_again_changes_nothing(self, store):
        doc = source("stalingrad", STALINGRAD)
        first = self.add(store, doc)
        assert first.status == "added" and first.passages == len(passages_of(doc))
        before = store.stats()
        again = self.add(store, doc)
        assert again.status == "unchanged" and again.passages == first.passages
        after = store.stats()
        assert (after.sources, after.passages) == (before.sources, before.passages)

    def test_same_id_other_content_replaces(self, store):
        self.add(store, source("s", STALINGRAD))
        result = self.add(store, source("s", PACT))
        assert result.status == "replaced"
        assert store.source_text("s") == PACT
        assert store.stats().sources == 1
        assert store.stats().passages == len(passages_of(source("s", PACT)))
        assert store.search_bm25("Paulus") == []

    def test_metadata_change_replaces(self, store):
        self.add(store, source("s", YALTA, title="Yalta"))
        assert self.add(store, source("s", YALTA, title="Yalta Conference")).status == "replaced"
        assert [s.title for s in store.sources()] == ["Yalta Conference"]
        pid = passages_of(source("s", YALTA))[0].id
        assert store.passages([pid])[0].title == "Yalta Conference"

    def test_content_hash_is_stored_and_checked(self, store):
        doc = source("pact", PACT)
        self.add(store, doc)
        info = next(iter(store.sources()))
        assert info.content_hash == content_hash(doc)
        assert store.has_source("pact")
        assert store.has_source("pact", content_hash(doc))
        assert not store.has_source("pact", content_hash(source("pact", PACT + " More.")))
        assert not store.has_source("other")

    def test_remove_source(self, store):
        self.add(store, source("a", STALINGRAD), unit([axis(i % 4) for i in range(len(passages_of(source("a", STALINGRAD))))]))
        self.add(store, source("b", PACT))
        assert store.remove_source("a") is True
        assert store.remove_source("a") is False
        assert [s.id for s in store.sources()] == ["b"]
        assert store.search_bm25("Stalingrad") == []
        assert store.search_dense(unit([axis(0)])[0]) == []
        assert store.stats().passages_with_vectors == 0
        with pytest.raises(KeyError):
            store.source_text("a")

    def test_passages_must_be_exact_substrings(self, store):
        doc = source("a", YALTA)
        good = passages_of(doc)[0]
        bad = good.model_copy(update={"start": good.start + 1})
        with pytest.raises(ValueError):
            store.add_source(doc, [bad])
        assert store.stats().sources == 0

    def test_vectors_must_match_passages(self, store):
        doc = source("a", STALINGRAD)
        with pytest.raises(ValueError):
            store.add_source(doc, passages_of(doc), np.zeros((1, 4), np.float32))
        assert store.stats().sources == 0

    # -- sources and their text -----------------------------------------------------------

    def test_sources_listing_and_kind_filter(self, store):
        self.add(store, source("a", STALINGRAD))
        self.add(store, source("b", PACT, kind="file"))
        listed = {s.id: s for s in store.sources()}
        assert set(listed) == {"a", "b"}
        a = listed["a"]
        assert (a.title, a.url, a.published, a.licence, a.attribution, a.kind) == (
            "A", "https://example.org/a", "2015-05", "CC BY-SA 3.0", "Wikipedia contributors", "jsonl")
        assert a.chars == len(STALINGRAD) and a.passages == len(passages_of(source("a", STALINGRAD)))
        assert isinstance(a.added, dt.datetime)
        assert [s.id for s in store.sources(kind="file")] == ["b"]
        assert list(store.sources(kind="nothing")) == []
        assert store.stats().by_kind == {"file": 1, "jsonl": 1}

    def test_source_text_and_offsets_trace_back_exactly(self, store):
        doc = source("s", STALINGRAD)
        self.add(store, doc)
        text = store.source_text("s")
        assert text == STALINGRAD
        for p in store.passages([p.id for p in passages_of(doc)]):
            assert text[p.start:p.end] == p.text

    def test_passages_by_id_in_order_asked(self, store):
        doc = source("s", STALINGRAD)
        self.add(store, doc)
        ids = [p.id for p in passages_of(doc)]
        asked = list(reversed(ids)) + ["no-such-passage"]
        got = store.passages(asked)
        assert [p.id for p in got] == list(reversed(ids))
        first = got[-1]
        assert first == passages_of(doc)[0]  # every field comes back as it went in
        assert store.passages([]) == []

    def test_passages_carry_source_metadata_and_dates(self, store):
        doc = source("pact", PACT)
        self.add(store, doc)
        p = store.passages([passages_of(doc)[0].id])[0]
        assert (p.source_id, p.title, p.url, p.published, p.licence, p.attribution) == (
            "pact", "Pact", "https://example.org/pact", "2015-05", "CC BY-SA 3.0", "Wikipedia contributors")
        assert p.about_earliest == D(1939, 8, 23)

    # -- BM25 ---------------------------------------------------------------------------------

    def test_bm25_ranks_the_matching_passage_first(self, store):
        for sid, text in [("stalingrad", STALINGRAD), ("pact", PACT), ("yalta", YALTA), ("undated", UNDATED)]:
            self.add(store, source(sid, text))
        hits = store.search_bm25("Paulus surrendered at Stalingrad", k=5)
        assert hits and all(isinstance(pid, str) and isinstance(score, float) for pid, score in hits)
        top = store.passages([hits[0][0]])[0]
        assert top.source_id == "stalingrad" and "Paulus" in top.text
        scores = [score for _, score in hits]
        assert scores == sorted(scores, reverse=True)  # higher is better
        assert store.search_bm25("Yalta", k=1)[0][0] in {p.id for p in passages_of(source("yalta", YALTA))}

    def test_bm25_stems_and_folds_case_and_diacritics(self, store):
        self.add(store, source("inonu", "İsmet İnönü met Churchill at Adana in January 1943. The talks were secret."))
        assert store.search_bm25("inonu")
        assert store.search_bm25("ADANA")
        assert store.search_bm25("meeting talk")  # porter: talks -> talk

    def test_bm25_survives_any_query(self, store):
        self.add(store, source("pact", PACT))
        for query in ['"AND (', "NEAR(", "*", "pact OR", "-", "", "   ", 'secret" protocol', "col:pact", "^pact", "a AND NOT b"]:
            assert isinstance(store.search_bm25(query), list)
        assert store.search_bm25('"secret protocol') != []

    def test_bm25_k_limits(self, store):
        self.add(store, source("s", STALINGRAD))
        assert len(store.search_bm25("German", k=1)) == 1
        assert store.search_bm25("German", k=0) == []

    def test_bm25_between_filters_by_passage_dates(self, store):
        for sid, text in [("stalingrad", STALINGRAD), ("pact", PACT), ("yalta", YALTA), ("undated", UNDATED)]:
            self.add(store, source(sid, text))
        def sources_of(hits):
            return {p.source_id for p in store.passages([pid for pid, _ in hits])}
        everything = "Stalingrad pact Yalta war secret Moscow Germany"
        assert sources_of(store.search_bm25(everything, k=50)) == {"stalingrad", "pact", "yalta", "undated"}
        assert sources_of(store.search_bm25(everything, k=50, between=Between(earliest=D(1945, 1, 1)))) == {"yalta"}
        assert sources_of(store.search_bm25(everything, k=50, between=Between(latest=D(1939, 12, 31)))) == {"pact"}
        window = Between(earliest=D(1942, 1, 1), latest=D(1943, 12, 31))
        assert sources_of(store.search_bm25(everything, k=50, between=window)) == {"stalingrad"}
        # passages that name no date match no window
        assert "undated" not in sources_of(store.search_bm25("historians", k=50, between=Between(earliest=D(1900, 1, 1))))

    # -- dense ------------------------------------------------------------------------------

    def _dated_with_vectors(self, store):
        docs = [source("stalingrad", STALINGRAD), source("pact", PACT), source("yalta", YALTA)]
        owner = {}
        for i, doc in enumerate(docs):
            ps = passages_of(doc)
            self.add(store, doc, unit([axis(i) for _ in ps]))
            owner.update({p.id: doc.id for p in ps})
        return owner

    def test_dense_search_cosine_best_first(self, store):
        owner = self._dated_with_vectors(store)
        n_pact = len(passages_of(source("pact", PACT)))
        hits = store.search_dense(np.asarray(axis(1), np.float32), k=n_pact + 1)
        assert [owner[pid] for pid, _ in hits] == ["pact"] * n_pact + [hits and owner[hits[-1][0]]]
        assert owner[hits[-1][0]] != "pact" and hits[-1][1] == pytest.approx(0.0, abs=1e-4)
        assert hits[0][1] == pytest.approx(1.0, abs=1e-4)
        near = store.search_dense(unit([[0.2, 1.0, 0.0, 0.0]])[0], k=50)
        scores = [s for _, s in near]
        assert scores == sorted(scores, reverse=True)
        assert {owner[pid] for pid, _ in near} == {"stalingrad", "pact", "yalta"}
        assert len(store.search_dense(np.asarray(axis(0), np.float32), k=2)) == 2

    def test_dense_query_need_not_be_normalised(self, store):
        owner = self._dated_with_vectors(store)
        pid, score = store.search_dense(np.asarray([0, 0, 7.0, 0], np.float32), k=1)[0]
        assert owner[pid] == "yalta" and score == pytest.approx(1.0, abs=1e-4)

    def test_dense_between(self, store):
        owner = self._dated_with_vectors(store)
        hits = store.search_dense(np.asarray(axis(1), np.float32), k=50, between=Between(earliest=D(1945, 1, 1)))
        assert {owner[pid] for pid, _ in hits} == {"yalta"}
        assert store.search_dense(np.asarray(axis(1), np.float32), k=5, between=Between(latest=D(1800, 1, 1))) == []

    def test_dense_sees_only_passages_with_vectors(self, store):
        self.add(store, source("pact", PACT))
        assert store.search_dense(np.asarray(axis(0), np.float32)) == []

    # -- lazy vectors -----------------------------------------------------------------------

    def test_passages_without_vectors_and_set_vectors(self, store):
        a, b = source("a", STALINGRAD), source("b", PACT)
        self.add(store, a)
        self.add(store, b)
        missing = store.passages_without_vectors(limit=1000)
        assert {pid for pid, _ in missing} == {p.id for p in passages_of(a) + passages_of(b)}
        assert dict(missing)[passages_of(a)[0].id] == passages_of(a)[0].text
        assert len(store.passages_without_vectors(limit=2)) == 2
        only_b = store.passages_without_vectors(source_ids=["b"])
        assert {pid for pid, _ in only_b} == {p.id for p in passages_of(b)}
        ids = [pid for pid, _ in only_b]
        store.set_vectors(ids, unit([axis(3)] * len(ids)))
        assert {pid for pid, _ in store.passages_without_vectors()} == {p.id for p in passages_of(a)}
        assert store.passages_without_vectors(source_ids=["b"]) == []
        assert store.stats().passages_with_vectors == len(ids)
        assert store.search_dense(np.asarray(axis(3), np.float32), k=1)[0][0] in ids

    def test_texts_without_vectors(self, store):
        doc = source("a", STALINGRAD)
        self.add(store, doc)
        ids = [p.id for p in passages_of(doc)]
        store.set_vectors(ids[:1], unit([axis(0)]))
        assert store.texts_without_vectors(ids + ["nope"]) == [(p.id, p.text) for p in passages_of(doc)[1:]]

    def test_set_vectors_again_replaces_the_vector(self, store):
        doc = source("y", YALTA)
        self.add(store, doc)
        pid = passages_of(doc)[0].id
        store.set_vectors([pid], unit([axis(0)]))
        assert store.search_dense(np.asarray(axis(0), np.float32), k=1)[0][0] == pid
        store.set_vectors([pid], unit([axis(2)]))
        assert store.search_dense(np.asarray(axis(0), np.float32), k=1)[0][1] == pytest.approx(0.0, abs=1e-4)
        assert store.search_dense(np.asarray(axis(2), np.float32), k=1)[0] == (pid, pytest.approx(1.0, abs=1e-4))
        assert store.stats().passages_with_vectors == 1

    def test_set_vectors_skips_unknown_ids_and_checks_dimensions(self, store):
        doc = source("y", YALTA)
        self.add(store, doc)
        pid = passages_of(doc)[0].id
        store.set_vectors(["gone", pid], unit([axis(0), axis(1)]))
        assert store.stats().passages_with_vectors == 1
        with pytest.raises(ValueError):
            store.set_vectors([pid], np.ones((1, 7), np.float32))
        with pytest.raises(ValueError):
            store.set_vectors([pid, pid], np.ones((1, 4), np.float32))

    def test_unchanged_source_gets_missing_vectors(self, store):
        doc = source("s", STALINGRAD)
        self.add(store, doc)
        n = len(passages_of(doc))
        assert self.add(store, doc, unit([axis(0)] * n)).status == "unchanged"
        assert store.stats().passages_with_vectors == n

    def test_embedding_model_is_recorded_and_not_mixed(self, store):
        doc = source("y", YALTA)
        self.add(store, doc)
        store.set_embedding_model("model-a")
        store.set_vectors([passages_of(doc)[0].id], unit([axis(0)]))
        store.set_embedding_model("model-a")
        assert store.stats().embedding_model == "model-a"
        with pytest.raises(ValueError):
            store.set_embedding_model("model-b")

    # -- stats, unicode, size, persistence ----------------------------------------------------

    def test_stats(self, store):
        empty = store.stats()
        assert (empty.sources, empty.passages, empty.passages_with_vectors, empty.chars) == (0, 0, 0, 0)
        assert empty.embedding_model is None and empty.by_kind == {}
        self.add(store, source("a", STALINGRAD))
        self.add(store, source("b", PACT, kind="file"))
        st = store.stats()
        assert st.sources == 2
        assert st.passages == len(passages_of(source("a", STALINGRAD))) + len(passages_of(source("b", PACT)))
        assert st.chars == len(STALINGRAD) + len(PACT)
        assert st.bytes_on_disk > 0

    def test_unicode_text_offsets_and_search(self, store):
        text = ("Сталинград — город на Волге. 🙂 İsmet İnönü sprach mit Churchill über die Türkei. "
                "La conférence de Yalta eut lieu en février 1945. 東京は日本の首都です。")
        doc = source("uni", text)
        self.add(store, doc)
        assert store.source_text("uni") == text
        for p in store.passages([p.id for p in passages_of(doc)]):
            assert text[p.start:p.end] == p.text
        assert store.search_bm25("Сталинград")
        assert store.search_bm25("conference")  # diacritics removed
        assert store.search_bm25("Türkei")

    def test_large_batch(self, store):
        rng = np.random.default_rng(7)
        words = ["army", "treaty", "battle", "election", "river", "navy", "siege", "congress", "revolt", "empire"]
        for i in range(60):
            sentences = [f"Sentence {j} of source {i} tells of the {words[(i + j) % 10]} in {1900 + (i + j) % 90}." for j in range(25)]
            doc = source(f"bulk-{i:03d}", " ".join(sentences))
            ps = passages_of(doc)
            store.add_source(doc, ps, rng.standard_normal((len(ps), 4)).astype(np.float32))
        st = store.stats()
        assert st.sources == 60 and st.passages == st.passages_with_vectors >= 60 * 20
        assert len(store.search_bm25("siege", k=100)) == 100
        hits = store.search_dense(np.asarray([1, 0, 0, 0], np.float32), k=25)
        assert len(hits) == 25 and len({pid for pid, _ in hits}) == 25
        filtered = store.search_dense(np.asarray([1, 0, 0, 0], np.float32), k=25, between=Between(earliest=D(1980, 1, 1)))
        assert filtered and all(p.about_latest >= D(1980, 1, 1) for p in store.passages([pid for pid, _ in filtered]))

    def test_reopen_keeps_everything(self, store, reopen):
        owner = self._dated_with_vectors(store)
        before = store.stats()
        store = reopen(store)
        after = store.stats()
        assert (after.sources, after.passages, after.passages_with_vectors) == (before.sources, before.passages, before.passages_with_vectors)
        assert store.source_text("pact") == PACT
        assert owner[store.search_dense(np.asarray(axis(2), np.float32), k=1)[0][0]] == "yalta"
        assert store.search_bm25("Paulus")
