"""Turn sentences into atomic, self-contained claims.

A sentence is split along its dependency parse into clauses, each of which becomes one claim:

- coordinated clauses ("X crossed the Bug and took Brest") give one claim each, the second
  borrowing the first's subject;
- subordinate clauses of time, cause and concession ("When the Red Army defeated ...") are claims
  of their own, and leave the main clause;
- purpose clauses ("travelled to Turkey to have secret talks with Hitler, to seek peace") give one
  claim per purpose, each repeating the main clause, and the main clause stands alone too;
- appositions ("Churchill, head of the British government,") become "Churchill was head of ...";
- subject relative clauses ("the pact, which was signed in August 1939,") become "The pact was
  signed in August 1939";
- reported speech ("Communists have long argued that X") gives the claim X, attributed to its
  speaker; after factive verbs ("research has shown that X") X is asserted by the author.

Pronouns are replaced by their antecedents (`coref`). Every claim keeps the span of the source
text it comes from, its mentions and its dates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .claim_kinds import FACTIVE, REPORTING, ClaimKind, classify
from .coref import Resolution
from .types import Attribution, Mention, TimeRef

CLAUSAL_POS = {"VERB", "AUX"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
# Subordinators that make a clause a fact of its own ("when X happened, Y happened").
SIMULTANEOUS = {"when", "while", "as", "whilst"}
SUBORDINATORS = {"when", "after", "before", "while", "as", "since", "because", "although", "though", "until", "once", "whereas", "whilst"}
LEADING_JUNK = {"and", "but", "or", "so", "yet", "however", "moreover", "thus", "therefore", "then", "also", "indeed"}
CLOSING = {",", ".", ";", ":", "!", "?", ")", "’", "”", "'s", "n't"}
EDGE_PUNCT = {",", ";", ":", "—", "–", "-", "(", ")"}
MIN_TOKENS = 4


@dataclass
class Draft:
    """A claim under construction: doc token indices to keep, plus words to prepend."""

    tokens: set[int]
    root: Any
    subject: Any | None
    sentence: Any
    insert_after: dict[int, str] = field(default_factory=dict)  # token index -> word to add after it
    attribution: Attribution | None = None
    # Tokens of a clause that happens at the same time ("when X, Y"): where the claim has no date
    # of its own, it takes the nearest date of its companion.
    companion: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ClaimCandidate:
    text: str
    start: int
    end: int
    kind: ClaimKind
    token_indices: tuple[int, ...]
    attribution: Attribution | None
    extra_mentions: tuple[Mention, ...]
    companion_indices: tuple[int, ...] = ()


def _subtree(token: Any) -> set[int]:
    return {t.i for t in token.subtree}


def _subject(verb: Any) -> Any | None:
    return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)


def _is_purpose(clause: Any) -> bool:
    # "to have secret talks": an infinitive with "to" and no subordinator of its own.
    return clause.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _subordinator(clause: Any) -> Any | None:
    return next((c for c in clause.children if c.dep_ in ("mark", "advmod") and c.lower_ in SUBORDINATORS), None)


def _is_clause_conj(token: Any) -> bool:
    return token.dep_ == "conj" and token.pos_ in CLAUSAL_POS


def _after_comma(token: Any) -> bool:
    first = token.left_edge
    return first.i > 0 and first.doc[first.i - 1].text == ","


def _relative_subject(clause: Any) -> Any | None:
    return next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP")), None)


def _splits_off(token: Any) -> bool:
    """A noun modifier that is a claim of its own: a comma-delimited apposition ("Churchill,
    head of the British government,") or a non-restrictive subject relative clause (", which
    was signed in 1939"). Restrictive clauses ("the assistance they received") narrow the noun
    and stay in the claim; so do object relatives, which cannot stand alone without rewording."""
    if token.dep_ == "appos":
        # A role or description of a name ("Churchill, head of ..."); lists of names or of common
        # nouns ("the Vistula, the Spree, ...") are misparsed as appositions and stay whole.
        named = token.head.pos_ == "PROPN" or bool(token.head.ent_type_)
        return named and _after_comma(token) and token.pos_ == "NOUN" and token.left_edge.lower_ not in ("no", "not")
    if token.dep_ == "relcl":
        return _after_comma(token) and _relative_subject(token) is not None
    return False


class Decomposer:
    """Splits one sentence into Drafts. Stateless apart from the sentence it is given."""

    def __init__(self, sentence: Any) -> None:
        self.sentence = sentence
        self.drafts: list[Draft] = []

    def run(self) -> list[Draft]:
        root = self.sentence.root
        if root.pos_ not in CLAUSAL_POS:
            return []
        attribution, head = self._reported(root)
        self._clause(head, inherited_subject=None, attribution=attribution)
        return self.drafts

    def _reported(self, root: Any) -> tuple[Attribution | None, Any]:
        """For "X argued that Y" return (X's attribution, Y's head); otherwise (None, root)."""
        content = next((c for c in root.children if c.dep_ == "ccomp" and c.pos_ in CLAUSAL_POS), None)
        speaker = _subject(root)
        if content is None or root.lemma_ not in REPORTING | FACTIVE:
            return None, root
        if root.lemma_ in FACTIVE or speaker is None or speaker.dep_ == "expl":
            return None, content
        cue_tokens = [root, *(c for c in root.children if c.dep_ in ("aux", "neg", "advmod") and c.i < content.i)]
        start = min(min(t.idx for t in speaker.subtree), min(t.idx for t in cue_tokens))
        end = max(t.idx + len(t) for t in cue_tokens)
        speaker_text = self.sentence.doc[speaker.left_edge.i : speaker.right_edge.i + 1].text
        cue = " ".join(t.text for t in sorted(cue_tokens, key=lambda t: t.i))
        return Attribution(speaker=speaker_text, cue=cue, start=start, end=end), content

    def _core(self, head: Any) -> set[int]:
        """The head's subtree without the parts that become claims of their own."""
        keep = _subtree(head)
        for child in head.children:
            split = (
                _is_clause_conj(child)
                or child.dep_ in ("advcl", "parataxis")
                or (child.dep_ == "cc" and any(_is_clause_conj(c) for c in head.children))
                or (child.dep_ in ("mark", "advmod") and child.lower_ in SUBORDINATORS)
            )
            if split:
                keep -= _subtree(child)
        for token in list(keep):
            tok = self.sentence.doc[token]
            if tok.head.i in keep and _splits_off(tok):
                keep -= _subtree(tok)
        return keep

    def _subject_tokens(self, subject: Any) -> set[int]:
        tokens = _subtree(subject)
        for tok in subject.subtree:
            if tok.i in tokens and _splits_off(tok):
                tokens -= _subtree(tok)
        return tokens

    def _clause(self, head: Any, *, inherited_subject: Any | None, attribution: Attribution | None) -> None:
        subject = _subject(head)
        core = self._core(head)
        if subject is None and inherited_subject is not None:
            core |= self._subject_tokens(inherited_subject)
            subject = inherited_subject
        main = Draft(core, head, subject, self.sentence, attribution=attribution)
        self.drafts.append(main)
        self._noun_modifiers(core, attribution)
        for child in head.children:
            if _is_clause_conj(child):
                self._clause(child, inherited_subject=subject, attribution=attribution)
            elif child.dep_ == "advcl" and _is_purpose(child):
                self._purposes(child, core, subject, attribution)
            elif child.dep_ == "advcl" and _subordinator(child) is not None:
                first = len(self.drafts)
                self._clause(child, inherited_subject=subject if _subject(child) is None else None, attribution=attribution)
                if _subordinator(child).lower_ in SIMULTANEOUS:
                    self.drafts[first].companion = set(core)
                    main.companion |= self.drafts[first].tokens
            elif child.dep_ == "parataxis" and child.pos_ in CLAUSAL_POS and _subject(child) is not None:
                self._clause(child, inherited_subject=None, attribution=attribution)

    def _purposes(self, purpose: Any, main_core: set[int], subject: Any | None, attribution: Attribution | None) -> None:
        """One claim per purpose: the main clause plus this purpose, without its sibling purposes."""
        nested = [c for c in purpose.subtree if c.i != purpose.i and c.dep_ in ("advcl", "conj") and _is_purpose(c)]
        tokens = _subtree(purpose) - {c.i for c in purpose.children if c.dep_ == "cc"}
        for other in nested:
            tokens -= _subtree(other)
        self.drafts.append(Draft(main_core | tokens, purpose, subject, self.sentence, attribution=attribution))
        outermost = [n for n in nested if not any(m is not n and n.i in _subtree(m) for m in nested)]
        for other in outermost:
            self._purposes(other, main_core, subject, attribution)

    def _noun_modifiers(self, core: set[int], attribution: Attribution | None) -> None:
        """Appositions and subject relative clauses inside a clause become claims of their own."""
        doc = self.sentence.doc
        past = any(doc[i].tag_ in ("VBD",) for i in core) or any(doc[i].tag_ == "VBN" and doc[i].dep_ != "amod" for i in core)
        for i in sorted(core):
            noun = doc[i]
            for child in noun.children:
                if child.i in core or not _splits_off(child):
                    continue
                if child.dep_ == "appos":
                    np = self._noun_phrase(noun)
                    copula = ("were" if past else "are") if noun.tag_ in ("NNS", "NNPS") else ("was" if past else "is")
                    self.drafts.append(Draft(np | _subtree(child), child, noun, self.sentence, insert_after={max(np): copula}, attribution=attribution))
                else:
                    tokens = self._noun_phrase(noun) | self._core(child)
                    tokens.discard(_relative_subject(child).i)
                    self.drafts.append(Draft(tokens, child, noun, self.sentence, attribution=attribution))

    def _noun_phrase(self, noun: Any) -> set[int]:
        tokens = _subtree(noun)
        for child in noun.children:
            if child.dep_ in ("punct", "conj", "cc") or _splits_off(child):
                tokens -= _subtree(child)
        return tokens


def render(draft: Draft, resolutions: dict[int, Resolution]) -> tuple[str, list[int]] | None:
    """Assemble a draft's tokens into claim text; returns (text, kept token indices)."""
    doc = draft.sentence.doc
    insert_after = draft.insert_after
    indices = sorted(i for i in draft.tokens if draft.sentence.start <= i < draft.sentence.end and not doc[i].is_space)
    indices = _trim(doc, indices)
    if len([i for i in indices if not doc[i].is_punct]) < MIN_TOKENS - (1 if insert_after else 0):
        return None
    parts: list[str] = []
    named: set[int] = set()  # antecedents already written out once in this claim
    for n, i in enumerate(indices):
        token = doc[i]
        word = token.text
        if i in resolutions and resolutions[i].mention.start not in named and not _names_antecedent(doc, indices, resolutions[i]):
            word = resolutions[i].replacement
            named.add(resolutions[i].mention.start)
        if n and (indices[n - 1] + 1 != i or doc[indices[n - 1]].whitespace_):
            gap_has_space = any(doc[j].whitespace_ or doc[j].is_space for j in range(indices[n - 1], i))
            if gap_has_space and token.text not in CLOSING:
                parts.append(" ")
        parts.append(word)
        if i in insert_after:
            parts.append(" " + insert_after[i])
    # Line breaks inside a paragraph are layout, not content.
    text = " ".join("".join(parts).split())
    if not text:
        return None
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?\"'”’":
        text += "."
    return text, indices


def _names_antecedent(doc: Any, indices: list[int], resolution: Resolution) -> bool:
    """True when the claim already names the antecedent ("Hitler began his march"): keep "his"."""
    mention = resolution.mention
    return any(mention.start <= doc[i].idx < mention.end for i in indices)


def _trim(doc: Any, indices: list[int]) -> list[int]:
    """Drop punctuation left dangling by removed clauses, and leading connectives."""
    kept = list(indices)
    changed = True
    while changed and kept:
        changed = False
        out: list[int] = []
        for n, i in enumerate(kept):
            token = doc[i]
            if token.text in EDGE_PUNCT:
                prev_gap = n == 0 or kept[n - 1] != i - 1 or doc[kept[n - 1]].text in EDGE_PUNCT
                next_gap = n == len(kept) - 1 or kept[n + 1] != i + 1
                if prev_gap or next_gap:
                    changed = True
                    continue
            out.append(i)
        kept = out
        while kept and (doc[kept[0]].lower_ in LEADING_JUNK or doc[kept[0]].dep_ == "mark" or doc[kept[0]].lower_ in SUBORDINATORS and doc[kept[0]].dep_ == "advmod" or doc[kept[0]].text in EDGE_PUNCT):
            kept.pop(0)
            changed = True
        while kept and doc[kept[-1]].text in EDGE_PUNCT | {"and", "or", "but"}:
            kept.pop()
            changed = True
    return kept


def decompose(sentence: Any, resolutions: dict[int, Resolution]) -> list[ClaimCandidate]:
    """All claim candidates of one spaCy sentence, in text order, without duplicates."""
    doc = sentence.doc
    seen: set[str] = set()
    out: list[ClaimCandidate] = []
    # A sentence with no verb at its root (a heading, a caption) states nothing to check.
    for draft in Decomposer(sentence).run():
        rendered = render(draft, resolutions)
        if rendered is None:
            continue
        text, indices = rendered
        key = text.casefold()
        if key in seen:
            continue
        seen.add(key)
        start = doc[indices[0]].idx
        end = doc[indices[-1]].idx + len(doc[indices[-1]])
        kind = classify(sentence, subject=draft.subject, root=draft.root)
        extra = tuple(resolutions[i].mention for i in indices if i in resolutions)
        companion = tuple(sorted(draft.companion - set(indices)))
        out.append(ClaimCandidate(text, start, end, kind, tuple(indices), draft.attribution, extra, companion))
    return sorted(out, key=lambda c: (c.start, c.end))


def claim_id(doc_id: str, start: int, end: int, text: str) -> str:
    """Stable across runs: the same claim in the same document always gets the same id."""
    digest = hashlib.sha256(f"{doc_id}:{start}:{end}:{text}".encode()).hexdigest()[:10]
    return f"{doc_id[:8]}-{digest}"


def claim_times(times: list[TimeRef], doc: Any, candidate: ClaimCandidate) -> list[TimeRef]:
    """The claim's own dates; failing those, the date of its simultaneous clause nearest to it."""
    own = within(times, doc, candidate.token_indices)
    if own or not candidate.companion_indices:
        return own
    borrowed = within(times, doc, candidate.companion_indices)
    before = [t for t in borrowed if t.end <= candidate.start]
    if before:
        return [max(before, key=lambda t: (t.end, t.start))]  # the innermost of nested dates
    return borrowed[:1]


def within(items: Iterable[Mention | TimeRef], doc: Any, indices: tuple[int, ...]) -> list[Any]:
    """Items whose span overlaps any kept token."""
    ranges = [(doc[i].idx, doc[i].idx + len(doc[i])) for i in indices]
    return [item for item in items if any(item.start < e and s < item.end for s, e in ranges)]
