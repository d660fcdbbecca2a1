"""Passes 2 and 3 of the temporal tagger: from candidate items to TimeRefs.

Pass 2 settles overlapping candidates (the longest reading wins), joins neighbours into ranges
("from June 1941 to May 1945") and puts operators in front of dates ("since", "the eve of",
"eight months have passed since"). Pass 3 resolves the items in text order: year-less and
relative ones against the nearest preceding date or the document date (docs/dates.md), "the
war" against the war last named.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from . import dates_calendar as cal
from . import dates_patterns as pt
from .dates_absolute import scan_days, scan_months, scan_ranges, scan_years
from .dates_calendar import Val
from .dates_lexicon import WARS, War, parse_number, war_in_context
from .dates_periods import scan_decades, scan_parts, scan_seasons
from .dates_relative import offset_fn, scan_relative, scan_wars, unit_name, war_val
from .dates_text import Item, Scanner, prev_word, word_before
from .types import Precision, TimeAnchor, TimeRef

P = Precision


def scan_all(text: str) -> tuple[list[Item], list[tuple[int, int, str]]]:
    sc = Scanner(text)
    items: list[Item] = []
    # days and months first: the years they contain need no reading of their own
    for scan in (scan_days, scan_months, scan_years, scan_ranges, scan_parts, scan_decades,
                 scan_seasons, scan_relative):
        items.extend(scan(sc))
    war_items, mentions = scan_wars(sc)
    items.extend(war_items)
    return items, mentions


_RANGE_CONN = re.compile(r"\s*[-–—]\s*|\s+(?:to|until|till|through|and)\s+", re.IGNORECASE)
# Offsets from a date the text names ("three months after 22 June 1941", "the eve of 22 June")
# yield both the offset date and the named one (docs/dates.md, "Nested expressions").
NESTING_OPS = frozenset({"passed", "itis", "nrel", "eve", "dayrel"})
_OP_NAMES = ("passed", "itis", "nrel", "eve", "dayrel", "dayof", "since", "until", "after", "before",
             "from", "between", "circa")


# ---- pass 2: settle overlaps, build ranges, apply operators ----

def _select(items: list[Item]) -> list[Item]:
    """Non-overlapping items in text order; within a cluster of overlapping ones the longest wins."""
    items.sort(key=lambda it: (it.start, -it.end))
    out: list[Item] = []
    cluster: list[Item] = []
    cluster_end = -1
    for it in items:
        if cluster and it.start >= cluster_end:
            out.extend(_longest_first(cluster))
            cluster = []
        cluster_end = it.end if not cluster else max(cluster_end, it.end)
        cluster.append(it)
    out.extend(_longest_first(cluster))
    return out


def _longest_first(cluster: list[Item]) -> list[Item]:
    if len(cluster) <= 1:
        return cluster
    kept: list[Item] = []
    for it in sorted(cluster, key=lambda it: (-(it.end - it.start), -it.prio, it.start)):
        if all(it.end <= k.start or it.start >= k.end for k in kept):
            kept.append(it)
    return sorted(kept, key=lambda it: it.start)


class _Op(NamedTuple):
    """Operator words right before a date: "since", "the eve of", "eight months have passed since"."""

    name: str
    start: int
    data: dict | None = None


# One-word operators, read without a regex when the word before them adds nothing.
_SIMPLE_OPS = {"since": "since", "until": "until", "till": "until", "by": "until", "after": "after",
               "before": "before", "from": "from", "between": "between", "c.": "circa", "ca.": "circa",
               "circa": "circa"}
# Words before such a word that make a longer operator ("ever since", "the day before", "up to",
# "eight months have passed since", "the fateful date of", "three months after").
_OP_CUES = frozenset({"passed", "elapsed", "by", "date", "day", "days", "week", "weeks", "fortnight",
                      "fortnights", "month", "months", "year", "years", "decade", "decades", "century",
                      "centuries", "prior", "ever", "up", "morning", "evening", "night", "eve"})


# Last words that make an operator only after certain words: "the eve of", "up to", "the day following".
_CUED_OPS = {"of": frozenset({"eve", "night", "morning", "evening", "afternoon", "dawn", "hours", "date", "day"}),
             "to": frozenset({"up", "prior"}),
             "following": frozenset({"day", "morning", "evening", "night"}),
             "preceding": frozenset({"day", "morning", "evening", "night"})}


def _operators(text: str, items: list[Item]) -> dict[int, _Op]:
    """The operator ending right where each item begins, by that position."""
    ops: dict[int, _Op] = {}
    for it in items:
        w, ws = word_before(text, it.start)
        if w not in pt.OPS_LAST_WORDS:
            continue
        cue = prev_word(text, ws)
        if w in _SIMPLE_OPS and cue not in _OP_CUES:
            ops[it.start] = _Op(_SIMPLE_OPS[w], ws)
            continue
        long_since = w == "of" and "since" in text[max(0, it.start - 70):it.start].lower()
        if w in _CUED_OPS and cue not in _CUED_OPS[w] and not long_since:
            continue  # "the Treaty of 12 March", "from 1939 to 1945": no operator
        reach = pt.OPS_REACH if cue in _OP_CUES or long_since else 30
        m = pt.OPS_BEFORE.search(text, max(0, it.start - reach), it.start)
        if m is None:
            continue
        name = next(n for n in _OP_NAMES if m.group(n) is not None)
        data = None
        if name in ("passed", "itis", "nrel"):
            g = {"passed": ("pn", "pu"), "itis": ("in", "iu"), "nrel": ("nn", "nu")}[name]
            n = parse_number(m.group(g[0]))
            if not n:
                continue
            sign = -1 if name == "nrel" and m.group("nd").lower().startswith(("before", "prior")) else 1
            data = {"n": n, "unit": unit_name(m.group(g[1])), "sign": sign}
        elif name == "dayrel":
            data = {"sign": 1 if m.group("dd").lower() in ("after", "following") else -1}
        ops[it.start] = _Op(name, m.start(), data)
    return ops


def _compose_ranges(text: str, items: list[Item], ops: dict[int, _Op]) -> list[Item]:
    """"June 1941 - May 1945", "from 22 June to 15 July 1941", "between 1 May and 3 June 1941"."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        a = items[i]
        b = items[i + 1] if i + 1 < len(items) else None
        if b is not None and a.simple and b.simple:
            conn = _RANGE_CONN.fullmatch(text, a.end, b.start)
            if conn:
                op = ops.get(a.start)
                name = op.name if op else ""
                if " and " not in conn.group().lower() or name == "between":
                    start = op.start if name in ("from", "between") else a.start
                    out.append(Item(start, b.end, "range", inner=a, inner2=b))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _compose_ops(text: str, items: list[Item], ops: dict[int, _Op]) -> list[Item]:
    out: list[Item] = []
    for it in items:
        op = ops.get(it.start)
        if op is None or it.kind == "war":
            out.append(_onwards(text, it, None))
            continue
        # an item the operator's words swallowed ("the day before" read alone) gives way to it
        while out and out[-1].end > op.start and out[-1].start >= op.start:
            out.pop()
        if out and out[-1].end > op.start:
            out.append(it)
            continue
        if op.name in ("from", "between"):
            out.append(_onwards(text, it, op if op.name == "from" else None))
            continue
        out.append(Item(op.start, it.end, "op", inner=it, op=op.name, data=op.data))
        if op.name in NESTING_OPS:
            out.append(it)  # the date an offset is counted from is a date mention of its own
    return out


def _onwards(text: str, it: Item, frm: _Op | None) -> Item:
    """"from 1941 onwards" / "1941 onwards" is open; a lone "from 1941" is just 1941."""
    if not it.simple:
        return it
    m = pt.ONWARDS.match(text, it.end)
    if m is None or (frm is None and not m.group().strip().lower().startswith("onward")):
        return it
    return Item(frm.start if frm else it.start, m.end(), "op", inner=it, op="since")


# ---- pass 3: resolve in text order ----

def _val(ref: TimeRef) -> Val:
    return Val(ref.earliest, ref.latest, ref.precision)


class _Resolver:
    def __init__(self, text: str, doc: TimeRef | None, mentions: list[tuple[int, int, str]]):
        self.text = text
        # the dates emitted so far, as anchors: (interval, start, end); an open interval
        # ("by 1939") anchors by the date it names ("in May of that year" is May 1939)
        self.points: list[tuple[Val, int, int]] = []
        # every day named with its year: (month, day) -> (year, start, end of where it was named)
        self.days: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.doc = doc
        self.doc_val = _val(doc) if doc is not None else None
        self.doc_anchor = TimeAnchor(kind="document", text=doc.text) if doc is not None else None
        self.mentions = sorted(mentions, key=lambda mn: mn[1])
        self.mention_ends = [mn[1] for mn in self.mentions]
        self.memo: dict[int, tuple[Val, TimeAnchor | None] | None] = {}

    def add(self, ref: TimeRef, it: Item) -> None:
        v = _val(ref)
        if (v.earliest is None or v.latest is None) and it.kind == "op":
            inner = self.memo.get(id(it.inner))
            if inner is None:
                return
            self.points.append((inner[0], it.inner.start, it.inner.end))
        else:
            self.points.append((v, ref.start, ref.end))

    def _text_anchor(self, start: int, end: int) -> TimeAnchor:
        return TimeAnchor(kind="text", text=self.text[start:end], start=start, end=end)

    def resolve(self, it: Item) -> tuple[Val, TimeAnchor | None] | None:
        key = id(it)
        if key not in self.memo:
            r = getattr(self, "_" + it.kind)(it)
            if r is not None and (r[0] is None or (r[0].earliest is None and r[0].latest is None)):
                r = None
            self.memo[key] = r
            if r is not None and it.kind == "abs" and r[0].precision == P.DAY:
                x = r[0].earliest
                self.days[(x.month, x.day)] = (x.year, it.start, it.end)
        return self.memo[key]

    # anchors

    def _year_source(self, it: Item) -> tuple[int, TimeAnchor] | None:
        """Year of a year-less date: the same day named with its year earlier ("22 June 1941" ...
        "the eve of 22 June"), else the nearest preceding date within one year, else the document's."""
        if it.key is not None and it.key in self.days:
            y, s, e = self.days[it.key]
            return y, self._text_anchor(s, e)
        for v, s, e in reversed(self.points):
            y = cal.single_year(v)
            if y is not None:
                if it.winter and v.precision != P.SEASON and v.latest.month <= 2:
                    y -= 1
                return y, self._text_anchor(s, e)
        if self.doc_val is not None:
            y = cal.single_year(self.doc_val)
            if y is not None:
                return y, self.doc_anchor
        return None

    def _anchor(self) -> tuple[Val, TimeAnchor] | None:
        """Nearest preceding date with both ends known, else the document date."""
        for v, s, e in reversed(self.points):
            if v.earliest is not None and v.latest is not None:
                return v, self._text_anchor(s, e)
        if self.doc_val is not None and self.doc_val.earliest and self.doc_val.latest:
            return self.doc_val, self.doc_anchor
        return None

    # one method per item kind

    def _abs(self, it: Item):
        return it.val, None

    def _partial(self, it: Item):
        src = self._year_source(it)
        if src is None:
            return None
        return it.fn(src[0]), src[1]

    def _decade(self, it: Item):
        for v, s, e in reversed(self.points):
            x = v.earliest or v.latest
            if x is not None:
                return self._decade_from(it, x.year, self._text_anchor(s, e))
        if self.doc_val is not None:
            return self._decade_from(it, (self.doc_val.earliest or self.doc_val.latest).year, self.doc_anchor)
        if it.data and it.data.get("default"):
            return it.fn(it.data["default"]), None
        return None

    def _decade_from(self, it: Item, y: int, anchor: TimeAnchor):
        v = it.fn(y // 100 * 100)
        if v is not None and self.doc_val is not None and self.doc_val.latest is not None \
                and v.earliest.year > self.doc_val.latest.year:
            v = it.fn(y // 100 * 100 - 100)  # "the nineties" in a text of 1942 are the 1890s
        return v, anchor

    def _rel(self, it: Item):
        a = self._anchor()
        if a is None:
            return None
        return it.fn(a[0]), a[1]

    def _doc(self, it: Item):
        if self.doc_val is None or self.doc_val.earliest is None or self.doc_val.latest is None:
            return None
        return it.fn(self.doc_val), self.doc_anchor

    def _war(self, it: Item):
        war: War | None = None
        if it.data["war"]:
            war = WARS[it.data["war"]]
            s, e = it.data["name_at"], it.data["name_end"]
            anchor = TimeAnchor(kind="text", text=self.text[s:e], start=s, end=e)
        else:
            k = bisect.bisect_right(self.mention_ends, it.start)
            if k:
                s, e, wid = self.mentions[k - 1]
                war, anchor = WARS[wid], TimeAnchor(kind="text", text=self.text[s:e], start=s, end=e)
            elif self.doc_val is not None and self.doc_val.earliest is not None:
                war, anchor = war_in_context(self.doc_val.earliest), self.doc_anchor
        if war is None:
            return None
        return war_val(it.op, it.data["edge"], war.start, war.end, it.data["offset"]), anchor

    def _range(self, it: Item):
        a, b = it.inner, it.inner2
        if b.kind == "partial" and a.kind != "partial":
            # "from 1 May 1941 to 3 June": the second end takes its year from the first
            ra = self.resolve(a)
            if ra is None or ra[0].latest is None:
                return None
            va, y = ra[0], ra[0].latest.year
            vb = b.fn(y)
            if vb is not None and vb.latest < va.earliest:
                vb = b.fn(y + 1)  # "from December 1941 to March" ends in 1942
            if vb is None or va.earliest is None or vb.latest < va.earliest:
                return None
            return Val(va.earliest, vb.latest, P.RANGE), ra[1]
        rb = self.resolve(b)
        if rb is None:
            return None
        vb, anchor = rb
        if a.kind == "partial" and vb.earliest is not None:
            y = vb.earliest.year if vb.latest is None else vb.latest.year
            va = a.fn(y)
            if va is not None and vb.latest is not None and va.earliest > vb.latest:
                va = a.fn(y - 1)  # "from December to March 1942" began in 1941
        else:
            ra = self.resolve(a)
            if ra is None:
                return None
            va = ra[0]
            anchor = ra[1] or anchor
        if va is None or va.earliest is None or vb.latest is None or va.earliest > vb.latest:
            return None
        return Val(va.earliest, vb.latest, P.RANGE), anchor

    def _op(self, it: Item):
        r = self.resolve(it.inner)
        if r is None:
            return None
        v, inner_anchor = r
        named = TimeAnchor(kind="text", text=self.text[it.inner.start:it.inner.end],
                           start=it.inner.start, end=it.inner.end)
        op, d = it.op, it.data
        if op in ("passed", "itis", "nrel"):
            return offset_fn(d["n"], d["unit"], d["sign"])(v), named
        if op == "eve":
            return (cal.shift(v, -1, "day") if v.precision == P.DAY else None), named
        if op == "dayrel":
            return (cal.shift(v, d["sign"], "day") if v.precision == P.DAY else None), named
        if op == "dayof":
            return (v if v.precision == P.DAY else None), inner_anchor
        if op == "circa":
            return v, inner_anchor
        if op == "since":
            return (Val(v.earliest, None, P.OPEN) if v.earliest else None), named
        if op == "until":
            return (Val(None, v.latest, P.OPEN) if v.latest else None), named
        if op == "after":
            return (Val(v.latest + cal.ONE_DAY, None, P.OPEN) if v.latest else None), named
        if op == "before":
            return (Val(None, v.earliest - cal.ONE_DAY, P.OPEN) if v.earliest else None), named
        return None


def _fallback(it: Item) -> list[Item]:
    """What to emit when a composed item does not resolve: its parts, as they are."""
    if it.kind == "op" and it.op not in NESTING_OPS:
        return [it.inner]
    if it.kind == "range":
        return [it.inner, it.inner2]
    return []


def tag(text: str, document_date: TimeRef | None) -> list[TimeRef]:
    """All three passes over `text` (see `sourcecheck.dates.tag_times`)."""
    items, mentions = scan_all(text)
    items = _select(items)
    if not items:
        return []
    ops = _operators(text, items)
    items = _compose_ops(text, _compose_ranges(text, items, ops), ops)
    res = _Resolver(text, document_date, mentions)
    out: list[TimeRef] = []
    todo = list(reversed(items))
    while todo:
        it = todo.pop()
        r = res.resolve(it)
        if r is None:
            todo.extend(reversed(_fallback(it)))
            continue
        v, anchor = r
        if v.earliest is not None and v.latest is not None and v.latest < v.earliest:
            continue  # not expected by construction; never emit a malformed interval
        ref = TimeRef(text=text[it.start:it.end], start=it.start, end=it.end, earliest=v.earliest,
                      latest=v.latest, precision=v.precision, anchor=anchor)
        res.add(ref, it)
        out.append(ref)
    return _years_ago_this(text, out)


_YEARS_AGO = re.compile(r"\bago$", re.IGNORECASE)
_THIS_UNIT = re.compile(r"^(?:this|last|next)\s+(?:month|week|spring|summer|autumn|fall|winter)$", re.IGNORECASE)


def _years_back(day, years: int):
    """The same calendar day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _years_ago_this(text: str, refs: list[TimeRef]) -> list[TimeRef]:
    """"Forty years ago this month" is one moment: this month, forty years back (April 1982 in
    an article of April 2022), not "1982" and "April 2022" side by side."""
    out: list[TimeRef] = []
    i = 0
    while i < len(refs):
        a = refs[i]
        b = refs[i + 1] if i + 1 < len(refs) else None
        if (
            b is not None and a.precision is Precision.YEAR and _YEARS_AGO.search(a.text) and _THIS_UNIT.match(b.text)
            and not text[a.end : b.start].strip(" ,") and None not in (a.earliest, b.earliest, b.latest)
        ):
            years = b.earliest.year - a.earliest.year
            out.append(TimeRef(text=text[a.start : b.end], start=a.start, end=b.end, earliest=_years_back(b.earliest, years),
                               latest=_years_back(b.latest, years), precision=b.precision, anchor=a.anchor))
            i += 2
            continue
        out.append(a)
        i += 1
    return out
