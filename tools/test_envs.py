"""The extra Python environments the test suite checks the book in.

    python tools/test_envs.py create      # make (or reuse) both environments
    python tools/test_envs.py where       # print their interpreters

* ``py312``: Python 3.12 (what Colab and Ubuntu 24.04 run) with the exact pins of
  ``requirements.txt``. nbval re-runs every notebook there (tests/test_portability.py),
  so that the stored outputs are shown not to depend on the Python version.
  lstmlib is not installed into it: the tests put the checkout on ``PYTHONPATH``,
  so one environment serves every clone. On Linux x86-64 PyPI's torch 2.13.0 for
  3.12 is the CUDA build (about 5 GB, a few minutes): the environment is built
  once and reused while ``requirements.txt`` is unchanged.
* ``numpy``: numpy, pytest and hypothesis only: the numpy core's tests
  (``tests/core``) run there to show that the core needs nothing but numpy.

Both live under ``$LSTMLIB_ENVS`` (default ``~/.cache/lstmlib/envs``), outside the
repository. A stamp file records the pins each was built from; a change of pins
rebuilds it.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"


def envs_dir() -> Path:
    env = os.environ.get("LSTMLIB_ENVS")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "lstmlib" / "envs"


def pins() -> list[str]:
    """The exact pins of requirements.txt, without the editable install of lstmlib."""
    lines = [ln.split("#")[0].strip() for ln in REQUIREMENTS.read_text().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("-e")]


def pin_of(name: str) -> str:
    for p in pins():
        if p.split("==")[0].lower() == name:
            return p
    raise ValueError(f"requirements.txt pins no {name!r}")


def numpy_only_pins() -> list[str]:
    return [pin_of("numpy"), pin_of("pytest"), pin_of("hypothesis")]


def find_python312() -> str | None:
    """A Python 3.12 interpreter: $LSTMLIB_PYTHON312, python3.12 on PATH, or one under pyenv."""
    candidates = [os.environ.get("LSTMLIB_PYTHON312"), shutil.which("python3.12"),
                  *sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / "3.12*" / "bin" / "python3.12")),
                          reverse=True)]
    for c in candidates:
        if c and Path(c).exists() and _version(c) == (3, 12):
            return c
    return None


def _version(python: str):
    """(major, minor) of an interpreter, or None if it does not run (e.g. a pyenv shim of no version)."""
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return tuple(int(v) for v in out.stdout.split()) if out.returncode == 0 else None


ENVS = {
    "py312": {"python": find_python312, "pins": pins},
    "numpy": {"python": lambda: getattr(sys, "_base_executable", sys.executable), "pins": numpy_only_pins},
}


def interpreter(name: str) -> Path:
    """The environment's python (it may not exist yet)."""
    return envs_dir() / name / "bin" / "python"


def _stamp(name: str) -> str:
    base = ENVS[name]["python"]()
    return hashlib.sha256("\n".join([str(base), *ENVS[name]["pins"]()]).encode()).hexdigest()


def is_ready(name: str) -> bool:
    stamp = envs_dir() / name / "lstmlib-stamp"
    return interpreter(name).exists() and stamp.exists() and stamp.read_text() == _stamp(name)


def missing_message(name: str) -> str:
    base = ENVS[name]["python"]()
    if base is None:
        return ("no Python 3.12 found (looked at $LSTMLIB_PYTHON312, python3.12 on PATH and "
                "~/.pyenv/versions/3.12*): install Python 3.12, then run `python tools/test_envs.py create`")
    return (f"the {name} test environment is missing or out of date at {envs_dir() / name}: "
            f"run `python tools/test_envs.py create` (tools/setup.sh does)")


def create(name: str) -> Path:
    if is_ready(name):
        return interpreter(name)
    base = ENVS[name]["python"]()
    if base is None:
        raise SystemExit(missing_message(name))
    folder = envs_dir() / name
    if folder.exists():
        shutil.rmtree(folder)
    print(f"creating the {name} test environment in {folder} (from {base})", file=sys.stderr, flush=True)
    subprocess.run([base, "-m", "venv", str(folder)], check=True)
    py = str(interpreter(name))
    subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *ENVS[name]["pins"]()],
                   check=True)
    (folder / "lstmlib-stamp").write_text(_stamp(name))
    return interpreter(name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["create", "where"])
    parser.add_argument("names", nargs="*", default=list(ENVS))
    args = parser.parse_args(argv)
    for name in args.names:
        if args.action == "create":
            print(f"{name}: {create(name)}")
        else:
            print(f"{name}: {interpreter(name)} ({'ready' if is_ready(name) else 'missing'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
