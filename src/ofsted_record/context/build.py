"""Build the committed context tables in ``data/processed/context/``.

Tables (all long, sorted, deterministic):
- ``demand.csv``, ``workforce.csv``, ``spending.csv``, ``population.csv``: one row per
  council (``la_code``) x ``year`` x ``measure`` with ``value`` (null when the source withheld it),
  ``status`` (why), ``source`` (short id, see ``measures.csv``) and ``note`` (joint services).
  Councils that existed when a measure was published but have no row in the source get a null
  row with status ``missing_in_source``: nothing is silently dropped.
- ``areas.csv``: the England and regional rows of the same files.
- ``deprivation.csv``: IMD/IDACI 2019 on 2019, 2021 and 2023 councils.
- ``stat_neighbours.csv``: DfE statistical neighbours, 2021 and 2025 models.
- ``gaps.csv``: every council x measure x year with no value, and why.
- ``measures.csv``: the dictionary (unit, definition, source file, publisher, time basis).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ofsted_record.config import processed_dir, require
from ofsted_record.context import ees, imd, lait, neighbours, ro3, sources
from ofsted_record.context.councils import councils_on
from ofsted_record.context.tidy import (
    AREA_COLUMNS,
    AREA_SORT,
    COLUMNS,
    SORT,
    frame,
    reference_day,
)
from ofsted_record.tables import write_csv

FLOAT_FORMAT = "%.15g"
MISSING = "missing_in_source"

# short source ids written in every row; the dictionary maps them to files
SOURCE_IDS = {
    sources.label(sources.CIN): "ees_b1",
    sources.label(sources.REFERRALS): "ees_c1",
    sources.label(sources.CPP_SUBSEQUENT): "ees_d3",
    sources.label(sources.CPP_AT31): "ees_d5",
    sources.label(sources.CLA_NEW): "ees_cla_2021_25",
    sources.label(sources.CLA_OLD): "ees_cla_2019_23",
    sources.label(sources.CSWW): "ees_csww",
    sources.label(sources.POPULATION): "ees_population",
    sources.label(sources.LAIT_NEW): "lait",
    sources.label(sources.LAIT_OLD): "lait_2024_11",
    **{sources.label(p): f"ro3_{y - 1}_{y % 100:02d}" for y, p in sources.RO3.items()},
}
PUBLISHERS = {
    "ees": "Department for Education (Explore Education Statistics)",
    "lait": "Department for Education (Local Authority Interactive Tool)",
    "ro3": "Ministry of Housing, Communities and Local Government (revenue outturn)",
    "imd": "Ministry of Housing, Communities and Local Government (English Indices of "
    "Deprivation 2019)",
    "derived": "this project, from the DfE sources named",
}

# rates per 10,000 children: numerator measure -> rate measure. DfE divides a reporting year
# ending 31 March `year` by the ONS mid-year 0-17 estimate of `year - 1` (the published
# looked-after file shows it: 2025 rates use the mid-2024 estimate 12,183,016).
RATES = {
    "cin_at31": "cin_at31_rate",
    "referrals": "referrals_rate",
    "cpp_at31": "cpp_at31_rate",
    "cla_at31": "cla_at31_rate",
}
TABLES = {
    "demand": ("cin_", "referrals", "rereferral", "cpp_", "cla_"),
    "workforce": ("sw_",),
    "spending": ("spend_", "unit_cost_", "ro3_"),
    "population": ("population_",),
}


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def table_for(measure: str) -> str:
    for table, prefixes in TABLES.items():
        if measure.startswith(prefixes):
            return table
    raise KeyError(measure)


def _derive_rates(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    pop = df[df["measure"] == "population_0_17"][[*key, "year", "value"]]
    pop = pop.assign(year=pop["year"] + 1).rename(columns={"value": "pop"})
    out = []
    for num, rate in RATES.items():
        sub = df[df["measure"] == num].merge(pop, on=[*key, "year"], how="left")
        value = (sub["value"] / sub["pop"] * 10000).round(2)
        status = sub["status"].where(sub["value"].isna() | sub["pop"].notna(), "no_population")
        status = status.where(~(sub["value"].notna() & sub["pop"].notna()), "ok")
        out.append(
            sub.assign(
                measure=rate, value=value.where(status == "ok"), status=status, source="derived"
            ).drop(columns="pop")
        )
    return pd.concat(out, ignore_index=True)


def _drop_empty_outside_lifetime(df: pd.DataFrame) -> pd.DataFrame:
    """LAIT and the looked-after files carry '-'/'z' rows for councils that did not exist that
    year (old Dorset after 2019, Cumberland before 2023): they hold no information."""
    keep = []
    alive: dict[tuple[str, int], set[str]] = {}
    for measure, year, code, value in zip(
        df["measure"], df["year"], df["la_code"], df["value"], strict=True
    ):
        key = (measure, int(year))
        if key not in alive:
            alive[key] = set(councils_on(reference_day(measure, int(year))))
        keep.append(code in alive[key] or not pd.isna(value))
    return df[keep]


def _fill_missing(df: pd.DataFrame) -> pd.DataFrame:
    """Add a null row for every council in operation with no row for a published year."""
    have = set(zip(df["la_code"], df["year"], df["measure"], strict=True))
    extra = []
    for (measure, year), _ in df.groupby(["measure", "year"]):
        for code in councils_on(reference_day(measure, int(year))):
            if (code, year, measure) not in have:
                extra.append(
                    {
                        "la_code": code,
                        "year": int(year),
                        "measure": measure,
                        "value": None,
                        "status": MISSING,
                        "source": "",
                        "note": "",
                        "period": df.loc[
                            (df["measure"] == measure) & (df["year"] == year), "period"
                        ].iloc[0],
                    }
                )
    if not extra:
        return df
    return pd.concat([df, frame(extra, COLUMNS)], ignore_index=True)


def gaps(councils: pd.DataFrame) -> pd.DataFrame:
    """Every council x measure x year without a value, with the reason, plus rows the source
    gives for a council outside its lifetime (kept in the tables, flagged here)."""
    null = councils[councils["value"].isna()]
    out = null[["la_code", "measure", "year", "status"]].rename(columns={"status": "reason"})
    out["detail"] = ""
    alive = []
    for (measure, year), sub in councils.groupby(["measure", "year"]):
        expected = set(councils_on(reference_day(measure, int(year))))
        for code in sorted(set(sub["la_code"]) - expected):
            alive.append(
                {
                    "la_code": code,
                    "measure": measure,
                    "year": int(year),
                    "reason": "outside_council_lifetime",
                    "detail": "source gives a row for a council not in operation then",
                }
            )
    out = pd.concat([out, pd.DataFrame(alive, columns=out.columns)], ignore_index=True)
    return out.sort_values(["la_code", "measure", "year", "reason"], kind="mergesort")


def dictionary(councils: pd.DataFrame) -> pd.DataFrame:
    rows = []
    years = councils.dropna(subset=["value"]).groupby("measure")["year"].agg(["min", "max"])
    for spec in ees.SPECS:
        rows.append(
            (
                spec.measure,
                spec.unit,
                spec.definition,
                sources.label(spec.file),
                PUBLISHERS["ees"],
                spec.time_basis,
            )
        )
    for spec in lait.SPECS:
        label = sources.label(sources.LAIT_NEW)
        note = ""
        if spec.measure.startswith("cla_"):
            note = " (LAIT fills 2015-2018 only; EES from 2019)"
        if spec.old_copy_scale != 1.0:
            note = " (2015-16 from the 2024-11 copy, published in £ thousand, x1000)"
        rows.append(
            (
                spec.measure,
                spec.unit,
                spec.definition + note,
                f"{label}; {sources.label(sources.LAIT_OLD)}",
                PUBLISHERS["lait"],
                spec.time_basis,
            )
        )
    for spec in ro3.SPECS:
        rows.append(
            (
                spec.measure,
                ro3.UNIT,
                spec.definition,
                "; ".join(sources.label(p) for p in sources.RO3.values()),
                PUBLISHERS["ro3"],
                "financial year ending 31 March of `year`, cash",
            )
        )
    for num, rate in RATES.items():
        rows.append(
            (
                rate,
                "per 10,000 aged 0-17",
                f"`{num}` / ONS mid-year population aged 0-17 of the previous calendar "
                "year x 10,000 (DfE convention), 2 dp",
                f"derived from {num} and {sources.label(sources.POPULATION)}",
                PUBLISHERS["derived"],
                "as the numerator",
            )
        )
    for measure, (unit, definition) in imd.MEASURES.items():
        rows.append(
            (
                measure,
                unit,
                definition,
                "; ".join(
                    sources.label(p)
                    for p in (
                        sources.IMD_FILE1,
                        sources.IMD_FILE6,
                        sources.IMD_FILE10,
                        sources.IMD_FILE11,
                    )
                ),
                PUBLISHERS["imd"],
                "IoD2019 (data mostly 2015/16); `geography` = council boundaries of that year",
            )
        )
    df = pd.DataFrame(
        rows, columns=["measure", "unit", "definition", "source_file", "publisher", "time_basis"]
    )
    df = df.drop_duplicates("measure", keep="first")
    df["table"] = df["measure"].map(lambda m: "deprivation" if m in imd.MEASURES else table_for(m))
    df["first_year"] = df["measure"].map(years["min"]).astype("Int64")
    df["last_year"] = df["measure"].map(years["max"]).astype("Int64")
    return df.sort_values(["table", "measure"], kind="mergesort")


def source_dictionary() -> pd.DataFrame:
    rows = [(sid, label) for label, sid in SOURCE_IDS.items()]
    rows.append(("derived", "computed here: numerator / population_0_17 of the previous year"))
    return pd.DataFrame(rows, columns=["source", "file"]).sort_values("source")


def build() -> BuildResult:
    # A missing input would otherwise surface deep inside pandas (KeyError: 'la_code').
    require(*sources.required_files())
    result = BuildResult()
    council_rows: list[dict] = []
    area_rows: list[dict] = []
    for extractor in (ees.extract, lait.extract, ro3.extract):
        c, a, problems = extractor()
        council_rows += c
        area_rows += a
        result.problems += problems
    councils = frame(council_rows, COLUMNS)
    areas = frame(area_rows, AREA_COLUMNS)
    councils["source"] = councils["source"].map(SOURCE_IDS)
    areas["source"] = areas["source"].map(SOURCE_IDS)
    dupes = councils.duplicated(["la_code", "year", "measure"], keep=False)
    if dupes.any():
        sample = councils[dupes].head(3).to_dict("records")
        raise ValueError(f"duplicate council rows: {sample}")
    councils = pd.concat([councils, _derive_rates(councils, ["la_code"])], ignore_index=True)
    areas = pd.concat(
        [areas, _derive_rates(areas, ["level", "area_code", "area_name"])], ignore_index=True
    )
    councils = _fill_missing(_drop_empty_outside_lifetime(councils))[COLUMNS]
    areas = areas[AREA_COLUMNS]
    for table in TABLES:
        sub = councils[councils["measure"].map(table_for) == table]
        result.tables[table] = sub.sort_values(SORT, kind="mergesort")
    result.tables["areas"] = areas.sort_values(AREA_SORT, kind="mergesort")
    deprivation, problems = imd.extract()
    result.problems += problems
    result.tables["deprivation"] = deprivation.sort_values(
        ["measure", "la_code", "geography"], kind="mergesort"
    )
    sn, problems = neighbours.extract()
    result.problems += problems
    result.tables["stat_neighbours"] = sn.sort_values(
        ["model", "la_code", "rank"], kind="mergesort"
    )
    result.tables["gaps"] = gaps(councils)
    result.tables["measures"] = dictionary(councils)
    result.tables["sources"] = source_dictionary()
    return result


def write(result: BuildResult, out_dir: Path | None = None) -> list[Path]:
    out_dir = out_dir or processed_dir() / "context"
    paths = []
    for name, df in sorted(result.tables.items()):
        paths.append(write_csv(df, out_dir / f"{name}.csv", float_format=FLOAT_FORMAT))
    return paths
