"""Analysis: spaCy sentences, entities and parse; mentions linked to ids; dates tagged.

    >>> analysis = analyse(document)          # document from sourcecheck.ingest
    >>> analysis.mentions[0].kind, analysis.times[0].earliest
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .entities import LABEL_KIND, lookup, slug
from .types import Document, Mention, TimeRef


@dataclass(frozen=True)
class Analysis:
    """A document with its parse. `doc` is the spaCy Doc (kept for claim extraction)."""

    document: Document
    doc: Any
    mentions: list[Mention]
    times: list[TimeRef]


def _is_adjectival_group(ent: Any) -> bool:
    # "German forces", "the British government": the nationality word qualifies a noun and is
    # not itself a mention of the group; "the Germans" is.
    return ent.label_ == "NORP" and ent.root.pos_ == "ADJ" or (ent.label_ == "NORP" and ent.root.dep_ in ("amod", "compound"))


def mentions_from(doc: Any) -> list[Mention]:
    """Convert entities to Mentions and give each an entity id.

    Gazetteer entries give canonical ids ("person/joseph-stalin"). A person named only by surname
    is linked to a fuller name earlier in the same document ("Churchill" -> "Winston Churchill").
    Anything else gets a document-local id ("doc/place/schaden") so repeated mentions still group.
    """
    mentions: list[Mention] = []
    surnames: dict[str, str] = {}
    for ent in doc.ents:
        kind = LABEL_KIND.get(ent.label_)
        if kind is None or _is_adjectival_group(ent):
            continue
        text = ent.text
        entity_id = ent.id_ or None
        if entity_id is None:
            entry = lookup(text)
            entity_id = entry.id if entry else None
        if entity_id is None and kind == "person":
            entity_id = surnames.get(text.split()[-1].casefold()) if len(text.split()) == 1 else None
        if entity_id is None:
            entity_id = f"doc/{kind}/{slug(text)}"
        if kind == "person" and len(text.split()) > 1:
            surnames.setdefault(text.split()[-1].casefold(), entity_id)
        mentions.append(Mention(start=ent.start_char, end=ent.end_char, text=text, kind=kind, entity_id=entity_id))
    return mentions


def analyse(
    document: Document,
    *,
    nlp: Any | None = None,
    tag_times: Callable[..., list[TimeRef]] | None = None,
) -> Analysis:
    """Parse a document and tag its mentions and dates.

    `nlp` and `tag_times` are injectable so tests can run with fakes; by default the shared spaCy
    pipeline and `sourcecheck.dates.tag_times` are used.
    """
    if nlp is None:
        from .models import spacy_pipeline

        nlp = spacy_pipeline()
    if tag_times is None:
        from .dates import tag_times
    doc = nlp(document.text)
    times = tag_times(document.text, document_date=document.published)
    return Analysis(document=document, doc=doc, mentions=mentions_from(doc), times=times)
