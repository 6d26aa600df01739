"""Simplify a polygon coverage and write it as compact, deterministic TopoJSON.

Simplification is done on the coverage as a whole (``shapely.coverage_simplify``): each shared
edge is simplified once, so neighbours keep identical borders (no slivers or gaps). The TopoJSON
is then built with the ``topojson`` package (shared arcs, quantised, delta-encoded) and every
ring is re-oriented in the arc lists so exterior rings run clockwise (Vega/d3 fill a
counter-clockwise exterior as "the whole globe except this").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import topojson

from ofsted_record.geography import topojson_io

PROPERTIES = ("la_code", "ons_code", "name")


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    if tolerance <= 0:
        out = geoms
    else:
        out = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    return shapely.orient_polygons(out, exterior_cw=True)


def _signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area: positive for counter-clockwise (x right, y up)."""
    xs = np.array([p[0] for p in ring])
    ys = np.array([p[1] for p in ring])
    return 0.5 * float(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1)))


def _orient_rings(topo: dict[str, Any], name: str) -> None:
    """Reverse, in place, every ring whose direction is wrong (exterior must be clockwise)."""
    arcs = topojson_io.decode_arcs(topo)
    for polygon in topojson_io.ring_arc_lists(topo, name):
        for k, ring in enumerate(polygon):
            area = _signed_area(topojson_io.ring_coords(ring, arcs))
            clockwise = area < 0
            if clockwise != (k == 0):
                polygon[k] = [~i for i in reversed(ring)]


def encode(
    gdf: gpd.GeoDataFrame,
    name: str,
    quantization: float | bool,
    properties: tuple[str, ...] = PROPERTIES,
) -> dict[str, Any]:
    """TopoJSON dict with one object ``name`` whose features keep only ``properties``.

    ``quantization`` False keeps the coordinates as given (used for the exact hex lattice).
    """
    frame = gdf[[*properties, "geometry"]].reset_index(drop=True)
    topo = topojson.Topology(
        frame, prequantize=quantization, topology=True, object_name=name
    ).to_dict()
    for obj in topo["objects"][name]["geometries"]:
        obj.pop("id", None)
        obj["properties"] = {k: _plain(obj["properties"][k]) for k in properties}
    topo.pop("bbox", None)
    _orient_rings(topo, name)
    return topo


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers so ``json.dumps`` writes them."""
    return value.item() if isinstance(value, np.generic) else value


def dumps(topo: dict[str, Any]) -> bytes:
    return (json.dumps(topo, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Check:
    invalid: list[str]
    wrong_orientation: list[str]
    coverage_ok: bool

    @property
    def ok(self) -> bool:
        return not self.invalid and not self.wrong_orientation and self.coverage_ok


def check(topo: dict[str, Any], name: str) -> Check:
    """Decode ``topo`` independently and check validity, ring direction and coverage."""
    feats = list(topojson_io.features(topo, name))
    invalid = [p["la_code"] for p, g in feats if g is None or not g.is_valid]
    arcs = topojson_io.decode_arcs(topo)
    wrong = []
    for obj in topo["objects"][name]["geometries"]:
        polys = [obj["arcs"]] if obj["type"] == "Polygon" else obj["arcs"]
        for polygon in polys:
            for k, ring in enumerate(polygon):
                if (_signed_area(topojson_io.ring_coords(ring, arcs)) < 0) != (k == 0):
                    wrong.append(obj["properties"]["la_code"])
    geoms = np.array([g for _, g in feats], dtype=object)
    coverage_ok = bool(not invalid and shapely.coverage_is_valid(geoms))
    return Check(invalid, sorted(set(wrong)), coverage_ok)
