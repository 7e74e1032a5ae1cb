"""numerical_gradient (central and forward), relative_error and gradient_check_errors (the V of II.3)."""
import dataclasses

import numpy as np
import pytest

from lstmlib.core.bptt import gradient_check_errors, numerical_gradient, relative_error
from lstmlib.core.losses import softmax_cross_entropy
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward


def _case():
    rng = np.random.default_rng(0)
    p = RNNParams.init(3, 4, 3, rng=rng)
    x, t = rng.normal(size=(4, 2, 3)), rng.integers(0, 3, (4, 2))
    loss = lambda q: softmax_cross_entropy(rnn_forward(q, x).y, t)[0]
    tr = rnn_forward(p, x)
    return p, loss, rnn_backward(p, tr, dy=softmax_cross_entropy(tr.y, t)[1]).dparams


def test_v_shape_slopes_and_bottom():
    p, loss, g = _case()
    eps = 10.0 ** np.arange(-13, 0)
    for kind, slope in (("central", 2), ("forward", 1)):
        e = np.log10(gradient_check_errors(loss, p, g, eps, kind))
        assert abs(np.polyfit(np.log10(eps[-3:]), e[-3:], 1)[0] - slope) < 0.3
        assert abs(np.polyfit(np.log10(eps[:3]), e[:3], 1)[0] + 1) < 0.3
    assert gradient_check_errors(loss, p, g, [1e-5])[0] < 1e-9


def test_a_wrong_gradient_is_caught():
    p, loss, g = _case()
    wrong = dataclasses.replace(g, W_hh=g.W_hh.T)                      # a missing transpose
    assert gradient_check_errors(loss, p, wrong, [1e-5])[0] > 1e-3


def test_forward_difference_of_a_quadratic_is_off_by_eps():
    p = RNNParams.init(1, 1, rng=np.random.default_rng(1))
    loss = lambda q: float((q.to_vector() ** 2).sum())               # gradient 2 theta, L'' = 2
    fwd = numerical_gradient(loss, p, 1e-3, kind="forward").to_vector()
    cen = numerical_gradient(loss, p, 1e-3).to_vector()
    assert np.allclose(fwd - 2 * p.to_vector(), 1e-3, atol=1e-9)
    assert np.allclose(cen, 2 * p.to_vector(), atol=1e-9)


def test_relative_error_and_bad_input():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0]), np.array([-1.0, 0])) == 1.0
    p, loss, g = _case()
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="kind"):
        numerical_gradient(loss, p, kind="backward")
    with pytest.raises(ValueError, match="eps"):
        gradient_check_errors(loss, p, g, [0.0])
