"""Package structure: the numpy core imports no plotting, widget or torch library; re-exports resolve."""
import subprocess
import sys

import lstmlib


def test_core_import_is_numpy_only():
    code = ("import sys, lstmlib; heavy = [m for m in ('torch', 'plotly', 'ipywidgets', 'sklearn') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_reexported_name_exists():
    missing = [n for n in lstmlib.__all__ if not hasattr(lstmlib, n)]
    assert not missing
