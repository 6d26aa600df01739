"""The one headline number: how many councils were judged inadequate, as at the latest date
the data covers.

Defined once, here, and used by the story, the charts' alt text and key figures (and, through
:func:`headline`, by anything else that quotes it):

* **counted** — councils whose latest whole-service inspection (the single inspection
  framework from November 2013, or ILACS from 2018) was graded *inadequate* for overall
  effectiveness;
* **denominator** — every council with children's services in being on the date (including
  councils not yet inspected under those frameworks and councils whose latest inspection, under
  the 2026 framework, gives no overall grade);
* **counting rule** — the warehouse's default (``ended_by``: an inspection counts once its
  visit has ended);
* **as at** — the latest date the data covers (the last publication date in the record), never
  a later date such as the end of that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from ofsted_record.warehouse import queries as wq

AREA = "overall_effectiveness"


@dataclass(frozen=True)
class Headline:
    as_at: dt.date
    inadequate: int
    councils: int
    rule: str

    @property
    def share(self) -> float:
        return self.inadequate / self.councils

    @property
    def percent(self) -> str:
        return f"{round(self.share * 100)}%"

    @property
    def date_text(self) -> str:
        return f"{self.as_at.day} {self.as_at:%B %Y}"

    def sentence(self) -> str:
        """The figure as a reader meets it."""
        return (
            f"On {self.date_text}, {self.inadequate} of {self.councils} councils "
            f"({self.percent}) were judged inadequate at their latest full inspection."
        )


def data_end(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The latest date the data covers: the last publication date in the record."""
    value = con.execute("SELECT max(CAST(published_date AS DATE)) FROM inspections").fetchone()[0]
    if value is None:
        raise ValueError("the inspections table is empty: no headline date")
    return value


def headline(
    con: duckdb.DuckDBPyConnection, as_at: dt.date | None = None, rule: str = wq.DEFAULT_RULE
) -> Headline:
    """The headline on ``as_at`` (default, and at most, the latest date the data covers)."""
    end = data_end(con)
    if as_at is not None and as_at > end:
        raise ValueError(f"headline as at {as_at}: the data end on {end}")
    day = as_at or end
    table = wq.standing(con, day, rule, AREA)
    graded = table["status"] == "graded"
    inadequate = int(((table["grade"] == "inadequate") & graded).sum())
    return Headline(as_at=day, inadequate=inadequate, councils=len(table), rule=rule)
