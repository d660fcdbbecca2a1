"""Claims -> verdicts: retrieve passages, cut them into windows, score them, decide.

For a batch of claims the verifier
1. retrieves the `k` best passages for each claim (hybrid BM25 + dense, `retrieval.Retriever`);
2. cuts them into sentence windows and keeps the `windows` that cover most of the claim
   (`evidence_sentences`);
3. scores every (window, claim) pair with the NLI cross-encoder in one batch, and runs the date,
   number and participant rules on each window (`rule_*`);
4. turns each claim's assessed windows into a `Verdict` (`verdicts`).

Models load once, on first use, and are shared across calls; everything is injectable so tests
run with fakes.

    >>> verifier = Verifier(open_store("store.db"))                             # doctest: +SKIP
    >>> verifier.verify([ClaimInput("The Winter War began in December 1939.")])[0].label
    <Label.REFUTED: 'REFUTED'>
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .evidence_sentences import Window, candidate_windows
from .models import titled_premise
from .rule_dates import check_dates
from .rule_numbers import check_numbers
from .rule_participants import RULE_KINDS, check_participants
from .types import Mention, ModelInfo, SearchHit, TimeRef, Verdict
from .verdicts import Assessment, Thresholds, default_thresholds, on_topic, verdict

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .llm_judge import LLMJudge
    from .store import EvidenceStore


class NLIScorer(Protocol):
    """P(entailment, neutral, contradiction) for (premise, hypothesis) pairs, shape (n, 3)."""

    def predict(self, pairs: list[tuple[str, str]]) -> "np.ndarray": ...

    def info(self) -> ModelInfo: ...


class Searcher(Protocol):
    def search_many(self, queries: Sequence[str], *, k: int = 10) -> list[list[SearchHit]]: ...


MentionFinder = Callable[[list[str]], list[list[Mention]]]
TimeTagger = Callable[..., list[TimeRef]]


@dataclass(frozen=True)
class ClaimInput:
    """A claim to verify. `times` and `mentions` are found from the text when not given (the
    claim extractor gives them); `published` anchors relative dates ("last year")."""

    text: str
    times: list[TimeRef] | None = None
    mentions: list[Mention] | None = None
    published: TimeRef | None = None


def spacy_mentions(texts: list[str]) -> list[list[Mention]]:
    """People, places, organisations, groups and events in each text (the shared spaCy model)."""
    from .analysis import mentions_from
    from .models import spacy_pipeline

    nlp = spacy_pipeline()
    return [mentions_from(doc) for doc in nlp.pipe(texts, disable=["parser", "lemmatizer"])]


class Verifier:
    """Verifies claims against an evidence store.

    `k` passages are retrieved per claim and cut into at most `windows` windows for NLI; `nli`,
    `searcher`, `find_mentions` and `tag_times` default to the shared models (loaded lazily).
    """

    def __init__(
        self,
        store: "EvidenceStore | None" = None,
        *,
        searcher: Searcher | None = None,
        nli: NLIScorer | None = None,
        find_mentions: MentionFinder | None = None,
        tag_times: TimeTagger | None = None,
        k: int = 8,
        windows: int = 12,
        thresholds: Thresholds | None = None,
        llm: "LLMJudge | None" = None,
    ) -> None:
        if store is None and searcher is None:
            raise ValueError("give an evidence store or a searcher")
        if k < 1 or windows < 1:
            raise ValueError(f"k and windows must be at least 1, got k={k}, windows={windows}")
        self._store = store
        self._searcher = searcher
        self._nli = nli
        self._find_mentions = find_mentions
        self._tag_times = tag_times
        self.k = k
        self.windows = windows
        self.thresholds = thresholds or default_thresholds()
        self.llm = llm

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            from .retrieval import Retriever

            self._searcher = Retriever(self._store)
        return self._searcher

    @property
    def nli(self) -> NLIScorer:
        if self._nli is None:
            from .models import nli_model

            self._nli = nli_model()
        return self._nli

    @property
    def find_mentions(self) -> MentionFinder:
        return self._find_mentions or spacy_mentions

    @property
    def tag_times(self) -> TimeTagger:
        if self._tag_times is None:
            from .dates import tag_times

            self._tag_times = tag_times
        return self._tag_times

    def models(self) -> list[ModelInfo]:
        models = [self.nli.info()]
        if self.llm is not None:
            models.append(ModelInfo(name=f"LLM judge {self.llm.model}", version=self.llm.url))
        return models

    def verify(self, claims: Sequence[ClaimInput], *, timings: dict[str, float] | None = None) -> list[Verdict]:
        """One verdict per claim, in order."""
        claims = list(claims)
        assessed, retrieval = self.assess(claims, timings=timings)
        verdicts = [verdict(a, thresholds=self.thresholds, retrieval=r) for a, r in zip(assessed, retrieval)]
        if self.llm is not None:
            verdicts = [self._second_opinion(c, v) for c, v in zip(claims, verdicts)]
        return verdicts

    def _second_opinion(self, claim: ClaimInput, local: Verdict) -> Verdict:
        """The LLM's answer beside the local verdict, in `checks["llm"]`; the label stays ours."""
        assert self.llm is not None
        answer = self.llm.judge(claim.text, local.evidence)
        if answer.get("label"):
            answer["agrees"] = answer["label"] == local.label.value
        return local.model_copy(update={"checks": local.checks | {"llm": answer}})

    def assess(self, claims: Sequence[ClaimInput], *, timings: dict[str, float] | None = None) -> tuple[list[list[Assessment]], list[dict[str, int]]]:
        """Each claim's scored evidence windows (what `verify` decides on), and retrieval counts."""
        claims = list(claims)
        if not claims:
            return [], []
        clock = time.perf_counter()
        hits = self.searcher.search_many([c.text for c in claims], k=self.k)
        windows = [candidate_windows(c.text, h, limit=self.windows) for c, h in zip(claims, hits)]
        after_search = time.perf_counter()
        titled = getattr(self.nli, "premise_titles", False)
        pairs = [(titled_premise(w.hit.title, w.text) if titled else w.text, c.text) for c, ws in zip(claims, windows) for w in ws]
        probs = self.nli.predict(pairs) if pairs else []
        after_nli = time.perf_counter()
        assessed = self._assess(claims, windows, probs)
        if timings is not None:
            end = time.perf_counter()
            timings["retrieve"] = timings.get("retrieve", 0.0) + after_search - clock
            timings["nli"] = timings.get("nli", 0.0) + after_nli - after_search
            timings["rules"] = timings.get("rules", 0.0) + end - after_nli
        return assessed, [{"passages": len(h), "windows": len(w)} for h, w in zip(hits, windows)]

    def _assess(self, claims: list[ClaimInput], windows: list[list[Window]], probs: Any) -> list[list[Assessment]]:
        need_mentions = [c.text for c in claims if c.mentions is None]
        found_claims = iter(self.find_mentions(need_mentions)) if need_mentions else iter(())
        claim_mentions = [c.mentions if c.mentions is not None else next(found_claims) for c in claims]
        # Only the participant rule reads the windows' names, and only for claims that name a
        # person or place: the rest need no parse (a third of the time on a typical essay).
        named = [any(m.kind in RULE_KINDS for m in mentions) for mentions in claim_mentions]
        window_texts = [w.text for ws, wanted in zip(windows, named) if wanted for w in ws]
        found = iter(self.find_mentions(window_texts)) if window_texts else iter(())
        out: list[list[Assessment]] = []
        row = 0
        for claim, mentions, ws, wanted in zip(claims, claim_mentions, windows, named):
            times = claim.times if claim.times is not None else self.tag_times(claim.text, document_date=claim.published)
            assessed = []
            for w in ws:
                w_mentions = next(found) if wanted else []
                # The date rule needs the window's dates only when the claim has dates of its own.
                w_times = self.tag_times(w.text, document_date=None) if times else []
                rules = [r for r in (
                    check_dates(claim.text, times, w.text, w_times, title=w.hit.title),
                    check_numbers(claim.text, w.text, title=w.hit.title),
                    check_participants(claim.text, mentions, w.text, w_mentions, title=w.hit.title),
                ) if r is not None]
                e, n, c = (float(x) for x in probs[row])
                row += 1
                topical = on_topic(claim.text, w.text, self.thresholds)
                assessed.append(Assessment(w, e, n, c, tuple(rules), topical, self.thresholds.full_coverage))
            out.append(assessed)
        return out

