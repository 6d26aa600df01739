"""Charts as static HTML: a labelled figure, a visually hidden summary and an inline module
script that hands the chart's Vega spec, compiled from Vega-Lite here at build time, to the
site's chart runtime (``embeds/lib/charts.js``: ``orcChart``), which loads Vega when a chart
first comes near the screen.

Pages print :func:`chart_html` from a cell with ``#| output: asis``; the generator writes it
straight into council pages. Nothing here produces a ``text/html`` display output, so Quarto
never adds its CDN require.js/jQuery (docs/site.md, Quarto note 1). The HTML is wrapped in a
pandoc raw block (```` ```{=html} ````) so the markdown reader passes it through untouched.
"""

from __future__ import annotations

import html
import re
from typing import Any

import altair as alt

from ofsted_record.embeds.runtime import compile_spec
from ofsted_record.embeds.scriptjson import script_json as shared_script_json

_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def spec_of(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec (data inlined) of an Altair chart, or a spec given as a dict."""
    return chart if isinstance(chart, dict) else chart.to_dict()


def script_json(value: Any) -> str:
    """Deterministic JSON safe inside ``<script>``: sorted keys, every script-context special
    character escaped (the shared helper, :mod:`ofsted_record.embeds.scriptjson`)."""
    return shared_script_json(value, sort_keys=True)


# Kept in step with NARROW in charts.js (the runtime's narrow-container adjustments).
NARROW = 560


def _title_lines(title: Any) -> tuple[list[str], list[str]]:
    """A Vega-Lite title (text or ``{text, subtitle}``) as (headline lines, subtitle lines)."""
    if isinstance(title, dict):
        text, subtitle = title.get("text", ""), title.get("subtitle", [])
    else:
        text, subtitle = title or "", []
    as_list = lambda v: [v] if isinstance(v, str) else list(v or [])  # noqa: E731
    return [s for s in as_list(text) if s], [s for s in as_list(subtitle) if s]


def _quiet_shapes(node: Any) -> Any:
    """Map shapes out of the accessibility tree (``aria: false``). Vega gives every shape the
    role of an image without a name (axe: svg-img-alt, serious); the chart's summary, linked
    by ``aria-describedby``, says what the map shows."""
    if isinstance(node, list):
        return [_quiet_shapes(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _quiet_shapes(v) for k, v in node.items()}
    mark = out.get("mark")
    if mark == "geoshape":
        out["mark"] = {"type": "geoshape", "aria": False}
    elif isinstance(mark, dict) and mark.get("type") == "geoshape":
        out["mark"] = {**mark, "aria": False}
    return out


def colour_key(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, colour) pairs of the chart's colour legend, when its scale lists both."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if found:
            return
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            colour = node.get("encoding", {}).get("color") if "encoding" in node else None
            if isinstance(colour, dict) and colour.get("legend", {}) is not None:
                scale = colour.get("scale") or {}
                domain, colours = scale.get("domain"), scale.get("range")
                if (
                    isinstance(domain, list)
                    and isinstance(colours, list)
                    and len(domain) == len(colours)
                    and all(isinstance(c, str) for c in colours)
                ):
                    found.extend(zip(map(str, domain), colours, strict=True))
                    return
            for value in node.values():
                walk(value)

    walk(spec)
    return found


def _without_colour_legends(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_colour_legends(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _without_colour_legends(v) for k, v in node.items()}
    colour = out.get("encoding", {}).get("color") if "encoding" in out else None
    if isinstance(colour, dict) and "scale" in colour:
        out["encoding"] = {**out["encoding"], "color": {**colour, "legend": None}}
    return out


def _key_html(pairs: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<li><span class="orc-swatch" style="background:{html.escape(c)}"></span>'
        f"{html.escape(label)}</li>"
        for label, c in pairs
    )
    return f'<ul class="orc-key">{items}</ul>'


def _reserved_height(spec: dict[str, Any]) -> str | None:
    """Room to keep for the drawn chart (plot height plus axes and a legend), so the text
    below does not jump when the chart replaces its empty box. A map whose height follows its
    width says how in ``usermeta.minHeight`` (``charts.maps.reserve_css``)."""
    meta = spec.get("usermeta")
    if isinstance(meta, dict) and isinstance(meta.get("minHeight"), str):
        return meta["minHeight"]
    height = spec.get("height")
    return f"{height + 60}px" if isinstance(height, int) else None


def chart_html(
    chart: alt.TopLevelMixin | dict[str, Any],
    chart_id: str,
    summary: str | None = None,
    *,
    raw_block: bool = True,
) -> str:
    """HTML for one chart. ``summary`` defaults to the spec's ``description`` (its alt text).

    The chart's title and subtitle become HTML above the SVG and its Source line a caption
    below it: HTML text wraps at any width, Vega titles do not (they were cut at the right
    edge on phones). Legends switch to one column in narrow containers.
    ``chart_id`` must be unique on the page (lower-case letters, digits, hyphens).
    """
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: use lower-case letters, digits and hyphens")
    spec = _quiet_shapes(spec_of(chart))
    text = summary or spec.get("description") or ""
    if not text:
        raise ValueError(f"chart {chart_id}: give an accessible summary (or a spec description)")
    headline, subtitle = _title_lines(spec.pop("title", None))
    # The colour legend as HTML above the chart: it wraps on any screen (a Vega legend never
    # wraps and was cut at 390 px, or pushed past the plot's left edge).
    key = colour_key(spec)
    if key:
        spec = _without_colour_legends(spec)
    sources = [s for s in subtitle if s.startswith("Source:")]
    subtitle = [s for s in subtitle if not s.startswith("Source:")]
    div_id = f"chart-{chart_id}"
    esc = html.escape
    head = (
        "".join(f'<p class="orc-chart-title">{esc(s)}</p>' for s in headline)
        + "".join(f'<p class="orc-chart-subtitle">{esc(s)}</p>' for s in subtitle)
        + (_key_html(key) if key else "")
    )
    labelled = f' aria-labelledby="{div_id}-title"' if head else ""
    # Drawn when it comes near the screen, not all at load: a long page's charts drawn at once
    # blocked a phone's main thread for over a second. So are the charts a page script drives
    # (the maps' month): the script sets its state on each view as that view is drawn, so the
    # map page's second map costs a phone nothing until the reader scrolls near it.
    reserve = _reserved_height(spec)
    style = "width:100%" + (f";min-height:{reserve}" if reserve else "")
    body = (
        f'<figure class="orc-chart" role="group"{labelled} aria-describedby="{div_id}-summary">\n'
        + (f'<div class="orc-chart-head" id="{div_id}-title">{head}</div>\n' if head else "")
        + f'<div id="{div_id}" class="orc-vega" style="{style}"></div>\n'
        + "".join(f'<p class="orc-chart-source">{esc(s)}</p>\n' for s in sources)
        + f'<p id="{div_id}-summary" class="visually-hidden">{esc(text)}</p>\n'
        "</figure>\n"
        # orcChart (charts.js, loaded in the page head): draws the chart when it comes near
        # the screen; keeps the promise of its view in el.orcEmbed
        f'<script type="module">orcChart("{div_id}",{script_json(compile_spec(spec))});</script>'
    )
    return f"```{{=html}}\n{body}\n```\n" if raw_block else body + "\n"


def raw_html(fragment: str) -> str:
    """Wrap an HTML fragment in a pandoc raw block for ``output: asis`` cells."""
    return f"```{{=html}}\n{fragment.rstrip()}\n```\n"
