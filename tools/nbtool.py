"""Author and execute the book's notebooks.

    python tools/nbtool.py build SRC.nbsrc OUT.ipynb   # text source -> notebook (setup cell added)
    python tools/nbtool.py dump NB.ipynb > SRC.nbsrc    # notebook -> text source, for editing
    python tools/nbtool.py execute NB.ipynb [...]       # run in place as the book build does
    python tools/nbtool.py sync SRC.nbsrc NB.ipynb      # prose-only edit: rebuild, keep the outputs

The text source is plain: a line ``#%% md`` or ``#%% code`` starts a cell; tags
follow in brackets, e.g. ``#%% code [hide-input]``. The setup cell (see
``SETUP_CELL``) is always the first cell and is never written in the source.

Execution sets ``LSTMLIB_BOOK=1`` (static figures, as in the built book) and
runs each notebook in its own folder, exactly as nbval and the build do.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def repository_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def setup_cell_source() -> str:
    """The first cell of every notebook (tests/test_setup_cells.py keeps them identical)."""
    return (
        "# Colab only: install lstmlib from the book's repository. Elsewhere this cell does nothing.\n"
        "import os, subprocess, sys\n"
        "try:\n"
        "    import google.colab  # noqa: F401  (exists only on Colab)\n"
        "    IN_COLAB = True\n"
        "except ImportError:\n"
        "    IN_COLAB = False\n"
        "if IN_COLAB:\n"
        f"    source = os.environ.get(\"LSTMLIB_SOURCE\", \"git+{repository_url()}\")\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", f\"lstmlib @ {source}\"], check=True)"
    )


def _cell(kind: str, lines: list[str], tags: list[str]):
    text = "\n".join(lines).strip("\n")
    cell = nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def build(src: Path, out: Path) -> None:
    cells, kind, tags, lines = [], None, [], []
    for line in src.read_text().splitlines():
        m = re.match(r"^#%%\s+(md|code)\s*(?:\[(.*)\])?\s*$", line)
        if m:
            if kind:
                cells.append(_cell(kind, lines, tags))
            kind, lines = m.group(1), []
            tags = [t.strip() for t in (m.group(2) or "").split(",") if t.strip()]
        elif kind:
            lines.append(line)
    if kind:
        cells.append(_cell(kind, lines, tags))
    setup = nbformat.v4.new_code_cell(setup_cell_source())
    setup.metadata["tags"] = ["colab-setup", "remove-cell"]
    nb = nbformat.v4.new_notebook(cells=[setup] + cells)
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    nbformat.write(nb, out)


def dump(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    parts = []
    for cell in nb.cells[1:]:
        tags = cell.metadata.get("tags", [])
        head = f"#%% {'md' if cell.cell_type == 'markdown' else 'code'}" + (f" [{', '.join(tags)}]" if tags else "")
        parts.append(head + "\n" + cell.source + "\n")
    return "\n".join(parts)


def execute(nb_path: Path, timeout: int = 600) -> float:
    from nbclient import NotebookClient
    os.environ["LSTMLIB_BOOK"] = "1"
    nb = nbformat.read(nb_path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    wall = time.perf_counter() - t0
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, nb_path)
    return wall


def sync(src: Path, nb_path: Path) -> None:
    """Rebuild NB from SRC keeping NB's stored outputs, when only markdown changed.

    The outputs are kept only if the code cells (source and tags) are exactly the old ones, in the
    same order: then every cell runs in the same state as before and its outputs cannot differ.
    Otherwise it refuses, and the notebook must be built and executed.
    """
    old = nbformat.read(nb_path, as_version=4)
    tmp = nb_path.with_suffix(".sync.ipynb")
    build(src, tmp)
    new = nbformat.read(tmp, as_version=4)
    tmp.unlink()
    key = lambda nb: [(c.source, c.metadata.get("tags", [])) for c in nb.cells if c.cell_type == "code"]
    if key(old) != key(new):
        raise SystemExit(f"{src}: code cells changed; run build and execute instead of sync")
    old_code = iter(c for c in old.cells if c.cell_type == "code")
    for cell in new.cells:
        if cell.cell_type == "code":
            was = next(old_code)
            cell.outputs, cell.execution_count = was.outputs, was.execution_count
    new.metadata = old.metadata
    nbformat.write(new, nb_path)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[0], [Path(a) for a in argv[1:]]
    if cmd == "build":
        build(args[0], args[1])
    elif cmd == "dump":
        sys.stdout.write(dump(args[0]))
    elif cmd == "sync":
        sync(args[0], args[1])
    elif cmd == "execute":
        for nb in args:
            print(f"{nb}: {execute(nb):.1f} s", flush=True)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
