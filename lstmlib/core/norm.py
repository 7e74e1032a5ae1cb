"""Batch normalisation (Ioffe and Szegedy 2015) of a stack of feature maps, in numpy.

Shape letters: N batch, C channels, H and W the height and width of each feature map
(here H is not the hidden size of Part II).

For every channel c, the statistics are taken over the N images and all H x W positions::

    mu[c]     = mean of x[:, c, :, :]                    (N H W numbers)
    sigma2[c] = mean of (x[:, c, :, :] - mu[c])^2        (biased variance)
    y[:, c]   = gamma[c] * (x[:, c] - mu[c]) / sqrt(sigma2[c] + eps) + beta[c]

gamma and beta are learnt (2 C parameters). While training, the batch's own mu and sigma2
are used, and running averages are kept for test time:
running <- (1 - momentum) running + momentum * batch statistic, where the running variance
is updated with the *unbiased* variance (divided by N H W - 1), as torch.nn.BatchNorm2d does.
At test time (training=False) the running averages replace the batch's statistics, so one
image's output no longer depends on the other images of its batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.validate import as_float_array, check_shape, check_probability

__all__ = ["BatchNormResult", "batch_norm2d"]


@dataclass(frozen=True)
class BatchNormResult:
    """y: (N, C, H, W) normalised maps; mu, sigma2: (C,) the statistics used;
    running_mean, running_var: (C,) the running averages after this call."""
    y: np.ndarray
    mu: np.ndarray
    sigma2: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray


def _per_channel(value, name, C, default):
    if value is None:
        return np.full(C, float(default))
    arr = as_float_array(value, name, ndim=1, dims="(C,)")
    check_shape(arr, name, (C,), "(C,)")
    return arr


def batch_norm2d(x, gamma=None, beta=None, *, training: bool = True, running_mean=None, running_var=None,
                 momentum: float = 0.1, eps: float = 1e-5) -> BatchNormResult:
    """Batch normalisation of x: (N, C, H, W), per channel over (N, H, W).

    gamma, beta: (C,) scale and shift (default 1 and 0, torch's initial values);
    running_mean, running_var: (C,) (default 0 and 1, torch's initial values).
    training=True normalises with the batch's statistics and updates the running averages;
    training=False normalises with the running averages and leaves them unchanged.
    """
    x = as_float_array(x, "x", ndim=4, dims="(N, C, H, W)")
    C = x.shape[1]
    gamma, beta = _per_channel(gamma, "gamma", C, 1.0), _per_channel(beta, "beta", C, 0.0)
    run_mu = _per_channel(running_mean, "running_mean", C, 0.0)
    run_var = _per_channel(running_var, "running_var", C, 1.0)
    momentum = check_probability(momentum, "momentum")
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"eps must be a number > 0, got {eps!r}")
    if training:
        count = x.shape[0] * x.shape[2] * x.shape[3]             # N H W numbers per channel
        if count < 2:
            raise ValueError(f"training needs more than one value per channel (N*H*W >= 2), got x of shape {x.shape}")
        mu = x.mean(axis=(0, 2, 3))                                # (C,)
        sigma2 = x.var(axis=(0, 2, 3))                             # (C,) biased: used to normalise
        run_mu = (1 - momentum) * run_mu + momentum * mu
        run_var = (1 - momentum) * run_var + momentum * sigma2 * count / (count - 1)   # unbiased
    else:
        mu, sigma2 = run_mu, run_var
    x_hat = (x - mu[None, :, None, None]) / np.sqrt(sigma2[None, :, None, None] + eps)
    y = gamma[None, :, None, None] * x_hat + beta[None, :, None, None]
    return BatchNormResult(y, mu, sigma2, run_mu, run_var)
