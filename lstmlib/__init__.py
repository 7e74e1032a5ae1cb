"""lstmlib: the code of the interactive book on RNNs, LSTMs and ConvNets.

The folders are the layers; each may import only the ones below it
(tests/test_package.py enforces it):

* :mod:`lstmlib.core`: numpy only. Recurrent cells (RNN, LSTM, GRU, variants), BPTT,
  losses, convolution and pooling, input validation.
* :mod:`lstmlib.data`: every data set and the lectures' numbers (imports the core).
* :mod:`lstmlib.lectures`: computations of one lecture each (imports core, data).
* :mod:`lstmlib.torchside`: everything that needs torch (imports core, data).
* :mod:`lstmlib.viz`: plotly figures, no widgets (imports core, data).
* :mod:`lstmlib.widgets`: controls and rendering of the interactive figures (imports any layer above).
* :mod:`lstmlib.exercises`: the checked exercises (imports any layer).

This namespace re-exports the numpy core's main names, so ``from lstmlib import
lstm_forward`` works; importing it loads numpy and nothing else.
"""
from . import core, data
from .core import (CoupledLSTMParams, GRUParams, GRUTrace, LSTMParams, LSTMTrace, NoForgetLSTMParams,
                   PeepholeLSTMParams, RNNParams, RNNTrace, as_float_array, backward, check_choice,
                   check_positive_int, check_probability, check_shape, clip_by_global_norm, clip_by_value, forward,
                   global_norm, gradient_norms, gru_backward, gru_forward, jacobians, last_step_gradient_norms,
                   last_step_loss, lstm_backward, lstm_forward, lstm_step, lstm_step_backward, numerical_gradient,
                   output_backward, output_forward, rnn_backward, rnn_forward, rnn_step, rnn_step_backward, sigmoid,
                   softmax, softmax_cross_entropy, spectral_norms, squared_error, truncation_cuts, variant_backward,
                   variant_forward)

__version__ = "0.1.0"

__all__ = [
    "core", "data",
    "RNNParams", "RNNTrace", "rnn_step", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "output_forward", "output_backward", "sigmoid",
    "LSTMParams", "LSTMTrace", "lstm_step", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "GRUParams", "GRUTrace", "gru_forward", "gru_backward",
    "PeepholeLSTMParams", "CoupledLSTMParams", "NoForgetLSTMParams", "variant_forward", "variant_backward",
    "forward", "backward", "softmax", "softmax_cross_entropy", "squared_error", "last_step_loss",
    "clip_by_value", "clip_by_global_norm", "global_norm", "truncation_cuts", "gradient_norms",
    "last_step_gradient_norms", "jacobians", "spectral_norms", "numerical_gradient",
    "as_float_array", "check_shape", "check_positive_int", "check_choice", "check_probability",
]
