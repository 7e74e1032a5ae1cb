"""Remedies: initialisations, the echo state network, SGD that reports explosions."""
import numpy as np
import pytest

from lstmlib.lectures import remedies as R
from lstmlib.core.bptt import last_step_gradient_norms


def test_spectral_radius_and_scaling():
    W = np.array([[0.0, 2.0], [0.5, 0.0]])                     # eigenvalues +1 and -1
    assert R.spectral_radius(W) == pytest.approx(1.0)
    assert R.spectral_radius(R.scale_to_spectral_radius(W, 0.7)) == pytest.approx(0.7)
    with pytest.raises(ValueError, match="square"):
        R.spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="spectral radius 0"):
        R.scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 0.5)
    with pytest.raises(ValueError, match="rho must be"):
        R.scale_to_spectral_radius(W, -1)


def test_orthogonal_and_identity():
    Q = R.orthogonal(8, rng=np.random.default_rng(0), gain=2.0)
    np.testing.assert_allclose(Q @ Q.T, 4 * np.eye(8), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 2.0)
    np.testing.assert_array_equal(R.identity(3, 0.5), 0.5 * np.eye(3))
    with pytest.raises(ValueError, match="H must be"):
        R.identity(0)


@pytest.mark.parametrize("init", ["orthogonal", "identity"])
def test_rnn_params_radius_equals_norm(init):
    p = R.rnn_params(6, 0.8, rng=np.random.default_rng(1), init=init)
    assert R.spectral_radius(p.W_hh) == pytest.approx(0.8)
    assert np.linalg.norm(p.W_hh, 2) == pytest.approx(0.8)


def test_gaussian_init_has_larger_norm_than_radius():
    p = R.rnn_params(16, 0.8, rng=np.random.default_rng(1), init="gaussian")
    assert R.spectral_radius(p.W_hh) == pytest.approx(0.8)
    assert np.linalg.norm(p.W_hh, 2) > 0.8


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.2])
def test_linear_rnn_norms_follow_rho_power_exactly(rho):
    T = 30
    p = R.rnn_params(16, rho, rng=np.random.default_rng(0), activation="linear")
    x = np.random.default_rng(1).standard_normal((T, 1, 1))
    norms = last_step_gradient_norms(p, x)
    np.testing.assert_allclose(norms, rho ** (T - 1.0 - np.arange(T)), rtol=1e-10)
    tanh = R.rnn_params(16, rho, rng=np.random.default_rng(0), activation="tanh")
    assert np.all(last_step_gradient_norms(tanh, x) <= norms * (1 + 1e-12))   # tanh' <= 1


def test_lstm_and_gru_params():
    p = R.lstm_params(4, 0.9, rng=np.random.default_rng(0), forget_bias=2.0, D=3)
    np.testing.assert_array_equal(p.b_f, 2.0)
    np.testing.assert_array_equal(p.b_i, 0.0)
    assert np.linalg.norm(p.W_hg, 2) == pytest.approx(0.9)
    g = R.gru_params(4, 1.1, rng=np.random.default_rng(0))
    assert np.linalg.norm(g.W_hn, 2) == pytest.approx(1.1)


def test_esn_states_readout_and_ridge_formula():
    rng = np.random.default_rng(0)
    esn = R.esn_init(1, 20, rng=rng, rho=0.9)
    assert esn.rho == pytest.approx(0.9)
    u = np.sin(np.arange(60) * 0.3)[:, None]
    S = R.esn_states(esn, u)
    s = np.zeros(20)                                            # the loop, written out
    for t in range(3):
        s = np.tanh(u[t] @ esn.W_in + s @ esn.W_res)
    np.testing.assert_allclose(S[2], s)
    Y = np.roll(u, -1, axis=0)
    fit = R.esn_fit(esn, S, Y, ridge=0.1)
    A = np.hstack([np.ones((60, 1)), S])                        # ridge = least squares on an augmented system
    W_ref = np.linalg.lstsq(np.vstack([A, np.sqrt(0.1) * np.eye(21)]), np.vstack([Y, np.zeros((21, 1))]),
                            rcond=None)[0]
    np.testing.assert_allclose(fit.W_out, W_ref, atol=1e-10)
    np.testing.assert_allclose(R.esn_predict(fit, S), A @ W_ref, atol=1e-10)


def test_esn_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="rho must be < 1"):
        R.esn_init(1, 5, rng=rng, rho=1.2)
    esn = R.esn_init(1, 20, rng=rng)
    with pytest.raises(ValueError, match="no readout"):
        R.esn_predict(esn, np.zeros((3, 20)))
    with pytest.raises(ValueError, match="u must have shape"):
        R.esn_states(esn, np.zeros((3, 2)))


def _task():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 16, 1))
    return x, np.cumsum(x, 0) / np.sqrt(np.arange(1, 41))[:, None, None]


def test_sgd_explodes_without_clipping_and_reports_it():
    x, y = _task()
    p = R.rnn_params(8, 1.1, rng=np.random.default_rng(1), K=1, activation="linear")
    res = R.sgd_train(p, x, y, lr=0.01, steps=50)
    assert not res.ok and "training stopped" in res.message
    assert np.all(np.isfinite(res.losses)) and np.all(np.isfinite(res.params.to_vector()))
    clipped = R.sgd_train(p, x, y, lr=0.01, steps=50, clip=1.0)
    assert clipped.ok and clipped.losses[-1] < clipped.losses[0]


def test_sgd_truncated_and_errors():
    x, y = _task()
    p = R.rnn_params(8, 0.9, rng=np.random.default_rng(1), K=1)
    res = R.sgd_train(p, x, y, lr=0.005, steps=20, k=5)
    assert res.ok and res.losses[-1] < res.losses[0]
    with pytest.raises(ValueError, match="output layer"):
        R.sgd_train(R.rnn_params(4, 0.9, rng=np.random.default_rng(0)), x, y, lr=0.1, steps=1)
    for lr in (0, -0.1, np.nan, None):
        with pytest.raises(ValueError, match="lr must be a finite number"):
            R.sgd_train(p, x, y, lr=lr, steps=1)


def test_sgd_train_steps_with_optim_sgd_and_reports_overflowing_parameters():
    from lstmlib.core.bptt import backward, forward
    from lstmlib.core.losses import squared_error
    from lstmlib.core.optim import sgd_step
    x, y = _task()
    p = R.rnn_params(8, 0.9, rng=np.random.default_rng(1), K=1)
    res = R.sgd_train(p, x, y, lr=0.005, steps=1)
    trace = forward(p, x)
    grads = backward(p, trace, dy=squared_error(trace.y, y)[1]).dparams
    assert np.array_equal(res.params.to_vector(), sgd_step(p, grads, 0.005)[0].to_vector())
    huge = R.sgd_train(p, x, y, lr=1e308, steps=3)          # finite loss and gradient, overflowing step
    assert not huge.ok and huge.message == "training stopped: the parameters overflowed at update 0"
    assert huge.params is p and huge.losses.shape == (1,)


def test_jacobian_sum_equals_bptt_only_up_to_t():
    from lstmlib.core.rnn import rnn_backward, rnn_forward
    rng = np.random.default_rng(3)
    p = R.rnn_params(3, 0.9, rng=rng, D=2)
    x = rng.standard_normal((6, 2, 2))
    dh_t = rng.standard_normal((2, 3))
    dh = np.zeros((6, 2, 3))
    dh[3] = dh_t
    bptt = rnn_backward(p, rnn_forward(p, x), dh=dh).dparams.b_h
    np.testing.assert_allclose(R.bias_gradient_by_jacobians(p, x, 3, dh_t), bptt, rtol=1e-12)
    wrong = R.bias_gradient_by_jacobians(p, x, 3, dh_t, upper=5)
    assert not np.allclose(wrong, bptt)
    with pytest.raises(ValueError, match="t must be"):
        R.bias_gradient_by_jacobians(p, x, 6, dh_t)
