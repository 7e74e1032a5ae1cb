"""Character language models trained at scale: the checkpoints the book ships and reads.

A :class:`CharLM` reads one character id per step and predicts the next one:

    e_t = E[x_t]                          (an embedding row: the one-hot x_t times E, i.e. a lookup)
    h_t^(1), c_t^(1) = LSTM_1(e_t, h_{t-1}^(1), c_{t-1}^(1))
    h_t^(l), c_t^(l) = LSTM_l(h_t^(l-1), h_{t-1}^(l), c_{t-1}^(l))        l = 2 .. layers
    y_t = h_t^(layers) W_hy + b_y         p(x_{t+1} | x_0..x_t) = softmax(y_t)

The loss is the mean cross-entropy in nats per character; its exponential is the perplexity.
``tools/train_checkpoints.py`` trains one per corpus and writes it to ``lstmlib/checkpoints/``
(float16 weights and a JSON manifest: command, corpus release, split, hyperparameters, device,
time and validation loss); :func:`load_checkpoint` reads one back with ``weights_only=True``.

Shape letters: N batch, T time steps, V vocabulary size, E embedding size, H hidden size.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from lstmlib.core.validate import check_instance, check_positive_int
from lstmlib.data.text import Vocab
from lstmlib.torchside.bridge import trace_lstm

__all__ = ["layer_traces", "CharLM", "CHECKPOINT_DIR", "Checkpoint", "corpus_split", "char_lm_loss", "nats_per_char",
           "load_checkpoint", "save_checkpoint", "sample_text", "available_checkpoints"]

CHECKPOINT_DIR = Path(__file__).resolve().parents[1] / "checkpoints"
"""Where the shipped checkpoints live: ``<name>.pt`` (float16 state dict) beside ``<name>.json``."""


class CharLM(nn.Module):
    """Embedding -> ``layers`` stacked LSTMs (time-first) -> linear scores over the vocabulary."""

    def __init__(self, V: int, E: int = 64, H: int = 256, layers: int = 2):
        super().__init__()
        V, E, H, layers = (check_positive_int(v, n) for v, n in ((V, "V"), (E, "E"), (H, "H"), (layers, "layers")))
        self.config = dict(V=V, E=E, H=H, layers=layers)
        self.embed = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, num_layers=layers)
        self.out = nn.Linear(H, V)

    def forward(self, ids, state=None):
        """ids (T, N) int64 -> scores y (T, N, V) and the final (h, c), each (layers, N, H)."""
        h, state = self.lstm(self.embed(ids), state)
        return self.out(h), state



def layer_traces(model: CharLM, ids) -> list:
    """The numpy float64 trace (every gate, c_t, h_t) of each layer reading ids (T,), one sequence (N = 1).

    ``bridge.trace_lstm`` moves each layer's weights into the book's own ``lstm_forward``; layer l
    reads layer l - 1's h_t, the first reads the embedding rows E[x_t]. The top layer's trace has y_t,
    the scores of the next character. Float64 on every CPU, so its values do not depend on the kernels.
    """
    check_instance(model, "model", CharLM)
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or ids.size == 0:
        raise ValueError(f"ids must be a non-empty 1-D integer array, got {ids.dtype} {ids.shape}")
    return _layer_traces(model, ids)


def _layer_traces(model: CharLM, ids: np.ndarray) -> list:
    return trace_lstm(model.lstm, ids, embedding=model.embed, out=model.out)


def corpus_split(text: str, val_fraction: float = 0.05) -> tuple[str, str]:
    """The first 1 - val_fraction of the text for training, the rest (contiguous) for validation."""
    if not isinstance(text, str) or len(text) < 100:
        raise ValueError(f"text must be a str of at least 100 characters, got {type(text).__name__}")
    if not 0.0 < val_fraction < 0.5:
        raise ValueError(f"val_fraction must lie strictly between 0 and 0.5, got {val_fraction!r}")
    cut = int(round(len(text) * (1.0 - val_fraction)))
    return text[:cut], text[cut:]


def char_lm_loss(model: CharLM, x, target):
    """Mean cross-entropy (nats per character) of predicting ``target`` (T, N) from ``x`` (T, N)."""
    y, _ = model(x)
    return nn.functional.cross_entropy(y.reshape(-1, y.shape[-1]), target.reshape(-1))


@torch.no_grad()
def nats_per_char(model: CharLM, ids, T: int = 256, N: int = 64) -> float:
    """The model's mean cross-entropy over a whole id sequence, read as N parallel streams of
    windows of T characters, each window starting from the state the previous one left."""
    check_instance(model, "model", CharLM)
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    if ids.ndim != 1 or len(ids) < N + 1:
        raise ValueError(f"ids must be a 1-D sequence longer than N = {N}, got shape {tuple(ids.shape)}")
    model.eval()
    L = (len(ids) - 1) // N
    x = ids[:L * N].reshape(N, L).T                                 # (L, N): stream n is one contiguous slice
    y = ids[1:L * N + 1].reshape(N, L).T
    total, count, state = 0.0, 0, None
    for s in range(0, L, T):
        scores, state = model(x[s:s + T], state)
        total += float(nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]).double(),
                                                   y[s:s + T].reshape(-1), reduction="sum"))
        count += y[s:s + T].numel()
    return total / count


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """A loaded checkpoint: the model (float32 unless asked for float64, eval mode), its vocabulary and its manifest."""
    model: CharLM
    vocab: Vocab
    manifest: dict


def save_checkpoint(model: CharLM, vocab: Vocab, manifest: dict, name: str, folder: Path | None = None) -> Path:
    """Write ``<name>.pt`` (the weights in float16) and ``<name>.json`` (manifest + config + vocabulary)."""
    check_instance(model, "model", CharLM)
    folder = Path(folder) if folder is not None else CHECKPOINT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().to(torch.float16) if v.is_floating_point() else v.detach().cpu()
             for k, v in model.state_dict().items()}
    torch.save(state, folder / f"{name}.pt")
    full = dict(manifest, config=model.config, vocab=list(vocab.tokens))
    (folder / f"{name}.json").write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    return folder / f"{name}.pt"


def available_checkpoints(folder: Path | None = None) -> list:
    """Names of the checkpoints in ``folder`` (default: the shipped ones)."""
    folder = Path(folder) if folder is not None else CHECKPOINT_DIR
    return sorted(p.stem for p in folder.glob("*.pt") if (folder / f"{p.stem}.json").exists())


def load_checkpoint(name: str, folder: Path | None = None, *, dtype: torch.dtype = torch.float32) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (``torch.load(..., weights_only=True)``).

    dtype: torch.float32 (fast) or torch.float64, in which the model's probabilities differ between
    CPUs only in their last bits, so seeded samples and rounded losses are the same on any machine.
    """
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    folder = Path(folder) if folder is not None else CHECKPOINT_DIR
    names = available_checkpoints(folder)
    if name not in names:
        raise ValueError(f"no checkpoint {name!r} in {folder}; there are: {names}")
    manifest = json.loads((folder / f"{name}.json").read_text())
    model = CharLM(**manifest["config"])
    state = torch.load(folder / f"{name}.pt", map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    model.to(dtype).eval()
    return Checkpoint(model, Vocab(tuple(manifest["vocab"])), manifest)


@torch.no_grad()
def sample_text(model: CharLM, vocab: Vocab, prime: str, n: int, *, temperature: float = 1.0,
                rng: np.random.Generator | torch.Generator) -> str:
    """``n`` characters drawn one at a time from softmax(y_t / temperature), after reading ``prime``.

    rng: a numpy Generator, or a seeded CPU ``torch.Generator`` (the draw is then ``torch.multinomial``).
    With a float64 model (``load_checkpoint(..., dtype=torch.float64)``) the text is the same on any CPU
    and any thread count, bar a draw landing within ~1e-15 of the edge between two characters.
    """
    check_instance(model, "model", CharLM)
    n = check_positive_int(n, "n")
    if not isinstance(temperature, (int, float)) or isinstance(temperature, bool) or not temperature > 0:
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    if not isinstance(rng, (np.random.Generator, torch.Generator)):
        raise ValueError(f"rng must be a numpy Generator or a torch.Generator, got {type(rng).__name__}")
    if isinstance(rng, torch.Generator) and rng.device.type != "cpu":
        raise ValueError(f"rng must be a CPU torch.Generator, got one on {rng.device}")
    if not isinstance(prime, str) or not prime:
        raise ValueError("prime must be a non-empty str")
    unknown = sorted(set(prime) - set(vocab.tokens))
    if unknown:
        raise ValueError(f"prime has characters outside the vocabulary: {unknown[:5]}")
    model.eval()
    ids = torch.tensor([[vocab.index[ch]] for ch in prime])            # (T, 1)
    y, state = model(ids)
    out = []
    for _ in range(n):
        p = torch.softmax(y[-1, 0].double() / temperature, dim=0)
        if isinstance(rng, torch.Generator):
            k = int(torch.multinomial(p, 1, generator=rng))
        else:
            p = p.numpy()
            k = int(rng.choice(len(p), p=p / p.sum()))
        out.append(vocab.tokens[k])
        y, state = model(torch.tensor([[k]]), state)
    return "".join(out)
