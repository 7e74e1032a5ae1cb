"""Write the API appendix: book/appendix/api.md (the overview) and one page per folder (layer),
book/appendix/api-<folder>.md, holding one autodoc block per module.

    python tools/make_api_page.py           # after adding, removing or renaming a module

Sphinx's autodoc renders the blocks from the docstrings when the book is built (one page per
folder keeps each page small enough for a phone); tests/test_package.py fails when the pages are
not what this script writes. _toc.yml lists the folder pages under the overview.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APPENDIX = ROOT / "book" / "appendix"
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
itself. One page per folder:
"""


def block(module: str, members: bool) -> str:
    options = "\n      :members:" if members else ""
    return f"```{{eval-rst}}\n.. container:: api-docstrings\n\n   .. automodule:: {module}{options}\n```\n"


def modules(layer: str) -> list:
    pkg = importlib.import_module(f"lstmlib.{layer}")
    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__, f"lstmlib.{layer}.")
                  if not m.name.rsplit(".", 1)[-1].startswith("_"))


MAX_NAMES = 90      # public names on one page: about 260 KB of HTML, under the site test's page budget


def page_groups(layer: str) -> list:
    """The folder's modules cut, in order, into pages of at most MAX_NAMES public names."""
    groups, size = [[]], 0
    for m in modules(layer):
        n = len(getattr(importlib.import_module(m), "__all__", []))
        if groups[-1] and size + n > MAX_NAMES:
            groups.append([])
            size = 0
        groups[-1].append(m)
        size += n
    return groups


def page_names() -> list:
    """(file stem, layer, part, modules) of every folder page, in the order of the book."""
    out = []
    for layer in LAYERS:
        groups = page_groups(layer)
        for k, group in enumerate(groups, 1):
            out.append((f"api-{layer}" + (f"-{k}" if k > 1 else ""), layer, (k, len(groups)), group))
    return out


def pages() -> dict:
    """{file name: text} of the overview and of every folder's page."""
    listing = []
    out = {}
    for stem, layer, (k, n), group in page_names():
        title = f"`lstmlib.{layer}`" + (f" ({k} of {n})" if n > 1 else "")
        short = ", ".join(m.rsplit(".", 1)[1] for m in group)
        listing.append(f"- [{title}]({stem}.md): {short}")
        parts = [f"# {title}\n\n{block(f'lstmlib.{layer}', members=False) if k == 1 else ''}"]
        parts += [f"\n## `{m}`\n\n{block(m, members=True)}" for m in group]
        out[f"{stem}.md"] = "\n".join(parts)
    return {"api.md": INTRO + "\n" + "\n".join(listing) + "\n", **out}


if __name__ == "__main__":
    for name, text in pages().items():
        (APPENDIX / name).write_text(text)
        print(f"wrote book/appendix/{name}")
    print("_toc.yml, under book/appendix/api:\n        sections:\n" +
          "".join(f"          - file: book/appendix/{stem}\n" for stem, *_ in page_names()), end="")
