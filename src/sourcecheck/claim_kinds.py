"""What kind of statement a clause is: fact, opinion, prediction, question or metaphor.

Cheap lexical and syntactic cues over the spaCy parse. They complement the check-worthiness
model (trained on debate sentences), which knows nothing of rhetorical questions in essays or of
personification ("Bleeding profusely, the revolution finds its greatness anew").
"""

from __future__ import annotations

from typing import Any, Literal

ClaimKind = Literal["fact", "opinion", "prediction", "question", "metaphor"]

# Verbs that report what someone else says or thinks: the author does not assert the content.
REPORTING = {
    "argue", "claim", "say", "state", "assert", "allege", "maintain", "insist", "suggest", "contend",
    "believe", "think", "declare", "announce", "write", "tell", "report", "hold", "charge", "accuse",
    "deny", "speculate", "propose", "predict", "warn", "testify", "recall", "admit", "concede",
}
# Verbs whose content the author presents as established fact ("research has shown that ...").
FACTIVE = {"show", "prove", "reveal", "demonstrate", "confirm", "establish", "find", "discover", "emerge", "know", "realise", "realize"}
# First-person framing of a judgement.
OPINION_OPENERS = ("i think", "i believe", "i feel", "in my opinion", "in my view", "we believe", "we think", "it seems to me", "surely", "undoubtedly", "of course")
EVALUATIVE = {
    "heroic", "heroism", "shameful", "shame", "great", "greatness", "terrible", "wonderful", "glorious", "disgraceful",
    "magnificent", "tragic", "noble", "evil", "wicked", "brave", "cowardly", "cynical", "monstrous", "admirable",
    "fateful", "epic", "criminal", "treacherous", "betrayal", "infamous", "splendid", "deplorable", "outrageous",
    "remarkable", "superb", "dreadful", "horrible", "honourable", "dishonourable", "foolish", "wise", "naive",
    "super-human", "superhuman", "sublime", "barbaric", "barbarous", "heroically", "shamefully", "miserable",
}
DEONTIC = {"should", "must", "ought"}
FUTURE = {"will", "shall", "'ll"}
# Verbs of living bodies: with an abstract subject they personify ("the revolution bleeds").
ANIMATE = {"bleed", "breathe", "weep", "sleep", "wake", "dream", "cry", "smile", "laugh", "sigh", "hunger", "thirst", "yearn", "kneel"}
ABSTRACT_SUBJECT_POS = {"NOUN", "PRON"}


def classify(clause: Any, *, subject: Any | None, root: Any) -> ClaimKind:
    """Classify the clause whose head is `root` (spaCy tokens; `clause` is its sentence span)."""
    text = clause.text.strip()
    lower = text.lower()
    if text.endswith("?"):
        return "question"
    if lower.startswith(OPINION_OPENERS):
        return "opinion"
    aux = {c.lower_ for c in root.children if c.dep_ in ("aux", "auxpass")}
    if aux & DEONTIC:
        return "opinion"
    if aux & FUTURE or _going_to(root):
        return "prediction"
    if _personified(subject, root, clause):
        return "metaphor"
    has_fact_anchor = any(t.ent_type_ and t.ent_type_ not in ("NORP",) for t in clause) or any(t.like_num for t in clause)
    evaluative = sum(1 for t in clause if t.lower_ in EVALUATIVE)
    if evaluative >= 2 or (evaluative >= 1 and not has_fact_anchor and root.lemma_ == "be"):
        return "opinion"
    return "fact"


def _going_to(root: Any) -> bool:
    # "Germany is going to lose": xcomp under "going" with "to".
    return root.lower_ == "going" and any(c.dep_ == "xcomp" for c in root.children)


def _personified(subject: Any | None, root: Any, clause: Any) -> bool:
    verbs = [root, *(c for c in root.children if c.dep_ in ("advcl", "dep") and c.tag_ == "VBG")]
    if subject is None or not any(v.lemma_ in ANIMATE for v in verbs):
        return False
    if subject.ent_type_ in ("PERSON", "NORP", "ORG", "GPE"):
        return False
    # "Bleeding profusely it finds its greatness anew": a bodily verb on the clause, or on a
    # participle attached to it, with a subject that is neither a person nor a collective.
    return subject.pos_ in ABSTRACT_SUBJECT_POS and subject.lower_ not in ("he", "she", "they", "i", "we", "you")
