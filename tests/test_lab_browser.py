"""JupyterLab as a reporter uses it (`make lab`): a real server on loopback, a notebook opened in
headless Chromium, every cell run, and an Altair chart drawn without any request leaving the
machine.

The server runs on a random free port with token auth, in temporary config/data/runtime folders
(so nothing global is touched) on a temporary copy of analysis/ (so autosave cannot write
outputs into the committed notebooks), and is always shut down.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from ofsted_record import notebooks as nbs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "01_the_record"
START_TIMEOUT = 90  # seconds for the server to answer
RUN_TIMEOUT_MS = 240_000  # every cell, on 2 shared cores
LOCAL_HOSTS = {"127.0.0.1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_command(root: Path, port: int, token: str) -> list[str]:
    """The `make lab` command line, on a given port and folder, without opening a browser."""
    return [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # this machine's sessions run as root
    ]


def wait_until_answering(url: str, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds until ``url`` answers 200 (fails if the server exits or time runs out)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab exited with code {proc.returncode} (see its log)")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"JupyterLab did not answer {url} within {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    """End the server and its kernels (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def lab(tmp_path: Path, warehouse_path: Path) -> Iterator[tuple[str, str]]:
    root = tmp_path / "analysis"
    root.mkdir()
    for path in nbs.analysis_dir().iterdir():
        if path.suffix in {".py", ".ipynb", ".toml"}:
            shutil.copy2(path, root / path.name)
    jupyter = tmp_path / "jupyter"
    nbs.ensure_kernel(jupyter / "prefix")  # the project's kernel, registered only in here
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "JUPYTER_PATH": str(jupyter / "prefix" / "share" / "jupyter"),
        "IPYTHONDIR": str(jupyter / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    env.pop(nbs.DISPLAY_ENV, None)  # the kernel must choose live charts by itself
    port, token = _free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        lab_command(root, port, token),
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base}/api/status?token={token}", proc, START_TIMEOUT)
        except AssertionError as exc:
            log.flush()
            tail = (tmp_path / "lab.log").read_text()[-1500:]
            raise AssertionError(f"{exc}\n{tail}") from None
        yield base, token
    finally:
        stop(proc)
        log.close()


def test_notebook_runs_in_jupyterlab_and_draws_a_chart_offline(lab, chromium_path, chromium_args):
    from playwright.sync_api import sync_playwright

    base, token = lab
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(RUN_TIMEOUT_MS)
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.goto(f"{base}/lab/tree/{NOTEBOOK}.ipynb?token={token}")
            page.locator(".jp-NotebookPanel").first.wait_for()
            # The notebook names the project's kernel; wait until it is up and idle.
            page.locator(".jp-Toolbar-kernelName", has_text=nbs.KERNEL_DISPLAY_NAME).wait_for()
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            # Every code cell gets an execution count when the run is over.
            page.wait_for_function(
                """() => {
                    const prompts = [...document.querySelectorAll(
                        '.jp-CodeCell .jp-InputArea-prompt')];
                    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
                }"""
            )
            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, errors.first.inner_text()[:2000]
            # Altair's offline jupyter renderer: vega-embed draws marks into SVG or a canvas.
            chart = page.locator(".vega-embed").first
            chart.wait_for()
            chart.scroll_into_view_if_needed()
            drawn = chart.evaluate(
                """el => {
                    const svg = el.querySelector('svg.marks');
                    if (svg) return svg.querySelectorAll('path, rect, line').length;
                    const canvas = el.querySelector('canvas.marks');
                    if (!canvas || !canvas.width) return 0;
                    const data = canvas.getContext('2d')
                        .getImageData(0, 0, canvas.width, canvas.height).data;
                    let painted = 0;
                    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
                    return painted;
                }"""
            )
            assert drawn > 100, f"the chart drew almost nothing ({drawn} marks/pixels)"
        finally:
            browser.close()
    hosts = {urlsplit(u).hostname for u in requests if urlsplit(u).scheme not in {"data", "blob"}}
    assert requests and hosts <= LOCAL_HOSTS, f"requests left the machine: {hosts - LOCAL_HOSTS}"
