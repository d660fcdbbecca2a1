"""Sentence-aligned passages of a source, with exact offsets, for the evidence store.

A passage is a few consecutive sentences (default 4, about 90 words: what MiniLM reads whole), and neighbouring passages share a sentence
(default 1), so a fact stated across a boundary is still whole in one passage. Each passage keeps
the character offsets of its text in the source text (`source.text[p.start:p.end] == p.text`), so
any quote can be traced back exactly, and its id is a hash of source id, offsets and text: the
same source always yields the same ids.

The sentence splitter is a plain regular expression plus an abbreviation check, not spaCy: the
history pack (153 M characters) must chunk in well under a minute.

    >>> passages = chunk(source)                        # doctest: +SKIP
    >>> source.text[passages[0].start:passages[0].end] == passages[0].text
    True
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import re

from .types import Passage, Precision, SourceDocument, TimeRef

__all__ = ["chunk", "split_sentences", "passage_id", "about_dates", "CHUNKER_VERSION"]

# Bump when the splitting rules change: passage ids (and so stored vectors) depend on them.
CHUNKER_VERSION = "1"

_log = logging.getLogger(__name__)

# A run of sentence-final punctuation with its closing quotes or brackets, then white space; or
# a line break. Whether either is really a boundary is decided in `_is_boundary`.
_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"[A-Za-z]+(?:\.[A-Za-z]+)*\Z")
_SPACE_AFTER = re.compile(r"\s*")
_TRIM_RIGHT = re.compile(r"\s+\Z")
# Words that end with a period without ending a sentence (checked lower-cased, without the period).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st sts gen gens col lt capt sgt maj adm cmdr gov sen rep reps rev prof jr sr
    no nos vol vols vs v etc approx ca cf fl b d p pp ed eds trans fr pres inc ltd co corp bros mt
    ft jan feb mar apr jun jul aug sep sept oct nov dec est dept univ assn gov't messrs mme mlle
    hon lit op ch chap art sec fig al""".split()
)
_OPENERS = "\"'“‘([«"
# A line shorter than this that ends without punctuation is a heading or a list item, not a
# hard-wrapped line of running text, so its line break ends a sentence.
_SHORT_LINE = 50


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    s = m.start()
    if text[s] == "\n":
        nxt = _SPACE_AFTER.match(text, m.end()).end()
        if nxt >= len(text) or "\n" in text[m.end():nxt]:
            return True  # a blank line: always a paragraph break
        before = text.rfind("\n", 0, s) + 1
        line = text[before:s].rstrip()
        return not line or line[-1] in ".!?:;\"”’)" or len(line) < _SHORT_LINE
    nxt_pos = _SPACE_AFTER.match(text, m.end()).end()
    if nxt_pos >= len(text):
        return True
    nxt = text[nxt_pos]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False  # "approx. five", "e.g. the": a lower-case word goes on the sentence
    if m.group() != ".":
        return True  # "!", "?", "...", or a period followed by a closing quote
    word = _WORD_BEFORE.search(text, max(0, s - 20), s)
    if word is None:
        return True  # "1943." or "x)."
    w = word.group()
    # "H. N. Abrams", "U.S. Army", "Gen. Zhukov": initials and abbreviations do not end sentences.
    return not ((len(w) == 1 and w.isupper()) or "." in w or w.lower() in _ABBREVIATIONS)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, white space trimmed at both ends.

    >>> split_sentences("Stalin met Churchill. They spoke in Moscow.")
    [(0, 21), (22, 43)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if m.start() < start or not _is_boundary(text, m):
            continue
        end = m.end() if text[m.start()] != "\n" else m.start()
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    start = _SPACE_AFTER.match(text, start, end).end()
    trim = _TRIM_RIGHT.search(text, start, end)
    if trim is not None:
        end = trim.start()
    if end > start:
        spans.append((start, end))


def _cut_long(text: str, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Sentences longer than `max_chars` (tables, lists, run-on text) cut at white space."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > max_chars:
            cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
            if cut <= start:
                cut = start + max_chars  # no space at all: cut inside the word
            out.append((start, cut))
            start = _SPACE_AFTER.match(text, cut, end).end()
        if end > start:
            out.append((start, end))
    return out


def passage_id(source_id: str, start: int, end: int, text: str) -> str:
    """The stable id of a passage: a hash of its source id, offsets and text."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{source_id}\x00{start}\x00{end}\x00".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# Year or finer: a passage about "the 1940s" or "the 20th century" gets no `about` interval from it.
_FINE = frozenset({Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.SEASON, Precision.PART,
                   Precision.YEAR, Precision.RANGE})


def about_dates(times: list[TimeRef], start: int, end: int, starts: list[int] | None = None) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest day of the year-or-finer dates lying within `[start, end)` (None, None if none).

    `times` must be in text order; `starts` (their start offsets) can be passed to save rebuilding it.
    """
    if starts is None:
        starts = [t.start for t in times]
    lo: dt.date | None = None
    hi: dt.date | None = None
    for i in range(bisect.bisect_left(starts, start), len(times)):
        t = times[i]
        if t.start >= end:
            break
        if t.end > end or t.precision not in _FINE or t.earliest is None or t.latest is None:
            continue
        lo = t.earliest if lo is None or t.earliest < lo else lo
        hi = t.latest if hi is None or t.latest > hi else hi
    return lo, hi


def _tag_times(source: SourceDocument) -> list[TimeRef]:
    # Imported here: the tagger is a large module that `import sourcecheck.chunking` need not pay for.
    from .dates import parse_date_value, tag_times

    try:
        document_date = parse_date_value(source.published) if source.published else None
        return tag_times(source.text, document_date=document_date)
    except Exception:  # noqa: BLE001 - dates only filter passages; a tagger bug must not lose a source
        _log.debug("date tagging failed for source %r; its passages get no dates", source.id, exc_info=True)
        return []


def chunk(
    source: SourceDocument,
    *,
    sentences_per_passage: int = 4,
    overlap: int = 1,
    max_chars: int = 1000,
    dates: bool = True,
) -> list[Passage]:
    """Cut a source into overlapping passages of whole sentences, each with its exact offsets.

    Passages hold `sentences_per_passage` sentences (fewer where that would pass `max_chars`) and
    share `overlap` sentences with the next. `about_earliest`/`about_latest` bound the year-or-finer
    dates that the passage mentions, found by one pass of `sourcecheck.dates.tag_times` over the
    whole source (so relative dates resolve against earlier passages too); `dates=False` skips it.

    >>> doc = SourceDocument(id="a", title="A", text="One. Two. Three. Four. Five.")
    >>> [p.text for p in chunk(doc, sentences_per_passage=3)]
    ['One. Two. Three.', 'Three. Four. Five.']
    """
    if sentences_per_passage < 1:
        raise ValueError(f"sentences_per_passage must be at least 1, got {sentences_per_passage}")
    if not 0 <= overlap < sentences_per_passage:
        raise ValueError(f"overlap must be between 0 and sentences_per_passage - 1, got {overlap}")
    if max_chars < 20:
        raise ValueError(f"max_chars must be at least 20, got {max_chars}")
    text = source.text
    sentences = _cut_long(text, split_sentences(text), max_chars)
    if not sentences:
        return []
    times = _tag_times(source) if dates else []
    starts = [t.start for t in times]
    passages: list[Passage] = []
    i, n = 0, len(sentences)
    while i < n:
        j = i + 1
        while j < n and j - i < sentences_per_passage and sentences[j][1] - sentences[i][0] <= max_chars:
            j += 1
        start, end = sentences[i][0], sentences[j - 1][1]
        body = text[start:end]
        lo, hi = about_dates(times, start, end, starts) if times else (None, None)
        passages.append(Passage(
            id=passage_id(source.id, start, end, body), source_id=source.id, title=source.title,
            url=source.url, published=source.published, licence=source.licence,
            attribution=source.attribution, text=body, start=start, end=end,
            about_earliest=lo, about_latest=hi,
        ))
        if j >= n:
            break
        i = max(i + 1, j - overlap)
    return passages
