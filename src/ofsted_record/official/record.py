"""The complete record: every report-derived row plus the official-table inspections that no
report covers (pre-2013 frameworks, abolished councils, reports missing from the corpus)."""

from __future__ import annotations

import pandas as pd

from ofsted_record.official.matching import REPORT_CLASS, InspectionMatch, official_inspection_id
from ofsted_record.official.sheet import SHEET

INSPECTION_COLUMNS = [
    "inspection_id",
    "source",
    "urn",
    "la_code",
    "council_printed",
    "framework",
    "framework_rule",
    "start_date",
    "end_date",
    "published_date",
    "lead_inspector",
    "source_url",
    "file",
    "sha256",
    "pages",
]
JUDGEMENT_COLUMNS = ["inspection_id", "area", "grade", "grade_raw", "page", "evidence"]

# Where the official table is published (Ofsted, Children's social care data in England 2023).
OFFICIAL_SOURCE_URL = (
    "https://www.gov.uk/government/statistics/childrens-social-care-data-in-england-2023"
)


def covered_areas(
    matches: list[InspectionMatch],
    report_inspections: pd.DataFrame,
    report_judgements: pd.DataFrame,
) -> dict[tuple[str, str, str], set[str] | None]:
    """Official inspection key -> areas reports cover (None = the whole inspection).

    A main report (SIF, ILACS, ...) covers its whole official inspection; an LSCB review
    published on its own covers only the areas it judges.
    """
    framework = report_inspections.set_index("inspection_id")["framework"]
    areas = report_judgements.groupby("inspection_id")["area"].apply(set)
    covered: dict[tuple[str, str, str], set[str] | None] = {}
    for m in matches:
        if REPORT_CLASS.get(str(framework[m.report_inspection_id]), "main") == "main":
            covered[m.official_key] = None
        elif covered.get(m.official_key, set()) is not None:
            have = covered.setdefault(m.official_key, set())
            assert have is not None
            have |= areas.get(m.report_inspection_id, set())
    return covered


def official_only(
    official: pd.DataFrame,
    covered: dict[tuple[str, str, str], set[str] | None],
    ods_file: str,
    ods_sha256: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inspections and judgements of the official table that no report covers."""
    keys = ["la_code", "framework", "published_date"]
    rows_i: list[dict[str, object]] = []
    rows_j: list[dict[str, object]] = []
    for key, group in official.groupby(keys, sort=True):
        key = tuple(str(k) for k in key)
        cover = covered.get(key, set())
        if cover is None:
            continue
        left = group[~group["area"].isin(cover)]
        if left.empty:
            continue
        iid = official_inspection_id(*key)
        first = group.iloc[0]
        date_cells = ";".join(sorted(set(group["date_cell"])))
        rule = f"official table: publication date in {SHEET}!{date_cells}"
        if first["type_cell"]:
            rule += f", inspection type in {SHEET}!{first['type_cell']}"
        rows_i.append(
            {
                "inspection_id": iid,
                "source": "official_table",
                "la_code": key[0],
                "council": first["council_name_official"],
                "council_printed": first["council_name_official"],
                "framework": key[1],
                "framework_rule": rule,
                "published_date": key[2],
                "published_date_source": "official table",
                "source_url": OFFICIAL_SOURCE_URL,
                "file": ods_file,
                "sha256": ods_sha256,
            }
        )
        for j in left.itertuples(index=False):
            rows_j.append(
                {
                    "inspection_id": iid,
                    "area": j.area,
                    "grade": j.grade,
                    "grade_raw": j.grade_raw,
                    "evidence": f"sheet:{SHEET}!{j.sheet_cell}",
                }
            )
    extra = ["council", "published_date_source"]
    ins = pd.DataFrame(rows_i).reindex(columns=[*INSPECTION_COLUMNS, *extra])
    jud = pd.DataFrame(rows_j).reindex(columns=JUDGEMENT_COLUMNS)
    return ins, jud


def complete_record(
    report_inspections: pd.DataFrame,
    report_judgements: pd.DataFrame,
    official_inspections: pd.DataFrame,
    official_judgements: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Report rows (``source = report``) plus official-only rows, in the extractor's columns
    (those of data/README.md plus any the extractor adds, in its order)."""
    columns = list(report_inspections.columns)
    columns += [c for c in INSPECTION_COLUMNS if c not in columns]
    rep_i = report_inspections.reindex(columns=columns).copy()
    rep_i["source"] = rep_i["source"].fillna("report")
    rep_j = report_judgements.reindex(columns=JUDGEMENT_COLUMNS)
    ins = pd.concat([rep_i, official_inspections.reindex(columns=columns)], ignore_index=True)
    jud = pd.concat([rep_j, official_judgements], ignore_index=True)
    if ins["inspection_id"].duplicated().any():
        dupes = sorted(ins.loc[ins["inspection_id"].duplicated(), "inspection_id"])
        raise ValueError(f"duplicate inspection ids in the record: {dupes[:5]}")
    ins = ins.sort_values(["la_code", "published_date", "inspection_id"], kind="mergesort")
    jud = jud.sort_values(["inspection_id", "area"], kind="mergesort")
    return ins.reset_index(drop=True), jud.reset_index(drop=True)
