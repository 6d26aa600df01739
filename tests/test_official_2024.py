"""Ofsted's "Local authority inspection outcomes as at 31 March 2024" workbook, read from
../shared/data/ofsted-official/LA_Inspection_Outcomes_as_at_March_2024.ods.

Golden cells checked by hand in the ODS; every count recomputed from the raw sheet rows; the
warehouse's standing on 31 March 2024 under Ofsted's rule compared with the sheet council by
council; the record's ILACS inspections reconciled with the sheet's ILACS history.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record import config
from ofsted_record.official import explanations, matching, outcomes_2024
from ofsted_record.official.sheet import OfficialSheetError, norm_header, read_sheet
from ofsted_record.warehouse import queries


@pytest.fixture(scope="module")
def workbook(shared_data: Path) -> Path:
    return shared_data / "ofsted-official" / "LA_Inspection_Outcomes_as_at_March_2024.ods"


@pytest.fixture(scope="module")
def standing(workbook: Path) -> pd.DataFrame:
    return outcomes_2024.read_standing(workbook)


@pytest.fixture(scope="module")
def history(workbook: Path) -> pd.DataFrame:
    return outcomes_2024.read_history(workbook)


def test_cover_states_ofsteds_counting_rule(workbook: Path) -> None:
    # Cover sheet: "Period covered: Inspections as at 31 March 2024, with a report published by
    # 30 June 2024": the rule the warehouse calls ofsted_31_march.
    cover = [" ".join(norm_header(c) for c in row) for row in read_sheet(workbook, "Cover")]
    assert any("with a report published by 30 June 2024" in line for line in cover)
    assert date(2024, 6, 30) == outcomes_2024.PUBLISHED_BY


def test_standing_sheet_golden_rows(standing: pd.DataFrame) -> None:
    # Row 4: Barking and Dagenham, 10 July 2023, RI / RI / RI / RI / care leavers Good (I4).
    bd = standing[standing["la_code"] == "301"].set_index("area")
    assert bd.loc["overall_effectiveness", "grade"] == "requires_improvement"
    assert bd.loc["care_leavers", "grade"] == "good"
    assert bd.loc["care_leavers", "sheet_cell"] == "I4"
    assert bd["inspection_date"].iloc[0] == date(2023, 7, 10)
    # Row 5: Barnet, 13 May 2019, care leavers cell empty: the combined pre-2023 judgement.
    barnet = standing[standing["la_code"] == "302"].set_index("area")
    assert "children_in_care_and_care_leavers" in barnet.index
    assert "care_leavers" not in barnet.index
    # Cumberland (D33) and Westmorland and Furness (D148): "Not yet inspected".
    new = standing[standing["grade_raw"] == outcomes_2024.NOT_YET_INSPECTED]
    assert sorted(new["la_code"]) == ["942", "943"]


def test_standing_sheet_counts_match_the_raw_sheet(workbook: Path, standing) -> None:
    rows = read_sheet(workbook, outcomes_2024.STANDING_SHEET)
    header = next(i for i, r in enumerate(rows) if norm_header(r[1]) == "Local authority name")
    councils = [r for r in rows[header + 1 :] if norm_header(r[1])]
    assert standing["la_code"].nunique() == len(councils) == 153
    grades = sum(1 for r in councils for c in r[4:9] if norm_header(c))
    assert len(standing[standing["area"] != ""]) == grades


def test_history_counts_match_the_raw_sheet(workbook: Path, history: pd.DataFrame) -> None:
    rows = read_sheet(workbook, outcomes_2024.HISTORY_SHEET)
    dates = sum(
        1
        for r in rows
        for c in r
        if hasattr(c, "year") and norm_header(r[0]) == "Ofsted Local Authority Webpage"
    )
    assert history.groupby(["la_code", "published_date"]).ngroups == dates
    # Golden: Staffordshire row 124, second ILACS published 12 January 2024 (K124), short
    # (L124), care leavers Good (Q124).
    row = history[(history["la_code"] == "860") & (history["area"] == "care_leavers")].iloc[0]
    assert (row["published_date"], row["framework"], row["grade"], row["sheet_cell"]) == (
        "2024-01-12",
        "ilacs_short",
        "good",
        "Q124",
    )
    # The abolished councils' table (from row 159): Bournemouth, Northamptonshire, Cumbria.
    abolished = history[history["sheet_row"] >= 160]
    assert sorted(abolished["la_code"].unique()) == ["837", "909", "928"]
    assert set(abolished["area"]) >= {"children_in_care_and_care_leavers"}


def test_in_year_sheet_lists_every_visit(workbook: Path) -> None:
    in_year = outcomes_2024.read_in_year(workbook)
    # Contents: short and standard inspections, monitoring visits and focused visits.
    assert set(in_year["visit_type"]) == {
        "ilacs_standard",
        "ilacs_short",
        "monitoring_visit",
        "focused_visit",
    }
    graded = in_year[in_year["visit_type"].str.startswith("ilacs")]
    assert (graded["overall_effectiveness"] != "").all()
    assert (in_year.loc[~in_year.index.isin(graded.index), "overall_effectiveness"] == "").all()


# Councils whose start date in the sheet differs from the report's first day on site, each read
# in the report: Isles of Scilly, '80455_isles of scilly/children's services inspection - 25
# august 2023.pdf' p1 "Inspection dates: 11 to 13 July 2023"; the sheet's "Inspection date" is
# Monday 10 July 2023 (D-column of its row), the day before inspectors were on site.
START_DATE_DIFFERENCES = {"420": (date(2023, 7, 10), date(2023, 7, 11))}


def test_warehouse_standing_on_31_march_2024_matches_ofsted(con, standing) -> None:
    """Under Ofsted's rule (ended by 31 March 2024, published by 30 June 2024) every council's
    grade in every area equals the workbook's; the older one-month rule would not."""
    as_at = date(2024, 3, 31)
    starts = con.execute("SELECT inspection_id, start_date FROM inspection_facts").df()
    starts = starts.set_index("inspection_id")["start_date"]
    problems: list[str] = []
    date_differences: dict[str, tuple[date, date]] = {}
    for area in ("overall_effectiveness", "impact_of_leaders", "help_and_protection"):
        ours = queries.standing(con, as_at, "ofsted_31_march", area).set_index("la_code")
        theirs = standing[standing["area"].isin([area, ""])].set_index("la_code")
        assert set(ours.index) == set(theirs.index)
        for la_code, row in theirs.iterrows():
            mine = ours.loc[la_code]
            grade = mine["grade"] if isinstance(mine["grade"], str) else ""
            if grade != row["grade"]:
                problems.append(f"{la_code} {area}: warehouse {grade!r}, Ofsted {row['grade']!r}")
            if row["inspection_date"] is not None and not pd.isna(row["inspection_date"]):
                start = pd.Timestamp(starts[mine["inspection_id"]]).date()
                if start != row["inspection_date"]:
                    date_differences[la_code] = (row["inspection_date"], start)
    assert not problems, problems
    assert date_differences == START_DATE_DIFFERENCES
    # The one-month rule of Ofsted's releases up to 2023 disagrees for councils whose report
    # came out in May or June 2024 (Hartlepool among them).
    old = queries.standing(con, as_at, "published_within_month").set_index("la_code")
    differ = [
        la
        for la, row in standing[standing["area"] == "overall_effectiveness"]
        .set_index("la_code")
        .iterrows()
        if (old.loc[la, "grade"] if isinstance(old.loc[la, "grade"], str) else "") != row["grade"]
    ]
    assert "805" in differ


def test_warehouse_loads_the_2024_standing(con) -> None:
    count = con.execute("SELECT count(DISTINCT la_code) FROM official_standing_2024").fetchone()
    assert count[0] == 153


def test_record_reconciles_with_the_2024_ilacs_history() -> None:
    """Every ILACS report published by 30 June 2024 matched in the workbook's history; every
    disagreement explained after reading the report; the committed table is current."""
    processed = config.processed_dir()
    recon = pd.read_csv(processed / outcomes_2024.RECONCILIATION_2024, dtype=str)
    assert not (recon["status"] == "only_in_reports").any()
    one_sided = recon[recon["status"] == "only_in_table"]
    assert one_sided["reason"].str.startswith("council_not_in_corpus").all()
    assert sorted(one_sided["la_code"].unique()) == ["837", "909", "928"]  # abolished councils
    for column in ("explanation", "inspection_explanation"):
        recon[column] = recon[column].fillna("")
    recon["days_apart"] = pd.to_numeric(recon["days_apart"])
    assert explanations.unexplained(recon, matching.TOLERANCE_DAYS).empty
    expl = explanations.load_explanations(outcomes_2024.EXPLANATIONS_2024_PATH)
    assert explanations.unused(recon, expl).empty
    # Inspections published after the 2023 table (30 April 2023) and by 30 June 2024 are now
    # checked: each matched in the 2024 workbook.
    later = recon[recon["report_published_date"].between("2023-05-01", "2024-06-30")]
    assert later["report_inspection_id"].nunique() > 40
    assert later["status"].isin(["matched", "disagreed"]).all()


def test_no_imputed_date_is_given_by_the_2024_workbook(con, standing) -> None:
    """The record imputes end dates only for official-table rows with no report; the 2024
    workbook's dates ('Inspection date' of each council's latest ILACS) concern inspections
    the record has from reports, with their printed dates, so there is none to bring in."""
    imputed = con.execute(
        "SELECT la_code, framework FROM inspection_facts WHERE end_date_imputed "
        "AND framework LIKE 'ilacs%'"
    ).df()
    dated = standing[standing["inspection_date"].notna()]
    assert not set(imputed["la_code"]) & set(dated["la_code"])


def test_missing_workbook_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OfficialSheetError, match="file not found"):
        outcomes_2024.read_standing(tmp_path / "missing.ods")
