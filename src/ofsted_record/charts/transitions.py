"""What the next inspection found, by the grade before it."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, require, title
from ofsted_record.charts.palette import GRADE_LABELS, GRADE_ORDER, grade_scale

COLUMNS = ("from_grade", "from_label", "to_grade", "to_label", "inspections", "total", "share")


def describe_transitions(df: pd.DataFrame) -> str:
    pairs = int(df["inspections"].sum())
    inad = df[df["from_grade"] == "inadequate"]
    n_inad = int(inad["inspections"].sum())
    improved = inad[inad["to_grade"] != "inadequate"]["inspections"].sum() / n_inad
    good = df[df["from_grade"] == "good"]
    n_good = int(good["inspections"].sum())
    fell = good[good["to_grade"].isin(["requires_improvement", "inadequate"])]
    fell_share = fell["inspections"].sum() / n_good if n_good else 0.0
    return (
        f"Stacked bar chart of {pairs} pairs of consecutive graded inspections, one bar per "
        f"earlier grade. After an inadequate judgement, {pct(improved)} of the next inspections "
        f"({n_inad} in all) found a better grade; after a good judgement, {pct(fell_share)} "
        f"found a worse one."
    )


def transitions_chart(df: pd.DataFrame, width: int | str = "container") -> alt.Chart:
    """100% stacked bars: for each earlier grade, the share of next inspections at each grade.

    Input columns: ``from_grade``, ``from_label``, ``to_grade``, ``to_label`` (grade codes
    and labels), ``inspections`` (pairs), ``total`` (pairs from that grade), ``share`` (0-1).
    """
    require(df, COLUMNS, "transitions_chart")
    data = df[list(COLUMNS)].assign(
        stack=df["to_grade"].map(GRADE_ORDER.index),
        from_text=df["from_label"] + " (" + df["total"].astype(str) + ")",
        label=lambda f: (
            "After " + f["from_label"].str.lower() + ": " + f["total"].astype(str) + " inspections"
        ),
    )
    # one name per bar: on the row of the first grade present in the stack
    data["first"] = data["stack"] == data.groupby("from_grade")["stack"].transform("min")
    from_order = [
        f"{GRADE_LABELS[g]} ({int(df.loc[df['from_grade'] == g, 'total'].iloc[0])})"
        for g in GRADE_ORDER
        if g in set(df["from_grade"])
    ]
    # Each bar's name sits above it, left-aligned, instead of in a y-axis beside it: on a
    # phone the axis labels took two thirds of the width and squeezed the bars to ~20 px.
    base = alt.Chart(data).encode(
        y=alt.Y("from_text:N", title=None, sort=from_order, axis=None),
    )
    bars = base.mark_bar(size=16, yOffset=8).encode(
        x=alt.X(
            "share:Q",
            title="Share of next inspections",
            axis=alt.Axis(format="%", tickCount=5, grid=False),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color(
            "to_label:N",
            title=None,
            scale=alt.Scale(**grade_scale()),
            legend=alt.Legend(orient="top", columns=2),
        ),
        order=alt.Order("stack:Q"),
        tooltip=[
            alt.Tooltip("from_label:N", title="Grade before"),
            alt.Tooltip("to_label:N", title="Next grade"),
            alt.Tooltip("inspections:Q", title="Inspections"),
            alt.Tooltip("share:Q", title="Share", format=".0%"),
        ],
    )
    names = (
        base.transform_filter("datum.first")
        .mark_text(align="left", baseline="bottom", dy=-2, fontSize=12, color="#222222")
        .encode(x=alt.datum(0), text="label:N")
    )
    return alt.layer(bars, names).properties(
        title=title(
            "What the next inspection found",
            "Overall grade at the next inspection, by the grade before (SIF and ILACS)",
            SOURCE_RECORD,
        ),
        description=describe_transitions(df),
        width=width,
        height=alt.Step(44),
    )
