"""Stable identifiers for report files.

An inspection id is ``<provider URN>-<publication date from the file name, ISO>``, e.g.
``80566-2015-07-20``: readable, stable across re-downloads (it does not depend on file bytes or
on parsing succeeding), and unique in the corpus (no provider has two reports published on
the same day). Should that ever happen, later file names in sort order get ``-b``, ``-c``...
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePosixPath

FILE_DATE_RE = re.compile(r" - (\d{1,2} [a-z]+ \d{4})\.pdf$", re.IGNORECASE)
FOLDER_RE = re.compile(r"^(\d+)_(.+)$")


class BadReportPath(ValueError):
    """The file is not named like an Ofsted report download (``<urn>_<name>/... - <date>.pdf``)."""


def urn_and_folder_name(rel_path: str) -> tuple[int, str]:
    folder = PurePosixPath(rel_path).parts[0]
    match = FOLDER_RE.match(folder)
    if not match:
        raise BadReportPath(f"{rel_path}: folder is not '<provider URN>_<council name>'")
    return int(match.group(1)), match.group(2)


def file_date(rel_path: str) -> date:
    """The publication date Ofsted's download names carry: '... - 20 july 2015.pdf'."""
    match = FILE_DATE_RE.search(PurePosixPath(rel_path).name)
    if not match:
        raise BadReportPath(f"{rel_path}: file name does not end ' - <day> <month> <year>.pdf'")
    try:
        return datetime.strptime(match.group(1).lower(), "%d %B %Y").date()
    except ValueError as exc:
        raise BadReportPath(f"{rel_path}: bad date in file name ({exc})") from exc


def base_id(rel_path: str) -> str:
    urn, _ = urn_and_folder_name(rel_path)
    return f"{urn}-{file_date(rel_path).isoformat()}"


def assign_ids(rel_paths: list[str]) -> dict[str, str]:
    """Map each relative path to a unique inspection id (deterministic for a given set)."""
    ids: dict[str, str] = {}
    seen: dict[str, int] = {}
    for rel in sorted(rel_paths):
        base = base_id(rel)
        n = seen.get(base, 0)
        seen[base] = n + 1
        ids[rel] = base if n == 0 else f"{base}-{chr(ord('a') + n)}"
    return ids
