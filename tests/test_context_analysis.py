"""Analyses of grades beside context measures, on the real processed tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ofsted_record.context import analysis as A
from ofsted_record.context import build


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> dict[str, pd.DataFrame]:
    return build.build().tables


@pytest.fixture(scope="module")
def measures(tables) -> pd.DataFrame:
    return pd.concat([tables[t] for t in ("demand", "workforce")], ignore_index=True)


def test_attach_measure_uses_latest_value_before_the_judgement(measures):
    j = pd.DataFrame(
        {
            "la_code": ["330", "330", "330"],
            "date": ["2020-01-15", "2025-04-01", "2012-01-01"],
            "grade": ["inadequate", "good", "good"],
        }
    )
    out = A.attach_measure(j, measures, "cin_at31").set_index("date")
    # 15 Jan 2020 is before 31 March 2020: the 2019 figure, not 2020's
    assert out.loc[pd.Timestamp("2020-01-15").date(), "measure_year"] == 2019
    assert out.loc[pd.Timestamp("2025-04-01").date(), "value"] == 9301  # b1 line 75
    assert len(out) == 2  # 2012 precedes the first published year: dropped, not guessed


def test_attach_measure_rejects_bad_input(measures):
    with pytest.raises(ValueError, match="grade"):
        A.attach_measure(
            pd.DataFrame({"la_code": ["330"], "date": ["2020-01-01"]}), measures, "cin_at31"
        )


def test_spearman_ci_matches_scipy_and_brackets_rho():
    rng = np.random.default_rng(7)
    x = rng.integers(1, 5, 120)
    y = x * 2.0 + rng.normal(0, 2, 120)
    res = A.spearman_with_ci(x, y)
    assert res["rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert res["ci_low"] < res["rho"] < res["ci_high"]
    small = A.spearman_with_ci(x[:30], y[:30])
    assert (small["ci_high"] - small["ci_low"]) > (res["ci_high"] - res["ci_low"])
    assert np.isnan(A.spearman_with_ci([1, 2], [3, 4])["rho"])


def test_grade_correlation_and_distribution(measures):
    # synthetic grades on real councils: worse grade where looked-after rate is higher
    m = measures[(measures.measure == "cla_at31_rate") & (measures.year == 2024)].dropna(
        subset=["value"]
    )
    cut = m.value.quantile([0.25, 0.5, 0.75]).to_numpy()
    grade = np.select(
        [m.value <= cut[0], m.value <= cut[1], m.value <= cut[2]],
        ["outstanding", "good", "requires_improvement"],
        "inadequate",
    )
    j = pd.DataFrame({"la_code": m.la_code, "date": "2024-06-01", "grade": grade})
    joined = A.attach_measure(j, measures, "cla_at31_rate")
    corr = A.grade_correlation(joined).iloc[0]
    assert corr.rho > 0.9 and corr.n == len(m) and corr.ci_low > 0.8
    dist = A.distribution_by_grade(joined)
    assert list(dist.grade) == ["outstanding", "good", "requires_improvement", "inadequate"]
    assert dist["median"].is_monotonic_increasing


def test_national_demand_trend(tables):
    trend = A.national_demand_trend(tables["areas"])
    row = trend.set_index("year").loc[2025]
    # b1 national 2025 At31_episodes 402,400; 2013 378,030 -> +24,370
    assert row.cin_at31 == 402400 and row.cin_at31_change == 24370
    assert row.cin_at31_rate == pytest.approx(330.30, abs=0.01)  # DfE publishes 330.3
    change = A.demand_change(trend).set_index("measure")
    assert change.loc["cla_at31", "first_year"] == 2015
    assert change["change"].sum() > 40000  # tens of thousands more children


def test_compare_with_neighbours(tables, measures):
    out = A.compare_with_neighbours(
        measures, tables["stat_neighbours"], "330", "cla_at31_rate", 2025
    )
    assert list(out.role[:2]) == ["council", "neighbour 1"]
    assert len(out) == 12 and out.iloc[0].value == pytest.approx(79.12)
    assert out.iloc[-1].value == pytest.approx(out.iloc[1:11].value.median())
    with pytest.raises(ValueError, match="no 2025 statistical neighbours"):
        A.compare_with_neighbours(measures, tables["stat_neighbours"], "999", "cin_at31", 2025)
