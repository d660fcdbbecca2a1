"""FactCC-style NLI pairs generated from the Wikipedia history pack (no human labels).

For a sampled sentence S of an article and a premise P of one to three sentences around it:
- entailment: (P, S);
- contradiction: (P, S') where S' is S with one date, number, person, place, organisation or
  group swapped for another of the same type (taken from the same article when possible, so
  the swap is plausible), or S negated;
- neutral: (Q, S) where Q is a passage of the same article that does not contain S: the same
  topic, silent on the point (Kryscinski et al., 2020 trained on the first two kinds).

    python scripts/history_pairs.py --articles 4000 --out .train/nli/history.jsonl

Deterministic for a given --seed. Needs the project's spaCy model (sourcecheck.models).
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from nli_datasets import CONTRADICTION, ENTAILMENT, NEUTRAL, history_article_is_validation  # noqa: E402

PACK = os.path.join(os.path.dirname(__file__), "..", "packs", "enwiki-history-1900-1991.jsonl.xz")
SWAP_TYPES = {"PERSON", "GPE", "LOC", "ORG", "NORP", "DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL", "EVENT", "FAC"}
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
YEAR = re.compile(r"\b(1[5-9]\d\d|20[0-2]\d)\b")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
NEGATABLE_AUX = {"was", "were", "is", "are", "has", "had", "have", "will", "would", "could", "can", "did", "does", "do", "should", "might", "must"}


def sentences_of(text: str) -> list[str]:
    from sourcecheck.chunking import split_sentences

    return [text[s:e] for s, e in split_sentences(text)]


def read_articles(limit: int, seed: int) -> list[dict]:
    """A seeded sample of articles (reservoir over the pack)."""
    rng = random.Random(seed)
    sample: list[dict] = []
    with lzma.open(PACK, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            row = json.loads(line)
            if len(row["text"]) < 2000:
                continue
            if len(sample) < limit:
                sample.append(row)
            else:
                j = rng.randrange(n + 1)
                if j < limit:
                    sample[j] = row
    return sample


def change_number(text: str, rng: random.Random) -> str | None:
    """Another plausible value for a number or year in `text`."""
    year = YEAR.search(text)
    if year:
        value = int(year.group()) + rng.choice([-11, -5, -3, -2, -1, 1, 2, 3, 5, 10])
        return text[: year.start()] + str(value) + text[year.end() :]
    month = next((m for m in MONTHS if m in text), None)
    if month:
        other = rng.choice([m for m in MONTHS if m != month])
        return text.replace(month, other, 1)
    number = NUMBER.search(text)
    if number:
        raw = number.group().replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            return None
        factor = rng.choice([0.1, 0.25, 0.5, 2, 3, 10])
        new = value * factor if value > 3 else value + rng.choice([1, 2, 3])
        formatted = f"{int(round(new)):,}" if "," in number.group() else str(int(round(new)))
        if formatted == number.group():
            return None
        return text[: number.start()] + formatted + text[number.end() :]
    return None


def negate(doc) -> str | None:
    """Insert "not" after the root's auxiliary, or turn a simple past/present verb into "did not X"."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or any(t.dep_ == "neg" for t in root.children):
        return None
    aux = [t for t in root.children if t.dep_ in {"aux", "auxpass"} and t.lower_ in NEGATABLE_AUX]
    if root.lower_ in {"was", "were", "is", "are"}:
        aux = [root]
    text = doc.text
    if aux:
        a = aux[0]
        return text[: a.idx + len(a.text)] + " not" + text[a.idx + len(a.text) :]
    helper = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(root.tag_)
    if helper is None:
        return None
    return text[: root.idx] + f"{helper} not {root.lemma_}" + text[root.idx + len(root.text) :]


def swap_entity(doc, pool: dict[str, list[str]], rng: random.Random) -> str | None:
    ents = [e for e in doc.ents if e.label_ in SWAP_TYPES]
    rng.shuffle(ents)
    for ent in ents:
        if ent.label_ in {"DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL"}:
            new = change_number(ent.text, rng)
        else:
            choices = [c for c in pool.get(ent.label_, []) if c.lower() != ent.text.lower() and c not in ent.text and ent.text not in c]
            new = rng.choice(choices) if choices else None
        if new and new != ent.text:
            return doc.text[: ent.start_char] + new + doc.text[ent.end_char :]
    return None


# Constituents whose removal leaves a sentence that the original still entails.
_DELETABLE = {"prep", "appos", "advcl", "relcl", "npadvmod", "advmod"}


def shorten(doc, rng: random.Random) -> str | None:
    """The sentence without one optional constituent: an entailed paraphrase that is not a copy
    ("In 1941 Germany, led by Hitler, invaded the USSR" -> "In 1941 Germany invaded the USSR")."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    options = [t for t in doc if t.dep_ in _DELETABLE and t.head.i in {root.i} | {c.i for c in root.children if c.dep_ in {"nsubj", "dobj", "nsubjpass"}}]
    rng.shuffle(options)
    for token in options:
        sub = list(token.subtree)
        first, last = sub[0].i, sub[-1].i
        if last - first + 1 > len(doc) - 5 or any(t.dep_ == "neg" for t in sub):
            continue
        start = doc[first].idx
        end = doc[last].idx + len(doc[last].text)
        text = (doc.text[:start] + doc.text[end:]).replace(" ,", ",").replace(",,", ",").replace(" .", ".")
        text = re.sub(r"\s{2,}", " ", text).strip(" ,")
        if text and text != doc.text and len(text.split()) >= 5:
            return text[0].upper() + text[1:]
    return None


def alias(doc, rng: random.Random) -> str | None:
    """A mention replaced by another name of the same entity from the gazetteer ("the USSR" ->
    "the Soviet Union"): entailed, with different words."""
    from sourcecheck.entities import lookup

    for ent in rng.sample(list(doc.ents), len(doc.ents)):
        entry = lookup(ent.text)
        if entry is None:
            continue
        names = [n for n in (entry.name, *entry.aliases) if n.lower() != ent.text.lower() and len(n) > 2]
        if names:
            return doc.text[: ent.start_char] + rng.choice(names) + doc.text[ent.end_char :]
    return None


def add_detail(sentence: str, premise: str, rng: random.Random) -> str | None:
    """The sentence with a date the premise never gives: the premise is silent on it (neutral)."""
    if YEAR.search(sentence) or YEAR.search(premise) or any(m in sentence or m in premise for m in MONTHS):
        return None
    year = rng.randint(1900, 1991)
    body = sentence.rstrip(".")
    return f"{body} in {rng.choice(MONTHS) + ' ' if rng.random() < 0.4 else ''}{year}."


def build(articles: list[dict], seed: int, per_article: int, *, kinds: str = "basic") -> list[dict]:
    from sourcecheck.models import spacy_pipeline

    nlp = spacy_pipeline()
    rng = random.Random(seed)
    corpus_pool: dict[str, list[str]] = {}
    rows: list[dict] = []
    for article in articles:
        sents = [s for s in sentences_of(article["text"][:20000]) if 40 <= len(s) <= 400]
        if len(sents) < 8:
            continue
        picks = rng.sample(range(1, len(sents) - 1), min(per_article, len(sents) - 2))
        docs = list(nlp.pipe([sents[i] for i in picks]))
        pool: dict[str, list[str]] = {}
        for doc in docs:
            for ent in doc.ents:
                pool.setdefault(ent.label_, []).append(ent.text)
                corpus_pool.setdefault(ent.label_, []).append(ent.text)
        for i, doc in zip(picks, docs):
            width = rng.choice([0, 1, 1, 2])
            lo = max(0, i - rng.randint(0, width))
            premise = " ".join(sents[lo : lo + width + 1])  # always contains sentence i
            split = "val" if history_article_is_validation(str(article["id"])) else "train"
            base = {"split": split, "article": article["id"], "title": article["title"]}
            if kinds == "paraphrase":
                # Entailed sentences that are not copies, and a silent premise: what the basic kinds
                # miss (they teach "any difference is a contradiction").
                for kind, text, label in (
                    ("shortened", shorten(doc, rng), ENTAILMENT),
                    ("alias", alias(doc, rng), ENTAILMENT),
                    ("added-date", add_detail(sents[i], premise, rng), NEUTRAL),
                ):
                    if text:
                        rows.append(base | {"premise": premise, "hypothesis": text, "label": label, "kind": kind})
                continue
            rows.append(base | {"premise": premise, "hypothesis": sents[i], "label": ENTAILMENT, "kind": "own-passage"})
            merged = {k: pool.get(k, []) + rng.sample(corpus_pool.get(k, []), min(20, len(corpus_pool.get(k, [])))) for k in SWAP_TYPES}
            false = negate(doc) if rng.random() < 0.2 else swap_entity(doc, merged, rng)
            if false is None:
                false = swap_entity(doc, merged, rng) or negate(doc)
            if false:
                rows.append(base | {"premise": premise, "hypothesis": false, "label": CONTRADICTION, "kind": "swapped"})
            far = [j for j in range(len(sents)) if abs(j - i) > 3]
            if far:
                j = rng.choice(far)
                other = " ".join(sents[j : j + rng.choice([1, 2, 3])])
                rows.append(base | {"premise": other, "hypothesis": sents[i], "label": NEUTRAL, "kind": "same-article"})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--per-article", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", choices=["basic", "paraphrase"], default="basic", help="basic: copy / swap / same-article; paraphrase: shortened and alias entailments, added-date neutrals")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = build(read_articles(args.articles, args.seed), args.seed, args.per_article, kinds=args.kinds)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = {label: sum(r["label"] == label for r in rows) for label in (0, 1, 2)}
    print(f"{len(rows)} pairs from {len(set(r['article'] for r in rows))} articles: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
