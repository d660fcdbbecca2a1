"""The number rule: what the claim counts against what the evidence counts, for the same thing.

"Ten million soldiers died at Stalingrad" against "about 1.1 million Soviet soldiers died": both
count soldiers, the values are far apart, so the window contradicts the number. Values agree
within 10%, or 35% when either side hedges ("about", "some", "nearly", "over").
"""

from __future__ import annotations

from .quantities import Quantity, find_quantities
from .rules import RuleResult, about_same, without

EXACT_TOLERANCE = 0.10
HEDGED_TOLERANCE = 0.35


def _normalised(q: Quantity) -> Quantity:
    """"two-thirds" and "66 percent" are the same kind of number."""
    if q.unit == "fraction":
        return Quantity(q.value * 100, "percent", q.text, q.start, q.end, q.approximate)
    return q


# Nouns that count the same thing in a history text: "claimed a dozen lives" and "killing 34
# people" both count the dead; "two hundred men" and "81 revolutionaries" count fighters. Stems.
_KINDS = (
    frozenset({"live", "people", "person", "dead", "death", "killed", "casual", "victim", "fatali"}),
    frozenset({"men", "soldie", "troop", "fighte", "revolu", "guerri", "combat"}),
)


def _counted(q: Quantity) -> set[str]:
    words = {q.unit, *q.words} - {""}
    return words | {f"kind{i}" for i, kind in enumerate(_KINDS) if words & kind}


def same_thing(a: Quantity, b: Quantity) -> bool:
    """Both count the same thing: the same unit, a shared word among the next few, or nouns of
    one kind (`_KINDS`)."""
    return a.unit == b.unit or bool(_counted(a) & _counted(b))


def agree(a: Quantity, b: Quantity) -> bool:
    tolerance = HEDGED_TOLERANCE if a.approximate or b.approximate else EXACT_TOLERANCE
    top = max(abs(a.value), abs(b.value))
    return top == 0 or abs(a.value - b.value) / top <= tolerance


def check_numbers(claim: str, window: str, *, title: str = "") -> RuleResult | None:
    """match / mismatch when claim and window count the same thing, None otherwise. `title`, the
    passage's, counts toward the window being about the claim's subject (`rule_dates.check_dates`).

    >>> check_numbers("Ten million soldiers died at Stalingrad.", "At Stalingrad 1.1 million soldiers died.").outcome
    'mismatch'
    """
    mine = [_normalised(q) for q in find_quantities(claim) if q.unit]
    theirs = [_normalised(q) for q in find_quantities(window) if q.unit]
    matched = []
    for q in mine:
        same_unit = [e for e in theirs if same_thing(q, e)]
        if not same_unit:
            continue
        if not about_same(without(claim, [q.text]), window, title=title):
            return None
        hit = next((e for e in same_unit if agree(q, e)), None)
        if hit is None:
            others = ", ".join(e.text for e in same_unit)
            return RuleResult("numbers", "mismatch", q.text, others, f"the claim says {q.text}; the evidence says {others}")
        matched.append((q, hit))
    if not matched:
        return None
    return RuleResult("numbers", "match", ", ".join(q.text for q, _ in matched), ", ".join(e.text for _, e in matched), "the numbers agree")
