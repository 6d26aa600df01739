"""Boundary vintages: which upper-tier geography was in force on a date.

English upper-tier boundaries changed on 1 April 2019 (Dorset, Bournemouth, Christchurch and
Poole), 1 April 2021 (Northamptonshire split) and 1 April 2023 (Cumbria split; North Yorkshire
and Somerset became unitary). Buckinghamshire (April 2020) and Barnsley/Sheffield (May 2025)
took new ONS codes without a change of council or DfE code, so they need no new vintage.
Between 1 April 2009 (the 2009 unitary reorganisation) and 31 March 2019 the set of
children's-services authorities did not change, so one vintage (ONS geography as at 2014, the
earliest year in the ONS file) serves 2009-2019.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Vintage:
    name: str
    ons_year: int  # year of the ONS `utla` layer (areas with start <= year <= end)
    valid_from: dt.date
    valid_to: dt.date | None  # inclusive; None = still current
    note: str


_VINTAGES = (
    Vintage(
        "2014",
        2014,
        dt.date(2009, 4, 1),
        dt.date(2019, 3, 31),
        "152 areas; before Dorset/BCP (the same 152 areas from April 2009).",
    ),
    Vintage(
        "2019",
        2019,
        dt.date(2019, 4, 1),
        dt.date(2021, 3, 31),
        "151 areas; Dorset and BCP replace Dorset CC, Bournemouth and Poole. Buckinghamshire "
        "carries its 2019 county code E10000002 (E06000060 from April 2020, same council 825).",
    ),
    Vintage(
        "2021",
        2021,
        dt.date(2021, 4, 1),
        dt.date(2023, 3, 31),
        "152 areas; North and West Northamptonshire replace Northamptonshire.",
    ),
    Vintage(
        "2023",
        2023,
        dt.date(2023, 4, 1),
        None,
        "153 areas; Cumberland, Westmorland and Furness, North Yorkshire and Somerset unitary. "
        "Barnsley and Sheffield carry their pre-May-2025 ONS codes (DfE codes unchanged).",
    ),
)

VINTAGE_INFO: dict[str, Vintage] = {v.name: v for v in _VINTAGES}
VINTAGES: tuple[str, ...] = tuple(VINTAGE_INFO)


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)") from exc


def vintage_for(when: dt.date | dt.datetime | str) -> str:
    """The boundary vintage in force on ``when`` (e.g. ``vintage_for("2019-06-01") == "2019"``)."""
    day = _as_date(when)
    for v in _VINTAGES:
        if v.valid_from <= day and (v.valid_to is None or day <= v.valid_to):
            return v.name
    raise ValueError(
        f"{day} is before {_VINTAGES[0].valid_from}: English upper-tier boundaries before the "
        "April 2009 reorganisation are not covered"
    )


def info(vintage: str) -> Vintage:
    try:
        return VINTAGE_INFO[vintage]
    except KeyError:
        raise KeyError(f"unknown vintage {vintage!r}; known: {', '.join(VINTAGES)}") from None
