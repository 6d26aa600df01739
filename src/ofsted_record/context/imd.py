"""English Indices of Deprivation 2019 re-aggregated onto 2019, 2021 and 2023 councils.

Official method (File 11 'Notes'): an upper-tier *average rank* is the population-weighted
average of its LSOAs' ranks, with LSOAs ranked so the most deprived has rank 32,844; the
*average score* is the population-weighted average of LSOA scores; the *proportion of LSOAs in
the most deprived 10%* counts LSOAs. Councils are then ranked, 1 = most deprived. The
population weights are File 6's denominators (mid-2015, excluding prisoners): total population
for the IMD, dependent children aged 0-15 for IDACI.

What we can rebuild from the files we hold:
- IMD average rank and proportion in the most deprived 10%: exactly, from each LSOA's rank
  and decile (File 1) and population (File 6).
- IMD and IDACI average score, IDACI average rank and proportion: from the district (lower-tier)
  summaries in File 10, weighted by each district's File 6 population (total or 0-15).
  A population-weighted mean of district means weighted by district populations is the
  population-weighted mean over their LSOAs, so this is exact up to File 10's rounding
  (scores to 3 decimals, ranks to 2): at most +/-0.0005 on a score.
LSOA scores (File 5) and IDACI LSOA ranks (File 3) are not among the inputs, so we do not
attempt extent or local concentration. Districts map to councils through ONS mergers
(``ons_uk_topojson_changes.csv``) and the district -> upper-tier lookups.
"""

from __future__ import annotations

import re

import pandas as pd

from ofsted_record.context import sources
from ofsted_record.context.councils import la_code_for_ons
from ofsted_record.context.ees import SourceFormatError

N_LSOA = 32844
VINTAGES = (2019, 2021, 2023)
SLOUGH_TYPO = ("E0600003", "E06000039")  # File 11 'IMD' sheet misprints Slough's code

DEPRIVATION_COLUMNS = ["la_code", "geography", "measure", "value", "status", "method"]

MEASURES: dict[str, tuple[str, str]] = {
    "imd_average_rank": (
        "rank (1-32,844, higher = more deprived)",
        "IMD 2019 population-weighted average of LSOA ranks (most deprived LSOA"
        " = 32,844), weighted by total population",
    ),
    "imd_rank_of_average_rank": (
        "rank among councils (1 = most deprived)",
        "Rank of IMD average rank among the councils of that geography",
    ),
    "imd_average_score": (
        "score",
        "IMD 2019 population-weighted average LSOA score (total population weights)",
    ),
    "imd_rank_of_average_score": (
        "rank among councils (1 = most deprived)",
        "Rank of IMD average score among the councils of that geography",
    ),
    "imd_proportion_most_deprived_10pct": (
        "proportion (0-1)",
        "Share of the council's LSOAs in England's most deprived 10% on the IMD",
    ),
    "idaci_average_rank": (
        "rank (1-32,844, higher = more deprived)",
        "IDACI 2019 average LSOA rank weighted by children aged 0-15",
    ),
    "idaci_average_score": (
        "proportion of children (0-1)",
        "IDACI 2019 average LSOA score (share of children aged 0-15 in"
        " income-deprived families), weighted by children aged 0-15",
    ),
    "idaci_rank_of_average_score": (
        "rank among councils (1 = most deprived)",
        "Rank of IDACI average score among the councils of that geography",
    ),
    "idaci_proportion_most_deprived_10pct": (
        "proportion (0-1)",
        "Share of the council's LSOAs in England's most deprived 10% on IDACI",
    ),
    "population_total_mid2015": (
        "people",
        "File 6 total population mid-2015 excluding prisoners (IMD weights)",
    ),
    "children_0_15_mid2015": (
        "children",
        "File 6 dependent children aged 0-15 mid-2015 excluding prisoners (IDACI weights)",
    ),
    "lsoa_count": ("LSOAs", "Number of 2011 LSOAs in the council"),
}


def _csv(parts: tuple[str, ...]) -> pd.DataFrame:
    path = sources.path(parts)
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", thousands=",")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"{path}: cannot read ({exc})") from exc


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.replace(",", "", regex=False), errors="raise")


def lsoas() -> pd.DataFrame:
    """One row per LSOA: district, IMD rank and decile, total and 0-15 population."""
    f1 = _csv(sources.IMD_FILE1)
    f6 = _csv(sources.IMD_FILE6)
    c1 = list(f1.columns)
    c6 = list(f6.columns)
    try:
        one = pd.DataFrame(
            {
                "lsoa": f1[c1[0]],
                "lad19": f1[c1[2]],
                "imd_rank": _num(f1[c1[4]]),
                "imd_decile": _num(f1[c1[5]]),
            }
        )
        six = pd.DataFrame({"lsoa": f6[c6[0]], "pop": _num(f6[c6[4]]), "children": _num(f6[c6[5]])})
    except (IndexError, ValueError) as exc:
        raise SourceFormatError(f"IMD Files 1/6: unexpected layout ({exc})") from exc
    if "Rank" not in c1[4] or "Total population" not in c6[4] or "0-15" not in c6[5]:
        raise SourceFormatError(f"IMD Files 1/6: unexpected columns {c1[4]!r} {c6[4:6]!r}")
    merged = one.merge(six, on="lsoa", how="outer", validate="1:1", indicator=True)
    if (merged["_merge"] != "both").any():
        raise SourceFormatError("IMD Files 1 and 6 do not list the same LSOAs")
    if len(merged) != N_LSOA:
        raise SourceFormatError(f"IMD File 1: {len(merged)} LSOAs, expected {N_LSOA}")
    return merged.drop(columns="_merge")


def _summary_sheet(parts: tuple[str, ...], sheet: str) -> pd.DataFrame:
    path = sources.path(parts)
    try:
        df = pd.read_excel(path, sheet_name=sheet, engine="calamine")
    except (OSError, ValueError) as exc:
        raise SourceFormatError(f"{path} sheet {sheet}: cannot read ({exc})") from exc
    df.columns = [re.sub(r"\s+", " ", str(c)).strip() for c in df.columns]
    code = df.columns[0]
    df[code] = df[code].astype(str).str.strip()
    bad = df[code] == SLOUGH_TYPO[0]
    if bad.any():
        if not (df.loc[bad, df.columns[1]].str.strip() == "Slough").all():
            raise SourceFormatError(f"{path}: {SLOUGH_TYPO[0]} is not Slough")
        df.loc[bad, code] = SLOUGH_TYPO[1]
    return df.rename(columns={code: "code", df.columns[1]: "name"})


def district_summaries() -> pd.DataFrame:
    """File 10: district IMD and IDACI average scores/ranks/proportions."""
    imd = _summary_sheet(sources.IMD_FILE10, "IMD")
    idaci = _summary_sheet(sources.IMD_FILE10, "IDACI")
    return pd.DataFrame(
        {
            "lad19": imd["code"],
            "imd_average_score": imd["IMD - Average score"],
        }
    ).merge(
        pd.DataFrame(
            {
                "lad19": idaci["code"],
                "idaci_average_rank": idaci["IDACI - Average rank"],
                "idaci_average_score": idaci["IDACI - Average score"],
                "idaci_proportion_most_deprived_10pct": idaci[
                    "IDACI - Proportion of LSOAs in most deprived 10% nationally"
                ],
            }
        ),
        on="lad19",
        validate="1:1",
    )


def file11() -> pd.DataFrame:
    """File 11 upper-tier published IMD and IDACI summaries (Slough's code corrected)."""
    imd = _summary_sheet(sources.IMD_FILE11, "IMD")
    idaci = _summary_sheet(sources.IMD_FILE11, "IDACI")
    out = pd.DataFrame(
        {
            "utla19": imd["code"],
            "name": imd["name"],
            "imd_average_rank": imd["IMD - Average rank"],
            "imd_rank_of_average_rank": imd["IMD - Rank of average rank"],
            "imd_average_score": imd["IMD - Average score"],
            "imd_rank_of_average_score": imd["IMD - Rank of average score"],
            "imd_proportion_most_deprived_10pct": imd[
                "IMD - Proportion of LSOAs in most deprived 10% nationally"
            ],
        }
    ).merge(
        pd.DataFrame(
            {
                "utla19": idaci["code"],
                "idaci_average_rank": idaci["IDACI - Average rank"],
                "idaci_average_score": idaci["IDACI - Average score"],
                "idaci_rank_of_average_score": idaci["IDACI - Rank of average score"],
                "idaci_proportion_most_deprived_10pct": idaci[
                    "IDACI - Proportion of LSOAs in most deprived 10% nationally"
                ],
            }
        ),
        on="utla19",
        validate="1:1",
        how="outer",
    )
    if len(out) != 151:
        raise SourceFormatError(f"{sources.path(sources.IMD_FILE11)}: {len(out)} areas, not 151")
    return out


def district_to_upper(vintage: int) -> dict[str, str]:
    """2019 district code -> upper-tier ONS code of ``vintage``."""
    changes = _csv(sources.GEO_CHANGES)
    mergers = changes[
        (changes["type"] == "merger")
        & changes["oldcd"].str.match(r"E0[6-9]")
        & (changes["start"].astype(int) <= vintage)
    ]
    successor = dict(zip(mergers["oldcd"], mergers["newcd"], strict=True))
    lookup = _csv(sources.LTLA_UTLA[vintage])
    yy = str(vintage)[2:]
    upper = dict(zip(lookup[f"ltla{yy}_code"], lookup[f"utla{yy}_code"], strict=True))
    out: dict[str, str] = {}
    for lad in lsoas()["lad19"].unique():
        code = lad
        while code in successor:
            code = successor[code]
        if code not in upper:
            raise SourceFormatError(
                f"{sources.path(sources.LTLA_UTLA[vintage])}: district {lad} (-> {code}) not found"
            )
        out[lad] = upper[code]
    return out


def _rank_desc(s: pd.Series) -> pd.Series:
    return s.rank(ascending=False, method="min").astype("int64")


def aggregate(vintage: int) -> pd.DataFrame:
    """Wide table: one row per council of ``vintage`` with the measures above."""
    ls = lsoas()
    lad_to_utla = district_to_upper(vintage)
    ls["utla"] = ls["lad19"].map(lad_to_utla)
    ls["w_rank"] = ls["pop"] * (N_LSOA + 1 - ls["imd_rank"])
    ls["top10"] = (ls["imd_decile"] == 1).astype(int)
    lad = (
        ls.groupby("lad19")
        .agg(pop=("pop", "sum"), children=("children", "sum"), n=("lsoa", "size"))
        .reset_index()
    )
    lad = lad.merge(district_summaries(), on="lad19", how="left", validate="1:1")
    if lad[["imd_average_score", "idaci_average_score"]].isna().any().any():
        raise SourceFormatError("IMD File 10 lacks a district present in File 1")
    lad["utla"] = lad["lad19"].map(lad_to_utla)
    lad["w_imd_score"] = lad["pop"] * lad["imd_average_score"]
    lad["w_idaci_score"] = lad["children"] * lad["idaci_average_score"]
    lad["w_idaci_rank"] = lad["children"] * lad["idaci_average_rank"]
    lad["idaci_top10"] = lad["n"] * lad["idaci_proportion_most_deprived_10pct"]

    a = ls.groupby("utla").agg(w_rank=("w_rank", "sum"), top10=("top10", "sum"))
    b = lad.groupby("utla")[
        ["pop", "children", "n", "w_imd_score", "w_idaci_score", "w_idaci_rank", "idaci_top10"]
    ].sum()
    t = a.join(b)
    out = pd.DataFrame(index=t.index)
    out["imd_average_rank"] = t["w_rank"] / t["pop"]
    out["imd_average_score"] = t["w_imd_score"] / t["pop"]
    out["imd_proportion_most_deprived_10pct"] = t["top10"] / t["n"]
    out["idaci_average_rank"] = t["w_idaci_rank"] / t["children"]
    out["idaci_average_score"] = t["w_idaci_score"] / t["children"]
    out["idaci_proportion_most_deprived_10pct"] = (t["idaci_top10"] / t["n"]).round(6)
    out["imd_rank_of_average_rank"] = _rank_desc(out["imd_average_rank"].round(2))
    out["imd_rank_of_average_score"] = _rank_desc(out["imd_average_score"].round(3))
    out["idaci_rank_of_average_score"] = _rank_desc(out["idaci_average_score"].round(3))
    out["population_total_mid2015"] = t["pop"]
    out["children_0_15_mid2015"] = t["children"]
    out["lsoa_count"] = t["n"]
    out = out.reset_index().rename(columns={"utla": "ons_code"})
    out["la_code"] = out["ons_code"].map(la_code_for_ons)
    if out["la_code"].isna().any():
        missing = out.loc[out["la_code"].isna(), "ons_code"].tolist()
        raise SourceFormatError(f"no DfE code for upper-tier areas {missing}")
    return out


PUBLISHED = (
    "imd_average_rank",
    "imd_average_score",
    "imd_proportion_most_deprived_10pct",
    "idaci_average_rank",
    "idaci_average_score",
    "idaci_proportion_most_deprived_10pct",
)


def council_deprivation(vintage: int) -> pd.DataFrame:
    """Councils of ``vintage``: File 11's published figures where the council's area is a 2019
    upper-tier area unchanged (same districts), re-aggregated figures for new councils; ranks
    recomputed among that vintage's councils. Column ``method`` says which."""
    wide = aggregate(vintage)
    now = district_to_upper(vintage)
    then = district_to_upper(2019)
    areas_now = {u: frozenset(d for d, v in now.items() if v == u) for u in set(now.values())}
    areas_then = {frozenset(d for d, v in then.items() if v == u): u for u in set(then.values())}
    pub = file11().set_index("utla19")
    wide["same_as_2019"] = wide["ons_code"].map(lambda u: areas_then.get(areas_now[u]))
    same = wide["same_as_2019"].notna()
    for col in PUBLISHED:
        wide.loc[same, col] = wide.loc[same, "same_as_2019"].map(pub[col]).to_numpy()
    wide["imd_rank_of_average_rank"] = _rank_desc(wide["imd_average_rank"].round(2))
    wide["imd_rank_of_average_score"] = _rank_desc(wide["imd_average_score"].round(3))
    wide["idaci_rank_of_average_score"] = _rank_desc(wide["idaci_average_score"].round(3))
    wide["method"] = same.map({True: "file11", False: "reaggregated"})
    return wide.drop(columns="same_as_2019")


def extract() -> tuple[pd.DataFrame, list[str]]:
    """Long deprivation table for every vintage (council x geography x measure)."""
    frames = []
    problems: list[str] = []
    for vintage in VINTAGES:
        try:
            wide = council_deprivation(vintage)
        except SourceFormatError as exc:
            problems.append(str(exc))
            continue
        long = wide.drop(columns="ons_code").melt(id_vars=["la_code", "method"], var_name="measure")
        long["geography"] = vintage
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=DEPRIVATION_COLUMNS), problems
    df = pd.concat(frames, ignore_index=True)
    df["value"] = df["value"].astype(float)
    score = df["measure"].str.contains("average_score") & ~df["measure"].str.contains("rank_of")
    df.loc[score, "value"] = df.loc[score, "value"].round(3)
    rank = df["measure"].str.endswith("average_rank") & ~df["measure"].str.contains("rank_of")
    df.loc[rank, "value"] = df.loc[rank, "value"].round(2)
    share = df["measure"].str.contains("proportion")
    df.loc[share, "value"] = df.loc[share, "value"].round(4)
    df["status"] = "ok"
    # counts and denominators are always our own sums over LSOAs
    own = df["measure"].isin(["population_total_mid2015", "children_0_15_mid2015", "lsoa_count"])
    df.loc[own, "method"] = "lsoa sums (Files 1 and 6)"
    ranked = df["measure"].str.contains("rank_of")
    df.loc[ranked, "method"] = "ranked among the councils of this geography"
    return df[DEPRIVATION_COLUMNS], problems
