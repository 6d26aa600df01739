"""Ofsted's own 'latest overall effectiveness at 31 March 2023' for every council.

Sheet ``LA_level_at_31_Mar_2023`` of the 2023 official statistics (the same ODS that
:mod:`ofsted_record.official.tidy` reads): one row per council existing on 31 March 2023 with
the date and judgements of its latest ILACS inspection. It is Ofsted's published position on
that date, so it is the benchmark the warehouse's ``standing`` macro is reconciled against
(tests/test_charts.py). Names are resolved to ``la_code`` through the council register; grades
go through the same explicit mapping as the main sheet (:data:`grades.GRADE_MAP`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ofsted_record.official.grades import CURRENT_SCALE, normalise_grade
from ofsted_record.official.sheet import OfficialSheetError, norm_header, read_sheet
from ofsted_record.official.tidy import official_ods_path

SHEET = "LA_level_at_31_Mar_2023"
AS_AT = date(2023, 3, 31)
NAME_HEADER = "Local authority name"
GRADE_HEADER = "Overall effectiveness"
HEADERS = ("Web link", NAME_HEADER, "Ofsted region", "Inspection date", GRADE_HEADER)


def latest_overall_2023(path: Path | None = None) -> pd.DataFrame:
    """``la_code, council, grade`` for each council in the sheet, sorted by ``la_code``.

    Raises :class:`OfficialSheetError` naming the file when the sheet is missing or laid out
    differently, and :class:`ofsted_record.register.UnresolvedCouncil` for an unknown name.
    """
    from ofsted_record.register import resolve_name

    path = path or official_ods_path()
    rows = read_sheet(path, SHEET)
    header = next(
        (i for i, r in enumerate(rows) if tuple(norm_header(c) for c in r[:5]) == HEADERS), None
    )
    if header is None:
        raise OfficialSheetError(f"{path}: sheet {SHEET!r} has no header row {HEADERS}")
    name_col, grade_col = HEADERS.index(NAME_HEADER), HEADERS.index(GRADE_HEADER)
    source = f"{path.name}, sheet {SHEET}"
    out = []
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        name = norm_header(row[name_col])
        if not name:
            break  # the table has no blank rows: the first empty name ends it
        where = f"{path}: sheet {SHEET!r} row {number}"
        out.append(
            {
                "la_code": resolve_name(name, on=AS_AT, source=source),
                "council": name,
                "grade": normalise_grade(str(row[grade_col]), where, CURRENT_SCALE),
            }
        )
    if not out:
        raise OfficialSheetError(f"{path}: sheet {SHEET!r} has no council rows")
    frame = pd.DataFrame(out)
    duplicated = frame[frame["la_code"].duplicated(keep=False)]
    if len(duplicated):
        raise OfficialSheetError(
            f"{path}: sheet {SHEET!r} names one council twice: {sorted(duplicated['council'])}"
        )
    return frame.sort_values("la_code", kind="mergesort").reset_index(drop=True)
