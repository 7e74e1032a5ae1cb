"""Figures of repeated training runs: curves with their spread over seeds, accuracies per seed.

A run is a dict with at least ``model``, ``lr``, ``seed``, ``losses`` (one value per epoch) and
``test_acc``, as ``lstmlib.torchside.cnn.digits_runs`` returns it (plain data: no torch needed here).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["RUN_COLOURS", "curves_by_lr", "accuracy_by_seed"]

RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def _check_runs(runs):
    if not isinstance(runs, (list, tuple)) or not runs or not all(isinstance(r, dict) for r in runs):
        raise ValueError(f"runs must be a non-empty list of dicts, got {type(runs).__name__}")
    missing = {"model", "lr", "seed", "losses", "test_acc"} - set(runs[0])
    if missing:
        raise ValueError(f"each run needs the keys model, lr, seed, losses, test_acc; missing {sorted(missing)}")


def curves_by_lr(runs, *, title: str = "", height: int = 330) -> go.Figure:
    """One panel per learning rate: each model's training loss per epoch, the median over seeds as a
    line and the band from the lowest to the highest seed shaded (log scale)."""
    _check_runs(runs)
    lrs = sorted({r["lr"] for r in runs})
    models = list(dict.fromkeys(r["model"] for r in runs))
    fig = make_subplots(rows=1, cols=len(lrs), shared_yaxes=True, subplot_titles=[f"lr = {lr:g}" for lr in lrs],
                        horizontal_spacing=0.03)
    for c, lr in enumerate(lrs, 1):
        for m, model in enumerate(models):
            curves = np.array([r["losses"] for r in runs if r["model"] == model and r["lr"] == lr])   # (seeds, epochs)
            if not len(curves):
                continue
            x = np.arange(1, curves.shape[1] + 1)
            colour = RUN_COLOURS[m % len(RUN_COLOURS)]
            fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[curves.max(0), curves.min(0)[::-1]],
                                     fill="toself", fillcolor=colour, opacity=0.2, line=dict(width=0),
                                     hoverinfo="skip", showlegend=False), row=1, col=c)
            fig.add_trace(go.Scatter(x=x, y=np.median(curves, 0), mode="lines", line=dict(color=colour),
                                     name=f"{model} (median, band: min to max over {len(curves)} seeds)",
                                     legendgroup=model, showlegend=c == 1), row=1, col=c)
        fig.update_xaxes(title_text="epoch", row=1, col=c)
    fig.update_yaxes(type="log", title_text="training loss", row=1, col=1)
    fig.update_layout(title=title, **_legend_below(height, len(models)))
    return fig


def _legend_below(height: int, rows: int) -> dict:
    """Layout keys for a legend at the bottom of the figure, under the axis titles, with room for one row per
    model (a phone puts each long entry on its own row): the plot area keeps ``height`` minus the margins."""
    extra = 22 * rows
    return dict(height=height + extra, margin=dict(b=70 + extra),
                legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="bottom", yref="container"))


def accuracy_by_seed(runs, *, title: str = "", height: int = 330) -> go.Figure:
    """Test accuracy of every run: one column of points per model and learning rate, the median marked."""
    _check_runs(runs)
    lrs = sorted({r["lr"] for r in runs})
    models = list(dict.fromkeys(r["model"] for r in runs))
    fig = go.Figure()
    for m, model in enumerate(models):
        colour = RUN_COLOURS[m % len(RUN_COLOURS)]
        for lr in lrs:
            acc = [r["test_acc"] for r in runs if r["model"] == model and r["lr"] == lr]
            label = [f"lr {lr:g}"] * len(acc)
            fig.add_trace(go.Scatter(x=[label, [model] * len(acc)], y=acc, mode="markers", opacity=0.6,
                                     marker=dict(color=colour, size=7), name=model, legendgroup=model,
                                     showlegend=False))
            fig.add_trace(go.Scatter(x=[label[:1], [model]], y=[float(np.median(acc))], mode="markers",
                                     marker=dict(color=colour, symbol="line-ew-open", size=22, line=dict(width=3)),
                                     name=model, legendgroup=model, showlegend=lr == lrs[0]))
    fig.update_layout(title=title, yaxis_title="test accuracy", **_legend_below(height + 20, len(models)))
    return fig
