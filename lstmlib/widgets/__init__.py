"""Interactivity: ``explorable`` (live ipywidgets in a kernel, plotly sliders in the static book) and
the flagship widgets. Controls and rendering only; the maths comes from the layers below.
"""
from .explorable import Control, Explorable, explorable, MAX_STATES, error_html, live_widget_html
from .gradients import STATIC_RHOS, STATIC_TS, Y_AXES, render_gradients, SetupPicker, ComparePicker, gradient_explorer
from .lstm_stepper import render_lstm_steps, PRESET_SEQUENCES, lstm_stepper, stepper_live_config
from .unrolled import unrolled_explorable
from .xo import (xo_images, parse_filter, parse_image, xo_state, render_xo, PixelGrid, FilterBox, xo_live_config,
                 xo_explorer, STRIDES, PADDINGS)

__all__ = ["Control", "Explorable", "explorable", "MAX_STATES", "error_html", "live_widget_html", "STATIC_RHOS", "STATIC_TS",
           "Y_AXES", "render_gradients", "SetupPicker", "ComparePicker", "gradient_explorer", "render_lstm_steps", "PRESET_SEQUENCES",
           "lstm_stepper", "stepper_live_config", "unrolled_explorable", "xo_images", "parse_filter", "parse_image", "xo_state",
           "render_xo", "PixelGrid", "FilterBox", "xo_live_config", "xo_explorer", "STRIDES", "PADDINGS"]
