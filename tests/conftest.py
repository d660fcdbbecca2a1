"""Shared fixtures: the seed essays, and fakes that let claim tests run without the scorer model."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcecheck.types import ModelInfo

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
EXAMPLE = REPO / "examples" / "essay.md"


class WordCountScorer:
    """Deterministic stand-in for the check-worthiness model: longer claims score higher."""

    threshold = 0.5

    def score(self, sentences: list[str]) -> list[float]:
        return [min(1.0, len(s.split()) / 12) for s in sentences]

    def info(self) -> ModelInfo:
        return ModelInfo(name="word-count fake", version="0")


@pytest.fixture
def fake_scorer() -> WordCountScorer:
    return WordCountScorer()


def seed(name_prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{name_prefix}*.txt"))
    if not matches:
        pytest.skip(f"seed essays not found under {SEEDS}")
    return matches[0]
