"""Shared fixtures.

Tests that need the report corpus or Chromium skip with a clear reason on a machine without
them; CI sets REQUIRE_CORPUS=1 / REQUIRE_BROWSER=1 so they fail instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ofsted_record import config

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Headless, and no background connections: this machine's network is closed, and a page test
# must see only the requests the page itself makes.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _need(flag: str, reason: str) -> None:
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 makes this a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = config.shared_data_dir()
    if not (path / "ofsted-reports" / "manifest.csv").exists():
        _need("REQUIRE_CORPUS", f"shared data not found at {path} (set {config.SHARED_DATA_ENV})")
    return path


@pytest.fixture(scope="session")
def corpus_dir(shared_data: Path) -> Path:
    return shared_data / "ofsted-reports"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    _need("REQUIRE_BROWSER", "Chromium not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def chromium_args() -> list[str]:
    return list(CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def warehouse_path() -> Path:
    path = config.warehouse_path()
    if not path.exists():
        shared = config.shared_data_dir()
        if not shared.is_dir():  # make test cannot build it without the shared data
            _need("REQUIRE_CORPUS", f"shared data not found at {shared}, so no warehouse at {path}")
        pytest.fail(f"{path} missing: run `make warehouse` (make test builds it first)")
    return path


@pytest.fixture(scope="session")
def con(warehouse_path: Path):
    """A read-only connection to the warehouse, shared by the tests of a session."""
    from ofsted_record.warehouse import connect

    connection = connect(warehouse_path)
    yield connection
    connection.close()
