"""lstmlib.core.optim: SGD with momentum, Adagrad and Adam against torch.optim (float64, a small
quadratic, several steps, to 1e-12), every docstring equation by hand, the book's written-out
Adam to the last bit, and bad input."""
import dataclasses

import numpy as np
import pytest

from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import LSTMParams
from lstmlib.core.optim import AdamState, adagrad_step, adam_step, check_learning_rate, sgd_step
from lstmlib.core.rnn import RNNParams

TOL = dict(rtol=1e-12, atol=1e-12)
STEPS = 12


# ---------------------------------------------------------------- a small quadratic
def quadratic(seed=0, cls=RNNParams, D=3, H=4, K=2):
    """Start theta_0, curvatures A > 0 and minimum C, each of cls: L = sum 0.5 A (theta - C)^2."""
    rng = np.random.default_rng(seed)
    theta = cls.init(D, H, K, rng=rng)
    A = theta.from_vector(rng.uniform(0.5, 2.0, theta.size))
    C = theta.from_vector(rng.normal(size=theta.size))
    return theta, A, C


def gradient(theta, A, C):
    """g = dL/dtheta = A (theta - C), the same Params type as theta."""
    return dataclasses.replace(theta, **{n: getattr(A, n) * (getattr(theta, n) - getattr(C, n))
                                         for n in theta.names()})


def loss(theta, A, C):
    return sum(0.5 * np.sum(getattr(A, n) * (getattr(theta, n) - getattr(C, n)) ** 2) for n in theta.names())


def torch_run(torch, make_optimiser, theta, A, C, steps=STEPS):
    """The parameters after each of ``steps`` steps of a torch.optim optimiser on the same quadratic,
    as {name: array} dicts, and the optimiser (for its state)."""
    tensors = {n: torch.tensor(getattr(theta, n), dtype=torch.float64, requires_grad=True) for n in theta.names()}
    opt = make_optimiser(list(tensors.values()))
    path = []
    for _ in range(steps):
        opt.zero_grad()
        sum(0.5 * (torch.tensor(getattr(A, n)) * (t - torch.tensor(getattr(C, n))) ** 2).sum()
            for n, t in tensors.items()).backward()
        opt.step()
        path.append({n: t.detach().numpy().copy() for n, t in tensors.items()})
    return path, opt, tensors


def assert_params_close(ours, theirs: dict, **tol):
    for n in ours.names():
        np.testing.assert_allclose(getattr(ours, n), theirs[n], err_msg=n, **(tol or TOL))


# ---------------------------------------------------------------- SGD
def test_sgd_with_momentum_matches_torch(torch):
    theta, A, C = quadratic()
    path, _, _ = torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), theta, A, C)
    velocity = None
    for step in range(STEPS):
        theta, velocity = sgd_step(theta, gradient(theta, A, C), 0.05, velocity, momentum=0.9)
        assert_params_close(theta, path[step])


def test_plain_sgd_matches_torch_and_is_theta_minus_lr_g_to_the_last_bit(torch):
    theta, A, C = quadratic(1)
    path, _, _ = torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=0.1), theta, A, C)
    velocity = None
    for step in range(STEPS):
        g = gradient(theta, A, C)
        new, velocity = sgd_step(theta, g, 0.1, velocity)           # mu = 0, velocity carried along
        for n in theta.names():                                      # theta <- theta - lr g, bit for bit
            assert np.array_equal(getattr(new, n), getattr(theta, n) - 0.1 * getattr(g, n))
        theta = new
        assert_params_close(theta, path[step])


def test_sgd_equations_by_hand():
    theta, A, C = quadratic(2)
    mu, lr, v = 0.7, 0.03, {n: 0.0 for n in theta.names()}
    velocity, reference = None, theta.to_dict()
    for _ in range(STEPS):
        g = gradient(theta, A, C)
        theta, velocity = sgd_step(theta, g, lr, velocity, momentum=mu)
        for n in theta.names():
            v[n] = mu * v[n] - lr * getattr(g, n)                   # v <- mu v - lr g
            reference[n] = reference[n] + v[n]                       # theta <- theta + v
            np.testing.assert_allclose(getattr(velocity, n), v[n], **TOL)
            np.testing.assert_allclose(getattr(theta, n), reference[n], **TOL)


def test_momentum_builds_up_a_geometric_series_under_a_constant_gradient():
    # with g fixed, v_k = -lr g (1 + mu + ... + mu^(k-1)) -> -lr g / (1 - mu): a flipped sign on mu
    # (alternating terms) or on lr g (uphill) breaks it
    theta, A, C = quadratic(3)
    g = gradient(theta, A, C)
    mu, lr, velocity, start = 0.8, 0.01, None, theta
    for k in range(1, 31):
        theta, velocity = sgd_step(theta, g, lr, velocity, momentum=mu)
        for n in theta.names():
            np.testing.assert_allclose(getattr(velocity, n), -lr * getattr(g, n) * (1 - mu ** k) / (1 - mu), **TOL)
    total = sum(-lr * (1 - mu ** k) / (1 - mu) for k in range(1, 31))
    np.testing.assert_allclose(theta.to_vector(), start.to_vector() + total * g.to_vector(), **TOL)


# ---------------------------------------------------------------- Adagrad
def test_adagrad_matches_torch_for_eps_zero(torch):
    # torch adds eps outside the square root and ours inside: with eps = 0 they are the same update
    theta, A, C = quadratic(4)
    path, opt, tensors = torch_run(torch, lambda ps: torch.optim.Adagrad(ps, lr=0.2, eps=0.0), theta, A, C)
    memory = theta.zeros_like()
    for step in range(STEPS):
        theta, memory = adagrad_step(theta, gradient(theta, A, C), memory, 0.2, eps=0.0)
        assert_params_close(theta, path[step])
    assert_params_close(memory, {n: opt.state[t]["sum"].numpy() for n, t in tensors.items()})


def test_adagrad_equations_by_hand_with_eps_inside_the_square_root(torch):
    theta, A, C = quadratic(5)
    lr, eps = 0.2, 0.5                       # a large eps, so that where it sits shows
    path, _, _ = torch_run(torch, lambda ps: torch.optim.Adagrad(ps, lr=lr, eps=eps), theta, A, C)
    m, reference, memory = {n: 0.0 for n in theta.names()}, theta.to_dict(), theta.zeros_like()
    for step in range(STEPS):
        g = gradient(theta, A, C)
        theta, memory = adagrad_step(theta, g, memory, lr, eps=eps)
        for n in theta.names():
            m[n] = m[n] + getattr(g, n) ** 2                                    # m <- m + g^2
            reference[n] = reference[n] - lr * getattr(g, n) / np.sqrt(m[n] + eps)   # theta - lr g / sqrt(m + eps)
            np.testing.assert_allclose(getattr(memory, n), m[n], **TOL)
            np.testing.assert_allclose(getattr(theta, n), reference[n], **TOL)
    # torch.optim.Adagrad, theta - lr g / (sqrt(m) + eps), takes another path for eps > 0
    assert np.max(np.abs(theta.to_vector() - np.concatenate([path[-1][n].ravel() for n in theta.names()]))) > 1e-3


def test_adagrad_default_eps_is_min_char_rnns():
    theta, A, C = quadratic(6)
    g = gradient(theta, A, C)
    new, memory = adagrad_step(theta, g, theta.zeros_like(), 0.1)
    for n in theta.names():
        gn = getattr(g, n)
        assert np.array_equal(getattr(memory, n), gn ** 2)
        assert np.array_equal(getattr(new, n), getattr(theta, n) - 0.1 * gn / np.sqrt(gn ** 2 + 1e-8))


# ---------------------------------------------------------------- Adam
@pytest.mark.parametrize("betas, eps", [((0.9, 0.999), 1e-8), ((0.8, 0.99), 1e-3)])
def test_adam_matches_torch(torch, betas, eps):
    theta, A, C = quadratic(7, LSTMParams)
    path, opt, tensors = torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=0.05, betas=betas, eps=eps),
                                   theta, A, C)
    state = AdamState.zeros_like(theta)
    for step in range(STEPS):
        theta, state = adam_step(theta, gradient(theta, A, C), state, 0.05, *betas, eps=eps)
        assert_params_close(theta, path[step])
    assert state.t == STEPS == int(opt.state[tensors[theta.names()[0]]]["step"])
    assert_params_close(state.m, {n: opt.state[t]["exp_avg"].numpy() for n, t in tensors.items()})
    assert_params_close(state.v, {n: opt.state[t]["exp_avg_sq"].numpy() for n, t in tensors.items()})


def test_adam_equations_by_hand():
    theta, A, C = quadratic(8, GRUParams)
    lr, b1, b2, eps = 0.02, 0.85, 0.995, 1e-6
    m, v, reference = ({n: 0.0 for n in theta.names()}, {n: 0.0 for n in theta.names()}, theta.to_dict())
    state = AdamState.zeros_like(theta)
    for t in range(1, STEPS + 1):                                              # t <- t + 1
        g = gradient(theta, A, C)
        theta, state = adam_step(theta, g, state, lr, b1, b2, eps)
        assert state.t == t
        for n in theta.names():
            gn = getattr(g, n)
            m[n] = b1 * m[n] + (1 - b1) * gn                                   # m <- beta1 m + (1 - beta1) g
            v[n] = b2 * v[n] + (1 - b2) * gn ** 2                              # v <- beta2 v + (1 - beta2) g^2
            m_hat, v_hat = m[n] / (1 - b1 ** t), v[n] / (1 - b2 ** t)          # bias correction
            reference[n] = reference[n] - lr * m_hat / (np.sqrt(v_hat) + eps)  # theta - lr m_hat / (sqrt(v_hat) + eps)
            np.testing.assert_allclose(getattr(state.m, n), m[n], **TOL)
            np.testing.assert_allclose(getattr(state.v, n), v[n], **TOL)
            np.testing.assert_allclose(getattr(theta, n), reference[n], **TOL)


def test_adams_first_step_is_lr_times_the_sign_of_g():
    # m_hat = g and v_hat = g^2 after one step: each entry moves by lr |g| / (|g| + eps) ~ lr, downhill.
    # Without the bias correction the step would be lr 0.1 g / (sqrt(0.001) |g|) ~ 3.2 lr.
    theta, A, C = quadratic(9)
    g = gradient(theta, A, C)
    new, state = adam_step(theta, g, AdamState.zeros_like(theta), 0.01)
    np.testing.assert_allclose(new.to_vector() - theta.to_vector(), -0.01 * np.sign(g.to_vector()), rtol=1e-6)
    assert state.t == 1


def test_adam_is_the_books_written_out_update_to_the_last_bit():
    # lstmlib.torchside.text.fit_cell used to write Adam out with the numbers 0.1 and 0.001;
    # adam_step must give the same bits, so that the book's stored results hold
    theta, A, C = quadratic(10, LSTMParams)
    vec, m, v = theta.to_vector(), 0.0, 0.0
    state = AdamState.zeros_like(theta)
    for step in range(1, 30):
        g = gradient(theta, A, C)
        theta, state = adam_step(theta, g, state, 1e-2)
        gv = g.to_vector()
        m = 0.9 * m + 0.1 * gv
        v = 0.999 * v + 0.001 * gv * gv
        vec = vec - 1e-2 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        assert np.array_equal(theta.to_vector(), vec)


def test_adam_minimises_the_quadratic():
    theta, A, C = quadratic(11)
    state, start = AdamState.zeros_like(theta), loss(theta, A, C)
    for _ in range(400):
        theta, state = adam_step(theta, gradient(theta, A, C), state, 0.05)
    assert loss(theta, A, C) < 1e-3 * start


# ---------------------------------------------------------------- every optimiser
STEPPERS = {                 # one step from a zero state shaped like the gradients
    "sgd": lambda p, g, lr=0.1: sgd_step(p, g, lr, g.zeros_like(), momentum=0.5),
    "adagrad": lambda p, g, lr=0.1: adagrad_step(p, g, g.zeros_like(), lr),
    "adam": lambda p, g, lr=0.1: adam_step(p, g, AdamState.zeros_like(g), lr),
}


@pytest.mark.parametrize("kind", list(STEPPERS))
def test_pure_and_keeps_type_options_and_dtype(kind):
    theta = RNNParams.init(3, 4, 2, rng=np.random.default_rng(0), activation="linear").astype(np.float32)
    g = theta.from_vector(np.random.default_rng(1).normal(size=theta.size))
    before, g_before = theta.to_vector(), g.to_vector()
    new, _ = STEPPERS[kind](theta, g)
    assert type(new) is RNNParams and new.activation == "linear" and new.dtype == np.float32
    assert np.array_equal(theta.to_vector(), before) and np.array_equal(g.to_vector(), g_before)
    assert not np.array_equal(new.to_vector(), before)


@pytest.mark.parametrize("kind", list(STEPPERS))
@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf, "0.1", True, None])
def test_bad_learning_rate(kind, lr):
    theta, A, C = quadratic()
    with pytest.raises(ValueError, match="lr must be a finite number"):
        STEPPERS[kind](theta, gradient(theta, A, C), lr)


@pytest.mark.parametrize("kind", list(STEPPERS))
def test_grads_must_be_like_params(kind):
    theta, A, C = quadratic()
    with pytest.raises(ValueError, match="grads must be RNNParams like params, got GRUParams"):
        STEPPERS[kind](theta, GRUParams.init(3, 4, 2, rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match=r"grads.W_xh must have shape \(3, 4\) like params.W_xh, got \(3, 5\)"):
        STEPPERS[kind](theta, RNNParams.init(3, 5, 2, rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match="grads.W_hy must have shape"):
        STEPPERS[kind](theta, RNNParams.init(3, 4, rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match="params must be Params, got dict"):
        STEPPERS[kind](theta.to_dict(), theta)


def test_state_must_be_like_params():
    theta, A, C = quadratic()
    g, other = gradient(theta, A, C), LSTMParams.init(3, 4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="velocity must be RNNParams like params, got LSTMParams"):
        sgd_step(theta, g, 0.1, other, momentum=0.9)
    with pytest.raises(ValueError, match="memory must be RNNParams like params, got LSTMParams"):
        adagrad_step(theta, g, other, 0.1)
    with pytest.raises(ValueError, match="memory must be RNNParams like params, got NoneType"):
        adagrad_step(theta, g, None, 0.1)
    with pytest.raises(ValueError, match="state.m must be RNNParams like params, got LSTMParams"):
        adam_step(theta, g, AdamState.zeros_like(other), 0.1)
    with pytest.raises(ValueError, match="state must be AdamState, got RNNParams"):
        adam_step(theta, g, theta.zeros_like(), 0.1)


@pytest.mark.parametrize("call, message", [
    (lambda p, g: sgd_step(p, g, 0.1, momentum=1.0), r"momentum must be a number in \[0, 1\), got 1.0"),
    (lambda p, g: sgd_step(p, g, 0.1, momentum=-0.5), r"momentum must be a number in \[0, 1\)"),
    (lambda p, g: adagrad_step(p, g, p.zeros_like(), 0.1, eps=-1e-8), "eps must be a finite number >= 0"),
    (lambda p, g: adagrad_step(p, g, p.zeros_like(), 0.1, eps=np.nan), "eps must be a finite number"),
    (lambda p, g: adam_step(p, g, AdamState.zeros_like(p), 0.1, beta1=1.0), r"beta1 must be a number in \[0, 1\)"),
    (lambda p, g: adam_step(p, g, AdamState.zeros_like(p), 0.1, beta2="0.9"), "beta2 must be a finite number"),
    (lambda p, g: adam_step(p, g, AdamState.zeros_like(p), 0.1, eps=-1.0), "eps must be a finite number >= 0"),
])
def test_bad_hyperparameters(call, message):
    theta, A, C = quadratic()
    with pytest.raises(ValueError, match=message):
        call(theta, gradient(theta, A, C))


def test_adam_state_checks():
    theta, _, _ = quadratic()
    other = GRUParams.init(3, 4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="v must be RNNParams like params, got GRUParams"):
        AdamState(theta.zeros_like(), other.zeros_like())
    with pytest.raises(ValueError, match="t must be an integer >= 0, got -1"):
        AdamState(theta.zeros_like(), theta.zeros_like(), -1)
    with pytest.raises(ValueError, match="m must be Params, got ndarray"):
        AdamState(theta.to_vector(), theta.to_vector())
    with pytest.raises(ValueError, match="params must be Params, got dict"):
        AdamState.zeros_like(theta.to_dict())
    s = AdamState.zeros_like(theta)
    assert s.t == 0 and not s.m.to_vector().any() and not s.v.to_vector().any() and s.m is not s.v


def test_check_learning_rate():
    assert check_learning_rate(1) == 1.0 and isinstance(check_learning_rate(np.float64(0.5)), float)
    with pytest.raises(ValueError, match="step must be a finite number > 0, got 0"):
        check_learning_rate(0, "step")
