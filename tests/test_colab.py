"""The Colab route: a notebook run outside the repository, in a fresh virtual environment.

The environment holds what Colab preinstalls, at current releases (numpy, plotly,
tqdm, scikit-learn, ipykernel) plus ipywidgets 7.7.1 as Colab ships it. torch is
the pinned CPU wheel (an unpinned torch is a multi-GB CUDA download). A stub
``google.colab`` module makes the setup cell believe it runs on Colab; the
environment variable LSTMLIB_SOURCE points its ``pip install`` at this checkout
instead of the public repository. lstmlib is *not* installed beforehand: only the
setup cell installs it. Widgets run live (no LSTMLIB_BOOK), on ipywidgets 7.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The three flagship widgets (X/O convolution, gradient norms, LSTM stepper) and the demo page.
NOTEBOOKS = ["book/front/interactive.ipynb", "book/part1/03-convolution.ipynb",
             "book/part3/01-vanishing-gradients.ipynb", "book/part3/03-stepping-through-an-lstm.ipynb"]
COLAB_PACKAGES = ["numpy", "plotly", "tqdm", "scikit-learn", "ipykernel", "nbclient", "nbformat",
                  "ipywidgets==7.7.1"]

RUNNER = textwrap.dedent("""
    import json, sys, nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(sys.argv[1], as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
    mimes = sorted({k for c in nb.cells if c.cell_type == "code" for o in c.outputs for k in o.get("data", {})})
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    print(json.dumps({"mimes": mimes, "errors": len(errors)}))
""")


def _run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def colab_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("colab")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", "torch==2.13.0", *COLAB_PACKAGES])
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    stub = site / "google" / "colab"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('"""Stand-in for Colab\'s module, for tests only."""\n')
    return base, py


def test_lstmlib_is_not_preinstalled(colab_env):
    _, py = colab_env
    result = subprocess.run([str(py), "-c", "import lstmlib"], capture_output=True, text=True, cwd="/")
    assert result.returncode != 0


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_as_on_colab(colab_env, notebook):
    base, py = colab_env
    src = ROOT / notebook
    if not src.exists():
        pytest.fail(f"{notebook} is missing")
    work = base / src.stem
    work.mkdir()
    shutil.copy(src, work / src.name)
    (work / "run.py").write_text(RUNNER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LSTMLIB_", "PYTHON", "VIRTUAL_ENV"))}
    env["LSTMLIB_SOURCE"] = f"file://{ROOT}"
    env["PATH"] = f"{py.parent}:{env['PATH']}"
    result = _run([str(py), str(work / "run.py"), str(work / src.name), str(work)], cwd=work, env=env)
    report = result.stdout.strip().splitlines()[-1]
    assert '"errors": 0' in report, report
    # live ipywidgets (version 7) were displayed, not the static book figure
    assert "application/vnd.jupyter.widget-view+json" in report, report
    version = _run([str(py), "-c", "import ipywidgets, lstmlib; print(ipywidgets.__version__)"], cwd=work, env=env)
    assert version.stdout.strip() == "7.7.1"
