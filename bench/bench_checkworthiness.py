"""Benchmark of the shipped check-worthiness scorer (the weights the product uses).

    .venv/bin/python bench/bench_checkworthiness.py            # table + bench/results/checkworthiness.json
    .venv/bin/python bench/bench_checkworthiness.py --quick    # skip the full-model (cascade off) rows

Measures, with `sourcecheck.checkworthiness.default_scorer()`:
  * ClaimBuster `two_class_test.json` (702 sentences, 351 check-worthy): precision, recall and F1
    of the check-worthy class and accuracy at the scorer's own `threshold` (chosen by
    cross-validation on ClaimBuster train), plus ROC AUC.
  * CheckThat! 2019 task 1 `test_annotated/` (7 transcripts): the official ranking metrics per
    transcript (average precision, R-precision, P@10, reciprocal rank of the first check-worthy
    line), averaged over the transcripts; for `score` (one sentence at a time, what the product
    uses) and for `score_transcript`, the CheckThat variant (adds a model of the CheckThat
    training transcripts, speakers and neighbouring sentences).
  * Out of domain: a hand-written set of 40 history-essay sentences (20 factual claims, 20
    opinions, questions, predictions and small talk) and the share of 1,000 Wikipedia history
    sentences called check-worthy (nearly all are statements of fact).
  * Speed, warm: sentences per second of `score` on the ClaimBuster test sentences and on the
    Wikipedia history sentences (best and median of 3), with the machine's load average, since
    other processes on a shared machine slow it.
Rows marked "full" run the full model on every sentence (cascade off): what the cascade costs.
The data sets are read in place from ../shared/data (research-only; never copied here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchlib, also when loaded by path from tests
from benchlib import git_commit

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CLAIMBUSTER_TEST = DATA / "claimbuster" / "two_class_test.json"
CHECKTHAT_TEST = DATA / "checkthat2019-task1-checkworthiness" / "test_annotated"
WIKI = DATA / "enwiki-history-1900-1991" / "enwiki-2015-05_lowid_history.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "checkworthiness.json"

# Hand-written for this benchmark (not from any data set): label 1 = a check-worthy factual claim.
HISTORY_SET: list[tuple[str, int]] = [
    ("In August 1939 Germany and the Soviet Union signed a non-aggression pact.", 1),
    ("The Battle of Stalingrad ended with the surrender of the German Sixth Army in February 1943.", 1),
    ("Winston Churchill became Prime Minister of the United Kingdom on 10 May 1940.", 1),
    ("The Treaty of Versailles was signed on 28 June 1919.", 1),
    ("More than 20 million Soviet citizens died during the Second World War.", 1),
    ("The Berlin Wall was built in 1961 and opened in November 1989.", 1),
    ("Japan attacked the US naval base at Pearl Harbor on 7 December 1941.", 1),
    ("Gandhi led the Salt March in 1930.", 1),
    ("The Cuban Missile Crisis lasted thirteen days in October 1962.", 1),
    ("Franklin D. Roosevelt was elected president four times.", 1),
    ("Turkey remained neutral until February 1945, when it declared war on Germany.", 1),
    ("The League of Nations was founded after the First World War.", 1),
    ("The Soviet Union launched Sputnik 1 in October 1957.", 1),
    ("Finland ceded about 11 percent of its territory to the Soviet Union after the Winter War.", 1),
    ("In 1917 the Bolsheviks seized power in Petrograd.", 1),
    ("The Marshall Plan provided over 13 billion dollars to Western Europe.", 1),
    ("Nelson Mandela was released from prison in 1990.", 1),
    ("The Korean War armistice was signed at Panmunjom in July 1953.", 1),
    ("Hitler was appointed Chancellor of Germany in January 1933.", 1),
    ("The Wall Street Crash of 1929 wiped out billions of dollars in share value within days.", 1),
    ("I think this is the most wonderful thing ever.", 0),
    ("What would have happened if the Allies had landed in 1943?", 0),
    ("Churchill was, in my opinion, a magnificent leader.", 0),
    ("We should never forget the lessons of history.", 0),
    ("Perhaps the war could have been avoided.", 0),
    ("Let us now turn to the second part of this essay.", 0),
    ("Who can say what Stalin really wanted?", 0),
    ("It is a fascinating story.", 0),
    ("Historians will surely keep arguing about this for decades.", 0),
    ("I hope readers enjoy this chapter.", 0),
    ("Thank you all for coming tonight.", 0),
    ("Why did nobody stop him?", 0),
    ("This was a terrible tragedy for everyone involved.", 0),
    ("The future of Europe will depend on how we remember it.", 0),
    ("I believe the treaty was deeply unfair.", 0),
    ("Imagine living through those years.", 0),
    ("That is a good question.", 0),
    ("In this chapter I want to explore a different idea.", 0),
    ("It would be wrong to judge them too harshly.", 0),
    ("Let me be clear about one thing.", 0),
]




# -- metrics (tested in tests/test_checkworthiness.py) ------------------------------------------


def classification(scores: list[float], labels: list[int], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of class 1, and accuracy, calling scores >= threshold positive."""
    pred = [1 if s >= threshold else 0 for s in scores]
    tp = sum(1 for p, y in zip(pred, labels) if p == y == 1)
    fp = sum(1 for p, y in zip(pred, labels) if p == 1 and y == 0)
    fn = sum(1 for p, y in zip(pred, labels) if p == 0 and y == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for p, y in zip(pred, labels) if p == y) / len(labels)
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    if not pos or not neg:
        return float("nan")
    ranked = sorted(scores)
    # rank-sum with average ranks for ties
    ranks: dict[float, float] = {}
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1] == ranked[i]:
            j += 1
        ranks[ranked[i]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(ranks[s] for s in pos)
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def ranking(scores: list[float], labels: list[int]) -> dict[str, float]:
    """CheckThat! 2019 task 1 metrics of one transcript: AP, R-precision, P@10, RR.

    Lines are ranked by score, ties kept in line order (a stable sort, like the official scorer's
    sort of the prediction file)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranked = [labels[i] for i in order]
    relevant = sum(ranked)
    hits, precision_sum, first = 0, 0.0, 0
    for k, label in enumerate(ranked, start=1):
        if label:
            hits += 1
            precision_sum += hits / k
            first = first or k
    return {
        "ap": precision_sum / relevant if relevant else 0.0,
        "r_precision": sum(ranked[:relevant]) / relevant if relevant else 0.0,
        "p_at_10": sum(ranked[:10]) / 10,
        "rr": 1 / first if first else 0.0,
    }


def mean_ranking(per_doc: list[dict[str, float]]) -> dict[str, float]:
    keys = ("ap", "r_precision", "p_at_10", "rr")
    out = {k: statistics.fmean(d[k] for d in per_doc) for k in keys}
    out["map"] = out.pop("ap")
    return out


# -- data -----------------------------------------------------------------------------------


def load_claimbuster() -> tuple[list[str], list[int]]:
    rows = json.loads(CLAIMBUSTER_TEST.read_text(encoding="utf-8"))
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def load_checkthat() -> list[dict]:
    docs = []
    for path in sorted(CHECKTHAT_TEST.glob("*.tsv")):
        rows = [line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8")]
        docs.append({"name": path.stem, "speaker": [r[1] for r in rows], "text": [r[2] for r in rows], "y": [int(r[-1]) for r in rows]})
    return docs


def wiki_sentences(n: int = 1000) -> list[str]:
    """The first n sentences of 5 to 80 words from every 50th article (long paragraphs only)."""
    out: list[str] = []
    with gzip.open(WIKI, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i % 50:
                continue
            for paragraph in json.loads(line)["text"].split("\n"):
                if len(paragraph) > 200:
                    out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph) if 5 < len(s.split()) < 80]
            if len(out) >= n:
                return out[:n]
    return out


# -- the benchmark --------------------------------------------------------------------------


def speed(scorer, sentences: list[str], repeat: int = 3) -> dict[str, float]:
    rates, embedded = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        scorer.score(sentences)
        rates.append(len(sentences) / (time.perf_counter() - start))
        embedded = scorer.last_embedded
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    return {
        "sentences": len(sentences),
        "words_per_sentence": words,
        "sentences_per_s_best": max(rates),
        "sentences_per_s_median": statistics.median(rates),
        "words_per_s_median": statistics.median(rates) * words,
        "embedded_fraction": embedded / len(sentences),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full-model rows (cascade off)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    for path in (CLAIMBUSTER_TEST, CHECKTHAT_TEST, WIKI):
        if not path.exists():
            print(f"error: {path} is missing (the benchmark reads ../shared/data)", file=sys.stderr)
            return 2

    from sourcecheck.checkworthiness import CheckworthinessScorer, default_scorer

    scorer = default_scorer()
    variants = {"cascade": scorer}
    if not args.quick:
        variants["full"] = CheckworthinessScorer(cascade=False)
    info = scorer.info()
    load_before = os.getloadavg()
    results: dict = {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "model": info.model_dump(),
        "threshold": scorer.threshold,
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(), "threads": os.environ.get("SOURCECHECK_THREADS", "2")},
    }

    cb_text, cb_y = load_claimbuster()
    docs = load_checkthat()
    wiki = wiki_sentences()
    scorer.score(cb_text[:64])  # warm up: weights and embedder loaded

    for name, model in variants.items():
        row: dict = {}
        cb_scores = model.score(cb_text)
        row["claimbuster_test"] = {**classification(cb_scores, cb_y, scorer.threshold), "auc": roc_auc(cb_scores, cb_y), "n": len(cb_y), "embedded_fraction": model.last_embedded / len(cb_y)}
        per_doc = [{"doc": d["name"], **ranking(model.score(d["text"]), d["y"])} for d in docs]
        row["checkthat2019_test"] = {**mean_ranking(per_doc), "per_document": per_doc}
        hist_text = [t for t, _ in HISTORY_SET]
        hist_y = [y for _, y in HISTORY_SET]
        hist_scores = model.score(hist_text)
        row["history_handwritten"] = {**classification(hist_scores, hist_y, scorer.threshold), "auc": roc_auc(hist_scores, hist_y), "n": len(hist_y)}
        wiki_scores = model.score(wiki)
        row["wikipedia_history_flagged"] = sum(1 for s in wiki_scores if s >= scorer.threshold) / len(wiki)
        results[name] = row
    per_doc = [{"doc": d["name"], **ranking(scorer.score_transcript(d["text"], d["speaker"]), d["y"])} for d in docs]
    results["transcript_variant"] = {"checkthat2019_test": {**mean_ranking(per_doc), "per_document": per_doc}}

    results["speed"] = {"claimbuster_test": speed(scorer, cb_text), "wikipedia_history": speed(scorer, wiki)}
    if "full" in variants:
        results["speed_full"] = {"wikipedia_history": speed(variants["full"], wiki, repeat=1)}
    results["machine"]["load_average_before"] = load_before
    results["machine"]["load_average_after"] = os.getloadavg()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nwritten to {args.out}")
    return 0


def print_table(r: dict) -> None:
    print(f"check-worthiness benchmark  model {r['model']['version']} sha256 {r['model']['sha256'][:16]}...  threshold {r['threshold']:.3f}  commit {r['git_commit']}")
    print(f"{'':34s} {'ClaimBuster test (class 1)':^39s}   {'CheckThat 2019 test (7 transcripts)':^31s}")
    print(f"{'variant':34s} {'P':>7s} {'R':>7s} {'F1':>7s} {'Acc':>7s} {'AUC':>7s}   {'MAP':>7s} {'R-P':>7s} {'P@10':>7s} {'RR':>7s}")
    rows = [("score, cascade (shipped)", r.get("cascade")), ("score, full model (cascade off)", r.get("full")), ("score_transcript (CheckThat variant)", r["transcript_variant"])]
    for label, row in rows:
        if row is None:
            continue
        cb = row.get("claimbuster_test")
        left = f"{cb['precision']:7.3f} {cb['recall']:7.3f} {cb['f1']:7.3f} {cb['accuracy']:7.3f} {cb['auc']:7.3f}" if cb else f"{'(ranks transcripts only)':^39s}"
        ct = row["checkthat2019_test"]
        print(f"{label:34s} {left}   {ct['map']:7.3f} {ct['r_precision']:7.3f} {ct['p_at_10']:7.3f} {ct['rr']:7.3f}")
    for name in ("cascade", "full"):
        if name in r:
            h = r[name]["history_handwritten"]
            print(f"{name:8s} hand-written history set (n={h['n']}): acc {h['accuracy']:.3f} F1 {h['f1']:.3f} AUC {h['auc']:.3f}; Wikipedia history sentences called check-worthy: {r[name]['wikipedia_history_flagged']:.1%}")
    for key, s in r["speed"].items():
        print(f"speed (cascade, warm) {key:18s}: {s['sentences_per_s_median']:6.0f} sentences/s median, {s['sentences_per_s_best']:6.0f} best, {s['words_per_s_median']:6.0f} words/s, embedded {s['embedded_fraction']:.0%}")
    for key, s in r.get("speed_full", {}).items():
        print(f"speed (full, warm)    {key:18s}: {s['sentences_per_s_median']:6.0f} sentences/s")
    m = r["machine"]
    print(f"machine: {m['cpus']} CPUs, load average before {m['load_average_before'][0]:.1f}, after {m['load_average_after'][0]:.1f} (other processes slow the speed rows)")


if __name__ == "__main__":
    sys.exit(main())
