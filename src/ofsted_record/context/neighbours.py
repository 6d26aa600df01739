"""DfE statistical neighbour models (2021 and 2025) -> one row per council x neighbour."""

from __future__ import annotations

import csv
import re

import pandas as pd

from ofsted_record.context import sources
from ofsted_record.context.ees import SourceFormatError

NEIGHBOUR_COLUMNS = ["model", "la_code", "rank", "neighbour_la_code", "closeness"]


def _read_rows(parts: tuple[str, ...]) -> list[list[str]]:
    path = sources.path(parts)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"{path}: cannot read ({exc})") from exc


def _parse(model: int, parts: tuple[str, ...], code_col: str, sn_pattern: str) -> list[dict]:
    rows = _read_rows(parts)
    path = sources.path(parts)
    header = [h.strip() for h in rows[0]]
    if code_col not in header:
        raise SourceFormatError(f"{path}: no {code_col!r} column")
    code_at = header.index(code_col)
    # neighbour k is the column named like SN1 / SN_1; its closeness is the next column
    sn_cols = [
        (int(re.fullmatch(sn_pattern, h).group(1)), i)
        for i, h in enumerate(header)
        if re.fullmatch(sn_pattern, h)
    ]
    if len(sn_cols) != 10:
        raise SourceFormatError(f"{path}: expected 10 neighbour columns, found {len(sn_cols)}")
    out = []
    for row in rows[1:]:
        if not row or not row[code_at].strip():
            continue
        code = row[code_at].strip()
        if not re.fullmatch(r"\d{3}", code):
            raise SourceFormatError(f"{path}: bad LA code {code!r}")
        for k, i in sn_cols:
            neighbour = row[i].strip()
            if not re.fullmatch(r"\d{3}", neighbour):
                raise SourceFormatError(f"{path}: {code} neighbour {k}: bad code {neighbour!r}")
            out.append(
                {
                    "model": model,
                    "la_code": code,
                    "rank": k,
                    "neighbour_la_code": neighbour,
                    "closeness": row[i + 1].strip().lower(),
                }
            )
    return out


def extract() -> tuple[pd.DataFrame, list[str]]:
    rows: list[dict] = []
    problems: list[str] = []
    for model, parts, code_col, pattern in (
        (2021, sources.SN_2021, "LA num", r"SN(\d+)"),
        (2025, sources.SN_2025, "old_la_code", r"SN_(\d+)"),
    ):
        try:
            rows += _parse(model, parts, code_col, pattern)
        except SourceFormatError as exc:
            problems.append(str(exc))
    return pd.DataFrame(rows, columns=NEIGHBOUR_COLUMNS), problems
