"""Building the book once per test session (jupyter-book build . -W --keep-going)."""
from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


def stored_outputs_config() -> Path:
    """_config.yml with ``execute_notebooks: "off"``, written under _build/: the pages show the outputs
    stored in the .ipynb files (the ones nbval checks) instead of executing every notebook."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*execute_notebooks:)\s*\S+.*$", r'\1 "off"', text)
    assert n == 1, "_config.yml has no execute_notebooks line"
    # Jupyter Book reads local_extensions relative to the config file's folder: make it absolute.
    text = re.sub(r"(?m)^(\s*lstmlib_book:)\s*(\S+)\s*$", lambda m: f"{m[1]} {ROOT / m[2]}", text)
    out = ROOT / "_build" / "_config-stored-outputs.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def run_build() -> subprocess.CompletedProcess:
    """The book build with warnings as errors; executed notebooks come from the cache when unchanged.

    Two switches for quick local runs (CI sets neither): ``LSTMLIB_TOC=<file>`` builds a smaller table of
    contents, and ``LSTMLIB_STORED_OUTPUTS=1`` executes no notebook (the pages show the outputs stored in
    the .ipynb files, which is what the executed build shows when those outputs are up to date: a few
    minutes instead of executing every notebook).
    """
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(ROOT), "-W", "--keep-going"]
    if os.environ.get("LSTMLIB_TOC"):  # a smaller table of contents, for quick local runs
        cmd += ["--toc", os.environ["LSTMLIB_TOC"]]
    if os.environ.get("LSTMLIB_STORED_OUTPUTS") == "1":
        cmd += ["--config", str(stored_outputs_config())]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="session")
def build_book():
    result = run_build()
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return result


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):
    """Debian's /usr/bin/chromium where it exists, else the Chromium of Playwright's own installer.

    tools/setup.sh installs one or the other (`python -m playwright install chromium` where there
    is no apt-get, e.g. on macOS).
    """
    if Path(CHROMIUM).exists():
        return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        return playwright.chromium.launch(args=FLAGS)
    except Exception as exc:  # Playwright's message names the missing browser
        pytest.fail(f"no Chromium: {CHROMIUM} is missing and Playwright's own failed to start ({exc}). "
                    "Install Debian's chromium (apt-get install chromium) or run "
                    "`python -m playwright install chromium`.")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(build_book):
    """The built site served on a free localhost port."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()
