"""Read the shared geography inputs into GeoDataFrames keyed by ONS code."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from ofsted_record.config import shared_path
from ofsted_record.geography import topojson_io

ONS_TOPOJSON = "ons_uk_topojson_2014_2025_topo.json"
ONS_LAYER = "utla"


def geography_path(name: str) -> Path:
    return shared_path("geography", name)


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Valid (Multi)Polygon: the ONS file has a few self-touching rings (Essex, Cumbria, ...)."""
    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        parts = [g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        fixed = shapely.union_all(parts)
    return fixed


def ons_upper_tier(year: int, path: Path | None = None) -> gpd.GeoDataFrame:
    """English upper-tier areas in force in ``year`` from the ONS year-by-year topology.

    An area is in force when ``start <= year <= end`` (missing start/end = open). Columns
    ``ons_code``, ``ons_name``, ``geometry`` (EPSG:4326), sorted by ``ons_code``.
    """
    path = path or geography_path(ONS_TOPOJSON)
    topo = topojson_io.load(path)
    rows, geoms = [], []
    try:
        features = list(topojson_io.features(topo, ONS_LAYER))
    except (topojson_io.TopoJSONError, KeyError, IndexError) as exc:
        raise ValueError(f"{path}: cannot decode layer {ONS_LAYER!r} ({exc})") from exc
    for props, geom in features:
        code = str(props.get("areacd", ""))
        if not code.startswith("E") or geom is None:
            continue
        if int(props.get("start", 0)) <= year <= int(props.get("end", 9999)):
            rows.append({"ons_code": code, "ons_name": str(props.get("areanm", ""))})
            geoms.append(polygonal(geom))
    if not rows:
        raise ValueError(f"{path}: no English {ONS_LAYER!r} areas in force in {year}")
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    return gdf.sort_values("ons_code", kind="mergesort").reset_index(drop=True)


def ons_counts(path: Path | None = None) -> dict[int, int]:
    """Number of English upper-tier areas per year 2014-2025 according to the ONS file."""
    path = path or geography_path(ONS_TOPOJSON)
    topo = topojson_io.load(path)
    counts: dict[int, int] = {}
    for obj in topo["objects"][ONS_LAYER]["geometries"]:
        props = obj.get("properties") or {}
        if not str(props.get("areacd", "")).startswith("E"):
            continue
        for year in range(int(props.get("start", 2014)), int(props.get("end", 2025)) + 1):
            counts[year] = counts.get(year, 0) + 1
    return dict(sorted(counts.items()))
