"""Where things live. One setting finds the shared input data.

``OFSTED_SHARED_DATA`` (default ``../shared/data`` beside the project) is the single setting for
the read-only inputs. ``OFSTED_REPORTS_DIR`` may point the extractor at another folder of report
PDFs (for example the cache filled by ``ofsted-record refresh``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SHARED_DATA_ENV = "OFSTED_SHARED_DATA"
REPORTS_DIR_ENV = "OFSTED_REPORTS_DIR"


def project_root() -> Path:
    return PROJECT_ROOT


def shared_data_dir() -> Path:
    """The shared input data folder (the one setting)."""
    value = os.environ.get(SHARED_DATA_ENV)
    if value:
        return Path(value).expanduser().resolve()
    return (PROJECT_ROOT.parent / "shared" / "data").resolve()


def report_cache_dir() -> Path:
    """Local cache of report PDFs written by ``refresh`` (git-ignored)."""
    return PROJECT_ROOT / "data" / "source" / "ofsted-reports"


def reports_dir() -> Path:
    """Folder of report PDFs the extractor reads.

    Order: ``$OFSTED_REPORTS_DIR``; the refresh cache if it has a manifest; the shared corpus.
    """
    value = os.environ.get(REPORTS_DIR_ENV)
    if value:
        return Path(value).expanduser().resolve()
    cache = report_cache_dir()
    if (cache / "manifest.csv").exists():
        return cache
    return shared_data_dir() / "ofsted-reports"


def processed_dir() -> Path:
    return PROJECT_ROOT / "data" / "processed"


def public_dir() -> Path:
    return PROJECT_ROOT / "data" / "public"


def warehouse_path() -> Path:
    return PROJECT_ROOT / "data" / "warehouse.duckdb"


def shared_path(*parts: str) -> Path:
    """A path inside the shared data folder, e.g. ``shared_path("reference", "dfe_las.csv")``."""
    return shared_data_dir().joinpath(*parts)
