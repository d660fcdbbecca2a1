"""The central types of sourcecheck: frozen pydantic models and nothing heavy.

Every annotation points into one text, `Document.text`, by character offsets (`start`, `end`,
end exclusive). The JSON that `sourcecheck claims --json` prints is `Report.model_dump(mode="json")`
and `Report.model_json_schema()` is its published contract: field names here are an API.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    """Base of every domain type: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Frozen):
    """Character offsets `[start, end)` into `Document.text`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before its start {self.start}")
        return self


class Spanned(Frozen):
    """A piece of the document text: offsets plus the exact text they cover."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @property
    def span(self) -> Span:
        return Span(start=self.start, end=self.end)


class Precision(str, Enum):
    """How finely a date expression pins time down (the unit of its interval)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    PART = "part"  # "early 1943", "the second half of 1944"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    RANGE = "range"  # "from May to December 1945": endpoints of mixed or long extent
    OPEN = "open"  # one side unbounded: "after the war", "since 1939"


class TimeAnchor(Frozen):
    """What a relative date was resolved against: another date in the text, or the document's."""

    kind: Literal["text", "document"]
    text: str
    start: int | None = None
    end: int | None = None


class TimeRef(Spanned):
    """A date expression normalised to an interval of days, both ends inclusive.

    "1943" is 1943-01-01..1943-12-31; "two days later" after "22 June 1941" is 1941-06-24 with an
    anchor pointing at "22 June 1941". `earliest` or `latest` is None only for an open side
    ("after 1945" has no latest day).
    """

    earliest: dt.date | None
    latest: dt.date | None
    precision: Precision
    anchor: TimeAnchor | None = None

    @model_validator(mode="after")
    def _interval(self) -> "TimeRef":
        if self.earliest is None and self.latest is None:
            raise ValueError(f"time expression {self.text!r} has neither an earliest nor a latest day")
        if self.earliest and self.latest and self.latest < self.earliest:
            raise ValueError(f"time expression {self.text!r} ends ({self.latest}) before it begins ({self.earliest})")
        return self


MentionKind = Literal["person", "place", "organisation", "group", "event"]


class Mention(Spanned):
    """A named person, place, organisation, group or event, with its canonical id when known."""

    kind: MentionKind
    entity_id: str | None = None


class Attribution(Frozen):
    """Who a claim is attributed to when the author reports it rather than asserts it."""

    speaker: str
    cue: str
    start: int
    end: int


class Label(str, Enum):
    """The four verdicts of the AVeriTeC task."""

    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_EVIDENCE = "NOT_ENOUGH_EVIDENCE"
    CONFLICTING = "CONFLICTING"


class Stance(str, Enum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"


class Provenance(Frozen):
    """Where a text comes from: carried from a source into its passages and into every quote."""

    title: str
    url: str | None = None
    published: str | None = None  # ISO date, possibly partial ("1942", "1942-02")
    licence: str | None = None
    attribution: str | None = None


class Evidence(Provenance):
    """A quoted passage that bears on a claim.

    `quote` is an exact substring of the stored passage `passage_id`, and `start`/`end` are its
    offsets in the text of source `source_id`: `source_text[start:end] == quote`. Title, URL,
    publication date, licence and attribution come from the source (Wikipedia: CC BY-SA).
    """

    passage_id: str
    source_id: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    stance: Stance
    score: float = Field(ge=0.0, le=1.0)
    checks: dict[str, Any] = Field(default_factory=dict)


class Verdict(Frozen):
    """The judgement on one claim and the checks that led to it."""

    label: Label
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str
    evidence: list[Evidence] = Field(default_factory=list)
    checks: dict[str, Any] = Field(default_factory=dict)


class Claim(Spanned):
    """One atomic, self-contained statement, with the span of the source text it comes from.

    `text` is the claim as rewritten to stand alone (pronouns resolved, clauses split); `start`
    and `end` point at the sentence or clause it was taken from, whose exact words are `source_text`.
    """

    id: str
    doc_id: str
    source_text: str
    checkworthiness: float = Field(ge=0.0, le=1.0)
    checkworthy: bool
    kind: Literal["fact", "opinion", "prediction", "question", "metaphor"] = "fact"
    mentions: list[Mention] = Field(default_factory=list)
    times: list[TimeRef] = Field(default_factory=list)
    attributed_to: Attribution | None = None
    verdict: Verdict | None = None


DateBasis = Literal["given", "metadata", "found", "inferred"]


class Document(Frozen):
    """One input text. `id` is a hash of its text, so the same text always gets the same id."""

    id: str
    text: str
    source: str
    title: str | None = None
    published: TimeRef | None = None
    published_basis: DateBasis | None = None
    published_note: str | None = None
    meta: dict[str, str] = Field(default_factory=dict)


class RhetoricSpan(Spanned):
    """A stretch of text that persuades by rhetoric rather than by fact (a layer apart from verdicts).

    `technique` is one of the 14 SemEval-2020 Task 11 classes or `Unsourced_Appeal_to_Evidence`;
    `score` is the model's probability that the span carries that technique (1.0 for a rule);
    `cue` names the lexicon entry when a rule, not the model, flagged it.
    """

    technique: str
    score: float = Field(ge=0.0, le=1.0)
    cue: str | None = None


class DocumentResult(Frozen):
    """A document with what the pipeline found in it: the unit of `Report.documents`."""

    id: str
    source: str
    title: str | None
    published: TimeRef | None
    published_basis: DateBasis | None
    published_note: str | None
    text: str
    words: int
    times: list[TimeRef]
    mentions: list[Mention]
    claims: list[Claim]
    rhetoric: list[RhetoricSpan] = Field(default_factory=list)


class ModelInfo(Frozen):
    name: str
    version: str
    sha256: str | None = None


class RunInfo(Frozen):
    """How a report was made: versions, models, settings and timings in seconds."""

    sourcecheck_version: str
    created: dt.datetime
    models: list[ModelInfo] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)


class Relation(str, Enum):
    """How two claims from different documents stand to each other (docs/comparison.md)."""

    AGREE = "AGREE"  # they state the same fact (or one states what the other implies)
    CONTRADICT = "CONTRADICT"  # they cannot both be true: another date, number, place, outcome
    COMPLEMENT = "COMPLEMENT"  # same topic, different facts: both can be true
    EVALUATION_CONTRAST = "EVALUATION_CONTRAST"  # same thing, opposite judgement (praise vs blame)


class ComparisonPair(Frozen):
    """Two claims of different documents on one topic, and how they relate.

    `checks` holds what decided: the NLI probabilities (the longer claim as premise, and the
    other way round when a contradiction was checked), the date, number and participant rules'
    findings, the evaluative stance of each claim, and what made the pair related (`topic`).
    """

    a: str
    b: str
    doc_a: str
    doc_b: str
    relation: Relation
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str
    checks: dict[str, Any] = Field(default_factory=dict)


class ComparisonTopic(Frozen):
    """Claims of several documents about the same event or subject.

    `claims` maps a document id to the ids of its claims in this topic; `label` is a readable
    name (the main shared entity and the time, "Battle of Stalingrad · 1942–1943").
    """

    id: str
    label: str
    entities: list[str] = Field(default_factory=list)
    earliest: dt.date | None = None
    latest: dt.date | None = None
    claims: dict[str, list[str]]
    pairs: list[ComparisonPair] = Field(default_factory=list)


class TimelineEntry(Frozen):
    """One dated claim on the cross-document timeline; `time` is the claim's TimeRef (offsets
    into its own document's text). `conflicts_with` lists claims of other documents that date
    the same thing differently."""

    claim_id: str
    doc_id: str
    topic: str | None = None
    time: TimeRef
    conflicts_with: list[str] = Field(default_factory=list)


class DateConflict(Frozen):
    """Two documents dating the same event differently: their claims and their dates."""

    topic: str
    a: str
    b: str
    doc_a: str
    doc_b: str
    time_a: TimeRef
    time_b: TimeRef
    note: str


class Comparison(Frozen):
    """Several documents side by side: topics with related claim pairs, and one timeline."""

    documents: list[str]
    topics: list[ComparisonTopic] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    date_conflicts: list[DateConflict] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)


class Report(Frozen):
    """Everything one run found. `Report.model_json_schema()` is the contract of `--json`."""

    documents: list[DocumentResult]
    run: RunInfo
    comparison: Comparison | None = None


# --- Evidence -------------------------------------------------------------------------------


class SourceDocument(Provenance):
    """One evidence source as a reader yields it, before chunking: a file, a JSONL line, an article.

    `id` is the JSONL `id`, the file path, or "wikipedia:<pageid>"; `licence` and `attribution`
    travel into every passage and quote taken from it (Wikipedia text is CC BY-SA).
    """

    id: str
    text: str
    kind: str = "file"  # file | jsonl | wikipedia-summary | wikipedia | wikipedia-dump | wikipedia-online


class SourceInfo(Provenance):
    """A source as the store holds it (without its text)."""

    id: str
    kind: str
    content_hash: str
    chars: int
    passages: int
    added: dt.datetime


class Passage(Provenance):
    """The unit of the evidence store: a few overlapping sentences of one source.

    `start`/`end` are offsets of `text` in the source's text, so `source_text[start:end] == text`.
    `about_earliest`/`about_latest` bound the dates the passage mentions (for `--between`).
    """

    id: str
    source_id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    about_earliest: dt.date | None = None
    about_latest: dt.date | None = None


class SearchHit(Provenance):
    """One retrieval result: a passage and how it ranked."""

    passage_id: str
    source_id: str
    text: str
    start: int
    end: int
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
