"""Equal-hexagon layouts: one hexagon per council for every boundary vintage.

The base is the ODI Leeds hexjson of 2019 upper-tier areas (``odd-r`` offset coordinates: rows
``r`` count upwards, odd rows sit half a cell to the right). Its English hexes are exactly the
councils of the ``2019`` vintage. The other vintages differ from it by a few councils, placed by
one rule (see docs/geography.md, "Hex layout"):

* a council that replaced another (or was replaced by it) takes that council's cell;
* when one council became two (or two became one), the extra council takes a free cell next to
  the shared one, on the side where it lies on the ground;
* when no neighbouring cell is free, the fewest councils in that row move one cell outwards
  to free one, and they move only in the vintages that need it.

Every cell is checked when the layout is built: each council of the vintage gets exactly one
cell, no cell holds two councils, and each deliberately placed council touches the councils it
was placed beside.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon

from ofsted_record.geography import codes
from ofsted_record.geography.sources import geography_path
from ofsted_record.geography.vintages import info

ODI_HEXJSON = "hex_odileeds_uk-upper-tier-local-authorities.hexjson"
BASE_VINTAGE = "2019"
SQRT3_2 = math.sqrt(3) / 2
# Coordinates are rounded once per lattice point, so neighbours share bit-identical vertices.
DECIMALS = 4
# Pointy-top hexagon of circumradius 1 in lattice units (x in sqrt(3)/2, y in 1/2), clockwise
# with y up, starting at the top vertex.
_CORNERS = ((0, 2), (1, 1), (1, -1), (0, -2), (-1, -1), (-1, 1))

Cell = tuple[int, int]


@dataclass(frozen=True)
class Placement:
    """A council's cell in a vintage that differs from the base layout, and why."""

    la_code: str
    cell: Cell
    beside: tuple[str, ...]  # councils it must touch (checked when the layout is built)
    why: str


# Changes from the 2019 base, per vintage. Cells are (q, r) in the hexjson's odd-r grid.
PLACEMENTS: dict[str, tuple[Placement, ...]] = {
    "2014": (
        Placement("835", (3, 1), ("836",), "Dorset County Council in Dorset Council's cell"),
        Placement(
            "836",
            (4, 1),
            ("835", "837"),
            "Poole in the free cell between Dorset and Bournemouth, as on the ground",
        ),
        Placement(
            "837",
            (5, 2),
            ("836",),
            "Bournemouth in the cell of Bournemouth, Christchurch and Poole",
        ),
    ),
    "2021": (
        Placement(
            "884",
            (4, 6),
            ("916",),
            "Herefordshire moves one cell west (a free cell, "
            "still beside Gloucestershire) to make room for the two Northamptonshires",
        ),
        Placement("937", (5, 6), ("884", "330"), "Warwickshire moves one cell west"),
        Placement(
            "941", (6, 6), ("937", "940"), "West Northamptonshire west of North Northamptonshire"
        ),
        Placement("940", (7, 6), ("941",), "North Northamptonshire in Northamptonshire's cell"),
    ),
    "2023": (
        Placement("884", (4, 6), ("916",), "as from April 2021"),
        Placement("937", (5, 6), ("884", "330"), "as from April 2021"),
        Placement("941", (6, 6), ("937", "940"), "as from April 2021"),
        Placement("940", (7, 6), ("941",), "as from April 2021"),
        Placement("943", (6, 14), ("888",), "Westmorland and Furness in Cumbria's cell"),
        Placement("942", (6, 15), ("943",), "Cumberland in the free cell north of it"),
    ),
}

# Words left out of labels; the label is built from the initials of the rest.
_MINOR = {"and", "of", "upon", "on", "with", "the", "city", "council", "county", "borough"}
# Names whose initials or first letters would be unclear or clash.
LABEL_OVERRIDES = {
    "City of London": "CoL",
    "County Durham": "Dur",
    "Kingston upon Hull": "Hul",
    "Isles of Scilly": "IoS",
    "Isle of Wight": "IoW",
    "Bournemouth, Christchurch and Poole": "BCP",
    "Newcastle upon Tyne": "New",
    "Kingston upon Thames": "Kin",
    "Richmond upon Thames": "Ric",
    "Southend-on-Sea": "Sen",
    "Stockton-on-Tees": "Sto",
    "Stoke-on-Trent": "Stk",
    "Stockport": "Skp",
    "Blackburn with Darwen": "Bla",
    "Blackpool": "Bpl",
    "Telford and Wrekin": "Tel",
    "Barnet": "Bnt",
    "Barnsley": "Bns",
    "Bracknell Forest": "Bra",
    "Bradford": "Brd",
    "Brent": "Bre",
    "Bromley": "Bro",
    "Bristol": "Bri",
    "Brighton and Hove": "B&H",
    "Derby": "Dby",
    "Derbyshire": "Dbs",
    "Leicester": "Lci",
    "Leicestershire": "Lcs",
    "Nottingham": "Not",
    "Nottinghamshire": "Nts",
    "Hartlepool": "Hpl",
    "Harrow": "Hrw",
    "Haringey": "Hgy",
    "Hammersmith and Fulham": "H&F",
    "Hampshire": "Ham",
    "Havering": "Hav",
    "Southampton": "Sot",
    "Southwark": "Swk",
    "Sandwell": "San",
    "Salford": "Sal",
    "Wakefield": "Wak",
    "Walsall": "Wal",
    "Waltham Forest": "WF",
    "Wandsworth": "Wan",
    "Warrington": "Wrr",
    "Warwickshire": "Wrw",
    "Wolverhampton": "Wol",
    "Wokingham": "Wok",
    "Windsor and Maidenhead": "W&M",
    "Westminster": "Wes",
    "West Berkshire": "WBk",
    "West Sussex": "WSx",
    "East Sussex": "ESx",
    "West Northamptonshire": "WNo",
    "North Northamptonshire": "NNo",
    "Northamptonshire": "Nor",
    "Northumberland": "Nbd",
    "Norfolk": "Nfk",
    "North Tyneside": "NTy",
    "South Tyneside": "STy",
    "North Somerset": "NSo",
    "South Gloucestershire": "SGl",
    "North Yorkshire": "NYo",
    "East Riding of Yorkshire": "ERY",
    "North Lincolnshire": "NLi",
    "North East Lincolnshire": "NEL",
    "Bath and North East Somerset": "BNS",
    "Barking and Dagenham": "B&D",
    "Kensington and Chelsea": "K&C",
    "Cheshire East": "ChE",
    "Cheshire West and Chester": "CWC",
    "Central Bedfordshire": "CBd",
    "Redcar and Cleveland": "R&C",
    "Tower Hamlets": "TH",
    "Milton Keynes": "MK",
    "St Helens": "StH",
    "Westmorland and Furness": "W&F",
    "Cumberland": "Cbd",
    "Cumbria": "Cum",
    "Camden": "Cam",
    "Cambridgeshire": "Cbs",
    "Calderdale": "Cal",
    "Croydon": "Cro",
    "Coventry": "Cov",
    "Cornwall": "Cor",
    "Merton": "Mer",
    "Medway": "Med",
    "Manchester": "Man",
    "Middlesbrough": "Mid",
    "Lambeth": "Lam",
    "Lancashire": "Lan",
    "Sunderland": "Sun",
    "Surrey": "Sry",
    "Suffolk": "Sfk",
    "Sutton": "Sut",
    "Swindon": "Swi",
    "Somerset": "Som",
    "Solihull": "Sol",
    "Poole": "Poo",
    "Portsmouth": "Por",
    "Peterborough": "Pet",
    "Plymouth": "Ply",
    "Bournemouth": "Bou",
    "Bolton": "Bol",
    "Newham": "Nwm",
    "Herefordshire": "Hfd",
    "Hertfordshire": "Hts",
}


class LayoutError(ValueError):
    """A hex layout that breaks a rule; the message names the vintage and the councils."""


def label_for(name: str) -> str:
    """Short label drawn in a council's hexagon (its full name is in the tooltip)."""
    if name in LABEL_OVERRIDES:
        return LABEL_OVERRIDES[name]
    words = [w for w in re.split(r"[\s,\-]+", name) if w and w.lower() not in _MINOR]
    if len(words) == 1:
        return words[0][:3]
    return "".join(w[0].upper() for w in words)[:3]


def neighbours(cell: Cell) -> set[Cell]:
    """The six cells touching ``cell`` in an odd-r grid (odd rows shifted right)."""
    q, r = cell
    shift = r & 1  # odd rows: the row above and below reach one cell further right
    return {
        (q - 1, r),
        (q + 1, r),
        (q - 1 + shift, r + 1),
        (q + shift, r + 1),
        (q - 1 + shift, r - 1),
        (q + shift, r - 1),
    }


def read_hexjson(path: Path | None = None) -> dict[str, Cell]:
    """English ONS code -> (q, r) of the ODI Leeds hexjson; errors name the file."""
    path = path or geography_path(ODI_HEXJSON)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LayoutError(f"{path}: not readable as JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("layout") != "odd-r" or "hexes" not in data:
        raise LayoutError(f"{path}: not an odd-r hexjson (needs layout 'odd-r' and 'hexes')")
    cells = {}
    for code, hex_ in data["hexes"].items():
        if not str(code).startswith("E"):
            continue
        try:
            cells[str(code)] = (int(hex_["q"]), int(hex_["r"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise LayoutError(f"{path}: hex {code} has no integer q/r ({exc})") from exc
    if not cells:
        raise LayoutError(f"{path}: no English hexes")
    return cells


def base_layout(path: Path | None = None) -> dict[str, Cell]:
    """la_code -> cell for the 2019 vintage, straight from the hexjson."""
    on = info(BASE_VINTAGE).valid_from
    out: dict[str, Cell] = {}
    for ons, cell in read_hexjson(path).items():
        la = codes.la_code_for_ons(ons, on)
        if la is None:
            raise LayoutError(f"{path or ODI_HEXJSON}: no council had ONS code {ons} on {on}")
        out[la] = cell
    return out


def layout(vintage: str, path: Path | None = None) -> dict[str, Cell]:
    """la_code -> (q, r) of every council in being during ``vintage``; checked."""
    v = info(vintage)
    alive = set(codes.councils_on(v.valid_from))
    if v.valid_to is not None and set(codes.councils_on(v.valid_to)) != alive:
        raise LayoutError(f"hex {vintage}: councils change within the vintage")
    cells = {la: c for la, c in base_layout(path).items() if la in alive}
    for p in PLACEMENTS.get(vintage, ()):
        if p.la_code not in alive:
            raise LayoutError(f"hex {vintage}: placed council {p.la_code} is not in being")
        cells[p.la_code] = p.cell
    _check(vintage, cells, alive)
    return dict(sorted(cells.items()))


def _check(vintage: str, cells: dict[str, Cell], alive: set[str]) -> None:
    if missing := sorted(alive - set(cells)):
        raise LayoutError(f"hex {vintage}: no cell for councils {missing}")
    by_cell: dict[Cell, list[str]] = {}
    for la, cell in cells.items():
        by_cell.setdefault(cell, []).append(la)
    if shared := {c: las for c, las in by_cell.items() if len(las) > 1}:
        raise LayoutError(f"hex {vintage}: cells holding more than one council {shared}")
    for p in PLACEMENTS.get(vintage, ()):
        apart = [b for b in p.beside if cells.get(b) not in neighbours(p.cell)]
        if apart:
            raise LayoutError(f"hex {vintage}: {p.la_code} at {p.cell} does not touch {apart}")


def centre(cell: Cell) -> tuple[float, float]:
    q, r = cell
    return round((2 * q + (r & 1)) * SQRT3_2, DECIMALS), round(1.5 * r, DECIMALS)


def hexagon(cell: Cell) -> Polygon:
    """Regular pointy-top hexagon of circumradius 1 centred on ``cell``; clockwise (y up)."""
    q, r = cell
    x0, y0 = 2 * q + (r & 1), 3 * r
    return Polygon(
        [
            (round((x0 + dx) * SQRT3_2, DECIMALS), round((y0 + dy) / 2, DECIMALS))
            for dx, dy in _CORNERS
        ]
    )


def hex_frame(vintage: str, ons_codes: dict[str, str], names: dict[str, str]) -> gpd.GeoDataFrame:
    """la_code, ons_code, name, label, q, r, cx, cy, geometry for every council of ``vintage``.

    ``ons_codes`` gives each council's ONS code at the vintage's start, ``names`` its name.
    """
    rows, geoms = [], []
    for la, cell in layout(vintage).items():
        cx, cy = centre(cell)
        name = names[la]
        rows.append(
            {
                "la_code": la,
                "ons_code": ons_codes[la],
                "name": name,
                "label": label_for(name),
                "q": cell[0],
                "r": cell[1],
                "cx": cx,
                "cy": cy,
            }
        )
        geoms.append(hexagon(cell))
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs=None)
    clashes = frame["label"][frame["label"].duplicated()].tolist()
    if clashes:
        raise LayoutError(f"hex {vintage}: labels used twice {clashes}")
    return frame
