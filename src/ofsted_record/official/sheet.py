"""Read sheet ``LA_inspections_2009-2023`` of Ofsted's 2023 official statistics (ODS).

The sheet holds two tables with the same layout: the councils of 31 March 2023 (header in row 5)
and "Table 11: History of inspections of local authorities that existed before the restructure"
(old Bournemouth, Dorset, Poole and Northamptonshire). The sheet's own note says the second
table begins in A158; in the file its title is in A160 and its header in A161, so tables are
located by their header row, never by a fixed row number. Every column is identified by its
header text, so a re-ordered or renamed column is an error, not a silent mis-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

SHEET = "LA_inspections_2009-2023"
TITLE = "Children's social care data in England 2023 - LA inspections 2009-2023"


class OfficialSheetError(ValueError):
    """The workbook does not have the layout this reader was written for."""


@dataclass(frozen=True)
class Group:
    """One inspection in a council's row: a date column plus its judgement columns."""

    name: str
    framework: str  # fixed framework, or "ilacs" when a type column decides it
    date_header: str
    areas: tuple[tuple[str, str], ...]  # (header, area)
    type_header: str | None = None


def _first_or_bare(text: str, table: int) -> str:
    # Table 11 calls the (only) ILACS inspection "ILACS framework ...", the main table "First ..."
    return text if table == 0 else text.replace("First ILACS framework", "ILACS framework")


_SIF_AREAS = (
    ("Overall Judgement (OE)", "overall_effectiveness"),
    ("children who need help and protection", "help_and_protection"),
    ("children looked after and achieving permanence", "children_in_care"),
    ("CLA Sub: Adoption Performance", "adoption"),
    ("CLA Sub: Experiences and progress of care leavers", "care_leavers"),
    ("leadership, management and governance", "leadership"),
)

GROUPS: tuple[Group, ...] = (
    Group(
        "slac",
        "slac",
        "Safeguarding & Looked After Children (SLAC) Inspection publication date",
        (
            ("SLAC Safeguarding Overall effectiveness (OE)", "safeguarding"),
            ("SLAC Looked After Children Overall Effectiveness (OE)", "looked_after_children"),
        ),
    ),
    Group(
        "slac_reinspection_safeguarding",
        "slac_reinspection",
        "SLAC re-inspection of Safeguarding publication date",
        (("SLAC re-inspection Safeguarding OE", "safeguarding"),),
    ),
    Group(
        "slac_reinspection_lac",
        "slac_reinspection",
        "SLAC re-inspection of services for Children Looked After publication date",
        (("SLAC re-inspection of services Children Looked After OE", "looked_after_children"),),
    ),
    Group(
        "cpi",
        "cpi",
        "Child Protection Inspections (CPI) publication date",
        (("CPI Overall Effectiveness (OE)", "overall_effectiveness"),),
    ),
    Group(
        "cpri",
        "cpri",
        "Child Protection Re-Inspection (CPRI) publication date",
        (("CPRI Overall Effectiveness (OE)", "overall_effectiveness"),),
    ),
    Group(
        "tlac",
        "tlac",
        "Targeted Looked After Children (TLAC) inspection publication date",
        (("TLAC Overall Effectiveness (OE)", "overall_effectiveness"),),
    ),
    Group(
        "sif",
        "sif",
        "Single Inspection of LA Children's Services (SIF) First SIF publication date",
        tuple((f"First SIF {h}", a) for h, a in _SIF_AREAS)
        # The LSCB review was published with the first SIF report, in the same row.
        + (("LSCB Overall Effectiveness", "lscb"),),
    ),
    Group(
        "sif_reinspection",
        "sif_reinspection",
        "Single Inspection of LA Children's Services (SIF) SIF Re-inspection publication date",
        tuple((f"SIF Re-inspection {h}", a) for h, a in _SIF_AREAS),
    ),
    Group(
        "ilacs_1",
        "ilacs",
        "First ILACS framework publication date",
        (
            ("First ILACS framework overall effectiveness", "overall_effectiveness"),
            ("First ILACS framework impact of leaders", "impact_of_leaders"),
            (
                "First ILACS framework experiences and progress of children who need help and "
                "protection",
                "help_and_protection",
            ),
            (
                "First ILACS framework experiences and progress of children in care and care "
                "leavers",
                "children_in_care_and_care_leavers",
            ),
        ),
        type_header="First ILACS framework inspection type",
    ),
    Group(
        "ilacs_2",
        "ilacs",
        "Second ILACS framework publication date",
        (
            ("Second ILACS framework overall effectiveness", "overall_effectiveness"),
            ("Second ILACS framework impact of leaders", "impact_of_leaders"),
            (
                "Second ILACS framework experiences and progress of children who need help "
                "and protection",
                "help_and_protection",
            ),
            # Note 5 of the workbook: an inspection under the pre-2023 framework has its combined
            # "children in care and care leavers" judgement in this column and the care leavers
            # column empty; see ``tidy.second_ilacs_children_area``.
            (
                "Second ILACS framework experiences and progress of children in care",
                "children_in_care",
            ),
            ("Second ILACS framework experiences and progress of care leavers", "care_leavers"),
        ),
        type_header="Second ILACS framework inspection type",
    ),
)

ID_HEADERS = ("Web link", "Local authority name", "LA region", "LA Authority Type")


def norm_header(text: object) -> str:
    """Header text with runs of whitespace (newlines, doubled spaces) collapsed."""
    return re.sub(r"\s+", " ", str(text)).strip()


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    value: object
    row: int  # 1-based sheet row
    col: int  # 0-based column index
    header: str  # normalised header text

    @property
    def ref(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class SheetTable:
    """One of the sheet's tables: its title, header row and data rows (1-based numbers)."""

    index: int
    title: str
    header_row: int
    headers: dict[str, int]  # normalised header -> column index
    rows: list[tuple[int, list[object]]]


def read_sheet(path: Path, sheet: str) -> list[list[object]]:
    """Every row of one sheet of the official workbook; list index + 1 is the sheet row."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise OfficialSheetError(f"{path}: file not found")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise OfficialSheetError(f"{path}: not a readable workbook ({exc})") from exc
    if sheet not in workbook.sheet_names:
        raise OfficialSheetError(f"{path}: no sheet {sheet!r} (sheets: {workbook.sheet_names})")
    # skip_empty_area=False keeps leading empty rows, so list index + 1 is the sheet row.
    return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def load_rows(path: Path) -> list[list[object]]:
    rows = read_sheet(path, SHEET)
    if not rows or norm_header(rows[0][0]) != TITLE:
        raise OfficialSheetError(f"{path}: A1 of {SHEET!r} is not the expected title {TITLE!r}")
    return rows


def find_tables(rows: list[list[object]], path: Path) -> list[SheetTable]:
    """Locate every table by its header row ('Web link', 'Local authority name', ...)."""
    tables: list[SheetTable] = []
    for i, row in enumerate(rows):
        if tuple(norm_header(c) for c in row[:4]) != ID_HEADERS:
            continue
        headers: dict[str, int] = {}
        for j, cell in enumerate(row):
            text = norm_header(cell)
            if not text:
                continue
            if text in headers:
                raise OfficialSheetError(f"{path}: row {i + 1}: header {text!r} appears twice")
            headers[text] = j
        title = norm_header(rows[i - 1][0]) if i > 0 else ""
        data: list[tuple[int, list[object]]] = []
        for k in range(i + 1, len(rows)):
            if not norm_header(rows[k][1]):
                break
            data.append((k + 1, rows[k]))
        tables.append(SheetTable(len(tables), title, i + 1, headers, data))
    if len(tables) != 2:
        raise OfficialSheetError(
            f"{path}: expected 2 tables in {SHEET!r} (councils of 2023, predecessors), "
            f"found {len(tables)} header rows"
        )
    return tables


def groups_for(table: SheetTable, path: Path) -> list[tuple[Group, dict[str, int]]]:
    """The inspection groups present in a table, each with header -> column index.

    Every header of the table must be used by exactly one group (or be an id column): an
    unknown column means the layout changed.
    """
    used = set(ID_HEADERS)
    present: list[tuple[Group, dict[str, int]]] = []
    for group in GROUPS:
        names = [group.date_header, *(h for h, _ in group.areas)]
        if group.type_header:
            names.append(group.type_header)
        names = [_first_or_bare(norm_header(n), table.index) for n in names]
        found = [n for n in names if n in table.headers]
        if not found:
            continue
        missing = sorted(set(names) - set(found))
        if missing:
            raise OfficialSheetError(
                f"{path}: table at row {table.header_row} lacks columns {missing} of {group.name}"
            )
        present.append((group, {n: table.headers[n] for n in names}))
        used.update(names)
    unknown = sorted(set(table.headers) - used)
    if unknown:
        raise OfficialSheetError(
            f"{path}: table at row {table.header_row} has unknown columns {unknown}"
        )
    return present


def as_date(value: object, where: str) -> date | None:
    """A publication-date cell: empty -> None; a date -> date; anything else is an error."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise OfficialSheetError(f"{where}: date cell carries a time ({value})")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%d/%m/%Y").date()
        except ValueError:
            pass
    raise OfficialSheetError(f"{where}: not a date: {value!r}")
