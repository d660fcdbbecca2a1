"""Rhetoric: technique spans on hand-written texts, the unsourced-appeal rule, the decoding of token
scores, the PTC hold-out rule and metrics, the shipped weights, and the wiring into reports.

The model tests use the shipped weights (numpy only, milliseconds); the pipeline tests parse with
spaCy and are marked slow."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sourcecheck import rhetoric
from sourcecheck.errors import InputError, ModelError
from sourcecheck.rhetoric import RhetoricModel, detect_rhetoric, spans_from_token_scores
from sourcecheck.rhetoric_cues import TECHNIQUE as UNSOURCED
from sourcecheck.rhetoric_cues import unsourced_appeals
from sourcecheck.rhetoric_features import TECHNIQUES, DocView, sentence_bounds
from sourcecheck.types import DocumentResult, RhetoricSpan

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import rhetoric_data as rd  # noqa: E402


def covering(spans: list[RhetoricSpan], text: str, word: str) -> list[str]:
    """Techniques of the spans that cover the first occurrence of `word`."""
    at = text.index(word)
    return [s.technique for s in spans if s.start <= at < s.end]


# --- the model on hand-written texts -------------------------------------------------------------


def test_name_calling_and_loaded_language_are_found_at_their_words():
    text = "The minister, a notorious liar and a coward, gave a shameful speech. The bill passed the Senate on Tuesday by a vote of 52 to 48."
    spans = detect_rhetoric(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert 0.0 < span.score <= 1.0 and span.technique in TECHNIQUES
    assert "Name_Calling,Labeling" in covering(spans, text, "liar")
    assert "Loaded_Language" in covering(spans, text, "shameful")
    # the plain report of a vote carries no rhetoric
    assert not [s for s in spans if s.end > text.index("The bill")]


def test_labels_slogans_and_repetition_are_told_apart():
    model = rhetoric.default_model()
    text = "The radical leftist mob wants to destroy everything. Build the wall! Make America great again!"
    view = DocView(text)
    spans = [(text.index(p), text.index(p) + len(p)) for p in ("radical leftist mob", "Make America great again!")]
    best = [model.techniques[int(row.argmax())] for row in model.technique_probabilities(view, spans)]
    assert best == ["Name_Calling,Labeling", "Slogans"]


def test_a_phrase_said_again_reads_as_repetition():
    model = rhetoric.default_model()
    repetition = model.techniques.index("Repetition")
    once = "They lied to us about the war. It was a disgrace to the nation."
    thrice = "They lied to us about the war. A disgrace, a total disgrace. It was a disgrace to the nation."
    p_once = model.technique_probabilities(DocView(once), [(once.rindex("a disgrace"), once.rindex("a disgrace") + 10)])[0]
    p_thrice = model.technique_probabilities(DocView(thrice), [(thrice.rindex("a disgrace"), thrice.rindex("a disgrace") + 10)])[0]
    assert p_thrice[repetition] > 2 * p_once[repetition]
    assert int(p_thrice.argmax()) == repetition


def test_empty_and_blank_texts_have_no_rhetoric():
    assert detect_rhetoric("") == []
    assert detect_rhetoric("  \n\t ") == []
    assert detect_rhetoric("... !!! ???") == []  # tokens, but no words


def test_anything_but_a_string_is_a_clear_error():
    with pytest.raises(InputError, match="takes a str; got bytes"):
        detect_rhetoric(b"Experts say so.")  # type: ignore[arg-type]


def test_missing_weights_name_the_file_and_the_fix(tmp_path):
    with pytest.raises(ModelError, match=r"rhetoric weights .*missing.*train_rhetoric\.py"):
        RhetoricModel(tmp_path / "nowhere.npz").detect("Some text.")


def test_detection_is_repeatable_and_the_model_names_its_weights_file():
    text = "Stalin was a bloodthirsty tyrant."
    assert detect_rhetoric(text) == detect_rhetoric(text)
    info = rhetoric.default_model().info()
    assert info.sha256 == hashlib.sha256(rhetoric.WEIGHTS_PATH.read_bytes()).hexdigest()


# --- unsourced appeals to evidence ---------------------------------------------------------------

UNSOURCED_TEXTS = [
    ("New research shows that the pact was defensive.", "New research shows"),
    ("Recently new evidence has emerged that shows this to have been the case.", "Recently new evidence has emerged"),
    ("It has emerged that the minister knew.", "It has emerged"),
    ("Experts say the war could have been avoided.", "Experts say"),
    ("According to recent studies, the famine was planned.", "According to recent studies"),
    ("Declassified documents reveal that Stalin was warned.", "Declassified documents reveal"),
]

SOURCED_TEXTS = [
    "New research by the University of Oxford shows that the pact was defensive.",
    "A 2019 study published in Nature shows that the pact was defensive.",
    "Experts at the Imperial War Museum say the war could have been avoided.",
    "According to a study by Harvard University, the famine was planned.",
    "Recent research has shown that the pact was defensive (Roberts, 2006).",
    "A Harvard study shows that the pact was defensive.",
    "Roberts published his book in 2006. The study shows that the pact was defensive.",
    "NASA scientists say the sun is dimming.",
    "According to a document released by Edward Snowden, he was on a target list.",
]

# Neither an appeal nor unsourced: a denial, an official's statement on an occasion, a proper noun.
NOT_APPEALS = [
    "There is no evidence that shows a plot.",
    "Investigators turned up not a shred of evidence to suggest any collusion.",
    "Officials said on Monday that the border was closed.",
    "He gave an interview to The Alex Jones Show about the evidence of the assault on The Alex Jones Show.",
]


@pytest.mark.parametrize(("text", "cue_text"), UNSOURCED_TEXTS)
def test_an_appeal_to_unnamed_evidence_is_flagged(text, cue_text):
    found = [s for s in detect_rhetoric(text) if s.technique == UNSOURCED]
    assert [s.text for s in found] == [cue_text]
    span = found[0]
    assert text[span.start : span.end] == cue_text and span.score == 1.0 and span.cue


@pytest.mark.parametrize("text", SOURCED_TEXTS + NOT_APPEALS)
def test_an_appeal_that_names_its_source_or_no_appeal_is_not_flagged(text):
    assert unsourced_appeals(text) == []


def test_a_source_named_in_another_sentence_does_not_cover_an_unsourced_appeal():
    text = "Roberts (2006) wrote about the pact. New evidence has emerged since."
    assert [c.text for c in unsourced_appeals(text)] == ["New evidence has emerged"]


def test_a_phrase_is_flagged_once_even_when_two_cues_match():
    # "According to recent studies" and "recent studies showing" overlap: the earlier, longer one stays
    text = "According to recent studies showing the opposite, it failed. Experts say new research shows more."
    assert [(c.text, c.cue) for c in unsourced_appeals(text)] == [
        ("According to recent studies", "according to studies"),
        ("Experts say", "experts say"),
        ("new research shows", "evidence shows"),
    ]


# --- decoding token scores into spans ------------------------------------------------------------


def test_runs_above_threshold_become_trimmed_spans():
    text = "He is a liar, a cheat and a fraud. Nothing else."
    view = DocView(text)
    words = [text[s:e] for s, e in view.tokens]
    high = {"liar", ",", "a", "cheat", "and"}
    scores = np.array([0.9 if w in high and i < 9 else 0.1 for i, w in enumerate(words)])
    spans = spans_from_token_scores(view, scores, threshold=0.5, gap=0)
    # "a liar, a cheat and" -> leading article kept, trailing conjunction trimmed
    assert [text[s:e] for s, e, _ in spans] == ["a liar, a cheat"]
    assert spans[0][2] == pytest.approx(0.9)


def test_gaps_are_filled_only_up_to_the_limit_and_never_across_sentences():
    text = "Lies upon lies and more lies. Lies again."
    view = DocView(text)
    words = [text[s:e] for s, e in view.tokens]
    scores = np.array([0.9 if w.lower() == "lies" else 0.0 for w in words])
    assert [text[s:e] for s, e, _ in spans_from_token_scores(view, scores, threshold=0.5, gap=0)] == ["Lies", "lies", "lies", "Lies"]
    assert [text[s:e] for s, e, _ in spans_from_token_scores(view, scores, threshold=0.5, gap=2)] == ["Lies upon lies and more lies", "Lies"]


def test_spans_of_function_words_only_are_dropped():
    text = "It was what it was."
    view = DocView(text)
    assert spans_from_token_scores(view, np.ones(len(view.tokens)), threshold=0.5, gap=0) == []


def test_sentences_split_at_line_breaks_and_final_punctuation():
    text = "First one. Second one!\nThird “quoted.” Fourth"
    assert [text[s:e] for s, e in sentence_bounds(text)] == ["First one.", "Second one!", "Third “quoted.”", "Fourth"]


# --- the held-out rule and the metrics -------------------------------------------------------------


def test_the_held_out_rule_is_a_fixed_fifth_of_article_ids():
    ids = [str(111111111 + 7 * i) for i in range(5000)]
    held = [i for i in ids if rd.is_test(i)]
    assert 0.18 < len(held) / len(ids) < 0.22
    assert held == [i for i in ids if int(hashlib.sha256(i.encode()).hexdigest(), 16) % 5 == 0]
    assert [rd.is_test(i) for i in ids[:100]] == [rd.is_test(i) for i in ids[:100]]


def test_training_never_reads_a_held_out_article():
    if not Path(rd.ptc_dir(), "train-articles").is_dir():
        pytest.skip(f"PTC corpus not found at {rd.ptc_dir()}")
    import train_rhetoric

    everything = {a.id for a in rd.load_ptc()}
    trained = {a.id for a in train_rhetoric.training_articles()}
    held = {i for i in everything if rd.is_test(i)}
    assert trained.isdisjoint(held) and trained | held == everything
    assert len(everything) == 371 and len(held) == 70


def test_si_metric_gives_partial_credit_for_overlap():
    # one predicted fragment half on a gold fragment: P = 5/10, R = 5/10
    assert rd.si_scores([([(0, 10)], [(5, 15)])])["f1"] == pytest.approx(0.5)
    # a second, wrong fragment halves precision; recall stays whole
    scores = rd.si_scores([([(0, 10), (20, 30)], [(0, 10)])])
    assert (scores["precision"], scores["recall"]) == (pytest.approx(0.5), pytest.approx(1.0))
    # overlapping predictions are merged before scoring, as by the task's scorer
    assert rd.merge_spans([(4, 10), (0, 6), (12, 14)]) == [(0, 10), (12, 14)]
    assert rd.si_scores([([], [(0, 5)])]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "predicted_spans": 0, "gold_spans": 1}


def test_tc_metric_gives_a_span_with_two_labels_its_two_best_guesses():
    ranked = [["Doubt", "Slogans", "Repetition"], ["Slogans", "Doubt", "Repetition"]]
    gold = [["Slogans", "Doubt"], ["Repetition"]]
    predicted = rd.tc_assign(ranked, gold)
    assert predicted == [["Doubt", "Slogans"], ["Slogans"]]
    scores = rd.tc_scores(predicted, gold, ["Doubt", "Slogans", "Repetition"])
    assert scores["micro_f1"] == pytest.approx(2 / 3)
    assert scores["per_technique"]["Repetition"]["recall"] == 0.0


# --- the shipped weights ------------------------------------------------------------------------


def test_shipped_weights_match_the_model_card():
    card = (REPO / "docs" / "rhetoric.md").read_text(encoding="utf-8")
    match = re.search(r"\| sha256 \| `([0-9a-f]{64})` \|", card)
    assert match, "docs/rhetoric.md names the sha256 of the weights"
    assert hashlib.sha256(rhetoric.WEIGHTS_PATH.read_bytes()).hexdigest() == match.group(1)
    assert rhetoric.WEIGHTS_PATH.stat().st_size < 5_000_000


def test_importing_rhetoric_loads_no_numpy():
    code = "import sys, sourcecheck.rhetoric, sourcecheck.rhetoric_cues; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- reports -----------------------------------------------------------------------------------


def test_the_terminal_report_counts_techniques_apart_from_the_claims():
    from sourcecheck.render import _rhetoric_lines

    text = "Experts say it. Experts say it again. The traitors lied."
    spans = [RhetoricSpan(start=m.start(), end=m.end(), text=m.group(), technique=UNSOURCED, score=1.0, cue="experts say") for m in re.finditer("Experts say", text)]
    spans.append(RhetoricSpan(start=text.index("traitors"), end=text.index("traitors") + 8, text="traitors", technique="Name_Calling,Labeling", score=0.4))
    doc = DocumentResult(id="d", source="<t>", title=None, published=None, published_basis=None, published_note=None, text=text, words=9, times=[], mentions=[], claims=[], rhetoric=spans)
    lines = _rhetoric_lines(doc)
    assert lines[0].endswith("3 spans")
    assert "Unsourced_Appeal_to_Evidence 2 · Name_Calling,Labeling 1" in lines[1]
    assert any('"traitors" (0.40)' in line for line in lines)
    bare = doc.model_copy(update={"rhetoric": []})
    assert _rhetoric_lines(bare) == []


@pytest.mark.slow
def test_claims_reports_carry_each_documents_rhetoric():
    from conftest import WordCountScorer

    from sourcecheck.pipeline import ClaimExtractor, extract_claims

    text = "Recent research has shown that Churchill met Hitler in 1943. These traitors lied to the nation."
    report = extract_claims(text, extractor=ClaimExtractor(scorer=WordCountScorer()))
    doc = report.documents[0]
    assert [s.text for s in doc.rhetoric if s.technique == UNSOURCED] == ["Recent research has shown"]
    assert all(doc.text[s.start : s.end] == s.text for s in doc.rhetoric)
    assert all(claim.verdict is None for claim in doc.claims)  # a layer apart: no verdicts touched
    dumped = report.model_dump(mode="json")["documents"][0]["rhetoric"]
    assert dumped and {"start", "end", "text", "technique", "score", "cue"} <= set(dumped[0])
    assert any(m.name.startswith("sourcecheck rhetoric") and m.sha256 for m in report.run.models)
    assert "rhetoric" in report.run.timings


@pytest.mark.slow
def test_an_injected_rhetoric_stage_replaces_the_model():
    from conftest import WordCountScorer

    from sourcecheck.pipeline import ClaimExtractor, extract_claims

    def first_word(text: str) -> list[RhetoricSpan]:
        end = text.index(" ")
        return [RhetoricSpan(start=0, end=end, text=text[:end], technique="Slogans", score=0.5)]

    report = extract_claims("Onward to victory in 1945.", extractor=ClaimExtractor(scorer=WordCountScorer(), rhetoric=first_word))
    assert [(s.text, s.technique) for s in report.documents[0].rhetoric] == [("Onward", "Slogans")]
    assert not any(m.name.startswith("sourcecheck rhetoric") for m in report.run.models)
