"""Charts: palette safety, Kaplan-Meier, queries reconciled with Ofsted's own figures, and
every published chart valid, titled, sourced and described with numbers that match its data.

Data: Ofsted's official table (Childrens_social_care_in_England_2023_underlying_data.ods).
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
from ofsted_record.charts.official_source import (
    OfficialTableError,
    connect_official,
    load_official_tables,
    official_latest_2023,
)
from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_ORDER
from ofsted_record.charts.survival import kaplan_meier
from ofsted_record.charts.transitions import transitions_chart

SCHEMA = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"


@pytest.fixture(scope="module")
def con(shared_data):
    return connect_official()


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


# --- Kaplan-Meier ---------------------------------------------------------------------------


def test_kaplan_meier_matches_textbook_example():
    # Freireich et al. (1963) 6-MP arm, as tabulated by Kleinbaum & Klein, Survival Analysis,
    # ch. 2: S(t) at 6, 7, 10, 13, 16, 22, 23 weeks and Greenwood SE at 6 weeks.
    t = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    e = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    curve = kaplan_meier(t, e).set_index("days")
    expected = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}
    for day, s in expected.items():
        assert curve.loc[day, "survival"] == pytest.approx(s, abs=1e-4)
    assert curve.loc[6, "se"] == pytest.approx(0.0764, abs=1e-3)
    assert curve.loc[6, "at_risk"] == 21
    assert (curve["lower"] <= curve["survival"]).all() and (
        curve["upper"] >= curve["survival"]
    ).all()


def test_kaplan_meier_rejects_bad_input():
    with pytest.raises(ValueError, match="events 0 or 1"):
        kaplan_meier([1, 2], [1, 2])
    with pytest.raises(ValueError, match="non-empty"):
        kaplan_meier([], [])


# --- queries on the official table ------------------------------------------------------------


def test_status_reconciles_with_ofsteds_own_31_march_2023_position(con):
    # Ofsted's sheet LA_level_at_31_Mar_2023 (152 councils): 65 good, 48 requires improvement,
    # 25 outstanding, 14 inadequate. Its position counts inspections carried out by 31 March
    # and published later, so compare with our status on the data's last publication date
    # (10 May 2023), when Cumbria (abolished 31 March 2023; last ILACS 'Requires improvement
    # to be good', sheet LA_inspections_2009-2023 row 35) no longer counts.
    official = official_latest_2023()["grade"].value_counts().to_dict()
    assert official == {"good": 65, "requires_improvement": 48, "outstanding": 25, "inadequate": 14}
    end = queries.data_end(con)
    assert end == dt.date(2023, 5, 10)
    ours = queries.status_on(con, [end])["grade"].value_counts().to_dict()
    ours["requires_improvement"] += 1  # Cumbria
    assert ours == official


def test_status_follows_council_changes(con):
    # Bournemouth, Poole and old Dorset end on 31 March 2019; BCP and new Dorset start on
    # 1 April 2019 with no inspection yet, so they are 'not_judged' in April 2019.
    before = queries.status_on(con, [dt.date(2019, 3, 31)])
    after = queries.status_on(con, [dt.date(2019, 4, 30)]).set_index("la_code")
    assert {"835", "836", "837"} <= set(before["la_code"])
    assert not {"835", "836", "837"} & set(after.index)
    assert after.loc["838", "grade"] == "not_judged" and after.loc["839", "grade"] == "not_judged"
    # Barnet (sheet row 7): SIF 7 July 2017 inadequate, ILACS 1 July 2019 good.
    barnet = queries.status_on(con, [dt.date(2018, 1, 31), dt.date(2019, 7, 31)])
    barnet = barnet[barnet["la_code"] == "302"].set_index("date")["grade"]
    assert barnet[dt.date(2018, 1, 31)] == "inadequate"
    assert barnet[dt.date(2019, 7, 31)] == "good"


def test_national_shares_add_up(con):
    frame = queries.national_monthly(con)
    sums = frame.groupby("date")["councils"].sum()
    assert (sums == frame.groupby("date")["total"].first()).all()
    assert frame.groupby("date")["share"].sum().between(0.998, 1.002).all()
    assert frame["date"].min() == dt.date(2013, 11, 30)


def test_official_loader_names_the_file_on_bad_input(tmp_path):
    bad = tmp_path / "broken.ods"
    bad.write_bytes(b"not a spreadsheet")
    with pytest.raises(OfficialTableError, match="broken.ods"):
        load_official_tables(bad)
    with pytest.raises(OfficialTableError, match="not found"):
        load_official_tables(tmp_path / "missing.ods")


# --- every published chart ------------------------------------------------------------------


def test_every_spec_validates_against_the_vega_lite_schema(built):
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    for slug, (_, spec) in built.items():
        errors = list(validator.iter_errors(spec))
        assert not errors, f"{slug}: {errors[0].message[:200]}"


def test_every_chart_has_title_subtitle_source_and_description(built):
    for slug, (_, spec) in built.items():
        title = spec["title"]
        assert title["text"], slug
        subtitle = title["subtitle"]
        assert len(subtitle) >= 2 and subtitle[-1].startswith("Source: "), slug
        description = spec["description"]
        assert re.match(r"^(Stacked area|Stacked bar|Step line|Map|Hex map)", description), slug
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
    assert f"{frame['events'].sum()} of which ended" in spec["description"]

    frame, spec = built["regions"]
    good = frame[frame["grade"].isin(["good", "outstanding"])].groupby("region")["share"].sum()
    assert f"{good.idxmax()} had the highest share" in spec["description"]
    assert f"({_pct(good.max())})" in spec["description"]

    frame, spec = built["map"]
    latest = frame[frame["year"] == frame["year"].max()]
    n = (latest["grade"] == "inadequate").sum()
    assert f"{n} of {len(latest)} councils" in spec["description"]


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


def test_council_timeline_for_barnet(con):
    # Sheet row 7: SLAC 24 Feb 2012 safeguarding 'Good', SIF 7 July 2017 'Inadequate',
    # ILACS 1 July 2019 'Good'.
    from ofsted_record.charts.catalogue import council_chart_for

    frame, chart = council_chart_for(con, "302", "Barnet")
    spec = chart.to_dict(validate=True)
    assert list(frame["grade"]) == ["good", "inadequate", "good"]
    assert "3 Ofsted judgements of Barnet" in spec["description"]
    assert "The latest, in July 2019, was good; 1 judgement rated" in spec["description"]
