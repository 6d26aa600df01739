"""Redraw a hex cartogram on an exact hex lattice.

The House of Commons Library layers are drawn by hand: neighbouring areas' shared edges differ
by ~1e-4 grid units, so they do not form a clean coverage (TopoJSON cannot share their arcs and
slivers appear). Each area is a set of pointy-top hexagons 0.3 units wide, so we find which
lattice hexagons' centres fall inside each area and rebuild the area as the exact union of
those hexagons, computed in integer lattice units (so shared vertices are bit-identical).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from shapely.affinity import affine_transform
from shapely.geometry import Polygon

HEX_WIDTH = 0.3  # HoCL grid: flat-to-flat width of a hexagon
HALF_W = HEX_WIDTH / 2
RADIUS = HEX_WIDTH / math.sqrt(3)  # centre to pointy vertex
HEX_AREA = 1.5 * math.sqrt(3) * RADIUS**2
# Integer lattice: x unit = HALF_W, y unit = RADIUS / 2. Hex (i, j) centre = (2i + j%2, 3j).
_HEX = ((0, 2), (1, 1), (1, -1), (0, -2), (-1, -1), (-1, 1))


def _lattice_hex(cx: int, cy: int) -> Polygon:
    return Polygon([(cx + dx, cy + dy) for dx, dy in _HEX])


def _bottom_centres(gdf: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """Centre of the hexagon under the lowest vertex of every polygon part."""
    out = []
    for geom in gdf.geometry:
        for part in getattr(geom, "geoms", [geom]):
            xy = shapely.get_coordinates(part)
            low = xy[np.argmin(xy[:, 1])]
            out.append((float(low[0]), float(low[1] + RADIUS)))
    return out


def _majority_phase(gdf: gpd.GeoDataFrame, x0: float, y0: float) -> int:
    """0 if most parts sit on the lattice through (x0, y0), 1 if on the half-shifted one.

    The lowest vertex of the whole layer may belong to a hexagon drawn half a cell off the grid.
    """
    votes = [0, 0]
    for x, y in _bottom_centres(gdf):
        votes[_phase(x, y, x0, y0)] += 1
    return 0 if votes[0] >= votes[1] else 1


def _phase(x: float, y: float, x0: float, y0: float) -> int:
    j = round((y - y0) / (1.5 * RADIUS))
    i = (x - x0 - (j % 2) * HALF_W) / HEX_WIDTH
    return round(2 * (i - math.floor(i))) % 2


def _cells(part: Polygon, x0: float, y0: float) -> list[Polygon]:
    """Lattice hexagons (integer units) whose centres lie inside ``part``."""
    minx, miny, maxx, maxy = part.bounds
    row = 1.5 * RADIUS
    cells = []
    for j in range(math.floor((miny - y0) / row) - 1, math.ceil((maxy - y0) / row) + 2):
        shift = j % 2
        for i in range(
            math.floor((minx - x0) / HEX_WIDTH) - 1, math.ceil((maxx - x0) / HEX_WIDTH) + 2
        ):
            cx, cy = 2 * i + shift, 3 * j
            if part.contains(shapely.Point(x0 + cx * HALF_W, y0 + cy * RADIUS / 2)):
                cells.append(_lattice_hex(cx, cy))
    return cells


def regrid(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Replace each geometry by the union of the lattice hexagons whose centres it contains.

    A part drawn half a cell off the common lattice (the one-hex Isles of Scilly, in the sea)
    is rebuilt on the half-shifted lattice; the coverage check afterwards proves it touches
    nothing.
    """
    coords = shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object))
    low = coords[np.argmin(coords[:, 1])]
    x0, y0 = float(low[0]), float(low[1] + RADIUS)
    x0 += HALF_W * _majority_phase(gdf, x0, y0)
    out = []
    for code, geom in zip(gdf["ons_code"], gdf.geometry, strict=True):
        pieces = []
        for part in getattr(geom, "geoms", [geom]):
            xy = shapely.get_coordinates(part)
            low = xy[np.argmin(xy[:, 1])]
            px0 = x0 + HALF_W * _phase(float(low[0]), float(low[1] + RADIUS), x0, y0)
            cells = _cells(part, px0, y0)
            if not cells:
                raise ValueError(f"{what}: area {code} covers no hexagon centre")
            pieces.append(
                affine_transform(shapely.union_all(cells), [HALF_W, 0, 0, RADIUS / 2, px0, y0])
            )
        rebuilt = shapely.union_all(pieces)
        ratio = rebuilt.area / geom.area
        if not 0.97 < ratio < 1.03:
            raise ValueError(
                f"{what}: area {code} does not sit on a {HEX_WIDTH}-wide hex grid "
                f"(rebuilt/original area {ratio:.3f})"
            )
        out.append(rebuilt)
    return gdf.set_geometry(out)
