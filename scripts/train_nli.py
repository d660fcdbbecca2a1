"""Train sourcecheck's NLI cross-encoder from all-MiniLM-L6-v2, export it to ONNX and int8.

    python scripts/train_nli.py train  --work .train/nli [--epochs 2] [--max-minutes M]
    python scripts/train_nli.py export --work .train/nli --out src/sourcecheck/data/nli

On an accelerator, without ../shared/data beside the repository: `dump` writes every training and
validation pair into one xz file, and `train --pairs FILE --base DIR --device cuda` reads it and
the base model (a copy of all-MiniLM-L6-v2's folder, possibly stored in fp16) from there:

    python scripts/train_nli.py dump --work .train/nli-v3 --pairs .nlidata/pairs.jsonl.xz
    python scripts/train_nli.py train --work W --pairs .nlidata/pairs.jsonl.xz --base .nlidata/base --device cuda

`train` is interruptible: it checkpoints every --save-every steps (model, optimiser, scheduler,
position in the epoch) and a second `train` resumes where the last checkpoint left off. The curve
goes to WORK/curve.jsonl (training loss every 25 steps, validation accuracy every --eval-every
steps and at each epoch's end); the best validation checkpoint is kept as WORK/best.pt.

Data (see scripts/nli_datasets.py for the readers and the held-out rules): SNLI dev (90%),
SICK train, ANLI R1-R3 dev, Climate-FEVER (the 70% not held out), AVeriTeC train, WiCE dev, and
the synthetic history pairs of scripts/history_pairs.py (WORK/history*.jsonl). Validation: SICK
trial, every tenth SNLI dev pair, held-out history articles. No test split is read here.

The model: the MiniLM encoder, mean pooling over premise and hypothesis tokens (the pooling the
sentence embedder was trained with, so the head starts from meaningful features), dropout and a
3-way linear head (entailment, neutral, contradiction). Needs torch, transformers, onnx,
onnxruntime (`make train-deps`).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import nli_datasets as ds  # noqa: E402
from pooled_classifier import PooledClassifier  # noqa: E402


def titled_premise(title: str | None, text: str) -> str:
    """sourcecheck.models.titled_premise, imported late: on an accelerator `train --pairs` runs
    without sourcecheck installed (the dump has already applied it)."""
    from sourcecheck.models import titled_premise as titled

    return titled(title, text)

MAX_LEN = 128
BATCH = 32  # --batch
DEVICE = "cpu"  # --device
SEED = 7


BASE_DIR: str | None = None  # set by --base
TITLES = False  # set by --titles: history-pack premises read "Title: text" (sourcecheck.models.titled_premise)


def base_model_dir() -> str:
    if BASE_DIR:
        return BASE_DIR
    from sourcecheck.models import TOKENIZER_PACKAGE, TOKENIZER_PIP, _package_dir

    return str(_package_dir(TOKENIZER_PACKAGE, TOKENIZER_PIP) / "model")


def build_model() -> PooledClassifier:
    from transformers import AutoModel

    # float32 whatever the stored precision (older and newer transformers differ on the default).
    return PooledClassifier(AutoModel.from_pretrained(base_model_dir()).float(), 3)


def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(base_model_dir())


def history_pairs(work: str, split: str) -> list[ds.Pair]:
    """The synthetic pairs of WORK/history*.jsonl (scripts/history_pairs.py), in file-name order."""
    out = []
    for path in sorted(glob.glob(os.path.join(work, "history*.jsonl"))):
        with open(path, encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                row = json.loads(line)
                if row["split"] == split:
                    # "source" names the generator family ("para": scripts/paraphrase_pairs.py), so
                    # --oversample and the validation report can single it out.
                    premise = titled_premise(row.get("title"), row["premise"]) if TITLES else row["premise"]
                    out.append(ds.Pair(premise, row["hypothesis"], row["label"], f"{row.get('source', 'history')}-{row['kind']}", f"{os.path.basename(path)}-{n}"))
    return out


def training_pairs(work: str) -> list[ds.Pair]:
    pairs: list[ds.Pair] = []
    pairs += ds.snli("dev-train")
    pairs += ds.sick("train")
    pairs += ds.anli("dev")
    pairs += ds.climate_fever_pairs("train")
    pairs += ds.averitec_pairs("train")
    pairs += ds.wice_pairs("dev")
    pairs += history_pairs(work, "train")
    return pairs


def validation_pairs(work: str) -> list[ds.Pair]:
    history = history_pairs(work, "val")
    random.Random(SEED).shuffle(history)
    return list(ds.sick("trial")) + list(ds.snli("dev-val")) + history[:600]


def dump_pairs(work: str, path: str) -> None:
    """Every training and validation pair in one xz JSONL file (split, source, key, label, texts)."""
    import lzma

    with lzma.open(path, "wt", encoding="utf-8") as handle:
        for split, pairs in (("train", training_pairs(work)), ("val", validation_pairs(work))):
            for p in pairs:
                handle.write(json.dumps({"split": split, "premise": p.premise, "hypothesis": p.hypothesis, "label": p.label, "source": p.source, "key": p.key}, ensure_ascii=False) + "\n")


def load_pairs(path: str, split: str) -> list[ds.Pair]:
    import lzma

    with lzma.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [ds.Pair(r["premise"], r["hypothesis"], r["label"], r["source"], r["key"]) for r in rows if r["split"] == split]


def encode(tok, pairs: list[ds.Pair]) -> list[tuple[list[int], list[int], int]]:
    """Token ids and type ids per pair; the premise is cut first when the pair is too long."""
    enc = tok([p.premise for p in pairs], [p.hypothesis for p in pairs], truncation="longest_first", max_length=MAX_LEN)
    return [(ids, types, p.label) for ids, types, p in zip(enc["input_ids"], enc["token_type_ids"], pairs)]


def batches_for_epoch(encoded, epoch: int) -> list[list[int]]:
    """Shuffled, then sorted by length within windows of 50 batches (little padding), then shuffled."""
    rng = random.Random(SEED * 1000 + epoch)
    order = list(range(len(encoded)))
    rng.shuffle(order)
    window = BATCH * 50
    batches = []
    for begin in range(0, len(order), window):
        chunk = sorted(order[begin : begin + window], key=lambda i: len(encoded[i][0]))
        batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
    rng.shuffle(batches)
    return batches


def collate(encoded, idx: list[int]):
    width = max(len(encoded[i][0]) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, i in enumerate(idx):
        n = len(encoded[i][0])
        ids[row, :n] = torch.tensor(encoded[i][0])
        types[row, :n] = torch.tensor(encoded[i][1])
        mask[row, :n] = 1
    labels = torch.tensor([encoded[i][2] for i in idx])
    return ids, mask, types, labels


@torch.no_grad()
def evaluate(model, encoded, pairs) -> dict:
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    predictions = np.zeros(len(encoded), dtype=np.int64)
    for begin in range(0, len(order), 64):
        idx = order[begin : begin + 64]
        ids, mask, types, _ = collate(encoded, idx)
        predictions[idx] = model(ids.to(DEVICE), mask.to(DEVICE), types.to(DEVICE)).argmax(-1).cpu().numpy()
    model.train()
    gold = np.array([p.label for p in pairs])
    by_source: dict[str, list[bool]] = {}
    for p, ok in zip(pairs, predictions == gold):
        by_source.setdefault(p.source.split("-")[0], []).append(bool(ok))
    return {"accuracy": float((predictions == gold).mean())} | {f"acc_{k}": float(np.mean(v)) for k, v in sorted(by_source.items())}


def save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def log(work: str, row: dict) -> None:
    print(json.dumps(row), flush=True)
    with open(os.path.join(work, "curve.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def train(args) -> int:
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    tok = tokenizer()
    if args.pairs:
        train_pairs, val_pairs = load_pairs(args.pairs, "train"), load_pairs(args.pairs, "val")
    else:
        train_pairs, val_pairs = training_pairs(args.work), validation_pairs(args.work)
    if args.oversample:
        # "snli,sick,anli:2": those sources twice per epoch (the synthetic history pairs outnumber them).
        names, times = args.oversample.rsplit(":", 1)
        wanted = set(names.split(","))
        train_pairs = train_pairs + [p for p in train_pairs if p.source.split("-")[0] in wanted] * (int(times) - 1)
    encoded, val_encoded = encode(tok, train_pairs), encode(tok, val_pairs)
    counts = {ds.LABELS[k]: sum(p.label == k for p in train_pairs) for k in range(3)}
    print(f"training pairs {len(train_pairs)} {counts}; validation {len(val_pairs)}", file=sys.stderr)
    model = build_model()
    if args.init:
        # Continue from another run's weights (a new optimiser and schedule).
        model.load_state_dict(torch.load(args.init, weights_only=False)["model"])
    model.to(DEVICE)
    steps_per_epoch = math.ceil(len(encoded) / BATCH)  # approximately: windows may leave short batches
    total = args.epochs * len(batches_for_epoch(encoded, 0))
    if args.max_steps:
        total = min(total, args.max_steps)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimiser = torch.optim.AdamW(groups, lr=args.lr)
    warmup = int(0.06 * total)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min((s + 1) / max(warmup, 1), max(0.0, (total - s) / max(total - warmup, 1))))
    state = {"epoch": 0, "batch": 0, "step": 0, "best": -1.0}
    latest = os.path.join(args.work, "latest.pt")
    if os.path.exists(latest):
        saved = torch.load(latest, weights_only=False)
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        scheduler.load_state_dict(saved["scheduler"])
        state = saved["state"]
        torch.set_rng_state(saved["rng"].cpu())
        print(f"resumed at epoch {state['epoch']} batch {state['batch']} (step {state['step']})", file=sys.stderr)
    loss_fn = nn.CrossEntropyLoss()
    started = time.time()
    running: list[float] = []
    model.train()

    def checkpoint() -> None:
        save_atomic({"model": model.state_dict(), "optimiser": optimiser.state_dict(), "scheduler": scheduler.state_dict(), "state": state, "rng": torch.get_rng_state()}, latest)

    def validate() -> None:
        metrics = evaluate(model, val_encoded, val_pairs)
        log(args.work, {"step": state["step"], "epoch": state["epoch"], "validation": metrics})
        if metrics["accuracy"] > state["best"]:
            state["best"] = metrics["accuracy"]
            save_atomic({"model": model.state_dict(), "step": state["step"], "validation": metrics}, os.path.join(args.work, "best.pt"))

    while state["epoch"] < args.epochs:
        batches = batches_for_epoch(encoded, state["epoch"])
        while state["batch"] < len(batches):
            ids, mask, types, labels = (t.to(DEVICE) for t in collate(encoded, batches[state["batch"]]))
            loss = loss_fn(model(ids, mask, types), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad()
            running.append(loss.item())
            state["batch"] += 1
            state["step"] += 1
            if state["step"] % 25 == 0:
                log(args.work, {"step": state["step"], "epoch": state["epoch"], "loss": round(float(np.mean(running)), 4), "lr": scheduler.get_last_lr()[0], "seconds": round(time.time() - started, 1)})
                running = []
            if state["step"] % args.eval_every == 0:
                validate()
            if state["step"] % args.save_every == 0:
                checkpoint()
            if state["step"] >= total:
                break
            if args.max_minutes and time.time() - started > args.max_minutes * 60:
                checkpoint()
                print("stopped on --max-minutes; run again to resume", file=sys.stderr)
                return 0
        state["epoch"] += 1
        state["batch"] = 0
        validate()
        checkpoint()
        if state["step"] >= total:
            break
    print(f"done: {state['step']} steps (about {steps_per_epoch} an epoch), best validation accuracy {state['best']:.4f}", file=sys.stderr)
    return 0


def export(args) -> int:
    """best.pt -> fp32 ONNX (kept in WORK) -> int8 ONNX in --out, with validation scores of both."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = build_model()
    saved = torch.load(os.path.join(args.work, "best.pt"), weights_only=False, map_location="cpu")
    model.load_state_dict(saved["model"])
    model.eval()
    tok = tokenizer()
    dummy = tok(["Churchill met Stalin in Moscow."], ["Churchill travelled to Moscow."], return_tensors="pt")
    fp32 = os.path.join(args.work, "nli-fp32.onnx")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        model, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), fp32,
        input_names=names, output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names} | {"logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    os.makedirs(args.out, exist_ok=True)
    int8 = os.path.join(args.out, "nli-int8.onnx")
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True)
    from sourcecheck.models import NLIModel, file_sha256 as sha256

    val = load_pairs(args.pairs, "val") if args.pairs else validation_pairs(args.work)
    gold = np.array([p.label for p in val])
    onnx_accuracy = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        probs = NLIModel(path, max_tokens=MAX_LEN).predict([(p.premise, p.hypothesis) for p in val])
        onnx_accuracy[name] = round(float((probs.argmax(1) == gold).mean()), 4)
    summary = {
        "step": saved["step"], "validation_torch": saved["validation"], "validation_onnx": onnx_accuracy,
        "fp32_sha256": sha256(fp32), "int8_sha256": sha256(int8), "int8_bytes": os.path.getsize(int8),
    }
    with open(os.path.join(args.out, "nli.json"), "w", encoding="utf-8") as handle:
        json.dump({"premise_titles": bool(args.titles)}, handle)
        handle.write("\n")
    with open(os.path.join(args.work, "export.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
    print(json.dumps(summary, indent=2))
    return 0


def main() -> int:
    global BASE_DIR, BATCH, DEVICE, TITLES
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["train", "export", "dump"])
    parser.add_argument("--work", default=".train/nli")
    parser.add_argument("--out", default="src/sourcecheck/data/nli")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--eval-every", type=int, default=400)
    parser.add_argument("--save-every", type=int, default=100)
    parser.add_argument("--max-minutes", type=float, default=0)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (the schedule decays to 0 there)")
    parser.add_argument("--init", default=None, help="start from the model weights of this checkpoint (e.g. another run's best.pt)")
    parser.add_argument("--pairs", default=None, help="train: read the pairs from this file (made by `dump`); dump: write them there")
    parser.add_argument("--base", default=None, help="the base model's folder (default: the installed all-MiniLM-L6-v2)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--titles", action="store_true", help="dump/train: prefix the generated pairs' premises with their article title (the verifier then does the same; export writes nli.json saying so)")
    parser.add_argument("--oversample", default=None, help="SOURCES:N, e.g. snli,sick,anli:2 (those sources N times per epoch)")
    args = parser.parse_args()
    BASE_DIR, BATCH, DEVICE, TITLES = args.base, args.batch, args.device, args.titles
    os.makedirs(args.work, exist_ok=True)
    if args.command == "dump":
        dump_pairs(args.work, args.pairs)
        return 0
    return train(args) if args.command == "train" else export(args)


if __name__ == "__main__":
    raise SystemExit(main())
