"""Maps of England: each council's latest overall grade on 31 March of a year chosen with a
slider. Geographic (boundaries) and hex-cartogram versions.

Geometry comes from ``ofsted_record.geography`` (one TopoJSON per boundary vintage).
:func:`map_geometry` merges the vintages into one topology holding every council that ever
existed (the newest shape of each), so one map with one slider covers 2014 to date: the data
rows of a year name only the councils alive that year, and only those are drawn. The topology
and the data are inlined in the spec (no fetch at view time); the data is inlined as compact CSV
text with one-letter grade codes to keep the payload small.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, require, title
from ofsted_record.charts.palette import ALL_GRADES, GRADE_LABELS, grade_scale

COLUMNS = ("year", "la_code", "council", "grade", "grade_date", "report_url")
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


def map_geometry(kind: str) -> dict[str, Any]:
    """One topology (object ``councils``, properties ``la_code``, ``name``) of every council in
    any vintage, each drawn with its newest shape."""
    import geopandas as gpd

    from ofsted_record import geography
    from ofsted_record.geography import topology

    if kind not in KINDS:
        raise ValueError(f"map kind must be one of {KINDS}, got {kind!r}")
    if kind == "hex":
        # Hex layouts of different vintages use different grids: merging them overlaps hexes.
        # The hex map uses the newest layout as written (abolished councils are not drawn).
        return json.loads(geography.topojson_path("hex", geography.VINTAGES[-1]).read_text())
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
    """``la_code,year,g,date,file`` text: grade as one letter, report URL as its file number."""

    def text(series: pd.Series) -> pd.Series:
        return series.astype(object).map(lambda v: "" if pd.isna(v) else str(v))

    files = text(df["report_url"]).str.removeprefix(REPORT_PREFIX)
    out = pd.DataFrame(
        {
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
    shape = "Hex map" if kind == "hex" else "Map"
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
) -> alt.Chart:
    """Choropleth with a year slider (a Vega-Lite param bound to a range input).

    Input columns: ``year`` (int, snapshot on 31 March, or the data's end date in its last
    year), ``la_code``, ``council``, ``grade`` (code), ``grade_date`` (ISO publication date of
    the judgement shown, empty if none), ``report_url``. ``topo`` is a TopoJSON dict with
    object ``councils`` whose features carry ``la_code`` and ``name``.
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
    projection = {"type": "identity", "reflectY": True} if kind == "hex" else {"type": "mercator"}
    return (
        alt.Chart(data)
        .transform_filter("toNumber(datum.year) == year")
        .transform_calculate(
            grade_label=f"{json.dumps(labels)}[datum.g]",
            report="datum.file ? (isValid(toNumber(datum.file)) && toNumber(datum.file) > 0 "
            f"? '{REPORT_PREFIX}' + datum.file : datum.file) : null",
        )
        .transform_lookup(
            lookup="la_code",
            from_=alt.LookupData(data=geo, key="properties.la_code"),
            as_="geo",
        )
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            shape="geo:G",
            color=alt.Color(
                "grade_label:N",
                title=None,
                scale=alt.Scale(**grade_scale(grades)),
                legend=alt.Legend(orient="top", columns=2),
            ),
            href=alt.Href("report:N"),
            tooltip=[
                alt.Tooltip("geo.properties.name:N", title="Council"),
                alt.Tooltip("grade_label:N", title="Grade"),
                alt.Tooltip("date:N", title="Published"),
                alt.Tooltip("report:N", title="Report"),
            ],
        )
        .add_params(year)
        .project(**projection)
        .properties(
            title=title(
                "Ofsted grades across England" + (" (hex map)" if kind == "hex" else ""),
                "Each council's latest overall grade on 31 March; move the slider to change year",
                SOURCE_RECORD,
            ),
            description=describe_map(df, kind),
            width=width,
            height=420 if kind == "boundaries" else 380,
        )
    )
