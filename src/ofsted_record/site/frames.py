"""Chart-ready frames for the site: thin names over ``ofsted_record.charts.queries``.

The charts package shapes warehouse results (``standing``, ``transitions``,
``inadequate_spells``, Kaplan-Meier) into the frames its chart functions take; the site uses
the same functions, so the site, the embeds, the claims and the notebooks count the same way.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ofsted_record.charts import queries as chart_queries
from ofsted_record.charts.palette import label
from ofsted_record.warehouse import queries

data_end = chart_queries.data_end
transitions = chart_queries.transitions
chart_grade = chart_queries.chart_grade


def national(con: duckdb.DuckDBPyConnection, rule: str = queries.DEFAULT_RULE) -> pd.DataFrame:
    """Share of existing councils at each grade, each month end (``national_chart`` input)."""
    return chart_queries.national_monthly(con, rule)


def standing_on(
    con: duckdb.DuckDBPyConnection, as_at: dt.date, rule: str = queries.DEFAULT_RULE
) -> pd.DataFrame:
    """Every council existing on ``as_at`` with its chart grade code and label."""
    table = queries.standing(con, as_at, rule)
    table["grade"] = [
        chart_grade(g, s) for g, s in zip(table["grade"], table["status"], strict=True)
    ]
    table["grade_label"] = table["grade"].map(label)
    return table


def regions(con: duckdb.DuckDBPyConnection, as_at: dt.date | None = None) -> pd.DataFrame:
    """Councils by grade in each region on ``as_at`` (default the data's end)."""
    return chart_queries.regional_latest(con, as_at=as_at)


def survival(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spells, Kaplan-Meier curve) of inadequate spells, as ``charts.survival`` takes."""
    return queries.inadequate_spells(con), chart_queries.inadequate_survival(con)


def council(con: duckdb.DuckDBPyConnection, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(judgements, interventions) for ``charts.council.council_chart``."""
    return chart_queries.council_history(con, la_code)
