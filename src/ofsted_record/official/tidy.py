"""The official table made tidy: one row per council x inspection x judgement area."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ofsted_record.config import shared_path
from ofsted_record.official import grades, sheet
from ofsted_record.official.councils import Resolver, UnresolvedCouncil, register_resolver


class OfficialJudgement(NamedTuple):
    """One judgement of one area read from an official table, with the cells it came from
    (the row shape of both the 2023 table and the 2024 workbook)."""

    la_code: str
    council_name_official: str
    framework: str
    published_date: str  # ISO date
    area: str
    grade: str
    grade_raw: str
    sheet_row: int
    sheet_column: str
    sheet_cell: str
    date_cell: str
    type_cell: str


COLUMNS = list(OfficialJudgement._fields)
SORT_KEY = ["la_code", "published_date", "framework", "area"]


def official_ods_path() -> Path:
    return shared_path(
        "ofsted-official", "Childrens_social_care_in_England_2023_underlying_data.ods"
    )


def second_ilacs_children_area(care_leavers_cell: object) -> str:
    """Area of the second ILACS 'children in care' column.

    Workbook note 5: from January 2023 ILACS judges children in care and care leavers
    separately; an earlier inspection's combined judgement sits in the 'children in care' column
    with the care leavers column left empty.
    """
    return (
        "children_in_care"
        if str(care_leavers_cell).strip()
        else "children_in_care_and_care_leavers"
    )


def tidy_rows(
    rows: list[list[object]], path: Path, resolve: Resolver
) -> tuple[pd.DataFrame, list[str]]:
    """Tidy judgements, plus the problems found (each names the file and cell)."""
    out: list[dict[str, object]] = []
    problems: list[str] = []
    care_leavers = sheet.norm_header(
        "Second ILACS framework experiences and progress of care leavers"
    )
    for table in sheet.find_tables(rows, path):
        for group, cols in sheet.groups_for(table, path):

            def col(header: str, _table: int = table.index, _cols: dict = cols) -> int:
                return _cols[sheet._first_or_bare(sheet.norm_header(header), _table)]

            for row_no, row in table.rows:
                name = sheet.norm_header(row[1])

                def at(column: int, _row: int = row_no, _name: str = name) -> str:
                    return (
                        f"{path.name} {sheet.SHEET}!{sheet.column_letter(column)}{_row} ({_name})"
                    )

                date_col = col(group.date_header)
                cells = [
                    (
                        area,
                        sheet.Cell(
                            row[col(h)],
                            row_no,
                            col(h),
                            sheet.norm_header(row_header(table, col(h))),
                        ),
                    )
                    for h, area in group.areas
                ]
                filled = [(a, c) for a, c in cells if str(c.value).strip()]
                try:
                    published = sheet.as_date(row[date_col], at(date_col))
                    if published is None:
                        if filled:
                            problems.append(
                                f"{at(filled[0][1].col)}: grade without a {group.name} date"
                            )
                        continue
                    if not filled:
                        problems.append(f"{at(date_col)}: {group.name} date but no grade")
                    la_code = resolve(name, published)
                    framework = group.framework
                    type_ref = ""
                    if framework == "ilacs":
                        type_col = col(group.type_header or "")
                        framework = grades.ilacs_framework(str(row[type_col]), at(type_col))
                        type_ref = f"{sheet.column_letter(type_col)}{row_no}"
                except (sheet.OfficialSheetError, UnresolvedCouncil, grades.UnmappedValue) as exc:
                    problems.append(f"{at(1)}: {exc}")
                    continue
                for area, cell in filled:
                    if group.name == "ilacs_2" and area == "children_in_care":
                        area = second_ilacs_children_area(row[cols[care_leavers]])
                    raw = str(cell.value).strip()
                    try:
                        grade = grades.normalise_grade(raw, at(cell.col), framework)
                    except grades.UnmappedValue as exc:
                        problems.append(str(exc))
                        continue
                    out.append(
                        OfficialJudgement(
                            la_code,
                            name,
                            framework,
                            published.isoformat(),
                            area,
                            grade,
                            raw,
                            row_no,
                            cell.header,
                            cell.ref,
                            f"{sheet.column_letter(date_col)}{row_no}",
                            type_ref,
                        )
                    )
    df = pd.DataFrame(out, columns=COLUMNS)
    dupes = df[df.duplicated(["la_code", "framework", "published_date", "area"], keep=False)]
    for d in dupes.itertuples():
        problems.append(
            f"{path.name}: duplicate judgement {d.la_code} {d.framework} {d.published_date} "
            f"{d.area} at {d.sheet_cell}"
        )
    df = df.sort_values(SORT_KEY, kind="mergesort").reset_index(drop=True)
    return df, problems


def row_header(table: sheet.SheetTable, column: int) -> str:
    """The header text of a column as printed in this table."""
    return next(h for h, j in table.headers.items() if j == column)


class OfficialTableError(ValueError):
    """The official table could not be made tidy without guessing."""


def build_official_judgements(
    path: Path | None = None, resolve: Resolver | None = None
) -> pd.DataFrame:
    """Read and tidy the official table; any problem is an error listing every problem found."""
    path = path or official_ods_path()
    resolve = resolve or register_resolver
    df, problems = tidy_rows(sheet.load_rows(path), path, resolve)
    if problems:
        listed = "\n  ".join(problems[:50])
        raise OfficialTableError(f"{path}: {len(problems)} problem(s):\n  {listed}")
    return df


def official_inspections(judgements: pd.DataFrame) -> pd.DataFrame:
    """One row per official inspection (council x framework x publication date)."""
    keys = ["la_code", "framework", "published_date"]
    agg = judgements.groupby(keys, sort=True, as_index=False).agg(
        council_name_official=("council_name_official", "first"),
        sheet_row=("sheet_row", "min"),
        date_cells=("date_cell", lambda s: ";".join(sorted(set(s)))),
        type_cell=("type_cell", "first"),
        n_judgements=("area", "size"),
    )
    return agg.reset_index(drop=True)
