"""Warehouse query results shaped into the frames the house chart functions take.

Standing comes from the warehouse's ``standing``/``standing_monthly`` macros (counting rule
``ended_by`` unless stated), so the site, the claims and the notebooks count the same way.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ofsted_record.charts.palette import GRADE_LABELS, grade_rank, label
from ofsted_record.warehouse import queries

SIF_START = dt.date(2013, 11, 30)  # first month end of the single inspection framework

# Warehouse `status` text -> chart grade code when the council has no grade.
STATUS_GRADE = {
    "not yet inspected under SIF/ILACS": "not_judged",
    "no overall grade (2026 framework)": "no_overall_grade",
    "not judged in latest inspection": "not_judged",
}

DATA_END = "SELECT max(CAST(published_date AS DATE)) FROM inspections"


def data_end(con: duckdb.DuckDBPyConnection) -> dt.date:
    """Latest publication date in the record: the site's 'last updated' date."""
    value = con.execute(DATA_END).fetchone()[0]
    if value is None:
        raise ValueError("the warehouse's inspections table is empty")
    return pd.Timestamp(value).date()


def chart_grade(grade: object, status: str) -> str:
    if isinstance(grade, str) and grade in GRADE_LABELS:
        return grade
    return STATUS_GRADE.get(status, "not_judged")


def _shares(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    counts = frame.groupby([*by, "grade"], sort=True).size().rename("councils").reset_index()
    counts["total"] = counts.groupby(by)["councils"].transform("sum")
    counts["share"] = (counts["councils"] / counts["total"]).round(4)
    counts["grade_label"] = counts["grade"].map(label)
    counts["grade_rank"] = counts["grade"].map(grade_rank)
    return counts.sort_values([*by, "grade_rank"], kind="mergesort").reset_index(drop=True)


def national(con: duckdb.DuckDBPyConnection, rule: str = queries.DEFAULT_RULE) -> pd.DataFrame:
    """Share of existing councils at each grade, each month end from November 2013 to the
    data's end. Columns as ``charts.national.national_chart`` takes."""
    monthly = queries.standing_monthly(con, rule)
    monthly["date"] = pd.to_datetime(monthly["month_end"]).dt.date
    end = data_end(con)
    monthly = monthly[(monthly["date"] >= SIF_START) & (monthly["date"] <= _month_end(end))]
    monthly["grade"] = [
        chart_grade(g, s) for g, s in zip(monthly["grade"], monthly["status"], strict=True)
    ]
    return _shares(monthly, ["date"])


def _month_end(day: dt.date) -> dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def standing_on(
    con: duckdb.DuckDBPyConnection, as_at: dt.date, rule: str = queries.DEFAULT_RULE
) -> pd.DataFrame:
    """Every council existing on ``as_at`` with its chart grade code."""
    table = queries.standing(con, as_at, rule)
    table["grade"] = [
        chart_grade(g, s) for g, s in zip(table["grade"], table["status"], strict=True)
    ]
    table["grade_label"] = table["grade"].map(label)
    return table


def regions(con: duckdb.DuckDBPyConnection, as_at: dt.date | None = None) -> pd.DataFrame:
    """Councils by grade in each region on ``as_at`` (default the data's end)."""
    day = as_at or data_end(con)
    table = standing_on(con, day).assign(date=day)
    return _shares(table, ["date", "region"])


def transitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Pairs of consecutive graded whole-service inspections (SIF and ILACS), by grade before."""
    pairs = queries.transitions(con)
    out = pairs.groupby(["previous_grade", "grade"]).size().rename("inspections").reset_index()
    out = out.rename(columns={"previous_grade": "from_grade", "grade": "to_grade"})
    out["total"] = out.groupby("from_grade")["inspections"].transform("sum")
    out["share"] = (out["inspections"] / out["total"]).round(4)
    out["from_label"] = out["from_grade"].map(label)
    out["to_label"] = out["to_grade"].map(label)
    order = out["from_grade"].map(grade_rank) * 100 + out["to_grade"].map(grade_rank)
    out = out.iloc[order.argsort(kind="mergesort")].reset_index(drop=True)
    return out[
        ["from_grade", "from_label", "to_grade", "to_label", "inspections", "total", "share"]
    ]


def survival(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spells, Kaplan-Meier curve) of inadequate spells, as ``charts.survival`` takes."""
    from ofsted_record.charts.survival import kaplan_meier

    spells = queries.inadequate_spells(con)
    curve = kaplan_meier(spells["days"].astype(float), (~spells["censored"]).astype(int))
    return spells, curve


COUNCIL_JUDGEMENTS = """
SELECT CAST(published_date AS DATE) AS date, framework, area, grade, source_url AS report_url
FROM judgement_facts
WHERE la_code = ? AND area IN ('overall_effectiveness', 'safeguarding')
ORDER BY date, area
"""
COUNCIL_INTERVENTIONS = """
SELECT CAST(date AS DATE) AS date, replace(event, '_', ' ') AS event
FROM interventions WHERE la_code = ? ORDER BY date, event
"""


def council(con: duckdb.DuckDBPyConnection, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(judgements, interventions) for ``charts.council.council_chart``."""
    judgements = con.execute(COUNCIL_JUDGEMENTS, [la_code]).df()
    judgements = judgements[judgements["grade"].isin(list(GRADE_LABELS))].copy()
    judgements["grade_label"] = judgements["grade"].map(label)
    judgements["report_url"] = judgements["report_url"].fillna("")
    interventions = con.execute(COUNCIL_INTERVENTIONS, [la_code]).df()
    return judgements.reset_index(drop=True), interventions
