"""BPTT helpers: losses, clipping, truncation, gradient norms, Jacobians."""
import numpy as np
import pytest

from lstmlib.core import bptt
from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import LSTMParams
from lstmlib.core.rnn import RNNParams
from lstmlib.core.variants import CoupledLSTMParams
from lstmlib.core import losses

rng0 = np.random.default_rng


def test_softmax_cross_entropy_matches_torch(torch):
    rng = rng0(0)
    y, t = rng.normal(size=(4, 3, 5)) * 3, rng.integers(0, 5, (4, 3))
    loss, dy = losses.softmax_cross_entropy(y, t)
    yt = torch.tensor(y, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(yt.reshape(-1, 5), torch.tensor(t).reshape(-1), reduction="sum") / 3
    ref.backward()
    assert np.isclose(loss, ref.item(), rtol=1e-13) and np.allclose(dy, yt.grad.numpy(), rtol=1e-12, atol=1e-15)
    p = losses.softmax(y)
    onehot = np.eye(5)[t]
    assert np.allclose(dy, (p - onehot) / 3)                 # dy = (softmax(y) - onehot) / N
    assert np.allclose(losses.softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])


def test_squared_error_and_last_step():
    rng = rng0(1)
    y, t = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    loss, dy = losses.squared_error(y, t)
    assert np.isclose(loss, 0.5 * ((y - t) ** 2).sum() / 3) and np.allclose(dy, (y - t) / 3)
    loss1, dy1 = losses.last_step_loss(y, t[-1], kind="squared")
    assert np.isclose(loss1, 0.5 * ((y[-1] - t[-1]) ** 2).sum() / 3)
    assert np.all(dy1[:-1] == 0) and np.allclose(dy1[-1], (y[-1] - t[-1]) / 3)
    c = rng.integers(0, 2, 3)
    loss2, dy2 = losses.last_step_loss(y, c)
    assert np.isclose(loss2, losses.softmax_cross_entropy(y[-1:], c[None])[0]) and np.all(dy2[:-1] == 0)


def test_clipping():
    p = RNNParams.init(2, 3, 2, rng=rng0(2))
    g = p.from_vector(np.linspace(-10, 10, p.size))
    c = bptt.clip_by_value(g)                                # np.clip to [-5, 5]
    assert np.array_equal(c.to_vector(), np.clip(g.to_vector(), -5, 5))
    norm = np.linalg.norm(g.to_vector())
    assert np.isclose(bptt.global_norm(g), norm)
    c2, n2 = bptt.clip_by_global_norm(g, 1.0)
    assert np.isclose(n2, norm) and np.isclose(bptt.global_norm(c2), 1.0)
    assert np.allclose(c2.to_vector(), g.to_vector() / norm)  # scale min(1, max_norm / ||g||)
    c3, _ = bptt.clip_by_global_norm(g, 2 * norm)
    assert np.array_equal(c3.to_vector(), g.to_vector())


def test_truncation_cuts():
    assert bptt.truncation_cuts(7, 3).tolist() == [False, False, False, True, False, False, True]
    assert not bptt.truncation_cuts(4, None).any()


def test_truncated_equals_torch_detach():
    """k=1 means no recurrent gradient at all: dW_hh only sees the direct h_{t-1}^T da_t terms."""
    rng = rng0(3)
    p = RNNParams.init(2, 3, rng=rng)
    x, dh = rng.normal(size=(5, 2, 2)), rng.normal(size=(5, 2, 3))
    tr = bptt.forward(p, x)
    g = bptt.backward(p, tr, dh=dh, k=1)
    da = dh * (1 - tr.h ** 2)
    assert np.allclose(g.dparams.W_hh, np.einsum("tni,tnj->ij", tr.h_prev, da))
    assert np.allclose(g.dh[1:], dh[1:]) and np.allclose(g.dh0, da[0] @ p.W_hh.T)


@pytest.mark.parametrize("P", [RNNParams, LSTMParams, GRUParams])
def test_jacobians_by_finite_differences(P):
    rng = rng0(4)
    p = P.init(2, 4, rng=rng)
    x, h0 = rng.normal(size=(3, 2, 2)), rng.normal(size=(2, 4))
    c0 = rng.normal(size=(2, 4)) if P is LSTMParams else None
    tr = bptt.forward(p, x, h0, c0)
    J = bptt.jacobians(p, tr)
    assert J.shape == (3, 2, 4, 4)
    t, eps = 2, 1e-6
    cprev = tr.c[t - 1] if P is LSTMParams else None       # LSTM: c_{t-1} held fixed
    for j in range(4):
        e = np.zeros((2, 4))
        e[:, j] = eps
        up = bptt.forward(p, x[t:t + 1], tr.h[t - 1] + e, cprev).h[0]
        down = bptt.forward(p, x[t:t + 1], tr.h[t - 1] - e, cprev).h[0]
        assert np.allclose(J[t, :, :, j], (up - down) / (2 * eps), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_rnn_jacobian_chain_rule(activation):
    """delta h_{t-1} = direct_{t-1} + delta h_t @ J[t] and J = diag(phi'(a_t)) W_hh^T."""
    rng = rng0(5)
    p = RNNParams.init(3, 5, rng=rng, activation=activation)
    x, dh = rng.normal(size=(6, 2, 3)), rng.normal(size=(6, 2, 5))
    tr = bptt.forward(p, x)
    J = bptt.jacobians(p, tr)
    g = bptt.backward(p, tr, dh=dh)
    for t in range(1, 6):
        assert np.allclose(g.dh[t - 1], dh[t - 1] + np.einsum("ni,nij->nj", g.dh[t], J[t]))
    d = 1 - tr.h[2, 0] ** 2 if activation == "tanh" else np.ones(5)
    assert np.allclose(J[2, 0], np.diag(d) @ p.W_hh.T)
    s = bptt.spectral_norms(J)
    assert s.shape == (6, 2) and np.allclose(s, np.linalg.norm(J, 2, axis=(-2, -1)))


def test_gradient_norms_and_last_step():
    rng = rng0(6)
    p = LSTMParams.init(3, 4, rng=rng)
    x = rng.normal(size=(7, 2, 3))
    norms = bptt.last_step_gradient_norms(p, x)
    assert norms.shape == (7,) and np.isclose(norms[-1], 1.0)
    dh = np.zeros((7, 2, 4))
    dh[-1] = 1 / np.sqrt(8)
    g = bptt.backward(p, bptt.forward(p, x), dh=dh)
    assert np.allclose(norms, np.linalg.norm(g.dh.reshape(7, -1), axis=1))
    assert np.allclose(bptt.gradient_norms(g), norms)
    v = rng.normal(size=(2, 4))
    assert np.isclose(bptt.last_step_gradient_norms(p, x, dh_last=v)[-1], np.linalg.norm(v))
    q = CoupledLSTMParams.init(3, 4, rng=rng)
    assert bptt.last_step_gradient_norms(q, x).shape == (7,)


def test_vanishing_in_small_linear_rnn():
    """Linear RNN with W_hh = 0.5 I: ||dL/dh_k|| = 0.5^(T-1-k) exactly."""
    H = 3
    p = RNNParams(W_xh=np.ones((1, H)), W_hh=0.5 * np.eye(H), b_h=np.zeros(H), activation="linear")
    norms = bptt.last_step_gradient_norms(p, np.ones((6, 1, 1)))
    assert np.allclose(norms, 0.5 ** np.arange(5, -1, -1))


def test_numerical_gradient_of_quadratic():
    p = RNNParams.init(1, 2, rng=rng0(8))
    g = bptt.numerical_gradient(lambda q: float((q.to_vector() ** 2).sum()), p)
    assert np.allclose(g.to_vector(), 2 * p.to_vector())


@pytest.mark.parametrize("P", [RNNParams, LSTMParams, GRUParams, CoupledLSTMParams])
def test_backward_leaves_its_inputs_alone(P):
    rng = rng0(9)
    p = P.init(2, 3, 2, rng=rng)
    x, dh, dy = rng.normal(size=(4, 2, 2)), rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 2, 2))
    tr = bptt.forward(p, x)
    before = (dh.copy(), dy.copy(), p.to_vector(), tr.h.copy())
    bptt.backward(p, tr, dh=dh)
    bptt.backward(p, tr, dh=dh, dy=dy, k=2)
    for a, b in zip(before, (dh, dy, p.to_vector(), tr.h)):
        assert np.array_equal(a, b)
