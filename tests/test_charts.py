"""Charts: palette safety, the warehouse Kaplan-Meier on a textbook example, the chart data
functions (thin reshapes of the warehouse's macros and views) checked against the warehouse,
the source reports and Ofsted's own 31 March 2023 table, and every published chart valid,
titled, sourced and described with numbers that match its data.

Data: the real warehouse (``warehouse_path`` fixture; ``make test`` builds it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest

from ofsted_record.charts import colour, queries
from ofsted_record.charts.catalogue import CATALOGUE
from ofsted_record.charts.common import ChartDataError
from ofsted_record.charts.context import context_chart, grade_summary
from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_ORDER
from ofsted_record.charts.survival import (
    kaplan_meier,
    median_time,
    survival_chart,
    with_standard_error,
)
from ofsted_record.charts.transitions import transitions_chart
from ofsted_record.official.latest import latest_overall_2023
from ofsted_record.official.sheet import OfficialSheetError
from ofsted_record.warehouse import queries as wq

SCHEMA = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
MARCH_2023 = dt.date(2023, 3, 31)


@pytest.fixture(scope="module")
def built(con):
    """slug → (frame, spec dict) for every published chart."""
    out = {}
    for entry in CATALOGUE:
        frame, chart = entry.build(con)
        out[entry.slug] = (frame, chart.to_dict(validate=True))
    return out


# --- colour science and palette -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005) test data, pairs 1, 4, 7 and 34
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_published_test_data(lab1, lab2, expected):
    assert colour.delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_cvd_simulation_collapses_red_and_green_for_deuteranopes():
    # The check must be able to fail: a red/green pair that normal vision separates well
    # becomes hard to tell apart under deuteranopia and protanopia.
    red, green = "#d62728", "#2ca02c"
    assert colour.cvd_distance(red, green) > 60
    assert colour.cvd_distance(red, green, "deuteranopia") < 20
    assert colour.cvd_distance(red, green, "protanopia") < 25


@pytest.mark.parametrize("deficiency", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_grade_colours_stay_distinct_under_colour_blindness(deficiency):
    for a, b in itertools.combinations(GRADE_ORDER, 2):
        distance = colour.cvd_distance(GRADE_COLOURS[a], GRADE_COLOURS[b], deficiency)
        assert distance >= 20, f"{a}/{b} only {distance:.1f} apart ({deficiency})"


def test_grade_colours_differ_in_lightness_and_avoid_green():
    lightness = {g: colour.hex_to_lab(GRADE_COLOURS[g])[0] for g in GRADE_COLOURS}
    for a, b in itertools.combinations(GRADE_ORDER, 2):
        assert abs(lightness[a] - lightness[b]) >= 10, (a, b)
    for grade, hex_ in GRADE_COLOURS.items():
        _, a_star, b_star = colour.hex_to_lab(hex_)
        assert not (a_star < -15 and b_star > 0), f"{grade} is greenish"
    # Outstanding and inadequate (the ends) are dark enough for 3:1 against white.
    for grade in ("outstanding", "inadequate"):
        assert colour.contrast_ratio(GRADE_COLOURS[grade], "#ffffff") >= 3


# --- Kaplan-Meier (the warehouse's estimator) ---------------------------------------------

# Freireich et al. (1963) 6-MP arm, as tabulated by Kleinbaum & Klein, Survival Analysis, ch. 2.
SIX_MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
SIX_MP_SURVIVAL = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378}
SIX_MP_SURVIVAL[23] = 0.4482


def test_warehouse_kaplan_meier_matches_textbook_example():
    spells = pd.DataFrame({"days": SIX_MP_WEEKS, "censored": [e == 0 for e in SIX_MP_RELAPSED]})
    curve = with_standard_error(wq.kaplan_meier(spells)).set_index("days")
    for week, s in SIX_MP_SURVIVAL.items():
        assert curve.loc[week, "still_inadequate"] == pytest.approx(s, abs=1e-4)
    # Greenwood SE at 6 weeks (Kleinbaum & Klein: 0.0764), computed in the chart layer.
    assert curve.loc[6, "se"] == pytest.approx(0.0764, abs=1e-3)
    assert curve.loc[6, "at_risk"] == 21 and curve.loc[6, "left"] == 3
    assert (curve["lower"] <= curve["still_inadequate"]).all()
    assert (curve["upper"] >= curve["still_inadequate"]).all()
    # No relapse after 23 weeks: the median (first S <= 0.5) is 23 weeks.
    assert median_time(curve.reset_index()) == 23


def test_plain_kaplan_meier_wrapper_runs_the_warehouse_estimator_to_the_last_follow_up():
    curve = kaplan_meier(SIX_MP_WEEKS, SIX_MP_RELAPSED)
    # The last relapse is at 23 weeks; the censored follow-up runs to 35 weeks (1 at risk).
    assert curve["days"].iloc[-1] == 35 and curve["at_risk"].iloc[-1] == 1
    assert curve["still_inadequate"].iloc[-1] == pytest.approx(0.4482, abs=1e-4)
    with pytest.raises(ValueError, match="events 0 or 1"):
        kaplan_meier([1, 2], [1, 2])
    with pytest.raises(ValueError, match="non-empty"):
        kaplan_meier([], [])


# --- Ofsted's own position on 31 March 2023 -------------------------------------------------


def test_ofsted_latest_position_2023_sheet_totals(shared_data):
    # Sheet LA_level_at_31_Mar_2023: 152 councils, 65 good, 48 requires improvement,
    # 25 outstanding, 14 inadequate; row 119 South Tyneside 'Inadequate', row 6 Barnet 'Good'.
    ofsted = latest_overall_2023()
    assert len(ofsted) == 152 and ofsted["la_code"].is_unique
    counts = ofsted["grade"].value_counts().to_dict()
    assert counts == {"good": 65, "requires_improvement": 48, "outstanding": 25, "inadequate": 14}
    by_code = ofsted.set_index("la_code")
    assert by_code.loc["393", ["council", "grade"]].tolist() == ["South Tyneside", "inadequate"]
    assert by_code.loc["302", ["council", "grade"]].tolist() == ["Barnet", "good"]


# Councils where the warehouse's `published_within_month` standing on 31 March 2023 differs
# from Ofsted's table, with the reason (la_code → (ours, Ofsted's)).
KNOWN_DIFFERENCES_2023 = {
    # South Tyneside: ILACS short visit 5-9 December 2022 (and 14-15 February 2023),
    # published 10 May 2023, more than a month after 31 March, so the rule still shows the
    # 2017 SIF 'good'; Ofsted's table, compiled later, already counts the inadequate report.
    "393": ("good", "inadequate"),
}


def test_standing_on_31_march_2023_agrees_with_ofsted_council_by_council(con, shared_data):
    ofsted = latest_overall_2023().set_index("la_code")["grade"]
    ours = wq.standing(con, MARCH_2023, "published_within_month", "overall_effectiveness")
    ours = ours.set_index("la_code")
    assert set(ours.index) == set(ofsted.index), "the same 152 councils existed"
    assert (ours["status"] == "graded").all()
    differ = {
        code: (ours.loc[code, "grade"], ofsted[code])
        for code in sorted(ofsted.index)
        if ours.loc[code, "grade"] != ofsted[code]
    }
    assert differ == KNOWN_DIFFERENCES_2023
    # The reason holds in the warehouse: the report was published on 10 May 2023 ...
    south_tyneside = wq.standing(con, dt.date(2023, 5, 10), "ended_by").set_index("la_code")
    assert south_tyneside.loc["393", "grade"] == "inadequate"
    assert str(south_tyneside.loc["393", "published_date"])[:10] == "2023-05-10"
    # ... and the chart functions, which take the same rule, agree with Ofsted everywhere else.
    chart = queries.status_on(con, [MARCH_2023], "published_within_month").set_index("la_code")
    assert (chart["grade"] == ours["grade"].reindex(chart.index)).all()


def test_latest_position_reader_names_the_file_on_bad_input(tmp_path):
    bad = tmp_path / "broken.ods"
    bad.write_bytes(b"not a spreadsheet")
    with pytest.raises(OfficialSheetError, match="broken.ods"):
        latest_overall_2023(bad)
    with pytest.raises(OfficialSheetError, match="missing.ods: file not found"):
        latest_overall_2023(tmp_path / "missing.ods")


# --- the chart data functions against the warehouse -----------------------------------------


def test_status_maps_the_warehouse_statuses_and_keeps_the_report(con):
    end = queries.data_end(con)
    days = [dt.date(2018, 1, 31), dt.date(2019, 7, 31), end]
    status = queries.status_on(con, days).set_index(["la_code", "date"])
    # Barnet (reports 80487_barnet/...: SIF published 7 July 2017 inadequate, ILACS 1 July 2019
    # good, file 50088889).
    assert status.loc[("302", days[0]), "grade"] == "inadequate"
    barnet = status.loc[("302", days[1])]
    assert barnet["grade"] == "good" and barnet["grade_date"] == dt.date(2019, 7, 1)
    assert barnet["report_url"] == "https://files.ofsted.gov.uk/v1/file/50088889"
    # South Tyneside's ILACS of 15-26 June 2026 (published 4 August 2026, file 50308876) gives
    # no overall grade: 'no_overall_grade', never the older grade.
    st = status.loc[("393", end)]
    assert st["grade"] == "no_overall_grade" and st["status"] == "no overall grade (2026 framework)"
    assert st["grade_date"] == dt.date(2026, 8, 4)
    assert st["report_url"] == "https://files.ofsted.gov.uk/v1/file/50308876"
    assert set(status["grade"]) <= {*GRADE_ORDER, "no_overall_grade", "not_judged"}


def test_status_follows_council_changes(con):
    # Bournemouth, Poole and old Dorset end on 31 March 2019; BCP and new Dorset start on
    # 1 April 2019 with no inspection yet, so they are 'not_judged' in April 2019.
    before = queries.status_on(con, [dt.date(2019, 3, 31)])
    after = queries.status_on(con, [dt.date(2019, 4, 30)]).set_index("la_code")
    assert {"835", "836", "837"} <= set(before["la_code"])
    assert not {"835", "836", "837"} & set(after.index)
    assert after.loc["838", "grade"] == "not_judged" and after.loc["839", "grade"] == "not_judged"


def test_rule_is_passed_through(con):
    # Under 'ended_by' South Tyneside was inadequate on 31 March 2023 (visit ended before);
    # under 'published_within_month' it was still good.
    ended = queries.status_on(con, [MARCH_2023]).set_index("la_code")
    published = queries.status_on(con, [MARCH_2023], "published_within_month")
    assert ended.loc["393", "grade"] == "inadequate"
    assert published.set_index("la_code").loc["393", "grade"] == "good"
    with pytest.raises(ValueError, match="unknown counting rule"):
        queries.national_monthly(con, rule="by_gut_feeling")


def test_national_counts_are_the_warehouse_standing(con):
    frame = queries.national_monthly(con)
    sums = frame.groupby("date")["councils"].sum()
    assert (sums == frame.groupby("date")["total"].first()).all()
    assert frame.groupby("date")["share"].sum().between(0.998, 1.002).all()
    assert frame["date"].min() == dt.date(2013, 12, 31)  # first SIF visits ended in December
    assert frame["date"].max() == dt.date(2026, 8, 31)  # month of the last publication
    # One month checked against the standing macro directly.
    month = dt.date(2017, 2, 28)
    standing = wq.standing(con, month)
    row = frame[(frame["date"] == month)].set_index("grade")
    assert row["total"].iloc[0] == len(standing)
    assert row.loc["inadequate", "councils"] == (standing["grade"] == "inadequate").sum()


def test_regions_and_transitions_reshape_without_losing_rows(con):
    regions = queries.regional_latest(con)
    assert regions["councils"].sum() == len(wq.standing(con, queries.data_end(con)))
    assert regions.groupby("region")["share"].sum().between(0.998, 1.002).all()
    pairs = queries.transitions(con)
    assert pairs["inspections"].sum() == len(wq.transitions(con))
    summary = wq.transition_summary(con)
    from_inad = summary[summary["previous_grade"] == "inadequate"]["n"].sum()
    assert pairs[pairs["from_grade"] == "inadequate"]["total"].iloc[0] == from_inad


def test_survival_curve_is_the_warehouse_estimate(con):
    curve = queries.inadequate_survival(con)
    spells = wq.inadequate_spells(con)
    km = wq.kaplan_meier(spells)
    assert curve["at_risk"].iloc[0] == len(spells)
    assert curve["left"].sum() == (~spells["censored"]).sum()
    merged = km.merge(curve, on="days", suffixes=("", "_chart"))
    assert len(merged) == len(km)
    assert (merged["still_inadequate"] - merged["still_inadequate_chart"]).abs().max() < 1e-4


def test_context_measure_joins_standing_on_31_march(con):
    frame = queries.context_by_grade(con, "sw_agency_rate", 2025)
    by_code = frame.set_index("la_code")
    # context/ees/csww_indicators_2017_to_2025.csv, 2025 rows: Camden (row 133) agency_rate_fte
    # 9.4; Barnet (row 148) 21.1; Isles of Scilly (row 125) 100 (2 agency FTE, none in post).
    assert by_code.loc["202", "value"] == 9.4
    assert by_code.loc["302", "value"] == 21.1
    assert by_code.loc["420", "value"] == 100.0
    # Barnet's grade on 31 March 2025: the ILACS published 23 July 2024, good.
    assert by_code.loc["302", "grade"] == "good"
    assert by_code.loc["302", "grade_date"] == dt.date(2024, 7, 23)
    standing = wq.standing(con, dt.date(2025, 3, 31)).set_index("la_code")
    assert (by_code["grade"] == standing["grade"].reindex(by_code.index)).all()
    assert (frame["as_at"] == dt.date(2025, 3, 31)).all() and frame["unit"].eq("percent").all()
    # 153 councils on 31 March 2025, 150 with a published rate (3 suppressed or missing).
    assert len(standing) == 153 and len(frame) == 150
    with pytest.raises(ValueError, match="unknown context measure 'no_such_measure'"):
        queries.context_by_grade(con, "no_such_measure")
    with pytest.raises(ValueError, match="no values for 2012"):
        queries.context_by_grade(con, "sw_agency_rate", 2012)


def test_council_timeline_for_barnet(con):
    # 80487_barnet reports: SIF 7 July 2017 inadequate, ILACS 1 July 2019 good, ILACS 23 July
    # 2024 good; official table row 7: SLAC 24 February 2012 safeguarding good.
    from ofsted_record.charts.catalogue import council_chart_for

    frame, chart = council_chart_for(con, "302", "Barnet")
    spec = chart.to_dict(validate=True)
    assert list(frame["grade"]) == ["good", "inadequate", "good", "good"]
    assert list(frame["area"])[0] == "safeguarding"
    assert "4 Ofsted judgements of Barnet" in spec["description"]
    assert "The latest, in July 2024, was good; 1 judgement rated" in spec["description"]


# --- every published chart ------------------------------------------------------------------


def test_every_spec_validates_against_the_vega_lite_schema(built):
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    for slug, (_, spec) in built.items():
        errors = list(validator.iter_errors(spec))
        assert not errors, f"{slug}: {errors[0].message[:200]}"


def test_every_chart_has_title_subtitle_source_and_description(built):
    assert "agency-workers-by-grade" in built
    for slug, (_, spec) in built.items():
        title = spec["title"]
        assert title["text"], slug
        subtitle = title["subtitle"]
        assert len(subtitle) >= 2 and subtitle[-1].startswith("Source: "), slug
        description = spec["description"]
        pattern = r"^(Stacked area|Stacked bar|Step line|Map|Hex map|Strip plot)"
        assert re.match(pattern, description), slug
        assert re.search(r"\d", description), f"{slug}: alt text states no figure"


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def test_descriptions_state_the_data(built):
    frame, spec = built["national-grades"]
    last = frame[frame["date"] == frame["date"].max()].set_index("grade")
    assert (
        f"{_pct(last.loc['inadequate', 'share'])} of {last['total'].iloc[0]} councils"
        in spec["description"]
    )
    inad = frame[frame["grade"] == "inadequate"]
    peak = inad.loc[inad["share"].idxmax()]
    peak_text = f"peak of {_pct(peak['share'])} in {pd.Timestamp(peak['date']):%B %Y}"
    assert peak_text in spec["description"]

    frame, spec = built["transitions"]
    inad = frame[frame["from_grade"] == "inadequate"]
    better = inad[inad["to_grade"] != "inadequate"]["inspections"].sum() / inad["inspections"].sum()
    assert (
        f"{_pct(better)} of the next inspections ({inad['inspections'].sum()} in all)"
        in spec["description"]
    )

    frame, spec = built["inadequate-survival"]
    assert f"from {frame['at_risk'].iloc[0]} spells" in spec["description"]
    assert f"{frame['left'].sum()} of which ended" in spec["description"]

    frame, spec = built["regions"]
    good = frame[frame["grade"].isin(["good", "outstanding"])].groupby("region")["share"].sum()
    assert f"{good.idxmax()} had the highest share" in spec["description"]
    assert f"({_pct(good.max())})" in spec["description"]

    frame, spec = built["map"]
    latest = frame[frame["year"] == frame["year"].max()]
    n = (latest["grade"] == "inadequate").sum()
    assert f"{n} of {len(latest)} councils" in spec["description"]


def test_context_chart_states_n_and_median_per_grade(built):
    frame, spec = built["agency-workers-by-grade"]
    rows = spec["layer"][0]["encoding"]["y"]["sort"]
    for grade in GRADE_ORDER:
        values = frame.loc[frame["grade"] == grade, "value"]
        label = f"{grade.replace('_', ' ')} {values.median():.1f}% (n={len(values)})"
        assert label in spec["description"], label
        assert any(r.endswith(f"(n={len(values)})") for r in rows)
    assert f"for {len(frame)} councils" in spec["description"]
    assert (
        "at 30 September 2025; councils by their overall grade on 31 March 2025"
        in (spec["title"]["subtitle"][0])
    )
    assert spec["title"]["subtitle"][-1].startswith("Source: Department for Education")
    summary = grade_summary(frame)
    assert summary["n"].sum() == len(frame)


def test_survival_chart_takes_warehouse_or_renamed_columns(con):
    curve = queries.inadequate_survival(con)
    renamed = curve.rename(columns={"still_inadequate": "survival", "left": "events"})
    a = survival_chart(curve).to_dict()
    b = survival_chart(renamed).to_dict()
    assert a["description"] == b["description"]
    with pytest.raises(ChartDataError, match="time 0"):
        survival_chart(curve.iloc[1:])


def test_map_inlines_geometry_and_binds_a_year_slider(built):
    _, spec = built["map"]
    text = json.dumps(spec)
    assert '"type": "topojson"' in text and "http" not in json.dumps(spec.get("data", {}))
    params = spec["params"]
    assert params[0]["bind"]["input"] == "range"
    frame, _ = built["map"]
    assert params[0]["bind"]["min"] == frame["year"].min()
    assert params[0]["bind"]["max"] == frame["year"].max()


def test_chart_rejects_frame_without_documented_columns():
    with pytest.raises(ChartDataError, match="transitions_chart.*from_grade"):
        transitions_chart(pd.DataFrame({"to_grade": ["good"]}))
    with pytest.raises(ChartDataError, match="context_chart.*value"):
        context_chart(pd.DataFrame({"grade": ["good"]}))
