"""England as at a chosen date: a choropleth of councils' overall grade, on the boundaries or
on the hex map (one equal hexagon per council) in force that day.

One chart holds a layer per boundary vintage; each layer loads its TopoJSON by URL from
``assets/geo/`` (copied there by the site build), shows itself only while the chosen date falls
in its validity, and looks up each council's grade for that date from an inline table. The hex
map adds a text layer per vintage with each council's short label. A select box (a Vega-Lite
parameter) picks the date: every 31 March from 2014 and the data's end.

Size: the map takes its container's width and its height follows from the width and the map's
shape (``charts.maps.aspect``), so a phone gets a full-width map with no blank band above or
below it. Vega-Lite has no height-from-width setting, so the spec carries a JSON patch for
vega-embed (``usermeta.embedOptions.patch``) that replaces the fixed height by a signal; a
renderer that ignores it (a PNG export) uses the fixed ``height``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd

from ofsted_record.charts.common import day_month_year, pct
from ofsted_record.charts.maps import DARK_FILLS, height_patch, map_title, reserve_css
from ofsted_record.charts.palette import ALL_GRADES, GRADE_LABELS, grade_scale
from ofsted_record.geography import (
    OBJECT_NAME,
    VINTAGE_INFO,
    VINTAGES,
    hexes,
    topojson_path,
)
from ofsted_record.site import frames

GEO_FOLDER = "assets/geo"
KINDS = {"boundaries": "utla", "hex": "hex"}
PARAM = "as_at"
STATUS_DATASET = "council_status"


def map_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """31 March of every year from 2014 while in the data, then the data's end date."""
    end = frames.data_end(con)
    dates = [dt.date(y, 3, 31) for y in range(2014, end.year + 1) if dt.date(y, 3, 31) <= end]
    if end not in dates:
        dates.append(end)
    return dates


def map_status(con: duckdb.DuckDBPyConnection, dates: list[dt.date] | None = None) -> pd.DataFrame:
    """``key`` (``date|la_code``), date, la_code, council, grade, grade_label, published_iso."""
    rows = []
    for day in dates or map_dates(con):
        table = frames.standing_on(con, day)
        for rec in table.itertuples(index=False):
            published = rec.published_date
            rows.append(
                {
                    "key": f"{day.isoformat()}|{rec.la_code}",
                    "date": day.isoformat(),
                    "la_code": rec.la_code,
                    "council": rec.council,
                    "grade": rec.grade,
                    "grade_label": rec.grade_label,
                    "published_iso": (
                        pd.Timestamp(published).date().isoformat() if pd.notna(published) else None
                    ),
                }
            )
    return pd.DataFrame(rows)


def copy_geography(site: Path) -> list[Path]:
    """Copy every vintage's boundaries and hexes into ``site/assets/geo``."""
    out = []
    for kind in KINDS:
        for vintage in VINTAGES:
            source = topojson_path(kind, vintage)
            target = site / GEO_FOLDER / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_bytes() != source.read_bytes():
                shutil.copyfile(source, target)
            out.append(target)
    return out


def describe_map(status: pd.DataFrame, kind: str) -> str:
    last = status["date"].max()
    latest = status[status["date"] == last]
    counts = latest["grade"].value_counts()
    total = len(latest)
    shape = (
        "hex map (one equal hexagon per council, labelled with a short name)"
        if kind == "hex"
        else "map"
    )
    return (
        f"Choropleth {shape} of England's councils coloured by the overall grade of their "
        f"children's services, with a menu to choose the date (31 March each year from 2014). "
        f"On {day_month_year(last)}, {counts.get('inadequate', 0)} of {total} councils "
        f"({pct(counts.get('inadequate', 0) / total)}) were inadequate and "
        f"{counts.get('good', 0) + counts.get('outstanding', 0)} good or outstanding."
    )


def _vintage_layers(
    kind: str, vintage: str, url_prefix: str, lookup: alt.LookupData, grades: list[str]
) -> list[alt.Chart]:
    """The geoshape layer of one vintage (and, for the hex map, its label layer)."""
    info = VINTAGE_INFO[vintage]
    start = info.valid_from.isoformat()
    end = info.valid_to.isoformat() if info.valid_to else "9999-12-31"
    url = f"{url_prefix}{GEO_FOLDER}/{KINDS[kind]}_{vintage}.topojson"
    labels_js = json.dumps([GRADE_LABELS[g] for g in ALL_GRADES])
    dark_js = json.dumps([ALL_GRADES.index(g) for g in DARK_FILLS])
    base = (
        alt.Chart(
            alt.UrlData(url=url, format=alt.TopoDataFormat(type="topojson", feature=OBJECT_NAME))
        )
        .transform_filter(f"{PARAM} >= '{start}' && {PARAM} <= '{end}'")
        .transform_calculate(key=f"{PARAM} + '|' + datum.properties.la_code")
        .transform_lookup(lookup="key", from_=lookup)
        .transform_calculate(
            grade_label=f"isValid(datum.g) ? {labels_js}[datum.g] : '{GRADE_LABELS['not_judged']}'",
            council="datum.properties.name",
            published="datum.p ? timeFormat(toDate(datum.p), '%-d %B %Y') : 'no inspection yet'",
            ink=f"isValid(datum.g) && indexof({dark_js}, datum.g) >= 0 ? 'white' : 'black'",
        )
    )
    tooltip = [
        alt.Tooltip("council:N", title="Council"),
        alt.Tooltip("grade_label:N", title="Overall grade"),
        alt.Tooltip("published:N", title="Report published"),
    ]
    shape = base.mark_geoshape(stroke="#ffffff", strokeWidth=1 if kind == "hex" else 0.3).encode(
        color=alt.Color(
            "grade_label:N",
            title=None,
            scale=alt.Scale(**grade_scale(grades)),
            # one column on a phone, so the legend is never wider than the map
            legend=alt.Legend(
                orient="top", columns=alt.ExprRef("containerSize()[0] >= 560 ? 2 : 1")
            ),
        ),
        tooltip=tooltip,
    )
    if kind != "hex":
        return [shape]
    # Labels sized with the map: a hexagon is about width / 17 pixels across.
    text = base.mark_text(
        fontSize=alt.expr("clamp(width / 48, 6, 13)"), fontWeight=600, baseline="middle"
    ).encode(
        longitude="properties.cx:Q",
        latitude="properties.cy:Q",
        text="properties.label:N",
        color=alt.Color("ink:N", scale=None, legend=None),
        tooltip=tooltip,
    )
    return [shape, text]


def england_map(
    status: pd.DataFrame, kind: str = "boundaries", url_prefix: str = "", height: int = 520
) -> alt.LayerChart:
    """The map (``kind`` 'boundaries' or 'hex'); ``url_prefix`` reaches the site root.

    ``height`` is used only where the height-from-width patch is not applied (see module doc).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    dates = sorted(status["date"].unique())
    param = alt.param(
        name=PARAM,
        value=dates[-1],
        bind=alt.binding_select(
            options=dates, labels=[day_month_year(d) for d in dates], name="As at "
        ),
    )
    grades = [g for g in ALL_GRADES if g in set(status["grade"])]
    # One named dataset shared by the layers' lookups (not copied into each).
    # Rows stay small: the grade as an index into ALL_GRADES, the date as ISO text.
    records = [
        {"key": k, "g": ALL_GRADES.index(g), "p": p}
        for k, g, p in zip(status["key"], status["grade"], status["published_iso"], strict=True)
    ]
    lookup = alt.LookupData(data=alt.NamedData(name=STATUS_DATASET), key="key", fields=["g", "p"])
    layers = [
        layer
        for vintage in VINTAGES
        for layer in _vintage_layers(kind, vintage, url_prefix, lookup, grades)
    ]
    projection = {"type": "identity", "reflectY": True} if kind == "hex" else {"type": "mercator"}
    heading = "Grades on the hex map" if kind == "hex" else "England's councils"
    subtitle = (
        "One hexagon per council, same size for all; latest overall grade on the chosen date"
        if kind == "hex"
        else "Latest overall grade of children's services on the chosen date"
    )
    return (
        alt.layer(*layers)
        .add_params(param)
        .project(**projection)
        .properties(
            title=map_title(heading, subtitle),
            description=describe_map(status, kind),
            datasets={STATUS_DATASET: records},
            width="container",
            height=height,
            usermeta={
                "embedOptions": {"patch": height_patch(kind)},
                "minHeight": reserve_css(kind),
            },
        )
    )


def _when(vintages: list[str]) -> str:
    """'throughout', 'until March 2019', 'from April 2021' for the vintages a council is in."""
    first, last = VINTAGE_INFO[vintages[0]], VINTAGE_INFO[vintages[-1]]
    if first.name == VINTAGES[0] and last.valid_to is None:
        return "throughout"
    if first.name == VINTAGES[0]:
        return f"until {last.valid_to:%B %Y}"
    return f"from {first.valid_from:%B %Y}"


def hex_key() -> pd.DataFrame:
    """Every council ever on the hex map: ``label``, ``council`` (full name), ``when``."""
    rows: dict[str, dict[str, Any]] = {}
    for vintage in VINTAGES:
        for rec in hexes(vintage).itertuples(index=False):
            row = rows.setdefault(rec.la_code, {"label": rec.label, "council": rec.name, "v": []})
            row["v"].append(vintage)
    out = pd.DataFrame(
        [
            {"label": r["label"], "council": r["council"], "when": _when(r["v"])}
            for r in rows.values()
        ]
    )
    return out.sort_values(["council", "when"], kind="mergesort").reset_index(drop=True)


def hex_key_html() -> str:
    """An accessible list of the hex map's labels and the councils they stand for."""
    key = hex_key()
    items = "\n".join(
        f"<tr><td>{html.escape(r.label)}</td><td>{html.escape(r.council)}</td>"
        f"<td>{'' if r.when == 'throughout' else html.escape(r.when)}</td></tr>"
        for r in key.itertuples(index=False)
    )
    return (
        '<details class="orc-hex-key"><summary>What the labels on the hex map stand for '
        f"({len(key)} councils)</summary>\n"
        '<table class="table table-sm"><thead><tr><th scope="col">Label</th>'
        '<th scope="col">Council</th><th scope="col">On the map</th></tr></thead>\n'
        f"<tbody>\n{items}\n</tbody></table></details>"
    )
