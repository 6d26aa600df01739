"""Pieces every chart shares: the title block with its Source line, the alt text, checks on
input frames, and number formatting for descriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import altair as alt
import pandas as pd

import ofsted_record.charts.theme  # noqa: F401  (registers and enables the house theme)

OFSTED_SOURCE = "Source: Ofsted inspections of local authority children's services; analysis"
SOURCE_RECORD = "Source: Ofsted inspection reports and official statistics; Ofsted record analysis"


class ChartDataError(ValueError):
    """A chart was given a frame without the columns it documents, or with no rows."""


def require(df: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ChartDataError(f"{chart}: input frame lacks columns {missing}")
    if df.empty:
        raise ChartDataError(f"{chart}: input frame has no rows")


def title(text: str, subtitle: str | list[str], source: str) -> alt.Title:
    """Title block: headline, subtitle line(s), and the Source line as the last subtitle line."""
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return alt.Title(text=text, subtitle=[*lines, source])


def pct(share: float) -> str:
    """0.1234 → '12%' (whole percent, as in the alt text)."""
    return f"{round(share * 100):.0f}%"


def month_year(day: dt.date | pd.Timestamp | str) -> str:
    return pd.Timestamp(day).strftime("%B %Y")


def day_month_year(day: dt.date | pd.Timestamp | str) -> str:
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


def plain_records(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text so specs, CSVs and tooltips are the same on every machine."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, dt.date | pd.Timestamp)).any():
            out[col] = out[col].map(
                lambda v: pd.Timestamp(v).date().isoformat() if pd.notna(v) else None
            )
    return out
