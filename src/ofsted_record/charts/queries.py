"""Data functions: a warehouse connection in, exactly the DataFrame a chart function takes out.

Nothing here decides who counts or which inspection counts: every answer comes from the
warehouse's macros and views (``warehouse/sql/02_views.sql``, ``03_outcomes.sql``), through
:mod:`ofsted_record.warehouse.queries`, and is only reshaped here (grade codes, labels, shares,
sort order). So the charts, the site, the claims and the notebooks count the same way.

"Status" throughout is the warehouse's ``standing``: a council's grade from its latest
whole-service inspection (SIF or ILACS) that counts on the date under a counting rule (default
:data:`ofsted_record.warehouse.queries.DEFAULT_RULE`, ``ended_by``: inspections that had ended
by the date). Its ``status`` is mapped to the chart vocabulary: ``graded`` → the grade;
``no overall grade (2026 framework)`` → ``no_overall_grade``; anything else (not yet inspected
under SIF/ILACS, not judged in the latest inspection) → ``not_judged``. Councils count on the
days they existed.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ofsted_record.charts.palette import GRADE_LABELS, event_label, grade_rank, label
from ofsted_record.warehouse import queries as wq

DEFAULT_RULE = wq.DEFAULT_RULE
AREA = "overall_effectiveness"
FIRST_MONTH = dt.date(2013, 11, 30)  # first month end of the single inspection framework
NO_OVERALL_GRADE_STATUS = "no overall grade (2026 framework)"
COUNCIL_AREAS = ("overall_effectiveness", "safeguarding")  # the council timeline's judgements
# Grades a judgement can carry (cells marked not judged are left out of timelines).
JUDGEMENT_GRADES = ("outstanding", "good", "adequate", "requires_improvement", "inadequate")
CONTEXT_MEASURE = "sw_agency_rate"

DATA_END_SQL = "SELECT max(CAST(published_date AS DATE)) FROM inspections"
SHORT_NAMES_SQL = "SELECT la_code, coalesce(short_name, name) AS council FROM councils"
CONTEXT_VALUES_SQL = """
SELECT la_code, year, period, value
FROM context_measures
WHERE measure = ? AND year = ? AND value IS NOT NULL
ORDER BY la_code
"""
CONTEXT_YEARS_SQL = """
SELECT DISTINCT year FROM context_measures
WHERE measure = ? AND value IS NOT NULL ORDER BY year
"""
CONTEXT_DICTIONARY_SQL = """
SELECT measure, unit, definition, publisher, time_basis
FROM context_measure_dictionary WHERE measure = ?
"""


def data_end(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The last publication date in the data: the 'as at' date of the latest position."""
    value = con.execute(DATA_END_SQL).fetchone()[0]
    if value is None:
        raise ValueError("the inspections table is empty")
    return pd.Timestamp(value).date()


def chart_grade(grade: object, status: str) -> str:
    """Warehouse ``(grade, status)`` → chart grade code (see the module docstring)."""
    if status == "graded" and isinstance(grade, str):
        label(grade)  # an unknown grade raises, so a new vocabulary value is noticed
        return grade
    if status == NO_OVERALL_GRADE_STATUS:
        return "no_overall_grade"
    return "not_judged"


def _chart_grades(frame: pd.DataFrame) -> list[str]:
    return [chart_grade(g, s) for g, s in zip(frame["grade"], frame["status"], strict=True)]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


def status_on(
    con: duckdb.DuckDBPyConnection, dates: list[dt.date], rule: str = DEFAULT_RULE
) -> pd.DataFrame:
    """Each council's status on each date, from the warehouse's ``standing`` macro.

    Columns: ``date, la_code, council`` (short name), ``region``, ``grade`` (chart code),
    ``grade_date``
    (publication date of the inspection shown, empty if none), ``report_url``, ``status``
    (the warehouse's). One row per council existing on the date.
    """
    frames = []
    for day in sorted(set(dates)):
        table = wq.standing(con, day, rule, AREA)
        table["date"] = day
        frames.append(table)
    table = pd.concat(frames, ignore_index=True)
    short = dict(con.execute(SHORT_NAMES_SQL).fetchall())
    out = pd.DataFrame(
        {
            "date": table["date"],
            "la_code": table["la_code"],
            "council": table["la_code"].map(short).fillna(table["council"]),
            "region": table["region"],
            "grade": _chart_grades(table),
            "grade_date": _dates(table["published_date"]),
            "report_url": table["source_url"],
            "status": table["status"],
        }
    )
    return out.sort_values(["date", "la_code"], kind="mergesort").reset_index(drop=True)


def _shares(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``councils`` per ``by`` × grade → plus ``total``, ``share``, label and rank."""
    out = counts.groupby([*by, "grade"], sort=True)["councils"].sum().reset_index()
    out["total"] = out.groupby(by)["councils"].transform("sum")
    out["share"] = (out["councils"] / out["total"]).round(4)
    out["grade_label"] = out["grade"].map(label)
    out["grade_rank"] = out["grade"].map(grade_rank)
    return out.sort_values([*by, "grade_rank"], kind="mergesort").reset_index(drop=True)


def _month_end(day: dt.date) -> dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def national_monthly(con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE) -> pd.DataFrame:
    """Councils by status at each month end from the first with a SIF/ILACS grade (December
    2013 under ``ended_by``) to the month of the data's end, from the warehouse's
    ``national_monthly`` macro.

    Columns: ``date`` (month end), ``grade``, ``grade_label``, ``grade_rank``, ``councils``,
    ``total`` (councils existing that month), ``share`` (councils / total, 4 d.p.).
    """
    monthly = wq.national_monthly(con, rule, AREA)
    monthly["date"] = _dates(monthly["as_at"])
    last = _month_end(data_end(con))
    monthly = monthly[(monthly["date"] >= FIRST_MONTH) & (monthly["date"] <= last)]
    # The macro's `grade` is the grade, or the status text when there is none.
    graded = monthly["grade"].isin(list(GRADE_LABELS))
    status = monthly["grade"].where(~graded, "graded")
    monthly = monthly.assign(
        grade=[chart_grade(g, s) for g, s in zip(monthly["grade"], status, strict=True)]
    )
    first = monthly.loc[monthly["grade"] != "not_judged", "date"].min()
    monthly = monthly[monthly["date"] >= first]
    out = _shares(monthly[["date", "grade", "councils"]], ["date"])
    existing = monthly.groupby("date")["councils_existing"].first()
    if not (out.groupby("date")["total"].first() == existing).all():
        raise ValueError("national_monthly: councils by grade do not add up to councils existing")
    return out


def regional_latest(
    con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE, as_at: dt.date | None = None
) -> pd.DataFrame:
    """Councils by status in each region on ``as_at`` (default the data's end date).

    Columns: ``date``, ``region``, ``grade``, ``grade_label``, ``grade_rank``, ``councils``,
    ``total`` (councils in the region), ``share``.
    """
    status = status_on(con, [as_at or data_end(con)], rule)
    return _shares(status.assign(councils=1), ["date", "region"])


def map_status(con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE) -> pd.DataFrame:
    """Each council's status on 31 March of every year from 2014, and on the data's end date
    when that falls before 31 March of its year.

    Columns: ``year`` (int), ``date``, ``la_code``, ``council``, ``grade``, ``grade_label``,
    ``grade_date`` (publication of the inspection shown), ``report_url``.
    """
    end = data_end(con)
    dates = [dt.date(y, 3, 31) for y in range(2014, end.year + 1) if dt.date(y, 3, 31) <= end]
    if end.year not in {d.year for d in dates}:
        dates.append(end)
    status = status_on(con, dates, rule)
    status["year"] = [d.year for d in status["date"]]
    status["grade_label"] = status["grade"].map(label)
    cols = ["year", "date", "la_code", "council", "grade", "grade_label", "grade_date"]
    return status[[*cols, "report_url"]].sort_values(["year", "la_code"]).reset_index(drop=True)


def transitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the next graded inspection found, by the grade before it (the warehouse's
    ``transitions`` view: consecutive whole-service inspections with an overall grade).

    Columns: ``from_grade``, ``from_label``, ``to_grade``, ``to_label``, ``inspections``
    (pairs of consecutive judgements), ``total`` (pairs from that grade), ``share``.
    """
    pairs = wq.transitions(con)
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


def inadequate_spells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Spells of inadequate: the warehouse's ``inadequate_spells`` view as it stands
    (``la_code, council, start_date, end_date, censored, outcome, observed_until, days``, ...)."""
    return wq.inadequate_spells(con)


def inadequate_survival(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Kaplan-Meier curve of staying inadequate, from the warehouse's spells and estimator.

    Columns as :func:`ofsted_record.warehouse.queries.kaplan_meier` returns (``days, at_risk,
    left, censored, still_inadequate, lower, upper``) at every time a spell ended or was
    censored (so the curve runs to the end of the data and carries its censoring), plus ``se``
    (Greenwood).
    """
    from ofsted_record.charts.survival import ROUND, with_standard_error

    spells = inadequate_spells(con)
    curve = with_standard_error(wq.kaplan_meier(spells, all_times=True))
    return curve.round(ROUND)


def council_history(
    con: duckdb.DuckDBPyConnection, la_code: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One council's judgements (``council_timeline``) and interventions
    (``intervention_outcomes``).

    Judgements columns: ``date`` (publication), ``framework``, ``area``, ``grade``,
    ``grade_label``, ``report_url`` (overall effectiveness, and the pre-2013 safeguarding
    judgement; cells without a grade left out; pre-2013 grades are stored under their own
    names, see :func:`ofsted_record.official.grades.normalise_grade`). Interventions columns: ``date``, ``event``, ``event_label``
    (plain words), ``source`` (who said so) and ``source_url`` (the page).
    """
    timeline = wq.council_timeline(con, la_code)
    timeline = timeline[
        timeline["area"].isin(COUNCIL_AREAS) & timeline["grade"].isin(JUDGEMENT_GRADES)
    ]
    grades = list(timeline["grade"])
    judgements = pd.DataFrame(
        {
            "date": _dates(timeline["published_date"]),
            "framework": timeline["framework"],
            "area": timeline["area"],
            "grade": grades,
            "grade_label": [label(g) for g in grades],
            "report_url": timeline["source_url"].fillna(""),
        }
    )
    judgements = judgements.sort_values(["date", "area"], kind="mergesort")
    events = wq.intervention_outcomes(con)
    # Undated rows (the source gives no date) cannot be placed on a timeline.
    events = events[(events["la_code"] == la_code) & events["date"].notna()]
    interventions = pd.DataFrame(
        {
            "date": _dates(events["date"]),
            "event": events["event"],
            "event_label": events["event"].map(event_label),
            "source": events["source"],
            "source_url": events["source_url"],
        }
    )
    interventions = interventions.sort_values(["date", "event"], kind="mergesort")
    return judgements.reset_index(drop=True), interventions.reset_index(drop=True)


def context_years(con: duckdb.DuckDBPyConnection, measure: str) -> list[int]:
    """Years in which ``measure`` has at least one value."""
    return [int(r[0]) for r in con.execute(CONTEXT_YEARS_SQL, [measure]).fetchall()]


def context_by_grade(
    con: duckdb.DuckDBPyConnection,
    measure: str = CONTEXT_MEASURE,
    year: int | None = None,
    rule: str = DEFAULT_RULE,
) -> pd.DataFrame:
    """A context measure for each council against its status on 31 March of the measure's year.

    ``year`` defaults to the latest year with values whose 31 March is within the data.
    Councils without a value (suppressed, not available) are left out.
    Columns: ``la_code``, ``council``, ``region``, ``year``, ``period`` (the measure's own
    date), ``as_at`` (31 March of ``year``), ``measure``, ``value``, ``unit``, ``definition``,
    ``publisher``, ``time_basis``, ``grade``, ``grade_label``, ``grade_date``, ``report_url``.
    """
    meta = con.execute(CONTEXT_DICTIONARY_SQL, [measure]).df()
    if meta.empty:
        raise ValueError(f"unknown context measure {measure!r} (see context_measure_dictionary)")
    end = data_end(con)
    years = [y for y in context_years(con, measure) if dt.date(y, 3, 31) <= end]
    if year is None:
        if not years:
            raise ValueError(f"context measure {measure!r} has no values within the data")
        year = years[-1]
    elif year not in years:
        raise ValueError(f"context measure {measure!r} has no values for {year}; has {years}")
    as_at = dt.date(year, 3, 31)
    values = con.execute(CONTEXT_VALUES_SQL, [measure, year]).df()
    status = status_on(con, [as_at], rule)
    out = values.merge(status, on="la_code", how="inner", validate="one_to_one")
    info = meta.iloc[0]
    out = out.assign(
        year=int(year),
        as_at=as_at,
        measure=measure,
        unit=info["unit"],
        definition=info["definition"],
        publisher=info["publisher"],
        time_basis=info["time_basis"],
        grade_label=out["grade"].map(label),
        period=out["period"].astype(str),
    )
    cols = ["la_code", "council", "region", "year", "period", "as_at", "measure", "value"]
    cols += ["unit", "definition", "publisher", "time_basis", "grade", "grade_label"]
    cols += ["grade_date", "report_url"]
    return out[cols].sort_values("la_code", kind="mergesort").reset_index(drop=True)
