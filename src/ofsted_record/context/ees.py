"""DfE Explore Education Statistics exports -> long council and area rows.

Each export has national, regional and local-authority rows; ``old_la_code`` is the DfE code.
Joint services (Kingston upon Thames / Richmond upon Thames '314 / 318', North / West
Northamptonshire '940 / 941') publish one social work workforce row for both councils: the
figure is written against each council with a ``note`` saying it is shared, and a
``joint_code`` so totals count it once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ofsted_record.context import sources
from ofsted_record.context.markers import UnknownMarkerError, parse_cell
from ofsted_record.context.tidy import financial_period

ID_COLUMNS = ("time_period", "geographic_level", "old_la_code", "la_name")


@dataclass(frozen=True)
class Spec:
    """One published column read as one measure."""

    measure: str
    file: tuple[str, ...]
    column: str
    unit: str
    definition: str
    time_basis: str
    filter_column: str | None = None
    filter_prefix: str | None = None


YEAR_TO_MARCH = "year ending 31 March of `year` (reporting year)"
AT_31_MARCH = "snapshot at 31 March of `year`"
AT_30_SEPT = "snapshot at 30 September of `year` (workforce census)"
YEAR_TO_SEPT = "year ending 30 September of `year`"

SPECS: tuple[Spec, ...] = (
    Spec(
        "cin_at31",
        sources.CIN,
        "At31_episodes",
        "children",
        "Children in need at 31 March (open CIN episodes on 31 March)",
        AT_31_MARCH,
    ),
    Spec(
        "cin_any_point",
        sources.CIN,
        "Anypoint_child",
        "children",
        "Children in need at any point in the year",
        YEAR_TO_MARCH,
    ),
    Spec(
        "cin_started",
        sources.CIN,
        "Started_child",
        "children",
        "Children starting an episode of need in the year",
        YEAR_TO_MARCH,
    ),
    Spec(
        "referrals",
        sources.REFERRALS,
        "referral_count",
        "referrals",
        "Referrals to children's social care completed in the year",
        YEAR_TO_MARCH,
    ),
    Spec(
        "rereferral_percent",
        sources.REFERRALS,
        "rereferral_percent",
        "percent",
        "Referrals within 12 months of a previous referral, % of referrals",
        YEAR_TO_MARCH,
    ),
    Spec(
        "cpp_at31",
        sources.CPP_AT31,
        "CPP_At31",
        "children",
        "Children who were the subject of a child protection plan at 31 March",
        AT_31_MARCH,
    ),
    Spec(
        "cpp_starts",
        sources.CPP_SUBSEQUENT,
        "CPP_start",
        "plans",
        "Child protection plans starting in the year",
        YEAR_TO_MARCH,
    ),
    Spec(
        "cpp_subsequent_percent",
        sources.CPP_SUBSEQUENT,
        "CPP_subsequent_percent",
        "percent",
        "Child protection plans starting in the year that were a second or subsequent plan, %",
        YEAR_TO_MARCH,
    ),
    Spec(
        "cla_at31",
        sources.CLA_NEW,
        "children_count",
        "children",
        "Children looked after at 31 March",
        AT_31_MARCH,
        "population_type",
        "Children looked after",
    ),
    Spec(
        "cla_at31_rate_published",
        sources.CLA_NEW,
        "rate_per_10000",
        "per 10,000 aged 0-17",
        "Children looked after at 31 March per 10,000 children, as published (whole number)",
        AT_31_MARCH,
        "population_type",
        "Children looked after",
    ),
    Spec(
        "cla_started",
        sources.CLA_NEW,
        "children_count",
        "children",
        "Children starting to be looked after in the year",
        YEAR_TO_MARCH,
        "population_type",
        "Children starting",
    ),
    Spec(
        "cla_at31",
        sources.CLA_OLD,
        "number",
        "children",
        "Children looked after at 31 March",
        AT_31_MARCH,
        "population_count",
        "Children looked after",
    ),
    Spec(
        "cla_at31_rate_published",
        sources.CLA_OLD,
        "rate_per_10000",
        "per 10,000 aged 0-17",
        "Children looked after at 31 March per 10,000 children, as published (whole number)",
        AT_31_MARCH,
        "population_count",
        "Children looked after",
    ),
    Spec(
        "cla_started",
        sources.CLA_OLD,
        "number",
        "children",
        "Children starting to be looked after in the year",
        YEAR_TO_MARCH,
        "population_count",
        "Children starting",
    ),
    Spec(
        "sw_fte",
        sources.CSWW,
        "inpost_fte",
        "FTE",
        "Children and family social workers in post (FTE)",
        AT_30_SEPT,
    ),
    Spec(
        "sw_agency_fte",
        sources.CSWW,
        "agency_fte",
        "FTE",
        "Agency children and family social workers (FTE)",
        AT_30_SEPT,
    ),
    Spec(
        "sw_agency_rate",
        sources.CSWW,
        "agency_rate_fte",
        "percent",
        "Agency worker rate: agency FTE / (agency + in-post FTE), %",
        AT_30_SEPT,
    ),
    Spec(
        "sw_leavers_fte",
        sources.CSWW,
        "leavers_fte",
        "FTE",
        "Social workers leaving in the year (FTE)",
        YEAR_TO_SEPT,
    ),
    Spec(
        "sw_turnover_rate",
        sources.CSWW,
        "turnover_rate_fte",
        "percent",
        "Turnover rate: leavers FTE / in-post FTE, %",
        YEAR_TO_SEPT,
    ),
    Spec(
        "sw_vacancy_fte",
        sources.CSWW,
        "vacancy_fte",
        "FTE",
        "Social worker vacancies (FTE)",
        AT_30_SEPT,
    ),
    Spec(
        "sw_vacancy_rate",
        sources.CSWW,
        "vacancy_rate_fte",
        "percent",
        "Vacancy rate: vacancies FTE / (vacancies + in-post FTE), %",
        AT_30_SEPT,
    ),
    Spec(
        "sw_cases",
        sources.CSWW,
        "cases",
        "cases",
        "Cases held by children and family social workers",
        AT_30_SEPT,
    ),
    Spec(
        "sw_caseload",
        sources.CSWW,
        "caseload_fte",
        "cases per FTE",
        "Average caseload: cases / case-holding social workers (FTE)",
        AT_30_SEPT,
    ),
    Spec(
        "population_0_17",
        sources.POPULATION,
        "population_estimate",
        "people",
        "ONS mid-year population estimate, aged 0-17, on DfE council geography",
        "mid-year (30 June) of `year`",
    ),
)

# The 2019-23 CLA edition is used only for years the newer edition lacks.
CLA_OLD_YEARS = (2019, 2020)


class SourceFormatError(ValueError):
    """An input file that does not look like the export we expect."""


def read_export(parts: tuple[str, ...]) -> pd.DataFrame:
    path = sources.path(parts)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"{path}: cannot read as CSV ({exc})") from exc
    missing = [c for c in ID_COLUMNS if c not in df.columns]
    if missing:
        raise SourceFormatError(f"{path}: not an EES export, missing columns {missing}")
    return df


def _period(spec: Spec, year: int) -> str:
    if spec.file == sources.CSWW:
        return f"{year}-09-30"
    if spec.file == sources.POPULATION:
        return f"mid-{year}"
    return financial_period(year)


def _rows(spec: Spec, df: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    path = sources.path(spec.file)
    if spec.column not in df.columns:
        raise SourceFormatError(f"{path}: column {spec.column!r} missing")
    if spec.filter_column:
        df = df[df[spec.filter_column].str.startswith(spec.filter_prefix or "")]
    if spec.file == sources.CLA_OLD:
        df = df[df["time_period"].astype(int).isin(CLA_OLD_YEARS)]
    src = sources.label(spec.file)
    councils: list[dict] = []
    areas: list[dict] = []
    for rec in df.itertuples(index=False):
        row = rec._asdict()
        year = int(row["time_period"])
        try:
            value, status = parse_cell(row[spec.column])
        except UnknownMarkerError as exc:
            raise SourceFormatError(
                f"{path}: {spec.column} {year} {row['la_name']}: {exc}"
            ) from exc
        base = {
            "year": year,
            "period": _period(spec, year),
            "measure": spec.measure,
            "value": value,
            "status": status,
            "source": src,
        }
        level = row["geographic_level"]
        if level == "Local authority":
            codes = [c.strip() for c in row["old_la_code"].split("/")]
            note = ""
            if len(codes) > 1:
                note = f"joint service, shared figure: {row['la_name']} ({row['old_la_code']})"
            for code in codes:
                councils.append(
                    {
                        **base,
                        "la_code": code,
                        "note": note,
                        "joint_code": row["old_la_code"] if len(codes) > 1 else code,
                    }
                )
        elif level == "National":
            areas.append(
                {
                    **base,
                    "level": "national",
                    "area_code": row["country_code"],
                    "area_name": row["country_name"],
                }
            )
        elif level == "Regional":
            areas.append(
                {
                    **base,
                    "level": "regional",
                    "area_code": row["region_code"],
                    "area_name": row["region_name"],
                }
            )
    return councils, areas


def extract(specs: tuple[Spec, ...] = SPECS) -> tuple[list[dict], list[dict], list[str]]:
    """All EES measures: (council rows, area rows, problems). One bad file never stops the run."""
    councils: list[dict] = []
    areas: list[dict] = []
    problems: list[str] = []
    cache: dict[tuple[str, ...], pd.DataFrame | None] = {}
    for spec in specs:
        if spec.file not in cache:
            try:
                cache[spec.file] = read_export(spec.file)
            except SourceFormatError as exc:
                problems.append(str(exc))
                cache[spec.file] = None
        df = cache[spec.file]
        if df is None:
            continue
        try:
            c, a = _rows(spec, df)
        except SourceFormatError as exc:
            problems.append(str(exc))
            continue
        councils.extend(c)
        areas.extend(a)
    return councils, areas, problems
