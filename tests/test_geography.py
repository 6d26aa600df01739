"""Geography: boundary and hex TopoJSON per vintage (see docs/geography.md).

Counts checked by hand against the ONS topology's start/end years and the DfE LA list
(reference/dfe_las.csv): 152 English upper-tier areas 2014-2018, 151 in 2019-2020 (Dorset,
Bournemouth and Poole -> Dorset + BCP), 152 in 2021-2022 (Northamptonshire -> North + West),
153 from 2023 (Cumbria -> Cumberland + Westmorland and Furness).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.affinity

from ofsted_record.geography import (
    OBJECT_NAME,
    VINTAGES,
    boundaries,
    codes,
    hexes,
    info,
    sources,
    topojson_io,
    topojson_path,
    topology,
    vintage_for,
)
from ofsted_record.geography import build as geo_build

KINDS = ("boundaries", "hex")
EXPECTED_COUNTS = {"2014": 152, "2019": 151, "2021": 152, "2023": 153}


def _frame(kind: str, vintage: str) -> gpd.GeoDataFrame:
    return boundaries(vintage) if kind == "boundaries" else hexes(vintage)


def test_vintage_for_change_dates() -> None:
    assert vintage_for("2009-06-15") == "2014"
    assert vintage_for("2019-03-31") == "2014"
    assert vintage_for("2019-04-01") == "2019"
    assert vintage_for(dt.date(2021, 3, 31)) == "2019"
    assert vintage_for(dt.datetime(2021, 4, 1, 9)) == "2021"
    assert vintage_for("2023-04-01") == "2023"
    assert vintage_for("2026-03-01") == "2023"
    with pytest.raises(ValueError, match="before 2009-04-01"):
        vintage_for("2008-12-31")
    with pytest.raises(ValueError, match="not a date"):
        vintage_for("next tuesday")
    with pytest.raises(KeyError, match="unknown vintage"):
        topojson_path("boundaries", "2016")
    with pytest.raises(ValueError, match="kind must be"):
        topojson_path("dots", "2023")


def test_current_councils_one_feature_each() -> None:
    current = codes.councils_on(dt.date(2023, 4, 1))
    assert len(current) == 153
    for kind in KINDS:
        gdf = _frame(kind, "2023")
        assert sorted(gdf["la_code"]) == sorted(current), kind
        assert gdf["la_code"].is_unique


@pytest.mark.parametrize("vintage", VINTAGES)
def test_counts_match_ons_and_register(shared_data: Path, vintage: str) -> None:
    v = info(vintage)
    ons = sources.ons_counts()
    assert ons[v.ons_year] == EXPECTED_COUNTS[vintage]
    # every year a vintage covers within 2014-2025 has the same count in the ONS file
    last = v.valid_to.year - 1 if v.valid_to else 2025
    assert {ons[y] for y in range(max(v.ons_year, 2014), last + 1)} == {EXPECTED_COUNTS[vintage]}
    for kind in KINDS:
        gdf = _frame(kind, vintage)
        assert len(gdf) == EXPECTED_COUNTS[vintage], kind
        assert gdf["la_code"].is_unique and gdf["la_code"].str.fullmatch(r"\d{3}").all()
        # zero unmatched joins both ways, on the first and last day of the vintage
        for day in filter(None, (v.valid_from, v.valid_to)):
            assert set(gdf["la_code"]) == set(codes.councils_on(day)), (kind, day)
        # each feature's ONS code maps to its la_code on the vintage's ONS date
        on = dt.date(v.ons_year, 4, 1)
        mapped = [codes.la_code_for_ons(c, on) for c in gdf["ons_code"]]
        assert mapped == gdf["la_code"].tolist()


def test_northamptonshire_and_successors() -> None:
    v2019 = vintage_for("2019-06-01")
    codes_2019 = set(boundaries(v2019)["la_code"])
    assert "928" in codes_2019 and not {"940", "941"} & codes_2019
    for kind in KINDS:
        codes_2023 = set(_frame(kind, "2023")["la_code"])
        assert {"940", "941"} <= codes_2023 and "928" not in codes_2023


def test_golden_rows() -> None:
    """Hand-checked against reference/dfe_las.csv (ONS code, DfE code, dates)."""

    def row(vintage: str, la_code: str) -> tuple[str, str]:
        gdf = boundaries(vintage).set_index("la_code")
        return gdf.loc[la_code, "ons_code"], gdf.loc[la_code, "name"]

    assert row("2014", "835") == ("E10000009", "Dorset")  # Dorset County Council to 2019-03-31
    assert row("2019", "838") == ("E06000059", "Dorset")  # Dorset Council from 2019-04-01
    assert row("2019", "825")[0] == "E10000002"  # Buckinghamshire, county code until 2020
    assert row("2021", "825")[0] == "E06000060"
    assert row("2023", "815")[0] == "E06000065"  # North Yorkshire unitary, same DfE code
    assert row("2023", "370")[0] == "E08000016"  # Barnsley, pre-May-2025 code
    assert "835" not in set(boundaries("2019")["la_code"])


@pytest.mark.parametrize("vintage", VINTAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_files_small_valid_clockwise_gap_free(kind: str, vintage: str) -> None:
    path = topojson_path(kind, vintage)
    assert path.stat().st_size <= geo_build.MAX_BYTES
    topo = topojson_io.load(path)
    assert list(topo["objects"]) == [OBJECT_NAME]
    result = topology.check(topo, OBJECT_NAME)
    assert result.invalid == [] and result.wrong_orientation == [] and result.coverage_ok
    gdf = _frame(kind, vintage)
    extra = ["label", "q", "r", "cx", "cy"] if kind == "hex" else []
    assert list(gdf.columns) == ["la_code", "ons_code", "name", *extra, "geometry"]
    for geom in gdf.geometry:
        for part in getattr(geom, "geoms", [geom]):
            assert not part.exterior.is_ccw
            assert all(ring.is_ccw for ring in part.interiors)
    if kind == "boundaries":
        assert gdf.crs.to_epsg() == 4326
        minx, miny, maxx, maxy = gdf.total_bounds
        assert -6.5 < minx < -5 and 49.8 < miny < 50 and 1.7 < maxx < 1.8 and 55.7 < maxy < 55.9


def _iou(a: gpd.GeoSeries, b: gpd.GeoSeries) -> dict[str, float]:
    a, b = a.to_crs(27700), b.to_crs(27700)
    return {
        code: a[code].intersection(b[code]).area / a[code].union(b[code]).area
        for code in a.index.intersection(b.index)
    }


@pytest.mark.parametrize(
    ("vintage", "file", "code_col", "min_iou", "median_iou"),
    [
        # geographr's 2019/2021 files are ultra-generalised: tiny areas (Isles of Scilly, City
        # of London) overlap ours by only ~0.7, the median is ~0.95
        ("2019", "geographr_boundaries_utla19.gpkg", "utla19_code", 0.65, 0.94),
        ("2021", "geographr_boundaries_utla21.gpkg", "utla21_code", 0.65, 0.94),
        # ONS super-generalised Dec 2023: every area overlaps ours by > 0.93, median 0.99
        ("2023", "ons_CTYUA_Dec2023_UK_BSC.geojson", "CTYUA23CD", 0.9, 0.98),
    ],
)
def test_shapes_agree_with_independent_ons_files(
    shared_data: Path, vintage: str, file: str, code_col: str, min_iou: float, median_iou: float
) -> None:
    """Our simplified shapes overlap ONS's separately generalised files for the same year."""
    ours = boundaries(vintage).set_index("ons_code").geometry
    other = gpd.read_file(sources.geography_path(file))
    other = other[other[code_col].str.startswith("E")].set_index(code_col)
    other = other.geometry.apply(shapely.make_valid)
    assert set(ours.index) == set(other.index)
    iou = _iou(ours, gpd.GeoSeries(other, crs=other.crs))
    assert min(iou.values()) > min_iou, sorted(iou.items(), key=lambda kv: kv[1])[:3]
    assert float(np.median(list(iou.values()))) > median_iou


def test_encode_orients_counter_clockwise_input() -> None:
    ccw = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    hole = shapely.Polygon([(0, 0), (2, 0), (2, 2), (0, 2)], [[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5)]])
    frame = gpd.GeoDataFrame(
        {"la_code": ["001", "002"], "ons_code": ["E1", "E2"], "name": ["a", "b"]},
        geometry=[ccw, shapely.affinity.translate(hole, 5)],
    )
    assert ccw.exterior.is_ccw  # the input really is counter-clockwise
    topo = topology.encode(frame, "t", 1e4)
    assert topology.check(topo, "t").ok
    for _, geom in topojson_io.features(topo, "t"):
        assert not geom.exterior.is_ccw and all(r.is_ccw for r in geom.interiors)


def test_bad_inputs_name_file_and_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.topojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(topojson_io.TopoJSONError, match=r"broken\.topojson.*not readable"):
        topojson_io.load(broken)
    geo = tmp_path / "plain.json"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    with pytest.raises(topojson_io.TopoJSONError, match=r"plain\.json.*not a TopoJSON"):
        topojson_io.load(geo)
    with pytest.raises(FileNotFoundError, match="ofsted-record geography"):
        from ofsted_record.geography import read_topojson

        read_topojson(tmp_path / "missing.topojson", None)
    empty = tmp_path / "empty.topojson"
    empty.write_text(
        json.dumps({"type": "Topology", "objects": {"utla": {"geometries": []}}, "arcs": []})
    )
    with pytest.raises(ValueError, match=r"empty\.topojson.*no English"):
        sources.ons_upper_tier(2023, empty)


def test_unmatched_code_is_an_error() -> None:
    frame = gpd.GeoDataFrame(
        {"ons_code": ["E06000001", "E99999999"], "ons_name": ["Hartlepool", "Nowhere"]},
        geometry=[shapely.Point(0, 0).buffer(1), shapely.Point(3, 0).buffer(1)],
    )
    with pytest.raises(ValueError, match=r"test layer: no DfE la_code on 2023-04-01.*E99999999"):
        geo_build.attach_codes(frame, dt.date(2023, 4, 1), "test layer")


def test_rebuild_is_byte_identical(shared_data: Path, tmp_path: Path) -> None:
    built = geo_build.build_all(tmp_path, previews=False)
    assert len(built) == 2 * len(VINTAGES)
    for b in built:
        committed = topojson_path(b.kind, b.vintage)
        assert b.path.read_bytes() == committed.read_bytes(), committed.name
    summary = geo_build.output_dir() / "vintages.csv"
    assert (tmp_path / "vintages.csv").read_bytes() == summary.read_bytes()
