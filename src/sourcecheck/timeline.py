"""One timeline for several documents, and the places where they date the same thing differently.

Every claim with a specific date (not "after the war", not "the 20th century") becomes a
`TimelineEntry` with its TimeRef, its document and its topic; entries run in order of their
earliest day. A `DateConflict` is a pair of claims of one topic from different documents whose
dates share no day, where the pair was judged a contradiction (by the verifier's date rule, or by
NLI between claims that both carry dates): "the Winter War began on 30 November 1939" against
"... came in January 1940".

    >>> timeline, conflicts = build_timeline(documents, topics, claims)       # doctest: +SKIP
    >>> [(e.time.text, e.doc_id[:6]) for e in timeline][:2]                  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .topics import specific_times, times_overlap
from .types import Claim, ComparisonTopic, DateConflict, DocumentResult, Relation, TimeRef, TimelineEntry


def _date_conflict(topic: ComparisonTopic, pair, a: Claim, b: Claim) -> DateConflict | None:  # type: ignore[no-untyped-def]
    if pair.relation is not Relation.CONTRADICT:
        return None
    ta, tb = specific_times(a), specific_times(b)
    if not ta or not tb or times_overlap(ta, tb):
        return None
    date_rule = next((r for r in pair.checks.get("rules", []) if r["rule"] == "dates" and r["outcome"] == "mismatch"), None)
    # The times the rule named, else each claim's first specific date.
    first_a = next((t for t in ta if date_rule and t.text in (date_rule["claim"], date_rule["evidence"])), ta[0])
    first_b = next((t for t in tb if date_rule and t.text in (date_rule["claim"], date_rule["evidence"])), tb[0])
    why = "the date rule" if date_rule else "NLI, with dates that share no day"
    note = f"{topic.label}: one document dates it {first_a.text} ({_interval(first_a)}), the other {first_b.text} ({_interval(first_b)}); found by {why}"
    return DateConflict(topic=topic.id, a=a.id, b=b.id, doc_a=a.doc_id, doc_b=b.doc_id, time_a=first_a, time_b=first_b, note=note)


def _interval(t: TimeRef) -> str:
    return str(t.earliest) if t.earliest == t.latest else f"{t.earliest}..{t.latest}"


def build_timeline(documents: Sequence[DocumentResult], topics: Sequence[ComparisonTopic], claims: Sequence[Claim]) -> tuple[list[TimelineEntry], list[DateConflict]]:
    """The timeline entries of all dated claims, and the date conflicts between documents."""
    by_id = {c.id: c for c in claims}
    topic_of = {cid: t.id for t in topics for ids in t.claims.values() for cid in ids}
    conflicts: list[DateConflict] = []
    for topic in topics:
        for pair in topic.pairs:
            found = _date_conflict(topic, pair, by_id[pair.a], by_id[pair.b])
            if found is not None:
                conflicts.append(found)
    partners: dict[str, list[str]] = {}
    for c in conflicts:
        partners.setdefault(c.a, []).append(c.b)
        partners.setdefault(c.b, []).append(c.a)
    order = {d.id: n for n, d in enumerate(documents)}
    entries = []
    for claim in claims:
        for t in specific_times(claim):
            entries.append(TimelineEntry(claim_id=claim.id, doc_id=claim.doc_id, topic=topic_of.get(claim.id), time=t,
                                         conflicts_with=sorted(set(partners.get(claim.id, [])))))
    entries.sort(key=lambda e: (e.time.earliest or dt.date.min, e.time.latest or dt.date.max, order[e.doc_id], e.time.start))
    return entries, conflicts
