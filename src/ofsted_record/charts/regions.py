"""Regions side by side: the grade mix of each region's councils on one date."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import (
    SOURCE_RECORD,
    day_month_year,
    pct,
    plain_records,
    require,
    title,
)
from ofsted_record.charts.national import STACK_ORDER
from ofsted_record.charts.palette import ALL_GRADES, grade_scale

COLUMNS = ("date", "region", "grade", "grade_label", "councils", "total", "share")
# Shortened deliberately so the bar labels fit a phone (the full name is in the tooltip).
SHORT_REGIONS = {"Yorkshire and The Humber": "Yorkshire & Humber"}


def _bar_label(region: str, total: int) -> str:
    """Region and its number of councils: every bar says its n."""
    return f"{SHORT_REGIONS.get(region, region)} ({total})"


def _good_plus(df: pd.DataFrame) -> pd.Series:
    good = df[df["grade"].isin(["good", "outstanding"])].groupby("region")["share"].sum()
    return good.reindex(sorted(df["region"].unique()), fill_value=0.0)


def describe_regions(df: pd.DataFrame) -> str:
    good = _good_plus(df).sort_values(kind="mergesort")
    best, worst = good.index[-1], good.index[0]
    return (
        f"Stacked bar chart, one bar per region, of councils' latest overall grade on "
        f"{day_month_year(df['date'].iloc[0])}. {best} had the highest share of councils judged "
        f"good or outstanding ({pct(good[best])}) and {worst} the lowest ({pct(good[worst])})."
    )


def regions_chart(df: pd.DataFrame, width: int | str = "container") -> alt.Chart:
    """Horizontal 100% stacked bars, one per region, sorted by share good or outstanding.

    Input columns: ``date`` (the one 'as at' date), ``region``, ``grade``, ``grade_label``,
    ``councils`` (count), ``total`` (councils in the region), ``share`` (0-1).
    """
    require(df, COLUMNS, "regions_chart")
    if df["date"].nunique() != 1:
        raise ValueError("regions_chart: expected one 'as at' date")
    good = _good_plus(df)
    totals = df.groupby("region")["total"].first()
    region_order = [
        _bar_label(r, int(totals[r])) for r in sorted(good.index, key=lambda r: (-good[r], r))
    ]
    grades = [g for g in ALL_GRADES if g in set(df["grade"])]
    data = plain_records(df[list(COLUMNS)]).assign(
        stack=df["grade"].map(STACK_ORDER.index),
        bar=[_bar_label(r, int(t)) for r, t in zip(df["region"], df["total"], strict=True)],
    )
    ranked = good.sort_values(kind="mergesort")
    best, worst = ranked.index[-1], ranked.index[0]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "bar:N",
                title="Region (councils)",
                sort=region_order,
                axis=alt.Axis(labelLimit=150, labelFontSize=11),
            ),
            x=alt.X(
                "share:Q",
                title="Share of councils",
                stack="zero",
                axis=alt.Axis(format="%", tickCount=5),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "grade_label:N",
                title=None,
                scale=alt.Scale(**grade_scale(grades)),
                legend=alt.Legend(orient="top", columns=2),
            ),
            order=alt.Order("stack:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("grade_label:N", title="Grade"),
                alt.Tooltip("councils:Q", title="Councils"),
                alt.Tooltip("total:Q", title="Councils in region"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(
            title=title(
                f"Good or better: {SHORT_REGIONS.get(best, best)} {pct(good[best])}, "
                f"{SHORT_REGIONS.get(worst, worst)} {pct(good[worst])}",
                f"Latest overall grade of councils in each region, {day_month_year(df['date'].iloc[0])}",
                SOURCE_RECORD,
            ),
            description=describe_regions(df),
            width=width,
            height=alt.Step(26),
        )
    )
