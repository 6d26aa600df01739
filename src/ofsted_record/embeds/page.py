"""HTML of an embed page and of its copy-paste iframe snippet.

Height protocol (ours, no library): the embed page posts
``{type: "ofsted-record:height", slug, height}`` to its parent on load and whenever its body
resizes; the snippet's script accepts a message only from the iframe's own origin and with the
iframe's slug, and sets the iframe height.
"""

from __future__ import annotations

import html
import json

import pandas as pd

MESSAGE_TYPE = "ofsted-record:height"
DEFAULT_HEIGHT = 520

STYLE = """
*,*::before,*::after{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#1f1f1f}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",
"Liberation Sans",sans-serif;font-size:14px;line-height:1.4;padding:8px}
.chart{margin:0;max-width:100%}
#chart{width:100%;min-height:200px}
#chart .vega-bindings{font-size:14px;margin:8px 0}
#chart .vega-bind-name{margin-right:6px}
#chart input[type=range]{width:180px;max-width:60vw;vertical-align:middle}
.fallback{max-width:100%;height:auto}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;
padding:0!important;margin:-1px!important;overflow:hidden!important;clip:rect(0,0,0,0)!important;
white-space:nowrap!important;border:0!important}
.chart-head h1{font-size:19px;line-height:1.25;margin:0 0 2px;font-weight:650}
.chart-head p{font-size:14px;color:#595959;margin:0 0 6px}
.key{list-style:none;margin:0 0 6px;padding:0;display:flex;flex-wrap:wrap;gap:2px 14px;font-size:13px}
.key li{display:flex;align-items:center;gap:5px}
.key span{display:inline-block;width:12px;height:12px;border:1px solid rgba(0,0,0,.15)}
footer{font-size:12px;color:#595959;border-top:1px solid #e6e6e6;margin-top:8px;padding-top:6px}
footer p{margin:2px 0}
footer a{color:#0b3c78}
""".strip()


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


def _key_html(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    items = "".join(
        f'<li><span style="background:{html.escape(c)}"></span>{html.escape(str(lab))}</li>'
        for lab, c in pairs
    )
    return f'<ul class="key" aria-label="Key">{items}</ul>'


def _table(summary: pd.DataFrame, caption: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in summary.columns)
    rows = []
    for record in summary.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in record)
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


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
    lib_path: str = "../lib/vega-bundle.js",
) -> str:
    """A standalone, responsive page for one chart (spec inlined; Vega from ``lib_path``).

    The headline and subtitle are HTML above the chart (they wrap at any width, which Vega
    titles do not), so the inlined spec drops its ``title``; the Source line goes in the footer.
    The downloadable ``chart.vl.json`` and the PNG/SVG keep the full title block.
    """
    key = colour_key(spec)
    spec = {k: v for k, v in spec.items() if k != "title"}
    if key:  # the HTML key wraps on narrow screens; Vega's legend would overflow
        spec = _without_legends(spec)
    spec_json = json.dumps(spec, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    esc = html.escape
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, indexifembedded">
<title>{esc(title)}</title>
<link rel="icon" href="data:,">
<style>{STYLE}</style>
<script type="module" src="{esc(lib_path)}"></script>
</head>
<body>
<figure class="chart" aria-labelledby="chart-title">
<figcaption class="chart-head"><h1 id="chart-title">{esc(title)}</h1><p>{esc(subtitle)}</p>{_key_html(key)}</figcaption>
<div class="visually-hidden" id="chart-summary">
<p>{esc(description)}</p>
{_table(summary, "Key figures")}
</div>
<div id="chart" aria-describedby="chart-summary"></div>
<noscript><img class="fallback" src="chart.png" alt="{esc(description)}"></noscript>
</figure>
<footer>
<p>{esc(source)}.{(" Notes: " + esc(note)) if note else ""}</p>
<p><a href="data.csv" download>Get the data</a> · <a href="chart.png" download>Download image</a> (<a href="chart.svg" download>SVG</a>) · <a href="chart.vl.json">Chart spec</a></p>
</footer>
<script type="module">
const slug = {json.dumps(slug)};
const spec = {spec_json};
function postHeight() {{
  if (window.parent === window) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  window.parent.postMessage({{type: {json.dumps(MESSAGE_TYPE)}, slug, height}}, "*");
}}
new ResizeObserver(postHeight).observe(document.body);
window.addEventListener("load", postHeight);
try {{
  await window.vegaEmbed("#chart", spec, {{renderer: "svg", actions: false}});
}} catch (error) {{
  const img = document.createElement("img");
  img.className = "fallback"; img.src = "chart.png"; img.alt = spec.description || "";
  document.getElementById("chart").replaceChildren(img);
  console.warn("chart fell back to the static image", error);
}}
postHeight();
</script>
</body>
</html>
"""


def snippet(*, slug: str, title: str, src: str, height: int = DEFAULT_HEIGHT) -> str:
    """Copy-paste iframe; its script resizes the iframe on the embed's height messages."""
    esc = html.escape
    return f"""<iframe src="{esc(src)}" title="{esc(title)}" data-ofsted-record-slug="{esc(slug)}" style="width:100%;min-width:100%;border:0;display:block" height="{height}" scrolling="no" loading="lazy"></iframe>
<script>
(function () {{
  var frame = document.currentScript.previousElementSibling;
  var origin = new URL(frame.src, document.baseURI).origin;
  var slug = frame.getAttribute("data-ofsted-record-slug");
  window.addEventListener("message", function (event) {{
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== {json.dumps(MESSAGE_TYPE)} || data.slug !== slug) return;
    var height = Math.ceil(Number(data.height));
    if (height > 0 && height < 20000) frame.style.height = height + "px";
  }});
}})();
</script>
"""
