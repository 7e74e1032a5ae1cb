"""Shared by the recurrent-cell tests: random problems and the float64 parity check against torch."""
import numpy as np

SHAPES = [(1, 1, 1, 1, 2), (1, 3, 2, 4, 3), (5, 1, 3, 2, 2), (7, 4, 3, 5, 4), (12, 2, 6, 8, 3)]  # T, N, D, H, K


def rel(a, b):
    """Max absolute difference relative to the largest entry of the reference ``b``."""
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def random_problem(params_cls, T, N, D, H, K, seed, n_states=1):
    """Parameters, inputs (T, N, D), n_states initial states (N, H), dL/dh (T, N, H), dL/dy (T, N, K)."""
    rng = np.random.default_rng(seed)
    p = params_cls.init(D, H, K, rng=rng)
    x = rng.normal(size=(T, N, D))
    states = [rng.normal(size=(N, H)) for _ in range(n_states)]
    return (p, x, *states, rng.normal(size=(T, N, H)), rng.normal(size=(T, N, K)))


def assert_torch_parity(torch_bridge, p, forward, backward, x, states, dh, dy, k):
    """Forward within 1e-12 and every gradient within 1e-10 (relative) of torch autograd."""
    trace = forward(p, x, *states)
    ref = torch_bridge.torch_gradients(p, x, *states, dh=dh, dy=dy, k=k)
    assert rel(trace.h, ref["h"]) < 1e-12 and rel(trace.y, ref["y"]) < 1e-12
    g = backward(p, trace, dh=dh, dy=dy, k=k)
    for name in p.names():
        assert rel(getattr(g.dparams, name), getattr(ref["dparams"], name)) < 1e-10, name
    for name in ("dx", "dh0", "dc0")[:1 + len(states)]:
        assert rel(getattr(g, name), ref[name]) < 1e-10, name
