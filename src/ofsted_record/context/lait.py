"""DfE Local Authority Interactive Tool (LAIT) long table -> chosen spending measures.

Of LAIT's 434 measures we keep the s251 outturn spending lines the reporting uses (gross
children and young people's services and its main blocks, plus two weekly unit costs) and the
looked-after count for the years before the EES looked-after export starts (2015-2018). All
money is cash (no real-terms adjustment). ``C&YPExpenditure`` is published in £ in the
current copy and in £ thousand in the 2024-11 copy: we convert the older copy to £ and use it
only for the year the newer copy lacks (2015-16).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ofsted_record.context import sources
from ofsted_record.context.ees import SourceFormatError
from ofsted_record.context.markers import UnknownMarkerError, parse_cell
from ofsted_record.context.tidy import financial_period

NEED = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
ENGLAND_CODE = 970  # LAIT's own codes: 970 England, 980-990 regions
REGION_CODES = range(980, 991)


@dataclass(frozen=True)
class LaitSpec:
    measure: str
    short_desc: str
    unit: str
    definition: str
    time_basis: str
    old_copy_scale: float = 1.0  # multiply the 2024-11 copy's values by this to reach `unit`


FY = "financial year ending 31 March of `year` (s251 outturn), cash"
SPECS: tuple[LaitSpec, ...] = (
    LaitSpec(
        "spend_cyp_gross",
        "C&YPExpenditure",
        "£ cash",
        "s251 outturn: children and young people's services, gross (excluding CERA)",
        FY,
        1000.0,
    ),
    LaitSpec(
        "spend_safeguarding",
        "SafeguardingFinance",
        "£ cash",
        "s251 outturn: safeguarding children and young people's services, gross",
        FY,
    ),
    LaitSpec(
        "spend_cla", "TotalLACFinance", "£ cash", "s251 outturn: children looked after, gross", FY
    ),
    LaitSpec(
        "spend_family_support",
        "FamilySupportFinance",
        "£ cash",
        "s251 outturn: family support services, gross",
        FY,
    ),
    LaitSpec(
        "spend_sure_start",
        "SureStartFinance",
        "£ cash",
        "s251 outturn: Sure Start children's centres and early years, gross",
        FY,
    ),
    LaitSpec(
        "spend_young_people",
        "YoungPeopleFinance",
        "£ cash",
        "s251 outturn: services for young people, gross",
        FY,
    ),
    LaitSpec(
        "spend_youth_justice",
        "YouthJusticeFinance",
        "£ cash",
        "s251 outturn: youth justice, gross",
        FY,
    ),
    LaitSpec(
        "spend_leaving_care",
        "LeaveCareSupServTotExp",
        "£ cash",
        "s251 outturn: leaving care support services, total expenditure",
        FY,
    ),
    LaitSpec(
        "unit_cost_cla_weekly",
        "LACFinance",
        "£ cash per child per week",
        "s251 outturn: looked-after spend / children looked after at 31 March / 365 * 7, "
        "rounded to £5",
        FY,
    ),
    LaitSpec(
        "unit_cost_social_work_weekly",
        "SWFinance",
        "£ cash per child per week",
        "s251 outturn: social work and commissioning spend / children in need at 31 March "
        "/ 365 * 7, rounded to £5",
        FY,
    ),
    LaitSpec(
        "cla_at31",
        "LACnum",
        "children",
        "Children looked after at 31 March",
        "snapshot at 31 March of `year`",
    ),
    LaitSpec(
        "cla_at31_rate_published",
        "LAC",
        "per 10,000 aged 0-17",
        "Children looked after at 31 March per 10,000 children, as published (whole number)",
        "snapshot at 31 March of `year`",
    ),
)
# Looked-after figures come from EES from 2019; LAIT fills 2015-2018 only.
LAIT_CLA_YEARS = range(2015, 2019)


def _year(text: str) -> tuple[int, str]:
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(?: \(OT\))?", text)
    if m:
        year = int(m.group(1)) + 1
        return year, financial_period(year)
    if re.fullmatch(r"\d{4}", text):
        return int(text), text
    raise SourceFormatError(f"unrecognised LAIT year {text!r}")


def read(parts: tuple[str, ...]) -> pd.DataFrame:
    path = sources.path(parts)
    try:
        df = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise SourceFormatError(f"{path}: cannot read parquet ({exc})") from exc
    missing = [c for c in NEED if c not in df.columns]
    if missing:
        raise SourceFormatError(f"{path}: not a LAIT long table, missing {missing}")
    return df


def _rows(
    spec: LaitSpec, df: pd.DataFrame, parts: tuple[str, ...], scale: float, skip_years: set[int]
) -> tuple[list[dict], list[dict]]:
    sub = df[df["Short Desc"] == spec.short_desc]
    councils: list[dict] = []
    areas: list[dict] = []
    src = sources.label(parts)
    for row in sub.to_dict("records"):
        year, period = _year(row["Years"])
        if year in skip_years:
            continue
        if spec.short_desc in ("LACnum", "LAC") and year not in LAIT_CLA_YEARS:
            continue
        try:
            value, status = parse_cell(row["Values"])
        except UnknownMarkerError as exc:
            raise SourceFormatError(f"{sources.path(parts)}: {spec.short_desc}: {exc}") from exc
        if value is not None:
            value = round(value * scale, 6)
        base = {
            "year": year,
            "period": period,
            "measure": spec.measure,
            "value": value,
            "status": status,
            "source": src,
        }
        code = int(row["LA Number"])
        if code == ENGLAND_CODE:
            areas.append(
                {**base, "level": "national", "area_code": "E92000001", "area_name": "England"}
            )
        elif code in REGION_CODES:
            areas.append(
                {
                    **base,
                    "level": "regional",
                    "area_code": f"lait-{code}",
                    "area_name": row["LA and Regions"],
                }
            )
        else:
            councils.append({**base, "la_code": f"{code:03d}", "note": ""})
    return councils, areas


def extract() -> tuple[list[dict], list[dict], list[str]]:
    councils: list[dict] = []
    areas: list[dict] = []
    problems: list[str] = []
    try:
        new = read(sources.LAIT_NEW)
    except SourceFormatError as exc:
        return councils, areas, [str(exc)]
    try:
        old = read(sources.LAIT_OLD)
    except SourceFormatError as exc:
        problems.append(str(exc))
        old = None
    for spec in SPECS:
        try:
            c, a = _rows(spec, new, sources.LAIT_NEW, 1.0, set())
            councils += c
            areas += a
            if old is not None:
                have = {r["year"] for r in c + a}
                oldyears = {
                    _year(y)[0]
                    for y in old.loc[old["Short Desc"] == spec.short_desc, "Years"].unique()
                }
                c, a = _rows(
                    spec, old, sources.LAIT_OLD, spec.old_copy_scale, have | (oldyears & have)
                )
                councils += c
                areas += a
        except SourceFormatError as exc:
            problems.append(str(exc))
    return councils, areas, problems
