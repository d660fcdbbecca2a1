"""The shipped NLI model at run time (onnxruntime, no torch): shapes, probabilities, long input."""

from __future__ import annotations

import numpy as np
import pytest

from sourcecheck.models import NLI_MODEL_FILE, NLIModel, nli_model, titled_premise

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model():
    if not NLI_MODEL_FILE.is_file():
        pytest.fail(f"the NLI model {NLI_MODEL_FILE} is not in the package")
    return nli_model()


def test_probabilities_per_pair_in_order(model):
    pairs = [
        ("The Winter War began on 30 November 1939.", "The Winter War began on 30 November 1939."),
        ("The Winter War began on 30 November 1939.", "The Winter War began on 30 November 1949."),
        ("Tea is an aromatic beverage.", "The Winter War began on 30 November 1939."),
    ]
    probs = model.predict(pairs)
    assert probs.shape == (3, 3) and probs.dtype == np.float32
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert probs[0].argmax() == 0  # a copy is entailed
    # A changed year is not entailed. (The model often calls it neutral rather than a
    # contradiction: the date rule, not NLI, refutes such claims; see docs/nli.md.)
    assert probs[1].argmax() != 0 and probs[1][0] < 0.1
    # Scoring one pair alone gives the same answer as in a batch. Not the same digits: dynamic
    # int8 quantisation scales activations per batch (docs/nli.md, Limits).
    alone = model.predict(pairs[1:2])[0]
    assert alone.argmax() == probs[1].argmax() and np.allclose(alone, probs[1], atol=0.15)


def test_inputs_longer_than_the_model_takes_are_cut_not_refused(model):
    long_claim = "The Winter War began on 30 November 1939 " * 60
    long_premise = "Finland fought the Soviet Union. " * 200
    probs = model.predict([(long_premise, long_claim), (long_premise, "Finland fought.")])
    assert probs.shape == (2, 3) and np.isfinite(probs).all()


def test_no_pairs_no_work(model):
    assert model.predict([]).shape == (0, 3)


def test_the_model_file_is_the_one_the_card_names(model):
    from pathlib import Path

    card = (Path(__file__).resolve().parents[1] / "docs" / "nli.md").read_text(encoding="utf-8")
    assert model.info().sha256 in card


def test_titled_premise_puts_the_title_first_and_skips_an_empty_one():
    assert titled_premise("Battle_of_Midway", "It was Japan's first naval defeat.") == "Battle of Midway: It was Japan's first naval defeat."
    assert titled_premise("", "Bare window.") == "Bare window."
    assert titled_premise(None, "Bare window.") == "Bare window."


def test_the_nli_model_reads_titled_premises_only_when_its_card_says_so(model, tmp_path):
    (tmp_path / "nli-int8.onnx").symlink_to(model.model_path)
    assert NLIModel(tmp_path / "nli-int8.onnx").premise_titles is False
    (tmp_path / "nli.json").write_text('{"premise_titles": true}\n', encoding="utf-8")
    assert NLIModel(tmp_path / "nli-int8.onnx").premise_titles is True


def test_a_broken_model_card_is_one_clear_error(model, tmp_path):
    from sourcecheck.errors import ModelError

    (tmp_path / "nli-int8.onnx").symlink_to(model.model_path)
    (tmp_path / "nli.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="nli.json is not a JSON object"):
        NLIModel(tmp_path / "nli-int8.onnx")
