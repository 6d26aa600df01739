"""Which children's services authorities existed when, and their DfE codes.

The council key is the DfE 3-digit ``la_code``. When the register engineer's
``ofsted_record.register`` is importable its ``la_code_for_ons`` is used for ONS codes; otherwise
(and as a cross-check) the DfE list ``reference/dfe_las.csv`` gives code ↔ ONS code with dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ofsted_record.context import sources


@dataclass(frozen=True)
class Council:
    la_code: str
    name: str
    start: dt.date
    end: dt.date | None  # last day of operation; None = still live
    region_code: str

    def exists_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _date(text: object) -> dt.date | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()


@lru_cache(maxsize=1)
def dfe_las() -> pd.DataFrame:
    """DfE LA list, one row per (la_code, ONS code); combined rows like '940 / 941' dropped."""
    path = sources.path(sources.DFE_LAS)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"new_la_code", "la_name", "date_of_operation", "date_of_termination", "old_la_code"}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    # English councils only: drops combined rows ('940 / 941') and code 702 (BFPO overseas)
    df = df[df["old_la_code"].str.fullmatch(r"\d{3}") & df["new_la_code"].str.startswith("E")]
    return df.reset_index(drop=True).copy()


@lru_cache(maxsize=1)
def councils() -> tuple[Council, ...]:
    """Every council in the DfE list with its whole span of operation (over all ONS codes)."""
    out = []
    for code, rows in dfe_las().groupby("old_la_code", sort=True):
        starts = [_date(v) for v in rows["date_of_operation"]]
        ends = [_date(v) for v in rows["date_of_termination"]]
        # name and region from the most recent ONS code of this DfE code
        latest = rows.iloc[max(range(len(rows)), key=lambda i: starts[i] or dt.date.min)]
        out.append(
            Council(
                la_code=code,
                name=latest["la_name"],
                start=min(d for d in starts if d),
                end=None if any(e is None for e in ends) else max(e for e in ends if e),
                region_code=latest["parent_geography_code"],
            )
        )
    return tuple(out)


def council_names() -> dict[str, str]:
    return {c.la_code: c.name for c in councils()}


def councils_on(day: dt.date) -> list[str]:
    """DfE codes of the councils in operation on ``day``, sorted."""
    return sorted(c.la_code for c in councils() if c.exists_on(day))


@lru_cache(maxsize=1)
def _ons_map() -> dict[str, str]:
    df = dfe_las()
    return dict(zip(df["new_la_code"], df["old_la_code"], strict=True))


def _register_lookup():  # pragma: no cover - depends on another engineer's module
    try:
        from ofsted_record import register  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(register, "la_code_for_ons", None)


def la_code_for_ons(ons_code: str) -> str | None:
    """DfE code for an ONS upper-tier code, or None when it is not a children's services authority."""
    ons_code = (ons_code or "").strip()
    lookup = _register_lookup()
    if lookup is not None:
        try:
            found = lookup(ons_code)
        except (KeyError, ValueError, LookupError, OSError):
            found = None
        if found:
            return str(found)
    return _ons_map().get(ons_code)
