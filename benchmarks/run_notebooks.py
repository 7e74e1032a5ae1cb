"""Wall time to execute every notebook of the book, as the build does (LSTMLIB_BOOK=1).

    python benchmarks/run_notebooks.py [NOTEBOOK ...]

Runs each notebook on a temporary copy (the stored outputs are not touched),
prints a table and the total, and marks notebooks over the 60 s budget.
Printed figures, not a timed test: timings depend on the machine.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 60.0


def run(nb_path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / nb_path.name
        shutil.copy(nb_path, copy)
        nb = nbformat.read(copy, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(nb_path.parent)}}).execute()
        return time.perf_counter() - t0


def main(paths: list[str]) -> int:
    os.environ["LSTMLIB_BOOK"] = "1"
    notebooks = [Path(p) for p in paths] or sorted(ROOT.glob("book/**/*.ipynb"))
    print(f"{os.cpu_count()} CPU cores; budget {BUDGET:.0f} s per notebook")
    total, over = 0.0, []
    for nb in notebooks:
        wall = run(nb.resolve())
        total += wall
        flag = "  OVER BUDGET" if wall > BUDGET else ""
        print(f"{wall:7.1f} s  {nb.relative_to(ROOT) if nb.is_absolute() else nb}{flag}", flush=True)
        if wall > BUDGET:
            over.append(nb)
    print(f"{total:7.1f} s  total over {len(notebooks)} notebooks")
    print(f"{len(over)} notebook(s) over budget")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
