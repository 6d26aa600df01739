"""HTML of an embed page, its shared script and stylesheet, and its copy-paste snippet.

All HTML comes from Jinja2 templates (``templates/*.html.j2``) with autoescaping; the only
values marked safe are the inlined spec (escaped by :func:`scriptjson.script_json` for the
script context) and the resize script (a package file, no data).

Height protocol: the page (``lib/embed.js``) posts its height to the parent on load, after
drawing and on every resize, in three formats: ours ``{type: "ofsted-record:height", slug,
height}``, Datawrapper's ``{"datawrapper-height": {slug: height}}`` and, when the page was
opened with ``?childId=…``, pym.js's ``pymxPYMx<id>xPYMxheightxPYMx<height>``. The snippet's
script (``static/resize.js``) accepts only ours, from the iframe's own window and origin, with
the iframe's slug. Without any script the snippet's fixed height (:func:`safe_height`) already
shows everything down to the links at 320 px and wider.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
import pandas as pd

from ofsted_record.embeds import runtime
from ofsted_record.embeds.runtime import compile_spec, dark_patch
from ofsted_record.embeds.scriptjson import script_json

MESSAGE_TYPE = "ofsted-record:height"
LIB_NAME = runtime.BUNDLE_NAME  # Vega alone (runtime.vega_bundle), loaded by charts.js
RUNTIME_NAME = runtime.RUNTIME_NAME
JS_NAME = "embed.js"
CSS_NAME = "embed.css"
FALLBACK_NAME = "fallback.png"
OEMBED_NAME = "oembed.json"

# Only same-origin scripts and data (the spec is a JSON data block, not a script); styles may be
# inline because Vega and the colour key set element styles. No eval: charts.js runs Vega's
# expression interpreter (embed.js asks for it). The one exception: Vega reads inline CSV data (the maps)
# with d3-dsv, which builds its row parser with ``new Function``, so those pages also allow
# 'unsafe-eval' (inline and third-party scripts stay blocked).
CSP = (
    "default-src 'none'; script-src 'self'{eval}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
)


def csp(spec: dict) -> str:
    return CSP.format(eval=" 'unsafe-eval'" if _has_text_data(spec) else "")


def _has_text_data(node) -> bool:
    """Whether the spec holds data Vega parses from delimited text (csv, tsv, dsv)."""
    if isinstance(node, dict):
        fmt = node.get("format")
        if isinstance(fmt, dict) and fmt.get("type") in ("csv", "tsv", "dsv"):
            return True
        return any(_has_text_data(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_text_data(v) for v in node)
    return False


# Dark mode keeps the grade palette unchanged (same colours as the key, PNG and site). On this
# background every grade except outstanding has >= 3:1 contrast (tests/test_embeds.py); areas,
# bars and shapes keep their white separators and the key's swatches a light edge, so the dark
# blue is outlined, as the pale orange of "requires improvement" is on white.
DARK = {
    "background": "#121417",
    "ink": "#e8e8e8",
    "muted": "#b8bcc2",
    "rule": "#3a3f45",
    "link": "#8cc4ff",
    "swatch_edge": "#b8bcc2",
}
DARK_VEGA = {
    "background": DARK["background"],
    "axis": {
        "labelColor": DARK["muted"],
        "titleColor": DARK["muted"],
        "gridColor": DARK["rule"],
        "domainColor": "#8c8c8c",
        "tickColor": "#8c8c8c",
    },
    "config": {
        "legend": {"labelColor": DARK["ink"], "titleColor": DARK["muted"]},
        "text": {"color": DARK["ink"]},
        "title": {"color": DARK["ink"], "subtitleColor": DARK["muted"]},
    },
}

# Layout of the page (embed.css), for the snippet's script-free height, estimated at the
# narrowest supported frame width: text wraps most there, and every chart has a fixed height
# (the maps fit their width within a fixed height), so wider frames need less. Measured in
# Chromium at 320/375/600/1024 px by tests/test_embeds.py. Character widths are generous
# averages for the system sans-serif fonts.
NARROW_WIDTH = 320
BODY_PADDING = 8


@dataclass(frozen=True)
class _Text:
    size: float  # font size, px
    line: float  # line height, px
    char: float  # average character width, em (generous)


HEADLINE = _Text(19, 19 * 1.25, 0.62)
SUBTITLE = _Text(14, 14 * 1.4, 0.56)
KEY = _Text(13, 13 * 1.4, 0.56)
FOOTER = _Text(12, 12 * 1.4, 0.56)
FOOTER_LINKS = "Get the data · Download image (SVG) · Chart spec"
BINDINGS_HEIGHT = 44  # Vega's slider row
SAFETY = 1.08  # extra share of the estimate, and ...
SAFETY_PX = 24  # ... extra pixels, against font differences between systems


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ofsted_record.embeds", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **values: object) -> str:
    return _env().get_template(template).render(**values)


def resize_js() -> str:
    return resources.files("ofsted_record.embeds").joinpath("static/resize.js").read_text()


def embed_js() -> str:
    return render("embed.js.j2", message_type=script_json(MESSAGE_TYPE))


def _merge(target: dict, source: dict) -> dict:
    out = dict(target)
    for key, value in source.items():
        if isinstance(value, dict):
            out[key] = _merge(out[key] if isinstance(out.get(key), dict) else {}, value)
        else:
            out[key] = value
    return out


def dark_spec(spec: dict) -> dict:
    """The Vega-Lite spec in dark colours (:data:`DARK_VEGA`): the background, every axis
    style the spec's config has, and the legend, text and title colours."""
    config = {
        k: _merge(v, DARK_VEGA["axis"]) if k.startswith("axis") and isinstance(v, dict) else v
        for k, v in (spec.get("config") or {}).items()
    }
    return {
        **spec,
        "background": DARK_VEGA["background"],
        "config": _merge(config, DARK_VEGA["config"]),
    }


def embed_css() -> str:
    return render("embed.css.j2", dark=DARK)


def version(text: str | bytes) -> str:
    """Short content hash for a ``?v=`` query: the file name (and URL path) never changes."""
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:12]


def colour_key(spec: dict) -> list[tuple[str, str]]:
    """(label, colour) pairs of the first colour scale with an explicit domain and range."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        if found:
            return
        if isinstance(node, dict):
            colour = node.get("color")
            if isinstance(colour, dict):
                scale = colour.get("scale") or {}
                if isinstance(scale.get("domain"), list) and isinstance(scale.get("range"), list):
                    found.extend(zip(scale["domain"], scale["range"], strict=False))
                    return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def _without_legends(node):
    """Copy of a spec with every colour legend switched off (``legend: null``)."""
    if isinstance(node, dict):
        out = {k: _without_legends(v) for k, v in node.items()}
        colour = out.get("color")
        if isinstance(colour, dict) and "field" in colour:
            out["color"] = {**colour, "legend": None}
        return out
    if isinstance(node, list):
        return [_without_legends(v) for v in node]
    return node


def page_spec(spec: dict) -> dict:
    """The spec as the page draws it: no title block (HTML above the chart), and no colour
    legend when the HTML key replaces it. Also what the static fallback image shows, so the
    headline and key appear once, in HTML, whichever way the chart is drawn."""
    out = {k: v for k, v in spec.items() if k != "title"}
    # The maps' height-from-width patch (charts.maps.height_patch) caps the height by the
    # window: inside a frame that grows to its content, the window is the frame, so height,
    # frame and window would feed each other without end. Embeds keep the spec's fixed height,
    # which is also the height the script-free snippet is sized for.
    meta = out.get("usermeta")
    if isinstance(meta, dict) and isinstance(meta.get("embedOptions"), dict):
        options = {k: v for k, v in meta["embedOptions"].items() if k != "patch"}
        meta = (
            {**meta, "embedOptions": options}
            if options
            else {k: v for k, v in meta.items() if k != "embedOptions"}
        )
        out = (
            {**out, "usermeta": meta} if meta else {k: v for k, v in out.items() if k != "usermeta"}
        )
    return _without_legends(out) if colour_key(spec) else out


def has_bindings(spec: dict) -> bool:
    """Whether Vega draws input widgets (the maps' year slider) under the chart."""
    params = spec.get("params") or []
    return any(isinstance(p, dict) and p.get("bind") for p in params)


def _lines(text: str, style: _Text, width: float) -> int:
    if not text:
        return 0
    per_line = max(1, math.floor(width / (style.size * style.char)))
    # Words wrap whole: count line by line instead of dividing the length.
    lines, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used + need > per_line and used:
            lines, used = lines + 1, len(word)
        else:
            used += need
    return lines


def _key_rows(labels: list[str], width: float) -> int:
    if not labels:
        return 0
    rows, used = 1, 0.0
    for label in labels:
        item = 12 + 2 + 5 + len(label) * KEY.size * KEY.char
        need = item + (14 if used else 0)
        if used and used + need > width:
            rows, used = rows + 1, item
        else:
            used += need
    return rows


def safe_height(
    *,
    chart_height: float,
    title: str,
    subtitle: str,
    key: list[tuple[str, str]],
    footer: list[str],
    bindings: bool,
    width: int = NARROW_WIDTH,
) -> int:
    """Iframe height (px) that shows the whole page at ``width`` (an estimate with a margin).

    ``chart_height`` is the drawn chart's height at that width (measured by rendering the page
    spec with vl-convert).
    """
    inner = width - 2 * BODY_PADDING
    height = 2 * BODY_PADDING
    height += _lines(title, HEADLINE, inner) * HEADLINE.line + 2
    height += _lines(subtitle, SUBTITLE, inner) * SUBTITLE.line + 6
    rows = _key_rows([str(label) for label, _ in key], inner)
    height += rows * KEY.line + max(0, rows - 1) * 2 + (6 if rows else 0)
    height += max(chart_height, 200) + (BINDINGS_HEIGHT if bindings else 0) + 4
    height += 8 + 1 + 6  # footer margin, rule, padding
    height += sum(_lines(text, FOOTER, inner) * FOOTER.line + 4 for text in footer)
    return math.ceil(height * SAFETY + SAFETY_PX)


def footer_texts(source: str, note: str, updated: str) -> list[str]:
    first = f"{source}." + (f" Notes: {note}" if note else "")
    return [first, f"Updated {updated}", FOOTER_LINKS]


def embed_page(
    *,
    slug: str,
    title: str,
    subtitle: str,
    description: str,
    source: str,
    note: str,
    spec: dict,
    summary: pd.DataFrame,
    updated: str,
    oembed_url: str,
    versions: dict[str, str],
    chart_height: float | None = None,
) -> str:
    """A standalone, responsive page for one chart: spec inlined as a JSON data block, Vega and
    the page script from ``../lib/`` (``versions`` holds their ``?v=`` content hashes). The spec
    is Vega, compiled here; dark mode is a JSON patch to it, compiled here too.

    ``chart_height``: the drawn chart's height (px, from the build's SVG of it), reserved before
    the chart is drawn so the footer does not jump down when it is (layout shift 0.05-0.15 at a
    phone's width before). Every chart has a fixed height; a phone's narrower layout may wrap
    an axis title, which is a line or two more."""
    shown = page_spec(spec)
    reserve = None
    if chart_height is not None:
        reserve = math.ceil(chart_height) + (BINDINGS_HEIGHT if has_bindings(spec) else 0)
    light = compile_spec(shown)
    return render(
        "page.html.j2",
        csp=csp(spec),
        slug=slug,
        title=title,
        subtitle=subtitle,
        description=description,
        source=source,
        note=note,
        updated=updated,
        key=colour_key(spec),
        summary_columns=[str(c) for c in summary.columns],
        summary_rows=[[str(v) for v in row] for row in summary.itertuples(index=False)],
        spec_json=script_json(light),
        dark_json=script_json(dark_patch(light, compile_spec(dark_spec(shown)))),
        oembed_url=oembed_url,
        fallback_name=FALLBACK_NAME,
        lib_name=RUNTIME_NAME,
        lib_version=versions[RUNTIME_NAME],
        js_name=JS_NAME,
        js_version=versions[JS_NAME],
        css_name=CSS_NAME,
        css_version=versions[CSS_NAME],
        reserve=reserve,
    )


def snippet(*, slug: str, title: str, src: str, height: int) -> str:
    """Copy-paste iframe and its resize script."""
    return render(
        "snippet.html.j2", slug=slug, title=title, src=src, height=height, resize_js=resize_js()
    )
