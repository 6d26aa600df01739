"""The house style, registered as the Altair theme ``ofsted_record`` and enabled on import.

System font stack (no web font to fetch), text sizes readable at 320 px and still balanced at
800 px, quiet grid, titles left-aligned with a subtitle, and the grade palette as the default
ordinal scheme. Charts are sized by their container (``width="container"``) in pages and embeds;
static exports (PNG/SVG) set a fixed width instead (see :func:`static_spec`).
"""

from __future__ import annotations

import copy
from typing import Any

import altair as alt

from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_ORDER, GRID, INK, MUTED

THEME_NAME = "ofsted_record"
FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    '"Liberation Sans", sans-serif'
)
STATIC_WIDTH = 640  # px width of PNG/SVG fallbacks
DEFAULT_HEIGHT = 300


@alt.theme.register(THEME_NAME, enable=True)
def ofsted_record_theme() -> alt.theme.ThemeConfig:
    return {
        "background": "#ffffff",
        # Right padding: a year label centred on the last tick can reach past the plot.
        "padding": {"left": 4, "right": 16, "top": 4, "bottom": 4},
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousHeight": DEFAULT_HEIGHT},
            "title": {
                "anchor": "start",
                "font": FONT,
                "fontSize": 17,
                "fontWeight": 600,
                "color": INK,
                "subtitleFont": FONT,
                "subtitleFontSize": 13,
                "subtitleColor": MUTED,
                "subtitlePadding": 4,
                "offset": 12,
                "limit": 0,
            },
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "labelColor": MUTED,
                "titleColor": MUTED,
                "gridColor": GRID,
                "domainColor": "#8c8c8c",
                "tickColor": "#8c8c8c",
                "labelOverlap": "greedy",
                "labelFlush": True,
            },
            "axisX": {"grid": False},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": INK,
                "titleColor": MUTED,
                "orient": "top",
                "direction": "horizontal",
                "columns": 2,
                "symbolType": "square",
                "labelLimit": 220,
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12},
            "text": {"font": FONT, "fontSize": 12, "color": INK},
            "range": {"ordinal": [GRADE_COLOURS[g] for g in GRADE_ORDER]},
            "area": {"stroke": "#ffffff", "strokeWidth": 0.5},
            "bar": {"stroke": "#ffffff", "strokeWidth": 0.5},
            "line": {"strokeWidth": 2},
            "point": {"filled": True, "size": 60},
            "geoshape": {"stroke": "#ffffff", "strokeWidth": 0.5},
        },
    }


def static_spec(spec: dict[str, Any], width: int = STATIC_WIDTH) -> dict[str, Any]:
    """A copy of ``spec`` with ``width="container"`` replaced by ``width`` px (for PNG/SVG)."""
    out = copy.deepcopy(spec)

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(out)
    return out
