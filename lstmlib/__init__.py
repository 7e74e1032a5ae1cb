"""lstmlib: the code of the interactive book on RNNs, LSTMs and ConvNets.

This namespace re-exports the numpy core, which needs nothing but numpy:

* recurrent cells and BPTT: :mod:`lstmlib.rnn`, :mod:`lstmlib.lstm`,
  :mod:`lstmlib.gru`, :mod:`lstmlib.variants`, :mod:`lstmlib.bptt`;
* convolution, ReLU and pooling of Part I: :mod:`lstmlib.conv` (as ``lstmlib.conv``);
* data sets and the lectures' numbers: :mod:`lstmlib.data` (as ``lstmlib.data``);
* input validation: :mod:`lstmlib.validate`.

Modules with heavier dependencies are imported explicitly where needed:
``lstmlib.figures`` (plotly), ``lstmlib.widgets`` (ipywidgets), ``lstmlib.torch_bridge``
and ``lstmlib.cnn`` (torch), ``lstmlib.exercises``.
"""
from . import conv, data
from .bptt import (backward, clip_by_global_norm, clip_by_value, forward, global_norm, gradient_norms,
                   jacobians, last_step_gradient_norms, last_step_loss, numerical_gradient, softmax,
                   softmax_cross_entropy, spectral_norms, squared_error, truncation_cuts)
from .gru import GRUParams, GRUTrace, gru_backward, gru_forward
from .lstm import LSTMParams, LSTMTrace, lstm_backward, lstm_forward, lstm_step, lstm_step_backward
from .rnn import (RNNParams, RNNTrace, output_backward, output_forward, rnn_backward, rnn_forward, rnn_step,
                  rnn_step_backward, sigmoid)
from .validate import as_float_array, check_choice, check_positive_int, check_probability, check_shape
from .variants import CoupledLSTMParams, NoForgetLSTMParams, PeepholeLSTMParams, variant_backward, variant_forward

__version__ = "0.1.0"

__all__ = [
    "conv", "data",
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
