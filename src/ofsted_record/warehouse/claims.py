"""Claims from the reporting of the time, each with the query that checks it and its result.

Each checker returns a ``ClaimResult`` whose numbers come from the warehouse at build time; the
verdict wording is chosen by comparing those numbers with the claim, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from ofsted_record.warehouse import queries

VERDICTS = (
    "supported",
    "broadly supported",
    "partly supported",
    "not supported",
    "cannot be settled",
)


@dataclass
class ClaimResult:
    slug: str
    claim: str
    said_by: str
    verdict: str  # one of VERDICTS
    finding: str
    query: str
    figures: dict = field(default_factory=dict)
    table: pd.DataFrame | None = None
    # Where the claim's figures came from, in plain words, and a link for readers.
    source: str = ""
    source_url: str = ""


# 1. "19 out of 74 councils inspected between February 2014 and September 2015 were inadequate".
# Ofsted's count behind it was of SIF reports published by 30 November 2015 (its reading); the
# claim's own words (a window of inspection dates) are kept as context.
SIF_PUBLISHED_BY = """
SELECT count(DISTINCT la_code) AS councils,
       count(DISTINCT la_code) FILTER (WHERE overall_grade = 'inadequate') AS inadequate,
       count(*) AS inspections
FROM inspection_facts
WHERE framework = 'sif' AND published_date <= ?
"""
SIF_WINDOW = """
SELECT count(DISTINCT la_code) AS councils,
       count(DISTINCT la_code) FILTER (WHERE overall_grade = 'inadequate') AS inadequate,
       count(*) AS inspections
FROM inspection_facts
WHERE framework = 'sif' AND published_date BETWEEN ? AND ?
"""
SIF_WINDOW_BY_END = SIF_WINDOW.replace("published_date BETWEEN", "end_date BETWEEN")
NINETEEN_OF_74_CUT_OFF = date(2015, 11, 30)
NINETEEN_OF_74_SOURCE = (
    "Ofsted's official statistics on inspections of councils' children's services: its count "
    "of single inspection framework reports published by 30 November 2015"
)
NINETEEN_OF_74_URL = "https://www.gov.uk/government/collections/childrens-social-care-statistics"
# When had the 74th council's first SIF report been published, and how many were inadequate?
SIF_NTH_COUNCIL = """
WITH firsts AS (
    SELECT la_code, min(published_date) AS published_date,
           arg_min(overall_grade, published_date) AS grade
    FROM inspection_facts WHERE framework = 'sif' GROUP BY la_code
), ranked AS (
    SELECT *, row_number() OVER (ORDER BY published_date, la_code) AS n,
           count(*) FILTER (WHERE grade = 'inadequate') OVER (
               ORDER BY published_date, la_code ROWS UNBOUNDED PRECEDING) AS inadequate_so_far
    FROM firsts
)
SELECT published_date, n, inadequate_so_far FROM ranked WHERE n = ?
"""

# 3. Ofsted, October 2013: safeguarding judgements in force (SLAC safeguarding / child protection)
SAFEGUARDING_AS_AT = """
WITH latest AS (
    SELECT j.la_code, j.grade, j.framework, j.published_date
    FROM judgement_facts AS j
    WHERE ((j.framework IN ('slac', 'slac_reinspection') AND j.area = 'safeguarding')
        OR (j.framework IN ('cpi', 'cpri') AND j.area = 'overall_effectiveness'))
      AND j.published_date <= ?
    QUALIFY row_number() OVER (PARTITION BY j.la_code ORDER BY j.published_date DESC) = 1
)
SELECT count(*) AS councils,
       count(*) FILTER (WHERE grade = 'inadequate') AS inadequate,
       count(*) FILTER (WHERE grade IN ('good', 'outstanding')) AS good_or_better
FROM latest JOIN councils_on(CAST(? AS DATE)) USING (la_code)
"""

# 5. "getting worse not better" (2016): share inadequate among SIF results published each year,
# and direction of change for councils inspected twice.
SIF_BY_YEAR = """
SELECT year(published_date) AS year,
       CASE framework WHEN 'sif' THEN 'first' ELSE 'reinspection' END AS kind,
       count(*) AS inspections,
       count(*) FILTER (WHERE overall_grade = 'inadequate') AS inadequate,
       count(*) FILTER (WHERE overall_grade = 'inadequate') / count(*) AS share_inadequate
FROM inspection_facts
WHERE framework IN ('sif', 'sif_reinspection') AND overall_grade IS NOT NULL
GROUP BY ALL ORDER BY year, kind
"""
# Re-inspections under the framework were of councils found inadequate before, so they are
# kept apart: mixed in, they make a year with many of them (2018) look worse than it was.
RESULT_KINDS = {"first": "First inspections", "reinspection": "Re-inspections"}
# How many re-inspected councils had been judged inadequate at their first inspection.
REINSPECTED_AFTER_INADEQUATE = """
SELECT count(*) AS reinspections,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM inspection_facts AS f
           WHERE f.la_code = r.la_code AND f.framework = 'sif'
             AND f.overall_grade = 'inadequate' AND f.published_date < r.published_date
       )) AS after_inadequate
FROM inspection_facts AS r
WHERE r.framework = 'sif_reinspection' AND r.overall_grade IS NOT NULL
"""
CHANGES_UP_TO = """
SELECT change, count(*) AS n FROM transitions
WHERE published_date <= ? GROUP BY change ORDER BY change
"""
EVER_INADEQUATE_SIF = """
SELECT count(DISTINCT la_code) FILTER (WHERE overall_grade = 'inadequate') AS ever_inadequate,
       count(DISTINCT la_code) AS inspected
FROM inspection_facts WHERE framework = 'sif'
"""


def _ratio_phrase(numerator: int, denominator: int) -> str:
    share = numerator / denominator if denominator else float("nan")
    return f"{numerator} of {denominator} ({share:.0%})"


def claim_19_of_74(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    cut_off = NINETEEN_OF_74_CUT_OFF
    councils, inadequate, _ = con.execute(SIF_PUBLISHED_BY, [cut_off]).fetchone()
    window = [date(2014, 2, 1), date(2015, 9, 30)]
    pub = con.execute(SIF_WINDOW, window).fetchone()
    end = con.execute(SIF_WINDOW_BY_END, window).fetchone()
    nth = con.execute(SIF_NTH_COUNCIL, [74]).fetchone()
    share = inadequate / councils if councils else float("nan")
    # The verdict is on the source's reading: reports published by the cut-off.
    if (councils, inadequate) == (74, 19):
        verdict = "supported"
    elif abs(share - 19 / 74) <= 0.03:
        verdict = "partly supported"  # the proportion holds, the counts do not
    else:
        verdict = "not supported"
    finding = (
        f"Ofsted counted the single inspection framework reports published by "
        f"{cut_off:%-d %B %Y}. Counted the same way, the record has "
        f"{_ratio_phrase(inadequate, councils)} councils judged inadequate (the claim: 19 of 74, "
        f"{19 / 74:.0%}). Read as the claim's words instead, reports published 1 February 2014 "
        f"to 30 September 2015 give {_ratio_phrase(pub[1], pub[0])}, and inspections that "
        f"ended in that window {_ratio_phrase(end[1], end[0])}."
    )
    if nth:
        finding += (
            f" The 74th council's first report under the framework was published on "
            f"{nth[0]:%-d %B %Y}; by then {nth[2]} of the 74 had been judged inadequate."
        )
    return ClaimResult(
        "nineteen-of-74",
        "19 out of 74 councils inspected between February 2014 and September 2015 were inadequate",
        "Reporting in 2015",
        verdict,
        finding,
        SIF_PUBLISHED_BY,
        {
            "cut_off": cut_off,
            "councils": councils,
            "inadequate": inadequate,
            "councils_in_window": pub[0],
            "inadequate_in_window": pub[1],
            "councils_by_end": end[0],
            "inadequate_by_end": end[1],
            "date_74th": nth[0] if nth else None,
            "inadequate_at_74th": nth[2] if nth else None,
        },
        source=NINETEEN_OF_74_SOURCE,
        source_url=NINETEEN_OF_74_URL,
    )


def claim_quarter_face_intervention(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    as_at = date(2015, 12, 31)
    table = queries.standing(con, as_at, "published_within_month")
    graded = table[table["status"] == "graded"]
    inadequate = int((graded["grade"] == "inadequate").sum())
    ever, inspected = con.execute(EVER_INADEQUATE_SIF).fetchone()
    share_now = inadequate / len(graded) if len(graded) else float("nan")
    share_ever = ever / inspected if inspected else float("nan")
    verdict = (
        "broadly supported"
        if 0.2 <= share_ever <= 0.3 or 0.2 <= share_now <= 0.3
        else "not supported"
    )
    finding = (
        f"At the end of 2015, {_ratio_phrase(inadequate, len(graded))} councils with a SIF result "
        f"were inadequate; {len(table) - len(graded)} had not yet been inspected under the SIF. "
        f"By the end of the SIF, {_ratio_phrase(ever, inspected)} councils had been judged "
        f"inadequate at their first SIF inspection — the pool that could face intervention."
    )
    return ClaimResult(
        "quarter-face-intervention",
        "Potentially 25% of all councils could face intervention",
        "Reporting in December 2015",
        verdict,
        finding,
        EVER_INADEQUATE_SIF,
        {
            "inadequate_end_2015": inadequate,
            "graded_end_2015": len(graded),
            "share_end_2015": share_now,
            "ever_inadequate_sif": ever,
            "inspected_sif": inspected,
            "share_ever": share_ever,
        },
    )


def claim_one_in_seven(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    as_at = date(2013, 10, 31)
    councils, inadequate, good = con.execute(SAFEGUARDING_AS_AT, [as_at, as_at]).fetchone()
    share_inadequate = inadequate / councils if councils else float("nan")
    share_good = good / councils if councils else float("nan")
    close = abs(inadequate - 20) <= 3 and abs(share_good - 0.4) <= 0.07
    verdict = (
        "supported" if inadequate == 20 else ("broadly supported" if close else "not supported")
    )
    finding = (
        f"On 31 October 2013, by the latest safeguarding judgement then published (SLAC "
        f"safeguarding or child protection inspection), {_ratio_phrase(inadequate, councils)} "
        f"councils were inadequate (1 in {councils / inadequate:.1f}) and "
        f"{_ratio_phrase(good, councils)} good or better."
        if inadequate
        else "No safeguarding judgements found for October 2013."
    )
    return ClaimResult(
        "one-in-seven",
        "1 in 7 (20) councils inadequate; only 4 in 10 good or better",
        "Ofsted, October 2013",
        verdict,
        finding,
        SAFEGUARDING_AS_AT,
        {
            "councils": councils,
            "inadequate": inadequate,
            "good_or_better": good,
            "share_inadequate": share_inadequate,
            "share_good_or_better": share_good,
        },
    )


def claim_six_months(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    spells = queries.inadequate_spells(con)
    km = queries.kaplan_meier(spells)
    within_6m = queries.share_left_within(km, 183)
    within_2y = queries.share_left_within(km, 730)
    median = km.loc[km["still_inadequate"] <= 0.5, "days"]
    median_days = int(median.iloc[0]) if len(median) else None
    verdict = "not supported" if within_6m < 0.1 else "broadly supported"
    finding = (
        f"Of {len(spells)} spells of inadequate ({int(spells['censored'].sum())} not yet ended), "
        f"an estimated {within_6m:.0%} ended within six months and {within_2y:.0%} within two "
        f"years (Kaplan-Meier). "
        + (
            f"Half had ended after {median_days / 365.25:.1f} years."
            if median_days
            else "Fewer than half have ended."
        )
    )
    return ClaimResult(
        "six-months",
        "Six months to improve or be taken over",
        "Government, December 2015",
        verdict,
        finding,
        queries.SPELLS,
        {
            "spells": len(spells),
            "censored": int(spells["censored"].sum()),
            "share_left_6_months": within_6m,
            "share_left_2_years": within_2y,
            "median_days": median_days,
        },
        km,
    )


def _share(rows: pd.DataFrame) -> tuple[int, int, float]:
    inadequate, inspections = int(rows["inadequate"].sum()), int(rows["inspections"].sum())
    return inadequate, inspections, (inadequate / inspections if inspections else float("nan"))


def claim_getting_worse(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    by_year = con.execute(SIF_BY_YEAR).df()
    changes = dict(con.execute(CHANGES_UP_TO, [date(2016, 12, 31)]).fetchall())
    first = by_year[by_year["kind"] == "first"]
    re_ = by_year[by_year["kind"] == "reinspection"]
    early_first = _share(first[first["year"] <= 2015])
    late_first = _share(first[first["year"] == 2016])
    early_all = _share(by_year[by_year["year"] <= 2015])
    late_all = _share(by_year[by_year["year"] == 2016])
    re_all = _share(re_)
    # The verdict rests on first inspections: re-inspections are of councils already failing.
    worse = late_first[2] > early_first[2]
    verdict = "supported" if worse else "not supported"
    n_re, after_inadequate = con.execute(REINSPECTED_AFTER_INADEQUATE).fetchone()
    before = f"All {n_re}" if after_inadequate == n_re else f"{after_inadequate} of {n_re}"
    busiest = re_.sort_values(["inspections", "year"], ascending=[False, True]).iloc[0]
    finding = (
        f"First inspections under the single inspection framework found "
        f"{_ratio_phrase(*early_first[:2])} councils inadequate in 2014-15 and "
        f"{_ratio_phrase(*late_first[:2])} in 2016. Counting every result, re-inspections "
        f"included: {early_all[2]:.0%} in 2014-15, {late_all[2]:.0%} in 2016. {before} "
        f"re-inspections were of councils judged inadequate at their first inspection; "
        f"{_ratio_phrase(*re_all[:2])} were "
        f"inadequate again, {int(busiest['inadequate'])} of {int(busiest['inspections'])} in "
        f"{int(busiest['year'])}, the year most of them were published. Councils inspected "
        f"twice by the end of 2016: {changes.get('improved', 0)} improved, "
        f"{changes.get('same', 0)} same, {changes.get('declined', 0)} declined."
    )
    return ClaimResult(
        "getting-worse",
        "The problems appear to be getting worse not better",
        "Reporting in 2016",
        verdict,
        finding,
        SIF_BY_YEAR,
        {
            "share_first_2014_15": early_first[2],
            "share_first_2016": late_first[2],
            "share_2014_15": early_all[2],
            "share_2016": late_all[2],
            "reinspections": re_all[1],
            "reinspections_inadequate": re_all[0],
            "reinspections_after_inadequate": after_inadequate,
            **changes,
        },
        by_year,
    )


# 7. "It is not necessarily a problem that needs more money" (reporting of December 2015):
# each full inspection's overall grade beside the council's spending per child in the latest
# financial year ended before it, as a multiple of the median council's that year.
GRADED_WHOLE_SERVICE = """
SELECT la_code, CAST(published_date AS DATE) AS date, overall_grade AS grade
FROM inspection_facts WHERE whole_service AND overall_grade IS NOT NULL
"""
SPENDING_MEASURES = """
SELECT la_code, year, measure, value FROM context_measures WHERE measure IN (?, ?)
"""
SPEND_MEASURE = "spend_cyp_gross"
POPULATION_MEASURE = "population_0_17"
GRADE_GROUPS = {
    "outstanding": "Good or outstanding",
    "good": "Good or outstanding",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
MONEY_CAVEAT = (
    "This is an association, not a cause: spending follows need (more children in care cost "
    "more), a struggling council may spend more to recover, and each year's cash is compared "
    "only with the same year's median council."
)


def spending_by_grade(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each graded full inspection with the council's spending per child (relative to the
    year's median council) in the latest financial year ended before publication."""
    from ofsted_record.context import analysis

    judgements = con.execute(GRADED_WHOLE_SERVICE).df()
    measures = con.execute(SPENDING_MEASURES, [SPEND_MEASURE, POPULATION_MEASURE]).df()
    per_child = analysis.per_child(measures, SPEND_MEASURE, POPULATION_MEASURE)
    name = f"{SPEND_MEASURE}_per_child"
    relative = analysis.relative_to_year_median(per_child, name)
    joined = analysis.attach_measure(judgements, relative, f"{name}_relative")
    joined["group"] = joined["grade"].map(GRADE_GROUPS)
    return joined.dropna(subset=["group"]).reset_index(drop=True)


def _fin_year(year_ending_march: int) -> str:
    """2016 (the year to 31 March 2016) → '2015-16', as DfE writes it."""
    year = int(year_ending_march)
    return f"{year - 1}-{year % 100:02d}"


def claim_not_money(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    from ofsted_record.context import analysis

    joined = spending_by_grade(con)
    corr = analysis.spearman_with_ci(joined["grade_rank"], joined["value"])
    order = list(dict.fromkeys(GRADE_GROUPS.values()))
    table = (
        joined.groupby("group")["value"]
        .agg(inspections="size", median="median")
        .reindex(order)
        .reset_index()
    )
    medians = table.set_index("group")["median"]
    inad, better = medians["Inadequate"], medians["Good or outstanding"]
    # Worse grades going clearly with less money would count against the claim; anything else
    # is consistent with it (the record cannot show what more money would have done).
    verdict = "not supported" if corr["ci_high"] < 0 else "broadly supported"
    years = joined["measure_year"]
    n_inad = int(table.set_index("group").loc["Inadequate", "inspections"])
    finding = (
        f"Councils judged inadequate had spent {inad:.0%} of the median council's spending per "
        f"child on children's and young people's services in the last financial year before the "
        f"report ({n_inad} inspections), against {better:.0%} for councils judged good or outstanding. Across "
        f"all {corr['n']} full inspections with a spending figure ({joined['la_code'].nunique()} "
        f"councils, financial years {_fin_year(years.min())} to {_fin_year(years.max())}), "
        f"the rank correlation between spending and a worse grade was {corr['rho']:.2f} (95% "
        f"interval {corr['ci_low']:.2f} to {corr['ci_high']:.2f}): "
        + (
            "worse grades went with less money. "
            if corr["ci_high"] < 0
            else (
                "worse grades went with more money, if anything. "
                if corr["ci_low"] > 0
                else "no clear link either way. "
            )
        )
        + MONEY_CAVEAT
    )
    return ClaimResult(
        "not-money",
        "It is not necessarily a problem that needs more money",
        "Reporting in December 2015",
        verdict,
        finding,
        GRADED_WHOLE_SERVICE + SPENDING_MEASURES,
        {
            "rho": corr["rho"],
            "ci_low": corr["ci_low"],
            "ci_high": corr["ci_high"],
            "n": corr["n"],
            "councils": int(joined["la_code"].nunique()),
            "median_inadequate": float(inad),
            "median_good_or_better": float(better),
            "first_year": int(years.min()),
            "last_year": int(years.max()),
        },
        table,
    )


def claim_climbie(con: duckdb.DuckDBPyConnection) -> ClaimResult:
    first = con.execute("SELECT min(published_date) FROM inspections").fetchone()[0]
    finding = (
        f"The record starts with inspections published in {first:%B %Y}; Victoria Climbié died in "
        "2000 and the inspection frameworks changed several times since, so the grades cannot "
        "be compared across that span. The data cannot settle this."
    )
    return ClaimResult(
        "climbie",
        "How far have we come since Victoria Climbié?",
        "Reporting of the time",
        "cannot be settled",
        finding,
        "SELECT min(published_date) FROM inspections",
        {"first_published": first},
    )


CHECKERS = (
    claim_one_in_seven,
    claim_19_of_74,
    claim_quarter_face_intervention,
    claim_six_months,
    claim_getting_worse,
    claim_not_money,
    claim_climbie,
)


def check_all(con: duckdb.DuckDBPyConnection) -> list[ClaimResult]:
    results = [checker(con) for checker in CHECKERS]
    for result in results:
        # No address is invented: a claim whose original is not among the project's sources
        # is named in words.
        if not result.source:
            result.source = (
                f"{result.said_by}; the original is not among this project's sources, so no "
                "link is given"
            )
    return results
