"""The worked numbers of the source lectures, exactly as the slides give them.

Each function cites the slide its numbers come from, so the book's chapters and
tests can reuse them as fixtures (QuantEcon style: known cases from the lectures).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CountingExample", "counting_example", "traffic_lecture", "lecture_filters",
           "lecture_slide_values"]


@dataclass(frozen=True)
class CountingExample:
    """The CS 615 "Counting Example": input 1, desired outputs 2 then 3.

    Shapes (time-first, one sequence): ``x``, ``targets``, ``y``: ``(2, 1, 3)``;
    ``h``: ``(2, 1, 2)``; ``h0``: ``(1, 2)``. Field names follow the book's
    notation; the lecture's names are available as properties ``U``, ``W``, ``V``.

    Fields
    ------
    x : one-hot inputs, ``x[0] = [1, 0, 0]`` (the number 1), ``x[1] = [0, 0, 0]`` (no input).
    targets : one-hot desired outputs, 2 -> ``[0, 1, 0]`` then 3 -> ``[0, 0, 1]``.
    h0 : initial hidden state, zeros.
    W_xh : the lecture's U ``(3, 2)``, input to hidden.
    W_hh : the lecture's W ``(2, 2)``, hidden to hidden.
    W_hy : the lecture's V ``(2, 3)``, hidden to output.
    h, y : the forward pass the slides print (linear activations, no biases),
    :math:`h_t = x_t W_{xh} + h_{t-1} W_{hh}`, :math:`y_t = h_t W_{hy}`.
    """

    x: np.ndarray
    targets: np.ndarray
    h0: np.ndarray
    W_xh: np.ndarray
    W_hh: np.ndarray
    W_hy: np.ndarray
    h: np.ndarray
    y: np.ndarray

    @property
    def U(self) -> np.ndarray:
        """The lecture's U (input to hidden) = ``W_xh``."""
        return self.W_xh

    @property
    def W(self) -> np.ndarray:
        """The lecture's W (hidden to hidden) = ``W_hh``."""
        return self.W_hh

    @property
    def V(self) -> np.ndarray:
        """The lecture's V (hidden to output) = ``W_hy``."""
        return self.W_hy


def counting_example() -> CountingExample:
    """The numbers of the CS 615 *Recurrent Neural Networks* slides, "Counting Example".

    Slides "Counting Example" and "Example" (lecture file ``002``): one-to-many,
    input 1, desired output sequence 2, 3, one-hot encoded with three classes;
    hidden size 2, :math:`h^{(0)} = [0, 0]`, and the given weights

    .. math::
        U = \\begin{bmatrix} -0.1565 & 0.9190 \\\\ 0.8315 & 0.3115 \\\\ 0.5844 & -0.9286 \\end{bmatrix},\\;
        V = \\begin{bmatrix} 0.6983 & 0.3575 & 0.4863 \\\\ 0.8680 & 0.5155 & -0.2155 \\end{bmatrix},\\;
        W = \\begin{bmatrix} 0.3110 & 0.4121 \\\\ -0.6576 & -0.9363 \\end{bmatrix}

    with :math:`neth^{(t)} = h^{(t-1)} W + x^{(t)} U` and :math:`neto^{(t)} = h^{(t)} V`.
    The slides' forward pass (4 decimals): :math:`h^{(1)} = [-0.1565, 0.9190]`,
    :math:`\\hat y^{(1)} = [0.6884, 0.4178, -0.2742]`, :math:`h^{(2)} = [-0.6530, -0.9250]`,
    :math:`\\hat y^{(2)} = [-1.2588, -0.7102, -0.1182]`; argmax gives (1, 3), not (2, 3).
    The text extraction of the slides lost the minus signs of :math:`h^{(2)}_2` and
    :math:`\\hat y^{(2)}_{2,3}`; the values here carry them (they follow from U, V, W).
    """
    U = np.array([[-0.1565, 0.9190],
                  [0.8315, 0.3115],
                  [0.5844, -0.9286]])
    V = np.array([[0.6983, 0.3575, 0.4863],
                  [0.8680, 0.5155, -0.2155]])
    W = np.array([[0.3110, 0.4121],
                  [-0.6576, -0.9363]])
    x = np.array([[[1.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]]])  # (T, N, D) = (2, 1, 3)
    targets = np.array([[[0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]]])  # (2, 1, 3)
    h = np.array([[[-0.1565, 0.9190]], [[-0.6530, -0.9250]]])  # (2, 1, 2)
    y = np.array([[[0.6884, 0.4178, -0.2742]], [[-1.2588, -0.7102, -0.1182]]])  # (2, 1, 3)
    return CountingExample(x=x, targets=targets, h0=np.zeros((1, 2)), W_xh=U, W_hh=W, W_hy=V, h=h, y=y)


def traffic_lecture():
    """The network-traffic observations of R. Singh, *LSTM Networks: Fundamentals*.

    Slide "Simple Example: Network Traffic Prediction" (lecture file ``000``):
    requests per hour of an http service over the past 8 hours, 10:00 PM to
    5:00 AM; the slide asks for the traffic at 6:00 AM.

    Returns ``(hours, traffic)``: a tuple of 8 hour labels and a float64 array ``(8,)``.
    """
    hours = ("10:00 PM", "11:00 PM", "12:00 AM", "1:00 AM", "2:00 AM", "3:00 AM", "4:00 AM", "5:00 AM")
    traffic = np.array([530.0, 645.0, 732.0, 845.0, 865.0, 720.0, 485.0, 366.0])
    return hours, traffic


def lecture_filters() -> dict[str, np.ndarray]:
    """The lecture's three 3x3 filters, in slide order: diagonal '\\', 'X', diagonal '/'."""
    d = -np.ones((3, 3)) + 2 * np.eye(3)
    x = np.maximum(d, d[:, ::-1])
    return {"diagonal \\": d, "X": x, "diagonal /": d[:, ::-1].copy()}


def lecture_slide_values() -> dict[str, np.ndarray]:
    """Numbers as printed on the lecture's slides (text extraction), for comparison.

    Keys: ``map1``..``map3`` (7x7 feature maps of the X with the three filters),
    ``relu1``..``relu3`` (after ReLU, slide "ReLU layer"), ``relu2_pool``/``relu3_pool``
    (the same maps as reprinted on the pooling slide), ``pool1``..``pool3`` (4x4),
    ``pool_again`` (the three 2x2 maps of the "Deep stacking" slide, stacked (3, 2, 2)).
    """
    a = np.array
    map1 = a([[.77, -.11, .11, .33, .55, -.11, .33], [-.11, 1, -.11, .33, -.11, .11, -.11],
              [.11, -.11, 1, -.33, .11, -.11, .55], [.33, .33, -.33, .55, -.33, .33, .33],
              [.55, -.11, .11, -.33, 1, -.11, .11], [-.11, .11, -.11, .33, -.11, 1, -.11],
              [.33, -.11, .55, .33, .11, -.11, .77]])
    map2 = a([[.33, -.55, .11, -.11, .11, -.55, .33], [-.55, .55, -.55, .33, -.55, .55, -.55],
              [.11, -.55, .55, -.77, .55, -.55, .11], [-.11, .33, -.77, 1, -.77, .33, -.11],
              [.11, -.55, .55, -.77, .55, -.55, .11], [-.55, .55, -.55, .33, -.55, .55, -.55],
              [.33, -.55, .11, -.11, .11, -.55, .33]])
    map3 = a([[.33, -.11, .55, .33, .11, -.11, .77], [-.11, .11, -.11, .33, -.11, 1, -.11],
              [.55, -.11, .11, -.33, 1, -.11, .11], [.33, .33, -.33, .55, -.33, .33, .33],
              [.11, -.11, 1, -.33, .11, -.11, .55], [-.11, 1, -.11, .33, -.11, .11, -.11],
              [.77, -.11, .11, .33, .55, -.11, .33]])
    relu3 = np.maximum(map3, 0)
    relu3[4] = [.11, 0, 1, 0, 0, .11, 0]                      # as printed on the "ReLU layer" slide
    relu2_pool = np.maximum(map2, 0)
    relu2_pool[1, 1], relu2_pool[3, 1] = .33, .55             # as reprinted on the pooling slide
    relu3_pool = np.maximum(map3, 0)
    relu3_pool[0, 3] = .11
    relu3_pool[3] = [.11, 0, .55, 0, .33, .33, 0]
    return {
        "map1": map1, "map2": map2, "map3": map3,
        "relu1": np.maximum(map1, 0), "relu2": np.maximum(map2, 0), "relu3": relu3,
        "relu2_pool": relu2_pool, "relu3_pool": relu3_pool,
        "pool1": a([[1, .33, .55, .33], [.33, 1, .33, .55], [.55, .33, 1, .11], [.33, .55, .11, .77]]),
        "pool2": a([[.55, .33, .55, .33], [.33, 1, .55, .11], [.55, .55, .55, .11], [.33, .11, .11, .33]]),
        "pool3": a([[.33, .55, 1, .77], [.55, .55, 1, .33], [1, 1, .11, .55], [.77, .33, .55, .33]]),
        "pool_again": a([[[1, .55], [.55, 1]], [[1, .55], [.55, .55]], [[.55, 1], [1, .55]]]),
    }
