"""Write book/appendix/api.md: one autodoc block per module of lstmlib, grouped by folder (layer).

    python tools/make_api_page.py           # after adding, removing or renaming a module

Sphinx's autodoc renders the blocks from the docstrings when the book is built;
tests/test_package.py fails when the page is not what this script writes.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGE = ROOT / "book" / "appendix" / "api.md"
LAYERS = ("core", "data", "lectures", "torchside", "viz", "widgets", "exercises")

INTRO = """# API of `lstmlib`

Every public function and class of the package, rendered by Sphinx's autodoc from the code's own
docstrings when the book is built, so this page cannot drift from the code. Names in a docstring
that refer to other parts of the package are links. Read a full definition with
`inspect.getsource`, as the chapters do, or `help(...)` in a notebook. The docstrings are written
to be read in a terminal too, so their formulas are plain text (`h_{t-1}`, `W_x*`), not typeset.

The package's folders are its layers, listed here from the bottom up: `core` (numpy only),
`data`, then `lectures`, `torchside` and `viz` (each importing only the core and the data),
`widgets` on top of them, and `exercises`, which may use any of them. Every name can be imported
from its folder (`from lstmlib.core import lstm_forward`), from its module, or from `lstmlib`
itself.
"""


def block(module: str, members: bool) -> str:
    options = "\n      :members:" if members else ""
    return f"```{{eval-rst}}\n.. container:: api-docstrings\n\n   .. automodule:: {module}{options}\n```\n"


def modules(layer: str) -> list:
    pkg = importlib.import_module(f"lstmlib.{layer}")
    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__, f"lstmlib.{layer}.")
                  if not m.name.rsplit(".", 1)[-1].startswith("_"))


def page() -> str:
    parts = [INTRO]
    for layer in LAYERS:
        parts.append(f"\n## `lstmlib.{layer}`\n\n{block(f'lstmlib.{layer}', members=False)}")
        parts += [f"\n### `{m}`\n\n{block(m, members=True)}" for m in modules(layer)]
    return "\n".join(parts)


if __name__ == "__main__":
    PAGE.write_text(page())
    print(f"wrote {PAGE.relative_to(ROOT)}")
