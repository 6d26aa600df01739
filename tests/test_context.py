"""Context measures: reconciliation with published totals, IMD re-aggregation, gaps,
suppression markers, golden values checked by hand in the raw files, determinism."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ofsted_record.context import build, ees, imd, sources
from ofsted_record.context.councils import councils, councils_on
from ofsted_record.context.markers import UnknownMarkerError, parse_cell
from ofsted_record.context.warehouse import load_into

COUNCIL_TABLES = ("demand", "workforce", "spending", "population")


@pytest.fixture(scope="module")
def result(shared_data: Path) -> build.BuildResult:
    return build.build()


@pytest.fixture(scope="module")
def council_rows(result) -> pd.DataFrame:
    return pd.concat([result.tables[t] for t in COUNCIL_TABLES], ignore_index=True)


def _value(rows: pd.DataFrame, la_code: str, measure: str, year: int) -> pd.Series:
    hit = rows[(rows.la_code == la_code) & (rows.measure == measure) & (rows.year == year)]
    assert len(hit) == 1, (la_code, measure, year, len(hit))
    return hit.iloc[0]


def test_build_reports_no_problems(result):
    assert result.problems == []


# --- markers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("c", "suppressed"),
        ("z", "not_applicable"),
        ("x", "not_available"),
        ("-", "nil_or_not_applicable"),
        (":", "not_available"),
        ("..", "not_available"),
        ("u", "low_reliability"),
        ("low", "below_half"),
        ("[x]", "not_received"),
        ("[z]", "not_collected"),
    ],
)
def test_markers_become_null_with_reason(raw, status):
    assert parse_cell(raw) == (None, status)


def test_numbers_parse_and_unknown_text_is_an_error():
    assert parse_cell("1,296") == (1296.0, "ok")
    assert parse_cell(0) == (0.0, "ok")
    with pytest.raises(UnknownMarkerError, match="'n/a'"):
        parse_cell("n/a")


# --- golden values, checked by hand in the raw files ------------------------------------------


def test_golden_suppressed_cell(council_rows):
    # ees/b1_children_in_need_2013_to_2025.csv line 455: 2023 Isles of Scilly, At31_episodes 'c'
    row = _value(council_rows, "420", "cin_at31", 2023)
    assert pd.isna(row.value) and row.status == "suppressed"
    # same line: Anypoint_child = 23
    assert _value(council_rows, "420", "cin_any_point", 2023).value == 23


def test_golden_birmingham_2025(council_rows):
    # b1 line 75: At31_episodes 9301; c1 line 75: referral_count 16324; d5 line 75: CPP_At31 1677
    assert _value(council_rows, "330", "cin_at31", 2025).value == 9301
    assert _value(council_rows, "330", "referrals", 2025).value == 16324
    assert _value(council_rows, "330", "cpp_at31", 2025).value == 1677
    # cla_number_and_rate_per_10k_children.csv line 240: 2317 looked after, rate 79, pop 292,859
    # (= ons_mid-year_population_estimates line 75, mid-2024): 2317 / 292859 * 10000 = 79.12
    assert _value(council_rows, "330", "cla_at31", 2025).value == 2317
    assert _value(council_rows, "330", "cla_at31_rate", 2025).value == pytest.approx(79.12)
    assert _value(council_rows, "330", "population_0_17", 2024).value == 292859


def test_golden_joint_workforce_row_written_to_both_councils(council_rows):
    # csww_indicators_2017_to_2025.csv line 160: '314 / 318' Kingston/Richmond, agency_rate_fte 14.9
    for code in ("314", "318"):
        row = _value(council_rows, code, "sw_agency_rate", 2025)
        assert row.value == 14.9
        assert "joint service" in row.note and "314 / 318" in row.note


def test_golden_spending_units(council_rows):
    # LAIT bds_long_0.parquet: C&YPExpenditure Birmingham 2024-25 (OT) = 370903389 (in £)
    assert _value(council_rows, "330", "spend_cyp_gross", 2025).value == 370903389
    # the 2024-11 copy gives 2015-16 in £ thousand: 234414.501 -> £234,414,501
    row = _value(council_rows, "330", "spend_cyp_gross", 2016)
    assert row.value == pytest.approx(234414501) and row.source == "lait_2024_11"


# --- reconciliation with published England / regional rows --------------------------------------


def _council_sum(rows, measure, year, region=None, withheld=frozenset()):
    sub = rows[(rows.measure == measure) & (rows.year == year)]
    if region:
        in_region = {c.la_code for c in councils() if c.region_code == region}
        sub = sub[sub.la_code.isin(in_region)]
    # a joint workforce return is written against both councils: count it once
    sub = sub[~(sub.note.str.contains("joint service") & sub.la_code.isin(["318", "941"]))]
    # only the named councils may be withheld (suppressed small counts, documented exclusions)
    assert set(sub[sub.value.isna()].la_code) == set(withheld), f"{measure} {year}"
    return sub.value.sum()


def _published(areas, measure, year, area_code="E92000001"):
    hit = areas[(areas.measure == measure) & (areas.year == year) & (areas.area_code == area_code)]
    assert len(hit) == 1
    return hit.iloc[0].value


@pytest.mark.parametrize(
    ("measure", "year", "tolerance", "withheld"),
    [
        ("cin_at31", 2025, 10, ()),
        ("cin_at31", 2019, 10, ()),
        ("referrals", 2019, 10, ()),
        # City of London and Isles of Scilly suppressed ('c') in d5 2018
        ("cpp_at31", 2018, 10, ("201", "420")),
        ("cla_at31", 2023, 10, ("420",)),
        ("cla_at31", 2016, 10, ()),
        ("population_0_17", 2024, 0, ()),
        ("sw_fte", 2024, 1.0, ()),
        # LAIT dictionary: Wandsworth and Middlesbrough 2024-25 removed from the aggregates
        ("spend_cyp_gross", 2025, 10, ("212", "806")),
    ],
)
def test_england_total_equals_sum_of_councils(
    result, council_rows, measure, year, tolerance, withheld
):
    # national counts are rounded to the nearest 10; council counts are not
    total = _council_sum(council_rows, measure, year, withheld=withheld)
    assert abs(total - _published(result.tables["areas"], measure, year)) <= tolerance


@pytest.mark.parametrize(
    ("measure", "year", "region"),
    [
        ("cin_at31", 2025, "E12000001"),
        ("cpp_at31", 2024, "E12000009"),
        ("referrals", 2022, "E12000004"),
        ("population_0_17", 2023, "E12000002"),
    ],
)
def test_regional_total_equals_sum_of_councils(result, council_rows, measure, year, region):
    total = _council_sum(council_rows, measure, year, region)
    assert abs(total - _published(result.tables["areas"], measure, year, region)) <= 10


def test_lait_2017_18_england_figure_differs_from_its_councils(result, council_rows):
    # The current LAIT copy's England C&YPExpenditure for 2017-18 is 9,419,007,972; its
    # councils add to the 2024-11 copy's England figure, 9,359,007.972 thousand.
    total = _council_sum(council_rows, "spend_cyp_gross", 2018)
    assert total == pytest.approx(9_359_007_972, abs=10)
    assert _published(result.tables["areas"], "spend_cyp_gross", 2018) == 9_419_007_972


def test_derived_cla_rate_matches_published_rounding(result):
    # DfE divides by the previous year's mid-year estimate: our rate rounds to theirs (2019-25)
    d = result.tables["demand"]
    wide = d[d.year >= 2019].pivot_table(
        index=["la_code", "year"], columns="measure", values="value"
    )
    both = wide[["cla_at31_rate", "cla_at31_rate_published"]].dropna()
    assert len(both) > 1000
    assert ((both.cla_at31_rate - both.cla_at31_rate_published).abs() <= 0.5).all()


# --- completeness and gaps --------------------------------------------------------------


def test_every_council_has_a_row_for_every_published_year(council_rows):
    for (measure, year), sub in council_rows.groupby(["measure", "year"]):
        day = build.reference_day(measure, int(year))
        missing = set(councils_on(day)) - set(sub.la_code)
        assert not missing, (measure, year, sorted(missing))


def test_every_null_is_listed_in_gaps(result, council_rows):
    gaps = result.tables["gaps"]
    null = council_rows[council_rows.value.isna()]
    keys = set(zip(gaps.la_code, gaps.measure, gaps.year, gaps.reason, strict=True))
    assert len(null) > 100
    for row in null.itertuples():
        assert (row.la_code, row.measure, row.year, row.status) in keys


def test_new_councils_only_within_their_lifetime(council_rows):
    cumberland = council_rows[(council_rows.la_code == "942") & council_rows.value.notna()]
    assert cumberland.year.min() >= 2023
    assert set(
        council_rows[(council_rows.measure == "cin_at31")].query("la_code == '909'").year
    ) == set(range(2013, 2024))


# --- deprivation ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def file11(shared_data) -> pd.DataFrame:
    return imd.file11().set_index("utla19")


def test_slough_code_corrected(file11):
    assert file11.loc["E06000039", "name"] == "Slough"
    assert "E0600003" not in file11.index


def test_reaggregation_reproduces_file11(file11):
    ours = imd.aggregate(2019).set_index("ons_code").loc[file11.index]
    # ranks of the average score: identical for all 151 upper-tier areas
    assert (ours.imd_rank_of_average_score == file11.imd_rank_of_average_score).all()
    assert (ours.imd_rank_of_average_rank == file11.imd_rank_of_average_rank).all()
    # scores to 3 dp, within one unit of File 10's 3-dp rounding
    assert (ours.imd_average_score - file11.imd_average_score).abs().max() <= 0.001
    assert (ours.idaci_average_score - file11.idaci_average_score).abs().max() <= 0.001
    assert (ours.imd_average_score.round(3) == file11.imd_average_score).mean() > 0.95
    # weighting IDACI by total population instead of children 0-15 would be visibly wrong
    assert (
        ours.imd_proportion_most_deprived_10pct - file11.imd_proportion_most_deprived_10pct
    ).abs().max() < 0.0001


def test_unchanged_councils_carry_file11_and_new_councils_add_up(result, file11):
    dep = result.tables["deprivation"]
    d23 = dep[dep.geography == 2023].pivot_table(index="la_code", columns="measure", values="value")
    # Hartlepool (805, E06000001) unchanged: File 11 IMD average score 35.037
    assert d23.loc["805", "imd_average_score"] == 35.037
    # North + West Northamptonshire, population-weighted, give old Northamptonshire's score
    nn, wn = d23.loc["940"], d23.loc["941"]
    pop = nn.population_total_mid2015 + wn.population_total_mid2015
    combined = (
        nn.imd_average_score * nn.population_total_mid2015
        + wn.imd_average_score * wn.population_total_mid2015
    ) / pop
    assert combined == pytest.approx(file11.loc["E10000021", "imd_average_score"], abs=0.001)
    kids = nn.children_0_15_mid2015 + wn.children_0_15_mid2015
    idaci = (
        nn.idaci_average_score * nn.children_0_15_mid2015
        + wn.idaci_average_score * wn.children_0_15_mid2015
    ) / kids
    assert idaci == pytest.approx(file11.loc["E10000021", "idaci_average_score"], abs=0.001)
    assert len(d23) == 153 and d23.imd_rank_of_average_score.max() <= 153


# --- neighbours, bad input, determinism, warehouse ----------------------------------------------


def test_stat_neighbours_ten_each(result):
    sn = result.tables["stat_neighbours"]
    assert (sn.groupby(["model", "la_code"]).size() == 10).all()
    # sn_model_2025_wide.csv row 2: Barnet (302) first neighbour 320, 'Close'
    first = sn[(sn.model == 2025) & (sn.la_code == "302") & (sn["rank"] == 1)].iloc[0]
    assert first.neighbour_la_code == "320" and first.closeness == "close"


def test_bad_file_named_and_run_continues(shared_data, tmp_path, monkeypatch):
    broken = tmp_path / "broken.csv"
    broken.write_text("not,an,export\n1,2,3\n")
    real = sources.path
    monkeypatch.setattr(sources, "path", lambda p: broken if p == sources.CIN else real(p))
    rows, _, problems = ees.extract(
        tuple(s for s in ees.SPECS if s.file in (sources.CIN, sources.REFERRALS))
    )
    assert any(str(broken) in p and "not an EES export" in p for p in problems)
    assert {r["measure"] for r in rows} == {"referrals", "rereferral_percent"}


def test_unknown_marker_names_file_and_cell(shared_data, tmp_path, monkeypatch):
    src = sources.path(sources.CPP_AT31)
    bad = tmp_path / "d5.csv"
    bad.write_text(src.read_text().replace(",1677,", ",??,", 1))
    monkeypatch.setattr(sources, "path", lambda p: bad if p == sources.CPP_AT31 else src)
    _, _, problems = ees.extract(tuple(s for s in ees.SPECS if s.file == sources.CPP_AT31))
    assert any(str(bad) in p and "'??'" in p and "Birmingham" in p for p in problems)


def test_rebuild_is_byte_identical(result, tmp_path):
    first = build.write(result, tmp_path / "a")
    second = build.write(build.build(), tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_committed_tables_small():
    out = build.processed_dir() / "context"
    if not out.exists():
        pytest.skip("context tables not built")
    assert sum(p.stat().st_size for p in out.glob("*.csv")) < 6_000_000


def test_load_into_warehouse(result, tmp_path):
    paths = build.write(result, tmp_path / "ctx")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    tables = load_into(con, tmp_path / "ctx")
    assert all(t.startswith("context_") for t in tables)
    n = con.execute("select count(*) from context_measures").fetchone()[0]
    assert n == sum(len(result.tables[t]) for t in COUNCIL_TABLES)
    code = con.execute("select la_code from context_measures where la_code = '201' limit 1")
    assert code.fetchone()[0] == "201"
    assert len(paths) == len(result.tables)


def test_load_into_missing_dir_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="ofsted-record context"):
        load_into(duckdb.connect(), tmp_path)


def test_reference_days():
    assert build.reference_day("sw_fte", 2020) == dt.date(2020, 9, 30)
    assert build.reference_day("cin_at31", 2020) == dt.date(2020, 3, 31)
