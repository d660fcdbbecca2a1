"""Deterministic stand-ins for the verifier's models: an NLI model made of word overlap and
negation, a hashed-word embedder, and a mention finder over a fixed list of names."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from sourcecheck.evidence_sentences import content_terms
from sourcecheck.types import Mention, ModelInfo, SourceDocument

DIM = 64
NAMES = {
    "Churchill": "person", "Roosevelt": "person", "Stalin": "person", "Molotov": "person", "Ribbentrop": "person",
    "Moscow": "place", "Yalta": "place", "Tehran": "place", "Finland": "place", "Stalingrad": "place",
}
_NEGATION = re.compile(r"\b(?:not|never|no)\b", re.I)


class OverlapNLI:
    """Entailment when the premise holds (nearly) every content word of the hypothesis,
    contradiction when it does but exactly one side is negated, neutral otherwise."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, str]]] = []

    def predict(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        self.calls.append(list(pairs))
        out = []
        for premise, hypothesis in pairs:
            terms = content_terms(_NEGATION.sub(" ", hypothesis))
            covered = len(terms & content_terms(premise)) / max(len(terms), 1)
            negated = bool(_NEGATION.search(premise)) != bool(_NEGATION.search(hypothesis))
            if covered >= 0.9 and not negated:
                out.append([0.92, 0.06, 0.02])
            elif covered >= 0.7 and negated:
                out.append([0.03, 0.05, 0.92])
            else:
                out.append([0.05, 0.9, 0.05])
        return np.array(out, dtype=np.float32).reshape(len(pairs), 3)

    def info(self) -> ModelInfo:
        return ModelInfo(name="overlap NLI fake", version="0")


class HashedEmbedder:
    def embed(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            v = np.zeros(DIM, dtype=np.float32)
            for w in re.findall(r"\w+", text.lower()):
                v[int(hashlib.sha256(w.encode()).hexdigest(), 16) % DIM] += 1.0
            n = np.linalg.norm(v)
            rows.append(v / n if n else v)
        return np.stack(rows) if rows else np.zeros((0, DIM), np.float32)


def find_names(texts: list[str]) -> list[list[Mention]]:
    out = []
    for text in texts:
        found = []
        for name, kind in NAMES.items():
            for m in re.finditer(rf"\b{name}\b", text):
                found.append(Mention(start=m.start(), end=m.end(), text=name, kind=kind, entity_id=f"{kind}/{name.lower()}"))
        out.append(sorted(found, key=lambda m: m.start))
    return out


def source(source_id: str, title: str, text: str) -> SourceDocument:
    return SourceDocument(id=source_id, title=title, text=text, url=f"https://example.org/{source_id}", licence="CC BY-SA 4.0", attribution=f"{title}, Example Encyclopedia")


WINTER_WAR = source(
    "winter-war", "Winter War",
    "The Winter War was a war between the Soviet Union and Finland. The Winter War began on 30 November 1939, "
    "three months after the outbreak of the Second World War. It ended with the Moscow Peace Treaty on 13 March 1940. "
    "Finland ceded 11 percent of its territory to the Soviet Union.",
)
MOSCOW_1944 = source(
    "moscow-1944", "Fourth Moscow Conference",
    "The Fourth Moscow Conference was held in October 1944. At the conference Churchill met Stalin in Moscow. "
    "They agreed on the percentages agreement for the Balkans.",
)
STALINGRAD = source(
    "stalingrad", "Battle of Stalingrad",
    "The Battle of Stalingrad lasted from August 1942 to February 1943. About 91,000 German soldiers surrendered at Stalingrad. "
    "The German Sixth Army was destroyed.",
)
PACT_FOR = source("pact-a", "Pact (one account)", "The pact was signed in Moscow by Molotov and Ribbentrop.")
PACT_AGAINST = source("pact-b", "Pact (another account)", "The pact was not signed in Moscow by Molotov and Ribbentrop.")
UNRELATED = source("tea", "Tea", "Tea is an aromatic beverage prepared by pouring hot water over cured leaves.")
