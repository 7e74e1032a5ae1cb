"""Exercises of Part III, chapters 1-4 (vanishing gradients and the LSTM cell).
Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from lstmlib.exercises import exercise
from lstmlib.core.bptt import last_step_gradient_norms
from lstmlib.core.lstm import LSTMParams, lstm_forward, lstm_step_backward
from lstmlib.core.rnn import RNNParams


def _stuck_forget_cell(b_f: float) -> LSTMParams:
    """A scalar LSTM whose forget gate is sigma(b_f) at every step (nothing feeds it) and whose
    input gate is shut (sigma(-50) ~ 2e-22), so the cell only carries c_{t-1} forward."""
    weights = {n: np.zeros(shape) for n, shape in LSTMParams.shapes(1, 1).items()}
    weights.update(b_f=np.array([b_f]), b_i=np.array([-50.0]))
    return LSTMParams(**weights)


def _cell_path_gains(b_f: float, steps: int) -> np.ndarray:
    """dc_{T-n} / dc_T for n = 0..steps along the cell path alone (no gradient into h_t), by
    lstm_step_backward through ``steps`` steps of a cell whose forget gate is sigma(b_f)."""
    cell = _stuck_forget_cell(b_f)
    tr = lstm_forward(cell, np.zeros((steps, 1, 1)), c0=np.ones((1, 1)))
    dc, zero, gains = np.ones((1, 1)), np.zeros((1, 1)), [1.0]
    for t in reversed(range(steps)):
        _, _, dc, _ = lstm_step_backward(cell, zero, dc, tr.step(t), tr.x[t], tr.h_prev[t], tr.c_prev[t])
        gains.append(float(dc[0, 0]))
    return np.array(gains)


def _cell_carry(b_f: float, steps: int) -> float:
    """c_{steps-1} / c_{-1}: the fraction of the initial cell state left after ``steps`` steps of
    lstm_forward through a cell whose forget gate is sigma(b_f) and whose input gate is shut."""
    tr = lstm_forward(_stuck_forget_cell(b_f), np.zeros((steps, 1, 1)), c0=np.ones((1, 1)))
    return float(tr.c[-1, 0, 0])


# ---------------------------------------------------------------- chapter 1
@exercise("p3a-survive-20", "The gradient k steps back is w_rec**k times the gradient at step t.", rtol=1e-4)
def _survive_20():
    scalar = RNNParams(W_xh=[[1.0]], W_hh=[[0.9]], b_h=[0.0], activation="linear")
    return float(last_step_gradient_norms(scalar, np.ones((21, 1, 1)))[0])


@exercise("p3a-half-life", "Solve 0.5**n < 1e-6: n > log(1e-6) / log(0.5), then round up.")
def _half_life():
    gains = _cell_path_gains(0.0, 60)                     # f = sigma(0) = 0.5
    return int(np.argmax(gains < 1e-6))


@exercise("p3a-clip-factor", "Clipping to max_norm scales every entry by min(1, max_norm / ||g||).", rtol=1e-4)
def _clip_factor():
    from lstmlib.core.bptt import backward, clip_by_global_norm, forward, global_norm
    from lstmlib.core.losses import squared_error
    from lstmlib.lectures.remedies import rnn_params
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 16, 1))
    y = np.cumsum(x, axis=0) / np.sqrt(np.arange(1, 41))[:, None, None]
    p = rnn_params(8, 1.1, rng=np.random.default_rng(1), K=1, activation="linear")
    tr = forward(p, x)
    g = backward(p, tr, dy=squared_error(tr.y, y)[1]).dparams
    clipped, norm = clip_by_global_norm(g, 1.0)
    return global_norm(clipped) / norm


# ---------------------------------------------------------------- chapter 2
@exercise("p3a-forget-099", "With f_t = 0.99 at every step, delta c is multiplied by 0.99 per step.", rtol=1e-6)
def _forget_099():
    return float(_cell_path_gains(np.log(0.99 / 0.01), 100)[-1])     # sigma(log(99)) = 0.99


@exercise("p3a-cs615-shape", "[x, h] has D + H entries; W_f maps them to H gate values.")
def _cs615_shape():
    from lstmlib.lectures.scalar_lstm import cs615_weights
    return list(cs615_weights(LSTMParams.init(10, 20, rng=np.random.default_rng(0)))["W_f"].shape)


@exercise("p3a-lstm-size", "Four gates, each with W_x* (D, H), W_h* (H, H) and b_* (H,).")
def _lstm_size():
    return LSTMParams.init(10, 20, rng=np.random.default_rng(0)).size


# ---------------------------------------------------------------- chapter 3
@exercise("p3a-step-c0", "At t = 0 the previous cell state is 0, so c_0 = i_0 * g_0: only the input gate and the candidate matter. Compute their pre-activations from the hand-set weights with h_{-1} = 0.", atol=5e-4)
def _step_c0():
    from lstmlib.lectures.scalar_lstm import scalar_lstm, unrolled
    return float(unrolled(scalar_lstm(), [1.0]).c[0, 0, 0])


@exercise("p3a-step-h2", "Step the hand-set cell through 1, 0, 0 and read h at t = 2.", atol=5e-4)
def _step_h2():
    from lstmlib.lectures.scalar_lstm import scalar_lstm, unrolled
    return float(unrolled(scalar_lstm(), [1.0, 0.0, 0.0]).h[2, 0, 0])


@exercise("p3a-forget-open", "Look at f_0 ... f_3 in the widget (sequence 1, 0, 0, 0, hand-set cell).")
def _forget_open():
    from lstmlib.lectures.scalar_lstm import scalar_lstm, unrolled
    return bool(np.all(unrolled(scalar_lstm(), [1.0, 0.0, 0.0, 0.0]).f > 0.5))


# ---------------------------------------------------------------- chapter 4
@exercise("p3a-params-scalar", "Four gates with three numbers each (W_x*, W_h*, b_*), plus W_hy and b_y.")
def _params_scalar():
    return LSTMParams.init(1, 1, 1, rng=np.random.default_rng(0)).size


@exercise("p3a-params-h2", "Per gate: D*H + H*H + H; output layer: H*K + K.")
def _params_h2():
    return LSTMParams.init(1, 2, 1, rng=np.random.default_rng(0)).size


@exercise("p3a-dbf", "b_f receives, summed over the steps, dc_t * c_{t-1} * f_t * (1 - f_t). Run the chapter's forward pass, its squared-error loss and the backward pass, and read the gradient of b_f.",
          rtol=1e-4)
def _dbf():
    from lstmlib.core.losses import squared_error
    from lstmlib.core.lstm import lstm_backward, lstm_forward
    from lstmlib.lectures.scalar_lstm import scalar_lstm
    from lstmlib.data import traffic_lecture
    p = scalar_lstm(W_hy=1.0, b_y=0.0)
    v = traffic_lecture()[1] / 1000
    x, y = v[:3, None, None], v[1:4, None, None]
    tr = lstm_forward(p, x)
    return float(lstm_backward(p, tr, dy=squared_error(tr.y, y)[1]).dparams.b_f[0])
