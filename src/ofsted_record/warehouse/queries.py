"""The story's questions, answered once in SQL over the warehouse.

Every function takes an open DuckDB connection (``ofsted_record.warehouse.connect()``) and
returns a pandas DataFrame. Every user-supplied value is a bound parameter; names of rules and
areas are checked against fixed lists before use.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

RULES = ("ended_by", "ofsted_31_march", "published_within_month")
# Ofsted's own rule for its "as at 31 March" figures changed with its 2024 release (see the
# warehouse table ``counting_rules``): a month's grace for publication until 2023, three after.
OFSTED_RULE_CHANGED = 2024
AREAS = (
    "overall_effectiveness",
    "help_and_protection",
    "children_in_care",
    "children_in_care_and_care_leavers",
    "care_leavers",
    "adoption",
    "leadership",
    "impact_of_leaders",
    "lscb",
)
DEFAULT_RULE = "ended_by"

STANDING = "SELECT * FROM standing(?, ?, ?) ORDER BY council"
STANDING_MONTHLY = "SELECT * FROM standing_monthly(?, ?) ORDER BY as_at, council"
NATIONAL_MONTHLY = "SELECT * FROM national_monthly(?, ?) ORDER BY as_at, grade"
REGIONAL_MONTHLY = "SELECT * FROM regional_monthly(?, ?) ORDER BY as_at, region, grade"
TRANSITIONS = "SELECT * FROM transitions ORDER BY council, published_date"
TRANSITION_SUMMARY = """
SELECT previous_grade, grade, change, count(*) AS n
FROM transitions
WHERE (? IS NULL OR framework LIKE ?)
GROUP BY ALL ORDER BY previous_grade, grade
"""
SPELLS = "SELECT * FROM inadequate_spells ORDER BY start_date, council"
REPEATS = "SELECT * FROM repeat_failures ORDER BY council, spell_number"
INTERVENTIONS = "SELECT * FROM intervention_outcomes ORDER BY date, council_as_written"
COUNCIL_TIMELINE = """
SELECT inspection_id, framework, source, start_date, end_date, published_date, area, grade,
       grade_raw, source_url
FROM judgement_facts WHERE la_code = ? ORDER BY published_date, area
"""


def _check(rule: str, area: str) -> None:
    if rule not in RULES:
        raise ValueError(f"unknown counting rule {rule!r}; choose one of {RULES}")
    if area not in AREAS:
        raise ValueError(f"unknown judgement area {area!r}; choose one of {AREAS}")


def standing(
    con: duckdb.DuckDBPyConnection,
    as_at: date,
    rule: str = DEFAULT_RULE,
    area: str = "overall_effectiveness",
) -> pd.DataFrame:
    """Each council existing on ``as_at`` with its grade in ``area`` under ``rule``."""
    _check(rule, area)
    return con.execute(STANDING, [as_at, rule, area]).df()


def ofsted_rule(year: int) -> str:
    """The counting rule Ofsted used for its figures as at 31 March of ``year``."""
    return "ofsted_31_march" if year >= OFSTED_RULE_CHANGED else "published_within_month"


def standing_31_march(
    con: duckdb.DuckDBPyConnection, year: int, area: str = "overall_effectiveness"
) -> pd.DataFrame:
    """Each council's standing on 31 March of ``year`` counted as Ofsted counted it then."""
    return standing(con, date(year, 3, 31), ofsted_rule(year), area)


def standing_monthly(
    con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE, area: str = "overall_effectiveness"
) -> pd.DataFrame:
    """Every council at every month end 2009-2026 (one query)."""
    _check(rule, area)
    return con.execute(STANDING_MONTHLY, [rule, area]).df()


def national_monthly(
    con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE, area: str = "overall_effectiveness"
) -> pd.DataFrame:
    _check(rule, area)
    return con.execute(NATIONAL_MONTHLY, [rule, area]).df()


def regional_monthly(
    con: duckdb.DuckDBPyConnection, rule: str = DEFAULT_RULE, area: str = "overall_effectiveness"
) -> pd.DataFrame:
    _check(rule, area)
    return con.execute(REGIONAL_MONTHLY, [rule, area]).df()


def transitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(TRANSITIONS).df()


def transition_summary(
    con: duckdb.DuckDBPyConnection, framework: str | None = None
) -> pd.DataFrame:
    """Counts of grade pairs between consecutive inspections; ``framework`` e.g. 'ilacs%'."""
    return con.execute(TRANSITION_SUMMARY, [framework, framework]).df()


def inadequate_spells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(SPELLS).df()


def repeat_failures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(REPEATS).df()


def intervention_outcomes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(INTERVENTIONS).df()


def council_timeline(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    return con.execute(COUNCIL_TIMELINE, [la_code]).df()


def kaplan_meier(
    spells: pd.DataFrame,
    days_col: str = "days",
    censored_col: str = "censored",
    all_times: bool = False,
) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share of spells still inadequate after t days (lifelines).

    Returns time 0 and one row per distinct event time (``all_times``: also every time at which
    a spell was censored, for numbers at risk and censoring marks): days, at_risk, left
    (events), censored, still_inadequate (S(t)), and a 95% confidence band (Greenwood variance,
    log(-log) transform: lifelines' default).
    """
    from lifelines import KaplanMeierFitter

    data = spells[[days_col, censored_col]].dropna()
    observed = ~data[censored_col].astype(bool)
    kmf = KaplanMeierFitter(alpha=0.05).fit(data[days_col], event_observed=observed)
    table = kmf.event_table
    band = kmf.confidence_interval_survival_function_
    out = pd.DataFrame(
        {
            "days": table.index.astype(int),
            "at_risk": table["at_risk"].astype(int).to_numpy(),
            "left": table["observed"].astype(int).to_numpy(),
            "censored": table["censored"].astype(int).to_numpy(),
            "still_inadequate": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "lower": band.iloc[:, 0].to_numpy(),
            "upper": band.iloc[:, 1].to_numpy(),
        }
    )
    if out["days"].iloc[0] != 0:  # lifelines starts its timeline at 0 only when asked
        start = {"days": 0, "at_risk": len(data), "left": 0, "censored": 0}
        start |= {"still_inadequate": 1.0, "lower": 1.0, "upper": 1.0}
        out = pd.concat([pd.DataFrame([start]), out], ignore_index=True)
    out.loc[out["days"] == 0, ["lower", "upper"]] = 1.0
    keep = (out["days"] == 0) | (out["left"] > 0) | all_times
    return out[keep].reset_index(drop=True)


def share_left_within(km: pd.DataFrame, days: int) -> float:
    """1 - S(days): estimated share of inadequate spells ended within ``days``."""
    upto = km[km["days"] <= days]
    return float(1 - upto["still_inadequate"].iloc[-1])
