"""Vanilla RNN: parity with torch.nn.RNN (float64), step-loop version, linear RNN, params helpers."""
import dataclasses
import pickle

import numpy as np
import pytest

from lstmlib.core.bptt import numerical_gradient
from lstmlib.core.losses import squared_error
from lstmlib.core.rnn import RNNParams, RNNStep, rnn_backward, rnn_forward, rnn_step, rnn_step_backward
from lstmlib.core.base import sigmoid

from parity import SHAPES, assert_torch_parity, random_problem, rel


def setup(T, N, D, H, K, seed):
    return random_problem(RNNParams, T, N, D, H, K, seed, n_states=1)


@pytest.mark.parametrize("k", [None, 1, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_with_torch(shape, k, torch_bridge):
    p, x, h0, dh, dy = setup(*shape, seed=sum(shape))
    assert_torch_parity(torch_bridge, p, rnn_forward, rnn_backward, x, [h0], dh, dy, k)


def test_sigmoid_is_logistic():
    a = np.linspace(-40, 40, 81)
    assert np.allclose(sigmoid(a), 1 / (1 + np.exp(-a)), rtol=1e-14, atol=0)
    assert sigmoid(np.array(-1000.0)) == 0.0 and sigmoid(np.array(1000.0)) == 1.0
    # the LSTM's fast path uses sigma(a) = tanh(a/2)/2 + 1/2 (exact up to rounding)
    assert np.allclose(0.5 * np.tanh(0.5 * a) + 0.5, sigmoid(a), rtol=0, atol=3e-16)


def test_equations_by_hand():
    p, x, h0, _, _ = setup(3, 2, 2, 3, 2, seed=1)
    tr = rnn_forward(p, x, h0)
    a1 = x[1] @ p.W_xh + tr.h[0] @ p.W_hh + p.b_h          # a_t = x_t W_xh + h_{t-1} W_hh + b_h
    assert np.allclose(tr.a[1], a1) and np.allclose(tr.h[1], np.tanh(a1))
    assert np.allclose(tr.y, tr.h @ p.W_hy + p.b_y)
    assert np.array_equal(tr.h_prev[0], h0) and np.array_equal(tr.h_prev[1:], tr.h[:-1])


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_vectorised_equals_step_loop(activation):
    rng = np.random.default_rng(3)
    p = RNNParams.init(3, 4, rng=rng, activation=activation)
    x, h0, dh = rng.normal(size=(6, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(6, 2, 4))
    tr = rnn_forward(p, x, h0)
    hs, prev = [], h0
    for t in range(6):
        prev = rnn_step(p, x[t], prev).h
        hs.append(prev)
    assert np.allclose(np.stack(hs), tr.h, rtol=1e-13, atol=1e-14)
    g = rnn_backward(p, tr, dh=dh)
    acc = {n: 0 for n in p.names()}
    dnext = np.zeros((2, 4))
    for t in reversed(range(6)):
        _, dnext, step = rnn_step_backward(p, dh[t] + dnext, x[t], tr.h_prev[t], tr.h[t])
        acc = {n: acc[n] + step[n] for n in acc}
    for n in p.names():
        assert np.allclose(acc[n], getattr(g.dparams, n), rtol=1e-12, atol=1e-13)
    assert np.allclose(dnext, g.dh0, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_step_backward_matches_finite_differences(activation):
    """rnn_step_backward on its own: every gradient of L = sum(dh * h_t) against central differences of rnn_step."""
    rng = np.random.default_rng(6)
    p = RNNParams.init(3, 4, rng=rng, activation=activation)
    x, h_prev, dh = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    h = rnn_step(p, x, h_prev).h
    dx, dh_prev, grads = rnn_step_backward(p, dh, x, h_prev, h)
    loss = lambda q, xx, hp: float((rnn_step(q, xx, hp).h * dh).sum())    # noqa: E731
    num = numerical_gradient(lambda q: loss(q, x, h_prev), p)
    for n in p.names():
        np.testing.assert_allclose(grads[n], getattr(num, n), rtol=1e-6, atol=1e-9)
    eps = 1e-6
    for arr, d in ((x, dx), (h_prev, dh_prev)):
        fd = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            up, down = arr.copy(), arr.copy()
            up[idx] += eps
            down[idx] -= eps
            args = ((up, h_prev), (down, h_prev)) if arr is x else ((x, up), (x, down))
            fd[idx] = (loss(p, *args[0]) - loss(p, *args[1])) / (2 * eps)
        np.testing.assert_allclose(d, fd, rtol=1e-6, atol=1e-9)


def test_linear_rnn_counts_ones():
    """CS 615 counting example: W_xh = W_hh = W_hy = 1, biases 0, identity output -> y_t = sum of x so far."""
    one = np.ones((1, 1))
    p = RNNParams(W_xh=one, W_hh=one, b_h=np.zeros(1), W_hy=one, b_y=np.zeros(1), activation="linear")
    x = np.array([1, 0, 1, 1, 0, 1], float).reshape(6, 1, 1)
    assert np.array_equal(rnn_forward(p, x).y[:, 0, 0], np.cumsum(x[:, 0, 0]))


@pytest.mark.parametrize("k", [None, 2])
def test_linear_rnn_gradients_by_finite_differences(k):
    rng = np.random.default_rng(4)
    p = RNNParams.init(2, 3, 2, rng=rng, activation="linear")
    x, target = rng.normal(size=(5, 2, 2)), rng.normal(size=(5, 2, 2))
    g = rnn_backward(p, rnn_forward(p, x), dy=squared_error(rnn_forward(p, x).y, target)[1], k=k)
    if k is None:
        fd = numerical_gradient(lambda q: squared_error(rnn_forward(q, x).y, target)[0], p)
        assert rel(g.dparams.to_vector(), fd.to_vector()) < 1e-8
    else:  # truncated with k=2 ignores the paths across cuts: differs from the full gradient
        full = rnn_backward(p, rnn_forward(p, x), dy=squared_error(rnn_forward(p, x).y, target)[1])
        assert not np.allclose(g.dparams.W_hh, full.dparams.W_hh)
        assert np.allclose(g.dparams.W_hy, full.dparams.W_hy)  # the output layer has no recurrence


def test_params_dict_and_vector_roundtrip():
    p, *_ = setup(2, 2, 3, 4, 5, seed=5)
    assert p.names() == ["W_xh", "W_hh", "b_h", "W_hy", "b_y"]
    v = p.to_vector()
    assert v.shape == (p.size,) == (3 * 4 + 16 + 4 + 20 + 5,)
    q = p.from_vector(v)
    assert all(np.array_equal(getattr(p, n), getattr(q, n)) for n in p.names())
    r = RNNParams.from_dict(p.to_dict())
    assert np.array_equal(r.to_vector(), v) and (r.D, r.H, r.K) == (3, 4, 5)
    with pytest.raises(Exception):
        p.W_xh = None  # frozen
    assert RNNParams.init(3, 4, rng=np.random.default_rng(0)).K is None
    assert p.astype(np.float32).dtype == np.float32


def test_init_is_reproducible_and_in_range():
    a = RNNParams.init(3, 16, 2, rng=np.random.default_rng(7))
    b = RNNParams.init(3, 16, 2, rng=np.random.default_rng(7))
    assert np.array_equal(a.to_vector(), b.to_vector())
    assert np.abs(a.to_vector()).max() <= 1 / 4


def test_rnn_step_returns_a_named_step():
    p = RNNParams.init(2, 3, rng=np.random.default_rng(8))
    x, h_prev = np.ones((4, 2)), np.zeros((4, 3))
    s = rnn_step(p, x, h_prev)
    assert isinstance(s, RNNStep) and s.keys() == ["a", "h"]
    assert np.array_equal(s.h, np.tanh(s.a)) and np.array_equal(s.a, x @ p.W_xh + p.b_h)
    tr = rnn_forward(p, x[None], h_prev)
    assert np.array_equal(s.a, tr.a[0]) and np.array_equal(s.h, tr.h[0])


def test_sizes_and_shapes_come_from_the_field_declarations():
    p = RNNParams.init(2, 3, 4, rng=np.random.default_rng(9))
    assert (p.D, p.H, p.K) == (2, 3, 4) and RNNParams.axes()["W_hy"] == ("H", "K")
    assert RNNParams.shapes(2, 3) == {"W_xh": (2, 3), "W_hh": (3, 3), "b_h": (3,)}
    assert p.names() == ["W_xh", "W_hh", "b_h", "W_hy", "b_y"]
    assert dataclasses.replace(p, W_xh=np.zeros((5, 3))).D == 5
    with pytest.raises(ValueError, match=r"W_hh must have shape \(3, 3\) \(H, H\)"):
        dataclasses.replace(p, W_hh=np.zeros((3, 2)))
    q = pickle.loads(pickle.dumps(p.astype(np.float32)))
    assert (q.D, q.H, q.K, q.dtype) == (2, 3, 4, np.float32)
