"""The first half of the pipeline: ingest -> analyse -> extract claims -> Report.

    >>> from sourcecheck.pipeline import extract_claims
    >>> report = extract_claims("essay.txt", published="1942-02")
    >>> [c.text for c in report.documents[0].claims]

Stages are injected (`ClaimExtractor(nlp=..., scorer=..., tag_times=..., rhetoric=...)`) so tests
can run them with fakes; by default they are the shared models, loaded once per process. Rhetoric
(persuasion techniques, `sourcecheck.rhetoric`) is a layer of its own on each DocumentResult,
never mixed into the claims or their verdicts.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .analysis import Analysis, analyse
from .claims import claim_id, claim_times, decompose, within
from .coref import resolve_pronouns
from .types import Claim, Document, DocumentResult, ModelInfo, Report, RhetoricSpan, RunInfo, TimeRef

# A non-fact reads as less worth checking, however factual its wording: the model was trained on
# debate sentences and over-scores rhetorical questions and figures of speech in essays.
KIND_WEIGHT = {"fact": 1.0, "opinion": 0.5, "prediction": 0.5, "question": 0.3, "metaphor": 0.3}

Progress = Callable[[str, int, int], None]


class Scorer(Protocol):
    threshold: float

    def score(self, sentences: list[str]) -> list[float]: ...

    def info(self) -> ModelInfo: ...


def _looks_like_path(value: str) -> bool:
    if value == "-":
        return True
    if "\n" in value or len(value) > 4096:
        return False
    from .ingest import SUPPORTED_EXTENSIONS

    return os.path.exists(value) or Path(value).suffix.lower() in SUPPORTED_EXTENSIONS


def load(source: Any, *, published: str | None = None, max_chars: int | None = None) -> Document:
    """A Document from a path, '-', a Document, or a string of text."""
    from .ingest import DEFAULT_MAX_CHARS, document_from_text, read_document

    limit = max_chars or DEFAULT_MAX_CHARS
    if isinstance(source, Document):
        return source
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        return read_document(source, published=published, max_chars=limit)
    return document_from_text(str(source), published=published, max_chars=limit)


def date_from_text(document: Document, tag_times: Callable[..., list[TimeRef]]) -> Document:
    """Give an undated document the date its text implies, recording how it was found."""
    if document.published is not None:
        return document
    from .dates import infer_document_date

    found = infer_document_date(document.text, tag_times(document.text))
    if found is None:
        return document
    ref, note = found
    basis = "inferred" if ref.anchor is not None else "found"
    return document.model_copy(update={"published": ref, "published_basis": basis, "published_note": note})


class ClaimExtractor:
    """Extracts claims from documents; holds its stages, loads nothing until first used."""

    def __init__(
        self,
        *,
        nlp: Any | None = None,
        scorer: Scorer | None = None,
        tag_times: Callable[..., list[TimeRef]] | None = None,
        rhetoric: Callable[[str], list[RhetoricSpan]] | None = None,
    ) -> None:
        self._nlp = nlp
        self._scorer = scorer
        self._tag_times = tag_times
        self._rhetoric = rhetoric

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            from .checkworthiness import default_scorer

            self._scorer = default_scorer()
        return self._scorer

    @property
    def tag_times(self) -> Callable[..., list[TimeRef]]:
        if self._tag_times is None:
            from .dates import tag_times

            self._tag_times = tag_times
        return self._tag_times

    @property
    def rhetoric(self) -> Callable[[str], list[RhetoricSpan]]:
        if self._rhetoric is None:
            from .rhetoric import detect_rhetoric

            self._rhetoric = detect_rhetoric
        return self._rhetoric

    def models(self) -> list[ModelInfo]:
        from .models import spacy_info
        from .rhetoric import default_model, detect_rhetoric

        infos = [spacy_info(), self.scorer.info()]
        if self.rhetoric is detect_rhetoric:
            infos.append(default_model().info())
        return infos

    def document(self, document: Document, *, include_all: bool = False, timings: dict[str, float] | None = None) -> DocumentResult:
        clock = time.perf_counter()
        document = date_from_text(document, self.tag_times)
        analysis = analyse(document, nlp=self._nlp, tag_times=self.tag_times)
        parsed = time.perf_counter()
        claims = self.claims(analysis)
        if not include_all:
            claims = [c for c in claims if c.checkworthy]
        done = time.perf_counter()
        rhetoric = self.rhetoric(document.text)
        if timings is not None:
            timings["analyse"] = timings.get("analyse", 0.0) + parsed - clock
            timings["claims"] = timings.get("claims", 0.0) + done - parsed
            timings["rhetoric"] = timings.get("rhetoric", 0.0) + time.perf_counter() - done
        return DocumentResult(
            id=document.id,
            source=document.source,
            title=document.title,
            published=document.published,
            published_basis=document.published_basis,
            published_note=document.published_note,
            text=document.text,
            words=len(document.text.split()),
            times=analysis.times,
            mentions=analysis.mentions,
            claims=claims,
            rhetoric=rhetoric,
        )

    def claims(self, analysis: Analysis) -> list[Claim]:
        """Every claim candidate of an analysed document, scored; `checkworthy` marks the keepers."""
        doc = analysis.doc
        resolutions = resolve_pronouns(doc, analysis.mentions)
        candidates = [c for sentence in doc.sents for c in decompose(sentence, resolutions)]
        scores = self.scorer.score([c.text for c in candidates]) if candidates else []
        threshold = self.scorer.threshold
        out: list[Claim] = []
        for candidate, raw in zip(candidates, scores, strict=True):
            score = round(float(raw) * KIND_WEIGHT[candidate.kind], 4)
            mentions = within(analysis.mentions, doc, candidate.token_indices)
            mentions += [m for m in candidate.extra_mentions if m not in mentions]
            out.append(
                Claim(
                    id=claim_id(analysis.document.id, candidate.start, candidate.end, candidate.text),
                    doc_id=analysis.document.id,
                    start=candidate.start,
                    end=candidate.end,
                    text=candidate.text,
                    source_text=analysis.document.text[candidate.start : candidate.end],
                    checkworthiness=min(1.0, max(0.0, score)),
                    checkworthy=score >= threshold,
                    kind=candidate.kind,
                    mentions=mentions,
                    times=claim_times(analysis.times, doc, candidate),
                    attributed_to=candidate.attribution,
                )
            )
        return out


def extract_claims(
    sources: Any,
    *,
    published: str | None = None,
    include_all: bool = False,
    max_chars: int | None = None,
    extractor: ClaimExtractor | None = None,
    progress: Progress | None = None,
) -> Report:
    """Find the claims in one or more texts or files and return a Report.

    `sources` is a path, '-', a text string, a Document, or a list of these. `published` dates
    every document (ISO or written: "1942-02", "February 1942"); without it the date comes from
    the file's metadata or is inferred from the text. `include_all` keeps the claims judged not
    check-worthy too.

    >>> report = extract_claims("In 1943 Churchill travelled to Turkey to meet President İnönü.")
    >>> report.documents[0].claims[0].times[0].earliest
    datetime.date(1943, 1, 1)
    """
    items: Sequence[Any] = sources if isinstance(sources, list | tuple) else [sources]
    extractor = extractor or ClaimExtractor()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    documents = [load(item, published=published, max_chars=max_chars) for item in items]
    timings["ingest"] = time.perf_counter() - started
    results = []
    for n, document in enumerate(documents, 1):
        results.append(extractor.document(document, include_all=include_all, timings=timings))
        if progress:
            progress(document.source, n, len(documents))
    timings["total"] = time.perf_counter() - started
    run = RunInfo(
        sourcecheck_version=__version__,
        created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        models=extractor.models(),
        settings={"published": published, "include_all": include_all, "max_chars": max_chars},
        timings={k: round(v, 4) for k, v in timings.items()},
    )
    return Report(documents=results, run=run)
