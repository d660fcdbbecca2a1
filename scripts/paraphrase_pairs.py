"""NLI pairs whose entailed hypotheses are real paraphrases, not copies of the premise.

The shipped model learned from FactCC-style pairs (scripts/history_pairs.py) that any wording
different from the premise is a contradiction: it gives P(contradiction) 0.95 to "At Burgos on 1
October 1936 the Nationalist rebels publicly proclaimed Francisco Franco their Generalísimo"
against "On 1 October 1936, in Burgos, Franco was publicly proclaimed as Generalísimo". Wikipedia
states most facts more than once in different words, and that is where these pairs come from:

- lead: a sentence of an article's lead (the hypothesis) and the window of one or two body
  sentences of the same article that restates it (the premise);
- cross: two sentences of different articles that give the same full date ("24 July 1923"),
  share a proper name and most of their content words;
- fever: FEVER paper-dev claims (human-written paraphrases and human-written mutations of a
  Wikipedia sentence) whose evidence page is in the history pack or the vital-articles
  summaries, against the window of that page closest to the claim.

A lead/cross pair is kept only when every year, number and proper name of the hypothesis
appears in the premise, the two share enough content words without being copies, and their
MiniLM embeddings agree (cosine >= --min-cosine). Each kept entailment gets two siblings with
the same hypothesis wording, so that wording alone can never decide the label:
- contradiction: the hypothesis with one date, number or name swapped (or negated), where the
  new value is not in the premise;
- neutral: the hypothesis against another window of the premise's article that shares a name
  with it but not all of its facts.

    python scripts/paraphrase_pairs.py --articles 3000 --out .train/nli-v5/history-para.jsonl

Deterministic for a given --seed. Held-out articles follow nli_datasets.history_article_is_validation
(a pair is validation when either article is).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from history_pairs import MONTHS, PACK, SWAP_TYPES, negate, read_articles, sentences_of, swap_entity  # noqa: E402
from nli_datasets import CONTRADICTION, ENTAILMENT, NEUTRAL, data_dir, history_article_is_validation  # noqa: E402

WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*|\d[\d,.]*\d|\d")
FULL_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r"),? (\d{4})\b|\b(" + "|".join(MONTHS) + r") (\d{1,2}), (\d{4})\b")
PRONOUN_START = re.compile(r"^(?:It|He|She|They|This|These|Those|Its|His|Her|Their|The latter|The former)\b")
STOP = set(
    "the a an and or of in on at to for from by with as was were is are be been being had has have that this which who whom whose "
    "it its their his her they he she not but also after before during into over under about than then when while where there "
    "would could should will may might can did does do more most other such some many both each one two three".split()
)
NOT_PROPER = {"The", "A", "An", "In", "On", "At", "After", "Before", "During", "He", "She", "It", "They", "His", "Her", "Its", "This", "By", "As", "When", "While", "Although", "However"} | set(MONTHS)


def stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text) if w.lower() not in STOP and len(w) > 2 and not w[0].isdigit()}


def anchors(text: str) -> set[str]:
    """Years, numbers and capitalised words (not the first word): what the premise must also say."""
    words = WORD.findall(text)
    out = {w.replace(",", "") for w in words if w[0].isdigit()}
    out |= {w for i, w in enumerate(words) if i > 0 and w[0].isupper() and w not in NOT_PROPER}
    return out


def premise_words(text: str) -> set[str]:
    words = WORD.findall(text)
    return {w.replace(",", "") if w[0].isdigit() else w for w in words}


class Text:
    """A sentence or window with its word sets computed once (the miner compares thousands)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = premise_words(text)
        self.content = content_words(text)
        self.anchors = anchors(text)


def missing_anchors(hypothesis: Text, premise: Text, title: str = "") -> set[str]:
    """Anchors of the hypothesis the premise lacks. A first name beside a surname the premise
    has ("Subhas Chandra Bose" against "Bose") and words of the article's title are not missing:
    the body of an article calls its subject by surname or not at all."""
    missing = hypothesis.anchors - premise.words
    if not missing:
        return missing
    have = premise.words | set(WORD.findall(title))
    words = WORD.findall(hypothesis.text)
    out = set()
    for w in missing - have:
        if w[0].isupper():
            run = [i for i, x in enumerate(words) if x == w]
            if any(0 <= j < len(words) and words[j][0].isupper() and words[j] in have for i in run for j in range(i - 2, i + 3)):
                continue
        out.add(w)
    return out


def restates(hypothesis: Text | str, premise: Text | str, *, title: str = "", low: float = 0.55, high: float = 0.85) -> float:
    """Share of the hypothesis's content words in the premise when every anchor is there, else 0.
    Near-copies (share >= high) are 0 too: they teach nothing new."""
    hypothesis = hypothesis if isinstance(hypothesis, Text) else Text(hypothesis)
    premise = premise if isinstance(premise, Text) else Text(premise)
    if len(hypothesis.anchors) < 2 or len(hypothesis.content) < 4:
        return 0.0
    share = len(hypothesis.content & premise.content) / len(hypothesis.content)
    if not low <= share < high or missing_anchors(hypothesis, premise, title):
        return 0.0
    return share


def windows(sents: list[str], start: int) -> list[tuple[int, str]]:
    """One- and two-sentence windows from sentence `start` on: (first sentence index, text)."""
    out = []
    for i in range(start, len(sents)):
        out.append((i, sents[i]))
        if i + 1 < len(sents):
            out.append((i, sents[i] + " " + sents[i + 1]))
    return out


def usable_hypothesis(sentence: str) -> bool:
    return 40 <= len(sentence) <= 260 and not PRONOUN_START.match(sentence) and sentence.endswith(".") and "\n" not in sentence


def lead_candidates(article: dict) -> list[dict]:
    """(lead sentence, body window restating it) of one article."""
    text = article["text"][:40000]
    lines = [line for line in text.split("\n") if line.strip()]
    lead_text = " ".join(lines[:3])
    lead = [s for s in sentences_of(lead_text) if usable_hypothesis(s)]
    body_sents = [s for s in sentences_of("\n".join(lines[3:])) if 20 <= len(s) <= 400]
    out = []
    body = [(i, Text(w)) for i, w in windows(body_sents, 0)] if lead else []
    for sentence in lead:
        hypothesis = Text(sentence)
        best = max(((restates(hypothesis, w, title=article["title"]), i, w.text) for i, w in body), default=(0.0, 0, ""))
        if best[0] > 0:
            out.append({"premise": best[2], "hypothesis": sentence, "kind": "lead", "articles": [article["id"]], "title": article["title"], "at": best[1], "body": body_sents})
    return out


def date_key(sentence: str) -> str | None:
    match = FULL_DATE.search(sentence)
    if not match:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (match.group(5), match.group(4), match.group(6))
    return f"{int(day)} {month} {year}"


def cross_candidates(articles: list[dict], rng: random.Random, per_key: int = 3) -> list[dict]:
    """Sentences of different articles with the same full date that restate each other."""
    by_key: dict[str, list[tuple[int, int, list[str]]]] = {}
    bodies = []
    for n, article in enumerate(articles):
        sents = [s for s in sentences_of(article["text"][:40000]) if 20 <= len(s) <= 400]
        bodies.append(sents)
        for i, s in enumerate(sents):
            key = date_key(s)
            if key:
                by_key.setdefault(key, []).append((n, i, sents))
    out = []
    for key, items in by_key.items():
        if len(items) < 2 or len({n for n, _, _ in items}) < 2:
            continue
        found = 0
        for a, i, sa in items:
            hypothesis = sa[i]
            if not usable_hypothesis(hypothesis):
                continue
            for b, j, sb in items:
                if b == a:
                    continue
                premise = (sb[j - 1] + " " + sb[j]) if j > 0 else sb[j]
                if restates(hypothesis, premise, low=0.45) > 0:
                    art_a, art_b = articles[a], articles[b]
                    out.append({"premise": premise, "hypothesis": hypothesis, "kind": "cross", "articles": [art_a["id"], art_b["id"]], "title": art_b["title"], "at": max(0, j - 1), "body": sb})
                    found += 1
                    break
            if found >= per_key:
                break
    rng.shuffle(out)
    return out


def fever_candidates() -> list[dict]:
    """FEVER paper-dev SUPPORTS/REFUTES claims with a one-sentence evidence set on a page we hold."""
    import lzma

    pages: dict[str, str] = {}
    summaries = os.path.join(data_dir(), "wikipedia-vital-articles-summaries", "summaries_en.json.gz")
    with gzip.open(summaries, "rt", encoding="utf-8") as handle:
        for title, row in json.load(handle).items():
            pages[title.replace(" ", "_")] = row["extract"]
    with lzma.open(PACK, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            pages.setdefault(row["title"].replace(" ", "_"), row["text"][:6000])
    norm = lambda t: t.replace("-LRB-", "(").replace("-RRB-", ")").replace("-COLON-", ":")  # noqa: E731
    out = []
    with gzip.open(os.path.join(data_dir(), "fever", "paper_dev.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["label"] == "NOT ENOUGH INFO":
                continue
            page = next((norm(s[0][2]) for s in row["evidence"] if len(s) == 1 and norm(s[0][2]) in pages), None)
            if page is None:
                continue
            sents = [s for s in sentences_of(pages[page]) if 20 <= len(s) <= 400]
            claim_words = content_words(row["claim"]) | {w for w in anchors(row["claim"])}
            if not sents or not claim_words:
                continue
            scored = [(len(claim_words & (content_words(w) | premise_words(w))), i, w) for i, w in windows(sents, 0)]
            score, i, window = max(scored)
            if score < 2:
                continue
            label = ENTAILMENT if row["label"] == "SUPPORTS" else CONTRADICTION
            out.append({"premise": window, "hypothesis": row["claim"], "label": label, "kind": "fever", "articles": [f"fever-{row['id']}"], "title": page})
    return out


IRREGULAR_PAST = {
    "written": "wrote", "given": "gave", "taken": "took", "chosen": "chose", "driven": "drove", "begun": "began",
    "broken": "broke", "drawn": "drew", "hidden": "hid", "known": "knew", "seen": "saw", "spoken": "spoke",
    "stolen": "stole", "sworn": "swore", "thrown": "threw", "overthrown": "overthrew", "torn": "tore", "sunk": "sank",
    "undertaken": "undertook", "shaken": "shook", "forbidden": "forbade", "ridden": "rode", "risen": "rose", "grown": "grew",
}


def _join(tokens) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def front_to_back(doc) -> str | None:
    """Fronted phrases to the end: "On 1 October 1936, in Burgos, Franco was proclaimed
    Generalísimo." -> "Franco was proclaimed Generalísimo in Burgos on 1 October 1936." """
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    fronted, i = [], 0
    while i < root.i and doc[i].dep_ in {"prep", "npadvmod"} and doc[i].head.i == root.i:
        end = max(t.i for t in doc[i].subtree) + 1
        if end > root.i:
            return None
        fronted.append(doc[i:end])
        i = end
        while i < len(doc) and doc[i].text == ",":
            i += 1
    if not fronted or i >= root.i or doc[-1].text != ".":
        return None
    body = _join(doc[i:-1]).rstrip(",")
    moved = []
    for span in reversed(fronted):
        text = span.text
        moved.append(text if span[0].pos_ == "PROPN" else text[:1].lower() + text[1:])
    first = doc[i]
    if first.pos_ != "PROPN" and not first.text.isupper():
        body = _upper_first(body)
    return f"{body} {' '.join(moved)}{doc[-1].text}"


def passive_to_active(doc) -> str | None:
    """"The treaty was signed by Turkey and the Allies in Lausanne." -> "Turkey and the Allies
    signed the treaty in Lausanne." (only when the passive subject opens the sentence)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.tag_ != "VBN":
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in root.children if c.dep_ == "agent"), None)
    aux = [c for c in root.children if c.dep_ == "auxpass" and c.lower_ in {"was", "were"}]
    if subject is None or agent is None or not aux or any(c.dep_ in {"aux", "neg"} for c in root.children):
        return None
    subject_tokens = list(subject.subtree)
    if subject_tokens[0].i != 0 or doc[-1].text != ".":
        return None
    past = IRREGULAR_PAST.get(root.lower_, root.text)
    if past == root.text and not root.lower_.endswith("ed") and root.lower_ not in {"led", "held", "built", "sent", "made", "found", "fought", "won", "brought", "bought", "sold", "told", "set", "shot", "struck"}:
        return None
    agent_tokens = [t for t in agent.subtree if t.i != agent.i]
    removed = {t.i for t in subject_tokens} | {t.i for t in agent.subtree} | {a.i for a in aux} | {root.i, len(doc) - 1}
    rest = _join([t for t in doc if t.i not in removed]).strip(" ,")
    subject_text = _join(subject_tokens)
    if subject_tokens[0].pos_ == "DET":
        subject_text = subject_text[:1].lower() + subject_text[1:]
    agent_text = _join(agent_tokens)
    if not agent_text:
        return None
    sentence = f"{_upper_first(agent_text)} {past} {subject_text}"
    return re.sub(r"\s+,", ",", f"{sentence} {rest}".strip() + doc[-1].text)


def expand_name(doc, title: str) -> str | None:
    """A surname alone, in an article about that person, replaced by the title's full name
    ("Bose" -> "Subhas Chandra Bose")."""
    words = title.split()
    if not 2 <= len(words) <= 4 or "(" in title or not all(w[:1].isupper() for w in words):
        return None
    for ent in doc.ents:
        if ent.label_ == "PERSON" and ent.text == words[-1]:
            return doc.text[: ent.start_char] + title + doc.text[ent.end_char :]
    return None


def coarsen_date(text: str) -> str | None:
    """"on 1 October 1936" -> "in October 1936" (entailed: a coarser date)."""
    match = re.search(r"\b(?:on )?(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b", text)
    if not match:
        return None
    lead = "in " if match.group(0).startswith("on ") else ""
    return text[: match.start()] + f"{lead}{match.group(2)} {match.group(3)}" + text[match.end() :]


def restructured_candidates(articles: list[dict], per_article: int, rng: random.Random) -> list[dict]:
    """Sentences rewritten by word order, voice and naming, against their own window (entailed)."""
    from sourcecheck.models import spacy_pipeline

    nlp = spacy_pipeline()
    out = []
    for article in articles:
        sents = [s for s in sentences_of(article["text"][:30000]) if 20 <= len(s) <= 400]
        picks = [i for i in range(1, len(sents) - 1) if 50 <= len(sents[i]) <= 260 and "\n" not in sents[i]]
        rng.shuffle(picks)
        made = 0
        for i, doc in zip(picks[: per_article * 6], nlp.pipe([sents[i] for i in picks[: per_article * 6]])):
            text, changes = doc.text, []
            for name, step in (("expanded", lambda d: expand_name(d, article["title"])), ("fronted", front_to_back), ("active", passive_to_active)):
                new = step(nlp(text) if changes else doc)
                if new and new != text:
                    text, changes = new, changes + [name]
            if not changes:
                continue
            if rng.random() < 0.3:
                text = coarsen_date(text) or text
            width = rng.choice([0, 1, 1, 2])
            lo = max(0, i - rng.randint(0, width))
            premise = " ".join(sents[lo : lo + width + 1])
            out.append({"premise": premise, "hypothesis": text, "kind": "restructured", "changes": changes, "articles": [article["id"]], "title": article["title"], "at": lo, "body": sents})
            made += 1
            if made >= per_article:
                break
    return out


def cosine_filter(rows: list[dict], minimum: float) -> list[dict]:
    import numpy as np

    from sourcecheck.models import embedder

    model = embedder()
    a = model.embed([r["premise"] for r in rows])
    b = model.embed([r["hypothesis"] for r in rows])
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9)
    return [r | {"cosine": round(float(c), 3)} for r, c in zip(rows, cos) if c >= minimum]


def siblings(row: dict, doc, pool: dict[str, list[str]], rng: random.Random) -> list[dict]:
    """The contradiction and neutral pairs that share the entailed hypothesis's wording."""
    out = []
    false = negate(doc) if rng.random() < 0.15 else None
    for _ in range(3):
        if false:
            break
        candidate = swap_entity(doc, pool, rng)
        if candidate:
            changed = set(WORD.findall(candidate)) - set(WORD.findall(row["hypothesis"]))
            if changed and not changed <= premise_words(row["premise"]):
                false = candidate
    if false:
        out.append(row | {"hypothesis": false, "label": CONTRADICTION, "kind": row["kind"] + "-swapped"})
    body, at = row["body"], row["at"]
    need = anchors(row["hypothesis"])
    far = [w for i, w in windows(body, 0) if abs(i - at) > 2 and (anchors(w) & need) and not need <= premise_words(w)]
    if far:
        out.append(row | {"premise": rng.choice(far), "label": NEUTRAL, "kind": row["kind"] + "-silent"})
    return out


def build(articles: list[dict], seed: int, min_cosine: float, with_fever: bool, per_article: int) -> list[dict]:
    from sourcecheck.models import spacy_pipeline

    rng = random.Random(seed)
    found = [c for article in articles for c in lead_candidates(article)]
    print(f"lead candidates {len(found)}", file=sys.stderr)
    cross = cross_candidates(articles, rng)
    print(f"cross candidates {len(cross)}", file=sys.stderr)
    kept = cosine_filter(found + cross, min_cosine)
    print(f"kept after cosine >= {min_cosine}: {len(kept)}", file=sys.stderr)
    kept += restructured_candidates(articles, per_article, rng)
    print(f"with restructured sentences: {len(kept)}", file=sys.stderr)
    nlp = spacy_pipeline()
    docs = list(nlp.pipe([r["hypothesis"] for r in kept], batch_size=64))
    pool: dict[str, list[str]] = {}
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ in SWAP_TYPES:
                pool.setdefault(ent.label_, []).append(ent.text)
    rows = []
    for row, doc in zip(kept, docs):
        entailed = row | {"label": ENTAILMENT}
        rows.append(entailed)
        rows += siblings(entailed, doc, {k: rng.sample(v, min(40, len(v))) for k, v in pool.items()}, rng)
    if with_fever:
        fever = fever_candidates()
        print(f"fever pairs {len(fever)}", file=sys.stderr)
        rows += fever
    for row in rows:
        row["source"] = "para"
        row["split"] = "val" if any(history_article_is_validation(str(a)) for a in row["articles"]) else "train"
        row.pop("body", None)
        row.pop("at", None)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=41)
    parser.add_argument("--min-cosine", type=float, default=0.75)
    parser.add_argument("--per-article", type=int, default=3, help="sentences restructured per article")
    parser.add_argument("--no-fever", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = build(read_articles(args.articles, args.seed), args.seed, args.min_cosine, not args.no_fever, args.per_article)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = {kind: sum(r["kind"] == kind for r in rows) for kind in sorted({r["kind"] for r in rows})}
    print(f"{len(rows)} pairs: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
