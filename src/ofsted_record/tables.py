"""Deterministic, atomic table writing shared by every stage.

Rebuilding must give byte-identical files, so rows are sorted by the caller's key, columns keep
a fixed order, floats a fixed format, line endings are ``\\n`` and nothing time-dependent
(timestamps, absolute paths) is written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_csv(
    df: pd.DataFrame,
    path: Path,
    sort_by: Sequence[str] | None = None,
    float_format: str = "%.6g",
) -> Path:
    """Write ``df`` as UTF-8 CSV, sorted by ``sort_by`` (stable), atomically."""
    out = df
    if sort_by:
        out = df.sort_values(list(sort_by), kind="mergesort", na_position="last")
    text = out.to_csv(index=False, lineterminator="\n", float_format=float_format)
    atomic_write_text(path, text)
    return path


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """Read a processed CSV keeping codes as strings (DfE codes have leading zeros elsewhere)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], **kwargs)
