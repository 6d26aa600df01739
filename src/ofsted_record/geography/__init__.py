"""Upper-tier council boundaries and hex cartograms, one file per boundary vintage.

>>> from ofsted_record.geography import vintage_for, boundaries, hexes, topojson_path, VINTAGES
>>> vintage_for("2019-06-01")
'2019'

Each TopoJSON file holds one object, ``OBJECT_NAME`` (``"councils"``), whose features carry
``la_code`` (DfE 3-digit code, the council key), ``ons_code`` and ``name``. In Altair::

    alt.topo_feature(url, "councils")            # or
    alt.Data(values=topo, format={"type": "topojson", "feature": "councils"})

Boundaries are lon/lat (EPSG:4326). Hexes (one equal hexagon per council, from the ODI Leeds
hexjson) are grid units (y up): draw them with
``project(type="identity", reflectY=True)``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd

from ofsted_record.geography.build import OBJECT_NAME, file_name, output_dir
from ofsted_record.geography.vintages import VINTAGE_INFO, VINTAGES, Vintage, info, vintage_for

__all__ = [
    "OBJECT_NAME",
    "VINTAGES",
    "VINTAGE_INFO",
    "Vintage",
    "boundaries",
    "for_date",
    "hexes",
    "info",
    "read_topojson",
    "topojson_path",
    "vintage_for",
]


def topojson_path(kind: str, vintage: str) -> Path:
    """Committed file for ``kind`` ('boundaries' | 'hex') and ``vintage``."""
    info(vintage)
    return output_dir() / file_name(kind, vintage)


def read_topojson(path: Path, crs: str | None) -> gpd.GeoDataFrame:
    """GeoDataFrame (la_code, ons_code, name, [other properties], geometry) of one of our
    TopoJSON files (hex files also carry label, q, r, cx, cy)."""
    from ofsted_record.geography import topojson_io

    if not Path(path).exists():
        raise FileNotFoundError(f"{path} missing: run `ofsted-record geography`")
    topo = topojson_io.load(path)
    feats = list(topojson_io.features(topo, OBJECT_NAME))
    frame = gpd.GeoDataFrame([p for p, _ in feats], geometry=[g for _, g in feats], crs=crs)
    extra = [c for c in frame.columns if c not in ("la_code", "ons_code", "name", "geometry")]
    return frame[["la_code", "ons_code", "name", *extra, "geometry"]]


def boundaries(vintage: str) -> gpd.GeoDataFrame:
    """Simplified upper-tier boundaries (EPSG:4326) of ``vintage``."""
    return read_topojson(topojson_path("boundaries", vintage), "EPSG:4326")


def hexes(vintage: str) -> gpd.GeoDataFrame:
    """One equal hexagon per council of ``vintage`` (grid units, no CRS): columns la_code,
    ons_code, name, label, q, r, cx, cy, geometry."""
    return read_topojson(topojson_path("hex", vintage), None)


def for_date(when: dt.date | str, kind: str = "boundaries") -> gpd.GeoDataFrame:
    """Boundaries (or hexes) in force on ``when``."""
    vintage = vintage_for(when)
    return boundaries(vintage) if kind == "boundaries" else hexes(vintage)
