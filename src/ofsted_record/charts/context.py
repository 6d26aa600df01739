"""Judgements against a context measure: each council's value of one measure (agency social
workers, caseloads, spending...) by its Ofsted grade, as a strip plot over box plots.

The frame comes from :func:`ofsted_record.charts.queries.context_by_grade` (the warehouse's
``context_measures`` joined to each council's ``standing`` on 31 March of the measure's year).
Dots are spread vertically over the middle two thirds of each row by a fixed offset (the golden
ratio sequence over councils in code order), so the spec is byte-stable.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from ofsted_record.charts.common import ChartDataError, day_month_year, require, title
from ofsted_record.charts.palette import ALL_GRADES, MUTED, grade_scale

COLUMNS = (
    "la_code",
    "council",
    "year",
    "as_at",
    "measure",
    "value",
    "unit",
    "definition",
    "publisher",
    "grade",
    "grade_label",
)
GOLDEN = 0.6180339887498949
ROW_HEIGHT = 56  # px per grade row: room for ~150 dots without a solid smear


def measure_name(definition: str) -> str:
    """The measure's short name: its definition up to the first colon."""
    return definition.split(":")[0].strip()


def format_value(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.1f}%"
    if unit.startswith("£"):
        return f"£{value:,.0f}"
    return f"{value:,.1f} {unit}"


def when(df: pd.DataFrame) -> str:
    """The measure's date from its ``time_basis``: 'snapshot at 30 September of `year`
    (workforce census)' → 'at 30 September 2025'; 'in 2025' without a time basis."""
    year = int(df["year"].iloc[0])
    basis = df["time_basis"].iloc[0] if "time_basis" in df else None
    if not isinstance(basis, str) or "`year`" not in basis:
        return f"in {year}"
    text = re.sub(r"\s*\([^)]*\)", "", basis).split(",")[0]
    text = text.replace(" of `year`", f" {year}").replace("`year`", str(year))
    return text.removeprefix("snapshot ").strip()


def axis_title(definition: str, unit: str) -> str:
    return f"{measure_name(definition)} ({'%' if unit == 'percent' else unit})"


def grade_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per grade present, in house order: ``grade``, ``grade_label``, ``n``, ``median``,
    ``q1``, ``q3`` (quartiles as Vega-Lite's box plot computes them)."""
    rows = []
    for grade in ALL_GRADES:
        values = df.loc[df["grade"] == grade, "value"]
        if values.empty:
            continue
        label = df.loc[df["grade"] == grade, "grade_label"].iloc[0]
        rows.append(
            {
                "grade": grade,
                "grade_label": label,
                "n": int(values.size),
                "median": float(values.median()),
                "q1": float(values.quantile(0.25)),
                "q3": float(values.quantile(0.75)),
            }
        )
    return pd.DataFrame(rows)


def describe_context(df: pd.DataFrame) -> str:
    """Alt text: the measure, the councils counted and the median for every grade."""
    first = df.iloc[0]
    unit = str(first["unit"])
    summary = grade_summary(df)
    medians = "; ".join(
        f"{r.grade_label.lower()} {format_value(r.median, unit)} (n={r.n})"
        for r in summary.itertuples(index=False)
    )
    return (
        f"Strip plot with box plots of the {measure_name(str(first['definition'])).lower()} "
        f"in {int(first['year'])} for {len(df)} councils, by their overall Ofsted grade on "
        f"{day_month_year(first['as_at'])}. Median by grade: {medians}."
    )


def context_chart(
    df: pd.DataFrame, headline: str | None = None, width: int | str = "container"
) -> alt.LayerChart:
    """One row per grade: each council a dot at its value, over a box plot (quartiles, whiskers
    to the extremes); the row label gives the grade and its number of councils.

    Input columns: ``la_code``, ``council``, ``year``, ``as_at`` (31 March of ``year``: the
    date of the grade), ``measure``, ``value``, ``unit``, ``definition``, ``publisher``,
    ``grade`` (code), ``grade_label``; optional ``time_basis`` ("snapshot at 30 September of
    `year`"). One measure and one year.
    """
    require(df, COLUMNS, "context_chart")
    for col in ("measure", "year"):
        if df[col].nunique() != 1:
            raise ChartDataError(f"context_chart: expected one {col}, got {df[col].nunique()}")
    first = df.iloc[0]
    unit, definition = str(first["unit"]), str(first["definition"])
    summary = grade_summary(df).set_index("grade")
    row_text = {g: f"{r.grade_label} (n={r.n})" for g, r in summary.iterrows()}
    order = [row_text[g] for g in summary.index]
    keep = ["la_code", "council", "value", "grade", "grade_label"]
    data = df.sort_values("la_code", kind="mergesort")[keep].reset_index(drop=True)
    data["row"] = data["grade"].map(row_text)
    data["jitter"] = ((data.groupby("grade").cumcount() * GOLDEN) % 1 - 0.5).round(4)
    # Grade on one line, "(n=…)" on the next: keeps the label column narrow on phones.
    split = "indexof(datum.label, ' (n=')"
    y = alt.Y(
        "row:N",
        title=None,
        sort=order,
        axis=alt.Axis(
            labelExpr=f"[slice(datum.label, 0, {split}), slice(datum.label, {split} + 1)]",
            labelLimit=160,
            labelPadding=6,
        ),
    )
    x = alt.X(
        "value:Q",
        title=axis_title(definition, unit),
        scale=alt.Scale(zero=True),
        axis=alt.Axis(titleAnchor="end", tickCount=5),
    )
    boxes = (
        alt.Chart(data)
        .mark_boxplot(
            extent="min-max",
            size=ROW_HEIGHT * 0.7,
            color="#ffffff",
            opacity=1,
            median={"color": MUTED, "strokeWidth": 2},
            box={"stroke": MUTED, "fill": "#f2f2f2"},
            rule={"stroke": MUTED},
            ticks=False,
        )
        .encode(x=x, y=y)
    )
    grades = [g for g in ALL_GRADES if g in summary.index]
    dots = (
        alt.Chart(data)
        .mark_circle(size=34, opacity=0.85, stroke="#ffffff", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-0.75, 0.75]), title=None),
            color=alt.Color(
                "grade_label:N",
                title=None,
                scale=alt.Scale(**grade_scale(grades)),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("council:N", title="Council"),
                alt.Tooltip("grade_label:N", title="Grade"),
                alt.Tooltip("value:Q", title=measure_name(definition), format=",.1f"),
            ],
        )
    )
    name = measure_name(definition)
    medians = ", ".join(
        f"{r.grade_label.lower()} {format_value(r.median, unit)}" for r in summary.itertuples()
    )
    return alt.layer(boxes, dots).properties(
        title=title(
            headline or f"{name}, by Ofsted grade",
            [
                f"{name}, {when(df)}; councils by their overall grade on "
                f"{day_month_year(first['as_at'])}.",
                f"Median: {medians}",
            ],
            f"Source: {first['publisher']}; Ofsted inspection reports; Ofsted record analysis",
        ),
        description=describe_context(df),
        width=width,
        height=alt.Step(ROW_HEIGHT),
    )
