"""Time `make lab` to a JupyterLab that answers, and each reporter notebook end to end.

Run: .venv/bin/python benchmarks/bench_notebooks.py   (needs the venv and the warehouse:
make venv warehouse). Prints the seconds from `make lab` (venv already set up) until JupyterLab
answers on its port, then one line per notebook (wall seconds through `notebooks.execute`,
kernel start and the .py -> .ipynb sync included). Exits 1 if JupyterLab does not answer, or a
notebook fails or misses the target.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ofsted_record import config
from ofsted_record import notebooks as nbs

TARGET_SECONDS = 20.0
LAB_TIMEOUT = 120.0
RUNS = [(name, {}) for name in nbs.NOTEBOOKS] + [
    ("07_council_deep_dive", {"council": c}) for c in ("Northamptonshire", "Cumberland")
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_make_lab(tmp: Path) -> float | None:
    """Seconds from `make lab` to `/api/status` answering 200; the server is then stopped.
    Jupyter's config and runtime folders are temporary, so nothing outside the repo changes."""
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp / "data"),
    }
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    log = (tmp / "lab.log").open("w")
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=config.project_root(),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - start < LAB_TIMEOUT and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token={token}"
                if httpx.get(url, timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def main() -> int:
    failed = 0  # a benchmark reports speed; only a failure to run is an error
    with tempfile.TemporaryDirectory() as tmp:
        lab = time_make_lab(Path(tmp))
        if lab is None:
            print(f"make lab -> JupyterLab answering: FAILED (see {tmp}/lab.log)")
            failed += 1
        else:
            print(f"{'make lab -> JupyterLab answering':<45} {lab:6.2f} s")
        for name, params in RUNS:
            label = nbs.output_name(name, params)
            start = time.perf_counter()
            try:
                done = nbs.execute(name, params, out_dir=Path(tmp))
            except nbs.NotebookFailed as exc:
                print(f"{label:<45} FAILED {exc}")
                failed += 1
                continue
            wall = time.perf_counter() - start
            size = done.path.stat().st_size / 1e6
            flag = "" if wall <= TARGET_SECONDS else f"  (target {TARGET_SECONDS:.0f} s)"
            print(f"{label:<45} {wall:6.2f} s  ({size:.2f} MB executed){flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
