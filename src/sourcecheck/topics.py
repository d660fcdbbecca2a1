"""Which claims of different documents are about the same event or subject.

Two claims are related when they share what they are about: the same entities (by canonical id,
or by name for entities the gazetteer does not know), overlapping times, the same content words,
and a close meaning (MiniLM cosine). `relatedness` folds these into one score in [0, 1]; claims
whose score passes `RELATED` are paired, and `group` clusters all claims into topics by average
linkage (chains of loosely related claims do not merge into one giant topic). A topic is kept
when it holds claims from at least two documents.

    >>> features = pair_features(claim_a, claim_b, cosine=0.71)          # doctest: +SKIP
    >>> relatedness(features) >= RELATED                                # doctest: +SKIP
    True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .entities import fold, slug
from .evidence_sentences import _STOP, content_terms
from .types import Claim, Mention, Precision, TimeRef

# The score a pair must reach to be compared (and two clusters to merge). Set by hand on the
# tuning third of bench/data/comparison_pairs.jsonl (see COMPARISON_PAIRS.md), never on the test
# pairs.
RELATED = 0.6
# The cosine carries most of the evidence (paraphrases share few words); shared entities and
# words lift the pairs that state different facts about one event, which the embedder scores low.
W_ENTITIES = 0.35
W_TERMS = 0.15
# Shared time only helps: two accounts of one event may date it differently (that is what the
# date rule is for), so disjoint dates must not pull a pair apart.
TIME_BONUS = 0.05
_COARSE = {Precision.OPEN, Precision.CENTURY, Precision.DECADE}
# Entities named in nearly every text on a war ("the Soviet Union", "Germany") say little about
# which event a claim is about; kinds weigh accordingly.
KIND_WEIGHT = {"event": 1.0, "person": 1.0, "organisation": 0.8, "place": 0.7, "group": 0.5}
_NAME_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def entity_key(mention: Mention) -> str:
    """Canonical id when the gazetteer knows the entity; otherwise its folded name, so that
    "the Finno-Soviet War" in one document meets "the Finno-Soviet War" in another."""
    if mention.entity_id and not mention.entity_id.startswith("doc/"):
        return mention.entity_id
    return slug(mention.text)


def entity_keys(claim: Claim, common: dict[str, float] | None = None) -> dict[str, float]:
    """The claim's entities with their weights (kind weight times `common`'s factor, if given)."""
    out: dict[str, float] = {}
    for m in claim.mentions:
        key = entity_key(m)
        if key:
            weight = KIND_WEIGHT.get(m.kind, 0.5) * (common.get(key, 1.0) if common else 1.0)
            out[key] = max(out.get(key, 0.0), weight)
    return {k: w for k, w in out.items() if w > 0}


def name_words(claim: Claim, common: dict[str, float] | None = None) -> set[str]:
    """Folded words of the claim's names and of their canonical ids: "Stalingrad" meets
    "Battle of Stalingrad", "Hitler" meets "Adolf Hitler". Words of names that `common` rates
    at half weight or less ("soviet", "union" in a text on the Soviet Union) are left out."""
    out: set[str] = set()
    for m in claim.mentions:
        out |= {w for w in _NAME_WORD.findall(fold(m.text)) if w not in _STOP}
        if m.entity_id and not m.entity_id.startswith("doc/"):
            out |= {w for w in m.entity_id.split("/")[-1].split("-") if len(w) >= 3 and w not in _STOP}
    if common:
        out = {w for w in out if common.get(f"word:{w}", 1.0) > 0.5}
    return out


# Commonness only means something over enough claims; two claims share everything they share.
MIN_CLAIMS_FOR_COMMONNESS = 8
# An entity named by at most this share of the claims keeps its full weight.
RARE_SHARE = 0.25


def commonness(claims: Sequence[Claim]) -> dict[str, float]:
    """A weight factor for each entity (`word:` for each name word, `term:` for each content
    word) by how many of the claims use it: 1 up to RARE_SHARE of the claims, falling to 0 for an entity in all of them.
    Two documents on the German-Soviet war both name the Soviet Union in half their claims; that
    shared name says nothing about which event two claims are about.

    >>> commonness([])
    {}
    """
    import math

    n = len(claims)
    if n < MIN_CLAIMS_FOR_COMMONNESS:
        return {}
    counts: Counter[str] = Counter()
    for claim in claims:
        counts.update(set(entity_keys(claim)))
        counts.update(f"word:{w}" for w in name_words(claim))
        counts.update(f"term:{t}" for t in _terms(claim))
    floor = math.log(1 / RARE_SHARE)
    return {key: min(1.0, math.log(n / df) / floor) for key, df in counts.items() if df / n > RARE_SHARE}


def specific_times(claim: Claim) -> list[TimeRef]:
    return [t for t in claim.times if t.precision not in _COARSE and t.earliest is not None and t.latest is not None]


def times_overlap(a: Sequence[TimeRef], b: Sequence[TimeRef]) -> bool:
    return any(x.earliest <= y.latest and y.earliest <= x.latest for x in a for y in b)  # type: ignore[operator]


def _terms(claim: Claim) -> set[str]:
    """Content words without dates and numbers (those are what accounts disagree on)."""
    text = claim.text
    for t in claim.times:
        text = text.replace(t.text, " ")
    return {t for t in content_terms(text) if not t.isdigit()}


@dataclass(frozen=True)
class PairFeatures:
    """What two claims share: cosine of their embeddings, weighted share of entities, share of
    content words, whether their specific dates overlap."""

    cosine: float
    entities: float
    terms: float
    time_overlap: bool
    shared: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"cosine": round(self.cosine, 4), "entities": round(self.entities, 4), "terms": round(self.terms, 4),
                "time_overlap": self.time_overlap, "shared_entities": list(self.shared)}


def _share(a: set[str], b: set[str]) -> float:
    """Overlap over the smaller side: a short claim wholly inside a long one shares fully."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class Profile:
    """What a claim is about, computed once per claim: weighted entities, name words, content
    words, specific dates."""

    keys: dict[str, float]
    names: frozenset[str]
    terms: frozenset[str]
    times: tuple[TimeRef, ...]


def profile(claim: Claim, common: dict[str, float] | None = None) -> Profile:
    """The claim's profile; with `common`, the words most claims use are left out of its terms."""
    terms = _terms(claim)
    if common:
        terms = {t for t in terms if common.get(f"term:{t}", 1.0) > 0.5}
    return Profile(entity_keys(claim, common), frozenset(name_words(claim, common)), frozenset(terms), tuple(specific_times(claim)))


def profile_features(a: Profile, b: Profile, *, cosine: float) -> PairFeatures:
    ka, kb = a.keys, b.keys
    shared = sorted(set(ka) & set(kb))
    entities = 0.0
    if ka and kb:
        # Dice over weights: one broad entity shared by a claim that names nothing else and a
        # claim that names four is a small part of what the two are about.
        weight = sum(min(ka[k], kb[k]) for k in shared)
        entities = 2 * weight / (sum(ka.values()) + sum(kb.values()))
    # Names that differ in form but not in words ("Stalingrad" / "Battle of Stalingrad").
    entities = max(entities, 0.8 * _share(set(a.names), set(b.names)))
    time = times_overlap(a.times, b.times)
    return PairFeatures(float(cosine), min(1.0, entities), _share(set(a.terms), set(b.terms)), time, tuple(shared))


def pair_features(a: Claim, b: Claim, *, cosine: float, common: dict[str, float] | None = None) -> PairFeatures:
    """What `a` and `b` share; `common` (from `commonness`) discounts entities most claims name."""
    return profile_features(profile(a, common), profile(b, common), cosine=cosine)


def relatedness(f: PairFeatures) -> float:
    """How surely two claims are about the same thing, in [0, 1]."""
    score = f.cosine + W_ENTITIES * f.entities + W_TERMS * f.terms
    if f.time_overlap:
        score += TIME_BONUS
    return max(0.0, min(1.0, score))


def group(similarity: Sequence[Sequence[float]], *, threshold: float = RELATED) -> list[list[int]]:
    """Average-linkage clusters: two clusters merge while the mean similarity between their
    members is at least `threshold` (the most similar pair of clusters first).

    >>> group([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]], threshold=0.5)
    [[0, 1], [2]]
    """
    import numpy as np

    n = len(similarity)
    if n == 0:
        return []
    # Sums of similarities between clusters; merging adds rows and columns, so one merge costs
    # O(k) and the whole clustering O(n^3) at worst in numpy, ~0.1 s for 300 claims.
    sums = np.array(similarity, dtype=np.float64)
    np.fill_diagonal(sums, 0.0)
    sizes = np.ones(n)
    members: list[list[int] | None] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        link = sums / np.outer(sizes, sizes)
        link[~alive, :] = -1.0
        link[:, ~alive] = -1.0
        np.fill_diagonal(link, -1.0)
        i, j = divmod(int(np.argmax(link)), n)
        if link[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        sums[i, i] = 0.0
        sizes[i] += sizes[j]
        alive[j] = False
        members[i] = sorted(members[i] + members[j])  # type: ignore[operator]
        members[j] = None
    return sorted((m for m in members if m is not None), key=lambda c: c[0])


def topic_label(claims: Sequence[Claim]) -> tuple[str, list[str]]:
    """A readable name for a topic and its main entities: the entity most of its documents name
    (the most specific kind first), and the years its claims are dated to.

    >>> topic_label([winter_war_claim, finland_claim])[0]                   # doctest: +SKIP
    'Winter War · 1939'
    """
    docs_naming: dict[str, set[str]] = {}
    claims_naming: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {}
    weights: dict[str, float] = {}
    for claim in claims:
        for m in claim.mentions:
            key = entity_key(m)
            docs_naming.setdefault(key, set()).add(claim.doc_id)
            names.setdefault(key, Counter())[m.text.removeprefix("the ").removeprefix("The ")] += 1
            weights[key] = max(weights.get(key, 0.0), KIND_WEIGHT.get(m.kind, 0.5))
        claims_naming.update({entity_key(m) for m in claim.mentions})
    # Named by the most documents, then by the most claims (an event counting more than a place).
    ranked = sorted(docs_naming, key=lambda k: (-len(docs_naming[k]), -claims_naming[k] * weights[k], k))
    entities = ranked[:3]
    if entities:
        name = names[entities[0]].most_common(1)[0][0]
    else:
        words = Counter(w for c in claims for w in _NAME_WORD.findall(c.text.lower()) if w not in _STOP)
        name = " ".join(w for w, _ in words.most_common(3)) or "untitled"
    years = _main_years(claims)
    if years:
        span = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        return f"{name} · {span}", entities
    return name, entities


def _main_years(claims: Sequence[Claim]) -> list[int]:
    """The years a topic is mostly about: those at least a third of its dated claims fall in
    (else the single most common year), so that one claim on 1809 does not stretch the label of
    a topic on 1939-1940."""
    per_claim = [{y for t in specific_times(c) for y in range(t.earliest.year, t.latest.year + 1)} for c in claims]  # type: ignore[union-attr]
    per_claim = [years for years in per_claim if years]
    if not per_claim:
        return []
    counts = Counter(y for years in per_claim for y in years)
    main = sorted(y for y, n in counts.items() if n * 3 >= len(per_claim))
    return main or [min(counts, key=lambda y: (-counts[y], y))]
