"""Column contracts of the long tables this area writes."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# council x year long table (demand, workforce, spending, population)
COLUMNS = ["la_code", "year", "period", "measure", "value", "status", "source", "note"]
# England and regional rows published in the same files (used for reconciliation and trends)
AREA_COLUMNS = [
    "level",
    "area_code",
    "area_name",
    "year",
    "period",
    "measure",
    "value",
    "status",
    "source",
]
SORT = ["measure", "la_code", "year", "source"]
AREA_SORT = ["measure", "level", "area_code", "year", "source"]


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    for col in columns:
        if col not in ("year", "value"):
            df[col] = df[col].fillna("").astype(str)
    return df


def financial_period(year: int) -> str:
    """'2024-25' for the year ending 31 March 2025."""
    return f"{year - 1}-{year % 100:02d}"


def reference_day(measure: str, year: int) -> dt.date:
    """The day a measure's ``year`` refers to: workforce at 30 September, population at
    mid-year (30 June), everything else at 31 March."""
    if measure.startswith("sw_"):
        return dt.date(year, 9, 30)
    if measure.startswith("population_"):
        return dt.date(year, 6, 30)
    return dt.date(year, 3, 31)
