"""Exercises of Part II (recurrent networks). Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from . import exercise
from .. import rnn_lectures as rl
from ..data import counting_example, dinner_schedule
from ..rnn import rnn_forward


@exercise("part2-video-outputs", "Frame-level video classification is many-to-many: one label per frame.")
def _video_outputs():
    return 240


@exercise("part2-shared-params", "The same W_xh (D, H), W_hh (H, H), b_h (H,) are used at every step; T does not matter.")
def _shared_params():
    D, H = 10, 20
    return D * H + H * H + H


@exercise("part2-h1-input2", "With h_0 = 0, h_1 = x_1 W_xh: a one-hot x_1 picks one row of W_xh (U).")
def _h1_input2():
    ce = counting_example()
    return rnn_forward(rl.counting_params(ce), np.array([[[0.0, 1.0, 0.0]], [[0.0, 0.0, 0.0]]])).h[0, 0]


@exercise("part2-yhat2-no-input", "With x_2 = 0, h_2 = h_1 W_hh and yhat_2 = h_2 W_hy; use rnn_forward on the counting params.")
def _yhat2():
    ce = counting_example()
    return rnn_forward(rl.counting_params(ce), ce.x).y[1, 0]


@exercise("part2-dJdU", "Use rl.counting_gradients(rl.counting_params())['U']: the path from J(2) back to x(1) counts too.")
def _dJdU():
    return rl.counting_gradients(rl.counting_params())["U"]


@exercise("part2-right-iterations", "rl.train_counting(rule='right').iterations")
def _right_iterations():
    return rl.train_counting(rule="right").iterations


@exercise("part2-dinner-day10", "The cycle has length 3: day d's dinner is DINNERS[d % 3] from pizza on day 0.")
def _dinner_day10():
    return dinner_schedule(11)[10]


@exercise("part2-washout-linear", "For a linear RNN with W_hh = s I, dh_t/dx_0 = W_xh^T s^t: the norm shrinks by s per step.")
def _washout_linear():
    return 0.5 ** 10


@exercise("part2-charrnn-params", "W_xh (K, H) + W_hh (H, H) + b_h (H,) + W_hy (H, K) + b_y (K,).")
def _charrnn_params():
    K, H = 65, 100
    return K * H + H * H + H + H * K + K


@exercise("part2-temperature", "softmax(y / T) with y = [2, 1, 0] and T = 0.5 means softmax([4, 2, 0]).", rtol=1e-4)
def _temperature():
    z = np.array([2.0, 1.0, 0.0]) / 0.5
    e = np.exp(z - z.max())
    return e[0] / e.sum()


@exercise("part2-spectral-radius", "np.max(np.abs(np.linalg.eigvals(W))) for the counting example's W.", rtol=1e-6)
def _spectral_radius():
    return float(np.max(np.abs(np.linalg.eigvals(counting_example().W_hh))))


@exercise("part2-steps-to-vanish", "Find the smallest t with 0.9**t < 0.01 (np.log(0.01) / np.log(0.9), rounded up).")
def _steps_to_vanish():
    return int(np.ceil(np.log(0.01) / np.log(0.9)))
