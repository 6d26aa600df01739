"""England as a whole: the share of councils at each grade, month by month."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import (
    SOURCE_RECORD,
    month_year,
    pct,
    plain_records,
    require,
    title,
)
from ofsted_record.charts.palette import ALL_GRADES, grade_scale

COLUMNS = ("date", "grade", "grade_label", "councils", "total", "share")

# Stack from the baseline: inadequate at the bottom (its share reads straight off the axis),
# then the better grades, then councils not yet graded on top.
STACK_ORDER = [
    "inadequate",
    "requires_improvement",
    "adequate",
    "good",
    "outstanding",
    "no_overall_grade",
    "not_judged",
]


def describe_national(df: pd.DataFrame) -> str:
    """Alt text with the latest share inadequate, its peak and the share good or better."""
    frame = df.assign(date=pd.to_datetime(df["date"]))
    inadequate = (
        frame[frame["grade"] == "inadequate"]
        .set_index("date")["share"]
        .reindex(sorted(frame["date"].unique()), fill_value=0.0)
    )
    last = inadequate.index.max()
    peak_date = inadequate.idxmax()  # first month at the peak
    latest = frame[frame["date"] == last]
    good_plus = latest[latest["grade"].isin(["good", "outstanding"])]["share"].sum()
    total = int(latest["total"].iloc[0])
    return (
        f"Stacked area chart of the latest overall grade of England's councils, month by month "
        f"from {month_year(frame['date'].min())}. In {month_year(last)}, "
        f"{pct(inadequate[last])} of {total} councils were judged inadequate, against a peak of "
        f"{pct(inadequate[peak_date])} in {month_year(peak_date)}; "
        f"{pct(good_plus)} were good or outstanding."
    )


def headline(df: pd.DataFrame) -> str:
    """Title stating the finding: the latest share inadequate against its peak."""
    frame = df.assign(date=pd.to_datetime(df["date"]))
    inadequate = frame[frame["grade"] == "inadequate"].set_index("date")["share"]
    inadequate = inadequate.reindex(sorted(frame["date"].unique()), fill_value=0.0)
    last = inadequate.index.max()
    return (
        f"{pct(inadequate[last])} of councils inadequate in {month_year(last)}, "
        f"against a peak of {pct(inadequate.max())}"
    )


def framework_changes(df: pd.DataFrame) -> pd.DataFrame:
    """``date``, ``change``: each new inspection framework that began within the chart's span."""
    from ofsted_record.charts.council import FRAMEWORK_STARTS

    first, last = pd.to_datetime(df["date"]).min().date(), pd.to_datetime(df["date"]).max().date()
    rows = [
        {"date": start.isoformat(), "change": text}
        for start, text in FRAMEWORK_STARTS
        if first < start <= last
    ]
    return pd.DataFrame(rows, columns=["date", "change"])


def national_chart(df: pd.DataFrame, width: int | str = "container") -> alt.LayerChart:
    """Stacked area of the share of councils by latest overall grade at each month end.

    Input columns: ``date`` (month end), ``grade`` (code), ``grade_label``, ``councils``
    (count), ``total`` (councils that month), ``share`` (0-1). One row per month × grade
    present (absent grades are treated as zero).
    """
    require(df, COLUMNS, "national_chart")
    grades = [g for g in ALL_GRADES if g in set(df["grade"])]
    data = plain_records(df[list(COLUMNS)]).assign(stack=df["grade"].map(STACK_ORDER.index))
    colour = alt.Color(
        "grade_label:N",
        title=None,
        scale=alt.Scale(**grade_scale(grades)),
        legend=alt.Legend(orient="top", columns=2),
    )
    area = (
        alt.Chart(data)
        .mark_area(interpolate="step-after")
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y(
                "share:Q",
                title="Share of councils",
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=colour,
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("date:T", title="Month end", format="%B %Y"),
                alt.Tooltip("grade_label:N", title="Grade"),
                alt.Tooltip("councils:Q", title="Councils"),
                alt.Tooltip("total:Q", title="Out of (councils that month)"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
    )
    changes = (
        alt.Chart(framework_changes(df))
        .mark_rule(color="#1f1f1f", strokeWidth=1, strokeDash=[2, 2])
        .encode(x="date:T", tooltip=[alt.Tooltip("change:N", title="Framework change")])
    )
    return alt.layer(area, changes).properties(
        title=title(
            headline(df),
            [
                "Latest overall grade of each council's children's services, at each month",
                "end; dotted lines mark a new inspection framework",
            ],
            SOURCE_RECORD,
        ),
        description=describe_national(df),
        width=width,
        height=300,
    )
