"""Interactivity: ``explorable`` (live ipywidgets in a kernel, plotly sliders in the static book) and
the flagship widgets. Controls and rendering only; the maths comes from the layers below.
"""
from .explorable import Control, Explorable, explorable, MAX_STATES, error_html
from .gradients import STATIC_RHOS, STATIC_TS, render_gradients, SetupPicker, gradient_explorer
from .lstm_stepper import render_lstm_steps, PRESET_SEQUENCES, lstm_stepper
from .unrolled import unrolled_explorable
from .xo import (xo_images, parse_filter, parse_image, render_xo, PixelGrid, FilterBox, xo_explorer,
                 STATIC_POSITIONS)

__all__ = ["Control", "Explorable", "explorable", "MAX_STATES", "error_html", "STATIC_RHOS", "STATIC_TS",
           "render_gradients", "SetupPicker", "gradient_explorer", "render_lstm_steps", "PRESET_SEQUENCES",
           "lstm_stepper", "unrolled_explorable", "xo_images", "parse_filter", "parse_image", "render_xo",
           "PixelGrid", "FilterBox", "xo_explorer", "STATIC_POSITIONS"]
