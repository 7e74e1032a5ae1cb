"""Exercises of Part IV (beyond the basic LSTM). Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from lstmlib.exercises import exercise


@exercise("p4-tokens", "text_models.tokenize lower-cases, keeps \"doesn't\" as one word and splits off the full stop.")
def _tokens():
    from lstmlib.torchside.text import tokenize
    return len(tokenize("It doesn't feel like one."))


@exercise("p4-sentiment-params", "Embedding V E, LSTM 4 H (E + H) weights + 8 H biases (torch keeps two per gate), "
          "output H K + K.")
def _sentiment_params():
    from lstmlib.torchside.cnn import count_parameters
    from lstmlib.torchside.text import SentimentModel
    return count_parameters(SentimentModel(V=5000, E=32, H=32))


@exercise("p4-gru-params", "Three blocks W_x* (D, H) and W_h* (H, H), and four bias vectors b_r, b_z, b_xn, b_hn.")
def _gru_params():
    from lstmlib.core.gru import GRUParams
    return GRUParams.init(10, 20, rng=np.random.default_rng(0)).size


@exercise("p4-coupled-saving", "A coupled LSTM drops the input gate's W_xi (D, H), W_hi (H, H) and b_i (H,).")
def _coupled_saving():
    from lstmlib.core.lstm import LSTMParams
    from lstmlib.core.variants import CoupledLSTMParams
    rng = np.random.default_rng(0)
    return LSTMParams.init(10, 20, rng=rng).size - CoupledLSTMParams.init(10, 20, rng=rng).size


@exercise("p4-gru-copy", "With z_t = 1 the update h_t = (1 - z_t) n_t + z_t h_{t-1} copies the old state.")
def _gru_copy():
    import dataclasses
    from lstmlib.core.gru import GRUParams, gru_forward
    p = GRUParams.init(3, 2, rng=np.random.default_rng(0))
    saturated = dataclasses.replace(p, b_z=np.full(2, 50.0))          # z_t = sigma(50 + ...) = 1
    x = np.random.default_rng(1).standard_normal((1, 1, 3))           # any input
    return gru_forward(saturated, x, h0=np.array([[0.5, -0.25]])).h[0, 0]


@exercise("p4-bracket-depth", "Count ( and [ as +1, ) and ] as -1, left to right, and read the count after the "
          "last character.")
def _bracket_depth():
    from lstmlib.torchside.text import code_features
    return float(code_features("f(g(x)[0]")["bracket_depth"][-1])


@exercise("p4-perplexity-bits", "Perplexity is e^H with H in nats; bits are nats / ln 2, so the bits are log2 of the "
          "perplexity.", rtol=1e-4)
def _perplexity_bits():
    return float(np.log(4.5) / np.log(2))


@exercise("p4-in-string", "The opening quote and the characters up to (not including) the closing quote count.")
def _in_string():
    from lstmlib.torchside.text import code_features
    return float(code_features('print("hi", x)')["in_string"].sum())


@exercise("p4-grid-corner", "The top-left output pixel of a 4 x 4 grid sits at (x, y) = (-0.75, -0.75); "
          "apply theta = [R(90) | 0]: (x, y) -> (-y, x).")
def _grid_corner():
    from lstmlib.torchside.captioning import affine_grid, affine_theta
    return affine_grid(affine_theta(90, 1.0)[None], 4, 4)[0, 0, 0]


@exercise("p4-bilinear", "The centre of a 2 x 2 image is equally far from its four pixels: each weighs 1/4.")
def _bilinear():
    from lstmlib.torchside.captioning import grid_sample
    return float(grid_sample(np.array([[[[0.0, 1.0], [2.0, 3.0]]]]), np.zeros((1, 1, 1, 2)))[0, 0, 0, 0])


@exercise("p4-beam-candidates", "Each of the width unfinished hypotheses grows by every one of the K target tokens.")
def _beam_candidates():
    from lstmlib.data.seq2seq import seq2seq_vocabs
    from lstmlib.torchside.seq2seq import beam_search
    scored = []

    def step(tokens, state):                                         # a uniform model that counts its work
        scored.append(len(tokens) * len(seq2seq_vocabs()[1]))
        return np.log(np.full((len(tokens), len(seq2seq_vocabs()[1])), 1 / len(seq2seq_vocabs()[1]))), state

    beam_search(step, (np.zeros(1),), start=1, end=12, width=3, max_len=2)   # ties: tokens 0, 1, 2 kept
    return scored[-1]                                                # the second round: 3 beams alive


@exercise("p4-greedy-logprob", "Greedy takes a (0.6), then the likeliest continuation, <end> (0.4): add the logs.")
def _greedy_logprob():
    from lstmlib.torchside.seq2seq import beam_search, table_step
    table = {(): [0.0, 0.6, 0.4], (1,): [0.4, 0.3, 0.3], (2,): [0.9, 0.05, 0.05]}
    table |= {(x, y): [1.0, 0.0, 0.0] for x in (1, 2) for y in (1, 2)}
    step, state = table_step(table, start=3)
    return beam_search(step, state, 3, 0, 1, 3)[0][0]
