"""The pieces every recurrent model of lstmlib shares: sigmoid, the Params mixin, Gradients,
input checks, the upstream gradient and the output layer y_t = h_t W_hy + b_y.
"""
from __future__ import annotations

import numpy as np
from dataclasses import dataclass
import dataclasses
from lstmlib.core.validate import as_real_array, check_instance, check_positive_int, check_shape

__all__ = ["sigmoid", "Params", "Gradients", "check_input", "check_trace", "upstream", "check_k",
           "output_forward", "output_backward", "ACTIVATIONS", "param", "Trace", "Step"]


ACTIVATIONS = ("tanh", "linear")


def sigmoid(a):
    """sigma(a) = 1 / (1 + exp(-a)) = exp(a) / (1 + exp(a)), the form chosen by the sign of a
    so that exp never overflows and tiny values keep full relative precision."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def param(*axes: str, optional: bool = False):
    """A parameter array field of a ``Params`` dataclass, its shape written in size letters:
    ``param("D", "H")`` is a (D, H) matrix. Optional fields (the output layer) default to None."""
    meta = {"axes": axes}
    return dataclasses.field(default=None, metadata=meta) if optional else dataclasses.field(metadata=meta)


class Params:
    """Mixin for frozen parameter dataclasses whose array fields are named after the math.

    Each array field is declared once, with ``param(...)``, which names its shape in the size
    letters D, H, K; shapes, names and the sizes D, H, K are read off those declarations.
    The output layer W_hy (H, K), b_y (K,) is optional: both None when K is None.
    """

    @classmethod
    def axes(cls) -> dict:
        """{name: size letters} of every parameter array, in declaration order."""
        return {f.name: f.metadata["axes"] for f in dataclasses.fields(cls) if "axes" in f.metadata}

    @classmethod
    def shapes(cls, D: int, H: int, K: int | None = None) -> dict:
        """{name: shape} for input size D, hidden size H, output size K (None: no output layer)."""
        size = {"D": D, "H": H, "K": K}
        return {name: tuple(size[a] for a in axes) for name, axes in cls.axes().items()
                if K is not None or "K" not in axes}

    def __post_init__(self):
        if (self.W_hy is None) != (self.b_y is None):
            raise ValueError(f"W_hy and b_y must both be arrays or both be None, got "
                             f"{type(self.W_hy).__name__} and {type(self.b_y).__name__}")
        sizes, dtype = {}, None                        # D, H (and K) from the first array that has them
        for name, axes in self.axes().items():
            value = getattr(self, name)
            if value is None and "K" in axes:          # no output layer
                continue
            arr = as_real_array(value, name, len(axes), "(" + ", ".join(axes) + ")", dtype=dtype)
            check_shape(arr, name, [sizes.get(a) for a in axes], "(" + ", ".join(axes) + ")")
            sizes.update(zip(axes, arr.shape))
            dtype = arr.dtype
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "_sizes", sizes)
        object.__setattr__(self, "_dtype", dtype)

    # sizes ---------------------------------------------------------------
    @property
    def D(self) -> int:
        return self._sizes["D"]

    @property
    def H(self) -> int:
        return self._sizes["H"]

    @property
    def K(self) -> int | None:
        return self._sizes.get("K")

    @property
    def dtype(self):
        return self._dtype

    def names(self) -> list:
        """Names of the array fields, in the order of ``to_vector``."""
        return list(self.shapes(self.D, self.H, self.K))

    # constructors ----------------------------------------------------------
    @classmethod
    def init(cls, D: int, H: int, K: int | None = None, *, rng: np.random.Generator, **options):
        """Uniform(-1/sqrt(H), 1/sqrt(H)) entries, like torch.nn.RNN/LSTM/GRU's default."""
        D, H = check_positive_int(D, "D"), check_positive_int(H, "H")
        K = None if K is None else check_positive_int(K, "K")
        check_instance(rng, "rng", np.random.Generator)
        s = 1.0 / np.sqrt(H)
        arrays = {name: rng.uniform(-s, s, shape) for name, shape in cls.shapes(D, H, K).items()}
        return cls(**arrays, **options)

    @classmethod
    def from_dict(cls, d: dict, **options):
        """Build from {name: array}; keys must be exactly the parameter names."""
        check_instance(d, "d", dict)
        fields = {f.name for f in dataclasses.fields(cls)} - set(options)
        unknown = set(d) - fields
        if unknown:
            raise ValueError(f"d has unknown keys {sorted(unknown)}, expected some of {sorted(fields)}")
        try:
            return cls(**d, **options)
        except TypeError as exc:  # a missing required field
            raise ValueError(f"d must hold every parameter of {cls.__name__} ({exc}), got keys {sorted(d)}") from None

    def to_dict(self) -> dict:
        """{name: copy of array} for every array field that is present."""
        return {name: getattr(self, name).copy() for name in self.names()}

    def to_vector(self) -> np.ndarray:
        """All parameters flattened and concatenated in ``names()`` order."""
        return np.concatenate([getattr(self, name).ravel() for name in self.names()])

    def from_vector(self, v):
        """New parameters of the same shapes (and options) filled from a flat vector."""
        v = as_real_array(v, "v", 1, "(P,)", dtype=self.dtype)
        check_shape(v, "v", (self.size,), "(P,)")
        arrays, start = {}, 0
        for name in self.names():
            shape = getattr(self, name).shape
            n = int(np.prod(shape))
            arrays[name] = v[start:start + n].reshape(shape).copy()
            start += n
        return dataclasses.replace(self, **arrays)

    @property
    def size(self) -> int:
        """Number of scalar parameters P."""
        return sum(getattr(self, name).size for name in self.names())

    def zeros_like(self):
        return dataclasses.replace(self, **{n: np.zeros_like(getattr(self, n)) for n in self.names()})

    def astype(self, dtype):
        """Copy with every array cast to dtype (np.float32 or np.float64)."""
        if not (isinstance(dtype, (type, np.dtype)) and issubclass(np.dtype(dtype).type, (np.float32, np.float64))):
            raise ValueError(f"dtype must be np.float32 or np.float64, got {dtype!r}")
        return dataclasses.replace(self, **{n: getattr(self, n).astype(dtype) for n in self.names()})


@dataclass(frozen=True, eq=False)
class Gradients:
    """What every ``*_backward`` returns.

    dparams: gradients with the same field names as the parameters;
    dx (T, N, D); dh0 (N, H); dc0 (N, H) for LSTMs, None otherwise;
    dh (T, N, H): the total gradient delta h_t = dL/dh_t through all later steps.
    """
    dparams: Params
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray | None
    dh: np.ndarray


class Trace:
    """Mixin for the whole-sequence traces (RNNTrace, LSTMTrace, GRUTrace): frozen dataclasses
    with x (T, N, D), the initial state h0 (N, H) and the hidden states h (T, N, H)."""

    @property
    def h_prev(self) -> np.ndarray:
        """h_{t-1} for t = 0..T-1, shape (T, N, H)."""
        return np.concatenate([self.h0[None], self.h[:-1]])


class Step:
    """Mixin for what a single step returns (RNNStep, LSTMStep): a frozen dataclass whose fields are
    the step's quantities, named like the trace's (step.h is one step of trace.h). It also reads as
    a read-only mapping, step["h"] and dict(step), for code that keeps steps as dicts."""

    @classmethod
    def fields(cls) -> list:
        """The names of the step's quantities, in declaration order."""
        return [f.name for f in dataclasses.fields(cls)]

    def keys(self) -> list:
        return self.fields()

    def __getitem__(self, name: str):
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)


def check_input(params, x, h0, c0=None, kinds=Params, with_c=False):
    """Validate params, x (T, N, D), h0 (N, H), c0 (N, H); zeros for missing states."""
    check_instance(params, "params", kinds)
    x = as_real_array(x, "x", 3, "(T, N, D)", dtype=params.dtype)
    check_shape(x, "x", (None, None, params.D), "(T, N, D)")
    N, H = x.shape[1], params.H
    states = []
    for name, s in [("h0", h0), ("c0", c0)][:1 + with_c]:
        if s is None:
            s = np.zeros((N, H), params.dtype)
        s = as_real_array(s, name, 2, "(N, H)", dtype=params.dtype)
        check_shape(s, name, (N, H), "(N, H)")
        states.append(s)
    return (x, *states)


def check_trace(params, trace, kinds, trace_kind):
    check_instance(params, "params", kinds)
    check_instance(trace, "trace", trace_kind)
    check_shape(trace.x, "trace.x", (None, None, params.D), "(T, N, D)")
    check_shape(trace.h, "trace.h", (None, None, params.H), "(T, N, H)")


def upstream(params, trace, dh=None, dy=None):
    """Direct gradient dL/dh_t (T, N, H) from dh and/or dy through the output layer,
    plus (dW_hy, db_y)."""
    T, N, H = trace.h.shape
    if dh is None and dy is None:
        raise ValueError("dh (T, N, H) and/or dy (T, N, K) must be given, got neither")
    total = np.zeros((T, N, H), params.dtype) if dh is None else None
    if dh is not None:
        dh = as_real_array(dh, "dh", 3, "(T, N, H)", dtype=params.dtype)
        check_shape(dh, "dh", (T, N, H), "(T, N, H)")
        total = dh if dy is None else dh.copy()          # read-only below unless dy adds to it
    dW_hy = None if params.K is None else np.zeros_like(params.W_hy)
    db_y = None if params.K is None else np.zeros_like(params.b_y)
    if dy is not None:
        if params.K is None:
            raise ValueError("dy needs an output layer (W_hy, b_y), got params without one")
        dy = as_real_array(dy, "dy", 3, "(T, N, K)", dtype=params.dtype)
        check_shape(dy, "dy", (T, N, params.K), "(T, N, K)")
        dh_out, dW_hy, db_y = output_backward(params, trace.h, dy)
        total += dh_out
    return total, dW_hy, db_y


def check_k(k):
    return None if k is None else check_positive_int(k, "k")


def output_forward(params, h):
    """y_t = h_t W_hy + b_y for all t: h (T, N, H) -> y (T, N, K), or None without an output layer."""
    if params.K is None:
        return None
    return h @ params.W_hy + params.b_y


def output_backward(params, h, dy):
    """Backward of y = h W_hy + b_y: returns dh (T,N,H), dW_hy (H,K), db_y (K,)."""
    T, N, H = h.shape
    dh = dy @ params.W_hy.T                                       # through h W_hy
    dW_hy = h.reshape(T * N, H).T @ dy.reshape(T * N, -1)         # sum_t h_t^T dy_t
    db_y = dy.sum(axis=(0, 1))                                    # bias gets the sum
    return dh, dW_hy, db_y
