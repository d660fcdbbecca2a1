"""Small hand-made reports for the HTML, export and browser tests: no models, built in microseconds.

Every offset is computed from the text, so `doc.text[claim.start:claim.end] == claim.source_text`
holds as it does in real reports. The texts carry markup (`<script>`, `<img onerror=...>`, `</`)
to prove that it is shown as text and never run.
"""

from __future__ import annotations

import datetime as dt

from sourcecheck.types import (
    Attribution,
    Claim,
    DocumentResult,
    Evidence,
    Label,
    Mention,
    Precision,
    Report,
    RunInfo,
    Stance,
    TimeAnchor,
    TimeRef,
    Verdict,
)

SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 2">'

ESSAY = (
    "The Winter War began on 30 November 1939, when the Red Army crossed into Finland.\n\n"
    f"The editors add: {SCRIPT} {IMG}\n\n"
    "The war ended in 1941 with the Treaty of Moscow. "
    "According to the communiqué, Soviet losses since 1940 were never counted. "
    "The Battle of Stalingrad lasted from August 1942 to February 1943."
)
LETTER = (
    "Eight months have passed since 22 June 1941, when Hitler began his march on Russia. "
    "Three million soldiers crossed the border that day. "
    "The editors believe the tide is turning </script><!-- in the east."
)


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _time(text: str, part: str, earliest: dt.date | None, latest: dt.date | None, precision: Precision, anchor: str | None = None) -> TimeRef:
    start, end = _span(text, part)
    ref = None
    if anchor is not None:
        a, b = _span(text, anchor)
        ref = TimeAnchor(kind="text", text=anchor, start=a, end=b)
    return TimeRef(start=start, end=end, text=part, earliest=earliest, latest=latest, precision=precision, anchor=ref)


def _claim(doc_id: str, n: int, text: str, sentence: str, atomic: str, *, cw: float = 0.9, times=(), verdict=None, attributed=None, mentions=()) -> Claim:
    start, end = _span(text, sentence)
    return Claim(
        id=f"{doc_id}-{n}", doc_id=doc_id, start=start, end=end, text=atomic, source_text=sentence,
        checkworthiness=cw, checkworthy=cw >= 0.5, times=list(times), verdict=verdict, attributed_to=attributed,
        mentions=[Mention(start=_span(text, m)[0], end=_span(text, m)[1], text=m, kind="place") for m in mentions],
    )


def _evidence(quote: str, *, title: str, url: str | None, stance: Stance, score: float, checks=None, start: int = 100) -> Evidence:
    return Evidence(
        title=title, url=url, published="2015-05", licence="CC BY-SA 3.0", attribution=f"Wikipedia contributors, {title}",
        passage_id=f"p-{len(quote)}-{start}", source_id=f"wikipedia:{len(title)}", quote=quote, start=start, end=start + len(quote),
        stance=stance, score=score, checks=checks or {},
    )


def _doc(doc_id: str, source: str, text: str, claims: list[Claim], times: list[TimeRef], *, title=None, published=None, basis=None, note=None) -> DocumentResult:
    return DocumentResult(
        id=doc_id, source=source, title=title, published=published, published_basis=basis, published_note=note,
        text=text, words=len(text.split()), times=times, mentions=[m for c in claims for m in c.mentions], claims=claims,
    )


def essay_document(*, verdicts: bool = True) -> DocumentResult:
    text = ESSAY
    began = _time(text, "30 November 1939", dt.date(1939, 11, 30), dt.date(1939, 11, 30), Precision.DAY)
    ended = _time(text, "1941", dt.date(1941, 1, 1), dt.date(1941, 12, 31), Precision.YEAR)
    since = _time(text, "since 1940", dt.date(1940, 1, 1), None, Precision.OPEN)
    battle = _time(text, "from August 1942 to February 1943", dt.date(1942, 8, 1), dt.date(1943, 2, 28), Precision.RANGE)
    v = verdicts
    claims = [
        _claim(
            "essay", 1, text, "The Winter War began on 30 November 1939, when the Red Army crossed into Finland.",
            "The Winter War began on 30 November 1939.", cw=0.95, times=[began], mentions=["Finland"],
            verdict=Verdict(
                label=Label.SUPPORTED, confidence=0.91, rationale="\"Winter War\" says: \"The Winter War began on 30 November 1939\"",
                evidence=[_evidence(
                    "The Winter War began with the Soviet invasion of Finland on 30 November 1939.", title="Winter War",
                    url="https://en.wikipedia.org/wiki?curid=33702", stance=Stance.SUPPORTS, score=0.93,
                    checks={"nli": {"entailment": 0.93, "neutral": 0.05, "contradiction": 0.02},
                            "dates": {"rule": "dates", "outcome": "match", "claim": "30 November 1939", "evidence": "30 November 1939", "note": "the dates agree"}},
                )],
                checks={"nli": {"support": 0.93, "refute": 0.02, "raw_strength": 0.93}, "retrieval": {"passages": 8, "windows": 12}},
            ) if v else None,
        ),
        _claim(
            "essay", 2, text, "The war ended in 1941 with the Treaty of Moscow.", f"The war ended in 1941 {SCRIPT}.", cw=0.88, times=[ended],
            verdict=Verdict(
                label=Label.REFUTED, confidence=0.84, rationale="The claim says 1941, the evidence 13 March 1940 (\"Moscow Peace Treaty\").",
                evidence=[_evidence(
                    f"The Moscow Peace Treaty of 13 March 1940 ended the Winter War. {IMG}", title=f"Moscow Peace Treaty {SCRIPT}",
                    url="javascript:alert(1)", stance=Stance.REFUTES, score=0.84,
                    checks={"nli": {"entailment": 0.03, "neutral": 0.13, "contradiction": 0.84},
                            "dates": {"rule": "dates", "outcome": "mismatch", "claim": "1941", "evidence": "13 March 1940", "note": "the claim says 1941, the evidence 13 March 1940"}},
                )],
                checks={"nli": {"support": 0.03, "refute": 0.84, "raw_strength": 0.84},
                        "dates": [{"rule": "dates", "outcome": "mismatch", "claim": "1941", "evidence": "13 March 1940", "note": "the claim says 1941, the evidence 13 March 1940", "quote": "The Moscow Peace Treaty…"}],
                        "llm": {"model": "smollm2", "endpoint": "http://127.0.0.1:1/v1", "label": "REFUTED", "answer": "The treaty was signed in 1940."}},
            ) if v else None,
        ),
        _claim(
            "essay", 3, text, "According to the communiqué, Soviet losses since 1940 were never counted.",
            "Soviet losses since 1940 were never counted.", cw=0.62, times=[since],
            attributed=Attribution(speaker="the communiqué", cue="According to", start=_span(text, "According to")[0], end=_span(text, "According to")[1]),
            verdict=Verdict(label=Label.NOT_ENOUGH_EVIDENCE, confidence=0.55, rationale="No passage in the evidence store bears on this claim.", checks={"nli": {"support": 0.1, "refute": 0.1, "raw_strength": 0.9}}) if v else None,
        ),
        _claim(
            "essay", 4, text, "The Battle of Stalingrad lasted from August 1942 to February 1943.",
            "The Battle of Stalingrad lasted from August 1942 to February 1943.", cw=0.41, times=[battle], mentions=["Stalingrad"],
            verdict=Verdict(
                label=Label.CONFLICTING, confidence=0.5, rationale="The sources disagree: \"Stalingrad\" supports the claim, \"Volgograd\" the opposite.",
                evidence=[
                    _evidence("The Battle of Stalingrad lasted from 23 August 1942 to 2 February 1943.", title="Battle of Stalingrad", url="https://en.wikipedia.org/wiki?curid=4283", stance=Stance.SUPPORTS, score=0.8),
                    _evidence("The battle for the city ended in the spring of 1944.", title="Volgograd", url=None, stance=Stance.REFUTES, score=0.7, start=40),
                ],
            ) if v else None,
        ),
    ]
    return _doc("essay", "/tmp/essays/winter <war>.md", text, claims, [began, ended, since, battle], title=None)


def letter_document(*, verdicts: bool = True) -> DocumentResult:
    text = LETTER
    published = _time(text, "Eight months have passed since 22 June 1941", dt.date(1942, 2, 1), dt.date(1942, 2, 28), Precision.MONTH, anchor="22 June 1941")
    june = _time(text, "22 June 1941", dt.date(1941, 6, 22), dt.date(1941, 6, 22), Precision.DAY)
    that_day = _time(text, "that day", dt.date(1941, 6, 22), dt.date(1941, 6, 22), Precision.DAY, anchor="22 June 1941")
    claims = [
        _claim(
            "letter", 1, text, "Eight months have passed since 22 June 1941, when Hitler began his march on Russia.",
            "Hitler began his march on Russia on 22 June 1941.", cw=0.97, times=[june], mentions=["Russia"],
            verdict=Verdict(
                label=Label.SUPPORTED, confidence=0.88, rationale="\"Operation Barbarossa\" says so.",
                evidence=[_evidence("Operation Barbarossa began on 22 June 1941.", title="Operation Barbarossa", url="https://en.wikipedia.org/wiki?curid=22618", stance=Stance.SUPPORTS, score=0.9)],
            ) if verdicts else None,
        ),
        _claim("letter", 2, text, "Three million soldiers crossed the border that day.", "Three million soldiers crossed the Soviet border on 22 June 1941.", cw=0.7, times=[that_day]),
        _claim("letter", 3, text, "The editors believe the tide is turning </script><!-- in the east.", "The tide is turning </script><!-- in the east.", cw=0.3),
    ]
    return _doc(
        "letter", "https://example.org/letters/1942?a=1&b=<2>", text, claims, [published, june, that_day],
        title="A letter from London, February 1942", published=published, basis="inferred",
        note="inferred from \"Eight months have passed since ... 22 June 1941\" (sentence 1)",
    )


def sample_report(*, verdicts: bool = True) -> Report:
    """Two documents: an essay with one claim of each verdict (one reported, one with an open
    date, one spanning months) and a dated letter with checked and unchecked claims."""
    return Report(
        documents=[essay_document(verdicts=verdicts), letter_document(verdicts=verdicts)],
        run=RunInfo(sourcecheck_version="0.1.0", created=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), timings={"verify": 1.25}),
    )


def claims_report() -> Report:
    """The same documents as `sourcecheck claims` reports them: no verdicts at all."""
    return sample_report(verdicts=False)
