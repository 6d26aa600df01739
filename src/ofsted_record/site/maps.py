"""England as at a chosen date: a choropleth of councils' overall grade, on the boundaries or
on the hex cartogram in force that day.

One chart holds a layer per boundary vintage; each layer loads its TopoJSON by URL from
``assets/geo/`` (copied there by the site build), shows itself only while the chosen date falls
in its validity, and looks up each council's grade for that date from an inline table. A
select box (a Vega-Lite parameter) picks the date: every 31 March from 2014 and the data's end.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, day_month_year, pct, title
from ofsted_record.charts.palette import ALL_GRADES, GRADE_LABELS, grade_scale
from ofsted_record.geography import OBJECT_NAME, VINTAGE_INFO, VINTAGES, topojson_path
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
    shape = "hex cartogram (House of Commons Library layout)" if kind == "hex" else "map"
    return (
        f"Choropleth {shape} of England's councils coloured by the overall grade of their "
        f"children's services, with a menu to choose the date (31 March each year from 2014). "
        f"On {day_month_year(last)}, {counts.get('inadequate', 0)} of {total} councils "
        f"({pct(counts.get('inadequate', 0) / total)}) were inadequate and "
        f"{counts.get('good', 0) + counts.get('outstanding', 0)} good or outstanding."
    )


def england_map(
    status: pd.DataFrame, kind: str = "boundaries", url_prefix: str = "", height: int = 520
) -> alt.LayerChart:
    """The map (``kind`` 'boundaries' or 'hex'); ``url_prefix`` reaches the site root."""
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
    # One named dataset shared by the four layers' lookups (not copied into each).
    # Rows stay small: the grade as an index into `labels_js`, the date as ISO text.
    labels = [GRADE_LABELS[g] for g in ALL_GRADES]
    records = [
        {"key": k, "g": ALL_GRADES.index(g), "p": p}
        for k, g, p in zip(status["key"], status["grade"], status["published_iso"], strict=True)
    ]
    lookup = alt.LookupData(data=alt.NamedData(name=STATUS_DATASET), key="key", fields=["g", "p"])
    labels_js = json.dumps(labels)
    layers = []
    for vintage in VINTAGES:
        info = VINTAGE_INFO[vintage]
        start = info.valid_from.isoformat()
        end = info.valid_to.isoformat() if info.valid_to else "9999-12-31"
        url = f"{url_prefix}{GEO_FOLDER}/{KINDS[kind]}_{vintage}.topojson"
        layer = (
            alt.Chart(
                alt.UrlData(
                    url=url, format=alt.TopoDataFormat(type="topojson", feature=OBJECT_NAME)
                )
            )
            .mark_geoshape(stroke="#ffffff", strokeWidth=0.6 if kind == "hex" else 0.3)
            .transform_filter(f"{PARAM} >= '{start}' && {PARAM} <= '{end}'")
            .transform_calculate(key=f"{PARAM} + '|' + datum.properties.la_code")
            .transform_lookup(lookup="key", from_=lookup)
            .transform_calculate(
                grade_label=f"isValid(datum.g) ? {labels_js}[datum.g] : 'Not yet judged'",
                council="datum.properties.name",
                published="datum.p ? timeFormat(toDate(datum.p), '%-d %B %Y') : 'no inspection yet'",
            )
            .encode(
                color=alt.Color(
                    "grade_label:N",
                    title=None,
                    scale=alt.Scale(**grade_scale(grades)),
                    legend=alt.Legend(orient="top", columns=2),
                ),
                tooltip=[
                    alt.Tooltip("council:N", title="Council"),
                    alt.Tooltip("grade_label:N", title="Overall grade"),
                    alt.Tooltip("published:N", title="Report published"),
                ],
            )
        )
        layers.append(layer)
    projection = {"type": "identity", "reflectY": True} if kind == "hex" else {"type": "mercator"}
    heading = "England's councils on the hex map" if kind == "hex" else "England's councils"
    return (
        alt.layer(*layers)
        .add_params(param)
        .project(**projection)
        .properties(
            title=title(
                heading,
                "Latest overall grade of children's services on the chosen date",
                SOURCE_RECORD,
            ),
            description=describe_map(status, kind),
            datasets={STATUS_DATASET: records},
            width="container",
            height=height,
        )
    )
