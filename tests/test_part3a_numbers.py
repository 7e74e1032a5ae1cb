"""The numbers of Part III, chapters 1-4, and the errata they support (book/appendix/_errata-part3a.md)."""
import numpy as np
import pytest

from lstmlib.lectures import remedies as R
from lstmlib.core.bptt import backward, forward, global_norm, last_step_gradient_norms, numerical_gradient
from lstmlib.core.losses import squared_error
from lstmlib.data import traffic_lecture
from lstmlib.lectures.vanishing import gradient_norm_curve
from lstmlib.core.lstm import LSTMParams, lstm_backward, lstm_forward, lstm_step_backward
from lstmlib.lectures.scalar_lstm import SINGH_NAMES, SINGH_TRAINING_PARAMETERS, scalar_lstm
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward


def test_singh_sum_upper_limit_is_t():
    """Erratum: dL_t/dbeta = sum over k = 0..t (not 0..T) of products of Jacobians."""
    p = R.rnn_params(3, 0.9, rng=np.random.default_rng(3), D=2)
    x = np.random.default_rng(4).standard_normal((6, 2, 2))
    dh_t = np.random.default_rng(5).standard_normal((2, 3))
    dh = np.zeros((6, 2, 3))
    dh[3] = dh_t
    bptt = rnn_backward(p, rnn_forward(p, x), dh=dh).dparams.b_h
    np.testing.assert_allclose(R.bias_gradient_by_jacobians(p, x, 3, dh_t), bptt, rtol=1e-12)
    for upper in (4, 5):
        assert not np.allclose(R.bias_gradient_by_jacobians(p, x, 3, dh_t, upper=upper), bptt)
    # and the sum is what finite differences give
    def loss(q):
        return float((rnn_forward(q, x).h[3] * dh_t).sum())
    np.testing.assert_allclose(numerical_gradient(loss, p).b_h, bptt, rtol=1e-6)


def test_singh_parameter_count():
    """Erratum: the slide lists 17 parameters; the LSTM with its output layer has 14."""
    assert len(SINGH_TRAINING_PARAMETERS) == 17 and len(set(SINGH_TRAINING_PARAMETERS)) == 17
    model = scalar_lstm(W_hy=1.0, b_y=0.0)
    assert model.size == 14
    assert sorted(SINGH_NAMES[n] for n in SINGH_TRAINING_PARAMETERS if n in SINGH_NAMES) == sorted(model.names())
    assert [n for n in SINGH_TRAINING_PARAMETERS if n not in SINGH_NAMES] == ["W_h1", "W_1", "beta_1"]


def test_w_rec_table():
    for w in (0.5, 0.9, 1.0, 1.1, 1.5):
        p = RNNParams(W_xh=[[1.0]], W_hh=[[w]], b_h=[0.0], activation="linear")
        g = last_step_gradient_norms(p, np.ones((101, 1, 1)))
        np.testing.assert_allclose(g[[90, 50, 0]], [w ** 10, w ** 50, w ** 100], rtol=1e-12)
        if w == 0.9:
            assert round(1 / g[0], -3) == 38000.0          # the table: 100 steps shrink 38,000-fold
        if w == 1.1:
            assert round(g[0], -3) == 14000.0              # and grow 14,000-fold


def test_rule_of_thumb_is_exact_only_for_linear():
    """Erratum (vague rule): a tanh RNN with spectral norm 1.25 still vanishes over 49 steps,
    and an LSTM with b_f = 0 vanishes too."""
    assert gradient_norm_curve("RNN", 1.25, 50, "linear")[0] == pytest.approx(1.25 ** 49)
    assert gradient_norm_curve("RNN", 1.25, 50, "tanh")[0] < 1e-3
    assert gradient_norm_curve("LSTM", 0.9, 50, forget_bias=0.0)[0] < 1e-8
    assert gradient_norm_curve("LSTM", 0.9, 50, forget_bias=3.0)[0] > 0.1


def test_constant_error_carousel_is_exactly_one():
    cell = scalar_lstm(b_f=40.0, W_xf=0.0, W_hf=0.0)
    tr = lstm_forward(cell, np.random.default_rng(0).uniform(-1, 1, (100, 1, 1)))
    assert np.all(tr.f == 1.0)
    dc, zero = np.array([[1.0]]), np.zeros((1, 1))
    for t in reversed(range(100)):
        step = {q: getattr(tr, q)[t] for q in ("f", "i", "g", "o", "tanh_c")}
        _, _, dc, _ = lstm_step_backward(cell, zero, dc, step, tr.x[t], tr.h_prev[t], tr.c_prev[t])
    assert dc[0, 0] == 1.0


def test_chapter1_remedy_numbers():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 16, 1))
    y = np.cumsum(x, axis=0) / np.sqrt(np.arange(1, 41))[:, None, None]
    p = R.rnn_params(8, 1.1, rng=np.random.default_rng(1), K=1, activation="linear")
    tr = forward(p, x)
    dy = squared_error(tr.y, y)[1]
    norms = [global_norm(backward(p, tr, dy=dy, k=k).dparams) for k in (None, 10, 5, 2)]
    np.testing.assert_allclose(norms, [29056.68, 8570.19, 5843.55, 5489.66], rtol=1e-6)
    identity = R.rnn_params(16, 1.0, rng=np.random.default_rng(0), init="identity")
    x50 = np.random.default_rng(2).standard_normal((50, 1, 1))
    assert last_step_gradient_norms(identity, x50)[0] == pytest.approx(0.4533, abs=1e-4)
    default = RNNParams.init(1, 16, rng=np.random.default_rng(0))
    assert last_step_gradient_norms(default, x50)[0] < 1e-12


def test_scalar_lstm_example_gradients_match_torch():
    from lstmlib.torchside.bridge import torch_gradients
    model = scalar_lstm(W_hy=1.0, b_y=0.0)
    v = traffic_lecture()[1] / 1000
    x, y = v[:3, None, None], v[1:4, None, None]
    tr = lstm_forward(model, x)
    loss, dy = squared_error(tr.y, y)
    assert loss == pytest.approx(0.05647, abs=5e-6)
    ours = lstm_backward(model, tr, dy=dy).dparams
    theirs = torch_gradients(model, x, dy=dy)["dparams"]
    for n in model.names():
        np.testing.assert_allclose(getattr(ours, n), getattr(theirs, n), rtol=1e-10, atol=1e-14)
    assert ours.b_f[0] == pytest.approx(-0.006711, abs=1e-6)


def test_training_the_scalar_lstm_lowers_the_loss():
    model = scalar_lstm(W_hy=1.0, b_y=0.0)
    v = traffic_lecture()[1] / 1000
    rows = np.arange(5)[None, :] + np.arange(3)[:, None]
    run = R.sgd_train(model, v[rows][..., None], v[rows + 1][..., None], lr=0.3, steps=2000)
    assert run.ok and run.losses[0] == pytest.approx(0.08653, abs=5e-6)
    assert run.losses[-1] == pytest.approx(0.007164, abs=5e-6)


def test_echo_state_network_beats_naive_forecasts():
    from lstmlib.data import wwwusage
    d = np.diff(wwwusage())
    mu, sd = d[:70].mean(), d[:70].std()
    z = (d - mu) / sd
    esn = R.esn_init(1, 50, rng=np.random.default_rng(0), rho=0.9, input_scale=0.5)
    S = R.esn_states(esn, z[:-1, None])
    Y = z[1:, None]
    esn = R.esn_fit(esn, S[10:68], Y[10:68], ridge=1.0)
    pred = R.esn_predict(esn, S)
    rmse = lambda a, b: float(np.sqrt(np.mean((a - b) ** 2)) * sd)
    assert rmse(pred[68:], Y[68:]) == pytest.approx(2.79, abs=0.005)
    assert rmse(pred[68:], Y[68:]) < rmse(z[:-1, None][68:], Y[68:]) < rmse(np.full((30, 1), -mu / sd), Y[68:])


def test_cs615_stacked_gradient_is_the_two_blocks():
    """dL/dW_f = sum_t [x_t, h_{t-1}]^T da_f: the stacked gradient is dW_xf on top of dW_hf."""
    from lstmlib.lectures.scalar_lstm import cs615_weights
    rng = np.random.default_rng(0)
    p = LSTMParams.init(2, 3, rng=rng)
    x = rng.standard_normal((4, 2, 2))
    tr = lstm_forward(p, x)
    g = lstm_backward(p, tr, dh=np.ones_like(tr.h)).dparams
    stacked = cs615_weights(g)["W_f"]
    np.testing.assert_array_equal(stacked, np.vstack([g.W_xf, g.W_hf]))
