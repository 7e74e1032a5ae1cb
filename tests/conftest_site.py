"""Building the book once per test session (jupyter-book build . -W --keep-going)."""
from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
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
