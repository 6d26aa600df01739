"""Where things live. One setting finds the shared input data.

``OFSTED_SHARED_DATA`` (default ``../shared/data`` beside the project) is the single setting for
the read-only inputs. The report PDFs read by ``extract``, ``fulltext`` and ``official`` are the
shared corpus unless ``OFSTED_REPORTS_DIR`` names another folder (for example the cache filled
by ``ofsted-record refresh``, ``data/source/ofsted-reports``): the folder in use is always this
one setting, never guessed from what happens to be on disk, and ``ofsted-record paths`` and every
extraction summary show it.
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


def reports_dir_setting() -> tuple[Path, str]:
    """The folder of report PDFs in use and where that choice comes from, in plain words."""
    value = os.environ.get(REPORTS_DIR_ENV)
    if value:
        return Path(value).expanduser().resolve(), f"set by ${REPORTS_DIR_ENV}"
    return shared_data_dir() / "ofsted-reports", f"the shared corpus (${SHARED_DATA_ENV})"


def reports_dir() -> Path:
    """Folder of report PDFs the extractor reads: ``$OFSTED_REPORTS_DIR``, else the shared corpus."""
    return reports_dir_setting()[0]


def processed_dir() -> Path:
    return PROJECT_ROOT / "data" / "processed"


def public_dir() -> Path:
    return PROJECT_ROOT / "data" / "public"


def warehouse_path() -> Path:
    return PROJECT_ROOT / "data" / "warehouse.duckdb"


class MissingInput(FileNotFoundError):
    """An input a step needs is not there; the message names the path and the setting."""


def require(*paths: Path) -> None:
    """Stop with one clear message (naming every missing path) before anything is written."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        names = "; ".join(str(p) for p in missing)
        raise MissingInput(
            f"input not found: {names} (shared data folder {shared_data_dir()}, "
            f"set by ${SHARED_DATA_ENV} or ../shared/data beside the project)"
        )


def shared_path(*parts: str) -> Path:
    """A path inside the shared data folder, e.g. ``shared_path("reference", "dfe_las.csv")``."""
    return shared_data_dir().joinpath(*parts)
