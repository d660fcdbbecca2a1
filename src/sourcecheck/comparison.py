"""Several documents side by side: topics, agreeing and contradicting claims, one timeline.

    >>> from sourcecheck.comparison import compare
    >>> report = compare(["essay-1942.md", "polemic-2015.html"])                 # doctest: +SKIP
    >>> for topic in report.comparison.topics:                               # doctest: +SKIP
    ...     print(topic.label, [(p.relation, p.reason) for p in topic.pairs])

How it works (docs/comparison.md):
1. every claim of every document is embedded once (MiniLM); each pair of claims gets a
   relatedness score from that cosine, shared entities, shared words and overlapping dates
   (`topics`);
2. claims are clustered into topics by average linkage; a topic is kept when at least two
   documents speak to it;
3. each pair of claims from different documents in a topic that is related enough is judged:
   the verifier's date and number rules and our NLI model in both directions, with judgement
   (praise against blame) set apart from fact (`relations`, `evaluation`);
4. the dated claims of all documents go onto one timeline, and the places where two documents
   date the same thing differently are listed (`timeline`).

Models are injected (`Comparer(nli=..., embedder=...)`) so tests run with fakes; by default they
are the shared ones from `sourcecheck.models`, loaded on first use.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from .errors import UsageError
from .evaluation import judgement
from .relations import PairEvidence, decide
from .rule_dates import check_dates
from .quantities import find_quantities
from .rule_numbers import _normalised, agree, check_numbers, same_thing
from .rule_participants import check_participants
from .timeline import build_timeline
from .topics import RELATED, commonness, entity_keys, group, pair_features, profile, profile_features, relatedness, specific_times, times_overlap, topic_label
from .types import Claim, Comparison, ComparisonPair, ComparisonTopic, Document, DocumentResult, Report

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .pipeline import ClaimExtractor, Progress

# Each claim is compared with its PER_CLAIM most related claims in each other document (a pair
# is kept when either side ranks it so), and at most MAX_PAIRS pairs in all, the most related
# first: two long documents on one war relate hundreds of pairs loosely, most of them two
# different facts about one subject, and NLI costs 10-20 ms a pair on two cores.
PER_CLAIM = 2
# Below this MiniLM cosine two claims share neither names nor words (names and shared words
# raise the cosine well above it), so their other features are not computed: most pairs of two
# long documents, and a third of the time the features take.
UNRELATED_COSINE = 0.2
MAX_PAIRS = 150


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> "np.ndarray": ...


class NLIScorer(Protocol):
    def predict(self, pairs: list[tuple[str, str]]) -> "np.ndarray": ...


class Comparer:
    """Compares the claims of several documents. Constructing it loads nothing.

    `related` is the relatedness a pair needs to be compared (`topics.RELATED`); each claim is
    compared with its `per_claim` closest claims in each other document, and `max_pairs` bounds
    the NLI work (the most related pairs first).
    """

    def __init__(
        self, *, nli: NLIScorer | None = None, embedder: Embedder | None = None, related: float = RELATED,
        per_claim: int = PER_CLAIM, max_pairs: int = MAX_PAIRS,
    ) -> None:
        if not 0.0 < related <= 1.0:
            raise ValueError(f"related must be in (0, 1], got {related}")
        if max_pairs < 1 or per_claim < 1:
            raise ValueError(f"per_claim and max_pairs must be at least 1, got {per_claim} and {max_pairs}")
        self.per_claim = per_claim
        self._nli = nli
        self._embedder = embedder
        self.related = related
        self.max_pairs = max_pairs

    @property
    def nli(self) -> NLIScorer:
        if self._nli is None:
            from .models import nli_model

            self._nli = nli_model()
        return self._nli

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from .models import embedder

            self._embedder = embedder()
        return self._embedder

    def compare(self, documents: Sequence[DocumentResult], *, timings: dict[str, float] | None = None) -> Comparison:
        """Topics, judged pairs and the timeline for the claims of `documents` (two or more)."""
        if len(documents) < 2:
            raise UsageError(f"a comparison needs at least two documents, got {len(documents)}")
        clock = time.perf_counter()
        claims = [c for d in documents for c in d.claims]
        similarity = self._similarity(claims)
        after_embed = time.perf_counter()
        clusters = [c for c in group(similarity[0], threshold=self.related) if len({claims[i].doc_id for i in c}) >= 2]
        candidates = [(similarity[0][i][j], i, j) for cluster in clusters for n, i in enumerate(cluster) for j in cluster[n + 1 :]
                      if claims[i].doc_id != claims[j].doc_id and similarity[0][i][j] >= self.related]
        chosen = sorted(_closest(candidates, claims, self.per_claim), key=lambda t: (-t[0], t[1], t[2]))[: self.max_pairs]
        judged = self._judge([(claims[i], claims[j], similarity[1][(i, j)]) for _, i, j in chosen])
        after_pairs = time.perf_counter()
        pairs_of: dict[tuple[int, int], ComparisonPair] = {(i, j): p for (_, i, j), p in zip(chosen, judged)}
        order = {d.id: n for n, d in enumerate(documents)}
        topics = []
        for number, cluster in enumerate(sorted(clusters, key=lambda c: (-len({claims[i].doc_id for i in c}), -len(c), c[0])), 1):
            members = [claims[i] for i in cluster]
            label, entities = topic_label(members)
            by_doc: dict[str, list[str]] = {}
            for claim in sorted(members, key=lambda c: (order[c.doc_id], c.start)):
                by_doc.setdefault(claim.doc_id, []).append(claim.id)
            dated = [t for c in members for t in c.times if t.earliest is not None and t.latest is not None]
            pairs = [pairs_of[(i, j)] for n, i in enumerate(cluster) for j in cluster[n + 1 :] if (i, j) in pairs_of]
            topics.append(ComparisonTopic(
                id=f"t{number}", label=label, entities=entities,
                earliest=min((t.earliest for t in dated), default=None), latest=max((t.latest for t in dated), default=None),  # type: ignore[type-var]
                claims=by_doc, pairs=sorted(pairs, key=_pair_order),
            ))
        timeline, conflicts = build_timeline(documents, topics, claims)
        if timings is not None:
            timings["compare_embed"] = timings.get("compare_embed", 0.0) + after_embed - clock
            timings["compare_pairs"] = timings.get("compare_pairs", 0.0) + after_pairs - after_embed
            timings["compare"] = timings.get("compare", 0.0) + time.perf_counter() - clock
        return Comparison(
            documents=[d.id for d in documents], topics=topics, timeline=timeline, date_conflicts=conflicts,
            settings={"related": self.related, "per_claim": self.per_claim, "max_pairs": self.max_pairs, "claims": len(claims),
                      "related_pairs": len(candidates), "judged_pairs": len(chosen)},
        )

    def relate(self, pairs: Sequence[tuple[Claim, Claim]]) -> list[ComparisonPair | None]:
        """Judge given claim pairs; None for a pair that is not about the same thing.

        >>> comparer.relate([(claim_a, claim_b)])[0].relation                    # doctest: +SKIP
        <Relation.CONTRADICT: 'CONTRADICT'>
        """
        if not pairs:
            return []
        texts = list(dict.fromkeys(c.text for pair in pairs for c in pair))
        vectors = self.embedder.embed(texts)
        row = {t: i for i, t in enumerate(texts)}
        related = []
        for a, b in pairs:
            cosine = float(vectors[row[a.text]] @ vectors[row[b.text]])
            features = pair_features(a, b, cosine=cosine)
            related.append((a, b, features) if relatedness(features) >= self.related else None)
        judged = iter(self._judge([r for r in related if r is not None]))
        return [next(judged) if r is not None else None for r in related]

    def _similarity(self, claims: list[Claim]) -> tuple[list[list[float]], dict[tuple[int, int], Any]]:
        """Relatedness of every pair of claims (a full matrix for clustering) and the features of
        the cross-document pairs."""
        n = len(claims)
        matrix = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
        features: dict[tuple[int, int], Any] = {}
        if n < 2:
            return matrix, features
        vectors = self.embedder.embed([c.text for c in claims])
        cosines = (vectors @ vectors.T).tolist()
        common = commonness(claims)
        profiles = [profile(c, common) for c in claims]
        for i in range(n):
            for j in range(i + 1, n):
                if cosines[i][j] < UNRELATED_COSINE:
                    matrix[i][j] = matrix[j][i] = max(0.0, cosines[i][j])
                    continue
                f = profile_features(profiles[i], profiles[j], cosine=cosines[i][j])
                matrix[i][j] = matrix[j][i] = relatedness(f)
                if claims[i].doc_id != claims[j].doc_id:
                    features[(i, j)] = f
        return matrix, features

    def _judge(self, triples: Sequence[tuple[Claim, Claim, Any]]) -> list[ComparisonPair]:
        """Rules and judgement for each pair; NLI (one batch, the longer claim as premise) for
        the pairs they leave open, and the other way round for those it calls contradictory;
        then the decision."""
        if not triples:
            return []
        evidence = [PairEvidence(
            premise="b" if len(b.text.split()) > len(a.text.split()) else "a",
            rules=tuple(_rules(a, b)),
            shared_event=any(k.startswith("event/") for k in set(entity_keys(a)) & set(entity_keys(b))),
            cosine=features.cosine,
            values=values(a, b),
            judgement_a=judgement(a.text, opinion=a.kind == "opinion"),
            judgement_b=judgement(b.text, opinion=b.kind == "opinion"),
            extra={"topic": features.as_dict() | {"relatedness": round(relatedness(features), 4)}},
        ) for a, b, features in triples]
        texts = [(a.text, b.text) for a, b, _ in triples]
        ask = [n for n, e in enumerate(evidence) if not e.decided_without_nli()]
        for n, probs in zip(ask, self._predict([texts[n][::-1] if evidence[n].premise == "b" else texts[n] for n in ask])):
            evidence[n] = replace(evidence[n], nli=probs)
        again = [n for n, e in enumerate(evidence) if e.wants_reverse()]
        for n, probs in zip(again, self._predict([texts[n] if evidence[n].premise == "b" else texts[n][::-1] for n in again])):
            evidence[n] = replace(evidence[n], nli_reverse=probs)
        out = []
        for (a, b, _), e in zip(triples, evidence):
            relation, confidence, reason = decide(e)
            out.append(ComparisonPair(a=a.id, b=b.id, doc_a=a.doc_id, doc_b=b.doc_id, relation=relation,
                                      confidence=confidence, reason=reason, checks=e.checks()))
        return out

    def _predict(self, pairs: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
        """NLI probabilities, one pair per model call. The int8 model quantises its activations
        per batch, so a pair's probabilities shift with the other pairs beside it (a borderline
        pair of two Wikipedia articles went from CONTRADICT to AGREE when other pairs were left
        out); alone, a pair always gets the same answer, whatever else is compared. It costs
        about a third more NLI time."""
        return [tuple(float(x) for x in self.nli.predict([pair])[0]) for pair in pairs]  # type: ignore[misc]


def _closest(candidates: list[tuple[float, int, int]], claims: Sequence[Claim], per_claim: int) -> list[tuple[float, int, int]]:
    """The candidate pairs that rank among the `per_claim` most related of either of their claims
    (counted per other document)."""
    ranked: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for pair in candidates:
        _, i, j = pair
        ranked.setdefault((i, claims[j].doc_id), []).append(pair)
        ranked.setdefault((j, claims[i].doc_id), []).append(pair)
    keep = {p for group in ranked.values() for p in sorted(group, key=lambda t: (-t[0], t[1], t[2]))[:per_claim]}
    return [p for p in candidates if p in keep]


def _rules(a: Claim, b: Claim) -> list[Any]:
    """The verifier's rules with each claim in turn as the other's evidence; one result per rule,
    a mismatch in either direction first (the rules' topic gates are asymmetric: a short claim
    is covered by a long one, not the reverse)."""
    found: dict[str, Any] = {}
    for x, y in ((a, b), (b, a)):
        for result in (check_dates(x.text, x.times, y.text, y.times), check_numbers(x.text, y.text),
                       check_participants(x.text, x.mentions, y.text, y.mentions)):
            if result is None:
                continue
            if result.rule not in found or (result.outcome == "mismatch" and found[result.rule].outcome != "mismatch"):
                found[result.rule] = result
    return list(found.values())


def values(a: Claim, b: Claim) -> str | None:
    """Do the two claims' dates and counts fit? "agree" when every comparison fits, "differ" when
    one does not, None when there is nothing to compare. Unlike the rules this asks nothing of
    the surrounding words: the pair is already known to be about one topic, and it only tempers
    NLI ("1 September 1939" / "the first of September 1939").

    Dates fit when they share a day; counts of the same thing (`rule_numbers.same_thing`) fit
    within the number rule's tolerance.
    """
    found: list[bool] = []
    ta, tb = specific_times(a), specific_times(b)
    if ta and tb:
        found.append(times_overlap(ta, tb))
    theirs = [_normalised(q) for q in find_quantities(b.text) if q.unit]
    for q in (_normalised(q) for q in find_quantities(a.text) if q.unit):
        same = [e for e in theirs if same_thing(q, e)]
        if same:
            found.append(any(agree(q, e) for e in same))
    if not found:
        return None
    return "agree" if all(found) else "differ"


_RELATION_ORDER = {"CONTRADICT": 0, "EVALUATION_CONTRAST": 1, "AGREE": 2, "COMPLEMENT": 3}


def _pair_order(p: ComparisonPair) -> tuple[int, float]:
    return _RELATION_ORDER[p.relation.value], -p.confidence


def comparable(claim: Claim) -> bool:
    """Claims worth comparing: the check-worthy ones, and judgements (which the check-worthiness
    filter drops as opinions, but which are where texts most often part ways)."""
    return claim.checkworthy or judgement(claim.text, opinion=claim.kind == "opinion").evaluative


def compare(
    sources: Any,
    *,
    published: str | None = None,
    max_chars: int | None = None,
    extractor: "ClaimExtractor | None" = None,
    comparer: Comparer | None = None,
    progress: "Progress | None" = None,
) -> Report:
    """Extract the claims of two or more documents and compare them.

    `sources` is a list of what `extract_claims` takes (paths, '-', texts, Documents). The report
    lists each document's check-worthy claims and the judgements compared beside them, and its
    `comparison` holds the topics, pairs and timeline.

    >>> report = compare(["The Winter War began on 30 November 1939.",
    ...                   "The Soviet attack on Finland that began the Winter War came in January 1940."])
    >>> report.comparison.topics[0].pairs[0].relation                            # doctest: +SKIP
    <Relation.CONTRADICT: 'CONTRADICT'>
    """
    from .pipeline import extract_claims, load

    items = list(sources) if isinstance(sources, list | tuple) else [sources]
    if len(items) < 2:
        raise UsageError(f"compare needs at least two documents, got {len(items)}; give two or more files")
    # Read every document before any model loads: a missing file or a duplicate fails at once.
    loaded = _distinct([load(item, published=published, max_chars=max_chars) for item in items])
    report = extract_claims(loaded, include_all=True, extractor=extractor, progress=progress)
    documents = [d.model_copy(update={"claims": [c for c in d.claims if comparable(c)]}) for d in report.documents]
    comparer = comparer or Comparer()
    timings: dict[str, float] = {}
    comparison = comparer.compare(documents, timings=timings)
    run = report.run.model_copy(update={
        "settings": report.run.settings | {"published": published, "include_all": False, "max_chars": max_chars, "compare": comparison.settings},
        "timings": report.run.timings | {k: round(v, 4) for k, v in timings.items()},
    })
    return Report(documents=documents, run=run, comparison=comparison)


def _distinct(documents: list[Document]) -> list[Document]:
    seen: dict[str, str] = {}
    for d in documents:
        if d.id in seen:
            raise UsageError(f"{d.source} has the same text as {seen[d.id]}; compare needs different documents")
        seen[d.id] = d.source
    return documents


def claims_from_texts(texts: Sequence[str], *, doc_id: str, nlp: Any | None = None, tag_times: Callable[..., list[Any]] | None = None) -> list[Claim]:
    """One Claim per text, as a sentence of its own (mentions, dates and kind found the way the
    claim extractor finds them, without splitting the sentence): for comparing given statements.

    >>> claims_from_texts(["The Winter War began on 30 November 1939."], doc_id="a")[0].times[0].earliest   # doctest: +SKIP
    datetime.date(1939, 11, 30)
    """
    from .analysis import mentions_from
    from .claim_kinds import classify
    from .claims import _subject, claim_id

    if nlp is None:
        from .models import spacy_pipeline

        nlp = spacy_pipeline()
    if tag_times is None:
        from .dates import tag_times
    out = []
    for text, doc in zip(texts, nlp.pipe(list(texts))):
        sentence = next(iter(doc.sents))
        kind = classify(sentence, subject=_subject(sentence.root), root=sentence.root)
        out.append(Claim(
            id=claim_id(doc_id, 0, len(text), text), doc_id=doc_id, start=0, end=len(text), text=text, source_text=text,
            checkworthiness=1.0, checkworthy=True, kind=kind, mentions=mentions_from(doc), times=tag_times(text, document_date=None),
        ))
    return out
