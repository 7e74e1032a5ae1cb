"""Every notebook of the book: the same Colab setup cell first, stored outputs, no stored errors."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbtool  # noqa: E402


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [ch["file"] for ch in part["chapters"]]
    return files


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("book/**/*.ipynb"))


def test_every_toc_entry_exists():
    missing = [f for f in toc_files() if not any((ROOT / (f + ext)).exists() for ext in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc():
    listed = set(toc_files())
    stray = [str(nb.relative_to(ROOT)) for nb in notebooks()
             if str(nb.relative_to(ROOT).with_suffix("")) not in listed and ".ipynb_checkpoints" not in str(nb)]
    assert not stray, f"notebooks not in _toc.yml (never built or tested in the book): {stray}"


@pytest.mark.parametrize("nb_path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_setup_cell_is_first_and_identical(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code"
    assert first.source == nbtool.setup_cell_source(), (
        f"{nb_path.name}: the first cell differs from the standard Colab setup cell "
        "(rebuild it with tools/nbtool.py)")


def test_setup_cell_uses_the_configured_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert f"git+{url}" in nbtool.setup_cell_source()
    assert url.startswith("https://")


@pytest.mark.parametrize("nb_path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_stored_outputs_and_no_errors(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][1:]  # the setup cell prints nothing
    assert code, f"{nb_path.name} has no code cells"
    assert all(c.execution_count is not None for c in code), f"{nb_path.name} has unexecuted cells"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{nb_path.name} stores an error output"
    size = len(json.dumps(nb))
    assert size < 1_000_000, f"{nb_path.name} is {size} bytes: plotly.js or images stored inline?"


def test_setup_cell_does_nothing_outside_colab():
    namespace: dict = {}
    exec(compile(nbtool.setup_cell_source(), "setup", "exec"), namespace)
    assert namespace["IN_COLAB"] is False
