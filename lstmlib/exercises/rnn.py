"""Exercises of Part II (recurrent networks). Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from lstmlib.exercises import exercise
from lstmlib.lectures import rnn_examples as rl
from lstmlib.core.bptt import last_step_gradient_norms
from lstmlib.core.losses import softmax
from lstmlib.data import counting_example, dinner_schedule
from lstmlib.core.rnn import RNNParams, rnn_forward


@exercise("part2-video-outputs", "Frame-level video classification is many-to-many: one label per frame.")
def _video_outputs():
    # many-to-many, aligned: rnn_forward gives one output y_t per input step (here per frame)
    p = RNNParams.init(1, 2, 1, rng=np.random.default_rng(0))
    return rnn_forward(p, np.zeros((240, 1, 1))).y.shape[0]


@exercise("part2-shared-params", "The same W_xh (D, H), W_hh (H, H), b_h (H,) are used at every step; T does not matter.")
def _shared_params():
    return RNNParams.init(10, 20, rng=np.random.default_rng(0)).size


@exercise("part2-h1-input2", "With h_0 = 0, h_1 = x_1 W_xh: a one-hot x_1 picks one row of W_xh (U).")
def _h1_input2():
    ce = counting_example()
    return rnn_forward(rl.counting_params(ce), np.array([[[0.0, 1.0, 0.0]], [[0.0, 0.0, 0.0]]])).h[0, 0]


@exercise("part2-yhat2-no-input", "With x_2 = 0, h_2 = h_1 W_hh and yhat_2 = h_2 W_hy; use rnn_forward on the counting params.")
def _yhat2():
    ce = counting_example()
    return rnn_forward(rl.counting_params(ce), ce.x).y[1, 0]


@exercise("part2-dJdU", "U is used at both steps: besides the direct paths from x(t) to J(t), the path from J(2) back through h(2) and W to h(1) and x(1) adds a term.")
def _dJdU():
    return rl.counting_gradients(rl.counting_params())["U"]


@exercise("part2-right-iterations", "Train the counting example with the corrected stopping rule of the chapter and count the updates until it stops.")
def _right_iterations():
    return rl.train_counting(rule="right").iterations


@exercise("part2-dinner-day10", "The cycle has length 3: day d's dinner is DINNERS[d % 3] from pizza on day 0.")
def _dinner_day10():
    return dinner_schedule(11)[10]


@exercise("part2-washout-linear", "For a linear RNN with W_hh = s I, dh_t/dx_0 = W_xh^T s^t: the norm shrinks by s per step.",
          also=lambda ratio: [1.0 / ratio])
def _washout_linear():
    p = RNNParams(W_xh=np.ones((1, 3)), W_hh=0.5 * np.eye(3), b_h=np.zeros(3), activation="linear")
    influence = rl.input_influence(p, np.zeros((11, 1, 1)))      # ||dh_t/dx_0||, t = 0..10
    return influence[10] / influence[0]


@exercise("part2-charrnn-params", "W_xh (K, H) + W_hh (H, H) + b_h (H,) + W_hy (H, K) + b_y (K,).")
def _charrnn_params():
    from lstmlib.lectures.charrnn import init_char_rnn
    return init_char_rnn(65, 100, rng=np.random.default_rng(0)).size


@exercise("part2-temperature", "softmax(y / T) with y = [2, 1, 0] and T = 0.5 means softmax([4, 2, 0]).", rtol=1e-4)
def _temperature():
    return float(softmax(np.array([2.0, 1.0, 0.0]) / 0.5)[0])     # charrnn.sample draws from softmax(y / T)


@exercise("part2-spectral-radius", "The spectral radius is the largest absolute value among the eigenvalues of W (a complex eigenvalue counts by its modulus).", rtol=1e-6)
def _spectral_radius():
    return float(np.max(np.abs(np.linalg.eigvals(counting_example().W_hh))))


@exercise("part2-steps-to-vanish", "0.9^t < 0.01 means t > log(0.01) / log(0.9): take the first integer past that bound.")
def _steps_to_vanish():
    scalar = RNNParams(W_xh=[[1.0]], W_hh=[[0.9]], b_h=[0.0], activation="linear")
    back = last_step_gradient_norms(scalar, np.ones((100, 1, 1)))[::-1]   # back[t]: t steps before the end
    return int(np.argmax(back < 0.01))
