"""Read TopoJSON into shapely geometries (small, dependency-free decoder).

Used to read the ONS source topology and to read back (and test) the files we write, so the
checks do not depend on the library that wrote them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

Coords = list[tuple[float, float]]


class TopoJSONError(ValueError):
    """A TopoJSON file that cannot be decoded; the message names the file and the reason."""


def load(path: Path) -> dict[str, Any]:
    try:
        topo = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TopoJSONError(f"{path}: not readable as JSON ({exc})") from exc
    if not isinstance(topo, dict) or topo.get("type") != "Topology" or "objects" not in topo:
        raise TopoJSONError(f"{path}: not a TopoJSON Topology (no type=Topology / objects)")
    return topo


def decode_arcs(topo: dict[str, Any]) -> list[Coords]:
    """Absolute coordinates of every arc (undoing quantisation and delta encoding)."""
    transform = topo.get("transform")
    arcs: list[Coords] = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(pts)
    return arcs


def ring_coords(indexes: list[int], arcs: list[Coords]) -> Coords:
    ring: Coords = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def _polygon(rings: list[list[int]], arcs: list[Coords]) -> Polygon:
    decoded = [ring_coords(r, arcs) for r in rings]
    return Polygon(decoded[0], decoded[1:])


def geometry(obj: dict[str, Any], arcs: list[Coords]) -> BaseGeometry | None:
    kind = obj.get("type")
    if kind == "Polygon":
        return _polygon(obj["arcs"], arcs)
    if kind == "MultiPolygon":
        return MultiPolygon([_polygon(p, arcs) for p in obj["arcs"]])
    if kind is None:
        return None
    raise TopoJSONError(f"unsupported geometry type {kind!r}")


def features(topo: dict[str, Any], name: str) -> Iterator[tuple[dict[str, Any], BaseGeometry]]:
    """(properties, geometry) for each geometry of object ``name``."""
    if name not in topo["objects"]:
        raise TopoJSONError(f"no object {name!r} (objects: {sorted(topo['objects'])})")
    arcs = decode_arcs(topo)
    for obj in topo["objects"][name]["geometries"]:
        yield dict(obj.get("properties") or {}), geometry(obj, arcs)


def ring_arc_lists(topo: dict[str, Any], name: str) -> Iterator[list[list[int]]]:
    """Rings (as lists of arc indexes) of every polygon in object ``name`` (for checks)."""
    for obj in topo["objects"][name]["geometries"]:
        if obj.get("type") == "Polygon":
            yield obj["arcs"]
        elif obj.get("type") == "MultiPolygon":
            yield from obj["arcs"]
