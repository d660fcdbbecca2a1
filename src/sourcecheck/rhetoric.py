"""Rhetoric: the persuasion techniques that carry a text, marked apart from its facts.

    >>> from sourcecheck.rhetoric import detect_rhetoric
    >>> text = "These traitors want to destroy our great nation. New research shows they lied."
    >>> [(s.text, s.technique) for s in detect_rhetoric(text)]
    [('traitors want to destroy our great nation', 'Flag-Waving'), ('New research shows', 'Unsourced_Appeal_to_Evidence')]

Two small linear models trained on the SemEval-2020 Task 11 Propaganda Techniques Corpus
(`scripts/train_rhetoric.py`; data, split, scores and limits: docs/rhetoric.md), applied with
numpy only:

1. span identification (SI): a logistic regression scores every token (hashed features of the
   word, its neighbours and its sentence, `rhetoric_features.token_rows`); runs of tokens at or
   above the threshold chosen by cross-validation become spans;
2. technique classification (TC): a multinomial logistic regression names each span's technique
   among the 14 classes of the task (`rhetoric_features.span_row`).

A span's `score` is P(propaganda) x P(technique | span): the mean token probability of the span
times the classifier's probability of its technique. Beside the models, a rule flags unsourced
appeals to evidence ("new research shows", "it has emerged that": `rhetoric_cues`) as
`Unsourced_Appeal_to_Evidence` with score 1.0 and the lexicon entry in `cue`.

Importing this module is light (no numpy); the weights load on first use, once per process.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, ModelError
from .rhetoric_features import STOPWORDS, DocView
from .types import ModelInfo, RhetoricSpan
from .weights_file import read_weights

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "rhetoric.npz"
MODEL_NAME = "sourcecheck rhetoric (hashed n-grams + cues, logistic regression: PTC span identification and technique classification)"


def spans_from_token_scores(view: DocView, scores: "np.ndarray", *, threshold: float, gap: int) -> list[tuple[int, int, float]]:
    """Spans `(start, end, mean token score)` from per-token scores: runs of tokens scoring at least
    `threshold` within a sentence, with holes of up to `gap` tokens filled, and punctuation trimmed
    from both ends (the corpus annotators trimmed spaces, full stops, commas, colons and semicolons;
    a quote mark stays when the span holds its pair, and "!", "?" and closing quotes stay at the
    end), articles, prepositions and conjunctions trimmed from the end (34 of the 4,500 training
    fragments end on one), and a span of function words only ("was", "of the") dropped.
    """
    out: list[tuple[int, int, float]] = []
    text = view.text
    for first, last in view.sentence_tokens:
        inside = [float(scores[i]) >= threshold for i in range(first, last)]
        on = [i for i, flag in enumerate(inside) if flag]
        if not on:
            continue
        runs: list[list[int]] = [[on[0], on[0]]]
        for i in on[1:]:
            if i - runs[-1][1] - 1 <= gap:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for a, b in runs:
            lo, hi = first + a, first + b
            quoted = any(view.words[i] in ('"', "\u201d") for i in range(lo + 1, hi + 1))
            while lo <= hi and not _is_word(text, view.tokens[lo]) and not (quoted and view.words[lo] in ('"', "\u201c")):
                lo += 1
            while hi >= lo and (view.words[hi] in TRAILING or (not _is_word(text, view.tokens[hi]) and view.words[hi] not in ('"', "\u201d", ")", "!", "?"))):
                hi -= 1
            if lo > hi or all(view.words[i] in STOPWORDS or not view.words[i][0].isalpha() for i in range(lo, hi + 1)):
                continue  # nothing left, or nothing but function words ("was", "of the")
            mean = float(sum(float(scores[i]) for i in range(lo, hi + 1)) / (hi - lo + 1))
            out.append((view.tokens[lo][0], view.tokens[hi][1], mean))
    return out


# Words a fragment of the corpus almost never ends on ("... from the Baltic to the"): trimmed off.
TRAILING = frozenset("the a an of to and or nor in on at by for with from that as but which whose whom than into onto upon".split())


def _is_word(text: str, token: tuple[int, int]) -> bool:
    return text[token[0]].isalnum()


class RhetoricModel:
    """The packaged SI and TC weights; construction is cheap, the file loads on first use."""

    def __init__(self, weights_path: str | Path = WEIGHTS_PATH) -> None:
        self.weights_path = Path(weights_path)
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._weights is None:
            with self._lock:
                if self._weights is None:
                    self._weights = load_weights(self.weights_path)
        return self._weights

    def info(self) -> ModelInfo:
        from . import models

        return ModelInfo(name=MODEL_NAME, version=self._load()["version"], sha256=models.file_sha256(str(self.weights_path)))

    @property
    def techniques(self) -> tuple[str, ...]:
        return self._load()["techniques"]

    def token_scores(self, view: DocView) -> "np.ndarray":
        """P(the token lies in a propaganda fragment) for every token of the view."""
        from .rhetoric_features import token_rows

        w = self._load()
        rows = token_rows(view, w["config"]["si_buckets"])
        return _sigmoid(w["si_b"] + _dot_rows(rows, w["si_w"]))

    def technique_probabilities(self, view: DocView, spans: list[tuple[int, int]]) -> "np.ndarray":
        """One row per span: the probability of each technique (columns in `techniques` order)."""
        import numpy as np

        from .rhetoric_features import span_row

        w = self._load()
        if not spans:
            return np.zeros((0, len(w["techniques"])))
        rows = [span_row(view, s, e, w["config"]["tc_buckets"], char_ngrams=bool(w["config"]["tc_char_ngrams"])) for s, e in spans]
        z = w["tc_b"] + _dot_rows(rows, w["tc_w"])
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def detect(self, text: str) -> list[RhetoricSpan]:
        """The technique spans the models find in `text` and the unsourced appeals, in text order."""
        from .rhetoric_cues import TECHNIQUE, unsourced_appeals

        if not isinstance(text, str):
            raise InputError(f"detect_rhetoric takes a str; got {type(text).__name__}")
        if not text.strip():
            return []
        w = self._load()
        view = DocView(text)
        found: list[RhetoricSpan] = []
        if view.tokens:
            spans = spans_from_token_scores(view, self.token_scores(view), threshold=w["si_threshold"], gap=w["si_gap"])
            probs = self.technique_probabilities(view, [(s, e) for s, e, _ in spans])
            for (start, end, p_span), row in zip(spans, probs):
                best = int(row.argmax())
                score = round(min(1.0, max(0.0, p_span * float(row[best]))), 4)
                found.append(RhetoricSpan(start=start, end=end, text=text[start:end], technique=w["techniques"][best], score=score))
        for cue in unsourced_appeals(text):
            found.append(RhetoricSpan(start=cue.start, end=cue.end, text=cue.text, technique=TECHNIQUE, score=1.0, cue=cue.cue))
        return sorted(found, key=lambda s: (s.start, s.end, s.technique))


def _dot_rows(rows: list[tuple[list[int], list[float]]], weights: "np.ndarray") -> "np.ndarray":
    """Sparse rows times a weight vector (n) or matrix (n x k), without scipy."""
    import numpy as np

    lengths = np.fromiter((len(i) for i, _ in rows), dtype=np.int64, count=len(rows))
    idx = np.fromiter((c for i, _ in rows for c in i), dtype=np.int64, count=int(lengths.sum()))
    val = np.fromiter((v for _, vs in rows for v in vs), dtype=np.float64, count=int(lengths.sum()))
    products = weights[idx] * (val if weights.ndim == 1 else val[:, None])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    # Rows are never empty (each holds a bias feature), so every start indexes a product.
    return np.add.reduceat(products, starts, axis=0)


def _sigmoid(z: "np.ndarray") -> "np.ndarray":
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def load_weights(path: str | Path) -> dict[str, Any]:
    """Read a weights file written by scripts/train_rhetoric.py."""
    import numpy as np

    script = "scripts/train_rhetoric.py"
    raw, config, version = read_weights(path, what="rhetoric", script=script)
    try:
        return {
            "version": version,
            "config": config,
            "techniques": tuple(str(t) for t in raw["techniques"].tolist()),
            "tc_w": raw["tc_w"].astype(np.float32),
            "tc_b": raw["tc_b"].astype(np.float64),
            "si_w": raw["si_w"].astype(np.float64),
            "si_b": float(raw["si_b"]),
            "si_threshold": float(raw["si_threshold"]),
            "si_gap": int(raw["si_gap"]),
        }
    except (ValueError, KeyError) as exc:
        raise ModelError(f"rhetoric weights {path} are unreadable ({exc}); reinstall sourcecheck or run {script}") from exc


@functools.cache
def default_model() -> RhetoricModel:
    """The shared model with the packaged weights (loaded on first use)."""
    return RhetoricModel()


def detect_rhetoric(text: str) -> list[RhetoricSpan]:
    """Persuasion-technique spans in `text`: offsets, exact text, technique, score and cue.

    Every span satisfies `text[span.start:span.end] == span.text`. An empty or blank text gives
    an empty list; anything but a str raises `InputError`.

    >>> spans = detect_rhetoric("Experts say the war could have been avoided.")
    >>> [(s.text, s.technique, s.cue) for s in spans if s.cue]
    [('Experts say', 'Unsourced_Appeal_to_Evidence', 'experts say')]
    """
    return default_model().detect(text)
