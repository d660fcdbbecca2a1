"""Carry all-MiniLM-L6-v2 to an accelerator machine in under 25 MB, and rebuild it there.

The device tool sends at most 64 MiB with the repository, and the repository alone is over 60.
The base model's 90 MB of fp32 weights travel as per-row int8 (matrices) and fp16 (vectors):
the rounding (about 0.4% of a row's largest weight) is far below what fine-tuning changes.

    python scripts/nli_travel.py pack   --out .nlidata/base          # here
    python scripts/nli_travel.py unpack --src .nlidata/base --out /tmp/base   # there

A trained checkpoint (train_nli.py's best.pt, to continue from it with `--init`) travels the same
way in place of the base model: `pack --checkpoint .train/nli-ft/best.pt --out .nlidata/init`
here, `unpack --src .nlidata/init --out /tmp/base` there writes the base folder (the checkpoint's
encoder) and /tmp/base/init.pt (the whole classifier).

`unpack` writes a normal Hugging Face folder (config, tokenizer, model.safetensors in fp32)
that `scripts/train_nli.py --base` reads. Needs numpy and safetensors.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

import numpy as np

ENCODER = "encoder."  # PooledClassifier's prefix for the MiniLM weights
FILES = ("config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def pack(out: str, checkpoint: str | None = None) -> None:
    from safetensors.numpy import load_file

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    from sourcecheck.models import TOKENIZER_PACKAGE, TOKENIZER_PIP, _package_dir

    base = _package_dir(TOKENIZER_PACKAGE, TOKENIZER_PIP) / "model"
    os.makedirs(out, exist_ok=True)
    for name in FILES:
        shutil.copy(base / name, os.path.join(out, name))
    if checkpoint:
        import torch

        weights = {k: v.float().numpy() for k, v in torch.load(checkpoint, weights_only=False, map_location="cpu")["model"].items()}
    else:
        weights = load_file(str(base / "model.safetensors"))
    arrays = {}
    for name, value in weights.items():
        if value.ndim == 2:
            scale = np.maximum(np.abs(value).max(axis=1, keepdims=True), 1e-12) / 127.0
            arrays[f"{name}::q"] = np.round(value / scale).astype(np.int8)
            arrays[f"{name}::scale"] = scale.astype(np.float32)
        else:
            arrays[f"{name}::h"] = value.astype(np.float16)
    np.savez_compressed(os.path.join(out, "weights.npz"), **arrays)


def unpack(src: str, out: str) -> None:
    from safetensors.numpy import save_file

    os.makedirs(out, exist_ok=True)
    for name in FILES:
        shutil.copy(os.path.join(src, name), os.path.join(out, name))
    packed = np.load(os.path.join(src, "weights.npz"))
    tensors = {}
    for key in packed.files:
        name, kind = key.rsplit("::", 1)
        if kind == "q":
            tensors[name] = packed[key].astype(np.float32) * packed[f"{name}::scale"]
        elif kind == "h":
            tensors[name] = packed[key].astype(np.float32)
    if any(name.startswith(ENCODER) for name in tensors):
        # A packed checkpoint: the encoder is the base folder's model, the whole is init.pt.
        import torch

        torch.save({"model": {k: torch.from_numpy(v) for k, v in tensors.items()}}, os.path.join(out, "init.pt"))
        tensors = {k[len(ENCODER) :]: v for k, v in tensors.items() if k.startswith(ENCODER)}
    save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["pack", "unpack"])
    parser.add_argument("--src", default=".nlidata/base")
    parser.add_argument("--out", required=True)
    parser.add_argument("--checkpoint", default=None, help="pack: a train_nli.py checkpoint instead of the base model")
    args = parser.parse_args()
    pack(args.out, args.checkpoint) if args.command == "pack" else unpack(args.src, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
