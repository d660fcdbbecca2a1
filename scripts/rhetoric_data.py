"""The Propaganda Techniques Corpus (SemEval-2020 Task 11) in ../shared/data: reader, the fixed
held-out split, and the task's two metrics.

Shared by `scripts/train_rhetoric.py` (what it may train on) and `bench/bench_rhetoric.py` (what
it measures on), so the two can never disagree about which articles are held out.

    >>> import rhetoric_data as rd
    >>> articles = rd.load_ptc()                    # 371 training articles with gold spans
    >>> train = [a for a in articles if not rd.is_test(a.id)]
    >>> rd.is_test("111111111")
    False

Held out, never trained or tuned on: the articles whose `int(sha256(article_id), 16) % 5 == 0`
(`is_test`; 70 of the 371 training articles, 1,069 of the 6,129 TC instances). Only the training split of the corpus has
public gold labels (dev and test labels were never released), so this fixed subset of it is our
test set. The data is research-only: read in place, never copied into the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field

TEST_MODULUS = 5


@dataclass(frozen=True)
class Article:
    """One article: its text and gold annotations (offsets are Python str offsets)."""

    id: str
    text: str
    si: list[tuple[int, int]] = field(default_factory=list)  # propaganda fragments
    tc: list[tuple[str, int, int]] = field(default_factory=list)  # (technique, start, end)


def data_dir() -> str:
    """../shared/data beside the repository, or $SOURCECHECK_SHARED_DATA."""
    default = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
    return os.environ.get("SOURCECHECK_SHARED_DATA", os.path.abspath(default))


def ptc_dir() -> str:
    return os.path.join(data_dir(), "semeval2020-task11-ptc")


def is_test(article_id: str) -> bool:
    """The fixed held-out 20% of articles: `int(sha256(article_id), 16) % 5 == 0`."""
    return int(hashlib.sha256(str(article_id).encode("utf-8")).hexdigest(), 16) % TEST_MODULUS == 0


def load_ptc(folder: str | None = None) -> list[Article]:
    """Every training article of the corpus with its SI and TC gold spans, sorted by id."""
    folder = folder or ptc_dir()
    articles_dir = os.path.join(folder, "train-articles")
    if not os.path.isdir(articles_dir):
        raise FileNotFoundError(f"no PTC articles at {articles_dir}; set SOURCECHECK_SHARED_DATA to the folder holding semeval2020-task11-ptc")
    si: dict[str, list[tuple[int, int]]] = defaultdict(list)
    tc: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    with open(os.path.join(folder, "train-task1-SI.labels"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                article, start, end = line.rstrip("\n").split("\t")
                si[article].append((int(start), int(end)))
    with open(os.path.join(folder, "train-task2-TC.labels"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                article, technique, start, end = line.rstrip("\n").split("\t")
                tc[article].append((technique, int(start), int(end)))
    out = []
    for name in sorted(os.listdir(articles_dir)):
        if not (name.startswith("article") and name.endswith(".txt")):
            continue
        article_id = name[len("article") : -len(".txt")]
        # newline="" keeps the text byte-exact: the offsets count every character as stored.
        with open(os.path.join(articles_dir, name), encoding="utf-8", newline="") as handle:
            text = handle.read()
        out.append(Article(id=article_id, text=text, si=sorted(si.get(article_id, [])), tc=sorted(tc.get(article_id, []), key=lambda x: (x[1], x[2], x[0]))))
    return out


# SemEval-2021 Task 6 (meme texts) names -> the PTC classes; techniques PTC has no class for
# (Smears, Glittering generalities, Obfuscation) map to None and are skipped.
MEME_TO_PTC = {
    "Appeal to authority": "Appeal_to_Authority",
    "Appeal to fear/prejudice": "Appeal_to_fear-prejudice",
    "Black-and-white Fallacy/Dictatorship": "Black-and-White_Fallacy",
    "Causal Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration/Minimisation": "Exaggeration,Minimisation",
    "Flag-waving": "Flag-Waving",
    "Loaded Language": "Loaded_Language",
    "Name calling/Labeling": "Name_Calling,Labeling",
    "Slogans": "Slogans",
    "Thought-terminating cliché": "Thought-terminating_Cliches",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Misrepresentation of Someone's Position (Straw Man)": "Whataboutism,Straw_Men,Red_Herring",
    "Presenting Irrelevant Data (Red Herring)": "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "Reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
    "Repetition": "Repetition",
}


def load_memes(split: str = "training") -> list[Article]:
    """SemEval-2021 Task 6 subtask 2 meme texts as Articles with TC spans in PTC classes."""
    path = os.path.join(data_dir(), "semeval2021-task6-persuasion", f"{split}_set_task2.json")
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)
    out = []
    for row in rows:
        tc = [(MEME_TO_PTC[lab["technique"]], int(lab["start"]), int(lab["end"])) for lab in row["labels"] if MEME_TO_PTC.get(lab["technique"])]
        out.append(Article(id=f"meme-{row['id']}", text=row["text"], si=[], tc=sorted(tc, key=lambda x: (x[1], x[2], x[0]))))
    return out


# --- metrics ----------------------------------------------------------------------------------


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined (the SI scorer merges a system's overlapping fragments)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def si_counts(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[float, int, float, int]:
    """One article's share of the SemEval-2020 SI metric: (precision numerator, |S|, recall numerator, |T|).

    For system fragments S and gold fragments T (character-offset sets),
    P = 1/|S| sum_{s,t} |s ∩ t| / |s| and R = 1/|T| sum_{s,t} |s ∩ t| / |t|, each summed over
    articles before dividing (Da San Martino et al. 2019/2020, `task-SI_scorer.py`). Overlapping
    fragments of one side are merged first.
    """
    s_spans, t_spans = merge_spans(predicted), merge_spans(gold)
    p_num = r_num = 0.0
    for s0, s1 in s_spans:
        for t0, t1 in t_spans:
            overlap = min(s1, t1) - max(s0, t0)
            if overlap > 0:
                p_num += overlap / (s1 - s0)
                r_num += overlap / (t1 - t0)
    return p_num, len(s_spans), r_num, len(t_spans)


def si_scores(pairs: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]) -> dict[str, float]:
    """SemEval SI precision, recall and F1 over (predicted, gold) span lists, one pair per article."""
    p_num = r_num = 0.0
    n_s = n_t = 0
    for predicted, gold in pairs:
        a, b, c, d = si_counts(predicted, gold)
        p_num, n_s, r_num, n_t = p_num + a, n_s + b, r_num + c, n_t + d
    precision = p_num / n_s if n_s else 0.0
    recall = r_num / n_t if n_t else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted_spans": n_s, "gold_spans": n_t}


def tc_assign(ranked: list[list[str]], gold: list[list[str]]) -> list[list[str]]:
    """Per unique gold span, as many distinct predicted labels as it has gold labels (best first).

    A span annotated with k techniques is k instances in the TC file; like the official setting
    (one prediction per instance), it gets its k best-ranked distinct techniques.
    """
    return [r[: len(g)] for r, g in zip(ranked, gold, strict=True)]


def tc_scores(predicted: list[list[str]], gold: list[list[str]], labels: list[str]) -> dict:
    """Micro-F1 (= accuracy: every instance gets one prediction), macro-F1 and per-label P/R/F1."""
    from collections import Counter

    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for pred, gl in zip(predicted, gold, strict=True):
        p, g = Counter(pred), Counter(gl)
        both = p & g
        tp.update(both)
        fp.update(p - both)
        fn.update(g - both)
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = total_tp / max(total_tp + total_fp, 1)
    micro_r = total_tp / max(total_tp + total_fn, 1)
    per = {}
    for label in labels:
        p = tp[label] / max(tp[label] + fp[label], 1)
        r = tp[label] / max(tp[label] + fn[label], 1)
        per[label] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": tp[label] + fn[label]}
    return {
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "macro_f1": sum(v["f1"] for v in per.values()) / max(len(per), 1),
        "instances": total_tp + total_fn,
        "per_technique": per,
    }
