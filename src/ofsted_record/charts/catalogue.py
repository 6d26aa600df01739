"""The published charts: slug, title, data function (DuckDB connection → DataFrame) and chart
function (DataFrame → Altair chart). ``ofsted-record charts`` and ``embeds`` build every entry.

To repoint a chart at other tables, change its data function in :mod:`queries`; the chart
functions only know the DataFrame columns documented in their docstrings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import altair as alt
import pandas as pd

from ofsted_record.charts import queries
from ofsted_record.charts.common import month_year
from ofsted_record.charts.context import context_chart, grade_summary
from ofsted_record.charts.national import national_chart
from ofsted_record.charts.regions import regions_chart
from ofsted_record.charts.survival import survival_chart
from ofsted_record.charts.transitions import transitions_chart


@dataclass(frozen=True)
class PublishedChart:
    slug: str
    title: str
    data: Callable[[object], pd.DataFrame]
    chart: Callable[[pd.DataFrame], alt.TopLevelMixin]
    note: str = ""
    summary: Callable[[pd.DataFrame], pd.DataFrame] | None = None

    def key_figures(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A small table for the accessible summary (at most ~20 rows)."""
        return (self.summary or _head)(frame)

    def build(self, con) -> tuple[pd.DataFrame, alt.TopLevelMixin]:
        frame = self.data(con)
        return frame, self.chart(frame)


def _map(kind: str) -> Callable[[pd.DataFrame], alt.TopLevelMixin]:
    def make(frame: pd.DataFrame) -> alt.TopLevelMixin:
        from ofsted_record.charts.maps import map_chart, map_geometry

        return map_chart(frame, map_geometry(kind), kind)

    return make


def _head(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.head(20)


def _latest_counts(frame: pd.DataFrame) -> pd.DataFrame:
    latest = frame[frame["date"] == frame["date"].max()]
    out = latest[["date", "grade_label", "councils", "share"]].copy()
    # the month, not its last day: the data can end before the month does
    out["date"] = [month_year(d) for d in out["date"]]
    out["share"] = (out["share"] * 100).round().astype(int).astype(str) + "%"
    return out.rename(
        columns={"date": "As at", "grade_label": "Grade", "councils": "Councils", "share": "Share"}
    )


def _regions_summary(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.pivot_table(
        index="region", columns="grade_label", values="councils", aggfunc="sum", fill_value=0
    )
    return table.reset_index().rename(columns={"region": "Region"})


def _transitions_summary(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["from_label", "to_label", "inspections"]]
    return out.rename(
        columns={"from_label": "Grade before", "to_label": "Next grade", "inspections": "Count"}
    )


def _survival_summary(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for years in (1, 2, 3, 4, 5):
        past = frame[frame["days"] <= years * 365.25]
        share = past["still_inadequate"].iloc[-1]
        rows.append({"Years": years, "Still inadequate": f"{round(share * 100)}%"})
    return pd.DataFrame(rows)


def _context_summary(frame: pd.DataFrame) -> pd.DataFrame:
    table = grade_summary(frame)
    return pd.DataFrame(
        {
            "Grade": table["grade_label"],
            "Councils": table["n"],
            "Median": table["median"].round(1),
            "Middle half": [
                f"{q1:.1f} to {q3:.1f}" for q1, q3 in zip(table["q1"], table["q3"], strict=True)
            ],
        }
    )


def _map_summary(frame: pd.DataFrame) -> pd.DataFrame:
    latest = frame[frame["year"] == frame["year"].max()]
    counts = latest.groupby("grade_label", sort=False).size().rename("Councils").reset_index()
    return counts.rename(columns={"grade_label": f"Grade, {int(latest['year'].iloc[0])}"})


NOTE_STATUS = (
    "Overall effectiveness grade of each council's latest SIF (from November 2013) or ILACS "
    "inspection that had ended by the date (counted from the day the inspection ended); a 2026 "
    "framework inspection gives no overall grade."
)
NOTE_CONTEXT = (
    "Agency worker rate: agency FTE / (agency + in-post FTE) children and family social "
    "workers at 30 September (DfE workforce census), against each council's overall grade on "
    "31 March of the same year (counted from the day the inspection ended). Councils with a "
    "suppressed or missing rate are left out."
)

CATALOGUE: tuple[PublishedChart, ...] = (
    PublishedChart(
        "national-grades",
        "How Ofsted rates England's councils",
        queries.national_monthly,
        national_chart,
        NOTE_STATUS,
        _latest_counts,
    ),
    PublishedChart(
        "regions",
        "Regions compared",
        queries.regional_latest,
        regions_chart,
        NOTE_STATUS,
        _regions_summary,
    ),
    PublishedChart(
        "transitions",
        "What the next inspection found",
        queries.transitions,
        transitions_chart,
        "Pairs of consecutive graded overall judgements of the same council (SIF and ILACS).",
        _transitions_summary,
    ),
    PublishedChart(
        "inadequate-survival",
        "How long councils stay inadequate",
        queries.inadequate_survival,
        survival_chart,
        "Kaplan-Meier estimate; spells still open at the end of the data, or ended by the "
        "council's abolition, are censored.",
        _survival_summary,
    ),
    PublishedChart(
        "map",
        "Ofsted grades across England",
        queries.map_status,
        _map("boundaries"),
        NOTE_STATUS + " Boundaries: ONS, Open Government Licence.",
        _map_summary,
    ),
    PublishedChart(
        "hex-map",
        "Ofsted grades across England (hex map)",
        queries.map_status,
        _map("hex"),
        NOTE_STATUS + " Hex layout: ODI Leeds (one equal hexagon per council), with councils "
        "created or abolished since 2019 placed by this project.",
        _map_summary,
    ),
    PublishedChart(
        "agency-workers-by-grade",
        "Agency social workers, by Ofsted grade",
        partial(queries.context_by_grade, measure="sw_agency_rate"),
        partial(context_chart, headline="Agency social workers, by Ofsted grade"),
        NOTE_CONTEXT,
        _context_summary,
    ),
)


def by_slug(slug: str) -> PublishedChart:
    for entry in CATALOGUE:
        if entry.slug == slug:
            return entry
    raise KeyError(f"no published chart {slug!r}; known: {[e.slug for e in CATALOGUE]}")


def council_chart_for(con, la_code: str, council: str) -> tuple[pd.DataFrame, alt.TopLevelMixin]:
    """One council's timeline (for council pages): frame of judgements and the chart."""
    from ofsted_record.charts.council import council_chart

    judgements, interventions = queries.council_history(con, la_code)
    return judgements, partial(council_chart, council)(judgements, interventions)
