"""Interactive everywhere: one call gives live controls *and* a static figure.

Every widget of the book is built with :func:`explorable`::

    explorable(render, [Control("t", range(5)), Control("model", ["RNN", "LSTM"])])

``render(**values)`` is a pure function returning a plotly figure.

* In a kernel (Jupyter, Colab; ipywidgets 7 or 8) the controls are ipywidgets;
  changing one calls ``render`` again and redraws the figure. A ``ValueError``
  raised by ``render`` (bad input) is shown as a message, never as a traceback.
* In the static book (no kernel) the cell's stored output is one plotly figure
  with a slider (or buttons) per control, over states precomputed for every
  combination of the controls' options. A few lines of JavaScript map the
  sliders' positions to the precomputed frame; no server is involved.

The book build sets ``LSTMLIB_BOOK=1``; then only the static figure is displayed
(``render`` still runs once through ``update``), because a static page has no
kernel to talk to; the unit tests and the Colab test exercise the live side.
"""
from __future__ import annotations

import html
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import plotly.graph_objects as go

from lstmlib.viz.figures import in_book_build, rounded, to_static_html, StaticHTML

__all__ = ["Control", "Explorable", "explorable", "MAX_STATES", "error_html", "live_widget_html"]

MAX_STATES = 800  # precomputed states in one static figure (keeps pages < 300 KB)
ROW_PX, SLIDER_PX = 40, 80  # height of a row of buttons and of a slider in the static figure


@dataclass(frozen=True)
class Control:
    """One control of an explorable figure.

    name: keyword passed to ``render``. options: the values offered (a sequence;
    or a dict label -> value). default: initial value (default: the first option).
    label: text shown beside the control. kind: "slider" or "buttons" (how it looks).
    live: optional factory returning an ipywidget (or any traitlets object with a
    ``value`` trait) to use in a kernel instead of the standard control, e.g. a
    pixel grid to draw on; its values need not be among ``options``.
    static: False to leave this control out of the static figure (fixed at default).
    """
    name: str
    options: Any
    default: Any = None
    label: str = ""
    kind: str = "slider"
    live: Callable[[], Any] | None = None
    static: bool = True

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Control name must be a Python identifier, got {self.name!r}")
        if self.kind not in ("slider", "buttons"):
            raise ValueError(f"Control kind must be 'slider' or 'buttons', got {self.kind!r}")
        if len(self.pairs) == 0:
            raise ValueError(f"Control {self.name!r} needs at least one option, got none")

    @property
    def pairs(self) -> list[tuple[str, Any]]:
        """(label, value) for every option."""
        opts = self.options
        if isinstance(opts, dict):
            return [(str(k), v) for k, v in opts.items()]
        return [(_label(v), v) for v in list(opts)]

    @property
    def default_index(self) -> int:
        if self.default is None:
            return 0
        for k, (lab, v) in enumerate(self.pairs):
            if _same(v, self.default) or lab == self.default:
                return k
        raise ValueError(f"Control {self.name!r}: default {self.default!r} is not one of its options")

    @property
    def default_value(self):
        return self.pairs[self.default_index][1]


def _label(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _same(a, b) -> bool:
    try:
        return bool(a == b) if not hasattr(a, "shape") else False
    except Exception:
        return False


def error_html(message: str) -> str:
    """The HTML a widget shows instead of a traceback."""
    return (f'<div class="lstmlib-error" style="color:#b00020;border:1px solid #b00020;'
            f'padding:6px;border-radius:4px">&#9888; {html.escape(str(message))}</div>')


@dataclass
class Explorable:
    """What :func:`explorable` returns: displays itself, and can be driven by code.

    ``update(**values)`` sets controls and re-renders (what a reader's click does);
    ``live_html``, when set, returns the HTML of a widget that computes in the reader's browser
    (see :func:`live_widget_html`); the static book shows it instead of precomputed frames;
    ``last_error`` holds the message of the last rejected input; ``timings``
    holds the seconds each live update took (the benchmark reads them).
    """
    render: Callable[..., go.Figure]
    controls: list[Control]
    title: str = ""
    values: dict = field(default_factory=dict)
    last_error: str | None = None
    timings: list[float] = field(default_factory=list)
    live_html: Callable[[], str] | None = None
    _widget: Any = None
    _out: Any = None
    _msg: Any = None

    # -- live (kernel) side --------------------------------------------------
    def figure(self, **values) -> go.Figure:
        """Render the figure for the current values updated with ``values``."""
        return self.render(**{**self.values, **values})

    def update(self, **values) -> bool:
        """Change controls and redraw; return False (and show why) on bad input."""
        t0 = time.perf_counter()
        self.values.update(values)
        try:
            fig = self.render(**self.values)
            rounded(fig)  # serialisation is part of the cost of an update
        except ValueError as exc:
            self.last_error = str(exc)
            self._show(error=str(exc))
            return False
        self.last_error = None
        self.timings.append(time.perf_counter() - t0)
        self._show(fig=fig)
        return True

    def _show(self, fig=None, error=None):
        if self._out is None:
            return
        self._msg.value = error_html(error) if error else ""
        # No frontend renders the Output widget during the book build: drawing into
        # it there would leak the figure into the cell's outputs.
        if fig is not None and not in_book_build():
            self._out.clear_output(wait=True)
            with self._out:
                fig.show()

    def widget(self):
        """The ipywidgets box (built once)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def _build_widget(self):
        import ipywidgets as W
        self._out, self._msg = W.Output(), W.HTML("")
        rows = []
        for c in self.controls:
            w = c.live() if c.live is not None else _standard_widget(W, c)
            w.observe(lambda change, name=c.name, ctl=c: self.update(**{name: _unwrap(ctl, change["new"])}),
                      names="value")
            rows.append(w)
        head = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        return W.VBox(head + rows + [self._msg, self._out])

    # -- static (book) side --------------------------------------------------
    def static_figure(self) -> tuple[dict, str]:
        """One figure (plotly JSON) with a slider per control over precomputed frames, and its script."""
        return _static_figure(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        if in_book_build():
            # No live widget here: its state would be saved into the page (~100 KB) for
            # nothing, since a static page has no kernel. tests/ exercise the live side.
            self.update()
            if self.live_html is not None:
                return StaticHTML(self.live_html(), text=self.title or "Live widget")._repr_mimebundle_()
            fig, script = self.static_figure()
            return StaticHTML(to_static_html(fig, post_script=script))._repr_mimebundle_()
        box = self.widget()
        self.update()
        if hasattr(box, "_repr_mimebundle_"):      # ipywidgets 8
            return box._repr_mimebundle_(include=include, exclude=exclude)
        from IPython.display import display         # ipywidgets 7
        display(box)
        return {"text/plain": ""}


def _standard_widget(W, c: Control):
    labels = [lab for lab, _ in c.pairs]
    desc = c.label or c.name
    style = {"description_width": "initial"}
    if c.kind == "buttons":
        return W.ToggleButtons(options=labels, value=labels[c.default_index], description=desc, style=style)
    return W.SelectionSlider(options=labels, value=labels[c.default_index], description=desc,
                             continuous_update=True, style=style, layout=W.Layout(width="95%"))


def _unwrap(c: Control, v):
    """Standard widgets report labels; translate to the option's value."""
    if c.live is not None:
        return v
    for lab, val in c.pairs:
        if lab == v:
            return val
    return v


def live_widget_html(widget: str, config: dict, title: str = "", description: str = "") -> str:
    """HTML of a widget computed in the reader's browser by the book's ``_static/lstmlib-live.js``.

    widget: name of the JavaScript widget (a key of ``lstmlibLive.widgets``); config: its JSON settings.
    The page loads the script only where such a ``<div class="lstmlib-live">`` occurs
    (``book/_ext/lstmlib_book.py``). Without JavaScript the reader sees ``description``.
    """
    if not isinstance(widget, str) or not widget.isidentifier():
        raise ValueError(f"widget must be the name of a JavaScript widget (an identifier), got {widget!r}")
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    data = html.escape(json.dumps(config, separators=(",", ":"), sort_keys=True), quote=True)
    head = f'<p class="lstmlib-live-title"><b>{html.escape(title)}</b></p>' if title else ""
    return (f'<section class="lstmlib-live-box" aria-label="{html.escape(title or widget, quote=True)}">{head}'
            f'<div class="lstmlib-live" data-widget="{widget}" data-config="{data}">'
            f'<p class="lstmlib-live-fallback">{html.escape(description)}</p></div></section>')


def explorable(render: Callable[..., go.Figure], controls: Sequence[Control], title: str = "") -> Explorable:
    """Make a figure explorable live (ipywidgets) and in the static book (plotly sliders).

    render: pure function ``render(**values) -> plotly Figure``; raise ValueError for bad input.
    controls: the controls, in display order.
    """
    controls = list(controls)
    if not callable(render):
        raise ValueError(f"render must be callable, got {type(render).__name__}")
    if not controls or not all(isinstance(c, Control) for c in controls):
        raise ValueError("controls must be a non-empty list of Control objects")
    names = [c.name for c in controls]
    if len(set(names)) != len(names):
        raise ValueError(f"control names must be unique, got {names}")
    n_states = 1
    for c in controls:
        if c.static:
            n_states *= len(c.pairs)
    if n_states > MAX_STATES:
        raise ValueError(f"the static figure would need {n_states} precomputed states, more than "
                         f"MAX_STATES={MAX_STATES}; mark some controls static=False or offer fewer options")
    return Explorable(render=render, controls=controls, title=title,
                      values={c.name: c.default_value for c in controls})


# JavaScript run after the static figure is drawn: keep the position of every
# slider/button group, and show the precomputed frame of that combination.
_SCRIPT = """
(function() {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !window.Plotly) { return; }
  var state = %(state)s;
  function show() {
    Plotly.animate(gd, [state.join('|')], {mode: 'immediate', transition: {duration: 0},
                                            frame: {duration: 0, redraw: true}});
  }
  function pick(value) {
    var parts = String(value).split(':');
    state[parseInt(parts[0])] = parseInt(parts[1]);
    show();
  }
  gd.on('plotly_sliderchange', function(e) { pick(e.step.value); });
  gd.on('plotly_buttonclicked', function(e) { pick(e.button.args[0]); });
})();
"""


def _button_label(c: Control, label: str) -> str:
    """A bare number on a button says nothing: write "T = 20" instead of "20"."""
    try:
        float(label)
    except ValueError:
        return label
    return f"{c.label or c.name} = {label}"


def _static_figure(ex: Explorable) -> tuple[dict, str]:
    """Precompute every state; frames carry only the attributes that vary between states."""
    static = [c for c in ex.controls if c.static]
    fixed = {c.name: c.default_value for c in ex.controls if not c.static}
    combos = list(itertools.product(*[range(len(c.pairs)) for c in static]))
    default = tuple(c.default_index for c in static)
    specs = []
    for combo in combos:
        values = dict(fixed)
        values.update({c.name: c.pairs[j][1] for c, j in zip(static, combo)})
        spec = rounded(ex.render(**values))
        for k in ("template", "height", "width", "margin", "sliders", "updatemenus"):
            spec["layout"].pop(k, None)
        specs.append(spec)
    base = specs[combos.index(default)]
    n_traces = len(base["data"])
    if any(len(s["data"]) != n_traces for s in specs):
        raise ValueError("render must return the same number of traces for every state")
    varying = [sorted({k for s in specs for k in set(s["data"][i]) | set(base["data"][i])
                       if s["data"][i].get(k) != base["data"][i].get(k)}) for i in range(n_traces)]
    moving = [i for i in range(n_traces) if varying[i]]
    lay_keys = sorted({k for s in specs for k in set(s["layout"]) | set(base["layout"])
                       if s["layout"].get(k) != base["layout"].get(k)})
    frames = [dict(name="|".join(map(str, combo)),
                   data=[{k: s["data"][i].get(k) for k in varying[i]} for i in moving],
                   traces=moving, layout={k: s["layout"].get(k) for k in lay_keys})
              for combo, s in zip(combos, specs)]
    fig = ex.render(**{**fixed, **{c.name: c.default_value for c in static}})
    # Lay the controls out in pixels around the rendered figure, which keeps its own
    # plot area: button rows above its title, sliders below its x axis.
    t0 = fig.layout.margin.t if fig.layout.margin.t is not None else 100
    b0 = fig.layout.margin.b if fig.layout.margin.b is not None else 80
    n_menus = sum(c.kind == "buttons" for c in static)
    n_sliders = len(static) - n_menus
    base_h = fig.layout.height or 450
    plot_h = max(base_h - t0 - b0, 50)
    height = base_h + ROW_PX * n_menus + SLIDER_PX * n_sliders
    sliders, menus = [], []
    for pos, c in enumerate(static):
        if c.kind == "buttons":
            above = t0 + ROW_PX * (n_menus - 1 - len(menus)) + 4    # pixels above the plot area
            menus.append(dict(type="buttons", direction="right", showactive=True, active=c.default_index,
                              x=0, xanchor="left", y=1 + above / plot_h, yanchor="bottom",
                              pad=dict(t=0, b=0), buttons=[dict(label=_button_label(c, lab), method="skip",
                                                                args=[f"{pos}:{j}"])
                                                           for j, (lab, _) in enumerate(c.pairs)]))
        else:
            sliders.append(dict(active=c.default_index, currentvalue=dict(prefix=f"{c.label or c.name}: "),
                                pad=dict(t=b0 + SLIDER_PX * len(sliders)), len=1.0, x=0, y=0, yanchor="top",
                                steps=[dict(label=lab, method="skip", args=[None], value=f"{pos}:{j}")
                                       for j, (lab, _) in enumerate(c.pairs)]))
    fig.update_layout(sliders=sliders, updatemenus=menus, height=height,
                      margin=dict(t=t0 + ROW_PX * n_menus, b=b0 + SLIDER_PX * n_sliders))
    if fig.layout.title.text:
        fig.update_layout(title=dict(yref="container", y=1 - (ROW_PX * n_menus + 6) / height, yanchor="top"))
    spec = rounded(fig)
    spec["frames"] = frames
    state = json.dumps(list(default))
    return spec, _SCRIPT % {"state": state}
