"""GRU: parity with torch.nn.GRU (float64), incl. truncated BPTT, and the docstring equations."""
import numpy as np
import pytest

from lstmlib.core.gru import GRUParams, gru_backward, gru_forward
from lstmlib.core.base import sigmoid

from parity import SHAPES, assert_torch_parity, random_problem


def setup(T, N, D, H, K, seed):
    return random_problem(GRUParams, T, N, D, H, K, seed, n_states=1)


@pytest.mark.parametrize("k", [None, 1, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_with_torch(shape, k, torch_bridge):
    p, x, h0, dh, dy = setup(*shape, seed=sum(shape))
    assert_torch_parity(torch_bridge, p, gru_forward, gru_backward, x, [h0], dh, dy, k)


def test_docstring_equations():
    p, x, h0, _, _ = setup(4, 3, 2, 5, 2, seed=2)
    tr = gru_forward(p, x, h0)
    t, hp = 2, tr.h[1]
    r = sigmoid(x[t] @ p.W_xr + hp @ p.W_hr + p.b_r)
    z = sigmoid(x[t] @ p.W_xz + hp @ p.W_hz + p.b_z)
    a_hn = hp @ p.W_hn + p.b_hn
    n = np.tanh(x[t] @ p.W_xn + p.b_xn + r * a_hn)
    assert np.allclose(tr.r[t], r) and np.allclose(tr.z[t], z) and np.allclose(tr.a_hn[t], a_hn)
    assert np.allclose(tr.n[t], n) and np.allclose(tr.h[t], (1 - z) * n + z * hp)
    assert np.allclose(tr.y, tr.h @ p.W_hy + p.b_y)


def test_torch_bias_mapping(torch, torch_bridge):
    """b_r = b_ir + b_hr, b_z = b_iz + b_hz, b_xn = b_in, b_hn = b_hn."""
    torch.manual_seed(0)
    m = torch.nn.GRU(3, 4).double()
    p = torch_bridge.from_torch(m)
    b_ih, b_hh = m.bias_ih_l0.detach().numpy(), m.bias_hh_l0.detach().numpy()
    assert np.allclose(p.b_r, b_ih[:4] + b_hh[:4]) and np.allclose(p.b_z, b_ih[4:8] + b_hh[4:8])
    assert np.array_equal(p.b_xn, b_ih[8:]) and np.array_equal(p.b_hn, b_hh[8:])
    x = np.random.default_rng(0).normal(size=(5, 2, 3))
    assert np.allclose(gru_forward(p, x).h, m(torch.tensor(x))[0].detach().numpy(), rtol=1e-13, atol=1e-15)
