"""One council's record: every overall judgement on a timeline, with government interventions.

Each framework keeps its own grade names (pre-2013 "adequate" is not "requires improvement"),
the step line breaks where the inspection framework changed, and a thin rule marks each change,
so grades from different frameworks are not read as one scale.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, month_year, plain_records, require, title
from ofsted_record.charts.palette import ALL_GRADES, GRADE_ORDER, MUTED, grade_scale

COLUMNS = ("date", "framework", "area", "grade", "grade_label", "report_url")
INTERVENTION_COLUMNS = ("date", "event", "event_label", "source", "source_url")

# Plain names of the inspection frameworks (shown in tooltips instead of code names), and the
# era each belongs to: grades of different eras are not joined by the line.
FRAMEWORK_NAMES = {
    "slac": "Safeguarding and looked after children inspection",
    "slac_reinspection": "Safeguarding and looked after children re-inspection",
    "cpi": "Child protection inspection",
    "cpri": "Child protection re-inspection",
    "lac_2013": "Looked after children inspection",
    "tlac": "Looked after children inspection",
    "sif": "Single inspection framework",
    "sif_reinspection": "Single inspection framework re-inspection",
    "ilacs_standard": "Inspection of local authority children's services (standard)",
    "ilacs_short": "Inspection of local authority children's services (short)",
    "ilacs_2026": "2026 framework inspection",
}
FRAMEWORK_ERAS = {
    "sif": "sif",
    "sif_reinspection": "sif",
    "ilacs_standard": "ilacs",
    "ilacs_short": "ilacs",
    "ilacs_2026": "2026",
}
# When each later framework began (first day), and how a reader knows it.
FRAMEWORK_STARTS = (
    (dt.date(2013, 11, 1), "Single inspection framework from November 2013"),
    (dt.date(2018, 1, 1), "Current framework (ILACS) from January 2018"),
    (dt.date(2026, 4, 1), "2026 framework, no overall grade, from April 2026"),
)
AREA_NAMES = {
    "overall_effectiveness": "Overall effectiveness",
    "safeguarding": "Safeguarding (before 2013)",
}


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
    ``interventions`` columns: ``date``, ``event``, ``event_label``, ``source``, ``source_url``
    (each rule links to the page the intervention comes from).
    """
    require(df, COLUMNS, "council_chart")
    interventions = (
        interventions if interventions is not None else pd.DataFrame(columns=INTERVENTION_COLUMNS)
    )
    # Always the four current grades on the axis, so every council's chart reads the same.
    grades = [g for g in ALL_GRADES if g in set(df["grade"]) | set(GRADE_ORDER)]
    labels = grade_scale(grades)["domain"]
    data = plain_records(df[list(COLUMNS)]).assign(
        framework_name=df["framework"].map(FRAMEWORK_NAMES).fillna("Other inspection"),
        era=df["framework"].map(FRAMEWORK_ERAS).fillna("before November 2013"),
        judgement=df["area"].map(AREA_NAMES).fillna("Other judgement"),
        report=["Click the dot to open it" if u else "" for u in df["report_url"]],
    )
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year"))
    y = alt.Y("grade_label:N", title=None, sort=labels, scale=alt.Scale(domain=labels))
    base = alt.Chart(data)
    # The step line only joins the dots (which carry the grades and their descriptions): out of
    # the accessibility tree, where it was an unnamed image (axe svg-img-alt). One line per
    # framework era: grades of different eras are not joined.
    line = base.mark_line(
        interpolate="step-after", color="#b0b0b0", strokeWidth=1.5, aria=False
    ).encode(x=x, y=y, detail="era:N")
    dots = base.mark_point(size=110, filled=True, stroke="#ffffff", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color("grade_label:N", scale=alt.Scale(**grade_scale(grades)), legend=None),
        shape=alt.Shape(
            "judgement:N",
            title=None,
            scale=alt.Scale(domain=list(AREA_NAMES.values()), range=["circle", "diamond"]),
            # No legend inside the chart: on a phone Vega lays it out beside the axis labels and
            # cuts it at the edge; the subtitle (HTML, it wraps) says what the shapes mean.
            legend=None,
        ),
        href="report_url:N",
        tooltip=[
            alt.Tooltip("date:T", title="Published", format="%-d %B %Y"),
            alt.Tooltip("framework_name:N", title="Inspection"),
            alt.Tooltip("judgement:N", title="Judgement"),
            alt.Tooltip("grade_label:N", title="Grade"),
            alt.Tooltip("report:N", title="Report"),
        ],
    )
    first, last = pd.Timestamp(df["date"].min()).date(), pd.Timestamp(df["date"].max()).date()
    changes = pd.DataFrame(
        [
            {"date": start.isoformat(), "change": text}
            for start, text in FRAMEWORK_STARTS
            if first < start <= last
        ]
    )
    layers: list[alt.Chart] = [line, dots]
    if len(changes):
        layers.insert(
            0,
            alt.Chart(changes)
            .mark_rule(color="#8c8c8c", strokeWidth=1)
            .encode(x="date:T", tooltip=[alt.Tooltip("change:N", title="Framework change")]),
        )
    if len(interventions):
        rules = (
            alt.Chart(plain_records(interventions[list(INTERVENTION_COLUMNS)]))
            .mark_rule(strokeDash=[4, 3], color=MUTED)
            .encode(
                x="date:T",
                href="source_url:N",
                tooltip=[
                    alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                    alt.Tooltip("event_label:N", title="Intervention"),
                    alt.Tooltip("source:N", title="Source"),
                ],
            )
        )
        layers.insert(0, rules)
    return alt.layer(*layers).properties(
        title=title(
            f"{council}: the Ofsted record",
            [
                "Overall judgements of children's services; grey lines mark a new inspection",
                "framework, dashed lines government interventions",
                *(
                    [
                        f"Circles: {AREA_NAMES['overall_effectiveness'].lower()}; diamonds: "
                        f"{AREA_NAMES['safeguarding'].lower()}"
                    ]
                    if df["area"].nunique() > 1
                    else []
                ),
            ],
            SOURCE_RECORD,
        ),
        description=describe_council(council, df, interventions),
        width=width,
        height=180,
    )
