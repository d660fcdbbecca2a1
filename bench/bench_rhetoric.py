"""Benchmark: rhetoric (persuasion techniques) on the held-out 20% of the PTC articles.

    .venv/bin/python bench/bench_rhetoric.py        # prints a table, writes bench/results/rhetoric.json

Held-out articles: `int(sha256(article_id), 16) % 5 == 0` (`scripts/rhetoric_data.is_test`), 70
of the 371 SemEval-2020 Task 11 training articles, never trained or tuned on. Measured:

* TC (technique classification) on the gold spans: micro-F1 (every gold instance gets one
  prediction, so micro-F1 = accuracy; a span with k gold techniques gets its k best distinct
  ones), macro-F1 and per-technique precision/recall/F1, against two baselines: the majority
  class, and a length-only logistic regression in the spirit of the task's official baseline
  (fitted here on the training articles);
* SI (span identification): the SemEval-2020 SI metric (character-overlap precision and recall,
  `rhetoric_data.si_scores`) of the shipped span finder;
* speed: words per second of `detect_rhetoric` over the held-out articles (whole articles, SI +
  TC + the unsourced-appeal rule), warm, and the time of a 1,500-word document.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))

import rhetoric_data as rd  # noqa: E402
from benchlib import git_commit, log  # noqa: E402

from sourcecheck import rhetoric  # noqa: E402
from sourcecheck.models import file_sha256  # noqa: E402
from sourcecheck.rhetoric_features import TECHNIQUES, DocView  # noqa: E402

RESULTS = REPO / "bench" / "results" / "rhetoric.json"


def tc_predictions(model: rhetoric.RhetoricModel, articles: list[rd.Article]) -> tuple[list[list[str]], list[list[str]]]:
    """Ranked techniques of every unique gold span (k best for a span with k gold labels) and the gold."""
    predicted, gold = [], []
    for article in articles:
        view = DocView(article.text)
        labels: dict[tuple[int, int], list[str]] = {}
        for technique, start, end in article.tc:
            labels.setdefault((start, end), []).append(technique)
        spans = list(labels)
        probs = model.technique_probabilities(view, spans)
        ranked = [[model.techniques[j] for j in (-row).argsort(kind="stable")] for row in probs]
        predicted += rd.tc_assign(ranked, [labels[s] for s in spans])
        gold += [labels[s] for s in spans]
    return predicted, gold


def length_baseline(train: list[rd.Article], test: list[rd.Article]) -> tuple[list[list[str]], list[list[str]]]:
    """The official baseline's idea: a logistic regression on the span length alone."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    def rows(articles):
        x, y, keys = [], [], []
        for a in articles:
            for technique, start, end in a.tc:
                x.append([np.log1p(end - start), np.log1p(len(a.text[start:end].split()))])
                y.append(technique)
                keys.append((a.id, start, end))
        return np.array(x), y, keys

    x, y, _ = rows(train)
    model = LogisticRegression(max_iter=2000).fit(x, y)
    xt, yt, keys = rows(test)
    probs = model.predict_proba(xt)
    by_span: dict[tuple, tuple[list[str], list[str]]] = {}
    for key, row, label in zip(keys, probs, yt):
        ranked = [model.classes_[j] for j in (-row).argsort(kind="stable")]
        by_span.setdefault(key, (ranked, []))[1].append(label)
    ranked = [r for r, _ in by_span.values()]
    gold = [g for _, g in by_span.values()]
    return rd.tc_assign(ranked, gold), gold


def main() -> int:
    articles = rd.load_ptc()
    test = [a for a in articles if rd.is_test(a.id)]
    train = [a for a in articles if not rd.is_test(a.id)]
    log(f"held-out articles: {len(test)} of {len(articles)}")
    model = rhetoric.RhetoricModel()

    predicted, gold = tc_predictions(model, test)
    tc = rd.tc_scores(predicted, gold, list(TECHNIQUES))
    majority = max(TECHNIQUES, key=lambda t: sum(t == technique for a in train for technique, _, _ in a.tc))
    tc_majority = rd.tc_scores([[majority] * len(g) for g in gold], gold, list(TECHNIQUES))
    tc_length = rd.tc_scores(*length_baseline(train, test), list(TECHNIQUES))

    weights = model._load()
    pairs = []
    started = time.perf_counter()
    for article in test:
        view = DocView(article.text)
        spans = rhetoric.spans_from_token_scores(view, model.token_scores(view), threshold=weights["si_threshold"], gap=weights["si_gap"])
        pairs.append(([(s, e) for s, e, _ in spans], article.si))
    si = rd.si_scores(pairs)
    # SI of the trivial "every sentence is one fragment" system, for scale.
    si_sentences = rd.si_scores([(DocView(a.text).sentences, a.si) for a in test])

    model.detect("warm up")
    words = sum(len(a.text.split()) for a in test)
    started = time.perf_counter()
    n_spans = sum(len(model.detect(a.text)) for a in test)
    elapsed = time.perf_counter() - started
    doc_1500 = " ".join(" ".join(a.text for a in test).split()[:1500])
    t0 = time.perf_counter()
    for _ in range(3):
        model.detect(doc_1500)
    per_doc = (time.perf_counter() - t0) / 3

    results = {
        "commit": git_commit(),
        "model": {"version": weights["version"], "sha256": file_sha256(str(model.weights_path)), "bytes": model.weights_path.stat().st_size},
        "held_out": {"rule": "int(sha256(article_id), 16) % 5 == 0", "articles": len(test), "tc_instances": tc["instances"], "si_fragments": si["gold_spans"]},
        "tc": {"micro_f1": tc["micro_f1"], "macro_f1": tc["macro_f1"], "per_technique": tc["per_technique"]},
        "tc_baselines": {f"majority ({majority})": tc_majority["micro_f1"], "length-only logistic regression": tc_length["micro_f1"]},
        "si": si,
        "si_baseline_every_sentence": si_sentences,
        "speed": {"words": words, "seconds": round(elapsed, 3), "words_per_s": round(words / elapsed), "spans": n_spans, "seconds_per_1500_words": round(per_doc, 4)},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    print(f"rhetoric on the held-out PTC articles ({len(test)} articles, {tc['instances']} TC instances, {si['gold_spans']} SI fragments); commit {results['commit']}")
    print(f"\n{'technique':40} {'support':>7} {'P':>6} {'R':>6} {'F1':>6}")
    for technique in TECHNIQUES:
        row = tc["per_technique"][technique]
        print(f"{technique:40} {row['support']:7d} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}")
    print(f"\n{'metric':52} {'value':>8}")
    print(f"{'TC micro-F1 (gold spans)':52} {tc['micro_f1']:8.3f}")
    print(f"{'TC macro-F1':52} {tc['macro_f1']:8.3f}")
    for name, value in results["tc_baselines"].items():
        print(f"{'  baseline: ' + name:52} {value:8.3f}")
    print(f"{'SI precision':52} {si['precision']:8.3f}")
    print(f"{'SI recall':52} {si['recall']:8.3f}")
    print(f"{'SI F1':52} {si['f1']:8.3f}")
    print(f"{'  baseline: every sentence a fragment, F1':52} {si_sentences['f1']:8.3f}")
    print(f"{'speed, words/s (detect_rhetoric, whole articles)':52} {results['speed']['words_per_s']:8d}")
    print(f"{'seconds per 1,500-word document':52} {per_doc:8.3f}")
    log(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
