"""lstmlib: the code of the interactive book on RNNs, LSTMs and ConvNets.

The numpy core (this namespace) has no plotting or widget dependencies.
Figures live in ``lstmlib.figures``, widgets in ``lstmlib.widgets``, torch
conversions and training in ``lstmlib.torch_bridge``, exercises in
``lstmlib.exercises``.
"""
from .validate import as_float_array, check_shape, check_positive_int, check_choice, check_probability

__version__ = "0.1.0"

__all__ = ["as_float_array", "check_shape", "check_positive_int", "check_choice", "check_probability"]
