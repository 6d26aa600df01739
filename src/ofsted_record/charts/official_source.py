"""Warehouse-shaped tables from Ofsted's official statistics, for developing and testing charts.

The published charts read the warehouse (``data/warehouse.duckdb``). Before it exists, and in the
chart tests, the same query functions run against an in-memory DuckDB filled from Ofsted's own
table (``ofsted-official/Childrens_social_care_in_England_2023_underlying_data.ods``, sheet
``LA_inspections_2009-2023``): every council's judgements 2009-2023, by council name. Names are
matched to DfE codes through ``reference/dfe_las.csv``. Only the columns the chart queries use
are filled, with the names and vocabularies of ``data/README.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ofsted_record import config

ODS_PARTS = ("ofsted-official", "Childrens_social_care_in_England_2023_underlying_data.ods")
SHEET = "LA_inspections_2009-2023"
LATEST_SHEET = "LA_level_at_31_Mar_2023"

GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "inadequate": "inadequate",
}


@dataclass(frozen=True)
class Block:
    """One inspection's columns in the sheet: framework, date column, area → grade column."""

    framework: str
    date_col: int
    areas: dict[str, int]
    type_col: int | None = None  # ILACS: 'ILACS Standard/Short Inspection'


_SIF_AREAS = ("overall_effectiveness", "help_and_protection", "children_in_care", "adoption")
_SIF_AREAS += ("care_leavers", "leadership")

# Column positions (0-based) in both tables of the sheet (header row 5 and row 158).
BLOCKS: tuple[Block, ...] = (
    Block("slac", 4, {"safeguarding": 5, "looked_after_children": 6}),
    Block("slac_reinspection", 7, {"safeguarding": 8}),
    Block("slac_reinspection", 9, {"looked_after_children": 10}),
    Block("cpi", 11, {"overall_effectiveness": 12}),
    Block("cpri", 13, {"overall_effectiveness": 14}),
    Block("tlac", 15, {"overall_effectiveness": 16}),
    Block("sif", 17, {**dict(zip(_SIF_AREAS, range(18, 24), strict=True)), "lscb": 24}),
    Block("sif_reinspection", 25, dict(zip(_SIF_AREAS, range(26, 32), strict=True))),
    Block(
        "ilacs",
        33,
        {
            "overall_effectiveness": 34,
            "impact_of_leaders": 35,
            "help_and_protection": 36,
            "children_in_care_and_care_leavers": 37,
        },
        type_col=32,
    ),
    Block(
        "ilacs",
        39,
        {
            "overall_effectiveness": 40,
            "impact_of_leaders": 41,
            "help_and_protection": 42,
            "children_in_care": 43,
            "care_leavers": 44,
        },
        type_col=38,
    ),
)


class OfficialTableError(ValueError):
    """The official table is not laid out as expected."""


def ods_path() -> Path:
    return config.shared_path(*ODS_PARTS)


# Names the official sheet prints differently from dfe_las.csv.
NAME_ALIASES = {"bedford borough": "bedford", "durham": "county durham"}


def _norm(name: str) -> str:
    text = name.lower().replace("&", "and")
    text = re.sub(r",\s*(city|county) of$", "", text)
    text = re.sub(r"^(city|county) of\s+", "", text)
    text = re.sub(r"[^a-z ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return NAME_ALIASES.get(text, text)


def _read_la_list() -> pd.DataFrame:
    path = config.shared_path("reference", "dfe_las.csv")
    las = pd.read_csv(path, dtype=str, keep_default_na=False)
    las = las[~las["old_la_code"].str.contains("/") & (las["old_la_code"] != "x")]
    las = las[las["new_la_code"].str.match(r"^E(06|08|09|10)")]
    regions = pd.read_csv(
        config.shared_path("reference", "dfe_region_la_hierarchy.csv"),
        dtype=str,
        keep_default_na=False,
    )
    region_of = dict(zip(regions["new_la_code"], regions["region_name"], strict=False))
    las = las.assign(
        region=las["new_la_code"].map(region_of),
        key=las["la_name"].map(_norm),
        start_date=pd.to_datetime(las["date_of_operation"], format="%d/%m/%Y").dt.date,
        end_date=pd.to_datetime(las["date_of_termination"], format="%d/%m/%Y").dt.date,
    )
    return las


def _match_code(name: str, las: pd.DataFrame, abolished: bool, source: Path) -> pd.Series:
    hits = las[las["key"] == _norm(name)]
    if len(hits) > 1:  # Dorset, Buckinghamshire, North Yorkshire, Somerset: old and new codes
        live = hits[hits["status"] == "live"]
        hits = hits[hits["status"] == "terminated"] if abolished else (live if len(live) else hits)
        if len(hits) > 1:
            hits = hits.sort_values("start_date").iloc[[-1]]
    if hits.empty:
        raise OfficialTableError(f"{source}: council name {name!r} not in dfe_las.csv")
    return hits.iloc[0]


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def load_official_tables(path: Path | None = None) -> dict[str, pd.DataFrame]:
    """``councils``, ``inspections`` and ``judgements`` frames from the official sheet."""
    from python_calamine import CalamineWorkbook

    path = path or ods_path()
    if not path.exists():
        raise OfficialTableError(f"{path}: official table not found")
    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()
    except Exception as exc:  # calamine raises its own types for bad files
        raise OfficialTableError(f"{path}: cannot read sheet {SHEET!r} ({exc})") from exc
    headers = [i for i, r in enumerate(rows) if r and r[0] == "Web link"]
    if len(headers) != 2:
        raise OfficialTableError(f"{path}: expected 2 header rows 'Web link', got {len(headers)}")
    las = _read_la_list()
    councils: dict[str, dict] = {}
    inspections: list[dict] = []
    judgements: list[dict] = []
    for table_no, start in enumerate(headers):
        abolished = table_no == 1  # Table 11: councils that existed before restructuring
        for row in rows[start + 1 :]:
            if not row or not str(row[1]).strip():
                if table_no == 0:
                    break
                continue
            la = _match_code(str(row[1]).strip(), las, abolished, path)
            code = la["old_la_code"]
            # A DfE code can span several ONS codes (Barnsley 2025, North Yorkshire 2023):
            # the council lives from the first start to the last end (None while live).
            spans = las[las["old_la_code"] == code]
            live = spans["end_date"].isna().any()
            councils[code] = {
                "la_code": code,
                "name": la["la_name"],
                "short_name": la["la_name"],
                "region_name": la["region"],
                "valid_from": spans["start_date"].min(),
                "valid_to": None if live else spans["end_date"].max(),
            }
            for block in BLOCKS:
                if block.date_col >= len(row):
                    continue
                published = _as_date(row[block.date_col])
                if published is None:
                    continue
                framework = block.framework
                if block.type_col is not None:
                    kind = str(row[block.type_col]).lower()
                    framework = "ilacs_short" if "short" in kind else "ilacs_standard"
                inspection_id = f"official-{code}-{framework}-{published.isoformat()}"
                inspections.append(
                    {
                        "inspection_id": inspection_id,
                        "source": "official_table",
                        "la_code": code,
                        "framework": framework,
                        "published_date": published,
                        "source_url": None,
                    }
                )
                for area, col in block.areas.items():
                    raw = str(row[col]).strip() if col < len(row) else ""
                    grade = GRADES.get(raw.lower())
                    if grade:
                        judgements.append(
                            {
                                "inspection_id": inspection_id,
                                "area": area,
                                "grade": grade,
                                "grade_raw": raw,
                            }
                        )
    return {
        "councils": pd.DataFrame(list(councils.values())).sort_values("la_code"),
        "inspections": pd.DataFrame(inspections)
        .drop_duplicates("inspection_id")
        .sort_values("inspection_id"),
        "judgements": pd.DataFrame(judgements).sort_values(["inspection_id", "area"]),
    }


def official_latest_2023(path: Path | None = None) -> pd.DataFrame:
    """Ofsted's own 'latest overall effectiveness at 31 March 2023' per council (sheet
    ``LA_level_at_31_Mar_2023``): columns ``council``, ``grade``. Used to reconcile charts."""
    from python_calamine import CalamineWorkbook

    path = path or ods_path()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(LATEST_SHEET).to_python()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Web link")
    out = [
        {"council": str(r[1]).strip(), "grade": GRADES[str(r[4]).strip().lower()]}
        for r in rows[start + 1 :]
        if r and str(r[1]).strip()
    ]
    return pd.DataFrame(out)


def connect_official(path: Path | None = None):
    """An in-memory DuckDB holding the official tables under the warehouse's table names."""
    import duckdb

    con = duckdb.connect()
    for name, frame in load_official_tables(path).items():
        con.register(f"_{name}", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")  # names are ours, fixed
        con.unregister(f"_{name}")
    con.execute("CREATE TABLE interventions (la_code VARCHAR, event VARCHAR, date DATE)")
    return con
