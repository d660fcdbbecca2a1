"""Check bench/data/history_tuning.jsonl against its rules (see bench/data/HISTORY_TUNING.md).

    python3 bench/check_history_tuning.py [--file PATH]

Standard library only. Checks every line's fields and types, the id order, the label/error/gold
consistency, that each gold quote is an exact substring of its article in the named corpus, and
that no tuning claim is a near-copy of a claim in the test set (history_verification.jsonl) or
the retrieval set, so that tuning on it cannot leak test facts. Prints one line per problem and
exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
DATA = os.path.join(HERE, "data")
STARTER = os.path.join(ROOT, "..", "shared", "data", "wikipedia-vital-articles-summaries", "summaries_en.json.gz")
HISTORY = os.path.join(ROOT, "packs", "enwiki-history-1900-1991.jsonl.xz")
FIELDS = {"id", "claim", "label", "error", "gold_title", "gold_corpus", "gold_quote", "date"}
LABELS = {"SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE"}
ERRORS = {"date", "place", "person", "number", "other"}
NEAR_COPY = 0.6  # token Jaccard at or above which two claims count as the same fact told twice


def tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def load_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def starter_texts() -> dict[str, str]:
    with gzip.open(STARTER, "rt", encoding="utf-8") as handle:
        return {title: row["extract"] for title, row in json.load(handle).items()}  # title -> {"title", "extract", ...}


def history_texts(titles: set[str]) -> dict[str, str]:
    out = {}
    with lzma.open(HISTORY, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("title") in titles:
                out[row["title"]] = row.get("text", "")
    return out


def row_problems(n: int, row: dict) -> list[str]:
    where = f"line {n + 1} ({row.get('id', '?')})"
    if set(row) != FIELDS:
        return [f"{where}: fields {sorted(row)} are not {sorted(FIELDS)}"]
    out = []
    if row["id"] != f"t{n + 1:03d}":
        out.append(f"{where}: id should be t{n + 1:03d}")
    words = len(row["claim"].split())
    if not 8 <= words <= 35:
        out.append(f"{where}: claim has {words} words, not 8-35")
    if row["label"] not in LABELS:
        out.append(f"{where}: label {row['label']!r} is not one of {sorted(LABELS)}")
    gold = (row["gold_title"], row["gold_corpus"], row["gold_quote"])
    if row["label"] == "NOT_ENOUGH_EVIDENCE":
        if row["error"] is not None or any(g is not None for g in gold):
            out.append(f"{where}: a NOT_ENOUGH_EVIDENCE claim has null error and gold fields")
    else:
        if (row["error"] in ERRORS) != (row["label"] == "REFUTED") or (row["label"] == "SUPPORTED" and row["error"] is not None):
            out.append(f"{where}: error {row['error']!r} does not fit label {row['label']}")
        if row["gold_corpus"] not in ("starter", "history") or not row["gold_title"] or not row["gold_quote"]:
            out.append(f"{where}: a {row['label']} claim needs gold_corpus starter|history, gold_title and gold_quote")
    if row["date"] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(row["date"])):
        out.append(f"{where}: date {row['date']!r} is not YYYY-MM-DD or null")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=os.path.join(DATA, "history_tuning.jsonl"))
    args = parser.parse_args()
    rows = load_jsonl(args.file)
    problems = [p for n, row in enumerate(rows) for p in row_problems(n, row)]
    golden = [r for r in rows if set(r) == FIELDS and r["gold_quote"]]
    texts = {"starter": starter_texts(), "history": history_texts({r["gold_title"] for r in golden if r["gold_corpus"] == "history"})}
    for row in golden:
        text = texts.get(row["gold_corpus"], {}).get(row["gold_title"])
        if text is None:
            problems.append(f"{row['id']}: no article {row['gold_title']!r} in corpus {row['gold_corpus']}")
        elif row["gold_quote"] not in text:
            problems.append(f"{row['id']}: gold_quote is not an exact substring of {row['gold_title']!r}")
    others = [(name, r) for name in ("history_verification.jsonl", "history_retrieval.jsonl") for r in load_jsonl(os.path.join(DATA, name))]
    other_tokens = [(name, r.get("id", "?"), tokens(r["claim"])) for name, r in others]
    for row in rows:
        mine = tokens(row.get("claim", ""))
        for name, other_id, theirs in other_tokens:
            if jaccard(mine, theirs) >= NEAR_COPY:
                problems.append(f"{row.get('id')}: near-copy (Jaccard {jaccard(mine, theirs):.2f}) of {name} {other_id}")
    for problem in problems:
        print(problem)
    counts = {label: sum(r.get("label") == label for r in rows) for label in sorted(LABELS)}
    print(f"{len(rows)} claims {counts}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
