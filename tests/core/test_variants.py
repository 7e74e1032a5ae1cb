"""LSTM variants (peephole, coupled, no forget gate): equations, finite differences, truncation."""
import numpy as np
import pytest

from lstmlib.core.bptt import numerical_gradient
from lstmlib.core.lstm import LSTMParams, lstm_backward, lstm_forward
from lstmlib.core.base import sigmoid
from lstmlib.core.variants import (CoupledLSTMParams, NoForgetLSTMParams, PeepholeLSTMParams,
                                   variant_backward, variant_forward)

KINDS = [PeepholeLSTMParams, CoupledLSTMParams, NoForgetLSTMParams]


def setup(P, T=5, N=2, D=2, H=3, K=2, seed=0):
    rng = np.random.default_rng(seed)
    p = P.init(D, H, K, rng=rng)
    return (p, rng.normal(size=(T, N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
            rng.normal(size=(T, N, H)), rng.normal(size=(T, N, K)))


def objective(p, x, h0, c0, dh, dy):
    tr = variant_forward(p, x, h0, c0)
    return float((tr.h * dh).sum() + (tr.y * dy).sum())


@pytest.mark.parametrize("shape", [(1, 1), (5, 2)])
@pytest.mark.parametrize("P", KINDS)
def test_gradients_by_finite_differences(P, shape):
    p, x, h0, c0, dh, dy = setup(P, *shape)
    g = variant_backward(p, variant_forward(p, x, h0, c0), dh=dh, dy=dy)
    fd = numerical_gradient(lambda q: objective(q, x, h0, c0, dh, dy), p)
    assert np.allclose(g.dparams.to_vector(), fd.to_vector(), rtol=1e-6, atol=1e-8)
    eps = 1e-6
    for name, arr in (("dh0", h0), ("dc0", c0)):
        j = (0, 1 % arr.shape[1])
        up, down = arr.copy(), arr.copy()
        up[j] += eps
        down[j] -= eps
        args = (up, c0) if name == "dh0" else (h0, up)
        args_down = (down, c0) if name == "dh0" else (h0, down)
        num = (objective(p, x, *args, dh, dy) - objective(p, x, *args_down, dh, dy)) / (2 * eps)
        assert np.isclose(getattr(g, name)[j], num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("P", KINDS)
def test_truncated_equals_finite_differences_of_truncated_objective(P):
    """Truncated BPTT (k=2) = sum over chunks of the gradient of the chunk's objective with its
    initial (h, c) held constant."""
    p, x, h0, c0, dh, dy = setup(P, T=6, seed=1)
    tr = variant_forward(p, x, h0, c0)
    g = variant_backward(p, tr, dh=dh, dy=dy, k=2)
    total = 0
    for s in range(0, 6, 2):
        hs, cs = (h0, c0) if s == 0 else (tr.h[s - 1], tr.c[s - 1])
        sl = slice(s, s + 2)
        total = total + numerical_gradient(lambda q: objective(q, x[sl], hs, cs, dh[sl], dy[sl]), p).to_vector()
    assert np.allclose(g.dparams.to_vector(), total, rtol=1e-6, atol=1e-8)


def test_peephole_equations_and_zero_peepholes_equal_lstm():
    p, x, h0, c0, dh, dy = setup(PeepholeLSTMParams, seed=2)
    tr = variant_forward(p, x, h0, c0)
    t = 1
    pre = lambda q: x[t] @ getattr(p, f"W_x{q}") + tr.h[t - 1] @ getattr(p, f"W_h{q}") + getattr(p, f"b_{q}")
    assert np.allclose(tr.f[t], sigmoid(pre("f") + p.p_f * tr.c[t - 1]))
    assert np.allclose(tr.i[t], sigmoid(pre("i") + p.p_i * tr.c[t - 1]))
    assert np.allclose(tr.o[t], sigmoid(pre("o") + p.p_o * tr.c[t]))
    d = {n: v for n, v in p.to_dict().items() if not n.startswith("p_")}
    zero = PeepholeLSTMParams(**d, p_f=np.zeros(3), p_i=np.zeros(3), p_o=np.zeros(3))
    ref_p = LSTMParams(**d)
    a, b = variant_forward(zero, x, h0, c0), lstm_forward(ref_p, x, h0, c0)
    assert np.allclose(a.h, b.h, rtol=1e-13, atol=1e-14)
    ga, gb = variant_backward(zero, a, dh=dh, dy=dy), lstm_backward(ref_p, b, dh=dh, dy=dy)
    for n in ref_p.names():
        assert np.allclose(getattr(ga.dparams, n), getattr(gb.dparams, n), rtol=1e-12, atol=1e-13)


def test_coupled_and_no_forget_equations():
    p, x, h0, c0, *_ = setup(CoupledLSTMParams, seed=3)
    tr = variant_forward(p, x, h0, c0)
    assert np.allclose(tr.i, 1 - tr.f) and tr.a_i is None
    assert not hasattr(p, "W_xi")
    q, x, h0, c0, *_ = setup(NoForgetLSTMParams, seed=4)
    tr = variant_forward(q, x, h0, c0)
    assert np.all(tr.f == 1) and tr.a_f is None
    assert np.allclose(tr.c[1:], tr.c[:-1] + tr.i[1:] * tr.g[1:])   # c_t = c_{t-1} + i_t g_t
    assert np.allclose(tr.h, tr.o * np.tanh(tr.c))


def test_variant_params_names():
    assert PeepholeLSTMParams.init(2, 3, rng=np.random.default_rng(0)).names()[-3:] == ["p_f", "p_i", "p_o"]
    assert "W_xi" not in CoupledLSTMParams.shapes(2, 3) and "W_xf" not in NoForgetLSTMParams.shapes(2, 3)


def test_variants_are_the_lstms_fields_for_their_gates():
    lstm = LSTMParams.shapes(2, 3, 4)
    gate_of = lambda name: name[-1]                                   # W_xf, W_hf, b_f -> f   # noqa: E731
    assert PeepholeLSTMParams.shapes(2, 3) == {**LSTMParams.shapes(2, 3), "p_f": (3,), "p_i": (3,), "p_o": (3,)}
    assert CoupledLSTMParams.shapes(2, 3, 4) == {n: s for n, s in lstm.items() if gate_of(n) != "i"}
    assert NoForgetLSTMParams.shapes(2, 3, 4) == {n: s for n, s in lstm.items() if gate_of(n) != "f"}
    assert [P.gates for P in KINDS] == [("f", "i", "g", "o"), ("f", "g", "o"), ("i", "g", "o")]
    for P in KINDS:
        p = P.init(2, 3, 4, rng=np.random.default_rng(0))
        assert (p.D, p.H, p.K) == (2, 3, 4) and not isinstance(p, LSTMParams)


def test_variants_share_the_lstm_backward():
    """With every variant term switched off, a variant's gradients are the LSTM's, bit for bit."""
    p, x, h0, c0, dh, dy = setup(PeepholeLSTMParams, seed=5)
    d = {n: v for n, v in p.to_dict().items() if not n.startswith("p_")}
    zero = PeepholeLSTMParams(**d, p_f=np.zeros(3), p_i=np.zeros(3), p_o=np.zeros(3))
    ref = LSTMParams(**d)
    tr = variant_forward(zero, x, h0, c0)
    ga, gb = variant_backward(zero, tr, dh=dh, dy=dy, k=2), lstm_backward(ref, tr, dh=dh, dy=dy, k=2)
    for n in ref.names():
        assert np.array_equal(getattr(ga.dparams, n), getattr(gb.dparams, n)), n
    assert np.array_equal(ga.dx, gb.dx) and np.array_equal(ga.dc0, gb.dc0)
