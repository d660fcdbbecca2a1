"""Features of the rhetoric models, shared by `scripts/train_rhetoric.py` and `sourcecheck.rhetoric`.

    >>> view = DocView("They are traitors. Traitors, all of them!")
    >>> [view.text[s:e] for s, e in view.tokens][:4]
    ['They', 'are', 'traitors', '.']
    >>> view.count_phrase("traitors")
    2

Two feature sets over one light parse of the text (regex tokens and sentences; no spaCy, so the
same parse runs at training and at run time and the two cannot drift apart):

* `token_rows` — span identification (SI): for every token, hashed strings for the word and its
  neighbours (±2), bigrams, suffix, shape, position and quote state, how often the word recurs in
  the document, and the words of its sentence (so the model learns which sentences carry
  propaganda as well as which words do);
* `span_rows` — technique classification (TC): for a span, hashed word 1-2-grams, first and last
  word, length bucket, the words around it and the rest of its sentence, how often the phrase
  recurs in the document, plus dense cues (`CUE_NAMES`): length, share of the sentence,
  repetition, capitals, punctuation, and counts from small hand-made lexicons, one per technique.

Hashing is `zlib.crc32(feature) % n_buckets` (deterministic; Python's salted `hash()` plays no
part). A row is `(indices, values)`: sparse, with the dense cues after the hashed buckets.
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from collections import Counter

TECHNIQUES = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)

# Hyphenated compounds stay one token ("counter-revolution", "so-called"): spans never end inside one.
_TOKEN = re.compile(r"\w+(?:['\u2019-]\w+)*|[^\w\s]")
# A sentence ends at . ! ? (and any closing quotes or brackets) before whitespace and a capital,
# digit or opening quote; a line break always ends one (PTC articles hold one sentence a line).
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_QUOTES = frozenset("\"\u201c\u201d\u00ab\u00bb")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the word and punctuation tokens of `text[start:end]`."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Offsets of the sentences, whitespace trimmed: lines split at sentence-final punctuation."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        cut = line_start
        for m in _SENTENCE_END.finditer(text, line_start, line_end):
            out.append((cut, m.end()))
            cut = m.end()
        out.append((cut, line_end))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


# Words that cannot carry a technique alone: a span made only of these is dropped.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with as is are was were be been being am
    it its it's this that these those there here he she they we you i me him her them us my our your
    his their not no so than then too very can could will would shall should may might must do does
    did has have had having what which who whom whose when where why how all any each other some such
    into over under about after before between through during up down out off again further once
    also just only own same both few more most""".split()
)


def _norm(token: str) -> str:
    token = token.lower().replace("\u2019", "'")
    return "<num>" if token[0].isdigit() else token


def shape(token: str) -> str:
    """Xx, XX, x, d or the punctuation character itself."""
    if token[0].isdigit():
        return "d"
    if not token[0].isalnum() and token[0] != "_":
        return token
    if token.isupper():
        return "XX" if len(token) > 1 else "X"
    return "Xx" if token[0].isupper() else "x"


class DocView:
    """A text with its tokens, sentences and word counts: everything the features read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = sentence_bounds(text)
        self.tokens: list[tuple[int, int]] = []
        self.sentence_of: list[int] = []  # sentence index of each token
        self.sentence_tokens: list[tuple[int, int]] = []  # [first, last) token index per sentence
        for k, (s, e) in enumerate(self.sentences):
            first = len(self.tokens)
            for tok in tokenize(text, s, e):
                self.tokens.append(tok)
                self.sentence_of.append(k)
            self.sentence_tokens.append((first, len(self.tokens)))
        self.words = [_norm(text[s:e]) for s, e in self.tokens]
        self.counts = Counter(self.words)
        self._lower = " ".join(self.words)
        self._starts = [s for s, _ in self.tokens]
        self._ends = [e for _, e in self.tokens]

    def count_phrase(self, phrase: str) -> int:
        """How often the tokens of `phrase` occur in the text in a row (case and spacing ignored)."""
        key = " ".join(_norm(text) for text in (m.group() for m in _TOKEN.finditer(phrase)))
        if not key:
            return 0
        return len(re.findall(r"(?<!\S)" + re.escape(key) + r"(?!\S)", self._lower))

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """[first, last) indices of the tokens that overlap `[start, end)`."""
        import bisect

        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end)
        return first, max(first, last)


@functools.lru_cache(maxsize=1 << 18)
def bucket(key: str, n_buckets: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % n_buckets


def _hashed(keys: list[str] | list[tuple[str, float]], n_buckets: int) -> tuple[list[int], list[float]]:
    """Sum the values of features that land in one bucket; indices sorted."""
    acc: dict[int, float] = {}
    for key in keys:
        name, value = (key, 1.0) if isinstance(key, str) else key
        b = bucket(name, n_buckets)
        acc[b] = acc.get(b, 0.0) + value
    idx = sorted(acc)
    return idx, [acc[i] for i in idx]


# ---------------------------------------------------------------------------------------------
# Span identification: one row per token
# ---------------------------------------------------------------------------------------------


def _in_quotes(view: DocView, first: int, last: int) -> list[bool]:
    """Per token of one sentence: is it inside a quotation (odd number of quote marks before it)?"""
    out, inside = [], False
    for i in range(first, last):
        s, e = view.tokens[i]
        tok = view.text[s:e]
        if tok in _QUOTES:
            inside = tok == "\u201c" or (tok != "\u201d" and not inside)
            out.append(False)
        else:
            out.append(inside)
    return out


def token_rows(view: DocView, n_buckets: int) -> list[tuple[list[int], list[float]]]:
    """The SI feature row of every token of the document, in token order."""
    rows: list[tuple[list[int], list[float]]] = []
    w = view.words
    for k, (first, last) in enumerate(view.sentence_tokens):
        n = last - first
        if n == 0:
            continue
        distinct = sorted(set(w[first:last]))
        weight = 1.0 / math.sqrt(len(distinct))
        sentence_keys = [("S=" + word, weight) for word in distinct]
        s0, s1 = view.sentences[k]
        sentence_text = view.text[s0:s1]
        if "!" in sentence_text:
            sentence_keys.append("S!")
        if "?" in sentence_text:
            sentence_keys.append("S?")
        sentence_keys.append(f"Slen={min(n // 10, 6)}")
        quoted = _in_quotes(view, first, last)
        for i in range(first, last):
            s, e = view.tokens[i]
            raw = view.text[s:e]
            w0 = w[i]
            prev1 = w[i - 1] if i - 1 >= first else "<s>"
            prev2 = w[i - 2] if i - 2 >= first else "<s>"
            next1 = w[i + 1] if i + 1 < last else "</s>"
            next2 = w[i + 2] if i + 2 < last else "</s>"
            keys: list = [
                "w0=" + w0,
                "w-1=" + prev1,
                "w+1=" + next1,
                "w-2=" + prev2,
                "w+2=" + next2,
                "b-=" + prev1 + "|" + w0,
                "b+=" + w0 + "|" + next1,
                "sh=" + shape(raw),
                "sh-1=" + (shape(view.text[view.tokens[i - 1][0] : view.tokens[i - 1][1]]) if i - 1 >= first else "<s>"),
                "pos=" + str(min(4, 5 * (i - first) // n)),
                "bias",
            ]
            if len(w0) > 3:
                keys.append("s3=" + w0[-3:])
            if quoted[i - first]:
                keys.append("q")
            if i == first:
                keys.append("first")
            if i == last - 1:
                keys.append("last")
            if len(w0) >= 4 and w0.isalpha():
                keys.append(f"rep={min(view.counts[w0], 5)}")
            rows.append(_hashed(keys + sentence_keys, n_buckets))
    return rows


# ---------------------------------------------------------------------------------------------
# Technique classification: one row per span
# ---------------------------------------------------------------------------------------------

_L = lambda words: frozenset(words.split())  # noqa: E731

LEXICONS: dict[str, frozenset[str]] = {
    # words whose job is to frighten, warn or threaten
    "fear": _L("threat threaten threatens danger dangerous fear afraid risk deadly destroy destruction catastrophe catastrophic disaster collapse invasion invade attack attacks kill killed terror terrorist terrorism crisis warn warned warning could might chaos die death violent violence"),
    # nation, people, us
    "flag": _L("nation national country patriot patriots patriotic america american americans britain british our we us people flag homeland sovereignty freedom liberty values heritage constitution great"),
    # cause and consequence
    "causal": _L("because cause caused causes causing result resulted results due therefore thus so led lead leads consequence blame blamed fault responsible since"),
    # someone said it, so it is so
    "authority": _L("said says according expert experts scientist scientists professor dr study studies official officials report research researchers told stated claimed spokesman spokeswoman"),
    # everyone does it; or it is what the Nazis did
    "bandwagon": _L("everyone everybody all majority millions nobody whole world hitler nazi nazis fascist fascists fascism stalin communist communism gestapo"),
    # two choices only
    "binary": _L("either or only choice choose must no other alternative never always nothing everything whether"),
    # what stops thought
    "cliche": _L("enough period simply just that's it's matter end story bottom line nothing choice"),
    # casting doubt
    "doubt": _L("whether question questions doubt doubts really allegedly alleged supposedly so-called claim claims claimed credibility why how seems apparently"),
    # more or less than it is
    "exaggeration": _L("very most ever never all every huge massive biggest largest greatest worst best extremely incredibly absolutely totally completely entirely utterly enormous tremendous unprecedented only mere merely nothing"),
    # and what about them?
    "whatabout": _L("what about but while yet same hypocrisy hypocrite hypocritical meanwhile instead also too"),
    # slogans: calls to act
    "slogan": _L("stop build make defend lock fight save protect never again first wall jihad"),
    # labels for people
    "label": _L("idiot idiots thug thugs radical radicals extremist extremists leftist leftists liberal liberals terrorist terrorists traitor traitors regime globalist globalists snowflake elite elites puppet criminal criminals monster monsters racist racists bigot bigots corrupt fake jihadist jihadists islamist islamists"),
}

CUE_NAMES = (
    "log_words",
    "log_chars",
    "sentence_share",
    "whole_sentence",
    "repeats",
    "repeated_words",
    "earlier_occurrence",
    "upper_share",
    "exclamation",
    "question",
    "quote",
    "hashtag",
    "number",
    "capitalised_start",
    "sentence_start",
    *(f"lex_{name}" for name in LEXICONS),
    *(f"ctx_{name}" for name in ("fear", "authority", "causal", "doubt")),
)


def span_cues(view: DocView, start: int, end: int) -> list[float]:
    """The dense cues of one span, in the order of `CUE_NAMES`."""
    text = view.text
    span = text[start:end]
    first, last = view.token_range(start, end)
    words = view.words[first:last]
    alpha = [w for w in words if w[:1].isalpha()]
    raw_alpha = [text[s:e] for s, e in view.tokens[first:last] if text[s].isalpha()]
    k = view.sentence_of[first] if first < len(view.tokens) else 0
    s0, s1 = view.sentences[k] if view.sentences else (0, len(text))
    sentence_words = view.words[view.sentence_tokens[k][0] : view.sentence_tokens[k][1]] if view.sentences else []
    outside = Counter(sentence_words) - Counter(words)
    repeats = view.count_phrase(span) if span.strip() else 0
    content = [w for w in alpha if len(w) >= 4]
    earlier = text.lower().find(span.lower(), 0, start) >= 0 if span.strip() else False
    cues = [
        math.log1p(len(words)),
        math.log1p(len(span)) / 3.0,
        min(1.0, (end - start) / max(1, s1 - s0)),
        1.0 if (end - start) >= 0.9 * (s1 - s0) else 0.0,
        math.log1p(max(0, repeats - 1)),
        sum(1 for w in content if view.counts[w] > 1) / max(1, len(content)),
        1.0 if earlier else 0.0,
        sum(1 for w in raw_alpha if w.isupper() and len(w) > 1) / max(1, len(raw_alpha)),
        1.0 if "!" in span or text[end : end + 2].strip().startswith("!") else 0.0,
        1.0 if "?" in span or text[end : end + 2].strip().startswith("?") else 0.0,
        1.0 if any(c in _QUOTES for c in text[max(0, start - 1) : end + 1]) else 0.0,
        1.0 if "#" in span else 0.0,
        1.0 if any(w == "<num>" for w in words) else 0.0,
        1.0 if span[:1].isupper() else 0.0,
        1.0 if start <= s0 + 1 else 0.0,
    ]
    for lexicon in LEXICONS.values():
        cues.append(math.log1p(sum(1 for w in words if w in lexicon)))
    for name in ("fear", "authority", "causal", "doubt"):
        cues.append(math.log1p(sum(n for w, n in outside.items() if w in LEXICONS[name])))
    return cues


def span_row(view: DocView, start: int, end: int, n_buckets: int, *, char_ngrams: bool = False) -> tuple[list[int], list[float]]:
    """The TC feature row of one span: hashed buckets, then the dense cues at n_buckets + i."""
    first, last = view.token_range(start, end)
    words = view.words[first:last]
    keys: list = ["bias"]
    keys += ["u=" + w for w in words]
    keys += ["b=" + a + "|" + b for a, b in zip(words, words[1:])]
    if words:
        keys += ["f=" + words[0], "l=" + words[-1]]
    n = len(words)
    keys.append("n=" + ("1" if n <= 1 else "2" if n == 2 else "3" if n == 3 else "5" if n <= 5 else "10" if n <= 10 else "20" if n <= 20 else "big"))
    if first < len(view.tokens):
        k = view.sentence_of[first]
        lo, hi = view.sentence_tokens[k]
        keys.append("p1=" + (view.words[first - 1] if first - 1 >= lo else "<s>"))
        keys.append("p2=" + (view.words[first - 2] if first - 2 >= lo else "<s>"))
        keys.append("x1=" + (view.words[last] if last < hi else "</s>"))
        outside = [w for i, w in enumerate(view.words[lo:hi], lo) if not first <= i < last]
        if outside:
            weight = 0.5 / math.sqrt(len(set(outside)))
            keys += [("o=" + w, weight) for w in sorted(set(outside))]
    if char_ngrams:
        for w in words:
            padded = f"<{w}>"
            keys += [("c=" + padded[i : i + g], 0.3) for g in (3, 4, 5) for i in range(len(padded) - g + 1)]
    idx, values = _hashed(keys, n_buckets)
    cues = span_cues(view, start, end)
    return idx + [n_buckets + i for i in range(len(cues))], values + cues
