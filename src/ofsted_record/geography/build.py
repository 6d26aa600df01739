"""Build the committed boundary and hex TopoJSON files for every vintage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ofsted_record.config import processed_dir
from ofsted_record.geography import codes, hexlayout, sources, topology
from ofsted_record.geography.vintages import VINTAGES, info
from ofsted_record.tables import atomic_write_bytes, write_csv

OBJECT_NAME = "councils"
MAX_BYTES = 200_000
# Headroom below MAX_BYTES so a different library version cannot tip a file over the limit.
TARGET_BYTES = 190_000
# Degrees; the first that gives a valid, clockwise, gap-free coverage within TARGET_BYTES wins.
BOUNDARY_TOLERANCES = (0.0, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.006)
BOUNDARY_QUANTIZATION = 1e5
# Properties of every hex feature: the council, its short label and its cell and centre.
HEX_PROPERTIES = ("la_code", "ons_code", "name", "label", "q", "r", "cx", "cy")


def output_dir() -> Path:
    return processed_dir() / "geography"


def file_name(kind: str, vintage: str) -> str:
    prefix = {"boundaries": "utla", "hex": "hex"}
    if kind not in prefix:
        raise ValueError(f"kind must be 'boundaries' or 'hex', not {kind!r}")
    return f"{prefix[kind]}_{vintage}.topojson"


@dataclass(frozen=True)
class Built:
    kind: str
    vintage: str
    path: Path
    bytes: int
    features: int
    tolerance: float


def attach_codes(gdf: gpd.GeoDataFrame, on: dt.date, what: str) -> gpd.GeoDataFrame:
    """Add ``la_code``/``name``; every ONS code must map to exactly one council."""
    la = [codes.la_code_for_ons(c, on) for c in gdf["ons_code"]]
    unmatched = [c for c, code in zip(gdf["ons_code"], la, strict=True) if code is None]
    if unmatched:
        raise ValueError(f"{what}: no DfE la_code on {on} for ONS codes {unmatched}")
    out = gdf.assign(la_code=la, name=gdf["ons_name"])
    dupes = out["la_code"][out["la_code"].duplicated()].tolist()
    if dupes:
        raise ValueError(f"{what}: la_code used by more than one area: {dupes}")
    return out.sort_values("la_code", kind="mergesort").reset_index(drop=True)


def boundary_frame(vintage: str) -> gpd.GeoDataFrame:
    v = info(vintage)
    gdf = sources.ons_upper_tier(v.ons_year)
    return attach_codes(gdf, dt.date(v.ons_year, 4, 1), f"{sources.ONS_TOPOJSON} {v.ons_year}")


def council_names() -> dict[str, str]:
    """la_code -> the council's short name as readers know it (the register's ``short_name``)."""
    from ofsted_record.register import load_councils

    councils = load_councils()
    short = councils["short_name"].fillna(councils["name"])
    return {str(k): str(v) for k, v in zip(councils["la_code"], short, strict=True)}


def hex_frame(vintage: str, ons_codes: dict[str, str]) -> gpd.GeoDataFrame:
    """One equal hexagon per council of ``vintage`` (``geography.hexlayout``)."""
    return hexlayout.hex_frame(vintage, ons_codes, council_names())


def encode_boundaries(gdf: gpd.GeoDataFrame, what: str) -> tuple[bytes, float]:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    for tol in BOUNDARY_TOLERANCES:
        simplified = gdf.set_geometry(topology.simplify_coverage(geoms, tol), crs=gdf.crs)
        topo = topology.encode(simplified, OBJECT_NAME, BOUNDARY_QUANTIZATION)
        data = topology.dumps(topo)
        if len(data) <= TARGET_BYTES and topology.check(topo, OBJECT_NAME).ok:
            return data, tol
    raise ValueError(f"{what}: no tolerance in {BOUNDARY_TOLERANCES} gives a valid file")


def encode_hexes(gdf: gpd.GeoDataFrame, what: str) -> bytes:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    clean = gdf.set_geometry(topology.simplify_coverage(geoms, 0.0))
    # No quantisation: the lattice coordinates are exact, so every hexagon stays the same size.
    topo = topology.encode(clean, OBJECT_NAME, False, HEX_PROPERTIES)
    result = topology.check(topo, OBJECT_NAME)
    if not result.ok:
        raise ValueError(f"{what}: hex layer fails checks {result}")
    return topology.dumps(topo)


def build_vintage(vintage: str, out_dir: Path) -> list[Built]:
    built = []
    gdf = boundary_frame(vintage)
    data, tol = encode_boundaries(gdf, f"boundaries {vintage}")
    path = out_dir / file_name("boundaries", vintage)
    atomic_write_bytes(path, data)
    built.append(Built("boundaries", vintage, path, len(data), len(gdf), tol))
    hexes = hex_frame(vintage, dict(zip(gdf["la_code"], gdf["ons_code"], strict=True)))
    data = encode_hexes(hexes, f"hex {vintage}")
    path = out_dir / file_name("hex", vintage)
    atomic_write_bytes(path, data)
    built.append(Built("hex", vintage, path, len(data), len(hexes), 0.0))
    return built


def write_summary(built: list[Built], out_dir: Path) -> Path:
    rows = []
    for b in built:
        v = info(b.vintage)
        rows.append(
            {
                "vintage": b.vintage,
                "kind": b.kind,
                "file": b.path.name,
                "object": OBJECT_NAME,
                "valid_from": v.valid_from.isoformat(),
                "valid_to": v.valid_to.isoformat() if v.valid_to else "",
                "ons_year": v.ons_year,
                "features": b.features,
                "bytes": b.bytes,
                "tolerance": b.tolerance,
                "source": (
                    sources.ONS_TOPOJSON if b.kind == "boundaries" else hexlayout.ODI_HEXJSON
                ),
                "note": v.note,
            }
        )
    return write_csv(pd.DataFrame(rows), out_dir / "vintages.csv", sort_by=["vintage", "kind"])


def build_all(
    out_dir: Path | None = None, vintages: tuple[str, ...] = VINTAGES, previews: bool = True
) -> list[Built]:
    """Build every vintage; one failing vintage is reported and does not stop the others."""
    from rich.progress import track

    out_dir = out_dir or output_dir()
    built: list[Built] = []
    errors: list[str] = []
    for vintage in track(vintages, description="geography"):
        try:
            done = build_vintage(vintage, out_dir)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        built.extend(done)
        if previews:
            from ofsted_record.geography.preview import write_preview

            write_preview(vintage, out_dir)
    if built:
        write_summary(built, out_dir)
    if errors:
        raise RuntimeError("geography build failed for: " + "; ".join(errors))
    return built
