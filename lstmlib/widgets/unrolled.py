"""The unrolled-RNN figure as an explorable (a slider over the time step).
"""
from __future__ import annotations
from lstmlib.core.validate import as_float_array
from lstmlib.viz.rnn_figures import _labels, unrolled_figure
from lstmlib.widgets.explorable import Control, explorable

__all__ = ["unrolled_explorable"]



def unrolled_explorable(x_labels, h, y_labels, title: str = ""):
    """``unrolled_figure`` with a time-step slider and buttons "unrolled" / "loop" (explorable)."""
    h = as_float_array(h, "h", 2, "(T, H)")
    T = h.shape[0]
    _labels(x_labels, T, "x_labels"), _labels(y_labels, T, "y_labels")

    def render(step, view):
        return unrolled_figure(x_labels, h, y_labels, step, view)

    return explorable(render, [Control("step", list(range(T)), default=T - 1, label="time step t"),
                               Control("view", ["unrolled", "loop"], kind="buttons", label="view")],
                      title=title)
