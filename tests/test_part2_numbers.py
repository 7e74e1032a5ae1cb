"""Part II's numbers: the CS 615 counting example (forward, BPTT, training), Singh's 3-step
sequence-to-vector BPTT, wash-out, against torch autograd (float64) and finite differences."""
import numpy as np
import pytest
import torch

from lstmlib.lectures import rnn_examples as rl
from lstmlib.core.bptt import numerical_gradient
from lstmlib.data import counting_example
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward

CE = counting_example()
P = rl.counting_params()


def torch_counting_grads(ce=CE):
    """dJ/dU, dJ/dV, dJ/dW of J = sum_t ||y_t - yhat_t||^2 by torch autograd (linear RNN, no biases)."""
    U, V, W = (torch.tensor(a, requires_grad=True) for a in (ce.W_xh, ce.W_hy, ce.W_hh))
    h, J = torch.zeros(1, 2, dtype=torch.float64), 0
    for t in range(2):
        h = h @ W + torch.tensor(ce.x[t]) @ U
        J = J + ((h @ V - torch.tensor(ce.targets[t])) ** 2).sum()
    J.backward()
    return {"U": U.grad.numpy(), "V": V.grad.numpy(), "W": W.grad.numpy()}


def test_forward_matches_the_slides_with_signs():
    tr = rnn_forward(P, CE.x, CE.h0)
    # the slides print 4 decimals, sometimes cut rather than rounded: agree to 1 in the last digit
    np.testing.assert_allclose(tr.h, CE.h, atol=1e-4)
    np.testing.assert_allclose(tr.y, CE.y, atol=1e-4)
    np.testing.assert_allclose(tr.h[1, 0], [-0.6530, -0.9250], atol=1e-4)        # both negative
    np.testing.assert_allclose(tr.y[1, 0], [-1.2588, -0.7102, -0.1182], atol=1e-4)  # all negative
    assert list(tr.y[:, 0].argmax(axis=1) + 1) == [1, 3]


def test_delta_o_and_dJdV():
    _, d = rl.counting_objective(P)
    np.testing.assert_allclose(d[0, 0], [1.3768, -1.1644, -0.5483], atol=1e-4)
    np.testing.assert_allclose(d[1, 0], [-2.5177, -1.4205, -2.2365], atol=1e-4)   # slide: -0.2363 in the 3rd entry
    g = rl.counting_gradients(P)
    np.testing.assert_allclose(g["V"], [[1.4286, 1.1098, 1.5461], [3.5940, 0.2438, 1.5646]], atol=2e-4)
    np.testing.assert_allclose(rl.slide_gradients(P)["V"], g["V"], rtol=1e-12)


def test_right_dJdW_and_dJdU_three_ways():
    g, t = rl.counting_gradients(P), torch_counting_grads()
    num = numerical_gradient(lambda q: rl.counting_objective(q)[0], P)
    for k, name in [("U", "W_xh"), ("V", "W_hy"), ("W", "W_hh")]:
        np.testing.assert_allclose(g[k], t[k], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g[k], getattr(num, name), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(g["W"], [[0.5248, 0.3812], [-3.0819, -2.2384]], atol=1e-4)
    np.testing.assert_allclose(g["U"], [[-1.7682, 5.1988], [0, 0], [0, 0]], atol=1e-4)


def test_slide_formula_reproduces_the_slides_wrong_values():
    s = rl.slide_gradients(P)
    np.testing.assert_allclose(s["W"], [[0.3203, -0.7019], [-1.8805, 4.1222]], atol=5e-4)
    np.testing.assert_allclose(s["U"], [[0.2785, 0.7130], [0, 0], [0, 0]], atol=1e-4)
    # the slide's dJ/dW is the right t = 2 term times an extra W^T
    tr = rnn_forward(P, CE.x, CE.h0)
    _, d = rl.counting_objective(P)
    np.testing.assert_allclose(s["W"], tr.h[0].T @ d[1] @ P.W_hy.T @ P.W_hh.T, rtol=1e-12)


def test_training_with_slide_formula_reproduces_the_slides_final_model():
    run = rl.train_counting(rule="slide")
    assert run.iterations == 55                                                   # slide: 56
    np.testing.assert_allclose(run.params.W_hy, [[0.0007, -0.9555, -0.4747], [-0.0001, 0.3239, -0.4533]], atol=1.5e-4)
    np.testing.assert_allclose(run.params.W_hh, [[0.2870, 0.4962], [-0.4082, -1.5386]], atol=1.5e-4)
    np.testing.assert_allclose(run.params.W_xh, [[-0.7724, 0.8089], [0.8315, 0.3115], [0.5844, -0.9286]], atol=1.5e-4)
    y = rnn_forward(run.params, CE.x).y[:, 0]
    np.testing.assert_allclose(y, [[-0.0007, 1.0001, -0.0001], [-0.0003, 0.0001, 0.9999]], atol=2e-4)
    assert {k: rl.train_counting(rule="slide", rmse=k).iterations for k in ("mean", "sum")} == {"mean": 52, "sum": 57}


def test_training_with_right_gradients():
    run = rl.train_counting(rule="right")
    assert run.iterations == 49
    y = rnn_forward(run.params, CE.x).y[:, 0]
    assert list(y.argmax(axis=1) + 1) == [2, 3]
    np.testing.assert_allclose(y, CE.targets[:, 0], atol=2e-3)
    np.testing.assert_allclose(run.params.W_xh[1:], CE.W_xh[1:])       # x_2 = 0: rows 2, 3 of U never move
    assert np.all(np.diff(run.rmse) < 0)


def test_seq_to_vector_terms_sum_to_bptt_and_torch():
    rng = np.random.default_rng(0)
    p = RNNParams.init(2, 3, 1, rng=rng)
    x = rng.normal(size=(3, 1, 2))
    g = rng.normal(size=(1, 3))
    terms = rl.seq_to_vector_bias_terms(p, x, g)
    tr = rnn_forward(p, x)
    dh = np.zeros((3, 1, 3)); dh[-1] = g
    np.testing.assert_allclose(terms.sum(0), rnn_backward(p, tr, dh=dh).dparams.b_h, rtol=1e-12)
    b = torch.tensor(p.b_h, requires_grad=True)
    h = torch.zeros(1, 3, dtype=torch.float64)
    for t in range(3):
        h = torch.tanh(torch.tensor(x[t]) @ torch.tensor(p.W_xh) + h @ torch.tensor(p.W_hh) + b)
        if t == 1:
            h.retain_grad()
    (h * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(terms.sum(0), b.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(terms[0], g[0] * (1 - tr.h[2, 0] ** 2), rtol=1e-12)      # direct path at the last step


def test_input_influence_matches_finite_differences():
    rng = np.random.default_rng(1)
    p = RNNParams.init(3, 4, rng=rng)
    x = rng.normal(size=(6, 1, 3))
    infl = rl.input_influence(p, x)
    eps = 1e-6
    for t in (0, 3, 5):
        J = np.empty((4, 3))
        for d in range(3):
            up, dn = x.copy(), x.copy()
            up[0, 0, d] += eps; dn[0, 0, d] -= eps
            J[:, d] = (rnn_forward(p, up).h[t, 0] - rnn_forward(p, dn).h[t, 0]) / (2 * eps)
        assert infl[t] == pytest.approx(np.linalg.norm(J), rel=1e-6)
    diff = rl.state_difference(p, x, np.concatenate([x[:1] + 1, x[1:]]))
    assert diff.shape == (6,) and diff[0] > 0


def test_bad_input():
    with pytest.raises(ValueError, match="rule must be one of"):
        rl.train_counting(rule="wrong")
    with pytest.raises(ValueError, match="lr must be a finite number"):
        rl.train_counting(lr=0)
    with pytest.raises(ValueError, match="diverged at iteration 8"):
        rl.train_counting(lr=0.4)
    with pytest.raises(ValueError, match="no convergence within max_iter=500"):
        rl.train_counting(lr=0.3, max_iter=500)
    with pytest.raises(ValueError, match="kind must be one of"):
        rl.counting_rmse(P, kind="max")
    with pytest.raises(ValueError, match="output layer"):
        rl.counting_gradients(RNNParams(W_xh=np.ones((3, 2)), W_hh=np.eye(2), b_h=np.zeros(2)))
    with pytest.raises(ValueError, match="x must have shape"):
        rl.input_influence(P, np.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match="x_other must have shape"):
        rl.state_difference(P, np.zeros((3, 1, 3)), np.zeros((2, 1, 3)))


def test_one_word_model_and_sentences():
    P = rl.one_word_model(np.array([0, 1, 0, 2, 0, 1]), 4)
    np.testing.assert_allclose(P[0], [0, 2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(P[3], [0.25] * 4)                    # never seen: uniform
    np.testing.assert_allclose(P.sum(axis=1), 1)
    s = rl.sample_one_word(P, 1, 20, rng=np.random.default_rng(0))
    assert all(P[a, b] > 0 for a, b in zip(s[:-1], s[1:]))
    assert rl.split_sentences(["a", "b", ".", "c", ".", "d"]) == [("a", "b", "."), ("c", ".")]
    with pytest.raises(ValueError, match="indices must be a 1-D integer array"):
        rl.one_word_model(np.array([0, 5]), 3)


def test_counting_W_norm_above_one_but_powers_shrink():
    from lstmlib.lectures.remedies import spectral_radius
    W = CE.W_hh
    assert np.linalg.norm(W, 2) == pytest.approx(1.2551, abs=1e-4)
    assert spectral_radius(W) == pytest.approx(0.6561, abs=1e-4)
    assert np.linalg.norm(np.linalg.matrix_power(W, 20), 2) < 1e-3


def test_slide_dJdV_is_one_unit_low_in_three_entries():
    """Errata: the slide's dJ/dV differs from the correctly rounded values at (0, 2), (1, 0), (1, 2),
    by one unit of the fourth decimal, and 3.5940 is the cut (not rounded) value."""
    g = rl.counting_gradients(P)["V"]
    slide = np.array([[1.4286, 1.1098, 1.5461], [3.5940, 0.2438, 1.5646]])
    diff = np.round(g, 4) - slide
    assert sorted(zip(*np.nonzero(np.abs(diff) > 5e-5))) == [(0, 2), (1, 0), (1, 2)]
    np.testing.assert_allclose(diff[np.abs(diff) > 5e-5], 1e-4, atol=1e-9)
    np.testing.assert_allclose(g[[0, 1, 1], [2, 0, 2]], [1.546230, 3.594056, 1.564731], atol=5e-7)
    assert np.trunc(g[1, 0] * 1e4) / 1e4 == pytest.approx(3.5940, abs=1e-12)
    assert np.trunc(g[0, 2] * 1e4) / 1e4 > slide[0, 2] and np.trunc(g[1, 2] * 1e4) / 1e4 > slide[1, 2]


@pytest.mark.parametrize("seed", range(5))
def test_jacobians_with_spectral_norm_above_one_can_still_vanish(seed):
    """Errata (Singh): 'spectral norm of each Jacobian consistently > 1 -> the gradient explodes' is
    false. A tanh RNN whose W_hh has spectral radius 0.9 has every J_t's spectral norm above 1, and the
    gradient reaching the first of 50 steps is still hundreds of times smaller than at the last."""
    from lstmlib.core.bptt import jacobians, last_step_gradient_norms, spectral_norms
    rng = np.random.default_rng(seed)
    H, T, D = 32, 50, 8
    W0 = rng.normal(size=(H, H))
    W0 /= np.abs(np.linalg.eigvals(W0)).max()
    x = rng.normal(size=(T, 1, D))
    p = RNNParams(W_xh=0.1 * RNNParams.init(D, H, rng=rng).W_xh, W_hh=0.9 * W0, b_h=np.zeros(H),
                  activation="tanh")
    s = spectral_norms(jacobians(p, rnn_forward(p, x)))[:, 0]
    g = last_step_gradient_norms(p, x)
    assert s.min() > 1.0
    assert g[0] < 1e-2 * g[-1]
