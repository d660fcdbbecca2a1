"""Readers for the NLI and claim-verification sets in ../shared/data, and the held-out rules.

Shared by `scripts/train_nli.py` (what it may train on) and `bench/bench_nli.py` /
`bench/bench_verification.py` (what they measure on), so the two can never disagree about which
examples are held out. Every reader yields `Pair(premise, hypothesis, label, source, key)` with
label 0 = entailment, 1 = neutral, 2 = contradiction.

Held out, never trained on:
- SNLI test, SICK test, ANLI R1-R3 test, WiCE test, AVeriTeC dev (the issue's test splits);
- Climate-FEVER claims whose sha256(claim_id) % 10 < 3 (a fixed 30%: `climate_fever_is_test`);
- for validation during training (not test, but not trained on either): SICK trial, every tenth
  SNLI dev pair (idx % 10 == 0) and the synthetic history pairs of articles whose
  sha256(article id) % 20 == 0.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Iterator

LABELS = ("entailment", "neutral", "contradiction")
ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: int
    source: str
    key: str


def data_dir() -> str:
    """../shared/data beside the repository, or $SOURCECHECK_SHARED_DATA."""
    default = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
    return os.environ.get("SOURCECHECK_SHARED_DATA", os.path.abspath(default))


def _bucket(key: str, modulus: int) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % modulus


def climate_fever_is_test(claim_id: str) -> bool:
    """The fixed 30% of Climate-FEVER claims kept for measurement."""
    return _bucket(str(claim_id), 10) < 3


def history_article_is_validation(article_id: str) -> bool:
    return _bucket(str(article_id), 20) == 0


def _jsonl_gz(path: str) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _detok(text: str) -> str:
    """SNLI here is tokenised ("packages ."); undo the spaces before punctuation."""
    for mark in (" .", " ,", " !", " ?", " 's", " n't", " ;", " :"):
        text = text.replace(mark, mark[1:])
    return text


def snli(split: str) -> Iterator[Pair]:
    """split: "dev-train" (90% of dev), "dev-val" (idx % 10 == 0) or "test"."""
    name = "snli_test.jsonl.gz" if split == "test" else "snli_dev.jsonl.gz"
    for row in _jsonl_gz(os.path.join(data_dir(), "snli-1.0-devtest-esnli", name)):
        if row["gold_label"] not in LABELS:
            continue
        if split == "dev-val" and row["idx"] % 10 != 0 or split == "dev-train" and row["idx"] % 10 == 0:
            continue
        yield Pair(_detok(row["sentence1"]), _detok(row["sentence2"]), LABELS.index(row["gold_label"]), "snli", f"snli-{split}-{row['idx']}")


def sick(split: str) -> Iterator[Pair]:
    """split: "train", "trial" or "test"."""
    name = {"train": "SICK_train.txt.gz", "trial": "SICK_trial.txt.gz", "test": "SICK_test_annotated.txt.gz"}[split]
    with gzip.open(os.path.join(data_dir(), "sick-2014", name), "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            label = row["entailment_judgment"].lower()
            yield Pair(row["sentence_A"], row["sentence_B"], LABELS.index(label), "sick", f"sick-{split}-{row['pair_ID']}")


def anli(split: str, rounds: tuple[str, ...] = ("R1", "R2", "R3")) -> Iterator[Pair]:
    """split: "dev" or "test"."""
    codes = {"e": ENTAILMENT, "n": NEUTRAL, "c": CONTRADICTION}
    for round_ in rounds:
        for row in _jsonl_gz(os.path.join(data_dir(), "anli-v1.0-devtest", f"{round_}_{split}.jsonl.gz")):
            yield Pair(row["context"], row["hypothesis"], codes[row["label"]], f"anli-{round_}", f"anli-{round_}-{row['uid']}")


CLIMATE_LABELS = {"SUPPORTS": ENTAILMENT, "NOT_ENOUGH_INFO": NEUTRAL, "REFUTES": CONTRADICTION}


def climate_fever_claims() -> Iterator[dict]:
    with open(os.path.join(data_dir(), "climate-fever", "climate-fever.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def climate_fever_pairs(split: str) -> Iterator[Pair]:
    """Claim vs each evidence sentence; split "train" (70%) or "test" (30%)."""
    for claim in climate_fever_claims():
        if climate_fever_is_test(claim["claim_id"]) != (split == "test"):
            continue
        for ev in claim["evidences"]:
            yield Pair(ev["evidence"], claim["claim"], CLIMATE_LABELS[ev["evidence_label"]], "climate-fever", f"cf-{ev['evidence_id']}-{claim['claim_id']}")


AVERITEC_LABELS = {"Supported": ENTAILMENT, "Not Enough Evidence": NEUTRAL, "Refuted": CONTRADICTION, "Conflicting Evidence/Cherrypicking": None}


def averitec_claims(split: str) -> list[dict]:
    """split: "train" or "dev"."""
    path = os.path.join(data_dir(), "averitec", "train.json.gz" if split == "train" else "dev.json")
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def averitec_evidence(claim: dict) -> list[str]:
    """The gold question-answer evidence as sentences: "Question? Answer." one per answer."""
    out = []
    for qa in claim.get("questions") or []:
        for answer in qa.get("answers") or []:
            text = (answer.get("answer") or "").strip()
            explanation = (answer.get("boolean_explanation") or "").strip()
            if answer.get("answer_type") == "Boolean" and explanation:
                text = f"{text}. {explanation}"
            if text:
                out.append(f"{qa['question'].strip()} {text}")
    return out


def averitec_pairs(split: str) -> Iterator[Pair]:
    """Claim vs its joined QA evidence (conflicting claims are left out: no single NLI label)."""
    for number, claim in enumerate(averitec_claims(split)):
        label = AVERITEC_LABELS[claim["label"]]
        evidence = averitec_evidence(claim)
        if label is None or not evidence:
            continue
        yield Pair(" ".join(evidence), claim["claim"], label, "averitec", f"averitec-{split}-{number}")


WICE_LABELS = {"supported": ENTAILMENT, "partially_supported": NEUTRAL, "not_supported": NEUTRAL}


def wice_claims(split: str) -> Iterator[dict]:
    """split: "dev" or "test"; the oracle chunks (the cited source cut to the relevant part)."""
    yield from _jsonl_gz(os.path.join(data_dir(), "wice-claim-devtest", f"oracle_chunks_claim_{split}.jsonl.gz"))


def wice_pairs(split: str) -> Iterator[Pair]:
    """Claim vs its oracle chunk. WiCE's "not supported" is mostly silence, so it maps to neutral."""
    for number, row in enumerate(wice_claims(split)):
        yield Pair(" ".join(row["evidence"]), row["claim"], WICE_LABELS[row["label"]], "wice", f"wice-{split}-{number}")
