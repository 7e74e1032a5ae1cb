"""Exercises of Part III, chapters 1-4 (vanishing gradients and the LSTM cell).
Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from . import exercise
from ..bptt import last_step_gradient_norms
from ..lstm import LSTMParams
from ..rnn import RNNParams, sigmoid


# ---------------------------------------------------------------- chapter 1
@exercise("p3a-survive-20", "The gradient k steps back is w_rec**k times the gradient at step t.", rtol=1e-4)
def _survive_20():
    scalar = RNNParams(W_xh=[[1.0]], W_hh=[[0.9]], b_h=[0.0], activation="linear")
    return float(last_step_gradient_norms(scalar, np.ones((21, 1, 1)))[0])


@exercise("p3a-half-life", "Solve 0.5**n < 1e-6: n > log(1e-6) / log(0.5), then round up.")
def _half_life():
    n = 0
    while float(sigmoid(0.0)) ** n >= 1e-6:
        n += 1
    return n


@exercise("p3a-clip-factor", "Clipping to max_norm scales every entry by min(1, max_norm / ||g||).", rtol=1e-4)
def _clip_factor():
    from ..bptt import backward, clip_by_global_norm, forward, global_norm, squared_error
    from ..remedies import rnn_params
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
    return 0.99 ** 100


@exercise("p3a-cs615-shape", "[x, h] has D + H entries; W_f maps them to H gate values.")
def _cs615_shape():
    from ..lstm_widget import cs615_weights
    return list(cs615_weights(LSTMParams.init(10, 20, rng=np.random.default_rng(0)))["W_f"].shape)


@exercise("p3a-lstm-size", "Four gates, each with W_x* (D, H), W_h* (H, H) and b_* (H,).")
def _lstm_size():
    return LSTMParams.init(10, 20, rng=np.random.default_rng(0)).size


# ---------------------------------------------------------------- chapter 3
@exercise("p3a-step-c0", "c_0 = f_0 * 0 + i_0 * g_0; run lstm_widget.unrolled(scalar_lstm(), [1.0]).", atol=5e-4)
def _step_c0():
    from ..lstm_widget import scalar_lstm, unrolled
    return float(unrolled(scalar_lstm(), [1.0]).c[0, 0, 0])


@exercise("p3a-step-h2", "Step the hand-set cell through 1, 0, 0 and read h at t = 2.", atol=5e-4)
def _step_h2():
    from ..lstm_widget import scalar_lstm, unrolled
    return float(unrolled(scalar_lstm(), [1.0, 0.0, 0.0]).h[2, 0, 0])


@exercise("p3a-forget-open", "Look at f_0 ... f_3 in the widget (sequence 1, 0, 0, 0, hand-set cell).")
def _forget_open():
    from ..lstm_widget import scalar_lstm, unrolled
    return bool(np.all(unrolled(scalar_lstm(), [1.0, 0.0, 0.0, 0.0]).f > 0.5))


# ---------------------------------------------------------------- chapter 4
@exercise("p3a-params-scalar", "Four gates with three numbers each (W_x*, W_h*, b_*), plus W_hy and b_y.")
def _params_scalar():
    return LSTMParams.init(1, 1, 1, rng=np.random.default_rng(0)).size


@exercise("p3a-params-h2", "Per gate: D*H + H*H + H; output layer: H*K + K.")
def _params_h2():
    return LSTMParams.init(1, 2, 1, rng=np.random.default_rng(0)).size


@exercise("p3a-dbf", "Run lstm_forward on the example, squared_error, lstm_backward(dy=...); read dparams.b_f.",
          rtol=1e-4)
def _dbf():
    from ..bptt import squared_error
    from ..lstm import lstm_backward, lstm_forward
    from ..lstm_widget import scalar_lstm
    from ..data import traffic_lecture
    p = scalar_lstm(W_hy=1.0, b_y=0.0)
    v = traffic_lecture()[1] / 1000
    x, y = v[:3, None, None], v[1:4, None, None]
    tr = lstm_forward(p, x)
    return float(lstm_backward(p, tr, dy=squared_error(tr.y, y)[1]).dparams.b_f[0])
