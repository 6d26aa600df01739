"""Data functions: a DuckDB connection in, exactly the DataFrame a chart function takes out.

They read the warehouse tables of ``data/README.md``: ``inspections`` (``inspection_id,
la_code, framework, published_date, source_url``), ``judgements`` (``inspection_id, area,
grade``), ``councils`` (``la_code, name, short_name, region_name, valid_from, valid_to``; empty
``valid_from``/``valid_to`` = existed throughout) and ``interventions``
(``la_code, event, date``). To repoint them (a view, a renamed column), change the SQL constants
below: nothing else in the charts package knows a table name.

"Status" throughout means a council's latest overall-effectiveness grade published on or before
a date, from the frameworks that grade overall effectiveness on the four-point scale (SIF from
November 2013, its re-inspections, ILACS standard and short); an inspection under the 2026
framework, which gives no overall grade, replaces the grade with ``no_overall_grade``. Councils
with no such inspection yet are ``not_judged``. Councils count while they exist (``start_date``
to ``end_date``) and only if they were ever inspected (leaving out, e.g., the Isles of Scilly).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ofsted_record.charts.palette import GRADE_ORDER, grade_rank, label

GRADED_FRAMEWORKS = ("sif", "sif_reinspection", "ilacs_standard", "ilacs_short", "ilacs_2026")
FIRST_MONTH = dt.date(2013, 11, 1)  # SIF began in November 2013

# Every overall-effectiveness event: (la_code, date, grade, inspection_id, report_url).
OE_EVENTS_SQL = """
SELECT i.la_code,
       CAST(i.published_date AS DATE) AS date,
       CASE WHEN i.framework = 'ilacs_2026' THEN 'no_overall_grade' ELSE j.grade END AS grade,
       i.inspection_id,
       i.framework,
       i.source_url AS report_url
FROM inspections i
LEFT JOIN judgements j
  ON j.inspection_id = i.inspection_id AND j.area = 'overall_effectiveness'
WHERE i.framework IN ('sif', 'sif_reinspection', 'ilacs_standard', 'ilacs_short', 'ilacs_2026')
  AND (j.grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')
       OR i.framework = 'ilacs_2026')
"""

COUNCILS_SQL = """
SELECT c.la_code,
       coalesce(c.short_name, c.name) AS name,
       c.region_name AS region,
       coalesce(CAST(c.valid_from AS DATE), DATE '1900-01-01') AS start_date,
       CAST(c.valid_to AS DATE) AS end_date
FROM councils c
WHERE c.la_code IN (SELECT la_code FROM inspections)
"""

# As-of join: for each (date, council alive on it) the latest event on or before the date.
STATUS_SQL = f"""
WITH dates AS (SELECT CAST(unnest(?) AS DATE) AS date),
councils_ AS ({COUNCILS_SQL}),
events AS ({OE_EVENTS_SQL}),
alive AS (
  SELECT d.date, c.la_code, c.name, c.region
  FROM dates d JOIN councils_ c
    ON c.start_date <= d.date AND (c.end_date IS NULL OR c.end_date >= d.date)
)
SELECT a.date, a.la_code, a.name AS council, a.region,
       coalesce(e.grade, 'not_judged') AS grade,
       e.date AS grade_date,
       e.report_url
FROM alive a ASOF LEFT JOIN events e ON a.la_code = e.la_code AND a.date >= e.date
ORDER BY a.date, a.la_code
"""

DATA_END_SQL = "SELECT max(CAST(published_date AS DATE)) FROM inspections"

COUNCIL_JUDGEMENTS_SQL = """
SELECT CAST(i.published_date AS DATE) AS date, i.framework, j.area, j.grade,
       i.source_url AS report_url
FROM inspections i JOIN judgements j ON j.inspection_id = i.inspection_id
WHERE i.la_code = ?
  AND j.area IN ('overall_effectiveness', 'safeguarding')
ORDER BY date, j.area
"""

COUNCIL_INTERVENTIONS_SQL = """
SELECT CAST(date AS DATE) AS date, event FROM interventions WHERE la_code = ? ORDER BY date, event
"""


def _frame(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def data_end(con) -> dt.date:
    """The last publication date in the data: the 'as at' date of the latest position."""
    value = con.execute(DATA_END_SQL).fetchone()[0]
    if value is None:
        raise ValueError("the inspections table is empty")
    return pd.Timestamp(value).date()


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    months = pd.date_range(start, end, freq="ME")
    return [d.date() for d in months]


def status_on(con, dates: list[dt.date]) -> pd.DataFrame:
    """Each council's status on each date: ``date, la_code, council, region, grade,
    grade_date, report_url`` (one row per council existing on the date)."""
    frame = _frame(con, STATUS_SQL, [sorted(set(dates))])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["grade_date"] = pd.to_datetime(frame["grade_date"]).dt.date
    return frame


def _shares(status: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    counts = status.groupby([*by, "grade"], sort=True).size().rename("councils").reset_index()
    totals = counts.groupby(by)["councils"].transform("sum")
    counts["total"] = totals
    counts["share"] = (counts["councils"] / totals).round(4)
    counts["grade_label"] = counts["grade"].map(label)
    counts["grade_rank"] = counts["grade"].map(grade_rank)
    return counts.sort_values([*by, "grade_rank"], kind="mergesort").reset_index(drop=True)


def national_monthly(con) -> pd.DataFrame:
    """Councils by status at each month end since November 2013.

    Columns: ``date`` (month end), ``grade``, ``grade_label``, ``grade_rank``, ``councils``,
    ``total`` (councils counted that month), ``share`` (councils / total, 4 d.p.).
    """
    end = data_end(con)
    months = _month_ends(FIRST_MONTH, end)
    status = status_on(con, months)
    return _shares(status, ["date"])


def regional_latest(con) -> pd.DataFrame:
    """Councils by status in each region on the data's end date.

    Columns: ``date``, ``region``, ``grade``, ``grade_label``, ``grade_rank``, ``councils``,
    ``total`` (councils in the region), ``share``.
    """
    end = data_end(con)
    status = status_on(con, [end])
    return _shares(status, ["date", "region"])


def map_status(con) -> pd.DataFrame:
    """Each council's status on 31 March of every year from 2014 and on the data's end date.

    Columns: ``year`` (int), ``date``, ``la_code``, ``council``, ``grade``, ``grade_label``,
    ``grade_date`` (publication of the judgement shown), ``report_url``.
    """
    end = data_end(con)
    dates = [dt.date(y, 3, 31) for y in range(2014, end.year + 1) if dt.date(y, 3, 31) <= end]
    if dates[-1] != end and end.year not in {d.year for d in dates}:
        dates.append(end)
    status = status_on(con, dates)
    status["year"] = [d.year for d in status["date"]]
    status["grade_label"] = status["grade"].map(label)
    cols = ["year", "date", "la_code", "council", "grade", "grade_label", "grade_date"]
    return status[[*cols, "report_url"]].sort_values(["year", "la_code"]).reset_index(drop=True)


def transitions(con) -> pd.DataFrame:
    """What the next graded inspection found, by the grade before it (SIF and ILACS only).

    Columns: ``from_grade``, ``from_label``, ``to_grade``, ``to_label``, ``inspections``
    (pairs of consecutive judgements), ``total`` (pairs from that grade), ``share``.
    """
    events = _frame(con, OE_EVENTS_SQL)
    events = events[events["grade"].isin(GRADE_ORDER)]
    events = events.sort_values(["la_code", "date", "inspection_id"], kind="mergesort")
    events["next_grade"] = events.groupby("la_code")["grade"].shift(-1)
    pairs = events.dropna(subset=["next_grade"])
    out = pairs.groupby(["grade", "next_grade"]).size().rename("inspections").reset_index()
    out = out.rename(columns={"grade": "from_grade", "next_grade": "to_grade"})
    out["total"] = out.groupby("from_grade")["inspections"].transform("sum")
    out["share"] = (out["inspections"] / out["total"]).round(4)
    out["from_label"] = out["from_grade"].map(label)
    out["to_label"] = out["to_grade"].map(label)
    out["_f"] = out["from_grade"].map(grade_rank)
    out["_t"] = out["to_grade"].map(grade_rank)
    out = out.sort_values(["_f", "_t"]).drop(columns=["_f", "_t"]).reset_index(drop=True)
    return out[
        ["from_grade", "from_label", "to_grade", "to_label", "inspections", "total", "share"]
    ]


def inadequate_spells(con) -> pd.DataFrame:
    """Spells of an 'inadequate' overall grade, for the survival curve.

    A spell starts at the first inadequate judgement after a better one (or none) and ends at
    the first later judgement that is not inadequate (``event`` = 1). Spells still open are
    censored (``event`` = 0) at the council's end date or the data's end date.
    Columns: ``la_code``, ``start``, ``end``, ``event``, ``days``.
    """
    events = _frame(con, OE_EVENTS_SQL)
    councils = _frame(con, COUNCILS_SQL).set_index("la_code")
    end = data_end(con)
    events = events.sort_values(["la_code", "date", "inspection_id"], kind="mergesort")
    spells = []
    for code, history in events.groupby("la_code", sort=True):
        start = None
        for row in history.itertuples(index=False):
            if row.grade == "inadequate" and start is None:
                start = row.date
            elif row.grade != "inadequate" and start is not None:
                spells.append((code, start, row.date, 1))
                start = None
        if start is not None:
            closed = councils["end_date"].get(code) if code in councils.index else None
            stop = pd.Timestamp(closed).date() if pd.notna(closed) else end
            spells.append((code, start, min(stop, end), 0))
    out = pd.DataFrame(spells, columns=["la_code", "start", "end", "event"])
    out["days"] = [
        (pd.Timestamp(e) - pd.Timestamp(s)).days
        for s, e in zip(out["start"], out["end"], strict=True)
    ]
    return out


def inadequate_survival(con) -> pd.DataFrame:
    """Kaplan-Meier estimate of staying inadequate, from :func:`inadequate_spells`.

    Columns as :func:`ofsted_record.charts.survival.kaplan_meier` returns.
    """
    from ofsted_record.charts.survival import kaplan_meier

    spells = inadequate_spells(con)
    return kaplan_meier(spells["days"], spells["event"])


def council_history(con, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One council's judgements and interventions.

    Judgements columns: ``date``, ``framework``, ``area``, ``grade``, ``grade_label``,
    ``report_url`` (overall effectiveness, and the pre-2013 safeguarding judgement).
    Interventions columns: ``date``, ``event``.
    """
    judgements = _frame(con, COUNCIL_JUDGEMENTS_SQL, [la_code])
    judgements["grade_label"] = judgements["grade"].map(label)
    interventions = _frame(con, COUNCIL_INTERVENTIONS_SQL, [la_code])
    return judgements, interventions
