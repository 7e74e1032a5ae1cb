"""LSTM: parity with torch.nn.LSTM (float64) incl. truncated BPTT, gate-by-gate step version, equations."""
import dataclasses

import numpy as np
import pytest

from lstmlib.core.lstm import (GATES, LSTMFamilyParams, LSTMParams, LSTMStep, LSTMTrace, lstm_backward, lstm_forward,
                               lstm_step, lstm_step_backward)
from lstmlib.core.base import sigmoid

from parity import SHAPES, assert_torch_parity, random_problem


def setup(T, N, D, H, K, seed):
    return random_problem(LSTMParams, T, N, D, H, K, seed, n_states=2)


@pytest.mark.parametrize("k", [None, 1, 4])
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_with_torch(shape, k, torch_bridge):
    p, x, h0, c0, dh, dy = setup(*shape, seed=sum(shape))
    assert_torch_parity(torch_bridge, p, lstm_forward, lstm_backward, x, [h0, c0], dh, dy, k)


def test_docstring_equations():
    p, x, h0, c0, _, _ = setup(4, 3, 2, 5, 2, seed=2)
    tr = lstm_forward(p, x, h0, c0)
    t = 2
    pre = {q: x[t] @ getattr(p, f"W_x{q}") + tr.h[t - 1] @ getattr(p, f"W_h{q}") + getattr(p, f"b_{q}")
           for q in "figo"}
    for q in "fio":
        assert np.allclose(getattr(tr, f"a_{q}")[t], pre[q]) and np.allclose(getattr(tr, q)[t], sigmoid(pre[q]))
    assert np.allclose(tr.g[t], np.tanh(pre["g"]))
    assert np.allclose(tr.c[t], tr.f[t] * tr.c[t - 1] + tr.i[t] * tr.g[t])
    assert np.allclose(tr.h[t], tr.o[t] * np.tanh(tr.c[t])) and np.allclose(tr.tanh_c, np.tanh(tr.c))
    assert np.allclose(tr.y, tr.h @ p.W_hy + p.b_y)
    assert np.array_equal(tr.c_prev[0], c0) and np.array_equal(tr.h_prev[0], h0)


def test_stacked_equals_step_by_step():
    """The fused forward/backward equal the readable gate-by-gate lstm_step / lstm_step_backward."""
    p, x, h0, c0, dh, _ = setup(6, 3, 4, 5, 2, seed=3)
    tr = lstm_forward(p, x, h0, c0)
    steps, hp, cp = [], h0, c0
    for t in range(6):
        s = lstm_step(p, x[t], hp, cp)
        steps.append(s)
        hp, cp = s.h, s.c
        for n in ("a_f", "a_i", "a_g", "a_o", "f", "i", "g", "o", "c", "tanh_c", "h"):
            assert np.allclose(getattr(s, n), getattr(tr, n)[t], rtol=1e-13, atol=1e-14), n
    g = lstm_backward(p, tr, dh=dh)
    acc = {n: 0 for n in p.names() if n not in ("W_hy", "b_y")}
    dhn, dcn = np.zeros((3, 5)), np.zeros((3, 5))
    dxs = []
    for t in reversed(range(6)):
        dx, dhn, dcn, grads = lstm_step_backward(p, dh[t] + dhn, dcn, steps[t], x[t], tr.h_prev[t], tr.c_prev[t])
        dxs.append(dx)
        acc = {n: acc[n] + grads[n] for n in acc}
    for n in acc:
        assert np.allclose(acc[n], getattr(g.dparams, n), rtol=1e-12, atol=1e-13), n
    assert np.allclose(np.stack(dxs[::-1]), g.dx) and np.allclose(dhn, g.dh0) and np.allclose(dcn, g.dc0)


def test_float32_runs_in_float32():
    p, x, h0, c0, dh, _ = setup(5, 2, 3, 4, 2, seed=4)
    p32 = p.astype(np.float32)
    tr = lstm_forward(p32, x.astype(np.float32))
    assert tr.h.dtype == np.float32
    g = lstm_backward(p32, tr, dh=dh.astype(np.float32))
    assert g.dx.dtype == np.float32 and g.dparams.dtype == np.float32
    assert np.allclose(tr.h, lstm_forward(p, x).h, atol=1e-5)


def test_zero_state_defaults():
    p, x, *_ = setup(3, 2, 2, 3, 2, seed=5)
    a, b = lstm_forward(p, x), lstm_forward(p, x, np.zeros((2, 3)), np.zeros((2, 3)))
    assert np.array_equal(a.h, b.h)


def test_lstm_step_returns_a_named_frozen_step():
    p, x, h0, c0, _, _ = setup(2, 3, 2, 4, 2, seed=6)
    s = lstm_step(p, x[0], h0, c0)
    assert isinstance(s, LSTMStep)
    assert set(s.keys()) == {"f", "i", "g", "o", "c", "h", "a_f", "a_i", "a_g", "a_o", "tanh_c"}
    assert set(s.keys()) < {f.name for f in dataclasses.fields(LSTMTrace)}    # named like the trace's fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.h = s.c
    assert dict(s)["h"] is s.h and s["c"] is s.c              # it reads as a mapping too
    with pytest.raises(KeyError):
        s["x"]
    dx, *_ = lstm_step_backward(p, h0, c0, s, x[0], h0, c0)
    dx_dict, *_ = lstm_step_backward(p, h0, c0, {n: s[n] for n in ("f", "i", "g", "o", "tanh_c")}, x[0], h0, c0)
    assert np.array_equal(dx, dx_dict)


def test_a_trace_gives_back_each_step_as_lstm_step_returned_it():
    p, x, h0, c0, _, _ = setup(3, 3, 2, 4, 2, seed=8)
    tr = lstm_forward(p, x, h0, c0)
    for t in range(3):
        s = lstm_step(p, x[t], tr.h_prev[t], tr.c_prev[t])
        got = tr.step(t)
        assert isinstance(got, LSTMStep) and got.keys() == s.keys()
        for n in s.keys():
            np.testing.assert_allclose(got[n], s[n], rtol=0, atol=1e-15)
    assert np.array_equal(tr.step(-1).h, tr.h[-1])
    for bad in (3, -4, 1.0, True, "0"):
        with pytest.raises(ValueError, match="t must be an integer step"):
            tr.step(bad)


def test_one_gate_order_and_fields_from_the_gates():
    assert GATES == ("f", "i", "g", "o") and LSTMParams.gates == GATES
    p, *_ = setup(2, 3, 2, 4, 2, seed=7)
    assert p.names() == [f"{w}{q}" for q in GATES for w in ("W_x", "W_h", "b_")] + ["W_hy", "b_y"]
    assert (p.D, p.H, p.K) == (2, 4, 2) and LSTMParams.shapes(2, 4)["W_hg"] == (4, 4)
    W_x, W_h, b = p.stacked()
    assert np.array_equal(W_x[:, 4:8], p.W_xi) and np.array_equal(W_h[:, 12:], p.W_ho)
    assert np.array_equal(b[8:12], p.b_g)


def test_lstm_family_gates_are_checked():
    with pytest.raises(ValueError, match="gates must be some of"):
        class Bad(LSTMFamilyParams, gates=("o", "g")):
            pass
    with pytest.raises(ValueError, match="gates must be some of"):
        class NoCandidate(LSTMFamilyParams, gates=("f", "i", "o")):
            pass
