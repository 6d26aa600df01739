"""Ofsted's "Local authority inspection outcomes as at 31 March 2024" (ODS) made tidy.

Three sheets, each a table found by its header row ('Web link', 'Local authority name', ...)
and read column by header text, never by position (the reader is :func:`sheet.read_sheet`):

- ``Inspections_31_March_2024``: each council's most recent ILACS judgements at 31 March 2024,
  counted as Ofsted counts: inspections that had ended by 31 March with a report published by
  30 June 2024 (the workbook's cover, "Period covered"). Its "Inspection date" is the first
  day on site.
- ``Inspections_in_year_2023-24``: every ILACS inspection, monitoring visit and focused visit
  of 2023-24 (plus 11 earlier inspections published too late for the 2023 release, Notes).
- ``ILACS_inspections_2018-2024``: each council's first and second ILACS inspection
  (publication date, type, judgements); abolished councils in a second table at the bottom.

As in the 2023 workbook (its note 5), an inspection before January 2023 has its combined
"children in care and care leavers" judgement in the "children in care" column with the care
leavers column empty; :func:`tidy.second_ilacs_children_area` decides the area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ofsted_record.config import shared_path
from ofsted_record.official import explanations, grades, matching, reasons, sheet, tidy
from ofsted_record.official.councils import Resolver, register_resolver
from ofsted_record.official.sheet import OfficialSheetError, column_letter, norm_header

AS_AT = date(2024, 3, 31)
PUBLISHED_BY = date(2024, 6, 30)
STANDING_SHEET = "Inspections_31_March_2024"
IN_YEAR_SHEET = "Inspections_in_year_2023-24"
HISTORY_SHEET = "ILACS_inspections_2018-2024"
ID_HEADERS = ("Web link", "Local authority name")
NOT_YET_INSPECTED = "Not yet inspected"

# Judgement columns (after any 'First ILACS ' / 'Second ILACS ' / 'ILACS framework ' prefix).
AREA_HEADERS: tuple[tuple[str, str], ...] = (
    ("overall effectiveness", "overall_effectiveness"),
    ("impact of leaders", "impact_of_leaders"),
    ("experiences and progress of children who need help and protection", "help_and_protection"),
    ("experiences and progress of children in care", "children_in_care"),
    ("experiences and progress of care leavers", "care_leavers"),
)
CARE_LEAVERS = "experiences and progress of care leavers"
CHILDREN_IN_CARE = "experiences and progress of children in care"

# In-year activity types -> our vocabulary (an unknown type is an error naming the cell).
VISIT_TYPES: dict[str, str] = {
    **grades.ILACS_TYPE_MAP,
    "ILACS Focused Visit": "focused_visit",
    "LA Monitoring visit": "monitoring_visit",
}

STANDING_COLUMNS = [
    "la_code",
    "council_name_official",
    "inspection_date",
    "area",
    "grade",
    "grade_raw",
    "sheet_cell",
]
IN_YEAR_COLUMNS = [
    "la_code",
    "council_name_official",
    "visit_date",
    "visit_type",
    "visit_theme",
    "overall_effectiveness",
    "sheet_row",
]


def outcomes_2024_path() -> Path:
    return shared_path("ofsted-official", "LA_Inspection_Outcomes_as_at_March_2024.ods")


@dataclass(frozen=True)
class Table:
    title: str
    header_row: int  # 1-based
    headers: dict[str, int]  # lower-cased normalised header -> column index
    names: dict[int, str]  # column index -> header as printed (whitespace normalised)
    rows: list[tuple[int, list[object]]]  # (1-based sheet row, cells)


def find_tables(rows: list[list[object]], path: Path, sheet_name: str) -> list[Table]:
    """Every table of a sheet, located by its header row; a table ends at the first row
    without a council name (the sheets have no blank rows inside a table)."""
    tables: list[Table] = []
    for i, row in enumerate(rows):
        if tuple(norm_header(c) for c in row[:2]) != ID_HEADERS:
            continue
        headers: dict[str, int] = {}
        names = {j: norm_header(cell) for j, cell in enumerate(row) if norm_header(cell)}
        for j, cell in enumerate(row):
            text = norm_header(cell).lower()
            if text in headers:
                raise OfficialSheetError(
                    f"{path}: sheet {sheet_name!r} row {i + 1}: header {text!r} appears twice"
                )
            if text:
                headers[text] = j
        data = []
        for k in range(i + 1, len(rows)):
            if not norm_header(rows[k][1]):
                break
            data.append((k + 1, rows[k]))
        title = norm_header(rows[i - 1][0]) if i else ""
        tables.append(Table(title, i + 1, headers, names, data))
    if not tables:
        raise OfficialSheetError(f"{path}: sheet {sheet_name!r} has no table with {ID_HEADERS}")
    return tables


def _column(table: Table, header: str, path: Path, sheet_name: str) -> int:
    try:
        return table.headers[header.lower()]
    except KeyError:
        raise OfficialSheetError(
            f"{path}: sheet {sheet_name!r} table at row {table.header_row} lacks column {header!r}"
        ) from None


def _areas(
    table: Table, prefix: str, path: Path, sheet_name: str, cells: list[object]
) -> list[tuple[str, int]]:
    """(area, column) for the judgement columns under ``prefix`` that hold a value.

    The abolished councils' table has one combined "children in care and care leavers" column
    and no care leavers column; elsewhere an empty care leavers cell means the "children in
    care" cell holds the combined judgement.
    """
    combined = table.headers.get(f"{prefix}{CHILDREN_IN_CARE} and care leavers")
    out = []
    for header, area in AREA_HEADERS:
        if combined is not None and header == CARE_LEAVERS:
            continue
        if combined is not None and header == CHILDREN_IN_CARE:
            area, column = "children_in_care_and_care_leavers", combined
        else:
            column = _column(table, prefix + header, path, sheet_name)
        if header == CHILDREN_IN_CARE and combined is None:
            care_leavers = cells[_column(table, prefix + CARE_LEAVERS, path, sheet_name)]
            area = tidy.second_ilacs_children_area(care_leavers)
        if norm_header(cells[column]):
            out.append((area, column))
    return out


def _grade(value: object, where: str, framework: str = grades.CURRENT_SCALE) -> tuple[str, str]:
    raw = norm_header(value)
    return grades.normalise_grade(raw, where, framework), raw


def read_standing(path: Path | None = None, resolve: Resolver = register_resolver) -> pd.DataFrame:
    """One row per council x judgement area of sheet ``Inspections_31_March_2024``."""
    path = path or outcomes_2024_path()
    (table,) = find_tables(sheet.read_sheet(path, STANDING_SHEET), path, STANDING_SHEET)
    name_col = _column(table, "Local authority name", path, STANDING_SHEET)
    date_col = _column(table, "Inspection date", path, STANDING_SHEET)
    out = []
    for number, cells in table.rows:
        name = norm_header(cells[name_col])
        la_code = resolve(name, AS_AT)
        date_ref = f"{column_letter(date_col)}{number}"
        if norm_header(cells[date_col]) == NOT_YET_INSPECTED:
            # A council with no ILACS inspection yet (Cumberland, Westmorland and Furness):
            # one row, so every council of the sheet is accounted for.
            out.append(
                {
                    "la_code": la_code,
                    "council_name_official": name,
                    "inspection_date": None,
                    "area": "",
                    "grade": "",
                    "grade_raw": NOT_YET_INSPECTED,
                    "sheet_cell": date_ref,
                }
            )
            continue
        when = sheet.as_date(cells[date_col], f"{path}: {STANDING_SHEET}!{date_ref}")
        for area, column in _areas(table, "", path, STANDING_SHEET, cells):
            cell = f"{column_letter(column)}{number}"
            grade, raw = _grade(cells[column], f"{path}: {STANDING_SHEET}!{cell}")
            out.append(
                {
                    "la_code": la_code,
                    "council_name_official": name,
                    "inspection_date": when,
                    "area": area,
                    "grade": grade,
                    "grade_raw": raw,
                    "sheet_cell": cell,
                }
            )
    frame = pd.DataFrame(out, columns=STANDING_COLUMNS)
    councils = frame.drop_duplicates("council_name_official")
    twice = councils[councils["la_code"].duplicated(keep=False)]
    if len(twice):
        raise OfficialSheetError(
            f"{path}: sheet {STANDING_SHEET!r} names one council twice: "
            f"{sorted(twice['council_name_official'])}"
        )
    return frame.sort_values(["la_code", "area"], kind="mergesort").reset_index(drop=True)


def read_history(path: Path | None = None, resolve: Resolver = register_resolver) -> pd.DataFrame:
    """Every ILACS inspection of sheet ``ILACS_inspections_2018-2024`` in the columns of
    ``official_judgements.csv`` (:data:`tidy.COLUMNS`), so the same matching can use it."""
    path = path or outcomes_2024_path()
    tables = find_tables(sheet.read_sheet(path, HISTORY_SHEET), path, HISTORY_SHEET)
    if len(tables) != 2:
        raise OfficialSheetError(
            f"{path}: expected 2 tables in {HISTORY_SHEET!r} (councils of 2024, abolished "
            f"councils), found {len(tables)}"
        )
    out = []
    for table in tables:
        prefixes = [p for p in ("first ilacs ", "second ilacs ", "ilacs framework ")
                    if f"{p}publication date" in table.headers]  # fmt: skip
        if not prefixes:
            raise OfficialSheetError(
                f"{path}: sheet {HISTORY_SHEET!r} table at row {table.header_row} has no "
                "ILACS publication date column"
            )
        name_col = _column(table, "Local authority name", path, HISTORY_SHEET)
        for number, cells in table.rows:
            name = norm_header(cells[name_col])
            for prefix in prefixes:
                date_col = _column(table, prefix + "publication date", path, HISTORY_SHEET)
                type_col = _column(table, prefix + "inspection type", path, HISTORY_SHEET)
                date_cell = f"{column_letter(date_col)}{number}"
                published = sheet.as_date(cells[date_col], f"{path}: {HISTORY_SHEET}!{date_cell}")
                areas = _areas(table, prefix, path, HISTORY_SHEET, cells)
                if published is None:
                    if areas:
                        raise OfficialSheetError(
                            f"{path}: {HISTORY_SHEET}!{date_cell}: judgements without a date"
                        )
                    continue
                type_cell = f"{column_letter(type_col)}{number}"
                framework = grades.ilacs_framework(
                    norm_header(cells[type_col]), f"{path}: {HISTORY_SHEET}!{type_cell}"
                )
                la_code = resolve(name, published)
                for area, column in areas:
                    cell = f"{column_letter(column)}{number}"
                    grade, raw = _grade(cells[column], f"{path}: {HISTORY_SHEET}!{cell}", framework)
                    out.append(
                        tidy.OfficialJudgement(
                            la_code,
                            name,
                            framework,
                            published.isoformat(),
                            area,
                            grade,
                            raw,
                            number,
                            table.names[column],
                            cell,
                            date_cell,
                            type_cell,
                        )
                    )
    frame = pd.DataFrame(out, columns=tidy.COLUMNS)
    return frame.sort_values(tidy.SORT_KEY, kind="mergesort").reset_index(drop=True)


def read_in_year(path: Path | None = None, resolve: Resolver = register_resolver) -> pd.DataFrame:
    """One row per inspection or visit of sheet ``Inspections_in_year_2023-24``."""
    path = path or outcomes_2024_path()
    (table,) = find_tables(sheet.read_sheet(path, IN_YEAR_SHEET), path, IN_YEAR_SHEET)
    name_col = _column(table, "Local authority name", path, IN_YEAR_SHEET)
    date_col = _column(table, "Inspection/Visit date", path, IN_YEAR_SHEET)
    type_col = _column(table, "Inspection/Visit type", path, IN_YEAR_SHEET)
    theme_col = _column(table, "Visit Theme", path, IN_YEAR_SHEET)
    oe_col = _column(table, "Overall effectiveness", path, IN_YEAR_SHEET)
    out = []
    for number, cells in table.rows:
        name = norm_header(cells[name_col])
        when = sheet.as_date(
            cells[date_col], f"{path}: {IN_YEAR_SHEET}!{column_letter(date_col)}{number}"
        )
        if when is None:
            raise OfficialSheetError(f"{path}: {IN_YEAR_SHEET} row {number}: no visit date")
        raw_type = norm_header(cells[type_col])
        if raw_type not in VISIT_TYPES:
            raise grades.UnmappedValue(
                f"{path}: {IN_YEAR_SHEET}!{column_letter(type_col)}{number}: unmapped visit type "
                f"{raw_type!r}"
            )
        oe = norm_header(cells[oe_col])
        where = f"{path}: {IN_YEAR_SHEET}!{column_letter(oe_col)}{number}"
        out.append(
            {
                "la_code": resolve(name, when),
                "council_name_official": name,
                "visit_date": when.isoformat(),
                "visit_type": VISIT_TYPES[raw_type],
                "visit_theme": norm_header(cells[theme_col]),
                "overall_effectiveness": (
                    grades.normalise_grade(oe, where, grades.CURRENT_SCALE) if oe else ""
                ),
                "sheet_row": number,
            }
        )
    frame = pd.DataFrame(out, columns=IN_YEAR_COLUMNS)
    return frame.sort_values(["la_code", "visit_date", "visit_type"], kind="mergesort").reset_index(
        drop=True
    )


# --- reconciliation with the record ------------------------------------------------------------

RECONCILIATION_2024 = "reconciliation_2024.csv"
EXPLANATIONS_2024_PATH = Path(__file__).with_name("explanations_2024.csv")


def reconcile_ilacs(
    report_inspections: pd.DataFrame,
    report_judgements: pd.DataFrame,
    history: pd.DataFrame,
    corpus: reasons.CorpusFacts,
    explanations_path: Path = EXPLANATIONS_2024_PATH,
) -> pd.DataFrame:
    """Every ILACS report published by the workbook's cut-off (30 June 2024) against its ILACS
    history, judgement by judgement, with the same matching, reasons and hand-written
    explanations as the 2023 table (``reconciliation.csv``)."""
    ilacs = report_inspections["framework"].map(matching.family_of).eq("ilacs")
    in_scope = report_inspections[
        ilacs & (report_inspections["published_date"].astype(str) <= PUBLISHED_BY.isoformat())
    ]
    judgements = report_judgements[
        report_judgements["inspection_id"].isin(in_scope["inspection_id"])
    ]
    recon, _ = matching.reconcile(in_scope, judgements, history)
    areas = {"ilacs": set(history["area"])}
    recon = reasons.add_reasons(recon, corpus, matching.TOLERANCE_DAYS, areas)
    expl = explanations.load_explanations(explanations_path)
    recon = explanations.attach(recon, expl, matching.TOLERANCE_DAYS)
    return recon.sort_values(matching.RECON_SORT, kind="mergesort", na_position="last")
