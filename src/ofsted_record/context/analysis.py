"""Analyses of Ofsted grades beside the context measures (DataFrame in -> DataFrame out).

Caveats that travel with every result:
- Association is not cause. A correlation between grades and, say, agency staffing says
  nothing about which drives which, and both may follow deprivation or funding.
- Joint services share figures: Kingston upon Thames / Richmond upon Thames (314 / 318) and
  North / West Northamptonshire (940 / 941) publish one social work workforce return, so the
  two councils carry the same agency, turnover, vacancy and caseload figures; they are not
  independent observations.
- Money is cash, not real terms.
- Counts are as published; suppressed or missing values are left out of each calculation
  (``n`` says how many observations remain).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ofsted_record.context.tidy import reference_day

# higher = worse, so a positive correlation means "higher measure, worse grade"
GRADE_ORDER = {
    "outstanding": 1,
    "good": 2,
    "requires_improvement": 3,
    "adequate": 3,
    "inadequate": 4,
}
DEMAND = ("cin_at31", "cpp_at31", "cla_at31")


def attach_measure(judgements: pd.DataFrame, measures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Each judgement with the council's latest published value of ``measure`` dated on or
    before the judgement date (no peeking at later years).

    ``judgements``: columns ``la_code, date, grade``; ``measures``: the long council table
    (``la_code, year, measure, value``). Judgements whose grade is not on the four-point scale
    or with no earlier value are dropped; the result keeps ``measure_year``.
    """
    need = {"la_code", "date", "grade"}
    if missing := need - set(judgements.columns):
        raise ValueError(f"judgements lack columns {sorted(missing)}")
    j = judgements[list(need)].copy()
    j["la_code"] = j["la_code"].astype(str)
    j["date"] = pd.to_datetime(j["date"]).dt.date
    j["grade_rank"] = j["grade"].map(GRADE_ORDER)
    j = j.dropna(subset=["grade_rank"])
    m = measures[(measures["measure"] == measure) & measures["value"].notna()]
    m = m[["la_code", "year", "value"]].astype({"la_code": str, "year": int})
    m["as_of"] = [reference_day(measure, y) for y in m["year"]]
    j = j.sort_values("date", kind="mergesort")
    m = m.sort_values("as_of", kind="mergesort")
    j["date_ts"] = pd.to_datetime(j["date"])
    m["as_of_ts"] = pd.to_datetime(m["as_of"])
    out = pd.merge_asof(
        j, m, left_on="date_ts", right_on="as_of_ts", by="la_code", direction="backward"
    )
    out = out.dropna(subset=["value"]).rename(columns={"year": "measure_year"})
    out["measure"] = measure
    return out[["la_code", "date", "grade", "grade_rank", "measure", "measure_year", "value"]]


def distribution_by_grade(joined: pd.DataFrame) -> pd.DataFrame:
    """n, mean, median and quartiles of the measure for each grade."""
    g = joined.groupby(["grade_rank", "grade"])["value"]
    out = g.agg(
        n="size",
        mean="mean",
        median="median",
        q1=lambda s: s.quantile(0.25),
        q3=lambda s: s.quantile(0.75),
    ).reset_index()
    return out.sort_values("grade_rank", kind="mergesort").reset_index(drop=True)


def spearman_with_ci(x, y, confidence: float = 0.95) -> dict[str, float]:
    """Spearman's rho with a Fisher-z confidence interval (Bonett-Wright standard error
    sqrt((1 + rho^2 / 2) / (n - 3))), deterministic; p-value from scipy."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if n < 4:
        return {
            "rho": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "p_value": math.nan,
            "n": n,
        }
    res = stats.spearmanr(x, y)
    rho = float(res.statistic)
    z = math.atanh(max(min(rho, 0.999999), -0.999999))
    se = math.sqrt((1 + rho**2 / 2) / (n - 3))
    crit = stats.norm.ppf(0.5 + confidence / 2)
    return {
        "rho": rho,
        "ci_low": math.tanh(z - crit * se),
        "ci_high": math.tanh(z + crit * se),
        "p_value": float(res.pvalue),
        "n": n,
    }


def grade_correlation(joined: pd.DataFrame) -> pd.DataFrame:
    """One row: Spearman rho between grade (1 outstanding .. 4 inadequate) and the measure.

    Positive rho: higher values go with worse grades. Association, not cause; repeated
    inspections of one council are not independent, so the interval is optimistic.
    """
    res = spearman_with_ci(joined["grade_rank"], joined["value"])
    measure = joined["measure"].iloc[0] if len(joined) else ""
    return pd.DataFrame(
        [
            {
                "measure": measure,
                **res,
                "councils": joined["la_code"].nunique(),
                "method": "spearman, fisher-z 95% CI (Bonett-Wright se)",
            }
        ]
    )


def grades_against_measures(
    judgements: pd.DataFrame, measures: pd.DataFrame, names: list[str]
) -> pd.DataFrame:
    """:func:`grade_correlation` for several measures, one row each."""
    rows = [grade_correlation(attach_measure(judgements, measures, name)) for name in names]
    return pd.concat(rows, ignore_index=True)


def national_demand_trend(areas: pd.DataFrame, first: int = 2013, last: int = 2025) -> pd.DataFrame:
    """England children in need, on child protection plans and looked after at 31 March,
    counts and rates per 10,000, with the change since the first year each is available."""
    nat = areas[
        (areas["level"] == "national")
        & areas["measure"].isin([*DEMAND, *(f"{m}_rate" for m in DEMAND)])
        & areas["year"].between(first, last)
    ]
    wide = nat.pivot_table(index="year", columns="measure", values="value", aggfunc="first")
    wide = wide.reindex(columns=[c for m in DEMAND for c in (m, f"{m}_rate")])
    for m in DEMAND:
        base = wide[m].dropna()
        wide[f"{m}_change"] = wide[m] - (base.iloc[0] if len(base) else math.nan)
    return wide.reset_index()


def demand_change(trend: pd.DataFrame) -> pd.DataFrame:
    """First and last year of each demand count and the difference (e.g. 'tens of thousands
    more children')."""
    rows = []
    for m in DEMAND:
        s = trend.set_index("year")[m].dropna()
        if len(s):
            rows.append(
                {
                    "measure": m,
                    "first_year": int(s.index[0]),
                    "first": s.iloc[0],
                    "last_year": int(s.index[-1]),
                    "last": s.iloc[-1],
                    "change": s.iloc[-1] - s.iloc[0],
                    "change_pct": (s.iloc[-1] / s.iloc[0] - 1) * 100,
                }
            )
    return pd.DataFrame(rows)


def compare_with_neighbours(
    measures: pd.DataFrame,
    neighbours: pd.DataFrame,
    la_code: str,
    measure: str,
    year: int,
    model: int = 2025,
) -> pd.DataFrame:
    """The council and its DfE statistical neighbours on one measure and year, ranked
    (1 = highest value), with the neighbours' median in a final row."""
    group = neighbours[
        (neighbours["model"].astype(int) == model)
        & (neighbours["la_code"].astype(str) == str(la_code))
    ]
    if group.empty:
        raise ValueError(f"no {model} statistical neighbours for {la_code}")
    codes = [str(la_code), *group.sort_values("rank")["neighbour_la_code"].astype(str)]
    role = ["council"] + [f"neighbour {r}" for r in sorted(group["rank"].astype(int))]
    vals = measures[(measures["measure"] == measure) & (measures["year"].astype(int) == year)]
    vals = vals.assign(la_code=vals["la_code"].astype(str)).set_index("la_code")
    out = pd.DataFrame({"la_code": codes, "role": role})
    out["value"] = out["la_code"].map(vals["value"])
    out["status"] = out["la_code"].map(vals["status"]).fillna("missing_in_source")
    out["rank_in_group"] = out["value"].rank(ascending=False, method="min").astype("Int64")
    median = out.loc[out["role"] != "council", "value"].median()
    summary = pd.DataFrame(
        [
            {
                "la_code": "",
                "role": "neighbour median",
                "value": median,
                "status": "derived",
                "rank_in_group": pd.NA,
            }
        ]
    )
    return pd.concat([out, summary], ignore_index=True).assign(measure=measure, year=year)


def per_child(
    measures: pd.DataFrame, spend: str, population: str = "population_0_17"
) -> pd.DataFrame:
    """``spend`` divided by the council's children aged 0-17 in the same year (long table in,
    long table out, measure ``{spend}_per_child``); years without both figures are left out."""
    cols = ["la_code", "year", "value"]
    s = measures.loc[(measures["measure"] == spend) & measures["value"].notna(), cols]
    p = measures.loc[(measures["measure"] == population) & (measures["value"] > 0), cols]
    out = s.merge(p, on=["la_code", "year"], suffixes=("_spend", "_children"))
    out["value"] = out["value_spend"] / out["value_children"]
    out["measure"] = f"{spend}_per_child"
    return out[["la_code", "year", "measure", "value"]].reset_index(drop=True)


def relative_to_year_median(measures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Each council's value as a multiple of the median council's in the same year (measure
    ``{measure}_relative``). Cash spending rose every year while grades improved, so raw cash
    would mostly measure the passage of time; this compares councils with their own year."""
    m = measures.loc[(measures["measure"] == measure) & measures["value"].notna()].copy()
    m["value"] = m["value"] / m.groupby("year")["value"].transform("median")
    m["measure"] = f"{measure}_relative"
    return m[["la_code", "year", "measure", "value"]].reset_index(drop=True)
