"""The official 2009-2023 table made tidy (ofsted_record.official.tidy).

Golden rows were read by hand in Childrens_social_care_in_England_2023_underlying_data.ods,
sheet LA_inspections_2009-2023 (cell references below are that sheet's).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from ofsted_record.official import grades, sheet, tidy
from ofsted_record.official.councils import UnresolvedCouncil, register_resolver

ODS_NAME = "Childrens_social_care_in_England_2023_underlying_data.ods"


@pytest.fixture(scope="module")
def ods(shared_data: Path) -> Path:
    path = shared_data / "ofsted-official" / ODS_NAME
    assert path.exists(), f"{path} missing"
    return path


@pytest.fixture(scope="module")
def raw_rows(ods: Path) -> list[list[object]]:
    return sheet.load_rows(ods)


@pytest.fixture(scope="module")
def official(ods: Path) -> pd.DataFrame:
    return tidy.build_official_judgements(ods)


def one(df: pd.DataFrame, **where: str) -> pd.Series:
    hit = df
    for col, value in where.items():
        hit = hit[hit[col] == value]
    assert len(hit) == 1, f"{where}: {len(hit)} rows"
    return hit.iloc[0]


# --- golden rows, checked by hand in the ODS ---------------------------------------------------
GOLDEN = [
    # Barnet, row 7: first SIF published 7 July 2017 (R7), overall Inadequate (S7)
    ("302", "sif", "2017-07-07", "overall_effectiveness", "inadequate", "S7"),
    ("302", "sif", "2017-07-07", "adoption", "requires_improvement", "V7"),
    ("302", "sif", "2017-07-07", "lscb", "inadequate", "Y7"),
    ("302", "slac", "2012-02-24", "safeguarding", "good", "F7"),
    ("302", "ilacs_standard", "2019-07-01", "impact_of_leaders", "good", "AJ7"),
    # Wolverhampton, row 155: ILACS short (AG155) 18 May 2022, leaders Outstanding (AJ155)
    ("336", "ilacs_short", "2022-05-18", "impact_of_leaders", "outstanding", "AJ155"),
    # old Dorset county (Table 11, row 163): SIF 23 May 2016, LSCB Inadequate (Y163)
    ("835", "sif", "2016-05-23", "lscb", "inadequate", "Y163"),
    # new Dorset unitary, row 41: ILACS standard 19 Nov 2021, leaders Outstanding (AJ41)
    ("838", "ilacs_standard", "2021-11-19", "impact_of_leaders", "outstanding", "AJ41"),
    # Northamptonshire (Table 11, row 165): CPI 20 Mar 2013 (M165), TLAC 23 Aug 2013 (Q165)
    ("928", "cpi", "2013-03-20", "overall_effectiveness", "inadequate", "M165"),
    ("928", "tlac", "2013-08-23", "overall_effectiveness", "inadequate", "Q165"),
    ("928", "ilacs_standard", "2019-07-29", "overall_effectiveness", "inadequate", "AI165"),
    # Cumbria, row 35: still one council in the 2023 table; ILACS 15 Nov 2022
    ("909", "ilacs_standard", "2022-11-15", "children_in_care_and_care_leavers", "good", "AL35"),
    # Bexley, row 11: second ILACS (short) 24 Mar 2023 under the 2023 framework: separate
    # children in care (AR11 Good) and care leavers (AS11 Outstanding) judgements
    ("303", "ilacs_short", "2023-03-24", "children_in_care", "good", "AR11"),
    ("303", "ilacs_short", "2023-03-24", "care_leavers", "outstanding", "AS11"),
    # Blackpool, row 14: second ILACS 1 Feb 2023 under the old framework: AR14 holds the
    # combined judgement, AS14 is empty (workbook note 5)
    ("890", "ilacs_standard", "2023-02-01", "children_in_care_and_care_leavers", "good", "AR14"),
    # City of London, row 31: ' -' in V31, no adoption judgement
    ("201", "sif", "2016-09-20", "adoption", "not_judged", "V31"),
    # Isles of Scilly, row 65: no looked-after children judgement in the SLAC (G65 ' -')
    ("420", "slac", "2012-07-03", "looked_after_children", "not_judged", "G65"),
]


@pytest.mark.parametrize(("la", "fw", "published", "area", "grade", "cell"), GOLDEN)
def test_golden_rows(
    official: pd.DataFrame, la: str, fw: str, published: str, area: str, grade: str, cell: str
) -> None:
    row = one(official, la_code=la, framework=fw, published_date=published, area=area)
    assert row["grade"] == grade
    assert row["sheet_cell"] == cell
    assert row["sheet_row"] == int("".join(ch for ch in cell if ch.isdigit()))


def test_barnet_first_sif(official: pd.DataFrame) -> None:
    row = one(official, la_code="302", framework="sif", area="overall_effectiveness")
    assert row["published_date"] == "2017-07-07"
    assert row["grade_raw"] == "Inadequate"
    assert row["council_name_official"] == "Barnet"
    assert row["sheet_column"] == "First SIF Overall Judgement (OE)"
    assert row["date_cell"] == "R7"


def test_blackpool_second_ilacs_has_no_care_leavers_row(official: pd.DataFrame) -> None:
    rows = official[(official["la_code"] == "890") & (official["published_date"] == "2023-02-01")]
    assert sorted(rows["area"]) == [
        "children_in_care_and_care_leavers",
        "help_and_protection",
        "impact_of_leaders",
        "overall_effectiveness",
    ]


# --- every raw value mapped, counts equal the raw sheet's -------------------------------------


def _data_rows(rows: list[list[object]]) -> list[tuple[int, list[object], list[object]]]:
    """(sheet row, row, header row) for every council row of both tables, found independently:
    a row under a 'Web link' header whose column B is filled."""
    out, header = [], None
    for i, row in enumerate(rows):
        if row[0] == "Web link":
            header = row
        elif header is not None and str(row[1]).strip():
            out.append((i + 1, row, header))
        elif not str(row[1]).strip():
            header = None
    return out


def test_every_raw_grade_value_is_mapped(raw_rows: list[list[object]]) -> None:
    values = set()
    for _, row, header in _data_rows(raw_rows):
        for j, cell in enumerate(row[4:], start=4):
            text = " ".join(str(header[j]).split())
            if isinstance(cell, str) and cell.strip() and "inspection type" not in text:
                values.add(cell.strip())
    # the exhaustive list of grade values in the 2023 table
    assert values == {"Outstanding", "Good", "Requires improvement to be good", "Inadequate", "-"}
    assert values <= set(grades.GRADE_MAP)


def test_every_raw_ilacs_type_is_mapped(raw_rows: list[list[object]]) -> None:
    types = {
        str(row[j]).strip()
        for _, row, header in _data_rows(raw_rows)
        for j in range(len(header))
        if "inspection type" in str(header[j]) and str(row[j]).strip()
    }
    assert types == set(grades.ILACS_TYPE_MAP)


def test_grade_cells_all_carried(raw_rows: list[list[object]], official: pd.DataFrame) -> None:
    n = 0
    for _, row, header in _data_rows(raw_rows):
        for j, cell in enumerate(row[4:], start=4):
            if isinstance(cell, str) and cell.strip() and "inspection type" not in str(header[j]):
                n += 1
    assert len(official) == n == 2278


def test_counts_per_framework_equal_date_cells(
    raw_rows: list[list[object]], official: pd.DataFrame
) -> None:
    """Each filled publication-date cell is one inspection of that column's framework."""
    expected: dict[str, int] = {}
    for _, row, header in _data_rows(raw_rows):
        for j, cell in enumerate(row):
            text = " ".join(str(header[j]).split())
            if "publication date" not in text or cell in ("", None):
                continue
            if "ILACS" in text:
                fw = "ilacs_short" if "Short" in str(row[j - 1]) else "ilacs_standard"
            elif "Re-inspection publication" in text:
                fw = "sif_reinspection"
            elif "SIF" in text:
                fw = "sif"
            elif "SLAC re-inspection" in text:
                fw = "slac_reinspection"
            elif text.startswith("Safeguarding"):
                fw = "slac"
            elif "Re-Inspection" in text:
                fw = "cpri"
            elif "Child Protection" in text:
                fw = "cpi"
            else:
                assert "TLAC" in text, text
                fw = "tlac"
            expected[fw] = expected.get(fw, 0) + 1
    ins = official.groupby("framework")["date_cell"].apply(
        lambda s: sum(len(set(c.split(";"))) for c in set(s))
    )
    assert ins.to_dict() == expected
    # the two tables: 152 councils of 2023 + 4 predecessors; every one had a first SIF/ILACS
    assert expected["sif"] == 152
    assert expected["ilacs_standard"] + expected["ilacs_short"] == 177


def test_first_sif_inadequate_councils_match_raw_count(
    raw_rows: list[list[object]], official: pd.DataFrame
) -> None:
    """Councils whose first SIF was inadequate: tidy table vs the raw sheet counted directly."""
    raw = set()
    for row_no, row, header in _data_rows(raw_rows):
        j = next(k for k, h in enumerate(header) if "First SIF Overall Judgement" in str(h))
        if str(row[j]).strip() == "Inadequate":
            raw.add(row_no)
    tidy_rows = official[
        (official["framework"] == "sif")
        & (official["area"] == "overall_effectiveness")
        & (official["grade"] == "inadequate")
    ]
    assert tidy_rows["la_code"].nunique() == len(raw) == 33
    assert set(tidy_rows["sheet_row"]) == raw


def test_every_row_resolves_to_one_council(official: pd.DataFrame, shared_data: Path) -> None:
    per_row = official.groupby("sheet_row")["la_code"].nunique()
    assert (per_row == 1).all()
    dfe = pd.read_csv(shared_data / "reference" / "dfe_las.csv", dtype=str)
    assert set(official["la_code"]) <= set(dfe["old_la_code"])
    assert official["la_code"].nunique() == 156
    # the same printed name is two councils on different dates
    dorset = official[official["council_name_official"] == "Dorset"]
    assert set(dorset["la_code"]) == {"835", "838"}
    # abolished councils appear with their own codes
    assert {"835", "836", "837", "928", "909"} <= set(official["la_code"])


def test_no_duplicate_keys(official: pd.DataFrame) -> None:
    assert not official.duplicated(["la_code", "framework", "published_date", "area"]).any()


def test_vocabularies(official: pd.DataFrame) -> None:
    assert set(official["grade"]) <= set(grades.GRADE_MAP.values())
    assert set(official["area"]) <= {
        "overall_effectiveness",
        "help_and_protection",
        "children_in_care",
        "children_in_care_and_care_leavers",
        "adoption",
        "care_leavers",
        "leadership",
        "impact_of_leaders",
        "lscb",
        "safeguarding",
        "looked_after_children",
    }
    assert pd.to_datetime(official["published_date"]).between("2009-01-01", "2023-05-31").all()


# --- bad input ---------------------------------------------------------------------------------


def test_missing_file_named(tmp_path: Path) -> None:
    with pytest.raises(sheet.OfficialSheetError, match="nope.ods: file not found"):
        tidy.build_official_judgements(tmp_path / "nope.ods", register_resolver)


def test_not_a_workbook_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ods"
    bad.write_text("<html>error</html>")
    with pytest.raises(sheet.OfficialSheetError, match="bad.ods: not a readable workbook"):
        tidy.build_official_judgements(bad, register_resolver)


def test_unmapped_grade_is_an_error(raw_rows: list[list[object]], ods: Path) -> None:
    rows = copy.deepcopy(raw_rows)
    rows[6][18] = "Adequat"  # S7, Barnet first SIF overall
    _, problems = tidy.tidy_rows(rows, ods, register_resolver)
    assert any("S7" in p and "unmapped grade 'Adequat'" in p for p in problems), problems


def test_unknown_ilacs_type_is_an_error(raw_rows: list[list[object]], ods: Path) -> None:
    rows = copy.deepcopy(raw_rows)
    rows[6][32] = "ILACS Focused Visit"  # AG7
    _, problems = tidy.tidy_rows(rows, ods, register_resolver)
    assert any("AG7" in p and "ILACS Focused Visit" in p for p in problems), problems


def test_grade_without_date_is_an_error(raw_rows: list[list[object]], ods: Path) -> None:
    rows = copy.deepcopy(raw_rows)
    rows[6][17] = ""  # R7: Barnet's first SIF date removed, grades left
    _, problems = tidy.tidy_rows(rows, ods, register_resolver)
    assert any("S7" in p and "grade without a sif date" in p for p in problems), problems


def test_unknown_council_is_an_error(raw_rows: list[list[object]], ods: Path) -> None:
    rows = copy.deepcopy(raw_rows)
    rows[6][1] = "Barsetshire"
    _, problems = tidy.tidy_rows(rows, ods, register_resolver)
    assert any("B7 (Barsetshire)" in p for p in problems), problems


def test_renamed_column_is_an_error(raw_rows: list[list[object]], ods: Path) -> None:
    rows = copy.deepcopy(raw_rows)
    rows[4][25] = "SIF Re-inspection date"  # Z5
    with pytest.raises(
        sheet.OfficialSheetError, match="table at row 5 lacks columns .*sif_reinspection"
    ):
        tidy.tidy_rows(rows, ods, register_resolver)


def test_problems_fail_the_build(tmp_path: Path, ods: Path) -> None:
    def no_council(name: str, on: date) -> str:
        raise UnresolvedCouncil(f"council name {name!r} on {on} not recognised")

    with pytest.raises(tidy.OfficialTableError, match=ODS_NAME):
        tidy.build_official_judgements(ods, no_council)


# --- resolver ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "on", "code"),
    [
        ("Dorset", date(2016, 5, 23), "835"),
        ("Dorset", date(2021, 11, 19), "838"),
        ("Bournemouth, Christchurch and Poole", date(2022, 2, 11), "839"),
        ("Kingston Upon Hull", date(2019, 1, 1), "810"),
        ("Bristol", date(2019, 1, 1), "801"),
        ("Durham", date(2019, 1, 1), "840"),
        ("Bedford Borough", date(2019, 1, 1), "822"),
        ("St Helens", date(2019, 1, 1), "342"),
        ("City of London", date(2019, 1, 1), "201"),
        ("Northamptonshire", date(2019, 7, 29), "928"),
    ],
)
def test_resolver(shared_data: Path, name: str, on: date, code: str) -> None:
    assert register_resolver(name, on) == code


def test_unknown_name_is_refused_naming_the_source(shared_data: Path) -> None:
    with pytest.raises(UnresolvedCouncil, match="LA_inspections_2009-2023"):
        register_resolver("Barsetshire", date(2015, 1, 1))


def test_sheet_note_about_second_table_is_off_by_two(raw_rows: list[list[object]]) -> None:
    """The sheet says the second table starts in A158; its title is in A160, header in A161."""
    assert "A158" in str(raw_rows[1][0])
    assert raw_rows[157][1] == "" and raw_rows[158][0] == ""
    assert str(raw_rows[159][0]).startswith("Table 11")
    assert raw_rows[160][0] == "Web link"


def test_calamine_rows_are_sheet_rows(ods: Path) -> None:
    """Row numbers we cite are the sheet's: row 7 is Barnet, independently of our reader."""
    wb = CalamineWorkbook.from_path(str(ods))
    rows = wb.get_sheet_by_name(sheet.SHEET).to_python(skip_empty_area=False)
    assert rows[6][1] == "Barnet" and rows[162][1] == "Dorset" and rows[162][3] == "Shire County"
