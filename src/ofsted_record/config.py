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


# Missing paths named in one message (the rest are counted).
REQUIRE_SHOWN = 3


class MissingInput(FileNotFoundError):
    """An input a step needs is not there; the message names the path and the setting."""


def require(*paths: Path) -> None:
    """Stop with one clear message naming what is missing, before anything is read or written."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise missing_input(missing)


def missing_input(missing: list[Path]) -> MissingInput:
    """The error for inputs not found: the shared folder itself when that is what is missing."""
    shared = shared_data_dir()
    setting = f"set by ${SHARED_DATA_ENV}, default ../shared/data beside the project"
    if not shared.is_dir() and all(p == shared or p.is_relative_to(shared) for p in missing):
        return MissingInput(f"shared data folder not found: {shared} ({setting})")
    shown = "; ".join(str(p) for p in missing[:REQUIRE_SHOWN])
    more = f" and {len(missing) - REQUIRE_SHOWN} more" if len(missing) > REQUIRE_SHOWN else ""
    return MissingInput(f"input not found: {shown}{more} (shared data folder {shared}, {setting})")


def shared_path(*parts: str) -> Path:
    """A path inside the shared data folder, e.g. ``shared_path("reference", "dfe_las.csv")``."""
    return shared_data_dir().joinpath(*parts)
