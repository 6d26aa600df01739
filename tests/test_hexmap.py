"""The equal-hexagon layouts (one hexagon per council per boundary vintage) and their files.

Checked against the council register (``data/processed/councils.csv``) and every inspection in
``data/processed/inspections.csv``; see docs/geography.md, "Hex layout".
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import shapely

from ofsted_record.config import processed_dir
from ofsted_record.geography import VINTAGES, codes, hexes, hexlayout, info, vintage_for
from ofsted_record.geography.hexlayout import LayoutError, Placement

HEX_AREA = 1.5 * math.sqrt(3)  # regular hexagon of circumradius 1


def _register() -> pd.DataFrame:
    return pd.read_csv(processed_dir() / "councils.csv", dtype=str, keep_default_na=False)


def _alive(register: pd.DataFrame, day: dt.date) -> set[str]:
    iso = day.isoformat()
    ok = ((register["valid_from"] == "") | (register["valid_from"] <= iso)) & (
        (register["valid_to"] == "") | (register["valid_to"] >= iso)
    )
    return set(register.loc[ok, "la_code"])


@pytest.mark.parametrize("vintage", VINTAGES)
def test_one_hexagon_per_council_in_being(vintage: str) -> None:
    """Joined to the register directly (not through the code that built the layout)."""
    register = _register()
    v = info(vintage)
    frame = hexes(vintage)
    assert frame["la_code"].is_unique
    for day in filter(None, (v.valid_from, v.valid_to)):
        assert set(frame["la_code"]) == _alive(register, day), day
    ons = dict(zip(register["la_code"], register["ons_code"], strict=True))
    # the ONS code is the one in force when the vintage began (Buckinghamshire, North Yorkshire
    # and Somerset changed code); it maps back to the same council
    for la, code in zip(frame["la_code"], frame["ons_code"], strict=True):
        assert codes.la_code_for_ons(code, dt.date(v.ons_year, 4, 1)) == la
        assert code == ons[la] or la in {"825", "815", "933", "370", "373"}, (la, code)


@pytest.mark.parametrize("vintage", VINTAGES)
def test_no_two_councils_share_a_cell_and_hexagons_do_not_overlap(vintage: str) -> None:
    frame = hexes(vintage)
    cells = list(zip(frame["q"], frame["r"], strict=True))
    assert len(set(cells)) == len(cells)
    geoms = list(frame.geometry)
    tree = shapely.STRtree(geoms)
    for i, geom in enumerate(geoms):
        for j in tree.query(geom):
            if i != j:
                assert geom.intersection(geoms[j]).area < 1e-9, (frame["name"][i], frame["name"][j])


@pytest.mark.parametrize("vintage", VINTAGES)
def test_every_hexagon_is_the_same_regular_hexagon(vintage: str) -> None:
    frame = hexes(vintage)
    for name, geom, cx, cy in zip(
        frame["name"], frame.geometry, frame["cx"], frame["cy"], strict=True
    ):
        assert geom.area == pytest.approx(HEX_AREA, rel=1e-4), name
        xy = shapely.get_coordinates(geom.exterior)[:-1]
        assert len(xy) == 6, name
        sides = [math.dist(a, b) for a, b in itertools.pairwise([*xy, xy[0]])]
        assert max(sides) - min(sides) < 1e-3, name
        assert geom.centroid.x == pytest.approx(cx, abs=1e-3)
        assert geom.centroid.y == pytest.approx(cy, abs=1e-3)
    # neighbours share vertices exactly: the union loses no area to overlaps or slivers
    union = shapely.union_all(list(frame.geometry))
    assert union.area == pytest.approx(frame.geometry.area.sum(), rel=1e-9)


@pytest.mark.parametrize("table", ["inspections.csv", "record_inspections.csv"])
def test_every_inspection_maps_onto_the_hex_layout_of_its_date(table: str) -> None:
    """The inspection's date is its last day on site, or its publication date when the source
    (Ofsted's official tables before 2013) gives no visit dates."""
    inspections = pd.read_csv(processed_dir() / table, dtype=str)
    layouts = {v: set(hexes(v)["la_code"]) for v in VINTAGES}
    missing = []
    for row in inspections.itertuples(index=False):
        day = row.end_date if isinstance(row.end_date, str) else row.published_date
        if row.la_code not in layouts[vintage_for(day)]:
            missing.append((row.inspection_id, row.la_code, day))
    assert not missing
    assert len(inspections) > 400  # the whole table was read
    if table == "record_inspections.csv":
        # the abolished councils were inspected while they existed, and are drawn then
        assert {"835", "836", "837", "909", "928"} <= set(inspections["la_code"])


def test_successors_take_their_predecessors_cells_and_touch_each_other() -> None:
    def cells(vintage: str) -> dict[str, tuple[int, int]]:
        frame = hexes(vintage)
        return {
            la: (q, r) for la, q, r in zip(frame["la_code"], frame["q"], frame["r"], strict=True)
        }

    c14, c19, c21, c23 = (cells(v) for v in VINTAGES)
    assert c14["835"] == c19["838"]  # Dorset County Council -> Dorset Council
    assert c14["837"] == c19["839"]  # Bournemouth -> Bournemouth, Christchurch and Poole
    # Poole between Dorset and Bournemouth, in a cell that is free from 2019
    assert c14["836"] in hexlayout.neighbours(c14["835"]) & hexlayout.neighbours(c14["837"])
    assert c14["836"] not in c19.values()
    assert c21["940"] == c19["928"]  # North Northamptonshire in Northamptonshire's cell
    assert c21["941"] in hexlayout.neighbours(c21["940"])
    assert c23["943"] == c21["909"]  # Westmorland and Furness in Cumbria's cell
    assert c23["942"] in hexlayout.neighbours(c23["943"])
    # everything else keeps its cell from one vintage to the next
    placed = {p.la_code for ps in hexlayout.PLACEMENTS.values() for p in ps}
    for a, b in itertools.pairwise((c14, c19, c21, c23)):
        moved = {la for la in set(a) & set(b) if a[la] != b[la]}
        assert moved <= placed, moved
    assert {la for la in set(c19) & set(c21) if c19[la] != c21[la]} == {"884", "937"}


@pytest.mark.parametrize("vintage", VINTAGES)
def test_labels_are_short_unique_and_names_are_the_registers(vintage: str) -> None:
    frame = hexes(vintage)
    assert frame["label"].is_unique
    assert frame["label"].str.len().between(2, 3).all()
    short = dict(zip(_register()["la_code"], _register()["short_name"], strict=True))
    assert frame["name"].tolist() == [short[la] for la in frame["la_code"]]


def test_hexjson_is_the_2019_layout() -> None:
    """The 2019 vintage is the ODI Leeds file unchanged."""
    source = hexlayout.read_hexjson()
    frame = hexes("2019").set_index("ons_code")
    assert len(source) == len(frame) == 151
    for ons, cell in source.items():
        assert (frame.loc[ons, "q"], frame.loc[ons, "r"]) == cell, ons


def test_neighbours_follow_the_odd_r_layout() -> None:
    # hand-checked on the hexjson: Newcastle (9, 15) touches North Tyneside (10, 16) and
    # Gateshead (10, 15); an even row reaches one cell further left
    assert hexlayout.neighbours((9, 15)) == {
        (8, 15),
        (10, 15),
        (9, 16),
        (10, 16),
        (9, 14),
        (10, 14),
    }
    assert hexlayout.neighbours((10, 16)) == {
        (9, 16),
        (11, 16),
        (9, 17),
        (10, 17),
        (9, 15),
        (10, 15),
    }


def test_bad_hexjson_names_file_and_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.hexjson"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"broken\.hexjson.*not readable"):
        hexlayout.read_hexjson(broken)
    flat = tmp_path / "flat.hexjson"
    flat.write_text(json.dumps({"layout": "odd-q", "hexes": {}}), encoding="utf-8")
    with pytest.raises(LayoutError, match=r"flat\.hexjson.*odd-r"):
        hexlayout.read_hexjson(flat)
    bad = tmp_path / "bad.hexjson"
    bad.write_text(json.dumps({"layout": "odd-r", "hexes": {"E1": {"q": "x"}}}), encoding="utf-8")
    with pytest.raises(LayoutError, match=r"bad\.hexjson.*E1"):
        hexlayout.read_hexjson(bad)


def test_a_clashing_or_detached_placement_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    base = hexlayout.PLACEMENTS["2021"]
    # West Northamptonshire put on Leicester's cell
    clash = tuple(p if p.la_code != "941" else Placement("941", (7, 7), (), "") for p in base)
    monkeypatch.setitem(hexlayout.PLACEMENTS, "2021", clash)
    with pytest.raises(LayoutError, match="more than one council"):
        hexlayout.layout("2021")
    # ... or on a free cell far from North Northamptonshire
    far = tuple(p if p.la_code != "941" else Placement("941", (0, 10), ("940",), "") for p in base)
    monkeypatch.setitem(hexlayout.PLACEMENTS, "2021", far)
    with pytest.raises(LayoutError, match=r"941 at \(0, 10\) does not touch \['940'\]"):
        hexlayout.layout("2021")
    # ... or left out
    monkeypatch.setitem(hexlayout.PLACEMENTS, "2021", base[:2])
    with pytest.raises(LayoutError, match=r"no cell for councils \['940', '941'\]"):
        hexlayout.layout("2021")


def test_hex_key_lists_every_council_ever_drawn_with_its_label() -> None:
    from ofsted_record.site.maps import hex_key, hex_key_html

    key = hex_key()
    register = _register()
    assert len(key) == len(register)  # every council in the register, each once
    assert set(key["council"]) == set(register["short_name"])
    drawn = {label for v in VINTAGES for label in hexes(v)["label"]}
    assert set(key["label"]) == drawn
    when = dict(zip(key["label"], key["when"], strict=True))
    assert when["Poo"] == "until March 2019" and when["WNo"] == "from April 2021"
    assert when["Kent"[:3]] == "throughout"
    html = hex_key_html()
    assert html.count("<tr><td>") == len(key) and "Westmorland and Furness" in html


def test_the_maps_size_patch_matches_the_vega_that_vega_lite_compiles() -> None:
    """vega-embed applies the patch to the compiled Vega; it replaces Vega-Lite's width signal
    in place (a "test" op guards it in the browser) and its autosize and padding, so a new
    Vega-Lite that moved any of them would break every map."""
    import vl_convert as vlc

    from ofsted_record.charts.maps import height_patch

    spec = {
        "width": "container",
        "height": 300,
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
    }
    vega = vlc.vegalite_to_vega(spec)
    ops = {op["op"]: op for op in height_patch("hex") if op["op"] == "test"}
    assert vega["signals"][0]["name"] == ops["test"]["value"] == "width"
    assert "autosize" in vega and "padding" in vega and "height" in vega
    assert {op["path"] for op in height_patch("hex") if op["op"] == "replace"} == {
        "/autosize",
        "/padding",
        "/signals/0",
    }
