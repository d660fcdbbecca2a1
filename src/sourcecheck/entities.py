"""Historical entity rules on top of spaCy's NER, and linking mentions to canonical ids.

spaCy's small English model was trained on contemporary news: it calls rivers people ("Volga"),
operations organisations ("Operation Barbarossa"), battles facilities, and misses names with
Turkish letters ("İnönü"). A gazetteer (`data/gazetteer.json`) and a few event templates
("Operation X", "Battle of X", "X Pact") correct these in one pipeline component that runs after
the statistical NER.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .types import MentionKind

# spaCy NER label -> our mention kind. DATE, CARDINAL and friends are the date tagger's business.
LABEL_KIND: dict[str, MentionKind] = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
    "NORP": "group",
    "EVENT": "event",
    "LAW": "event",
}
KIND_LABEL = {"person": "PERSON", "place": "GPE", "organisation": "ORG", "group": "NORP", "event": "EVENT"}

# Heads of multi-word event names: "the Hitler-Stalin Pact", "the Yalta Conference".
EVENT_HEADS = [
    "pact", "agreement", "treaty", "treaties", "conference", "accords", "accord", "offensive", "uprising",
    "declaration", "charter", "revolution", "war", "crisis", "blockade", "landings", "campaign",
    "massacre", "putsch", "armistice", "purge", "famine", "airlift", "summit", "congress",
]
# "Battle of Kursk", "Siege of Leningrad", "Treaty of Versailles".
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
EVENT_OF_HEADS = ["battle", "siege", "treaty", "peace", "congress", "sack", "fall", "liberation", "partition", "invasion", "occupation", "conference", "uprising"]


# Letters that NFKD does not split into a base letter and a mark.
UNDECOMPOSABLE = str.maketrans({"İ": "I", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'İnönü' and 'Inonu' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSABLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = re.sub(r"[‐-―−]", "-", stripped)
    stripped = re.sub(r"^the\s+", "", stripped.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", stripped).casefold()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    kind: MentionKind
    aliases: tuple[str, ...]


@functools.cache
def gazetteer() -> dict[str, GazetteerEntry]:
    """Folded name or alias -> entry. Loaded once from package data."""
    raw = json.loads(resources.files("sourcecheck").joinpath("data/gazetteer.json").read_text("utf-8"))
    index: dict[str, GazetteerEntry] = {}
    for item in raw["entities"]:
        entry = GazetteerEntry(item["id"], item["name"], item["kind"], tuple(item["aliases"]))
        for name in (entry.name, *entry.aliases):
            index.setdefault(fold(name), entry)
    return index


def lookup(text: str) -> GazetteerEntry | None:
    return gazetteer().get(fold(text))


def _surface_forms() -> list[tuple[str, GazetteerEntry]]:
    seen: dict[str, GazetteerEntry] = {}
    for entry in set(gazetteer().values()):
        for name in (entry.name, *entry.aliases):
            bare = re.sub(r"^the\s+", "", name)
            seen.setdefault(bare, entry)
    return sorted(seen.items())


def add_history_rules(nlp: Any) -> None:
    """Add the `history_entities` component after spaCy's NER (idempotent)."""
    if "history_entities" in nlp.pipe_names:
        return
    from spacy.language import Language

    if not Language.has_factory("history_entities"):
        Language.factory("history_entities")(lambda nlp, name: HistoryEntities(nlp))
    nlp.add_pipe("history_entities", after="ner")


class HistoryEntities:
    """Gazetteer names and event templates override the statistical NER where they overlap.

    One exception keeps the statistical entity: when it strictly contains the rule match and is
    longer ("George Washington" is a person even though "Washington" is a place).
    """

    def __init__(self, nlp: Any) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        # Single capitalised words match case-sensitively ("Don" the river, not "don" the verb);
        # longer names case-insensitively ("the ussr", "the red army").
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._loose = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entries: dict[str, GazetteerEntry] = {}
        exact, loose = [], []
        for surface, entry in _surface_forms():
            key = f"G{len(self._entries)}"
            self._entries[key] = entry
            pattern = nlp.make_doc(surface)
            (exact if len(pattern) == 1 or surface.isupper() else loose).append((key, pattern))
        for key, pattern in exact:
            self._exact.add(key, [pattern])
        for key, pattern in loose:
            self._loose.add(key, [pattern])
        self._templates = Matcher(nlp.vocab)
        title = {"IS_TITLE": True, "IS_SENT_START": False}
        self._templates.add("EVENT", [
            [{"ORTH": "Operation"}, {"IS_TITLE": True}, {"IS_TITLE": True, "OP": "?"}],
            [{"LOWER": {"IN": EVENT_OF_HEADS}, "IS_TITLE": True}, {"LOWER": "of"}, {"LOWER": "the", "OP": "?"}, {"IS_TITLE": True, "LOWER": {"NOT_IN": MONTHS}}, {"IS_TITLE": True, "OP": "?"}],
            [title, {"ORTH": {"IN": ["-", "–", "—"]}}, title, {"LOWER": {"IN": EVENT_HEADS}, "IS_TITLE": True}],
            [{"IS_TITLE": True, "POS": {"IN": ["PROPN", "ADJ", "NOUN"]}}, {"IS_TITLE": True, "OP": "?"}, {"LOWER": {"IN": EVENT_HEADS}, "IS_TITLE": True}],
        ])

    def __call__(self, doc: Any) -> Any:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        candidates: list[Any] = []
        for matcher in (self._exact, self._loose):
            for key, start, end in matcher(doc):
                entry = self._entries[doc.vocab.strings[key]]
                candidates.append(Span(doc, start, end, label=KIND_LABEL[entry.kind], span_id=entry.id))
        for _, start, end in self._templates(doc):
            span = doc[start:end]
            entry = lookup(span.text)
            candidates.append(Span(doc, start, end, label="EVENT", span_id=entry.id if entry else ""))
        # A leading "The"/"the" belongs to the name in "the Red Army" but not to the match.
        matches = filter_spans(candidates)
        kept = []
        for ent in doc.ents:
            inside = [m for m in matches if m.start >= ent.start and m.end <= ent.end]
            wins = inside and len(ent) > max(len(m) for m in inside) and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART")
            if wins:
                matches = [m for m in matches if m not in inside]
                kept.append(ent)
            elif not any(m.start < ent.end and ent.start < m.end for m in matches):
                kept.append(ent)
        final = []
        for ent in filter_spans(kept + matches):
            entry = None if ent.id_ else lookup(ent.text)
            if entry is not None:
                ent = Span(doc, ent.start, ent.end, label=KIND_LABEL[entry.kind], span_id=entry.id)
            final.append(ent)
        doc.ents = final
        return doc
