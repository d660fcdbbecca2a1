"""Tests of the check-worthiness scorer, its features, its weights file and the benchmark's metrics.

Tests marked slow load the real MiniLM embedder (CI runs them too)."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from sourcecheck import checkworthiness as cw
from sourcecheck import models

REPO = Path(__file__).resolve().parents[1]

FACT = "In August 1939 Germany and the Soviet Union signed a non-aggression pact."
OPINION = "I think this is the most wonderful thing ever."
QUESTION = "What would have happened if the Allies had landed in 1943?"

HISTORY_FACTS = [
    FACT,
    "The Battle of Stalingrad ended with the surrender of the German Sixth Army in February 1943.",
    "Winston Churchill became Prime Minister of the United Kingdom on 10 May 1940.",
    "Japan attacked the US naval base at Pearl Harbor on 7 December 1941.",
    "Finland ceded about 11 percent of its territory to the Soviet Union after the Winter War.",
    "Hitler was appointed Chancellor of Germany in January 1933.",
]
NOT_CLAIMS = [
    OPINION,
    QUESTION,
    "We should never forget the lessons of history.",
    "Let us now turn to the second part of this essay.",
    "Thank you all for coming tonight.",
    "Who can say what Stalin really wanted?",
]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_checkworthiness", REPO / "bench" / "bench_checkworthiness.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# -- light import, features ---------------------------------------------------------------------


def test_import_loads_no_model_library():
    code = (
        "import sys, sourcecheck.checkworthiness as c; c.default_scorer();"
        "print(','.join(m for m in ('onnxruntime', 'spacy', 'torch', 'sklearn', 'tokenizers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_tokens_and_shapes():
    assert cw.tokens("In 1943, 3.5 million men didn't fight?") == ["In", "1943", "3.5", "million", "men", "didn't", "fight", "?"]
    assert cw._shape("1943") == "<year>" and cw._shape("1940s") == "<year>"
    assert cw._shape("3.5") == "<num>" and cw._shape("Stalin") == "stalin"


def test_hashing_is_crc32_and_stable():
    config = {"n_buckets": 2**18, "word_ngram": 2, "char_min": 3, "char_max": 5}
    counts = cw.hashed_counts("Stalin met Churchill.", config)
    assert counts == cw.hashed_counts("Stalin met Churchill.", config)
    assert zlib.crc32(b"wstalin") % 2**18 in counts
    assert zlib.crc32(b"wstalin met") % 2**18 in counts
    assert zlib.crc32(b"c<st") % 2**18 in counts
    assert cw.tokens("Stalin met Churchill.") == ["Stalin", "met", "Churchill"]
    # 3 unigrams + 2 bigrams; char 3-5-grams of "<stalin>" (6+5+4), "<met>" (3+2+1), "<churchill>" (9+8+7)
    assert sum(counts.values()) == 5 + 15 + 6 + 24


def test_cues_mark_numbers_years_questions_and_opinion():
    names = cw.CUE_NAMES
    fact = dict(zip(names, cw.cues("In 1943 the Red Army lost 40 percent of its tanks.")))
    question = dict(zip(names, cw.cues("Was it worth it?")))
    opinion = dict(zip(names, cw.cues("I think we should be proud.")))
    assert fact["has_number"] == 1.0 and fact["has_year"] == 1.0 and fact["money_percent"] == 1.0
    assert fact["n_capitalised"] > 0 and fact["question"] == 0.0
    assert question["question"] == 1.0 and question["has_number"] == 0.0
    assert opinion["first_singular"] > 0 and opinion["opinion"] > 0 and opinion["modal_future"] > 0
    assert len(cw.cues("")) == len(names)


# -- the weights file -----------------------------------------------------------------------------


def test_weights_file_is_small_and_complete():
    assert cw.WEIGHTS_PATH.is_file()
    assert cw.WEIGHTS_PATH.stat().st_size < 5_000_000
    w = cw.load_weights(cw.WEIGHTS_PATH)
    n = w["config"]["n_buckets"]
    assert w["w_hash"].shape == w["w_hash_fast"].shape == w["idf"].shape == (n,)
    assert w["w_emb"].shape == (models.EMBEDDING_DIM,)
    assert w["w_cue"].shape == w["w_cue_fast"].shape == w["cue_mean"].shape == (len(cw.CUE_NAMES),)
    assert w["ctx_w"].shape == (6,) and w["cascade_width"] > 0
    assert all(math.isfinite(float(v)) for v in (w["bias"], w["bias_fast"], w["threshold"], w["cascade_centre"]))


def test_threshold_and_info_without_loading_the_embedder():
    scorer = cw.CheckworthinessScorer()
    assert 0.0 < scorer.threshold < 1.0
    info = scorer.info()
    assert info.sha256 == models.file_sha256(str(cw.WEIGHTS_PATH))
    assert len(info.sha256) == 64 and info.name and info.version


def test_missing_weights_raise_a_model_error(tmp_path):
    from sourcecheck.errors import ModelError

    with pytest.raises(ModelError, match="missing"):
        cw.CheckworthinessScorer(tmp_path / "nope.npz").score(["x"])


def test_default_scorer_is_cached():
    assert cw.default_scorer() is cw.default_scorer()


def test_score_rejects_a_bare_string():
    with pytest.raises(TypeError):
        cw.default_scorer().score("Stalin met Churchill.")


def test_empty_input():
    assert cw.default_scorer().score([]) == []


# -- scoring with the real embedder -------------------------------------------------------------


@pytest.mark.slow
def test_scores_are_probabilities_and_deterministic():
    scorer = cw.default_scorer()
    sentences = HISTORY_FACTS + NOT_CLAIMS + ["", "!!!", "1943"]
    first = scorer.score(sentences)
    assert len(first) == len(sentences)
    assert all(0.0 <= s <= 1.0 for s in first)
    assert scorer.score(sentences) == first
    # a sentence's score does not depend on the rest of the batch
    alone = [scorer.score([s])[0] for s in sentences]
    assert alone == pytest.approx(first, abs=1e-6)


@pytest.mark.slow
def test_fact_outscores_opinion_and_question():
    scorer = cw.default_scorer()
    fact, opinion, question = scorer.score([FACT, OPINION, QUESTION])
    assert fact > opinion and fact > question
    assert fact >= scorer.threshold > max(opinion, question)


@pytest.mark.slow
def test_history_facts_rank_above_non_claims():
    scorer = cw.default_scorer()
    facts = scorer.score(HISTORY_FACTS)
    others = scorer.score(NOT_CLAIMS)
    assert min(facts) > max(others)
    assert all(f >= scorer.threshold for f in facts)
    assert all(o < scorer.threshold for o in others)


@pytest.mark.slow
def test_cascade_and_full_model_agree_on_calls():
    cascade = cw.CheckworthinessScorer()
    full = cw.CheckworthinessScorer(cascade=False)
    sentences = HISTORY_FACTS + NOT_CLAIMS
    calls = [s >= cascade.threshold for s in cascade.score(sentences)]
    assert calls == [s >= cascade.threshold for s in full.score(sentences)]
    assert full.last_embedded == len(sentences)
    assert cascade.last_embedded < len(sentences)


@pytest.mark.slow
def test_given_embeddings_give_the_same_scores():
    scorer = cw.CheckworthinessScorer(cascade=False)
    sentences = [FACT, OPINION, QUESTION]
    vectors = models.embedder().embed(sentences)
    assert scorer.score(sentences, embeddings=vectors) == pytest.approx(scorer.score(sentences), abs=1e-9)
    with pytest.raises(ValueError):
        scorer.score(sentences, embeddings=vectors[:2])


@pytest.mark.slow
def test_score_transcript():
    scorer = cw.default_scorer()
    sentences = ["Good evening and welcome.", "We lost 70,000 manufacturing jobs in 2016.", "Applause.", FACT]
    speakers = ["HOST", "CANDIDATE", "SYSTEM", "CANDIDATE"]
    scores = scorer.score_transcript(sentences, speakers)
    assert len(scores) == 4 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[1] > scores[0] and scores[1] > scores[2]
    with pytest.raises(ValueError):
        scorer.score_transcript(sentences, speakers[:2])


def test_context_features():
    feats = cw.context_features([1.0, 2.0, -1.0, 0.5], ["A", "A", "SYSTEM", "B"])
    assert feats.shape == (4, 6)
    assert list(feats[0, :3]) == [1.0, -3.0, 2.0]  # no previous line; next line is the same speaker
    assert list(feats[1, :3]) == [2.0, 1.0, -3.0]
    assert feats[2, 5] == 1.0 and feats[0, 5] == 0.0
    assert feats[0, 3] == pytest.approx(math.log(0.5)) and feats[0, 4] == pytest.approx(math.log(2))


# -- the benchmark's metrics ------------------------------------------------------------------


def test_bench_classification_and_auc():
    bench = load_bench()
    m = bench.classification([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0], 0.5)
    assert m == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "accuracy": 0.5}
    assert bench.roc_auc([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0]) == pytest.approx(0.75)
    assert bench.roc_auc([0.5, 0.5], [1, 0]) == pytest.approx(0.5)


def test_bench_ranking_matches_checkthat_definitions():
    bench = load_bench()
    # ranked labels: 0 1 0 1 0 ... -> AP = (1/2 + 2/4) / 2
    scores = [0.9, 0.8, 0.7, 0.6, 0.1]
    labels = [0, 1, 0, 1, 0]
    r = bench.ranking(scores, labels)
    assert r["ap"] == pytest.approx(0.5)
    assert r["r_precision"] == pytest.approx(0.5)
    assert r["p_at_10"] == pytest.approx(0.2)
    assert r["rr"] == pytest.approx(0.5)
    # ties keep line order
    assert bench.ranking([0.5, 0.5], [0, 1])["rr"] == pytest.approx(0.5)
    assert bench.mean_ranking([r, bench.ranking([1.0, 0.0], [1, 0])])["map"] == pytest.approx(0.75)
