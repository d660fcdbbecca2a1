"""Train the check-worthiness weights, `src/sourcecheck/data/checkworthiness.npz`, from ../shared/data.

    .venv/bin/python scripts/train_checkworthiness.py              # writes the weights, prints CV scores
    .venv/bin/python scripts/train_checkworthiness.py --cache .train/cw-embeddings.npz   # reuse embeddings

Data (research-only; read in place, never copied into the repository):
  * ClaimBuster `two_class_train.json.gz` (7,976 debate sentences, 1,994 check-worthy): the ONLY
    data the scorer's weights and its threshold are fitted on. `two_class_test.json` and the
    k-fold file are not read.
  * CheckThat! 2019 task 1 `training/*.tsv` (19 transcripts): only for the CheckThat-style
    variant `score_transcript` (a second logistic regression and a six-weight context
    re-ranker); `score`, `threshold` and the product never use it. `test_annotated/` is not read.

Steps (all deterministic; liblinear with random_state=0, fixed folds):
  1. Features of each sentence (shared with the scorer, `sourcecheck.checkworthiness`): crc32-
     hashed word 1-2-grams and char 3-5-grams (2^18 buckets), sublinear tf x idf (idf from the
     ClaimBuster train sentences), L2-normalised; 18 standardised cues (x 0.3); the MiniLM vector.
  2. Two logistic regressions: the full model (all features, C = 1) and the fast model (no
     MiniLM vector, C = 3). 5-fold stratified cross-validation (seed 0) on ClaimBuster train gives
     out-of-fold log-odds for both.
  3. The cascade: the fast model's own F1-best point on the out-of-fold scores is its centre;
     sentences whose fast log-odds lie within CASCADE_WIDTH (0.5) of it get the full model
     (the width keeps scoring well above 300 sentences/s on Wikipedia history prose on 2 cores). The
     decision threshold is the F1-best threshold of the cascade's out-of-fold scores.
  4. Both models refitted on all of ClaimBuster train.
  5. `score_transcript` (CheckThat variant): a logistic regression (C = 1, same features) on all
     19 CheckThat training transcripts; its log-odds plus the full model's, with five context
     features (`context_features`), feed a re-ranker (logistic regression, C = 0.1). The
     re-ranker is fitted on scores the models did not fit (ClaimBuster model without the
     sentences that also occur in the transcripts, CheckThat model leave-one-transcript-out);
     the leave-one-transcript-out MAP is printed.
Hyper-parameters were picked by cross-validation on the training data only; what was tried is
in docs/checkworthiness.md. Takes about 15 minutes on 2 CPU cores (embedding ~5, the
19 leave-one-out fits of step 5 most of the rest).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CLAIMBUSTER_TRAIN = DATA / "claimbuster" / "two_class_train.json.gz"
CHECKTHAT_TRAIN = DATA / "checkthat2019-task1-checkworthiness" / "training"
OUT = REPO / "src" / "sourcecheck" / "data" / "checkworthiness.npz"

sys.path.insert(0, str(REPO / "src"))
from sourcecheck import checkworthiness as cw  # noqa: E402
from sourcecheck import models  # noqa: E402

VERSION = "1.0.0"
CONFIG = {"n_buckets": 2**18, "word_ngram": 2, "char_min": 3, "char_max": 5, "use_embedding": 1}
C_MAIN = 1.0
C_FAST = 3.0
CUE_SCALE = 0.3
EMB_SCALE = 1.0
CASCADE_WIDTH = 0.5
C_CONTEXT = 0.1
C_CHECKTHAT = 1.0
FOLDS = 5
SEED = 0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def load_claimbuster() -> tuple[list[str], np.ndarray]:
    rows = json.loads(gzip.open(CLAIMBUSTER_TRAIN, "rt", encoding="utf-8").read())
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def load_checkthat() -> list[dict]:
    docs = []
    for path in sorted(CHECKTHAT_TRAIN.glob("*.tsv")):
        rows = [line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8")]
        docs.append({
            "name": path.name,
            "speaker": [r[1] for r in rows],
            "text": [r[2] for r in rows],
            "y": np.array([int(r[-1]) for r in rows]),
        })
    return docs


def embed_all(texts: list[str], cache: Path | None) -> dict[str, np.ndarray]:
    """MiniLM vectors of the unique texts (sorted, one call: deterministic), optionally cached."""
    unique = sorted(set(texts))
    emb = models.embedder()
    model_sha = emb.info().sha256
    key = hashlib.sha256(("\n".join(unique) + str(model_sha)).encode()).hexdigest()
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            if str(data["key"]) == key:
                return dict(zip(unique, data["emb"]))
    start = time.perf_counter()
    vectors = emb.embed(unique)
    print(f"embedded {len(unique)} sentences in {time.perf_counter() - start:.0f} s", flush=True)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, key=np.array(key), emb=vectors)
    return dict(zip(unique, vectors))


def hashed_matrix(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    indices, values, cue_rows = cw.sparse_rows(texts, CONFIG)
    indptr = np.cumsum([0] + [len(i) for i in indices])
    data = np.concatenate([np.asarray(v, dtype=np.float64) for v in values])
    cols = np.concatenate([np.asarray(i, dtype=np.int64) for i in indices])
    counts = sp.csr_matrix((data, cols, indptr), shape=(len(texts), CONFIG["n_buckets"]))
    return counts, np.asarray(cue_rows, dtype=np.float64)


def tfidf(tf: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    x = tf.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ x).tocsr()


class Featuriser:
    """idf and cue standardisation fitted on ClaimBuster train; builds the design matrices."""

    def __init__(self, texts: list[str]) -> None:
        tf, cues = hashed_matrix(texts)
        df = np.bincount(tf.indices, minlength=CONFIG["n_buckets"])
        self.idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
        self.cue_mean = cues.mean(axis=0)
        self.cue_scale = cues.std(axis=0) + 1e-9

    def matrices(self, texts: list[str], vectors: dict[str, np.ndarray]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        tf, cues = hashed_matrix(texts)
        cue_block = sp.csr_matrix((cues - self.cue_mean) / self.cue_scale * CUE_SCALE)
        fast = sp.hstack([tfidf(tf, self.idf), cue_block]).tocsr()
        emb = sp.csr_matrix(np.stack([vectors[t] for t in texts]).astype(np.float64) * EMB_SCALE)
        return fast, sp.hstack([fast, emb]).tocsr()


def fit(x: sp.csr_matrix, y: np.ndarray, c: float = C_MAIN) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", max_iter=5000, tol=1e-6, random_state=SEED).fit(x, y)


def f1_best(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Best F1 of class 1 over all thresholds and the threshold (midpoint between neighbours)."""
    order = np.argsort(-scores, kind="stable")
    s, yy = scores[order], y[order]
    tp = np.cumsum(yy)
    k = np.arange(1, len(yy) + 1)
    f1 = 2 * tp / (k + yy.sum())
    i = int(f1.argmax())
    threshold = (s[i] + s[i + 1]) / 2 if i + 1 < len(s) else s[i]
    return float(f1[i]), float(threshold)


def prf(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = int(((pred == 1) & (y == 1)).sum())
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(y.sum()), 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "accuracy": float((pred == y).mean())}


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    yy = y[order]
    if yy.sum() == 0:
        return 0.0
    precision = np.cumsum(yy) / np.arange(1, len(yy) + 1)
    return float((precision * yy).sum() / yy.sum())


def cascade(fast: np.ndarray, full: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    need = np.abs(fast - centre) < CASCADE_WIDTH
    return np.where(need, full, fast), need


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed, but byte-for-byte reproducible (fixed member order and timestamps)."""
    import io
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file (e.g. .train/cw-embeddings.npz)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    texts, y = load_claimbuster()
    docs = load_checkthat()
    print(f"ClaimBuster train: {len(texts)} sentences, {int(y.sum())} check-worthy; CheckThat 2019 training: {len(docs)} transcripts", flush=True)
    vectors = embed_all(texts + [t for d in docs for t in d["text"]], args.cache)

    feat = Featuriser(texts)
    x_fast, x_full = feat.matrices(texts, vectors)

    # 2-3: cross-validation on ClaimBuster train -> cascade centre and decision threshold
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, y))
    oof_fast = np.zeros(len(y))
    oof_full = np.zeros(len(y))
    for train, test in folds:
        oof_fast[test] = fit(x_fast[train], y[train], C_FAST).decision_function(x_fast[test])
        oof_full[test] = fit(x_full[train], y[train]).decision_function(x_full[test])
    _, fast_threshold = f1_best(sigmoid(oof_fast), y)
    centre = float(np.log(fast_threshold / (1 - fast_threshold)))
    oof, need = cascade(oof_fast, oof_full, centre)
    best_f1, threshold = f1_best(sigmoid(oof), y)
    cv = {
        "full_model": {"f1_best": f1_best(sigmoid(oof_full), y)[0], "auc": roc_auc_score(y, oof_full)},
        "fast_model": {"f1_best": f1_best(sigmoid(oof_fast), y)[0], "auc": roc_auc_score(y, oof_fast)},
        "cascade": {**prf((sigmoid(oof) >= threshold).astype(int), y), "auc": roc_auc_score(y, oof), "embedded_fraction": float(need.mean())},
        "threshold": threshold,
        "cascade_centre": centre,
    }

    # 4: final models on all of ClaimBuster train
    m_fast = fit(x_fast, y, C_FAST)
    m_full = fit(x_full, y)

    # 5: the CheckThat variant of score_transcript: full model + a model of the CheckThat training
    #    transcripts, re-ranked with context. The re-ranker learns from scores the models did not
    #    fit: ClaimBuster-model scores from a model without the sentences that also occur in the
    #    transcripts, CheckThat-model scores leave-one-transcript-out.
    in_checkthat = {normalise(t) for d in docs for t in d["text"]}
    keep = np.array([normalise(t) not in in_checkthat for t in texts])
    a_full = fit(x_full[keep], y[keep])
    doc_x = [feat.matrices(d["text"], vectors)[1] for d in docs]
    doc_y = [d["y"] for d in docs]
    m_ct = fit(sp.vstack(doc_x).tocsr(), np.concatenate(doc_y), C_CHECKTHAT)
    ctx, z_general, z_sum = [], [], []
    for k, d in enumerate(docs):
        others = [j for j in range(len(docs)) if j != k]
        held_out = fit(sp.vstack([doc_x[j] for j in others]).tocsr(), np.concatenate([doc_y[j] for j in others]), C_CHECKTHAT)
        z_general.append(a_full.decision_function(doc_x[k]))
        z_sum.append(z_general[-1] + held_out.decision_function(doc_x[k]))
        ctx.append(cw.context_features(z_sum[-1], d["speaker"]))
        print(f"  CheckThat leave-one-out {k + 1}/{len(docs)}", flush=True)
    lodo = []
    for k in range(len(docs)):
        train_x = np.vstack([c for j, c in enumerate(ctx) if j != k])
        train_y = np.concatenate([l for j, l in enumerate(doc_y) if j != k])
        mu, sd = train_x.mean(axis=0), train_x.std(axis=0) + 1e-9
        reranker = LogisticRegression(C=C_CONTEXT, max_iter=5000, tol=1e-8).fit((train_x - mu) / sd, train_y)
        lodo.append(average_precision(reranker.decision_function((ctx[k] - mu) / sd), doc_y[k]))
    all_x, all_y = np.vstack(ctx), np.concatenate(doc_y)
    ctx_mean, ctx_scale = all_x.mean(axis=0), all_x.std(axis=0) + 1e-9
    reranker = LogisticRegression(C=C_CONTEXT, max_iter=5000, tol=1e-8).fit((all_x - ctx_mean) / ctx_scale, all_y)
    cv["checkthat_training_leave_one_transcript_out_map"] = {
        "claimbuster_model": float(np.mean([average_precision(z, l) for z, l in zip(z_general, doc_y)])),
        "claimbuster_plus_checkthat_models": float(np.mean([average_precision(z, l) for z, l in zip(z_sum, doc_y)])),
        "score_transcript (plus context)": float(np.mean(lodo)),
    }

    n_hash = CONFIG["n_buckets"]
    n_cues = len(cw.CUE_NAMES)
    coef_fast, coef_full, coef_ct = m_fast.coef_.ravel(), m_full.coef_.ravel(), m_ct.coef_.ravel()
    weights = {
        "config_keys": np.array(list(CONFIG)),
        "config_values": np.array(list(CONFIG.values()), dtype=np.int64),
        "version": np.array(VERSION),
        "idf": feat.idf.astype(np.float32),
        "cue_mean": feat.cue_mean,
        "cue_scale": feat.cue_scale,
        "w_hash": coef_full[:n_hash].astype(np.float32),
        "w_cue": coef_full[n_hash : n_hash + n_cues] * CUE_SCALE,
        "w_emb": (coef_full[n_hash + n_cues :] * EMB_SCALE).astype(np.float32),
        "bias": np.array(float(m_full.intercept_[0])),
        "w_hash_fast": coef_fast[:n_hash].astype(np.float32),
        "w_cue_fast": coef_fast[n_hash:] * CUE_SCALE,
        "bias_fast": np.array(float(m_fast.intercept_[0])),
        "cascade_centre": np.array(centre),
        "cascade_width": np.array(CASCADE_WIDTH),
        "threshold": np.array(threshold),
        "w_hash_ct": coef_ct[:n_hash].astype(np.float32),
        "w_cue_ct": coef_ct[n_hash : n_hash + n_cues] * CUE_SCALE,
        "w_emb_ct": (coef_ct[n_hash + n_cues :] * EMB_SCALE).astype(np.float32),
        "bias_ct": np.array(float(m_ct.intercept_[0])),
        "ctx_mean": ctx_mean,
        "ctx_scale": ctx_scale,
        "ctx_w": reranker.coef_.ravel(),
        "ctx_bias": np.array(float(reranker.intercept_[0])),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_npz(args.out, weights)
    print(json.dumps({"cross_validation": cv, "data_sha256": {"two_class_train.json.gz": sha256(CLAIMBUSTER_TRAIN)}}, indent=2))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) sha256 {sha256(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
