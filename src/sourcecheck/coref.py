"""Pronoun resolution good enough to make claims stand alone.

No coreference model is installable here, so this is a salience heuristic in the spirit of
Lappin and Leass (1994): a pronoun refers to the most recent compatible mention before it,
preferring grammatical subjects. "he/his/him/she/her" want a person; "it/its" an organisation,
place or event; "they/their/them" a group, an organisation or a plural noun phrase. A pronoun
with no compatible mention in the same or the two previous sentences stays as it is: a claim
with an unresolved pronoun is better than one about the wrong person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .types import Mention

PERSONAL = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
NEUTER = {"it", "its"}
PLURAL = {"they", "them", "their", "theirs"}
POSSESSIVE = {"his", "her", "its", "their"}
WANTS = {
    **{p: ("person",) for p in PERSONAL},
    **{p: ("organisation", "place", "event") for p in NEUTER},
    **{p: ("group", "organisation") for p in PLURAL},
}
LOOKBACK_SENTENCES = 2


@dataclass(frozen=True)
class Resolution:
    pronoun_index: int  # token index in the spaCy doc
    mention: Mention
    replacement: str  # text to put in place of the pronoun in a claim


def _is_expletive(token: Any) -> bool:
    # "It is clear that ...", "it was Hitler who ...": no referent.
    if token.dep_ == "expl":
        return True
    head = token.head
    return token.lower_ == "it" and head.lemma_ == "be" and any(c.dep_ in ("ccomp", "xcomp", "csubj") or c.lower_ in ("clear", "true", "possible", "likely") for c in head.children)


def resolve_pronouns(doc: Any, mentions: list[Mention]) -> dict[int, Resolution]:
    """Map token index of each resolvable pronoun to its antecedent mention."""
    by_start = sorted(mentions, key=lambda m: m.start)
    sentence_starts = [s.start_char for s in doc.sents]
    resolutions: dict[int, Resolution] = {}
    for token in doc:
        lower = token.lower_
        if lower not in WANTS or token.pos_ not in ("PRON", "DET") or _is_expletive(token):
            continue
        sent_index = max(i for i, s in enumerate(sentence_starts) if s <= token.idx)
        window_start = sentence_starts[max(0, sent_index - LOOKBACK_SENTENCES)]
        candidates = [m for m in by_start if window_start <= m.start and m.end <= token.idx and m.kind in WANTS[lower]]
        if lower in NEUTER:
            # "it" has many non-name referents ("the Empire", "the revolution" as an idea); only
            # a name that was itself a subject is a safe antecedent.
            candidates = [m for m in candidates if _is_subject(doc, m)]
        if lower in PLURAL:
            # "they" refers to plain noun phrases ("these forces", "all those") as often as to
            # names; only a named group that was itself a subject is a safe antecedent.
            candidates = [m for m in candidates if _is_subject(doc, m) and m.kind == "group"]
        if not candidates:
            continue
        subjects = [m for m in candidates if _is_subject(doc, m)]
        antecedent = (subjects or candidates)[-1]
        if subjects and candidates[-1].start > subjects[-1].start and _same_sentence(doc, candidates[-1], token):
            antecedent = candidates[-1] if candidates[-1].kind == "person" and lower in PERSONAL else subjects[-1]
        # The document's own wording of the antecedent, so the claim reads as the author wrote it.
        name = antecedent.text
        before = doc.text[max(0, antecedent.start - 4) : antecedent.start]
        if before.lower() == "the " and not name.lower().startswith("the "):
            name = "the " + name
        possessive = name + ("'" if name.endswith("s") else "'s")
        replacement = possessive if lower in POSSESSIVE and token.dep_ == "poss" else name
        resolutions[token.i] = Resolution(token.i, antecedent, replacement)
    return resolutions


def _is_subject(doc: Any, mention: Mention) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass")


def _same_sentence(doc: Any, mention: Mention, token: Any) -> bool:
    return doc.char_span(mention.start, mention.end, alignment_mode="expand").sent == token.sent
