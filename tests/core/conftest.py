"""The numpy core's tests: they need numpy alone, except the parity checks against torch.

``torch`` and ``torch_bridge`` are fixtures, not module imports, so that this folder
also runs in an environment with nothing but numpy, pytest and hypothesis
(tests/test_portability.py does, with LSTMLIB_NUMPY_ONLY=1): there the parity tests
skip, one by one. In the full suite a missing torch is an error, never a skip.
"""
from __future__ import annotations

import importlib
import os

import pytest

NUMPY_ONLY = os.environ.get("LSTMLIB_NUMPY_ONLY") == "1"


def _need(module: str):
    if NUMPY_ONLY:
        return pytest.importorskip(module, reason=f"a parity test against {module}: numpy-only environment")
    return importlib.import_module(module)


@pytest.fixture(scope="session")
def torch():
    return _need("torch")


@pytest.fixture(scope="session")
def torch_bridge():
    return _need("lstmlib.torchside.bridge")
