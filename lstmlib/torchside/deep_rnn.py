"""Stacked and bidirectional LSTM taggers, trained several seeds at once, and the tagging experiment.

Shape letters: G independent models trained side by side (one per seed), N batch, T positions,
V token types (one-hot inputs, D = V), H hidden size per direction, K outputs per position
(one logit per binary tag), L layers.

* :class:`DeepTagger`: L stacked LSTM layers (lstmlib.core.deep's equations), each left to right
  or bidirectional, then y_t = h^(L)_t W_hy + b_y at every position. The gates are the book's
  (f, i, g, o, one bias each), so a member has ``recurrent_parameter_count("lstm", V, H, L,
  bidirectional, K, biases=1)`` parameters. Every parameter has a leading axis G.
* :func:`train_tagger`: Adam on each model's mean binary cross-entropy over positions and tags,
  each model's gradient clipped to norm ``clip``, through :func:`lstmlib.torchside.training.fit`.
* :func:`tag_accuracy`: the fraction of right tags, per model, position and tag.
* :func:`tagging_experiment`: every configuration trained with every learning rate of a grid
  (G seeds each); the rate with the best median validation accuracy is kept, the same rule for all.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstmlib.core.deep import recurrent_parameter_count
from lstmlib.core.validate import check_instance, check_positive_int
from lstmlib.data.tagging import TaggingSet
from lstmlib.torchside.seq2seq import _clip_per_model
from lstmlib.torchside.training import fit

__all__ = ["DeepTagger", "train_tagger", "tag_accuracy", "TaggingRun", "tagging_experiment"]


def _lstm_layer(A, W_h):
    """The recurrence of one LSTM direction for G models: A (T, G, N, 4H) holds x_t W_x + b for every t,
    W_h (G, H, 4H); returns h (T, G, N, H), from h_{-1} = c_{-1} = 0. Gates in the book's order f, i, g, o."""
    H = W_h.shape[-1] // 4
    h = c = A.new_zeros(*A.shape[1:3], H)
    out = []
    for A_t in A:
        f, i, g, o = (A_t + h @ W_h).chunk(4, dim=-1)          # a_t = x_t W_x + h_{t-1} W_h + b
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        out.append(h)
    return torch.stack(out)


class DeepTagger(nn.Module):
    """G taggers: token ids (T, N) -> L stacked LSTM layers -> logits (T, G, N, K).

    Layer l reads layer l - 1's states (the one-hot tokens for l = 0); a bidirectional layer runs a
    second LSTM over the reversed sequence and hands [->h_t, <-h_t] up. Weights start uniform in
    [-1/sqrt(H), 1/sqrt(H)] like torch's LSTM, drawn from a generator seeded with ``seed``.
    """

    def __init__(self, V: int, H: int, K: int, layers: int = 1, bidirectional: bool = False, G: int = 1,
                 seed: int = 0, dtype=torch.float64):
        super().__init__()
        V, H, K, layers, G = (check_positive_int(v, n) for v, n in
                              ((V, "V"), (H, "H"), (K, "K"), (layers, "layers"), (G, "G")))
        if not isinstance(bidirectional, bool):
            raise ValueError(f"bidirectional must be True or False, got {bidirectional!r}")
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        self.sizes = dict(V=V, H=H, K=K, layers=layers, bidirectional=bidirectional, G=G)
        gen = torch.Generator().manual_seed(check_positive_int(seed, "seed", 0))
        u = lambda *shape: nn.Parameter(
            (torch.rand(G, *shape, generator=gen, dtype=dtype) * 2 - 1) * H ** -0.5)
        dirs = 2 if bidirectional else 1
        self.W_x, self.W_h, self.b = nn.ParameterList(), nn.ParameterList(), nn.ParameterList()
        for layer in range(layers):                          # per layer: ->, then <- if bidirectional
            for _ in range(dirs):
                self.W_x.append(u(V if layer == 0 else dirs * H, 4 * H))
                self.W_h.append(u(H, 4 * H))
                self.b.append(u(1, 4 * H))
        self.W_hy, self.b_y = u(dirs * H, K), u(1, K)

    @property
    def G(self) -> int:
        return self.sizes["G"]

    def states(self, tokens) -> list:
        """Every layer's states [h^(1), ..., h^(L)], each (T, G, N, H) or (T, G, N, 2H) if bidirectional."""
        tokens = torch.as_tensor(tokens, device=self.W_hy.device)
        if tokens.dim() == 2:                                  # (T, N): the same tokens for every model
            tokens = tokens[:, None].expand(-1, self.G, -1)
        members = torch.arange(self.G, device=tokens.device)[:, None]
        dirs = 2 if self.sizes["bidirectional"] else 1
        out, x = [], None
        for layer in range(self.sizes["layers"]):
            ks = range(layer * dirs, (layer + 1) * dirs)       # this layer's directions: ->, then <-
            if layer == 0:                                     # one-hot x_t: x_t W_x is row x_t of W_x
                A = [self.W_x[k][members, tokens] + self.b[k] for k in ks]           # each (T, G, N, 4H)
            else:
                A = [x @ self.W_x[k][None] + self.b[k] for k in ks]
            if dirs == 1:
                x = _lstm_layer(A[0], self.W_h[ks[0]])                             # (T, G, N, H)
            else:                                              # <-: the same recurrence over the reversed
                both = _lstm_layer(torch.cat([A[0], A[1].flip(0)], dim=1),         # sequence; both directions
                                   torch.cat([self.W_h[k] for k in ks]))           # run as 2G models at once
                right, left = both.chunk(2, dim=1)                                 # (T, G, N, H) each
                x = torch.cat([right, left.flip(0)], dim=-1)                       # [->h_t, <-h_t] at t
            out.append(x)
        return out

    def forward(self, tokens):
        """Logits (T, G, N, K) of the tags at every position of tokens (T, N) or (T, G, N)."""
        return self.states(tokens)[-1] @ self.W_hy[None] + self.b_y

    def parameter_count(self) -> int:
        """Parameters of one of the G models (the formula of lstmlib.core.deep, one bias per gate)."""
        s = self.sizes
        return recurrent_parameter_count("lstm", s["V"], s["H"], s["layers"], s["bidirectional"], s["K"], biases=1)


def _check_set(data, model):
    check_instance(data, "data", TaggingSet)
    if data.tokens.max() >= model.sizes["V"] or data.tags.shape[-1] != model.sizes["K"]:
        raise ValueError(f"data must hold ids below V = {model.sizes['V']} and K = {model.sizes['K']} tags, got "
                         f"ids up to {data.tokens.max()} and {data.tags.shape[-1]} tags")


def train_tagger(model: DeepTagger, data: TaggingSet, steps: int = 300, batch: int = 32, lr: float = 1e-2,
                 clip: float = 1.0, seed: int = 0, progress: bool = True) -> np.ndarray:
    """Adam (lr) on each model's mean binary cross-entropy of every tag at every position; returns the
    losses (steps, G). Each step draws ``batch`` sequences for each of the G models (a torch generator
    seeded with ``seed``); each model's gradient is clipped to norm ``clip``. The loop is
    :func:`lstmlib.torchside.training.fit`."""
    check_instance(model, "model", DeepTagger)
    _check_set(data, model)
    steps, batch = check_positive_int(steps, "steps"), check_positive_int(batch, "batch")
    if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not clip > 0:
        raise ValueError(f"clip must be a number > 0, got {clip!r}")
    tokens, tags = torch.as_tensor(data.tokens), torch.as_tensor(data.tags, dtype=model.W_hy.dtype)
    per_model = []

    def draw(gen):
        return [(torch.randint(0, data.N, (model.G, batch), generator=gen), tokens, tags)]

    def loss(model, sel, tokens, tags):
        y = model(tokens[:, sel])                                        # (T, G, batch, K)
        each = nn.functional.binary_cross_entropy_with_logits(y, tags[:, sel], reduction="none").mean((0, 2, 3))
        per_model.append(each.detach().cpu().numpy())
        return each.sum()                                                # the models share no weight

    fit(model, draw, loss, epochs=steps, lr=lr, clip=lambda m: _clip_per_model(m, clip), seed=seed,
        progress=progress, desc="steps")
    return np.array(per_model)


def tag_accuracy(model: DeepTagger, data: TaggingSet) -> np.ndarray:
    """The fraction of right tags (G, T, K): per model, position and tag, over the N sequences
    (a tag is predicted 1 where its logit is > 0)."""
    check_instance(model, "model", DeepTagger)
    _check_set(data, model)
    with torch.no_grad():
        y = model(data.tokens).cpu().numpy()                             # (T, G, N, K)
    right = (y > 0) == data.tags[:, None].astype(bool)
    return right.mean(2).transpose(1, 0, 2)


@dataclass(frozen=True)
class TaggingRun:
    """One configuration of :func:`tagging_experiment`. layers, bidirectional, H: the network;
    params: parameters per model; lr: the chosen rate; val (len(lrs), G): mean validation accuracy
    over positions and tags for every rate; test (G, T, K): test accuracy of the chosen rate's models."""
    layers: int
    bidirectional: bool
    H: int
    params: int
    lr: float
    val: np.ndarray
    test: np.ndarray


def tagging_experiment(configs: dict, train: TaggingSet, val: TaggingSet, test: TaggingSet, lrs=(3e-3, 1e-2, 3e-2),
                       seeds: int = 5, steps: int = 300, batch: int = 32, clip: float = 1.0, V: int | None = None,
                       progress: bool = False) -> dict:
    """Train every configuration {name: (layers, bidirectional, H)} with every rate of ``lrs``, ``seeds``
    models each (model g starts from the weights the module seeded with 0 draws for it, and draws its own
    batches). The same budget for all: ``steps`` steps of ``batch`` sequences. The rate kept is the one
    with the highest median (over seeds) validation accuracy, averaged over positions and tags.
    Returns {name: TaggingRun}."""
    if not isinstance(configs, dict) or not configs:
        raise ValueError(f"configs must be a non-empty dict name -> (layers, bidirectional, H), got {configs!r}")
    if not isinstance(lrs, (list, tuple)) or not lrs:
        raise ValueError(f"lrs must be a non-empty list of learning rates, got {lrs!r}")
    for s in (train, val, test):
        check_instance(s, "data", TaggingSet)
    V = int(max(s.tokens.max() for s in (train, val, test))) + 1 if V is None else check_positive_int(V, "V")
    K = train.tags.shape[-1]
    runs = {}
    for name, (layers, bidirectional, H) in configs.items():
        best, scores = None, []
        for lr in lrs:
            model = DeepTagger(V, H, K, layers, bidirectional, G=seeds, seed=0)
            train_tagger(model, train, steps, batch, lr, clip, seed=0, progress=progress)
            score = tag_accuracy(model, val).mean((1, 2))                   # (G,)
            scores.append(score)
            if best is None or np.median(score) > np.median(best[1]):
                best = (lr, score, tag_accuracy(model, test))
        runs[name] = TaggingRun(layers, bidirectional, H, model.parameter_count(), best[0], np.array(scores), best[2])
    return runs
