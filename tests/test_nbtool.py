"""tools/nbtool.py: text source <-> notebook, with the setup cell first."""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbtool  # noqa: E402

SOURCE = """#%% md
# Title

Some text.

#%% code
x = 1
#%% code [hide-cell, remove-output]
print(x)
"""


def test_build_then_dump_round_trips(tmp_path):
    src, out = tmp_path / "a.nbsrc", tmp_path / "a.ipynb"
    src.write_text(SOURCE)
    nbtool.build(src, out)
    nb = nbformat.read(out, as_version=4)
    assert nb.cells[0].source == nbtool.setup_cell_source()
    assert [c.cell_type for c in nb.cells] == ["code", "markdown", "code", "code"]
    assert nb.cells[3].metadata["tags"] == ["hide-cell", "remove-output"]
    again = tmp_path / "b.nbsrc"
    again.write_text(nbtool.dump(out))
    nbtool.build(again, tmp_path / "b.ipynb")
    assert [c.source for c in nbformat.read(tmp_path / "b.ipynb", as_version=4).cells] == [c.source for c in nb.cells]


def test_execute_stores_outputs(tmp_path):
    src, out = tmp_path / "a.nbsrc", tmp_path / "a.ipynb"
    src.write_text(SOURCE)
    nbtool.build(src, out)
    nbtool.execute(out)
    nb = nbformat.read(out, as_version=4)
    assert nb.cells[3].outputs[0]["text"] == "1\n"
