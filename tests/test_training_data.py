"""The NLI training data: held-out rules that must never drift, the FactCC-style perturbations,
and the resumable batch order of the training script."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import nli_datasets as ds  # noqa: E402
from history_pairs import change_number  # noqa: E402


def test_the_climate_fever_test_split_is_a_fixed_thirty_percent():
    ids = [str(i) for i in range(3000)]
    share = sum(ds.climate_fever_is_test(i) for i in ids) / len(ids)
    assert 0.27 < share < 0.33
    assert [ds.climate_fever_is_test(i) for i in ids[:50]] == [ds.climate_fever_is_test(i) for i in ids[:50]]
    # Pinned values: changing the rule would silently move claims between training and test.
    assert [i for i in ids[:20] if ds.climate_fever_is_test(i)] == [i for i in ids[:20] if int(__import__("hashlib").sha256(i.encode()).hexdigest(), 16) % 10 < 3]


def test_history_validation_articles_are_about_five_percent():
    share = sum(ds.history_article_is_validation(str(i)) for i in range(4000)) / 4000
    assert 0.03 < share < 0.07


@pytest.mark.parametrize(
    ("text", "changed_part"),
    [("in 1941", r"in \d{4}"), ("22 June", r"22 \w+"), ("2,000 tanks", r"[\d,]+ tanks"), ("three divisions", None)],
)
def test_change_number_gives_another_value(text, changed_part):
    rng = random.Random(3)
    out = change_number(text, rng)
    if changed_part is None:
        assert out is None  # number words are left to the entity swap
    else:
        import re

        assert out is not None and out != text and re.fullmatch(changed_part, out)


def test_snli_splits_are_disjoint_and_drop_unlabelled_pairs():
    try:
        train = {p.key.split("-")[-1] for p in ds.snli("dev-train")}
        val = {p.key.split("-")[-1] for p in ds.snli("dev-val")}
    except FileNotFoundError:
        pytest.skip("../shared/data is not here")
    assert train and val and not train & val
    assert all(p.label in (0, 1, 2) for p in ds.snli("dev-val"))


def test_batch_order_is_the_same_on_resume():
    pytest.importorskip("torch")
    import train_nli

    encoded = [([1] * (i % 37 + 3), [0] * (i % 37 + 3), i % 3) for i in range(1000)]
    first = train_nli.batches_for_epoch(encoded, 0)
    assert first == train_nli.batches_for_epoch(encoded, 0)
    assert first != train_nli.batches_for_epoch(encoded, 1)
    assert sorted(i for b in first for i in b) == list(range(1000))


def test_restates_needs_every_fact_of_the_hypothesis_and_a_different_wording():
    import paraphrase_pairs as pp

    hypothesis = "Subhas Chandra Bose was first called Netaji in Germany in early 1942 by Indian soldiers."
    premise = "The honorific Netaji was first applied to Bose in Germany in early 1942 by the Indian soldiers of the legion."
    # "Subhas Chandra" may be missing: it stands beside the surname the premise has.
    assert pp.restates(hypothesis, premise) > 0
    # A year the premise lacks is a fact it does not give.
    assert pp.restates(hypothesis.replace("1942", "1943"), premise) == 0
    # A copy teaches nothing new, and a premise about something else shares too few words.
    assert pp.restates(hypothesis, hypothesis) == 0
    assert pp.restates(hypothesis, "Bose met Netaji supporters in Germany in 1942 and gave a speech on the radio.") == 0


def test_full_dates_are_keyed_alike_in_both_orders():
    import paraphrase_pairs as pp

    assert pp.date_key("It was signed on 24 July 1923 in Lausanne.") == pp.date_key("On July 24, 1923, the treaty was signed.") == "24 July 1923"
    assert pp.date_key("It was signed in July 1923.") is None


@pytest.mark.slow
def test_restructuring_keeps_the_words_and_changes_the_order():
    import paraphrase_pairs as pp
    from sourcecheck.models import spacy_pipeline

    nlp = spacy_pipeline()
    moved = pp.front_to_back(nlp("In 1941, Germany invaded the Soviet Union."))
    assert moved == "Germany invaded the Soviet Union in 1941."
    assert pp.passive_to_active(nlp("The city was captured by the Red Army in May 1945.")) == "The Red Army captured the city in May 1945."
    # Not a passive with an agent: nothing to turn.
    assert pp.passive_to_active(nlp("The city was captured in May 1945.")) is None
    assert pp.expand_name(nlp("In May 1940 Churchill became prime minister."), "Winston Churchill") == "In May 1940 Winston Churchill became prime minister."
    assert pp.coarsen_date("It began on 30 November 1939.") == "It began in November 1939."
