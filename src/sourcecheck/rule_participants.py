"""The participant rule: a person or place the claim names that the evidence, about the same
event, names differently.

"Roosevelt met Stalin in Moscow in October 1944" against "Churchill met Stalin in Moscow in
October 1944": the evidence is otherwise about the same meeting, names a person, and never names
Roosevelt, so the participant is wrong. A name the evidence also contains is a match. The rule is
cautious: a sentence naming other people is common and proves nothing unless it is about the
same thing, so it needs more of the claim in the window than the other rules (`ABOUT_SAME_NAMES`).
"""

from __future__ import annotations

import re

from .entities import fold
from .rules import RuleResult, about_same, without
from .types import Mention

RULE_KINDS = ("person", "place")
ABOUT_SAME_NAMES = 0.6

# Evidence names a country by its people or adjective as often as by its name ("German forces"
# for Germany): those forms count as naming it. Folded keys; the names and their aliases.
_DEMONYMS = {
    "germany": ("german",), "nazi germany": ("german",), "great britain": ("british", "briton", "english"),
    "britain": ("british", "briton"), "united kingdom": ("british",), "uk": ("british",), "england": ("english",),
    "france": ("french",), "poland": ("polish", "pole"), "italy": ("italian",), "spain": ("spanish",),
    "russia": ("russian", "soviet"), "soviet union": ("soviet", "russian"), "ussr": ("soviet",), "japan": ("japanese",),
    "china": ("chinese",), "turkey": ("turkish", "ottoman"), "greece": ("greek",), "finland": ("finnish", "finn"),
    "sweden": ("swedish",), "norway": ("norwegian",), "denmark": ("danish",), "hungary": ("hungarian", "austro-hungarian"),
    "austria": ("austrian", "austro-hungarian"), "united states": ("american", "u.s.", "us"), "america": ("american",),
    "israel": ("israeli",), "egypt": ("egyptian",), "india": ("indian",), "korea": ("korean",), "vietnam": ("vietnamese",),
    "cuba": ("cuban",), "czechoslovakia": ("czech", "czechoslovak", "slovak"), "yugoslavia": ("yugoslav",),
    "romania": ("romanian",), "bulgaria": ("bulgarian",), "serbia": ("serbian", "serb"), "ireland": ("irish",),
    "portugal": ("portuguese",), "netherlands": ("dutch",), "belgium": ("belgian",), "switzerland": ("swiss",),
    "ukraine": ("ukrainian",), "iran": ("iranian", "persian"), "iraq": ("iraqi",), "syria": ("syrian",),
    "pakistan": ("pakistani",), "indonesia": ("indonesian",), "kenya": ("kenyan",), "nigeria": ("nigerian",),
    "ethiopia": ("ethiopian",), "ghana": ("ghanaian",), "tanzania": ("tanzanian", "tanganyika"), "mexico": ("mexican",),
    "brazil": ("brazilian",), "argentina": ("argentine", "argentinian"), "chile": ("chilean",), "canada": ("canadian",),
    "australia": ("australian",), "nicaragua": ("nicaraguan",), "rwanda": ("rwandan",), "kuwait": ("kuwaiti",),
}
# Tagged as places, never where an event happened instead of somewhere else ("circled the Earth").
_NOT_PLACES = frozenset({"earth", "moon", "world", "globe", "space"})
_WORDS = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*\.?")


def _named(mention: Mention, window: str, window_mentions: list[Mention]) -> bool:
    """Does the window name the same entity (same id, or the surname/last word in its text)?"""
    if mention.entity_id and not mention.entity_id.startswith("doc/") and any(m.entity_id == mention.entity_id for m in window_mentions):
        return True
    folded = fold(window)
    tokens = fold(mention.text).split()
    last = tokens[-1] if tokens else ""
    if bool(last) and (fold(mention.text) in folded or f" {last}" in f" {folded}"):
        return True
    # Family name first ("Deng Xiaoping"): "succeeded Deng as leader". Only the first word
    # standing alone counts, or "John Howard" would be named by "John Kerr".
    if mention.kind == "person" and len(tokens) == 2 and len(tokens[0]) >= 4:
        first = re.escape(mention.text.split()[0])
        if re.search(rf"\b{first}\b(?!\s+[A-Z])", window):
            return True
    forms = _DEMONYMS.get(fold(mention.text), ())
    if not forms:
        return False
    # "German", "Germans", "Soviet-era", "Austro-Hungarian": a demonym, alone or pluralised, as a
    # whole word or a hyphenated part of one.
    tokens = _WORDS.findall(folded)
    words = set(tokens) | {part for t in tokens for part in t.split("-")}
    words |= {w.rstrip(".").removesuffix("s") for w in words}
    return any(form in words or form.rstrip(".") in words for form in forms)


def _place_key(mention: Mention) -> str:
    """"the Soviet Union" and "Soviet Union" alike, for the country and not-a-place lists."""
    return fold(mention.text).removeprefix("the ")


def _is_country(mention: Mention) -> bool:
    return _place_key(mention) in _DEMONYMS


def _same_scale(mine: Mention, rival: Mention) -> bool:
    """A country is no rival of a city ("Portugal" against "Lisbon", "Moscow" against "Finland"):
    one can hold the other, and a claim's city often sits beside the evidence's countries."""
    return mine.kind != "place" or _is_country(mine) == _is_country(rival)


def check_participants(claim: str, claim_mentions: list[Mention], window: str, window_mentions: list[Mention], *, title: str = "") -> RuleResult | None:
    """match / mismatch on the claim's people and places, None when the window is off topic.
    `title`, the passage's, counts toward the window being about the claim's subject, not as a
    name the window gives (`rule_dates.check_dates`).

    >>> check_participants("Roosevelt met Stalin in Moscow.", [roosevelt, stalin, moscow],
    ...                    "Churchill met Stalin in Moscow.", [churchill, stalin, moscow]).outcome  # doctest: +SKIP
    'mismatch'
    """
    mine = [m for m in claim_mentions if m.kind in RULE_KINDS and _place_key(m) not in _NOT_PLACES]
    if not mine:
        return None
    missing = [m for m in mine if not _named(m, window, window_mentions)]
    if not missing:
        return RuleResult("participants", "match", ", ".join(m.text for m in mine), ", ".join(m.text for m in mine), "the evidence names the same people and places")
    rest = without(claim, [m.text for m in missing])
    if not about_same(rest, window, overlap=ABOUT_SAME_NAMES, title=title):
        return None
    for m in missing:
        rivals = [w for w in window_mentions if w.kind == m.kind and _same_scale(m, w) and not any(_named(c, w.text, [w]) for c in mine)]
        if rivals:
            names = ", ".join(dict.fromkeys(w.text for w in rivals))
            return RuleResult("participants", "mismatch", m.text, names, f"the claim names {m.text}; the evidence names {names}")
    return None
