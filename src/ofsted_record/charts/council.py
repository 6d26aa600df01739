"""One council's record: every overall judgement on a timeline, with government interventions."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, month_year, plain_records, require, title
from ofsted_record.charts.palette import ALL_GRADES, GRADE_ORDER, MUTED, grade_scale

COLUMNS = ("date", "framework", "area", "grade", "grade_label", "report_url")
INTERVENTION_COLUMNS = ("date", "event")


def describe_council(council: str, df: pd.DataFrame, interventions: pd.DataFrame) -> str:
    ordered = df.sort_values("date", kind="mergesort")
    last = ordered.iloc[-1]
    inadequate = int((ordered["grade"] == "inadequate").sum())
    text = (
        f"Timeline chart of {len(ordered)} Ofsted judgements of {council}'s children's services "
        f"from {month_year(ordered['date'].iloc[0])}. The latest, in {month_year(last['date'])}, "
        f"was {last['grade_label'].lower()}; {inadequate} judgement"
        f"{'' if inadequate == 1 else 's'} rated the services inadequate."
    )
    if len(interventions):
        text += f" {len(interventions)} government intervention event(s) are marked."
    return text


def council_chart(
    council: str,
    df: pd.DataFrame,
    interventions: pd.DataFrame | None = None,
    width: int | str = "container",
) -> alt.LayerChart:
    """Dots for each judgement (position and colour both show the grade), joined by a step
    line, with dashed rules for interventions.

    Input ``df`` columns: ``date``, ``framework``, ``area`` (``overall_effectiveness`` or the
    pre-2013 ``safeguarding``), ``grade``, ``grade_label``, ``report_url``.
    ``interventions`` columns: ``date``, ``event``.
    """
    require(df, COLUMNS, "council_chart")
    interventions = (
        interventions if interventions is not None else pd.DataFrame(columns=INTERVENTION_COLUMNS)
    )
    # Always the four current grades on the axis, so every council's chart reads the same.
    grades = [g for g in ALL_GRADES if g in set(df["grade"]) | set(GRADE_ORDER)]
    labels = grade_scale(grades)["domain"]
    data = plain_records(df[list(COLUMNS)])
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year"))
    y = alt.Y("grade_label:N", title=None, sort=labels, scale=alt.Scale(domain=labels))
    base = alt.Chart(data)
    # The step line only joins the dots (which carry the grades and their descriptions): out of
    # the accessibility tree, where it was an unnamed image (axe svg-img-alt).
    line = base.mark_line(
        interpolate="step-after", color="#b0b0b0", strokeWidth=1.5, aria=False
    ).encode(x=x, y=y)
    dots = base.mark_point(size=110, filled=True, stroke="#ffffff", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color("grade_label:N", scale=alt.Scale(**grade_scale(grades)), legend=None),
        href="report_url:N",
        tooltip=[
            alt.Tooltip("date:T", title="Published", format="%d %B %Y"),
            alt.Tooltip("framework:N", title="Framework"),
            alt.Tooltip("grade_label:N", title="Grade"),
            alt.Tooltip("report_url:N", title="Report"),
        ],
    )
    layers: list[alt.Chart] = [line, dots]
    if len(interventions):
        rules = (
            alt.Chart(plain_records(interventions[list(INTERVENTION_COLUMNS)]))
            .mark_rule(strokeDash=[4, 3], color=MUTED)
            .encode(
                x="date:T",
                tooltip=[
                    alt.Tooltip("date:T", title="Date", format="%d %B %Y"),
                    alt.Tooltip("event:N", title="Intervention"),
                ],
            )
        )
        layers.insert(0, rules)
    return alt.layer(*layers).properties(
        title=title(
            f"{council}: the Ofsted record",
            "Overall judgements of children's services; dashed lines mark government interventions",
            SOURCE_RECORD,
        ),
        description=describe_council(council, df, interventions),
        width=width,
        height=180,
    )
