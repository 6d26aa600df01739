"""Maps of England: each council's latest overall grade on 31 March of a year chosen with a
slider. Geographic (boundaries) and hex-cartogram versions.

Geometry comes from ``ofsted_record.geography`` (one TopoJSON per boundary vintage).
:func:`map_geometry` merges the vintages into one topology: for the boundaries every council
that ever existed (the newest shape of each); for the hex map every vintage's layout, keyed by
``vintage|la_code`` (a council can sit in a different cell in another vintage). So one map with
one slider covers 2014 to date: the data rows of a year name only the councils alive that year,
and only those are drawn, each hexagon labelled with the council's short label.

Size: the map takes its container's width and its height follows from the width at the map's
own aspect ratio (:func:`aspect`, a patch in ``usermeta.embedOptions.patch`` applied to the
compiled Vega at build time by ``embeds.runtime.compile_spec``;
Vega-Lite has no height-from-width setting), so a phone gets a full-width map with no blank band. The topology
and the data are inlined in the spec (no fetch at view time); the data is inlined as compact CSV
text with one-letter grade codes to keep the payload small.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from typing import Any

import altair as alt
import pandas as pd

from ofsted_record.charts.common import day_month_year, pct, require
from ofsted_record.charts.palette import ALL_GRADES, GRADE_LABELS, grade_scale

COLUMNS = ("year", "date", "la_code", "council", "grade", "grade_date", "report_url")
OBJECT = "councils"
KINDS = ("boundaries", "hex")
QUANTIZATION = {"boundaries": 5e3, "hex": 1e3}  # enough for a 800 px map; keeps bytes down
CODES = {
    "outstanding": "O",
    "good": "G",
    "adequate": "A",
    "requires_improvement": "R",
    "inadequate": "I",
    "no_overall_grade": "X",
    "not_judged": "N",
}
REPORT_PREFIX = "https://files.ofsted.gov.uk/v1/file/"
# Title lines short enough for a 320 px phone: Vega does not wrap text, and a line wider than
# the container makes the "fit" autosize shrink the map itself to a thumbnail.
HEADING_CHARS = 22
SUBTITLE_CHARS = 38
# SOURCE_RECORD in words that fit a phone's width
MAP_SOURCE = "Source: Ofsted; Ofsted record analysis"
# Desktop cap on the map's height: the window's height less room for the title and controls.
MIN_CAP = 480
WINDOW_MARGIN = 120
# Hex labels are white on these (dark) fills, black on the others.
DARK_FILLS = ("outstanding", "good", "inadequate", "no_overall_grade")


@functools.cache
def aspect(kind: str) -> float:
    """Height / width of the drawn map over every vintage's extent, as the projection shows it
    (identity for the hexes, Mercator for the boundaries)."""
    from ofsted_record import geography

    read = geography.hexes if kind == "hex" else geography.boundaries
    bounds = [read(v).total_bounds for v in geography.VINTAGES]
    minx, miny = min(b[0] for b in bounds), min(b[1] for b in bounds)
    maxx, maxy = max(b[2] for b in bounds), max(b[3] for b in bounds)
    if kind == "hex":
        return float((maxy - miny) / (maxx - minx))

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    return (mercator_y(maxy) - mercator_y(miny)) / math.radians(maxx - minx)


def height_patch(kind: str) -> list[dict[str, Any]]:
    """JSON patch to the compiled Vega (applied at build time): the plot's height follows its width at the map's aspect ratio,
    but stays within the window on a desktop (at least ``MIN_CAP`` px, so a phone held
    sideways still gets a usable map)."""
    ratio = f"{aspect(kind):.4f}"
    expr = f"round(min(width * {ratio}, max({MIN_CAP}, windowSize()[1] - {WINDOW_MARGIN})))"
    signal = {"name": "height", "update": expr, "on": [{"events": "window:resize", "update": expr}]}
    # The width is the container's, set directly, with no "fit" autosize: under "fit" Vega
    # re-measured the drawn labels, changed the width, refitted the projection and so on until
    # the call stack overflowed (seen at 1280 px: a map drawn five times too large). The
    # projection's own fit keeps every hexagon inside [width, height], so nothing spills.
    width = "isFinite(containerSize()[0]) ? max(100, containerSize()[0]) : 300"
    width_signal = {
        "name": "width",
        "init": width,
        "on": [{"events": "window:resize", "update": width}],
    }
    return [
        {"op": "remove", "path": "/height"},
        {"op": "add", "path": "/signals/-", "value": signal},
        {"op": "replace", "path": "/autosize", "value": {"type": "none"}},
        {"op": "replace", "path": "/padding", "value": 0},
        # fails loudly (the chart reports a patch error) if Vega-Lite ever moves the width signal
        {"op": "test", "path": "/signals/0/name", "value": "width"},
        {"op": "replace", "path": "/signals/0", "value": width_signal},
    ]


def reserve_css(kind: str, controls: int = 40) -> str:
    """CSS ``min-height`` for the box a map is drawn into: the height :func:`height_patch` will
    give it (``cqw``: the width of the figure, a size container), plus ``controls`` px for the
    date picker under it. Reserved before the chart draws, so nothing below it jumps, and no
    taller than the map, so a phone gets no blank band under it."""
    ratio = f"{aspect(kind):.4f}"
    plot = f"min(100cqw * {ratio}, max({MIN_CAP}px, 100vh - {WINDOW_MARGIN}px))"
    return f"calc({plot} + {controls}px)"


def hex_labels(base: alt.Chart, properties: str, **channels: Any) -> alt.Chart:
    """The hex map's short label on each hexagon, sized with the map (a hexagon is about
    width / 17 pixels across), white on dark fills (``ink``). ``properties`` is where the
    hexagon's properties are in each row (``properties`` or a lookup's ``geo.properties``);
    ``channels`` adds the layer's own (tooltip, link)."""
    return base.mark_text(
        fontSize=alt.expr("clamp(width / 48, 6, 13)"), fontWeight=600, baseline="middle"
    ).encode(
        longitude=f"{properties}.cx:Q",
        latitude=f"{properties}.cy:Q",
        text=f"{properties}.label:N",
        color=alt.Color("ink:N", scale=None, legend=None),
        **channels,
    )


def map_title(heading: str, subtitle: str) -> alt.Title:
    """Title block with every line short enough for a phone; the (short) Source line last,
    on one line, as every chart's title block ends."""
    if len(heading) > HEADING_CHARS:
        raise ValueError(f"map heading {heading!r} is longer than {HEADING_CHARS} characters")
    return alt.Title(text=heading, subtitle=[*textwrap.wrap(subtitle, SUBTITLE_CHARS), MAP_SOURCE])


def map_geometry(kind: str) -> dict[str, Any]:
    """One topology (object ``councils``, properties ``la_code``, ``name``) of every council in
    any vintage, each drawn with its newest shape."""
    import geopandas as gpd

    from ofsted_record import geography
    from ofsted_record.geography import topology

    if kind not in KINDS:
        raise ValueError(f"map kind must be one of {KINDS}, got {kind!r}")
    if kind == "hex":
        frames = [
            geography.hexes(v).assign(key=lambda f, v=v: v + "|" + f["la_code"])
            for v in geography.VINTAGES
        ]
        merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True))
        props = ("key", "la_code", "name", "label", "cx", "cy")
        return topology.encode(merged, OBJECT, False, props)
    frames, seen = [], set()
    for vintage in reversed(geography.VINTAGES):
        frame = geography.read_topojson(geography.topojson_path(kind, vintage), crs=None)
        frame = frame[~frame["la_code"].isin(seen)]
        seen |= set(frame["la_code"])
        frames.append(frame)
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True)).sort_values("la_code")
    topo = topology.encode(merged, OBJECT, QUANTIZATION[kind])
    for obj in topo["objects"][OBJECT]["geometries"]:
        obj["properties"].pop("ons_code", None)
    return topo


def _compact_csv(df: pd.DataFrame) -> str:
    """``v,la_code,year,g,date,file`` text (``v`` the boundary vintage of the row's date): grade as one letter, report URL as its file number."""

    def text(series: pd.Series) -> pd.Series:
        return series.astype(object).map(lambda v: "" if pd.isna(v) else str(v))

    from ofsted_record.geography import vintage_for

    files = text(df["report_url"]).str.removeprefix(REPORT_PREFIX)
    out = pd.DataFrame(
        {
            "v": [vintage_for(d) for d in df["date"]],
            "la_code": df["la_code"],
            "year": df["year"].astype(int),
            "g": df["grade"].map(CODES),
            "date": text(df["grade_date"]),
            "file": files,
        }
    )
    return out.to_csv(index=False, lineterminator="\n")


def describe_map(df: pd.DataFrame, kind: str) -> str:
    latest = int(df["year"].max())
    first = int(df["year"].min())
    now = df[df["year"] == latest]
    then = df[df["year"] == first]
    shape = "Hex map (one equal hexagon per council)" if kind == "hex" else "Map"
    return (
        f"{shape} of England's councils coloured by their latest overall Ofsted grade on 31 March "
        f"of each year from {first} to {latest}, chosen with a slider. In {latest}, "
        f"{(now['grade'] == 'inadequate').sum()} of {len(now)} councils "
        f"({pct((now['grade'] == 'inadequate').mean())}) were inadequate, against "
        f"{(then['grade'] == 'inadequate').sum()} of {len(then)} in {first}."
    )


def map_chart(
    df: pd.DataFrame,
    topo: dict[str, Any],
    kind: str = "boundaries",
    width: int | str = "container",
) -> alt.LayerChart:
    """Choropleth with a year slider (a Vega-Lite param bound to a range input).

    Input columns: ``year`` (int, snapshot on 31 March, or the data's end date in its last
    year), ``date`` (the snapshot's date), ``la_code``, ``council``, ``grade`` (code),
    ``grade_date`` (publication date of the judgement shown, empty if none), ``report_url``.
    ``topo`` is :func:`map_geometry` of ``kind``: object ``councils`` whose features carry
    ``la_code`` and ``name`` (hexes also ``key``, ``label``, ``cx``, ``cy``).
    """
    require(df, COLUMNS, "map_chart")
    unknown = set(df["grade"]) - set(CODES)
    if unknown:
        raise ValueError(f"map_chart: unknown grades {sorted(unknown)}")
    years = sorted(int(y) for y in df["year"].unique())
    grades = [g for g in ALL_GRADES if g in set(df["grade"])]
    year = alt.param(
        name="year",
        value=years[-1],
        bind=alt.binding_range(min=years[0], max=years[-1], step=1, name="Year (31 March): "),
    )
    geo = alt.InlineData(
        values=json.loads(json.dumps(topo)),
        format=alt.DataFormat(type="topojson", feature=OBJECT),
    )
    data = alt.InlineData(values=_compact_csv(df), format=alt.DataFormat(type="csv"))
    labels = {code: GRADE_LABELS[g] for g, code in CODES.items()}
    dark = [CODES[g] for g in DARK_FILLS]
    hex_map = kind == "hex"
    base = (
        alt.Chart(data)
        .transform_filter("toNumber(datum.year) == year")
        .transform_calculate(
            grade_label=f"{json.dumps(labels)}[datum.g]",
            # link text for the report, never the raw address (the mark links to it)
            report="datum.file ? (isValid(toNumber(datum.file)) && toNumber(datum.file) > 0 "
            f"? '{REPORT_PREFIX}' + datum.file : datum.file) : null",
            published="datum.date ? timeFormat(toDate(datum.date), '%-d %B %Y') "
            ": 'no inspection yet'",
            geo_key="datum.v + '|' + datum.la_code" if hex_map else "datum.la_code",
            ink=f"indexof({json.dumps(dark)}, datum.g) >= 0 ? 'white' : 'black'",
        )
        .transform_lookup(
            lookup="geo_key",
            from_=alt.LookupData(
                data=geo, key="properties.key" if hex_map else "properties.la_code"
            ),
            as_="geo",
        )
        # what a screen reader announces for each council (not the raw link or geometry)
        .transform_calculate(aria="datum.geo.properties.name + ': ' + datum.grade_label")
    )
    tooltip = [
        alt.Tooltip("geo.properties.name:N", title="Council"),
        alt.Tooltip("grade_label:N", title="Grade"),
        alt.Tooltip("published:N", title="Report published"),
    ]
    shapes = base.mark_geoshape(stroke="#ffffff", strokeWidth=1 if hex_map else 0.5).encode(
        shape="geo:G",
        color=alt.Color(
            "grade_label:N",
            title=None,
            scale=alt.Scale(**grade_scale(grades)),
            # one column on a phone, so the legend is never wider than the map
            legend=alt.Legend(
                orient="top", columns=alt.ExprRef("containerSize()[0] >= 560 ? 2 : 1")
            ),
        ),
        href=alt.Href("report:N"),
        description=alt.Description("aria:N"),
        tooltip=tooltip,
    )
    layers = [shapes]
    if hex_map:
        layers.append(
            hex_labels(
                base,
                "geo.properties",
                href=alt.Href("report:N"),
                description=alt.Description("aria:N"),
                tooltip=tooltip,
            )
        )
    projection = {"type": "identity", "reflectY": True} if hex_map else {"type": "mercator"}
    shown = day_month_year(max(df["date"]))
    heading = "Grades on the hex map" if hex_map else "Grades across England"
    subtitle = (
        ("One equal hexagon per council. " if hex_map else "")
        + "Each council's latest overall grade on 31 March of the year chosen with the "
        f"slider; shown: {shown}"
    )
    return (
        alt.layer(*layers)
        .add_params(year)
        .project(**projection)
        .properties(
            title=map_title(heading, subtitle),
            description=describe_map(df, kind),
            width=width,
            height=round(600 * aspect(kind)),
            usermeta={
                "embedOptions": {"patch": height_patch(kind)},
                "minHeight": reserve_css(kind),
            },
        )
    )
