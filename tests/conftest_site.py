"""Building the book once per test session (jupyter-book build . -W --keep-going)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


def run_build() -> subprocess.CompletedProcess:
    """The book build with warnings as errors; executed notebooks come from the cache when unchanged."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(ROOT), "-W", "--keep-going"]
    if os.environ.get("LSTMLIB_TOC"):  # a smaller table of contents, for quick local runs
        cmd += ["--toc", os.environ["LSTMLIB_TOC"]]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="session")
def build_book():
    result = run_build()
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return result
