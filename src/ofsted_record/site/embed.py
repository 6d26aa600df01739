"""Charts as static HTML: a labelled figure, a visually hidden summary and an inline module
script that calls ``vegaEmbed`` from the site's own Vega bundle.

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

from ofsted_record.embeds.scriptjson import script_json as shared_script_json

EMBED_OPTIONS = {"renderer": "svg", "actions": False}
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def spec_of(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec (data inlined) of an Altair chart, or a spec given as a dict."""
    return chart if isinstance(chart, dict) else chart.to_dict()


def script_json(value: Any) -> str:
    """Deterministic JSON safe inside ``<script>``: sorted keys, every script-context special
    character escaped (the shared helper, :mod:`ofsted_record.embeds.scriptjson`)."""
    return shared_script_json(value, sort_keys=True)


def chart_html(
    chart: alt.TopLevelMixin | dict[str, Any],
    chart_id: str,
    summary: str | None = None,
    *,
    raw_block: bool = True,
) -> str:
    """HTML for one chart. ``summary`` defaults to the spec's ``description`` (its alt text).

    ``chart_id`` must be unique on the page (lower-case letters, digits, hyphens).
    """
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: use lower-case letters, digits and hyphens")
    spec = spec_of(chart)
    text = summary or spec.get("description") or ""
    if not text:
        raise ValueError(f"chart {chart_id}: give an accessible summary (or a spec description)")
    div_id = f"chart-{chart_id}"
    body = (
        f'<figure class="orc-chart" role="group" aria-describedby="{div_id}-summary">\n'
        f'<div id="{div_id}" class="orc-vega" style="width:100%"></div>\n'
        f'<p id="{div_id}-summary" class="visually-hidden">{html.escape(text)}</p>\n'
        "</figure>\n"
        f'<script type="module">vegaEmbed("#{div_id}", {script_json(spec)}, '
        f"{script_json(EMBED_OPTIONS)}).catch((error) => console.error(error));</script>"
    )
    return f"```{{=html}}\n{body}\n```\n" if raw_block else body + "\n"


def raw_html(fragment: str) -> str:
    """Wrap an HTML fragment in a pandoc raw block for ``output: asis`` cells."""
    return f"```{{=html}}\n{fragment.rstrip()}\n```\n"
