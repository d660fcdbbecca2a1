"""From retrieved passages to the sentences that can decide a claim.

Retrieval returns passages of a few sentences; NLI judges best on the one or two sentences that
bear on the claim, and a quote should be no longer than what decides. Each passage is cut into
sentences and pairs of adjacent sentences (a fact is often split over two: "The offensive began
on 19 November. Within four days the Sixth Army was encircled."), every window keeps its exact
offsets in the source text, and the windows are ranked by how much of the claim they cover.

    windows = candidate_windows("Stalingrad fell in 1943", hits, limit=12)
    windows[0].text, windows[0].start, windows[0].end   # the best window and its source offsets
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chunking import split_sentences
from .types import SearchHit

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from into onto over under about as is was
    were are be been being has have had do does did not no nor so than that this these those it its
    he she they them his her their we our you your i me my who whom whose which what when where why
    how all any both each few more most other some such only own same too very can will would could
    should may might must shall also after before during while then there here out up down off
    again further once just s t""".split()
)


def stem(word: str) -> str:
    """A crude stem (lower case, a plural "s" dropped, first six letters): enough to match
    "invaded" with "invasion" and "marks" with "mark"."""
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:6]


def content_terms(text: str) -> set[str]:
    """Stems of the words that carry content: no stop words, nothing shorter than three letters
    (numbers are kept whole)."""
    out = set()
    for m in _WORD.finditer(text):
        w = m.group()
        if w.isdigit():
            out.add(w)
        elif len(w) >= 3 and w.lower() not in _STOP:
            out.add(stem(w))
    return out


def coverage(claim_terms: set[str], text: str) -> float:
    """The share of the claim's content terms that `text` contains."""
    if not claim_terms:
        return 0.0
    return len(claim_terms & content_terms(text)) / len(claim_terms)


@dataclass(frozen=True)
class Window:
    """One or two adjacent sentences of a retrieved passage; `start`/`end` are offsets in the
    source text, so `source_text[start:end] == text` and `hit.text` contains `text`."""

    hit: SearchHit
    text: str
    start: int
    end: int
    relevance: float
    rank: int  # the passage's rank in retrieval, from 0


def _window(hit: SearchHit, rank: int, terms: set[str], a: int, b: int) -> Window:
    text = hit.text[a:b]
    return Window(hit, text, hit.start + a, hit.start + b, coverage(terms, text), rank)


def candidate_windows(claim: str, hits: list[SearchHit], *, limit: int = 12) -> list[Window]:
    """The `limit` windows that cover most of the claim, best first.

    Overlapping passages yield the same window twice; it is kept once, at its best retrieval
    rank. A pair of sentences is kept only when it covers more of the claim than either sentence
    alone (otherwise the single sentence is the better, shorter quote).
    """
    terms = content_terms(claim)
    kept: dict[tuple[str, int, int], Window] = {}
    for rank, hit in enumerate(hits):
        sentences = [_window(hit, rank, terms, a, b) for a, b in split_sentences(hit.text)]
        pairs = [
            _window(hit, rank, terms, first.start - hit.start, second.end - hit.start)
            for first, second in zip(sentences, sentences[1:])
        ]
        pairs = [p for p, first, second in zip(pairs, sentences, sentences[1:]) if p.relevance > max(first.relevance, second.relevance)]
        for w in sentences + pairs:
            kept.setdefault((hit.source_id, w.start, w.end), w)
    # Coverage first; retrieval rank breaks ties (the fused ranking already weighs meaning).
    return sorted(kept.values(), key=lambda w: (-w.relevance, w.rank, w.start))[:limit]
