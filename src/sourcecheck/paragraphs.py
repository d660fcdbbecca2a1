"""Sentence boundaries at paragraph breaks, set before spaCy's parser runs.

The parser decides sentence boundaries from syntax alone and happily runs a heading into the
first sentence of the next paragraph ("The Road to Stalingrad An example essay ..."). A blank
line always ends a sentence in the texts we read; the parser respects boundaries set before it.
"""

from __future__ import annotations

from typing import Any


def mark_paragraph_starts(doc: Any) -> Any:
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2 or "\n\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def add_paragraph_boundaries(nlp: Any) -> None:
    """Add the `paragraph_boundaries` component before the parser (idempotent)."""
    if "paragraph_boundaries" in nlp.pipe_names:
        return
    from spacy.language import Language

    if not Language.has_factory("paragraph_boundaries"):
        Language.component("paragraph_boundaries")(mark_paragraph_starts)
    nlp.add_pipe("paragraph_boundaries", before="parser")
