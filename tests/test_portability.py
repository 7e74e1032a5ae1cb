"""The stored notebook outputs hold on other machines, not only on the one that executed them.

nbval re-runs every notebook of the book and compares each cell's output with
the stored one. The main test run does that with this machine's own kernels.
Here the same check runs again in other configurations, combined rather than
multiplied (each configuration changes two things at once):

* Python 3.11 with other BLAS and ATen kernels forced (AVX-512 ones when the
  CPU has them), as on a newer laptop or a hosted CI machine;
* Python 3.12 (what Colab and Ubuntu 24.04 run) with the oldest x86-64 kernels
  (Sandybridge BLAS, ATen's default non-vectorised code), as on an older CPU;
* and the numpy core's own tests in an environment with numpy alone.

Each forced kernel is read back inside the run (threadpoolctl, torch) so a
run cannot silently use another. The environments come from
``tools/test_envs.py`` (built by tools/setup.sh); a missing one is a failure
with a message saying how to make it, never a skip.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import test_envs  # noqa: E402

# OpenBLAS core type -> CPU flags it needs; ATen capability -> CPU flags it needs.
OPENBLAS_NEEDS = {"SkylakeX": {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"},
                  "Haswell": {"avx2", "fma"}, "Sandybridge": {"avx"}}
ATEN_NEEDS = {"avx512": {"avx512f", "avx512bw", "avx512vl", "avx512dq"}, "avx2": {"avx2", "fma"}, "default": set()}
ATEN_REPORTS = {"avx512": "AVX512", "avx2": "AVX2", "default": "DEFAULT"}

PROBE = r"""
import json, numpy, threadpoolctl, torch
blas = [i.get("architecture") for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
print(json.dumps({"openblas": blas, "aten": torch.backends.cpu.get_cpu_capability()}))
"""


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


def kernel_set(preferred: list[tuple[str, str]]) -> dict[str, str]:
    """The first (OpenBLAS core, ATen capability) pair of ``preferred`` that this CPU supports."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip(f"forcing x86-64 BLAS/ATen kernels needs an x86-64 CPU, this is {platform.machine()}")
    flags = cpu_flags()
    for blas, aten in preferred:
        if OPENBLAS_NEEDS[blas] <= flags and ATEN_NEEDS[aten] <= flags:
            return {"OPENBLAS_CORETYPE": blas, "ATEN_CPU_CAPABILITY": aten}
    pytest.fail(f"this CPU supports none of the kernel sets {preferred} (flags: {sorted(flags)[:20]} ...)")


def forced_env(kernels: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(kernels)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra or {})
    return env


def check_kernels(python: str, env: dict[str, str]) -> None:
    """The forced kernels are the ones the run really uses."""
    out = subprocess.run([python, "-c", PROBE], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    used = json.loads(out.stdout.strip().splitlines()[-1])
    assert used["openblas"] and set(used["openblas"]) == {env["OPENBLAS_CORETYPE"]}, used
    assert used["aten"] == ATEN_REPORTS[env["ATEN_CPU_CAPABILITY"]], used


def run_nbval(python: str, env: dict[str, str], label: str) -> None:
    check_kernels(python, env)
    cmd = [python, "-m", "pytest", "book", "-n", "2", "--dist", "loadfile", "-q", "--no-header",
           "-p", "no:cacheprovider", "-p", "no:randomly", "-W", "ignore"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    tail = proc.stdout[-6000:] + proc.stderr[-2000:]
    print(f"[{label}] {tail.strip().splitlines()[-1] if tail.strip() else ''}")
    assert proc.returncode == 0, f"nbval under {label} failed:\n{tail}"


def ready(name: str) -> str:
    if not test_envs.is_ready(name):
        pytest.fail(test_envs.missing_message(name))
    return str(test_envs.interpreter(name))


def test_notebooks_under_other_kernels_python311():
    kernels = kernel_set([("SkylakeX", "avx512"), ("Sandybridge", "default")])
    run_nbval(sys.executable, forced_env(kernels), f"Python {platform.python_version()}, {kernels}")


def test_notebooks_on_python312_with_the_oldest_kernels():
    kernels = kernel_set([("Sandybridge", "default")])
    python = ready("py312")
    run_nbval(python, forced_env(kernels), f"Python 3.12, {kernels}")


def test_numpy_core_tests_need_numpy_alone():
    python = ready("numpy")
    probe = subprocess.run([python, "-c", "import importlib.util as u; print([m for m in "
                            "('torch', 'plotly', 'ipywidgets', 'sklearn', 'nbval') if u.find_spec(m)])"],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "[]", f"the numpy-only environment has more than numpy: {probe.stdout}"
    env = forced_env({}, {"LSTMLIB_NUMPY_ONLY": "1"})
    cmd = [python, "-m", "pytest", "tests/core", "-q", "--no-header", "-o", "addopts=", "-p", "no:cacheprovider"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    tail = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, f"numpy core tests failed with numpy alone:\n{tail}"
    assert " passed" in tail and "error" not in tail.lower(), tail
