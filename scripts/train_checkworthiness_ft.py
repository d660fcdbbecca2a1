"""Fine-tune all-MiniLM-L6-v2 as a check-worthiness classifier, export it to ONNX and int8.

    python scripts/train_checkworthiness_ft.py --model DIR --data DIR --out DIR [--epochs 3]

DIR layout of --data: ClaimBuster `two_class_train.json.gz` and `two_class_test.json`, and the
CheckThat! 2019 task 1 folders `training/` and `test_annotated/` (from ../shared/data). Training
uses the ClaimBuster train split (and, with --with-checkthat, the CheckThat! 2019 training
debates); 10% of it (every tenth sentence by id) is held out to pick
the decision threshold. The test sets are scored once, at the end, and written to
`metrics.json`. Needs torch, transformers, onnx and onnxruntime (a GPU is used when present;
on the 2-core CPU one epoch takes about an hour).
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
from pooled_classifier import PooledClassifier  # noqa: E402

MAX_LEN = 64


class Classifier(PooledClassifier):
    """MiniLM encoder, mean pooling, one logit."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__(encoder, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return super().forward(input_ids, attention_mask, token_type_ids).squeeze(-1)


def load_claimbuster(data: str):
    with gzip.open(os.path.join(data, "two_class_train.json.gz"), "rt") as handle:
        train = json.load(handle)
    with open(os.path.join(data, "two_class_test.json")) as handle:
        test = json.load(handle)
    return train, test


def load_checkthat(folder: str):
    docs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.tsv"))):
        rows = []
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4:
                    rows.append((parts[2], int(parts[3])))
        docs[os.path.basename(path)] = rows
    return docs


def average_precision(labels, scores):
    order = np.argsort(-np.asarray(scores), kind="stable")
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / max(1, sum(labels))


def f1(labels, predicted):
    tp = sum(1 for y, p in zip(labels, predicted) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y and not p)
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--with-checkthat", action="store_true", help="also train on the CheckThat! 2019 training debates")
    args = parser.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    # The carried weights are fp16 (to travel light); train in fp32.
    model = Classifier(AutoModel.from_pretrained(args.model).float()).to(device)
    train_all, cb_test = load_claimbuster(args.data)
    held = [x for x in train_all if x["sentence_id"] % 10 == 0]
    train = [x for x in train_all if x["sentence_id"] % 10 != 0]
    if args.with_checkthat:
        for rows in load_checkthat(os.path.join(args.data, "training")).values():
            train.extend({"text": text, "label": label} for text, label in rows)

    def encode(texts):
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
        return {k: v.to(device) for k, v in batch.items()}

    @torch.no_grad()
    def score(texts):
        model.eval()
        out = []
        for i in range(0, len(texts), 256):
            out.extend(torch.sigmoid(model(**encode(texts[i : i + 256]))).float().cpu().tolist())
        return out

    positives = sum(x["label"] for x in train)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(train) - positives) / positives, device=device))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / (0.9 * steps)))
    curve = []
    started = time.time()
    for epoch in range(args.epochs):
        model.train()
        random.shuffle(train)
        total = 0.0
        for i in range(0, len(train), args.batch):
            chunk = train[i : i + args.batch]
            logits = model(**encode([x["text"] for x in chunk]))
            loss = loss_fn(logits, torch.tensor([float(x["label"]) for x in chunk], device=device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(chunk)
        held_scores = score([x["text"] for x in held])
        held_labels = [x["label"] for x in held]
        best = max((f1(held_labels, [s >= t for s in held_scores])[2], t) for t in np.arange(0.05, 0.96, 0.01))
        curve.append({"epoch": epoch + 1, "train_loss": total / len(train), "heldout_f1": best[0], "threshold": float(best[1]), "seconds": time.time() - started})
        print(json.dumps(curve[-1]), flush=True)
    threshold = curve[-1]["threshold"]

    model.eval().cpu()
    dummy = tokenizer(["In 1943 Churchill travelled to Turkey."], return_tensors="pt")
    fp32 = os.path.join(args.out, "checkworthiness-fp32.onnx")
    torch.onnx.export(
        model, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), fp32,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logit"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ("input_ids", "attention_mask", "token_type_ids")} | {"logit": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8 = os.path.join(args.out, "checkworthiness-int8.onnx")
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)

    import onnxruntime as ort

    session = ort.InferenceSession(int8, providers=["CPUExecutionProvider"])

    def score_onnx(texts):
        out = []
        for i in range(0, len(texts), 128):
            batch = tokenizer(texts[i : i + 128], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="np")
            logits = session.run(None, {k: batch[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")})[0]
            out.extend((1 / (1 + np.exp(-logits))).tolist())
        return out

    held_int8 = score_onnx([x["text"] for x in held])
    threshold_int8 = max((f1(held_labels, [s >= t for s in held_int8])[2], float(t)) for t in np.arange(0.05, 0.96, 0.01))[1]
    metrics = {"threshold_fp32": threshold, "threshold_int8": threshold_int8, "curve": curve, "max_len": MAX_LEN, "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed}
    model.to(device)
    for name, scorer, cut in (("fp32", score, threshold), ("int8", score_onnx, threshold_int8)):
        cb_scores = scorer([x["text"] for x in cb_test])
        p, r, f = f1([x["label"] for x in cb_test], [s >= cut for s in cb_scores])
        aps = []
        for doc, rows in load_checkthat(os.path.join(args.data, "test_annotated")).items():
            aps.append(average_precision([y for _, y in rows], scorer([t for t, _ in rows])))
        metrics[name] = {"claimbuster_test": {"precision": p, "recall": r, "f1": f}, "checkthat2019_test_map": float(np.mean(aps))}
        print(name, json.dumps(metrics[name]), flush=True)
    with open(os.path.join(args.out, "metrics.json"), "w") as handle:
        json.dump(metrics, handle, indent=2)


if __name__ == "__main__":
    main()
