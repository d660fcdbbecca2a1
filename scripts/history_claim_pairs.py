"""NLI pairs whose hypotheses are the claims sourcecheck itself extracts from the history pack.

At check time the NLI model reads (a window of one or two evidence sentences, an atomic claim
that the claim extractor rewrote: clauses split, pronouns resolved, modifiers dropped). The
FactCC-style pairs of scripts/history_pairs.py use whole sentences as hypotheses, so the model
never saw a rewritten claim entailed by its source and learned that any difference in wording
means contradiction. Here, for each claim extracted from a sampled stretch of an article:

- entailment: (window around the claim's source sentence, claim), kind "extracted"; and the
  claim with a full date made coarser ("on 30 November 1939" -> "in November 1939", "in 1939"),
  kind "coarser-date";
- contradiction: the claim with a date, number, person, place or organisation swapped, or its
  year moved, kind "claim-swapped";
- neutral: the claim against the sentences right beside its source (same topic, silent on the
  point), kind "adjacent", or against a window of the same article further away, kind "far".

    python scripts/history_claim_pairs.py --articles 1500 --out .train/nli-claims/history-claims.jsonl

Rows are written as they are made (a run can be stopped at any time and its file used).
Deterministic for a given --seed; held-out articles follow nli_datasets.history_article_is_validation.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from history_pairs import MONTHS, SWAP_TYPES, change_number, read_articles, swap_entity  # noqa: E402
from nli_datasets import CONTRADICTION, ENTAILMENT, NEUTRAL, history_article_is_validation  # noqa: E402

FULL_DATE = re.compile(r"\b(?:(?:on|in) )?(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")
MONTH_YEAR = re.compile(r"\b(?:in )?(" + "|".join(MONTHS) + r") (\d{4})\b")
STRETCH = 2500


def usable(claim: str, sentence: str) -> bool:
    """A claim worth a pair: a rewritten sentence (not a copy), well formed, not a list."""
    if not 25 <= len(claim) <= 300 or "\n" in claim or ":" in claim or not claim.endswith("."):
        return False
    if not claim[0].isupper():
        return False
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(claim) != norm(sentence)


def coarser_date(claim: str, rng: random.Random) -> str | None:
    """"on 30 November 1939" -> "in November 1939" or "in 1939": still entailed."""
    full = FULL_DATE.search(claim)
    if full:
        day_dropped = f"in {full.group(2)} {full.group(3)}" if rng.random() < 0.6 else f"in {full.group(3)}"
        return claim[: full.start()] + day_dropped + claim[full.end() :]
    month = MONTH_YEAR.search(claim)
    if month:
        return claim[: month.start()] + f"in {month.group(2)}" + claim[month.end() :]
    return None


def stretch_of(text: str, rng: random.Random) -> str:
    """About STRETCH characters starting at a paragraph of the article's first 20,000."""
    text = text[:20000]
    starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text) if m.end() < len(text) - 800]
    begin = rng.choice(starts)
    piece = text[begin : begin + STRETCH]
    cut = piece.rfind(". ")
    return piece[: cut + 1] if cut > 400 else piece


def build_for(document, article: dict, nlp, pool: dict[str, list[str]], rng: random.Random) -> list[dict]:
    from sourcecheck.chunking import split_sentences

    text = document.text
    bounds = split_sentences(text)
    split = "val" if history_article_is_validation(str(article["id"])) else "train"
    base = {"split": split, "article": article["id"], "title": article["title"]}

    def window(lo: int, hi: int) -> str:
        return text[bounds[lo][0] : bounds[hi][1]]

    rows = []
    for claim in document.claims:
        index = next((n for n, (s, e) in enumerate(bounds) if s <= claim.start < e), None)
        if index is None:
            continue
        sentence = text[bounds[index][0] : bounds[index][1]]
        if not usable(claim.text, sentence):
            continue
        lo = max(0, index - (1 if rng.random() < 0.3 else 0))
        hi = min(len(bounds) - 1, index + (1 if rng.random() < 0.3 else 0))
        premise = window(lo, hi)
        rows.append(base | {"premise": premise, "hypothesis": claim.text, "label": ENTAILMENT, "kind": "extracted"})
        coarse = coarser_date(claim.text, rng)
        if coarse and rng.random() < 0.5:
            rows.append(base | {"premise": premise, "hypothesis": coarse, "label": ENTAILMENT, "kind": "coarser-date"})
        if rng.random() < 0.55:
            doc = nlp(claim.text)
            false = swap_entity(doc, pool, rng) or change_number(claim.text, rng)
            if false and false != claim.text:
                rows.append(base | {"premise": premise, "hypothesis": false, "label": CONTRADICTION, "kind": "claim-swapped"})
        else:
            if rng.random() < 0.6:
                side = [(index - 2, index - 1), (index + 1, index + 2)]
                lo2, hi2 = rng.choice(side)
                lo2, hi2 = max(0, lo2), min(len(bounds) - 1, hi2)
                kind = "adjacent"
            else:
                far = [j for j in range(len(bounds)) if abs(j - index) > 3]
                if not far:
                    continue
                lo2 = rng.choice(far)
                hi2 = min(len(bounds) - 1, lo2 + rng.choice([0, 1]))
                kind = "far"
            if lo2 <= index <= hi2 or hi2 < lo2:
                continue
            rows.append(base | {"premise": window(lo2, hi2), "hypothesis": claim.text, "label": NEUTRAL, "kind": kind})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--batch", type=int, default=16, help="articles per extraction call")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    from sourcecheck.models import spacy_pipeline
    from sourcecheck.pipeline import extract_claims

    nlp = spacy_pipeline()
    rng = random.Random(args.seed)
    articles = read_articles(args.articles, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    counts = {ENTAILMENT: 0, NEUTRAL: 0, CONTRADICTION: 0}
    with open(args.out, "w", encoding="utf-8") as handle:
        for begin in range(0, len(articles), args.batch):
            batch = articles[begin : begin + args.batch]
            stretches = [stretch_of(a["text"], rng) for a in batch]
            report = extract_claims(stretches, include_all=True, published="2020")
            pool: dict[str, list[str]] = {}
            for doc in nlp.pipe(stretches):
                for ent in doc.ents:
                    if ent.label_ in SWAP_TYPES:
                        pool.setdefault(ent.label_, []).append(ent.text)
            for article, document in zip(batch, report.documents):
                for row in build_for(document, article, nlp, pool, rng):
                    counts[row["label"]] += 1
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            print(f"{begin + len(batch)}/{len(articles)} articles: {counts}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
