"""Stacked (deep) and bidirectional recurrent layers in numpy, built from the one-layer forwards.

Shape letters: N batch, T time steps, D input size, H hidden size (per direction), K output size;
L layers. Superscripts name the layer (l) and the direction (-> left to right, <- right to left).

    stacked:        h^(l)_t = cell^(l)(h^(l-1)_t, h^(l)_{t-1}),   h^(0)_t = x_t
                    layer l reads the states of layer l - 1 as its input sequence
    bidirectional:  ->h_t = cell->(x_t, ->h_{t-1})                 left to right, from ->h_{-1} = 0
                    <-h_t = cell<-(x_t, <-h_{t+1})                 right to left, from <-h_T = 0
                    h_t   = [->h_t, <-h_t]                         (N, 2H): position t sees all of x

Each cell is any one-layer model of the core (RNN, LSTM, GRU, variants) run by
``lstmlib.core.bptt.forward``; the right-to-left pass is that same forward over the reversed
sequence, reversed back. torch.nn.RNN / LSTM / GRU with ``num_layers`` and ``bidirectional=True``
compute exactly this (checked to 1e-12 in float64 by the tests).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.base import Params
from lstmlib.core.bptt import forward
from lstmlib.core.validate import as_real_array, check_choice, check_instance, check_positive_int

__all__ = ["GATE_COUNT", "recurrent_parameter_count", "hidden_for_budget", "BidirectionalTrace", "bidirectional_forward",
           "stacked_forward"]

GATE_COUNT = {"rnn": 1, "gru": 3, "lstm": 4}
"""How many (D, H) + (H, H) weight blocks a cell has: one per gate (the RNN's single block counts as one)."""


def recurrent_parameter_count(cell: str, D: int, H: int, layers: int = 1, bidirectional: bool = False,
                              K: int | None = None, biases: int = 2) -> int:
    """Number of parameters of ``layers`` stacked recurrent layers (of H units per direction) and an
    optional output layer of K units.

    Layer l has input size D_l = D for l = 0 and D_l = dirs H above (dirs = 2 if bidirectional, else 1:
    it reads both directions' states). Each direction of each layer has G blocks (G = GATE_COUNT[cell]),
    each W_x (D_l, H), W_h (H, H) and ``biases`` bias vectors (H,): G H (D_l + H + biases). torch keeps
    two bias vectors (bias_ih, bias_hh; biases=2); the book's RNN and LSTM one (b_h, b_*; biases=1).
    The output layer reads [->h_t, <-h_t]: dirs H K + K.
    """
    check_choice(cell, "cell", list(GATE_COUNT))
    D, H, layers = check_positive_int(D, "D"), check_positive_int(H, "H"), check_positive_int(layers, "layers")
    if not isinstance(bidirectional, (bool, np.bool_)):
        raise ValueError(f"bidirectional must be True or False, got {bidirectional!r}")
    biases = check_positive_int(biases, "biases", 0)
    K = None if K is None else check_positive_int(K, "K")
    dirs = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        D_l = D if layer == 0 else dirs * H
        total += dirs * GATE_COUNT[cell] * H * (D_l + H + biases)
    return total + (0 if K is None else dirs * H * K + K)


def hidden_for_budget(budget: int, cell: str, D: int, layers: int = 1, bidirectional: bool = False,
                      K: int | None = None, biases: int = 2) -> int:
    """The hidden size H (per direction) whose :func:`recurrent_parameter_count` is closest to ``budget``
    (the smaller H on a tie): how to give differently shaped networks the same number of parameters."""
    budget = check_positive_int(budget, "budget")
    count = lambda H: recurrent_parameter_count(cell, D, H, layers, bidirectional, K, biases)
    H = 1
    while count(H + 1) <= budget:
        H += 1
    return H if budget - count(H) <= count(H + 1) - budget else H + 1


@dataclass(frozen=True, eq=False)
class BidirectionalTrace:
    """forward: the trace of the left-to-right pass (its time t is position t); backward: the trace of
    the right-to-left pass over the reversed input (its time s is position T-1-s); h (T, N, 2H): the
    states [->h_t, <-h_t] at each position t."""
    forward: object
    backward: object
    h: np.ndarray


def _cell(params, name):
    check_instance(params, name, Params)
    if params.K is not None:
        raise ValueError(f"{name} must be a recurrent layer without output layer (W_hy, b_y None), "
                         f"got one with K = {params.K}")
    return params


def bidirectional_forward(fwd, bwd, x) -> BidirectionalTrace:
    """One bidirectional layer over x (T, N, D): ``fwd`` reads x_0 .. x_{T-1}, ``bwd`` reads
    x_{T-1} .. x_0, both from zero states; h_t = [->h_t, <-h_t] (T, N, 2H)."""
    fwd, bwd = _cell(fwd, "fwd"), _cell(bwd, "bwd")
    if type(fwd) is not type(bwd) or (fwd.D, fwd.H) != (bwd.D, bwd.H):
        raise ValueError(f"fwd and bwd must be the same kind of cell with the same D and H, got "
                         f"{type(fwd).__name__} (D={fwd.D}, H={fwd.H}) and {type(bwd).__name__} "
                         f"(D={bwd.D}, H={bwd.H})")
    x = as_real_array(x, "x", 3, "(T, N, D)")
    right = forward(fwd, x)                                   # ->h_t for t = 0 .. T-1
    left = forward(bwd, x[::-1])                              # <-h for positions T-1 .. 0
    h = np.concatenate([right.h, left.h[::-1]], axis=-1)      # (T, N, 2H): both, at position t
    return BidirectionalTrace(forward=right, backward=left, h=h)


def stacked_forward(layers, x) -> list:
    """Run stacked layers over x (T, N, D); returns every layer's states, [h^(1), ..., h^(L)].

    layers: a list; each entry is one cell's parameters (a left-to-right layer, h^(l) (T, N, H)) or a
    pair (fwd, bwd) (a bidirectional layer, h^(l) (T, N, 2H)). Layer l's input size D must be the
    size of layer l - 1's states.
    """
    if not isinstance(layers, (list, tuple)) or len(layers) == 0:
        raise ValueError(f"layers must be a non-empty list of params or (fwd, bwd) pairs, got {layers!r}")
    x = as_real_array(x, "x", 3, "(T, N, D)")
    states = []
    for l, layer in enumerate(layers):
        if isinstance(layer, (list, tuple)):
            if len(layer) != 2:
                raise ValueError(f"layers[{l}] must be params or a pair (fwd, bwd), got {len(layer)} items")
            D = _cell(layer[0], f"layers[{l}][0]").D
        else:
            D = _cell(layer, f"layers[{l}]").D
        if D != x.shape[-1]:
            raise ValueError(f"layers[{l}] must read inputs of size {x.shape[-1]} (the states below it), "
                             f"got a cell with D = {D}")
        x = bidirectional_forward(*layer, x).h if isinstance(layer, (list, tuple)) else forward(layer, x).h
        states.append(x)
    return states
