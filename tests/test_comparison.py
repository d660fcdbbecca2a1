"""Several documents side by side (`sourcecheck compare`, `comparison`): topics, relations,
judgement, the timeline, the JSON shape and the command's errors.

Fast tests run on fakes (word-overlap NLI, hashed-word embedder, a fixed list of names); the
tests marked slow use the real models on two small documents written for them
(examples/winter-war-*.md) and assert only what the rules decide, not model scores.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sourcecheck.cli import main
from sourcecheck.comparison import Comparer, comparable, compare, values
from sourcecheck.dates import tag_times
from sourcecheck.errors import UsageError
from sourcecheck.evaluation import judgement
from sourcecheck.render_comparison import render_comparison
from sourcecheck.topics import commonness, group, pair_features, relatedness, topic_label
from sourcecheck.types import Claim, DocumentResult, Mention, Relation, Report, RunInfo

from verification_fakes import HashedEmbedder, OverlapNLI

REPO = Path(__file__).resolve().parents[1]
CHRONICLE = REPO / "examples" / "winter-war-chronicle.md"
ACCOUNT = REPO / "examples" / "winter-war-account.md"
NAMES = {
    "Winter War": ("event", "event/winter-war"), "Moscow Peace Treaty": ("event", "event/moscow-peace-treaty"),
    "Finland": ("place", "place/finland"), "Moscow": ("place", "place/moscow"), "Stalin": ("person", "person/joseph-stalin"),
    "Churchill": ("person", "person/winston-churchill"), "Soviet Union": ("place", "place/soviet-union"),
    "Molotov-Ribbentrop Pact": ("event", "event/molotov-ribbentrop-pact"),
}


def mentions_in(text: str, offset: int = 0) -> list[Mention]:
    found = []
    for name, (kind, entity_id) in NAMES.items():
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            found.append(Mention(start=offset + m.start(), end=offset + m.end(), text=name, kind=kind, entity_id=entity_id))
    return sorted(found, key=lambda m: m.start)


def document(doc_id: str, sentences: list[str], kinds: dict[int, str] | None = None) -> DocumentResult:
    """A DocumentResult whose claims are its sentences, with names and dates found in them."""
    text = " ".join(sentences)
    claims, at = [], 0
    for n, sentence in enumerate(sentences):
        start = text.index(sentence, at)
        at = start + len(sentence)
        times = [t.model_copy(update={"start": t.start + start, "end": t.end + start}) for t in tag_times(sentence)]
        claims.append(Claim(
            id=f"{doc_id}-{n + 1}", doc_id=doc_id, start=start, end=at, text=sentence, source_text=sentence,
            checkworthiness=0.9, checkworthy=True, kind=(kinds or {}).get(n, "fact"),
            mentions=mentions_in(sentence, start), times=times,
        ))
    return DocumentResult(id=doc_id, source=f"{doc_id}.md", title=None, published=None, published_basis=None, published_note=None,
                          text=text, words=len(text.split()), times=[t for c in claims for t in c.times],
                          mentions=[m for c in claims for m in c.mentions], claims=claims)


DOC_A = [
    "The Winter War began on 30 November 1939.",
    "The Moscow Peace Treaty was signed on 12 March 1940.",
    "Under the treaty Finland ceded 11 percent of its territory.",
    "The defence of Finland was heroic.",
    "Tea is an aromatic beverage prepared with hot water.",
]
DOC_B = [
    "The Moscow Peace Treaty was signed on 13 March 1940.",
    "Under the treaty Finland ceded 45 percent of its territory.",
    "The defence of Finland was a foolish and senseless gamble.",
    "The Winter War began on 30 November 1939 with a Soviet attack on Finland.",
    "Stalin met Churchill in Moscow in August 1942.",
]


@pytest.fixture
def comparer() -> Comparer:
    return Comparer(nli=OverlapNLI(), embedder=HashedEmbedder())


@pytest.fixture
def docs() -> list[DocumentResult]:
    return [document("aaaaaaaa", DOC_A), document("bbbbbbbb", DOC_B)]


def pair_of(comparison, a: str, b: str):
    for topic in comparison.topics:
        for pair in topic.pairs:
            if {pair.a, pair.b} == {a, b}:
                return topic, pair
    return None, None


def test_related_claims_share_a_topic_and_unrelated_ones_stay_out(comparer, docs):
    comparison = comparer.compare(docs)
    in_topics = {cid for t in comparison.topics for ids in t.claims.values() for cid in ids}
    for a, b in [("aaaaaaaa-1", "bbbbbbbb-4"), ("aaaaaaaa-2", "bbbbbbbb-1"), ("aaaaaaaa-3", "bbbbbbbb-2"), ("aaaaaaaa-4", "bbbbbbbb-3")]:
        topic, pair = pair_of(comparison, a, b)
        assert pair is not None, f"{a} and {b} should be compared"
        assert a in topic.claims["aaaaaaaa"] and b in topic.claims["bbbbbbbb"]
    assert "aaaaaaaa-5" not in in_topics  # tea
    assert "bbbbbbbb-5" not in in_topics  # a 1942 meeting in Moscow shares only a place name
    for topic in comparison.topics:
        assert len(topic.claims) >= 2, "a topic is kept only when two documents speak to it"


def test_relations_by_rule_nli_and_judgement(comparer, docs):
    comparison = comparer.compare(docs)
    _, dates = pair_of(comparison, "aaaaaaaa-2", "bbbbbbbb-1")
    assert dates.relation is Relation.CONTRADICT and "dates rule" in dates.reason
    assert "12 March 1940" in dates.reason and "13 March 1940" in dates.reason
    _, numbers = pair_of(comparison, "aaaaaaaa-3", "bbbbbbbb-2")
    assert numbers.relation is Relation.CONTRADICT and "numbers rule" in numbers.reason
    _, judged = pair_of(comparison, "aaaaaaaa-4", "bbbbbbbb-3")
    assert judged.relation is Relation.EVALUATION_CONTRAST
    assert "heroic" in judged.reason and "foolish" in judged.reason
    _, same = pair_of(comparison, "aaaaaaaa-1", "bbbbbbbb-4")
    assert same.relation is Relation.AGREE and "entails" in same.reason
    for topic in comparison.topics:
        for pair in topic.pairs:
            assert 0.0 <= pair.confidence <= 1.0
            assert pair.doc_a != pair.doc_b


def test_negation_contradicts_only_when_nli_agrees_both_ways(comparer):
    a = document("aaaaaaaa", ["The Molotov-Ribbentrop Pact was signed in Moscow."]).claims[0]
    b = document("bbbbbbbb", ["The Molotov-Ribbentrop Pact was not signed in Moscow."]).claims[0]
    [pair] = comparer.relate([(a, b)])
    assert pair.relation is Relation.CONTRADICT and "both ways" in pair.reason
    assert pair.checks["nli"]["reverse"]["contradiction"] >= 0.5


def test_same_topic_different_facts_complement_and_unrelated_is_none(comparer):
    a, c = document("aaaaaaaa", ["The Winter War began on 30 November 1939.", "Tea is an aromatic beverage prepared with hot water."]).claims
    b = document("bbbbbbbb", ["Finnish ski troops fought in the Winter War in deep snow and bitter cold."]).claims[0]
    complement, unrelated = comparer.relate([(a, b), (c, b)])
    assert complement is not None and complement.relation is Relation.COMPLEMENT
    assert unrelated is None


def test_opposite_judgements_are_not_a_factual_contradiction(comparer):
    a = document("aaaaaaaa", ["The Molotov-Ribbentrop Pact was a cynical betrayal."]).claims[0]
    b = document("bbbbbbbb", ["The Molotov-Ribbentrop Pact was not a cynical betrayal."]).claims[0]
    [pair] = comparer.relate([(a, b)])
    # The fake NLI calls this pair a contradiction; judgement decides first.
    assert pair.relation is Relation.EVALUATION_CONTRAST
    assert pair.checks["judgement"]["a"]["polarity"] == -1 and pair.checks["judgement"]["b"]["polarity"] == 1
    assert pair.checks["nli"] is None, "two judgements need no NLI"


def test_same_judgement_agrees_and_fact_beside_judgement_complements(comparer):
    shameful = document("aaaaaaaa", ["The Molotov-Ribbentrop Pact was a shameful and cynical deal."]).claims[0]
    disgraceful = document("bbbbbbbb", ["The Molotov-Ribbentrop Pact was a disgraceful deal."]).claims[0]
    signed = document("cccccccc", ["The Molotov-Ribbentrop Pact was signed in Moscow on 23 August 1939."]).claims[0]
    same, beside = comparer.relate([(shameful, disgraceful), (shameful, signed)])
    assert same.relation is Relation.AGREE and "same judgement" in same.reason
    assert beside.relation is Relation.COMPLEMENT


@pytest.mark.parametrize("text, polarity", [
    ("The pact was a cynical betrayal of the anti-fascist cause.", -1),
    ("The pact was a wise and necessary step.", 1),
    ("The pact was not a betrayal.", 1),
    ("The pact was signed in Moscow on 23 August 1939.", 0),
    ("The bombing of Dresden was a war crime.", -1),
    ("The war crimes trials opened at Nuremberg in November 1945.", 0),
    ("The defendants were charged with war crimes.", 0),
    ("The Red Army won a great victory at Stalingrad.", 0),
])
def test_judgement_reads_praise_and_blame_not_facts(text, polarity):
    assert judgement(text).polarity == polarity


def test_predicative_words_count_anywhere_in_an_opinion():
    assert judgement("Its failure to stop the war", opinion=False).polarity == 0
    assert judgement("Its failure to stop the war", opinion=True).polarity == -1


def test_dates_and_numbers_that_fit_or_differ():
    a = document("aaaaaaaa", ["Finland ceded 11 percent of its territory in March 1940."]).claims[0]
    b = document("bbbbbbbb", ["In 1940 Finland ceded some 11 percent of its land."]).claims[0]
    c = document("cccccccc", ["Finland ceded 45 percent of its territory in 1940."]).claims[0]
    d = document("dddddddd", ["Tea is an aromatic beverage."]).claims[0]
    assert values(a, b) == "agree"
    assert values(a, c) == "differ"
    assert values(a, d) is None


def test_average_linkage_does_not_chain():
    # a-b and b-c are close, a-c is not: single linkage would chain all three.
    sim = [[1, 0.9, 0.0], [0.9, 1, 0.9], [0.0, 0.9, 1]]
    assert group(sim, threshold=0.6) == [[0, 1], [2]]
    assert group([], threshold=0.5) == []


def test_an_entity_most_claims_name_weighs_little():
    sentences = [f"The Soviet Union did thing number {n} in Finland." for n in range(10)]
    claims = document("aaaaaaaa", sentences).claims
    common = commonness(claims)
    assert common["place/soviet-union"] < 0.1
    plain = pair_features(claims[0], claims[1], cosine=0.3)
    discounted = pair_features(claims[0], claims[1], cosine=0.3, common=common)
    assert discounted.entities < plain.entities
    assert relatedness(discounted) < relatedness(plain)
    assert commonness(claims[:3]) == {}, "too few claims to tell what is common"


def test_topic_label_names_the_shared_entity_and_main_years(docs):
    claims = [docs[0].claims[1], docs[1].claims[0]]
    label, entities = topic_label(claims)
    assert label == "Moscow Peace Treaty · 1940"
    assert entities[0] == "event/moscow-peace-treaty"


def test_per_claim_and_max_pairs_bound_the_nli_work(docs):
    nli = OverlapNLI()
    comparison = Comparer(nli=nli, embedder=HashedEmbedder(), per_claim=1, max_pairs=2).compare(docs)
    assert sum(len(t.pairs) for t in comparison.topics) <= 2
    # One pair per model call (a pair's answer must not depend on its batch), each pair asked at
    # most twice (the second time the other way round).
    assert all(len(call) == 1 for call in nli.calls)
    assert len(nli.calls) <= 4
    assert comparison.settings["judged_pairs"] <= 2 <= comparison.settings["related_pairs"]


def test_timeline_is_ordered_and_flags_the_date_conflict(comparer, docs):
    comparison = comparer.compare(docs)
    days = [(e.time.earliest, e.time.latest) for e in comparison.timeline]
    assert days == sorted(days)
    assert {e.doc_id for e in comparison.timeline} == {"aaaaaaaa", "bbbbbbbb"}
    [conflict] = comparison.date_conflicts
    assert {conflict.a, conflict.b} == {"aaaaaaaa-2", "bbbbbbbb-1"}
    assert {conflict.time_a.text, conflict.time_b.text} == {"12 March 1940", "13 March 1940"}
    flagged = {e.claim_id: e.conflicts_with for e in comparison.timeline if e.conflicts_with}
    assert flagged == {"aaaaaaaa-2": ["bbbbbbbb-1"], "bbbbbbbb-1": ["aaaaaaaa-2"]}
    texts = {d.id: d.text for d in docs}
    for entry in comparison.timeline:
        assert texts[entry.doc_id][entry.time.start : entry.time.end] == entry.time.text


def report_with(comparison, docs) -> Report:
    import datetime as dt

    run = RunInfo(sourcecheck_version="test", created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    return Report(documents=docs, run=run, comparison=comparison)


def test_json_shape_of_the_comparison(comparer, docs):
    report = report_with(comparer.compare(docs), docs)
    data = json.loads(report.model_dump_json())
    comparison = data["comparison"]
    assert comparison["documents"] == ["aaaaaaaa", "bbbbbbbb"]
    topic = comparison["topics"][0]
    assert set(topic) >= {"id", "label", "claims", "pairs", "entities", "earliest", "latest"}
    assert isinstance(topic["label"], str) and topic["label"]
    assert all(isinstance(ids, list) for ids in topic["claims"].values())
    pair = next(p for t in comparison["topics"] for p in t["pairs"])
    assert set(pair) >= {"a", "b", "relation", "confidence", "reason", "checks"}
    assert pair["relation"] in {"AGREE", "CONTRADICT", "COMPLEMENT", "EVALUATION_CONTRAST"}
    assert set(pair["checks"]) >= {"nli", "rules", "judgement", "topic"}
    entry = comparison["timeline"][0]
    assert set(entry) >= {"claim_id", "doc_id", "time", "topic"} and set(entry["time"]) >= {"earliest", "latest", "text"}
    assert set(comparison["date_conflicts"][0]) >= {"topic", "a", "b", "time_a", "time_b", "note"}
    assert Report.model_validate_json(report.model_dump_json()) == report
    defs = Report.model_json_schema()["$defs"]
    assert {"Comparison", "ComparisonTopic", "ComparisonPair", "TimelineEntry", "DateConflict", "Relation"} <= set(defs)


def test_a_report_without_comparison_still_validates(docs):
    report = report_with(None, docs)
    assert json.loads(report.model_dump_json())["comparison"] is None


def test_who_says_what_table(comparer, docs):
    text = render_comparison(report_with(comparer.compare(docs), docs))
    assert "who says what" in text and "A: aaaaaaaa.md" in text and "B: bbbbbbbb.md" in text
    assert "CONTRADICT" in text and "EVALUATION_CONTRAST" in text and "Date conflicts" in text
    assert "Under the treaty Finland ceded 45 percent" in text
    assert render_comparison(report_with(None, docs)) == ""


def test_fewer_than_two_documents_is_a_usage_error(comparer, docs):
    with pytest.raises(UsageError, match="at least two documents"):
        comparer.compare(docs[:1])
    with pytest.raises(UsageError, match="at least two documents"):
        compare(["In 1943 Churchill travelled to Turkey."])


def test_comparable_keeps_judgements_the_filter_dropped(docs):
    judged = docs[0].claims[3].model_copy(update={"checkworthy": False})
    plain = docs[0].claims[4].model_copy(update={"checkworthy": False})
    assert comparable(judged) and not comparable(plain)


def test_comparer_rejects_bad_settings():
    with pytest.raises(ValueError):
        Comparer(related=0)
    with pytest.raises(ValueError):
        Comparer(max_pairs=0)


# --- the command: errors are one line and exit 2, before any model loads ----------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_one_file_is_a_one_line_error(capsys, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("The Winter War began on 30 November 1939.", encoding="utf-8")
    code, out, err = run(capsys, "compare", str(path))
    assert code == 2 and out == ""
    assert err.startswith("error: compare needs at least two documents") and err.count("\n") == 1


def test_compare_missing_file_is_a_one_line_error(capsys, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("The Winter War began on 30 November 1939.", encoding="utf-8")
    code, out, err = run(capsys, "compare", str(path), str(tmp_path / "missing.md"))
    assert code == 2 and out == ""
    assert err.startswith("error:") and "missing.md" in err and err.count("\n") == 1


def test_compare_the_same_text_twice_is_refused(capsys, tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    for path in (a, b):
        path.write_text("The Winter War began on 30 November 1939.", encoding="utf-8")
    code, _, err = run(capsys, "compare", str(a), str(b))
    assert code == 2 and "same text" in err and err.count("\n") == 1


def test_compare_stdin_twice_is_refused(capsys):
    code, _, err = run(capsys, "compare", "-", "-")
    assert code == 2 and "standard input" in err


def test_compare_has_help_with_examples(capsys):
    code, out, _ = run(capsys, "compare", "--help")
    assert code == 0 and "sourcecheck compare" in out and "--json" in out


# --- real models ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_small_documents_with_the_real_models(capsys):
    code, out, err = run(capsys, "compare", str(CHRONICLE), str(ACCOUNT), "--json", "-s")
    assert code == 0, err
    report = Report.model_validate_json(out)
    comparison = report.comparison
    texts = {c.id: c.text for d in report.documents for c in d.claims}
    relations = {(texts[p.a], texts[p.b]): p for t in comparison.topics for p in t.pairs}

    def relation(fragment_a: str, fragment_b: str):
        found = [p for (ta, tb), p in relations.items() if (fragment_a in ta and fragment_b in tb) or (fragment_b in ta and fragment_a in tb)]
        assert found, f"no pair of {fragment_a!r} and {fragment_b!r} among {list(relations)}"
        return found[0]

    # Decided by the verifier's rules and the judgement lexicon, whatever the models' scores.
    assert relation("signed on 12 March 1940", "signed on 13 March 1940").relation is Relation.CONTRADICT
    assert relation("ceded 11 percent", "ceded 45 percent").relation is Relation.CONTRADICT
    assert relation("was heroic", "foolish and senseless gamble").relation is Relation.EVALUATION_CONTRAST
    assert relation("expelled the Soviet Union on 14 December", "expelled the Soviet Union in December").relation in {Relation.AGREE, Relation.COMPLEMENT}
    assert any({c.time_a.text, c.time_b.text} == {"12 March 1940", "13 March 1940"} for c in comparison.date_conflicts)
    for doc in report.documents:
        for claim in doc.claims:
            assert doc.text[claim.start : claim.end] == claim.source_text
    table = main(["compare", str(CHRONICLE), str(ACCOUNT), "-s"])
    out, _ = capsys.readouterr()
    assert table == 0 and "who says what" in out and "EVALUATION_CONTRAST" in out


@pytest.mark.slow
def test_check_of_two_documents_carries_the_comparison(tmp_path):
    from sourcecheck.checking import check
    from sourcecheck.importer import import_documents
    from sourcecheck.pipeline import ClaimExtractor
    from sourcecheck.retrieval import Retriever
    from sourcecheck.sqlite_store import SQLiteStore
    from sourcecheck.verdicts import Thresholds
    from sourcecheck.verifier import Verifier

    from conftest import WordCountScorer
    from verification_fakes import WINTER_WAR, find_names

    store = SQLiteStore(tmp_path / "store.db")
    try:
        import_documents(store, [WINTER_WAR], embedder=HashedEmbedder())
        verifier = Verifier(searcher=Retriever(store, embedder=HashedEmbedder(), parallel=False), nli=OverlapNLI(), find_mentions=find_names, k=4, thresholds=Thresholds())
        report = check([CHRONICLE.read_text(encoding="utf-8"), ACCOUNT.read_text(encoding="utf-8")], verifier=verifier,
                       extractor=ClaimExtractor(scorer=WordCountScorer()), comparer=Comparer(nli=OverlapNLI(), embedder=HashedEmbedder()))
    finally:
        store.close()
    assert report.comparison is not None and len(report.comparison.documents) == 2
    ids = {c.id for d in report.documents for c in d.claims}
    for topic in report.comparison.topics:
        for pair in topic.pairs:
            assert pair.a in ids and pair.b in ids
    assert "compare" in report.run.timings
    single = check(CHRONICLE.read_text(encoding="utf-8"), verifier=verifier, extractor=ClaimExtractor(scorer=WordCountScorer()))
    assert single.comparison is None


def test_compare_with_a_missing_store_is_a_one_line_error(capsys, tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("The Winter War began on 30 November 1939.", encoding="utf-8")
    b.write_text("The Winter War began in January 1940.", encoding="utf-8")
    code, out, err = run(capsys, "compare", str(a), str(b), "--store", str(tmp_path / "none.db"))
    assert code == 2 and out == ""
    assert err.startswith("error: no evidence store") and err.count("\n") == 1
