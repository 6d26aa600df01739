"""ONS area code -> DfE ``la_code`` on a date, and the councils in being on a date.

Uses the council register (``ofsted_record.register``: ``council_codes.csv``/``councils.csv``)
when it has been built; otherwise the DfE list ``reference/dfe_las.csv`` with its validity
dates. Both are keyed on (ONS code, date) because an ONS code can be replaced (Buckinghamshire
2020, Barnsley and Sheffield 2025) while the council and its DfE code stay the same.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ofsted_record.config import processed_dir, shared_path


@dataclass(frozen=True)
class CodeSpan:
    ons_code: str
    la_code: str
    name: str
    start: dt.date
    end: dt.date | None


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


@functools.cache
def dfe_spans(path: Path | None = None) -> tuple[CodeSpan, ...]:
    """Validity spans from the DfE list; combined rows (``A / B``) and placeholders skipped."""
    path = path or shared_path("reference", "dfe_las.csv")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise ValueError(f"{path}: cannot read the DfE LA list ({exc})") from exc
    needed = {"new_la_code", "old_la_code", "la_name", "date_of_operation", "date_of_termination"}
    if missing := needed - set(df.columns):
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    spans = []
    for row in df.itertuples(index=False):
        ons, la = row.new_la_code.strip(), row.old_la_code.strip()
        if "/" in ons or not ons.startswith("E") or not la.isdigit():
            continue
        start = _parse_date(row.date_of_operation) or dt.date(2009, 1, 1)
        spans.append(CodeSpan(ons, la, row.la_name, start, _parse_date(row.date_of_termination)))
    return tuple(spans)


def _register_lookup():
    """The register's lookup if the register package and its built tables are present."""
    try:
        from ofsted_record.register import la_code_for_ons
    except ImportError:
        return None
    if not (processed_dir() / "council_codes.csv").exists():
        return None
    return la_code_for_ons


def source() -> str:
    """Which lookup is in use (reported by the CLI and the docs)."""
    return "ofsted_record.register" if _register_lookup() else "reference/dfe_las.csv"


def la_code_for_ons(ons_code: str, on: dt.date) -> str | None:
    """The DfE code of the council that had ``ons_code`` on ``on`` (None if none did)."""
    lookup = _register_lookup()
    if lookup is not None:
        try:
            return str(lookup(ons_code, on=on))
        except LookupError:
            return None
    for span in dfe_spans():
        if span.ons_code == ons_code and span.start <= on and (span.end is None or on <= span.end):
            return span.la_code
    return None


def councils_on(on: dt.date) -> dict[str, str]:
    """la_code -> ONS code of every English children's-services authority in being on ``on``."""
    if _register_lookup() is not None:
        from ofsted_record.register import load_councils

        councils = load_councils()
        day = on.isoformat()
        alive = councils[
            (councils["valid_from"].isna() | (councils["valid_from"] <= day))
            & (councils["valid_to"].isna() | (councils["valid_to"] >= day))
        ]
        return {str(k): str(v) for k, v in zip(alive["la_code"], alive["ons_code"], strict=True)}
    out: dict[str, str] = {}
    for span in dfe_spans():
        if span.start <= on and (span.end is None or on <= span.end):
            out[span.la_code] = span.ons_code
    return out
