"""Check-worthiness: how likely a sentence is a verifiable statement of fact worth checking.

    >>> from sourcecheck.checkworthiness import default_scorer
    >>> scorer = default_scorer()
    >>> p = scorer.score(["In August 1939 Germany and the Soviet Union signed a non-aggression pact."])
    >>> p[0] >= scorer.threshold
    True

Two logistic regressions over these features, applied with numpy only (no sklearn, no torch):

* hashed, sublinear-tf, idf-weighted, L2-normalised word 1-2-grams and character 3-5-grams
  (deterministic `zlib.crc32` hashing into 2^18 buckets; Python's salted `hash()` plays no part);
* 18 standardised cues: numbers, years, money and percentages, capitalised words, first-person
  and opinion words, modal and future verbs, question and exclamation marks, length, ...;
* the full model adds the MiniLM sentence vector (`models.embedder()`, 384-d).

The fast model (no MiniLM) scores every sentence; only the sentences it is unsure about are
embedded and rescored by the full model (a cascade: about 3x faster than embedding everything,
for a small loss of F1; see docs/checkworthiness.md). The weights, the idf vector, the cue
statistics, the cascade band, the decision threshold and every feature setting live in
`data/checkworthiness.npz`, written by `scripts/train_checkworthiness.py` (data, hyper-parameters
and scores: `docs/checkworthiness.md`). Feature extraction below is shared by the training
script and the scorer, so the two cannot drift apart.

Importing this module is light (no numpy, onnxruntime or spaCy); the weights load on first use.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import zlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .types import ModelInfo
from .weights_file import read_weights

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "checkworthiness.npz"
MODEL_NAME = "sourcecheck check-worthiness (hashed n-grams + cues + MiniLM, logistic regression cascade)"

# ---------------------------------------------------------------------------------------------
# Tokens and cues
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)?|\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s)?|[$%?!\u00A3\u20AC]")
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
_ORDINAL_OR_NUMBER = re.compile(r"^\d")

FIRST_SINGULAR = frozenset("i me my mine myself i'm i've i'd i'll".split())
FIRST_PLURAL = frozenset("we us our ours ourselves we're we've we'll we'd".split())
SECOND_PERSON = frozenset("you your yours yourself yourselves you're you've you'll you'd".split())
OPINION = frozenset(
    """think thought believe believes feel feels felt hope hopes wish opinion guess suppose
    seem seems seemed wonderful terrible horrible great greatest best worst awful amazing
    beautiful tremendous fantastic disgrace disgraceful shame ridiculous stupid wrong right
    should ought must deserve deserves love hate like fair unfair important""".split()
)
MODAL_FUTURE = frozenset("will would shall should could might may must can 'll gonna going".split())
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred hundreds thousand thousands million millions billion billions trillion trillions
    half percent per cent dozen dozens""".split()
)
MONEY_PERCENT = frozenset("$ % \u00a3 \u20ac percent dollars dollar billion million trillion".split())
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
REPORTING = frozenset("said says announced reported signed passed voted killed won lost died born".split())
NEGATION = frozenset("not no never nothing nobody n't don't didn't doesn't isn't wasn't won't can't".split())

CUE_NAMES = (
    "has_number",
    "n_numbers",
    "has_year",
    "money_percent",
    "n_capitalised",
    "first_singular",
    "first_plural",
    "second_person",
    "opinion",
    "modal_future",
    "question",
    "exclamation",
    "log_words",
    "short",
    "month",
    "reporting_past",
    "n_ed",
    "negation",
)


def tokens(sentence: str) -> list[str]:
    """The word, number and symbol tokens of a sentence, case kept."""
    return _TOKEN.findall(sentence)


def _shape(token: str) -> str:
    """Lower-cased token with digits folded: years become <year>, other numbers <num>."""
    if token[0].isdigit():
        return "<year>" if _YEAR.match(token) else "<num>"
    return token.lower().replace("\u2019", "'")


def cues(sentence: str, toks: list[str] | None = None) -> list[float]:
    """The hand-made cues of one sentence, in the order of `CUE_NAMES`."""
    toks = tokens(sentence) if toks is None else toks
    lower = [t.lower().replace("\u2019", "'") for t in toks]
    words = [t for t in toks if t[0].isalpha()]
    numbers = sum(1 for t in toks if _ORDINAL_OR_NUMBER.match(t)) + sum(1 for t in lower if t in NUMBER_WORDS)
    capitalised = sum(1 for i, t in enumerate(toks) if i > 0 and t[0].isupper() and t not in ("I", "I'm", "I've", "I'd", "I'll"))
    stripped = sentence.rstrip().rstrip("\"'\u201d)")
    n_words = len(words)
    return [
        1.0 if numbers else 0.0,
        math.log1p(numbers),
        1.0 if any(_YEAR.match(t) for t in toks) else 0.0,
        1.0 if any(t in MONEY_PERCENT for t in lower) else 0.0,
        math.log1p(capitalised),
        math.log1p(sum(1 for t in lower if t in FIRST_SINGULAR)),
        math.log1p(sum(1 for t in lower if t in FIRST_PLURAL)),
        math.log1p(sum(1 for t in lower if t in SECOND_PERSON)),
        math.log1p(sum(1 for t in lower if t in OPINION)),
        math.log1p(sum(1 for t in lower if t in MODAL_FUTURE or t.endswith("'ll"))),
        1.0 if stripped.endswith("?") else 0.0,
        1.0 if stripped.endswith("!") else 0.0,
        math.log1p(n_words),
        1.0 if n_words < 5 else 0.0,
        1.0 if any(t in MONTHS for t in lower[1:]) and numbers else 0.0,
        math.log1p(sum(1 for t in lower if t in REPORTING)),
        math.log1p(sum(1 for t in lower if len(t) > 4 and t.endswith("ed"))),
        math.log1p(sum(1 for t in lower if t in NEGATION or t.endswith("n't"))),
    ]


@functools.lru_cache(maxsize=1 << 18)
def _bucket(key: str, n_buckets: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % n_buckets


@functools.lru_cache(maxsize=1 << 17)
def _char_buckets(shape: str, char_lo: int, char_hi: int, n_buckets: int) -> tuple[int, ...]:
    """Buckets of the character n-grams of one token shape, padded as "<shape>" (cached: tokens repeat)."""
    padded = f"<{shape}>"
    return tuple(
        zlib.crc32(("c" + padded[i : i + n]).encode("utf-8")) % n_buckets
        for n in range(char_lo, char_hi + 1)
        for i in range(len(padded) - n + 1)
    )


def hashed_buckets(sentence: str, config: dict[str, int], toks: list[str] | None = None) -> list[int]:
    """The bucket of every word n-gram and character n-gram of the sentence (crc32 hashing)."""
    toks = tokens(sentence) if toks is None else toks
    n_buckets = int(config["n_buckets"])
    shapes = [_shape(t) for t in toks]
    out: list[int] = []
    for n in range(1, int(config.get("word_ngram", 2)) + 1):
        out.extend(_bucket("w" + " ".join(shapes[i : i + n]), n_buckets) for i in range(len(shapes) - n + 1))
    char_lo, char_hi = int(config.get("char_min", 0)), int(config.get("char_max", 0))
    if char_hi:
        for shape in shapes:
            out.extend(_char_buckets(shape, char_lo, char_hi, n_buckets))
    return out


def hashed_counts(sentence: str, config: dict[str, int], toks: list[str] | None = None) -> dict[int, int]:
    """Bucket -> count of the sentence's word n-grams and character n-grams."""
    return dict(Counter(hashed_buckets(sentence, config, toks)))


def _count_rows(sentences: list[str], config: dict[str, int]) -> tuple[list[list[int]], list[list[int]], list[list[float]]]:
    """Per sentence: hashed bucket indices (sorted), their counts, and the cues."""
    indices: list[list[int]] = []
    counts: list[list[int]] = []
    cue_rows: list[list[float]] = []
    for sentence in sentences:
        toks = tokens(sentence)
        counter = Counter(hashed_buckets(sentence, config, toks))
        keys = sorted(counter)
        indices.append(keys)
        counts.append([counter[k] for k in keys])
        cue_rows.append(cues(sentence, toks))
    return indices, counts, cue_rows


def sparse_rows(sentences: list[str], config: dict[str, int]) -> tuple[list[list[int]], list[list[float]], list[list[float]]]:
    """Per sentence: hashed bucket indices (sorted), their sublinear term frequencies 1 + log(count), and the cues."""
    indices, counts, cue_rows = _count_rows(sentences, config)
    return indices, [[1.0 + math.log(c) for c in row] for row in counts], cue_rows


# ---------------------------------------------------------------------------------------------
# The scorer
# ---------------------------------------------------------------------------------------------


class CheckworthinessScorer:
    """Scores sentences 0..1: the probability-like chance that each is a check-worthy factual claim.

    `threshold` is the decision threshold chosen by cross-validation on the training data: a
    sentence scoring at or above it is called check-worthy. Construction is cheap; the weights
    (and the sentence embedder, when a sentence needs it) load on the first `score` call.

    Scoring is a two-stage cascade for speed: a fast model (hashed n-grams and cues) scores every
    sentence, and only the sentences it is unsure about (fast log-odds within `cascade_width` of
    its own decision point) are embedded with MiniLM and rescored by the full model. A sentence's
    score depends on that sentence alone, never on the rest of the batch. `cascade=False` runs
    the full model on every sentence (slower; used to measure what the cascade costs).
    """

    def __init__(self, weights_path: str | Path = WEIGHTS_PATH, *, cascade: bool = True) -> None:
        self.weights_path = Path(weights_path)
        self.cascade = cascade
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None
        self.last_embedded = 0  # how many sentences the last score() call embedded

    # -- loading ------------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        if self._weights is not None:
            return self._weights
        with self._lock:
            if self._weights is None:
                self._weights = load_weights(self.weights_path)
        return self._weights

    @property
    def threshold(self) -> float:
        """Decision threshold (chosen by cross-validation on the training data)."""
        return float(self._load()["threshold"])

    def info(self) -> ModelInfo:
        from . import models

        weights = self._load()
        return ModelInfo(name=MODEL_NAME, version=weights["version"], sha256=models.file_sha256(str(self.weights_path)))

    # -- scoring ------------------------------------------------------------------------------

    def logits(self, sentences: list[str], *, embeddings: "np.ndarray | None" = None) -> "np.ndarray":
        """The log-odds of the sentences (float64 array), through the cascade unless it is off."""
        import numpy as np

        w = self._load()
        n = len(sentences)
        if n == 0:
            self.last_embedded = 0
            return np.zeros(0, dtype=np.float64)
        hashed, cue_matrix = features(sentences, w)
        fast = w["bias_fast"] + hashed @ w["w_hash_fast"] + cue_matrix @ w["w_cue_fast"]
        full_base = w["bias"] + hashed @ w["w_hash"] + cue_matrix @ w["w_cue"]
        if self.cascade:
            need = np.abs(fast - w["cascade_centre"]) < w["cascade_width"]
        else:
            need = np.ones(n, dtype=bool)
        out = fast.copy()
        rows = np.flatnonzero(need)
        self.last_embedded = int(rows.size)
        if rows.size:
            if embeddings is None:
                from . import models

                emb = models.embedder().embed([sentences[i] for i in rows])
            else:
                emb = np.asarray(embeddings)
                if emb.shape != (n, w["w_emb"].shape[0]):
                    raise ValueError(f"embeddings have shape {emb.shape}; expected ({n}, {w['w_emb'].shape[0]})")
                emb = emb[rows]
            out[rows] = full_base[rows] + np.asarray(emb, dtype=np.float64) @ w["w_emb"]
        return out

    def score(self, sentences: list[str], *, embeddings: "np.ndarray | None" = None) -> list[float]:
        """Probability-like 0..1 scores, one per sentence, in order.

        `embeddings` (optional): the sentences' `models.embedder().embed(...)` vectors when the
        caller already has them; otherwise the sentences that need them are embedded here.
        """
        if isinstance(sentences, str):
            raise TypeError("score() takes a list of sentences, not one string")
        return [float(p) for p in _sigmoid(self.logits(list(sentences), embeddings=embeddings))]

    def is_checkworthy(self, sentences: list[str]) -> list[bool]:
        """Whether each sentence scores at or above `threshold`."""
        threshold = self.threshold
        return [p >= threshold for p in self.score(sentences)]

    def score_transcript(self, sentences: list[str], speakers: list[str], *, embeddings: "np.ndarray | None" = None) -> list[float]:
        """Ranking scores for the consecutive sentences of one transcript (debate, speech, interview).

        A CheckThat!-style variant, not the product's scorer: the log-odds of the full model
        (every sentence embedded, no cascade) plus those of a second model trained on the
        CheckThat! 2019 training transcripts, re-ranked with context (the neighbouring sentences
        of the same speaker, the speaker's share of the transcript, the length of the speaker's
        turn, audience reactions marked by speaker "SYSTEM"). Its scores rank sentences within a
        transcript; they are not on the scale of `threshold`. See docs/checkworthiness.md.
        """
        import numpy as np

        if len(sentences) != len(speakers):
            raise ValueError(f"{len(sentences)} sentences but {len(speakers)} speakers")
        if not sentences:
            return []
        w = self._load()
        hashed, cue_matrix = features(list(sentences), w)
        if embeddings is None:
            from . import models

            embeddings = models.embedder().embed(list(sentences))
        emb = np.asarray(embeddings, dtype=np.float64)
        if emb.shape != (len(sentences), w["w_emb"].shape[0]):
            raise ValueError(f"embeddings have shape {emb.shape}; expected ({len(sentences)}, {w['w_emb'].shape[0]})")
        z_general = w["bias"] + hashed @ w["w_hash"] + cue_matrix @ w["w_cue"] + emb @ w["w_emb"]
        z_debate = w["bias_ct"] + hashed @ w["w_hash_ct"] + cue_matrix @ w["w_cue_ct"] + emb @ w["w_emb_ct"]
        ctx = (context_features(z_general + z_debate, speakers) - w["ctx_mean"]) / w["ctx_scale"]
        return [float(p) for p in _sigmoid(w["ctx_bias"] + ctx @ w["ctx_w"])]


def _sigmoid(z: "np.ndarray") -> "np.ndarray":
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def features(sentences: list[str], weights: dict[str, Any]) -> tuple[Any, "np.ndarray"]:
    """The hashed tf-idf rows (a `_SparseRows`) and standardised cues of the sentences."""
    import numpy as np

    indices, counts, cue_rows = _count_rows(sentences, weights["config"])
    idf = weights["idf"]
    rows = []
    for idx, cnt in zip(indices, counts):
        ix = np.asarray(idx, dtype=np.int64)
        x = (1.0 + np.log(np.asarray(cnt, dtype=np.float64))) * idf[ix]
        norm = math.sqrt(float(x @ x))
        rows.append((ix, x / norm if norm > 0.0 else x))
    cue_matrix = (np.asarray(cue_rows, dtype=np.float64).reshape(len(sentences), len(CUE_NAMES)) - weights["cue_mean"]) / weights["cue_scale"]
    return _SparseRows(rows), cue_matrix


class _SparseRows:
    """Rows of (indices, values); `rows @ dense_vector` gives one dot product per row."""

    def __init__(self, rows: list[tuple[Any, Any]]) -> None:
        self.rows = rows

    def __matmul__(self, vector: "np.ndarray") -> "np.ndarray":
        import numpy as np

        return np.array([float(val @ vector[ix]) for ix, val in self.rows], dtype=np.float64)


def context_features(logits: "np.ndarray", speakers: list[str]) -> "np.ndarray":
    """Per sentence of a transcript: own log-odds, same-speaker previous and next log-odds (-3 at a
    turn boundary), log share of the transcript's sentences spoken by the speaker, log length of
    the speaker's turn, and whether the line is an audience reaction (speaker SYSTEM)."""
    import numpy as np

    z = np.asarray(logits, dtype=np.float64)
    n = len(z)
    spk = list(speakers)
    out = np.zeros((n, 6), dtype=np.float64)
    if n == 0:
        return out
    counts: dict[str, int] = {}
    for s in spk:
        counts[s] = counts.get(s, 0) + 1
    turn = [0] * n
    start = 0
    for i in range(1, n + 1):
        if i == n or spk[i] != spk[i - 1]:
            for j in range(start, i):
                turn[j] = i - start
            start = i
    for i in range(n):
        out[i, 0] = z[i]
        out[i, 1] = z[i - 1] if i > 0 and spk[i - 1] == spk[i] else -3.0
        out[i, 2] = z[i + 1] if i + 1 < n and spk[i + 1] == spk[i] else -3.0
        out[i, 3] = math.log(counts[spk[i]] / n)
        out[i, 4] = math.log(turn[i])
        out[i, 5] = 1.0 if spk[i] == "SYSTEM" else 0.0
    return out


def load_weights(path: str | Path) -> dict[str, Any]:
    """Read a weights file written by scripts/train_checkworthiness.py."""
    import numpy as np

    raw, config, version = read_weights(path, what="check-worthiness", script="scripts/train_checkworthiness.py")
    weights: dict[str, Any] = {"config": config, "version": version}
    for key, value in raw.items():
        weights[key] = float(value) if value.ndim == 0 else value.astype(np.float64)
    return weights


@functools.cache
def default_scorer() -> CheckworthinessScorer:
    """The shared scorer with the packaged weights (loaded on first use)."""
    return CheckworthinessScorer()
