"""Claim-verification sets with their evidence given, and the searcher that serves that evidence.

Each item is `Item(id, claim, gold, evidence)` with `evidence` a list of (title, text) and `gold`
one of the four verdict labels. `GivenEvidence` hands each claim its own evidence as SearchHits
(one source per evidence text), so the same `Verifier` code path judges them as it judges
retrieved passages. Readers and held-out rules come from scripts/nli_datasets.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
import nli_datasets as ds  # noqa: E402

from sourcecheck.types import SearchHit  # noqa: E402

LABELS = ("SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE", "CONFLICTING")


@dataclass(frozen=True)
class Item:
    id: str
    claim: str
    gold: str
    evidence: tuple[tuple[str, str], ...]


CLIMATE = {"SUPPORTS": "SUPPORTED", "REFUTES": "REFUTED", "NOT_ENOUGH_INFO": "NOT_ENOUGH_EVIDENCE", "DISPUTED": "CONFLICTING"}
AVERITEC = {"Supported": "SUPPORTED", "Refuted": "REFUTED", "Not Enough Evidence": "NOT_ENOUGH_EVIDENCE", "Conflicting Evidence/Cherrypicking": "CONFLICTING"}
WICE = {"supported": "SUPPORTED", "partially_supported": "NOT_ENOUGH_EVIDENCE", "not_supported": "NOT_ENOUGH_EVIDENCE"}


def climate_fever(split: str) -> list[Item]:
    """split "test": the fixed 30% (sha256(claim_id) % 10 < 3); "train": the rest."""
    out = []
    for c in ds.climate_fever_claims():
        if ds.climate_fever_is_test(c["claim_id"]) != (split == "test"):
            continue
        evidence = tuple((e["article"], e["evidence"]) for e in c["evidences"])
        out.append(Item(f"cf-{c['claim_id']}", c["claim"], CLIMATE[c["claim_label"]], evidence))
    return out


def averitec(split: str) -> list[Item]:
    out = []
    for n, c in enumerate(ds.averitec_claims(split)):
        evidence = tuple(("", text) for text in ds.averitec_evidence(c))  # untitled: question-answer pairs
        out.append(Item(f"averitec-{split}-{n}", c["claim"], AVERITEC[c["label"]], evidence))
    return out


def wice(split: str) -> list[Item]:
    """WiCE claims against their cited source (the oracle chunk). Its "partially supported" and
    "not supported" both mean the source does not support the whole claim."""
    out = []
    for n, row in enumerate(ds.wice_claims(split)):
        out.append(Item(f"wice-{split}-{n}", row["claim"], WICE[row["label"]], (("", " ".join(row["evidence"])),)))  # untitled: the cited web page
    return out


class GivenEvidence:
    """A searcher that returns each claim's own evidence, in order, instead of searching."""

    def __init__(self, items: Sequence[Item]) -> None:
        self._by_claim = {item.claim: item for item in items}

    def search_many(self, queries: Sequence[str], *, k: int = 10) -> list[list[SearchHit]]:
        out = []
        for query in queries:
            item = self._by_claim[query]
            hits = []
            for n, (title, text) in enumerate(item.evidence):
                hits.append(SearchHit(passage_id=f"{item.id}:{n}", source_id=f"{item.id}:{n}", title=title, text=text, start=0, end=len(text), score=1.0 / (n + 1)))
            out.append(hits)
        return out
