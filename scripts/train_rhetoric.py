"""Train the rhetoric models, `src/sourcecheck/data/rhetoric.npz`, from the PTC corpus in ../shared/data.

    .venv/bin/python scripts/train_rhetoric.py          # writes the weights, prints cross-validation scores
    .venv/bin/python scripts/train_rhetoric.py --grid   # also the hyper-parameter grid (slower)

Data (research-only; read in place, never copied into the repository):
  * SemEval-2020 Task 11 PTC `train-articles/` with `train-task1-SI.labels` and
    `train-task2-TC.labels`: the ONLY data the shipped weights are fitted on, and only the
    articles NOT held out. Held out (`rhetoric_data.is_test`): `int(sha256(article_id), 16) % 5
    == 0`, 70 of 371 articles; this script never reads their labels. The hold-out is measured by
    `bench/bench_rhetoric.py`.
  * SemEval-2021 Task 6 meme texts (`training_set_task2.json`, techniques mapped to the PTC
    classes): tried as extra TC training data in the grid (`--grid`), not used by the shipped
    model (it did not help cross-validated micro-F1; see docs/rhetoric.md).

Steps (all deterministic: fixed folds by sha256 of the article id, solvers without randomness):
  1. One light parse per article (`rhetoric_features.DocView`: regex tokens and sentences).
  2. TC: a row per (gold span, technique) of the training articles (`span_row`: hashed word 1-2-
     grams of the span, its neighbours and sentence, plus dense cues); multinomial logistic
     regression (lbfgs, C_TC). 5-fold cross-validation grouped by article gives the CV micro-F1.
  3. SI: a row per token (`token_rows`), label 1 if the token lies in a gold fragment; binary
     logistic regression (liblinear, C_SI). Out-of-fold token probabilities pick the decoding
     threshold and gap that maximise the SemEval SI F1 on the training articles.
  4. Both models refitted on all training articles; weights, the threshold, the gap and every
     feature setting are written with a byte-reproducible writer (`save_npz`).
Takes about 5 minutes on 2 CPU cores (the grid about 20 more).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "sourcecheck" / "data" / "rhetoric.npz"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

import rhetoric_data as rd  # noqa: E402
from train_checkworthiness import save_npz  # noqa: E402

from sourcecheck import rhetoric  # noqa: E402
from sourcecheck import rhetoric_features as rf  # noqa: E402

VERSION = "1.0.0"
CONFIG = {"si_buckets": 2**19, "tc_buckets": 2**18, "tc_char_ngrams": 1}
C_TC = 1.0
C_SI = 0.25
FOLDS = 5
THRESHOLDS = [round(x, 2) for x in np.arange(0.10, 0.41, 0.02)]
# Holes of up to `gap` tokens inside a run are filled. Gaps up to 8 are scored (and reported),
# but only gaps up to MAX_GAP may be chosen: a wider gap glues neighbouring fragments of different
# techniques into one long span ("corrupt traitors ... destroying our great nation ... disgusting
# lies"), which the SemEval SI metric rewards a little (about +0.01 F1) and a reader does not.
GAPS = (0, 1, 2, 4, 8)
MAX_GAP = 2


def fold_of(article_id: str) -> int:
    """Cross-validation fold of a training article (fixed; independent of the test rule's hash)."""
    return int(hashlib.sha256(f"fold:{article_id}".encode()).hexdigest(), 16) % FOLDS


def csr(rows: list[tuple[list[int], list[float]]], n_cols: int) -> sp.csr_matrix:
    indptr = np.cumsum([0] + [len(i) for i, _ in rows])
    cols = np.fromiter((c for i, _ in rows for c in i), dtype=np.int64, count=int(indptr[-1]))
    data = np.fromiter((v for _, v in rows for v in v), dtype=np.float64, count=int(indptr[-1]))
    return sp.csr_matrix((data, cols, indptr), shape=(len(rows), n_cols))


# --- technique classification ------------------------------------------------------------------


def tc_examples(articles: list[rd.Article], views: dict[str, rf.DocView], char_ngrams: bool) -> tuple[list, list[str], list[str], list[tuple]]:
    """Rows, labels, article ids and (article, start, end) keys: one per (unique span, technique)."""
    n_buckets = CONFIG["tc_buckets"]
    rows, labels, groups, keys = [], [], [], []
    for article in articles:
        view = views[article.id]
        cache: dict[tuple[int, int], tuple] = {}
        for technique, start, end in article.tc:
            if (start, end) not in cache:
                cache[(start, end)] = rf.span_row(view, start, end, n_buckets, char_ngrams=char_ngrams)
            rows.append(cache[(start, end)])
            labels.append(technique)
            groups.append(article.id)
            keys.append((article.id, start, end))
    return rows, labels, groups, keys


class Compressed:
    """A linear model fitted on the columns its training rows use, with weights in full bucket space.

    Hashed matrices have 2^18-2^19 columns of which a fifth or less occur; fitting on those alone
    gives the same solution (unused columns get zero weight under L2) several times faster.
    """

    def __init__(self, model: LogisticRegression, x: sp.csr_matrix, y: np.ndarray) -> None:
        used = np.unique(x.indices)
        model.fit(x[:, used], y)
        self.classes_ = model.classes_
        coef = np.zeros((model.coef_.shape[0], x.shape[1]))
        coef[:, used] = model.coef_
        self.coef_ = coef
        self.intercept_ = model.intercept_

    def decision_function(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_

    def predict_proba(self, x: sp.csr_matrix) -> np.ndarray:
        z = self.decision_function(x)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def fit_tc(x: sp.csr_matrix, y: np.ndarray, c: float) -> Compressed:
    return Compressed(LogisticRegression(C=c, solver="lbfgs", max_iter=3000, tol=1e-4), x, y)


def ranked_per_span(probs: np.ndarray, keys: list[tuple], labels: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Group example rows by span: (ranked techniques, gold techniques) per unique span."""
    first: dict[tuple, int] = {}
    gold: dict[tuple, list[str]] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
        gold.setdefault(key, []).append(labels[i])
    order = list(first)
    ranked = [[rf.TECHNIQUES[j] for j in np.argsort(-probs[first[k]], kind="stable")] for k in order]
    return rd.tc_assign(ranked, [gold[k] for k in order]), [gold[k] for k in order]


def tc_cv(articles, views, c: float, char_ngrams: bool, extra: list[rd.Article] | None = None) -> dict:
    rows, labels, groups, keys = tc_examples(articles, views, char_ngrams)
    n_cols = CONFIG["tc_buckets"] + len(rf.CUE_NAMES)
    x = csr(rows, n_cols)
    y = np.array([rf.TECHNIQUES.index(l) for l in labels])
    folds = np.array([fold_of(g) for g in groups])
    if extra:
        ex_views = {a.id: rf.DocView(a.text) for a in extra}
        ex_rows, ex_labels, _, _ = tc_examples(extra, ex_views, char_ngrams)
        x_extra, y_extra = csr(ex_rows, n_cols), np.array([rf.TECHNIQUES.index(l) for l in ex_labels])
    probs = np.zeros((len(y), len(rf.TECHNIQUES)))
    for f in range(FOLDS):
        train, test = folds != f, folds == f
        xt, yt = x[train], y[train]
        if extra:
            xt, yt = sp.vstack([xt, x_extra]).tocsr(), np.concatenate([yt, y_extra])
        model = fit_tc(xt, yt, c)
        p = np.zeros((int(test.sum()), len(rf.TECHNIQUES)))
        p[:, model.classes_] = model.predict_proba(x[test])
        probs[test] = p
    predicted, gold = ranked_per_span(probs, keys, labels)
    return rd.tc_scores(predicted, gold, list(rf.TECHNIQUES))


# --- span identification -----------------------------------------------------------------------


def si_examples(articles, views) -> tuple[list, np.ndarray, np.ndarray]:
    rows, labels, owners = [], [], []
    n_buckets = CONFIG["si_buckets"]
    for n, article in enumerate(articles):
        view = views[article.id]
        rows += rf.token_rows(view, n_buckets)
        inside = np.zeros(len(view.tokens), dtype=np.int64)
        for start, end in article.si:
            first, last = view.token_range(start, end)
            inside[first:last] = 1
        labels.append(inside)
        owners.append(np.full(len(view.tokens), n))
    return rows, np.concatenate(labels), np.concatenate(owners)


def fit_si(x: sp.csr_matrix, y: np.ndarray, c: float) -> Compressed:
    return Compressed(LogisticRegression(C=c, solver="liblinear", max_iter=2000, tol=1e-4, random_state=0), x, y)


def si_decode_scores(articles, views, probs: np.ndarray, owners: np.ndarray) -> dict[tuple[float, int], dict]:
    """SemEval SI scores of decoding the token probabilities at each threshold and gap."""
    out = {}
    per_article = [probs[owners == n] for n in range(len(articles))]
    for threshold in THRESHOLDS:
        for gap in GAPS:
            pairs = []
            for article, p in zip(articles, per_article):
                spans = rhetoric.spans_from_token_scores(views[article.id], p, threshold=threshold, gap=gap)
                pairs.append(([(s, e) for s, e, _ in spans], article.si))
            out[(threshold, gap)] = rd.si_scores(pairs)
    return out


def si_cv(articles, views, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    rows, y, owners = si_examples(articles, views)
    x = csr(rows, CONFIG["si_buckets"])
    folds = np.array([fold_of(articles[o].id) for o in owners])
    probs = np.zeros(len(y))
    for f in range(FOLDS):
        train, test = folds != f, folds == f
        probs[test] = fit_si(x[train], y[train], c).predict_proba(x[test])[:, 1]
    return x, y, probs, si_decode_scores(articles, views, probs, owners)


def best_decoding(scores: dict[tuple[float, int], dict], max_gap: int = MAX_GAP) -> tuple[tuple[float, int], dict]:
    allowed = [k for k in scores if k[1] <= max_gap]
    key = max(allowed, key=lambda k: (round(scores[k]["f1"], 6), -k[1], k[0]))
    return key, scores[key]


def training_articles() -> list[rd.Article]:
    """The PTC articles this script may read: every training article outside the held-out 20%."""
    return [a for a in rd.load_ptc() if not rd.is_test(a.id)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--grid", action="store_true", help="also print the cross-validation grid the hyper-parameters were picked from")
    args = parser.parse_args()
    started = time.perf_counter()

    articles = training_articles()
    views = {a.id: rf.DocView(a.text) for a in articles}
    print(f"PTC training articles used: {len(articles)} (held out: the sha256 % 5 == 0 rule); "
          f"{sum(len(a.tc) for a in articles)} TC instances, {sum(len(a.si) for a in articles)} SI fragments", flush=True)
    report: dict = {"version": VERSION, "config": CONFIG, "C_TC": C_TC, "C_SI": C_SI}

    if args.grid:
        grid: dict = {"tc": {}, "si": {}}
        memes = rd.load_memes("training")
        for char_ngrams in (False, True):
            for c in (0.5, 1.0, 2.0, 4.0):
                key = f"C={c} char_ngrams={int(char_ngrams)}"
                grid["tc"][key] = tc_cv(articles, views, c, char_ngrams)["micro_f1"]
                print(f"  TC CV {key}: micro-F1 {grid['tc'][key]:.4f}", flush=True)
        key = f"C={C_TC} char_ngrams={CONFIG['tc_char_ngrams']} +memes"
        grid["tc"][key] = tc_cv(articles, views, C_TC, bool(CONFIG["tc_char_ngrams"]), extra=memes)["micro_f1"]
        print(f"  TC CV {key}: micro-F1 {grid['tc'][key]:.4f}", flush=True)
        for c in (0.08, 0.25, 1.0):
            (threshold, gap), best = best_decoding(si_cv(articles, views, c)[3])
            grid["si"][f"C={c}"] = {"threshold": threshold, "gap": gap, **best}
            print(f"  SI CV C={c}: F1 {best['f1']:.4f} (P {best['precision']:.3f} R {best['recall']:.3f}) at threshold {threshold} gap {gap}", flush=True)
        report["grid"] = grid

    # 2: technique classification
    tc = tc_cv(articles, views, C_TC, bool(CONFIG["tc_char_ngrams"]))
    report["cv_tc"] = {"micro_f1": tc["micro_f1"], "macro_f1": tc["macro_f1"], "per_technique_f1": {k: v["f1"] for k, v in tc["per_technique"].items()}}
    print(f"TC cross-validation micro-F1 {tc['micro_f1']:.4f} macro-F1 {tc['macro_f1']:.4f}", flush=True)
    rows, labels, _, _ = tc_examples(articles, views, bool(CONFIG["tc_char_ngrams"]))
    n_tc = CONFIG["tc_buckets"] + len(rf.CUE_NAMES)
    tc_model = fit_tc(csr(rows, n_tc), np.array([rf.TECHNIQUES.index(l) for l in labels]), C_TC)
    if list(tc_model.classes_) != list(range(len(rf.TECHNIQUES))):
        raise SystemExit("a technique has no training example; the weights would not cover every class")

    # 3: span identification
    x_si, y_si, _, decode = si_cv(articles, views, C_SI)
    (threshold, gap), best = best_decoding(decode)
    report["cv_si"] = {"threshold": threshold, "gap": gap, **best}
    report["cv_si_best_f1_with_gap_at_most"] = {g: round(best_decoding(decode, g)[1]["f1"], 4) for g in GAPS}
    print(f"SI cross-validation F1 {best['f1']:.4f} (P {best['precision']:.3f} R {best['recall']:.3f}) at threshold {threshold}, gap {gap}", flush=True)
    si_model = fit_si(x_si, y_si, C_SI)
    # How far float16 storage moves the scores (checked on the training rows).
    x_tc = csr(rows, n_tc)
    report["float16_max_logit_change"] = {
        "tc": float(np.abs(x_tc @ (tc_model.coef_.T.astype(np.float16).astype(np.float64) - tc_model.coef_.T)).max()),
        "si": float(np.abs(x_si @ (si_model.coef_.ravel().astype(np.float16).astype(np.float64) - si_model.coef_.ravel())).max()),
    }

    # 4: the weights file. Weights are float16 (the report's float16_max_logit_change says how
    #    little the scores move); buckets no training row uses stay exactly 0 and compress away.
    weights = {
        "version": np.array(VERSION),
        "config_keys": np.array(list(CONFIG)),
        "config_values": np.array(list(CONFIG.values()), dtype=np.int64),
        "techniques": np.array(rf.TECHNIQUES),
        "cue_names": np.array(rf.CUE_NAMES),
        "tc_w": tc_model.coef_.T.astype(np.float16),
        "tc_b": tc_model.intercept_.astype(np.float64),
        "si_w": si_model.coef_.ravel().astype(np.float16),
        "si_b": np.array(float(si_model.intercept_[0])),
        "si_threshold": np.array(threshold),
        "si_gap": np.array(gap, dtype=np.int64),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_npz(args.out, weights)
    report["sha256"] = hashlib.sha256(args.out.read_bytes()).hexdigest()
    report["bytes"] = args.out.stat().st_size
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
