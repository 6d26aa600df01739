"""Each framework's grades keep their own names: "adequate stays adequate" (issue 14).

The inspections before November 2013 graded on a four-point scale whose middle grade was
"adequate". Ofsted's 2023 official table (Childrens_social_care_in_England_2023_underlying_data.ods,
sheet LA_inspections_2009-2023) restates that grade as "Requires improvement to be good", a grade
that did not exist then. The record stores it as ``adequate`` and keeps the table's wording in
``grade_raw``; the SIF and ILACS grades are untouched.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pypdfium2 as pdfium
import pytest

from ofsted_record import config
from ofsted_record.official import grades, tidy
from ofsted_record.warehouse import queries as wq

ODS_NAME = "Childrens_social_care_in_England_2023_underlying_data.ods"
RESTATED = "Requires improvement to be good"
# The frameworks whose grades were given on the current scale (November 2013 onwards).
CURRENT_SCALE = ("sif", "sif_reinspection", "ilacs_standard", "ilacs_short", "ilacs_2026")


@pytest.fixture(scope="module")
def official(shared_data: Path) -> pd.DataFrame:
    return tidy.build_official_judgements(shared_data / "ofsted-official" / ODS_NAME)


def _page_text(path: Path, page: int) -> str:
    doc = pdfium.PdfDocument(path)
    try:
        text = doc[page - 1].get_textpage().get_text_range()
    finally:
        doc.close()
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


# (report file, page, words printed there, framework, council, table cell)
PREMISE = [
    # Rotherham's 2014 SIF report, page 7, paragraph 33: its 2010 looked-after-children
    # (SLAC) inspection and its July 2012 child protection inspection (CPI) were both "adequate";
    # the table prints G109 and M109 as "Requires improvement to be good".
    (
        "80543_rotherham/children's services inspection - 19 november 2014.pdf",
        7,
        "The last inspection of Rotherham's services for looked after children was in July "
        "2010. The last inspection of arrangements for the protection of children was in "
        "July 2012. The local authority was judged to be adequate in both inspections.",
        "slac",
        "372",
        "G109",
    ),
    (
        "80543_rotherham/children's services inspection - 19 november 2014.pdf",
        7,
        "judged to be adequate in both inspections",
        "cpi",
        "372",
        "M109",
    ),
    # West Berkshire's 2015 SIF report, page 6, paragraph 23: SLAC of August 2012 "adequate"
    # for safeguarding (table F146) and good for looked-after children (G146).
    (
        "80577_west berkshire/children's services inspection - 18 may 2015.pdf",
        6,
        "The local authority was judged adequate for its safeguarding services",
        "slac",
        "869",
        "F146",
    ),
    # Warrington's 2015 SIF report, page 7, paragraph 27: the February 2011 SLAC
    # re-inspection judged it adequate (table I144).
    (
        "80575_warrington/children's services inspection - 12 may 2015.pdf",
        7,
        "The authority was judged adequate overall at this inspection for both safeguarding "
        "and looked after children services.",
        "slac_reinspection",
        "877",
        "I144",
    ),
    # Kent's 2013 looked-after-children report, page 21, Record of main findings: "Overall
    # effectiveness Adequate" (the table's TLAC row, Q68).
    (
        "80476_kent/children's services inspection,  pdf - 23 august 2013.pdf",
        21,
        "Overall effectiveness Adequate",
        "tlac",
        "886",
        "Q68",
    ),
]


@pytest.mark.parametrize(("file", "page", "words", "framework", "la_code", "cell"), PREMISE)
def test_premise_reports_say_adequate_where_the_table_says_requires_improvement(
    corpus_dir: Path,
    official: pd.DataFrame,
    file: str,
    page: int,
    words: str,
    framework: str,
    la_code: str,
    cell: str,
) -> None:
    """The premise, read in the reports: the pre-2013 frameworks graded "adequate", and the
    table restates those judgements as "Requires improvement to be good".

    Evidence (file, page): Rotherham SIF 19 November 2014 p7 para 33 (SLAC 2010, CPI 2012);
    West Berkshire SIF 18 May 2015 p6 para 23 (SLAC 2012); Warrington SIF 12 May 2015 p7 para 27
    (SLAC re-inspection 2011); Kent looked-after-children report 23 August 2013 p21 (TLAC).
    The child protection re-inspection (``cpri``) has one cell in the table (O25, Inadequate) and
    no report in the corpus; it is a re-inspection under the CPI framework and scale.
    """
    assert words in _page_text(corpus_dir / file, page)
    row = official[official["sheet_cell"] == cell]
    assert len(row) == 1, cell
    row = row.iloc[0]
    assert (row["la_code"], row["framework"], row["grade_raw"]) == (la_code, framework, RESTATED)
    assert row["grade"] == "adequate"


def test_every_premise_framework_is_pre_2013() -> None:
    assert {p[3] for p in PREMISE} | {"cpri", "lac_2013"} == set(grades.PRE_2013_FRAMEWORKS)


def test_rotherham_2010_is_adequate_in_the_official_table(official: pd.DataFrame) -> None:
    """Golden: the 2023 table, sheet LA_inspections_2009-2023, row 109 (Rotherham): SLAC
    published 27 August 2010, safeguarding F109 and looked-after children G109, both printed
    "Requires improvement to be good"."""
    rows = official[
        (official["la_code"] == "372")
        & (official["framework"] == "slac")
        & (official["published_date"] == "2010-08-27")
    ].set_index("area")
    assert rows.loc["safeguarding", ["grade", "grade_raw", "sheet_cell"]].tolist() == [
        "adequate",
        RESTATED,
        "F109",
    ]
    assert rows.loc["looked_after_children", ["grade", "grade_raw", "sheet_cell"]].tolist() == [
        "adequate",
        RESTATED,
        "G109",
    ]


def test_sif_requires_improvement_stays_requires_improvement(official: pd.DataFrame) -> None:
    """Golden: Barnet, row 7: first SIF 7 July 2017, adoption V7 "Requires improvement to be
    good" is the current scale's requires improvement."""
    row = official[official["sheet_cell"] == "V7"].iloc[0]
    assert (row["framework"], row["grade"], row["grade_raw"]) == (
        "sif",
        "requires_improvement",
        RESTATED,
    )


def test_framework_grade_rejects_adequate_under_the_current_scale() -> None:
    with pytest.raises(grades.UnmappedValue, match=r"cell X9.*'Adequate'.*sif"):
        grades.normalise_grade("Adequate", "cell X9", framework="sif")
    assert grades.normalise_grade("Adequate", "cell X9", framework="slac") == "adequate"
    assert grades.normalise_grade(RESTATED, "cell X9", framework="cpi") == "adequate"
    assert grades.normalise_grade(RESTATED, "cell X9", framework="ilacs_short") == (
        "requires_improvement"
    )


def test_warehouse_rotherham_2010(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT area, grade, grade_raw FROM judgement_facts "
        "WHERE la_code = '372' AND framework = 'slac' ORDER BY area"
    ).fetchall()
    assert rows == [
        ("looked_after_children", "adequate", RESTATED),
        ("safeguarding", "adequate", RESTATED),
    ]


def test_no_grade_on_the_wrong_scale_anywhere_in_the_warehouse(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Invariant over every judgement: no "requires improvement" before November 2013, no
    "adequate" after it."""
    pre = sorted(grades.PRE_2013_FRAMEWORKS)
    wrong = con.execute(
        "SELECT framework, grade, count(*) FROM judgement_facts "
        "WHERE (list_contains(?, framework) AND grade = 'requires_improvement') "
        "   OR (list_contains(?, framework) AND grade = 'adequate') GROUP BY ALL ORDER BY ALL",
        [pre, list(CURRENT_SCALE)],
    ).fetchall()
    assert wrong == []
    # and both scales are really there, so the invariant is not vacuous
    seen = dict(
        con.execute(
            "SELECT grade, count(*) FROM judgement_facts "
            "WHERE grade IN ('adequate', 'requires_improvement') GROUP BY ALL"
        ).fetchall()
    )
    assert seen["adequate"] > 100 and seen["requires_improvement"] > 100


def test_downloadable_record_says_adequate() -> None:
    """The committed CSV behind the downloads (data/processed/record_judgements.csv)."""
    jud = pd.read_csv(config.processed_dir() / "record_judgements.csv", dtype=str)
    rows = jud[jud["inspection_id"] == "official-372-slac-2010-08-27"]
    assert sorted(rows["grade"]) == ["adequate", "adequate"]
    assert set(rows["grade_raw"]) == {RESTATED}


def test_rotherham_council_page_says_adequate_for_2010(con: duckdb.DuckDBPyConnection) -> None:
    from ofsted_record.site.councils import Record, page_text, summary_sentence

    rec = Record(con)
    text = page_text(rec, "372", summary_sentence(rec, "372"))
    row = next(line for line in text.splitlines() if "27 August 2010" in line)
    assert "Safeguarding: <strong>Adequate (pre-2013 scale)</strong>" in row
    assert "Requires improvement" not in row


def test_standing_counts_only_current_scale_grades(con: duckdb.DuckDBPyConnection) -> None:
    """The headline and every status come from ``standing``, which takes only SIF and ILACS
    inspections: a pre-2013 grade can never reach them, so restating it changes no headline."""
    grades_seen = set()
    for day in [pd.Timestamp(y, 3, 31).date() for y in range(2010, 2027)]:
        grades_seen |= set(wq.standing(con, day, wq.DEFAULT_RULE, "overall_effectiveness")["grade"])
    assert "adequate" not in grades_seen
    assert {"outstanding", "good", "requires_improvement", "inadequate"} <= grades_seen


def test_reconciliation_compares_what_each_source_prints(con: duckdb.DuckDBPyConnection) -> None:
    """Reconciliation compares the report's grade with the table's printed grade: Kent's 2013
    "Adequate" (p21) against the table's restated "Requires improvement to be good" (Q68)
    stays the one explained disagreement, and the Rotherham CPI row (no report: an HTML error
    page) is only in the table."""
    kent = con.execute(
        "SELECT status, report_grade, official_grade, explanation FROM reconciliation "
        "WHERE official_cell = 'Q68'"
    ).fetchone()
    assert kent[:3] == ("disagreed", "adequate", "requires_improvement") and kent[3]
    statuses = dict(
        con.execute("SELECT status, count(*) FROM reconciliation GROUP BY ALL").fetchall()
    )
    assert statuses["disagreed"] == 1
