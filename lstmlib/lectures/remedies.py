"""Remedies for vanishing and exploding gradients: initialisations, an echo state network,
and a small SGD loop that survives (and reports) an exploding run.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

* ``spectral_radius(W)`` = ``max |eigenvalue|`` of a square matrix; ``scale_to_spectral_radius``
  rescales W so that it equals rho.
* ``orthogonal(H, rng)``: Q from the QR decomposition of a Gaussian matrix, signs fixed so
  that the distribution is uniform (Saxe et al., 2013); every singular value is 1, so
  ||v Q^k|| = ||v|| for every k.
* ``identity(H)``: the IRNN initialisation of Le et al. (2015), W_hh = scale * I.
* ``rnn_params(H, rho, ...)``: an RNN whose W_hh = rho * Q (Q orthogonal), so its spectral
  radius *and* its spectral norm are rho: for the linear RNN, ||delta h_k|| = rho^(T-1-k) ||delta h_{T-1}||
  when the loss sits at the last step.
* Echo state network (Jaeger, 2001): a fixed random reservoir
  ``s_t = tanh(u_t W_in + s_{t-1} W_res)`` with W_res scaled to spectral radius < 1; only the
  readout ``y_t = [1, s_t] W_out`` is trained, by ridge regression
  ``W_out = (S^T S + lam I)^{-1} S^T Y`` (no gradient flows through time at all).
* ``sgd_train``: full-batch SGD on an RNN with optional gradient clipping and truncated BPTT;
  a run that overflows is stopped and reported in ``SGDRun.message``, never raised.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from lstmlib.core.bptt import backward, clip_by_global_norm, forward, global_norm
from lstmlib.core.losses import squared_error
from lstmlib.core.gru import GATES as GRU_GATES, GRUParams
from lstmlib.core.lstm import GATES as LSTM_GATES, LSTMParams
from lstmlib.core.optim import check_learning_rate, sgd_step
from lstmlib.core.rnn import RNNParams
from lstmlib.core.validate import (as_float_array, check_choice, check_instance, check_positive_int,
                                   check_shape)

__all__ = ["spectral_radius", "scale_to_spectral_radius", "orthogonal", "identity", "rnn_params",
           "lstm_params", "gru_params", "EchoStateNetwork", "esn_init", "esn_states", "esn_fit",
           "esn_predict", "SGDRun", "sgd_train", "bias_gradient_by_jacobians"]


# ---------------------------------------------------------------- initialisations
def spectral_radius(W) -> float:
    """``rho(W) = max |lambda_i(W)|`` of a square matrix W (H, H)."""
    W = as_float_array(W, "W", 2, "(H, H)")
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square (H, H), got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scale_to_spectral_radius(W, rho: float) -> np.ndarray:
    """W * rho / rho(W): the same matrix rescaled so that its spectral radius is rho (>= 0)."""
    rho = _nonnegative(rho, "rho")
    r = spectral_radius(W)
    if r == 0:
        raise ValueError("W has spectral radius 0 (nilpotent or zero); it cannot be rescaled")
    return np.asarray(W, dtype=float) * (rho / r)


def orthogonal(H: int, *, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """gain * Q with Q (H, H) orthogonal (Q Q^T = I), drawn uniformly (QR of a Gaussian matrix)."""
    H = check_positive_int(H, "H")
    check_instance(rng, "rng", np.random.Generator)
    gain = _nonnegative(gain, "gain")
    q, r = np.linalg.qr(rng.standard_normal((H, H)))
    q = q * np.sign(np.diag(r))              # makes the distribution uniform over orthogonal matrices
    return gain * q


def identity(H: int, scale: float = 1.0) -> np.ndarray:
    """scale * I (H, H), the IRNN initialisation of the recurrent weights (Le et al., 2015)."""
    H = check_positive_int(H, "H")
    return _nonnegative(scale, "scale") * np.eye(H)


def rnn_params(H: int, rho: float, *, rng: np.random.Generator, D: int = 1, K: int | None = None,
               activation: str = "tanh", input_scale: float = 0.5, init: str = "orthogonal") -> RNNParams:
    """RNN parameters with a chosen recurrent matrix; W_xh ~ N(0, input_scale^2 / D), b_h = 0.

    init "orthogonal": W_hh = rho * Q (spectral radius and spectral norm both rho);
    "identity": W_hh = rho * I; "gaussian": N(0, 1/H) entries rescaled to spectral radius rho
    (its spectral norm is then larger than rho).
    """
    check_choice(init, "init", ["orthogonal", "identity", "gaussian"])
    H, D = check_positive_int(H, "H"), check_positive_int(D, "D")
    rho = _nonnegative(rho, "rho")
    if init == "orthogonal":
        W_hh = orthogonal(H, rng=rng, gain=rho)
    elif init == "identity":
        W_hh = identity(H, rho)
    else:
        W_hh = scale_to_spectral_radius(rng.standard_normal((H, H)) / np.sqrt(H), rho)
    W_xh = rng.standard_normal((D, H)) * (input_scale / np.sqrt(D))
    out = {} if K is None else {"W_hy": rng.standard_normal((H, K)) / np.sqrt(H), "b_y": np.zeros(K)}
    return RNNParams(W_xh=W_xh, W_hh=W_hh, b_h=np.zeros(H), activation=activation, **out)


def lstm_params(H: int, rho: float, *, rng: np.random.Generator, D: int = 1, forget_bias: float = 0.0,
                input_scale: float = 0.5) -> LSTMParams:
    """LSTM parameters whose four recurrent matrices W_h* are rho * (independent orthogonal Q's);
    W_x* ~ N(0, input_scale^2 / D); b_f = forget_bias, the other biases 0."""
    d = _gate_weights(LSTM_GATES, H, rho, rng, D, input_scale)
    biases = {f"b_{q}": np.full(d["W_hf"].shape[0], float(forget_bias) if q == "f" else 0.0) for q in LSTM_GATES}
    return LSTMParams(**d, **biases)


def gru_params(H: int, rho: float, *, rng: np.random.Generator, D: int = 1, input_scale: float = 0.5) -> GRUParams:
    """GRU parameters whose recurrent matrices W_hr, W_hz, W_hn are rho * (orthogonal Q's), biases 0."""
    d = _gate_weights(GRU_GATES, H, rho, rng, D, input_scale)
    H = d["W_hr"].shape[0]
    return GRUParams(**d, b_r=np.zeros(H), b_z=np.zeros(H), b_xn=np.zeros(H), b_hn=np.zeros(H))


def _gate_weights(gates, H, rho, rng, D, input_scale) -> dict:
    """For each gate q in turn: W_xq ~ N(0, input_scale^2 / D) (D, H), then W_hq = rho * orthogonal (H, H)."""
    H, D = check_positive_int(H, "H"), check_positive_int(D, "D")
    rho = _nonnegative(rho, "rho")
    d = {}
    for q in gates:
        d[f"W_x{q}"] = rng.standard_normal((D, H)) * (input_scale / np.sqrt(D))
        d[f"W_h{q}"] = orthogonal(H, rng=rng, gain=rho)
    return d


def _nonnegative(value, name) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


# ---------------------------------------------------------------- the gradient as a sum over k
def bias_gradient_by_jacobians(params: RNNParams, x, t: int, dh_t, upper: int | None = None) -> np.ndarray:
    """dL_t/db_h for L_t = sum(h_t * dh_t), written as Singh's sum over k of products of Jacobians:

        dL_t/db_h = sum_{k=0}^{upper} dh_t J_t J_{t-1} ... J_{k+1} diag(phi'(a_k)),  summed over the batch,

    with J_j = dh_j/dh_{j-1} (row-vector chain rule; ``bptt.jacobians``) and the empty product
    (k >= t) taken as the identity. upper = t (the default) is right; upper = T - 1 > t adds
    terms for steps after t, which cannot influence L_t. x (T, N, D), dh_t (N, H) -> (H,).
    """
    from lstmlib.core.bptt import jacobians
    check_instance(params, "params", RNNParams)
    trace = forward(params, x)
    T = trace.h.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise ValueError(f"t must be an integer from 0 to {T - 1}, got {t!r}")
    upper = t if upper is None else int(upper)
    if not 0 <= upper < T:
        raise ValueError(f"upper must be from 0 to {T - 1}, got {upper}")
    dh_t = as_float_array(dh_t, "dh_t", 2, "(N, H)")
    check_shape(dh_t, "dh_t", trace.h[0].shape, "(N, H)")
    J = jacobians(params, trace)                                       # (T, N, H, H)
    dphi = 1 - trace.h ** 2 if params.activation == "tanh" else np.ones_like(trace.h)
    total = np.zeros(params.H)
    for k in range(upper + 1):
        delta = dh_t
        for j in range(t, k, -1):                                      # J_t, J_{t-1}, ..., J_{k+1}
            delta = np.einsum("ni,nij->nj", delta, J[j])
        total += (delta * dphi[k]).sum(axis=0)                         # immediate dh_k/db_h = phi'(a_k)
    return total


# ---------------------------------------------------------------- echo state network
@dataclass(frozen=True, eq=False)
class EchoStateNetwork:
    """A fixed reservoir: W_in (D, H), W_res (H, H) with spectral radius rho < 1, and the
    trained readout W_out (1 + H, K) (None until ``esn_fit``)."""
    W_in: np.ndarray
    W_res: np.ndarray
    W_out: np.ndarray | None = None

    @property
    def rho(self) -> float:
        """Spectral radius of the reservoir."""
        return spectral_radius(self.W_res)


def esn_init(D: int, H: int, *, rng: np.random.Generator, rho: float = 0.9, input_scale: float = 1.0,
             density: float = 0.2) -> EchoStateNetwork:
    """A random sparse reservoir (a fraction ``density`` of nonzero weights) scaled to spectral
    radius rho (Jaeger's echo state property needs rho < 1 for tanh units)."""
    D, H = check_positive_int(D, "D"), check_positive_int(H, "H")
    check_instance(rng, "rng", np.random.Generator)
    rho = _nonnegative(rho, "rho")
    if rho >= 1:
        raise ValueError(f"rho must be < 1 for an echo state network (fading memory), got {rho}")
    if not 0 < density <= 1:
        raise ValueError(f"density must be in (0, 1], got {density!r}")
    W = rng.uniform(-1, 1, (H, H)) * (rng.uniform(size=(H, H)) < density)
    W_in = rng.uniform(-input_scale, input_scale, (D, H))
    return EchoStateNetwork(W_in=W_in, W_res=scale_to_spectral_radius(W, rho))


def esn_states(esn: EchoStateNetwork, u) -> np.ndarray:
    """Reservoir states s_t = tanh(u_t W_in + s_{t-1} W_res), s_{-1} = 0, for u (T, D) -> (T, H)."""
    check_instance(esn, "esn", EchoStateNetwork)
    u = as_float_array(u, "u", 2, "(T, D)")
    check_shape(u, "u", (None, esn.W_in.shape[0]), "(T, D)")
    drive = u @ esn.W_in                               # (T, H): input part of every step at once
    s = np.empty_like(drive)
    prev = np.zeros(esn.W_res.shape[0])
    for t in range(len(u)):
        prev = np.tanh(drive[t] + prev @ esn.W_res)
        s[t] = prev
    return s


def _design(states):
    return np.hstack([np.ones((len(states), 1)), states])     # [1, s_t]: bias column first


def esn_fit(esn: EchoStateNetwork, states, targets, ridge: float = 1e-6) -> EchoStateNetwork:
    """Ridge regression of the readout: W_out = (S^T S + ridge I)^{-1} S^T Y with S = [1, states].

    states (T, H), targets (T, K). The bias column is penalised too (it is tiny for small ridge).
    """
    check_instance(esn, "esn", EchoStateNetwork)
    states = as_float_array(states, "states", 2, "(T, H)")
    targets = as_float_array(targets, "targets", 2, "(T, K)")
    check_shape(targets, "targets", (len(states), None), "(T, K)")
    ridge = _nonnegative(ridge, "ridge")
    S = _design(states)
    W_out = np.linalg.solve(S.T @ S + ridge * np.eye(S.shape[1]), S.T @ targets)
    return dataclasses.replace(esn, W_out=W_out)


def esn_predict(esn: EchoStateNetwork, states) -> np.ndarray:
    """Readout y_t = [1, s_t] W_out: states (T, H) -> (T, K)."""
    check_instance(esn, "esn", EchoStateNetwork)
    if esn.W_out is None:
        raise ValueError("the echo state network has no readout yet; call esn_fit first")
    states = as_float_array(states, "states", 2, "(T, H)")
    return _design(states) @ esn.W_out


# ---------------------------------------------------------------- SGD that reports explosions
@dataclass(frozen=True, eq=False)
class SGDRun:
    """losses: loss before each update (finite ones only); grad_norms: global gradient norm
    before clipping; params: the last finite parameters; ok: False when the run blew up;
    message: what happened, in words."""
    losses: np.ndarray
    grad_norms: np.ndarray
    params: object
    ok: bool
    message: str


def sgd_train(params, x, targets, *, lr: float, steps: int, clip: float | None = None,
              k: int | None = None) -> SGDRun:
    """Full-batch SGD (``optim.sgd_step``, theta <- theta - lr g) on L = sum_t mean_n 0.5 ||y_t - targets_t||^2
    (targets (T, N, K)).

    clip: max global gradient norm (None: no clipping); k: truncated BPTT length (None: full).
    Stops at the first loss, gradient or parameter that is NaN or infinite and says so in
    ``message`` instead of raising, so a notebook can show an exploding run safely.
    """
    if params.K is None:
        raise ValueError("params must have an output layer (W_hy, b_y), got K=None")
    steps, lr = check_positive_int(steps, "steps"), check_learning_rate(lr)
    targets = as_float_array(targets, "targets", 3, "(T, N, K)")
    losses, norms = [], []
    with np.errstate(all="ignore"):
        for step in range(steps):
            trace = forward(params, x)
            if not np.all(np.isfinite(trace.y)):
                return _stop(losses, norms, params, f"the forward pass overflowed at update {step}")
            loss, dy = squared_error(trace.y, targets)
            if not np.isfinite(loss):
                return _stop(losses, norms, params, f"the loss became {loss} at update {step}")
            grads = backward(params, trace, dy=dy, k=k).dparams
            norm = global_norm(grads)
            losses.append(loss)
            norms.append(norm)
            if not np.isfinite(norm):
                return _stop(losses, norms, params, f"the gradient norm became {norm} at update {step}")
            if clip is not None:
                grads, _ = clip_by_global_norm(grads, clip)
            try:
                params, _ = sgd_step(params, grads, lr)            # theta <- theta - lr g
            except ValueError:                                     # Params refuse NaN and infinite entries
                return _stop(losses, norms, params, f"the parameters overflowed at update {step}")
    return SGDRun(np.array(losses), np.array(norms), params, True,
                       f"finished {steps} updates; final loss {losses[-1]:.4g}")


def _stop(losses, norms, params, why) -> SGDRun:
    return SGDRun(np.array(losses), np.array(norms), params, False, f"training stopped: {why}")
