"""England in any month: a choropleth of councils' overall grade, on the boundaries or on the
hex map (one equal hexagon per council) in force that month, driven by one time control.

Data: :func:`month_status` asks the warehouse (``frames.standing_on``, the standing rules of the
headline measure) for every council's standing at the end of every month from November 2013
(the first single-inspection-framework judgements) to the data's end, and :func:`month_payload`
packs it as compact JSON shipped once in the page: per council only the months where its grade
changes, plus the national counts of each month. The browser rebuilds any month from it.

Geometry: one TopoJSON per map holds every council that ever existed (the boundaries, each in
its newest shape) or every vintage's hex layout (keyed ``vintage|la_code``), written by
:func:`copy_geography` to ``assets/geo/``. So a reader's browser fetches one file per map
whatever the month, and a month draws only the councils existing then (for the hex map, in
that month's layout): boundaries and hexes change as councils did (2019, 2021, 2023).

The charts carry two Vega-Lite params and no input binding: ``as_at`` (the month's day, ISO
text) and ``grades`` (``{la_code: [grade index, publication date]}`` for that month). The
page's own script (``assets/month-map.js``) sets both on each map's view.

Size: the map takes its container's width and its height follows from the width and the map's
shape (``charts.maps.aspect``), so a phone gets a full-width map with no blank band above or
below it. Vega-Lite has no height-from-width setting, so the spec carries a JSON patch
(``usermeta.embedOptions.patch``, applied to the compiled Vega at build time) that replaces the fixed height by a signal; a
renderer that ignores it (a PNG export) uses the fixed ``height``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd

from ofsted_record.charts.common import day_month_year, pct
from ofsted_record.charts.maps import (
    DARK_FILLS,
    height_patch,
    hex_labels,
    map_geometry,
    map_title,
    reserve_css,
)
from ofsted_record.charts.palette import ALL_GRADES, GRADE_LABELS, grade_scale
from ofsted_record.geography import OBJECT_NAME, VINTAGE_INFO, VINTAGES, hexes
from ofsted_record.site import frames
from ofsted_record.site.embed import script_json
from ofsted_record.tables import atomic_write_text

GEO_FOLDER = "assets/geo"
KINDS = {"boundaries": "utla", "hex": "hex"}
PARAM = "as_at"
GRADES_PARAM = "grades"
PICK_PARAM = "pick"
# The first judgements under the single inspection framework (November 2013): the first month
# whose grades share the scale every later month uses.
FIRST_MONTH = dt.date(2013, 11, 1)
PAYLOAD_ID = "map-months"
SCRIPT = "assets/month-map.js"
STYLE = "assets/month-map.css"


def geo_file(kind: str) -> str:
    """File name (under ``assets/geo``) of a map's TopoJSON of every vintage."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    return f"{KINDS[kind]}_all.topojson"


def map_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """The day each month is shown as at: its last day, or in the data's last month the data's
    end (as the headline measure counts: never a day the data do not cover)."""
    end = frames.data_end(con)
    days, first = [], FIRST_MONTH
    while first <= end:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        days.append(min(last, end))
        first = last + dt.timedelta(days=1)
    return days


def month_status(con: duckdb.DuckDBPyConnection, days: list[dt.date] | None = None) -> pd.DataFrame:
    """One row per council existing on each month's day: ``month`` (``YYYY-MM``), ``as_at``
    (ISO), ``la_code``, ``council``, ``grade``, ``grade_label``, ``published_iso``."""
    parts = []
    for day in days or map_months(con):
        table = frames.standing_on(con, day)
        published = pd.to_datetime(table["published_date"])
        parts.append(
            pd.DataFrame(
                {
                    "month": f"{day:%Y-%m}",
                    "as_at": day.isoformat(),
                    "la_code": table["la_code"],
                    "council": table["council"],
                    "grade": table["grade"],
                    "grade_label": table["grade_label"],
                    "published_iso": [
                        None if pd.isna(v) else v.date().isoformat() for v in published
                    ],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def map_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every month's standing (:func:`month_status`): what :func:`england_map` takes."""
    return month_status(con)


def month_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Councils at each grade in each month: ``month``, ``grade``, ``n``, ``councils`` (every
    council existing then, the headline measure's denominator), ``share``."""
    counts = status.groupby(["month", "grade"], sort=True).size().rename("n").reset_index()
    totals = status.groupby("month").size().rename("councils")
    counts = counts.merge(totals, on="month")
    counts["share"] = counts["n"] / counts["councils"]
    return counts


def shown_grades(status: pd.DataFrame) -> list[str]:
    """Grades any month shows, in the palette's order."""
    present = set(status["grade"])
    return [g for g in ALL_GRADES if g in present]


def month_payload(status: pd.DataFrame, slugs: dict[str, str]) -> dict[str, Any]:
    """Compact JSON of every month: ``months``/``days`` (month and as-at day), ``grades`` and
    ``labels`` (the grades shown, indexed by the rows below), ``counts`` (per month, the count
    of each grade, then the number of councils), ``councils`` (``[la_code, name, page,
    changes]`` in name order, ``changes`` a list of ``[month index, grade index or -1 when the
    council did not exist, publication date]`` at each change)."""
    months = sorted(status["month"].unique())
    days = [status.loc[status["month"] == m, "as_at"].iloc[0] for m in months]
    index = {m: i for i, m in enumerate(months)}
    grades = shown_grades(status)
    g_index = {g: i for i, g in enumerate(grades)}
    counts = month_counts(status)
    count_rows = []
    for month in months:
        part = counts[counts["month"] == month].set_index("grade")
        count_rows.append(
            [int(part["n"].get(g, 0)) for g in grades] + [int(part["councils"].iloc[0])]
        )
    councils = []
    latest_name = status.drop_duplicates("la_code", keep="last").set_index("la_code")["council"]
    by_council = {code: rows for code, rows in status.groupby("la_code", sort=True)}
    for code in sorted(by_council, key=lambda c: (latest_name[c], c)):
        rows = by_council[code].set_index("month")
        changes: list[list[Any]] = []
        state: tuple[int, str | None] | None = None
        for month in months:
            if month in rows.index:
                row = rows.loc[month]
                now: tuple[int, str | None] = (g_index[row["grade"]], row["published_iso"])
            else:
                now = (-1, None)
            if now != state:
                changes.append([index[month], now[0], now[1]])
                state = now
        councils.append([code, latest_name[code], slugs.get(code), changes])
    return {
        "months": months,
        "days": days,
        "grades": grades,
        "labels": [GRADE_LABELS[g] for g in grades],
        "counts": count_rows,
        "councils": councils,
    }


def council_slugs(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Council code -> the slug of its page (``councils/<slug>.html``)."""
    return dict(con.execute("SELECT la_code, slug FROM councils").fetchall())


def grades_on(status: pd.DataFrame, month: str, grades: list[str]) -> dict[str, list[Any]]:
    """The ``grades`` param of one month: ``{la_code: [grade index, publication date]}``."""
    part = status[status["month"] == month]
    index = {g: i for i, g in enumerate(grades)}
    return {
        r.la_code: [index[r.grade], r.published_iso]
        for r in part.sort_values("la_code").itertuples(index=False)
    }


def copy_geography(site: Path) -> list[Path]:
    """Write each map's TopoJSON of every vintage into ``site/assets/geo`` (deterministic;
    rewritten only when it changes) and remove any other TopoJSON there."""
    out = []
    for kind in KINDS:
        target = site / GEO_FOLDER / geo_file(kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(map_geometry(kind), separators=(",", ":"), sort_keys=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            atomic_write_text(target, text)
        out.append(target)
    # files of an earlier layout (one per vintage) would be published unused
    for stale in (site / GEO_FOLDER).glob("*.topojson"):
        if stale not in out:
            stale.unlink()
    return out


def describe_map(status: pd.DataFrame, kind: str) -> str:
    last = status["month"].max()
    latest = status[status["month"] == last]
    counts = latest["grade"].value_counts()
    total = len(latest)
    shape = (
        "hex map (one equal hexagon per council, labelled with a short name)"
        if kind == "hex"
        else "map"
    )
    first = status["month"].min()
    first_day = dt.date.fromisoformat(f"{first}-01")
    return (
        f"Choropleth {shape} of England's councils coloured by the overall grade of their "
        f"children's services, with a control above the maps to choose any month from "
        f"{first_day:%B %Y}. On {day_month_year(latest['as_at'].iloc[0])}, "
        f"{counts.get('inadequate', 0)} of {total} councils "
        f"({pct(counts.get('inadequate', 0) / total)}) were inadequate and "
        f"{counts.get('good', 0) + counts.get('outstanding', 0)} good or outstanding."
    )


def _vintage_expr() -> str:
    """Vega expression: the boundary vintage in force on ``as_at`` (ISO text compares as dates)."""
    expr = json.dumps(VINTAGES[0])
    for name in VINTAGES[1:]:
        start = VINTAGE_INFO[name].valid_from.isoformat()
        expr = f"{PARAM} >= '{start}' ? {json.dumps(name)} : ({expr})"
    return expr


def england_map(
    status: pd.DataFrame, kind: str = "boundaries", url_prefix: str = "", height: int = 520
) -> alt.LayerChart:
    """The map (``kind`` 'boundaries' or 'hex') of the latest month in ``status`` (a
    :func:`month_status` frame); ``url_prefix`` reaches the site root.

    ``height`` is used only where the height-from-width patch is not applied (see module doc).
    """
    url = f"{url_prefix}{GEO_FOLDER}/{geo_file(kind)}"
    last = status["month"].max()
    grades = shown_grades(status)
    as_at = alt.param(name=PARAM, value=status.loc[status["month"] == last, "as_at"].iloc[0])
    month_grades = alt.param(name=GRADES_PARAM, value=grades_on(status, last, grades))
    pick = alt.param(name=PICK_PARAM, value="")
    labels_js = json.dumps([GRADE_LABELS[g] for g in grades])
    dark_js = json.dumps([grades.index(g) for g in DARK_FILLS if g in grades])
    exists = f"isValid({GRADES_PARAM}[datum.properties.la_code])"
    if kind == "hex":  # each vintage has its own layout; draw the month's
        exists += (
            f" && datum.properties.key == ({_vintage_expr()}) + '|' + datum.properties.la_code"
        )
    base = (
        alt.Chart(
            alt.UrlData(url=url, format=alt.TopoDataFormat(type="topojson", feature=OBJECT_NAME))
        )
        .transform_filter(exists)
        .transform_calculate(
            g=f"{GRADES_PARAM}[datum.properties.la_code][0]",
            p=f"{GRADES_PARAM}[datum.properties.la_code][1]",
        )
        .transform_calculate(
            grade_label=f"{labels_js}[datum.g]",
            council="datum.properties.name",
            published="datum.p ? timeFormat(toDate(datum.p), '%-d %B %Y') : 'no inspection yet'",
            ink=f"indexof({dark_js}, datum.g) >= 0 ? 'white' : 'black'",
        )
    )
    tooltip = [
        alt.Tooltip("council:N", title="Council"),
        alt.Tooltip("grade_label:N", title="Overall grade"),
        alt.Tooltip("published:N", title="Report published"),
    ]
    picked = f"datum.properties.la_code === {PICK_PARAM}"
    shape = base.mark_geoshape().encode(
        color=alt.Color(
            "grade_label:N",
            title=None,
            scale=alt.Scale(**grade_scale(grades)),
            # one column on a phone, so the legend is never wider than the map
            legend=alt.Legend(
                orient="top", columns=alt.ExprRef("containerSize()[0] >= 560 ? 2 : 1")
            ),
        ),
        # the council picked by name is outlined in black
        stroke=alt.condition(picked, alt.value("#000000"), alt.value("#ffffff")),
        strokeWidth=alt.condition(picked, alt.value(3), alt.value(1 if kind == "hex" else 0.3)),
        tooltip=tooltip,
    )
    layers = [shape]
    if kind == "hex":
        layers.append(hex_labels(base, "properties", tooltip=tooltip))
    projection = {"type": "identity", "reflectY": True} if kind == "hex" else {"type": "mercator"}
    heading = "Grades on the hex map" if kind == "hex" else "England's councils"
    subtitle = (
        "One hexagon per council, same size for all; latest overall grade in the chosen month"
        if kind == "hex"
        else "Latest overall grade of children's services in the chosen month"
    )
    return (
        alt.layer(*layers)
        .add_params(as_at, month_grades, pick)
        .project(**projection)
        .properties(
            title=map_title(heading, subtitle),
            description=describe_map(status, kind),
            width="container",
            height=height,
            usermeta={
                "embedOptions": {"patch": height_patch(kind)},
                "minHeight": reserve_css(kind, controls=0),
            },
        )
    )


def month_text(month: str) -> str:
    """``2016-03`` -> ``March 2016``."""
    return f"{dt.date.fromisoformat(month + '-01'):%B %Y}"


def percent(n: int, total: int) -> str:
    """Whole percent, halves rounded up (integer arithmetic, as the page's script does it, so
    the page reads the same before and after the script runs)."""
    return f"{(200 * n + total) // (2 * total)}%"


def _counts_rows(payload: dict[str, Any], i: int) -> str:
    row = payload["counts"][i]
    total = row[-1]
    return "".join(
        f'<tr><th scope="row">{html.escape(label)}</th>'
        f"<td>{n}</td><td>{percent(n, total)}</td></tr>"
        for label, n in zip(payload["labels"], row[:-1], strict=True)
    )


def month_control_html(payload: dict[str, Any], url_prefix: str = "") -> str:
    """The time control, the month's national counts and the council finder, as HTML showing
    the latest month (what the page shows before its script runs, or without it), then the
    payload and the script that brings them to life (``assets/month-map.js``)."""
    esc = html.escape
    last = len(payload["months"]) - 1
    month = month_text(payload["months"][last])
    total = payload["counts"][last][-1]
    options = "".join(f'<option value="{esc(c[1])}"></option>' for c in payload["councils"])
    first = month_text(payload["months"][0])
    # The bar (month, buttons, slider) stays in view while the maps scroll under it (sticky,
    # so it must be a sibling of the maps, not inside the counts' section).
    return (
        '<div class="orc-month-bar" role="group" aria-label="Month shown on the maps">'
        f'<p class="orc-month-now" aria-hidden="true">{esc(month)}</p>'
        '<div class="orc-month-buttons">'
        '<button type="button" class="btn btn-outline-secondary btn-sm" data-step="-1"'
        ' aria-label="Previous month">&#9664;</button>'
        '<button type="button" class="btn btn-outline-secondary btn-sm orc-month-play"'
        ' aria-pressed="false">Play</button>'
        '<button type="button" class="btn btn-outline-secondary btn-sm" data-step="1"'
        ' aria-label="Next month">&#9654;</button></div>'
        f'<label class="orc-month-label" for="month-slider">Month, from {esc(first)} to '
        f"{esc(month)}</label>"
        f'<input type="range" id="month-slider" class="form-range" min="0" max="{last}"'
        f' step="1" value="{last}" aria-label="Month shown on the maps"'
        f' aria-valuetext="{esc(month)}">'
        '<p class="visually-hidden" aria-live="polite" id="month-announce"></p>'
        "</div>\n"
        '<section class="orc-month" id="month-control"'
        ' aria-label="Councils in the chosen month"'
        f' data-root="{esc(url_prefix)}">\n'
        '<div class="orc-month-panels">'
        '<table class="table table-sm orc-month-counts" data-quarto-disable-processing="true">'
        f'<caption>Councils by overall grade in <span class="orc-month-caption">{esc(month)}'
        "</span></caption>"
        '<thead><tr><th scope="col">Overall grade</th><th scope="col">Councils</th>'
        '<th scope="col">Share</th></tr></thead>'
        f"<tbody>{_counts_rows(payload, last)}</tbody>"
        f'<tfoot><tr><th scope="row">All councils</th><td>{total}</td><td>100%</td></tr>'
        "</tfoot></table>\n"
        '<div class="orc-month-find">'
        '<label for="council-pick">Find a council</label>'
        '<input type="text" id="council-pick" class="form-control form-control-sm"'
        ' list="council-names" autocomplete="off" aria-describedby="council-pick-help">'
        f'<datalist id="council-names">{options}</datalist>'
        '<p id="council-pick-help" class="orc-month-help">Type a name to see its grades over '
        "time and outline it on the maps.</p>"
        '<div id="council-history" aria-live="polite"></div>'
        "</div></div>\n"
        f'<script type="application/json" id="{PAYLOAD_ID}">{script_json(payload)}</script>\n'
        "</section>"
    )


def month_script_html(url_prefix: str = "") -> str:
    """The tags loading the control's stylesheet and script (after the maps, so their
    ``orcChart`` calls have started)."""
    return (
        f'<link rel="stylesheet" href="{url_prefix}{STYLE}">'
        f'<script type="module" src="{url_prefix}{SCRIPT}"></script>'
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
