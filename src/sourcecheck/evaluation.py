"""Judgement in a claim: does it praise or condemn what it is about?

Two texts can agree on every fact and still be opposed: one calls the pact "a wise and necessary
step", the other "a cynical betrayal". That is a disagreement in judgement, not in fact, and the
comparison reports it as EVALUATION_CONTRAST instead of CONTRADICT. NLI cannot tell the two
apart (it calls both "contradiction"), so judgement is read here from a small lexicon of
evaluative words, each with its polarity.

Words come in two tiers. *Judgement* words judge wherever they stand ("heroic", "shameful",
"cynical"). *Predicative* words judge only when the sentence predicates them of its subject
("the bombing was a war crime", "the New Deal was a failure") and otherwise often name a fact
("the war crimes trials", "the uprising's failure to take the bridges"), so they count only after
a copula or in a claim the extractor already classed as an opinion. A negator just before a word
flips it ("was not a betrayal").

    >>> judgement("The pact was a cynical betrayal of the anti-fascist cause.").polarity
    -1
    >>> judgement("The pact was signed in Moscow on 23 August 1939.").polarity
    0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Judge wherever they stand. Chosen by hand from the vocabulary of historical polemic and
# eulogy; never includes outcome words ("victory", "defeat", "surrender"), which state facts.
POSITIVE = frozenset(
    """heroic heroically heroism heroes brave bravely bravery courage courageous courageously
    glorious gloriously glory wise wisely wisdom sensible prudent prudently admirable admirably
    brilliant brilliantly honourable honorable honourably noble nobly magnificent splendid sublime
    dignified praiseworthy farsighted far-sighted statesmanlike visionary masterly skilful skillful
    righteous humane selfless inspiring heroine indispensable commendable laudable exemplary
    justified justifiable defensible""".split()
)
NEGATIVE = frozenset(
    """shameful shamefully shame disgraceful disgrace cynical cynically betrayal betrayed betray
    treacherous treachery criminal atrocity atrocities atrocious brutal brutally brutality barbaric
    barbarous barbarism monstrous evil wicked cowardly cowardice foolish foolishly folly reckless
    recklessly incompetent incompetence senseless unjust unjustly unjustified unjustifiable
    illegitimate immoral deplorable outrageous dreadful horrible infamous dishonourable dishonorable
    despicable odious vile heinous inexcusable inhuman inhumane ruthless disgracefully murderous
    catastrophic disastrous blunder blunders appalling tragic naive naïve hypocritical hypocrisy
    mendacious lamentable""".split()
)
# Judge only when predicated ("X was a crime") or in an opinion; elsewhere often factual.
PREDICATIVE_POSITIVE = frozenset(
    """great greatness success successful triumph triumphant legitimate lawful necessary just
    justice welcome bold boldly decent generous remarkable superb""".split()
)
PREDICATIVE_NEGATIVE = frozenset(
    """crime crimes failure failures disaster mistake mistakes error revenge vengeance illegal
    unlawful aggression gamble slaughter massacre terrible costly""".split()
)
NEGATORS = frozenset({"not", "never", "no", "hardly", "nor", "neither", "nothing", "n't", "without"})
COPULAS = frozenset({"is", "was", "were", "are", "be", "been", "being", "remains", "remained", "seems", "seemed", "proved", "became"})
# A copula opens a predicate ("was a crime", "was not justified", "was utterly senseless") only
# when one of these follows it; "was charged with war crimes" is a passive, not a judgement.
_PREDICATE_OPENERS = frozenset({"a", "an", "the", "not", "no", "never", "nothing", "n't", "so", "very", "too", "more", "most", "truly", "simply", "both", "neither", "far", "in", "at", "also", "rather", "quite", "one", "its", "their", "his", "her"})
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|n't", re.UNICODE)
# How far back a negator reaches ("was not at all a betrayal").
NEGATION_WINDOW = 3


@dataclass(frozen=True)
class Judgement:
    """The evaluative reading of one claim: `polarity` -1 (condemns), 0 (none or mixed), +1
    (praises); `words` are the judging words found, each prefixed with + or -."""

    polarity: int
    score: float
    words: tuple[str, ...]

    @property
    def evaluative(self) -> bool:
        return self.polarity != 0


def judgement(text: str, *, opinion: bool = False) -> Judgement:
    """Read the judgement a claim passes. `opinion` (the claim extractor's kind) lets the
    predicative words count anywhere in the claim.

    >>> judgement("Churchill was a reckless and incompetent war leader.").words
    ('-reckless', '-incompetent')
    >>> judgement("The Munich Agreement was not a betrayal.").polarity
    1
    """
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    after_copula = False
    score = 0.0
    words: list[str] = []
    for i, token in enumerate(tokens):
        if token in COPULAS:
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            after_copula = after_copula or following in _PREDICATE_OPENERS or following.endswith("ly") or _lexical(following)
            continue
        sign = 0
        if token in POSITIVE:
            sign = 1
        elif token in NEGATIVE:
            sign = -1
        elif after_copula or opinion:
            if token in PREDICATIVE_POSITIVE:
                sign = 1
            elif token in PREDICATIVE_NEGATIVE:
                sign = -1
        if not sign:
            continue
        negated = any(t in NEGATORS for t in tokens[max(0, i - NEGATION_WINDOW) : i])
        if negated:
            sign = -sign
        score += sign
        words.append(("+" if sign > 0 else "-") + ("not " if negated else "") + token)
    polarity = 0 if score == 0 else (1 if score > 0 else -1)
    return Judgement(polarity, score, tuple(words))


def _lexical(token: str) -> bool:
    return token in POSITIVE or token in NEGATIVE or token in PREDICATIVE_POSITIVE or token in PREDICATIVE_NEGATIVE
