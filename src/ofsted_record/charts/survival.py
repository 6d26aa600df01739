"""How long councils stay inadequate: Kaplan-Meier estimate with a 95% confidence band."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, require, title
from ofsted_record.charts.palette import GRADE_COLOURS

COLUMNS = ("days", "survival", "lower", "upper", "at_risk", "events", "censored")
Z95 = 1.959964


def kaplan_meier(durations: Sequence[float], events: Sequence[int]) -> pd.DataFrame:
    """Kaplan-Meier survival with Greenwood variance and log-log 95% limits.

    Returns one row per distinct time (plus time 0): ``days``, ``survival``, ``lower``,
    ``upper``, ``at_risk`` (just before the time), ``events``, ``censored``, ``se``
    (Greenwood standard error of the survival).
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    if t.size == 0 or t.size != e.size:
        raise ValueError("kaplan_meier needs equal-length, non-empty durations and events")
    if np.any(t < 0) or not set(np.unique(e)) <= {0, 1}:
        raise ValueError("durations must be >= 0 and events 0 or 1")
    rows = [
        {"days": 0.0, "survival": 1.0, "lower": 1.0, "upper": 1.0, "at_risk": int(t.size)}
        | {"events": 0, "censored": 0, "se": 0.0}
    ]
    s, greenwood = 1.0, 0.0
    for time in np.unique(t):
        at_risk = int((t >= time).sum())
        d = int(((t == time) & (e == 1)).sum())
        c = int(((t == time) & (e == 0)).sum())
        if d:
            s *= 1 - d / at_risk
            greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        se = s * math.sqrt(greenwood) if s > 0 else 0.0
        if 0 < s < 1 and math.isfinite(greenwood):
            # log(-log S) limits stay inside (0, 1) (Kalbfleisch & Prentice).
            v = math.sqrt(greenwood) / abs(math.log(s))
            lo, hi = s ** math.exp(Z95 * v), s ** math.exp(-Z95 * v)
        else:
            lo = hi = s
        rows.append(
            {"days": float(time), "survival": s, "lower": lo, "upper": hi, "at_risk": at_risk}
            | {"events": d, "censored": c, "se": se}
        )
    out = pd.DataFrame(rows)
    out = out[(out["events"] > 0) | (out["days"] == 0) | (out.index == len(out) - 1)]
    return out.reset_index(drop=True).round({"survival": 4, "lower": 4, "upper": 4, "se": 4})


def median_time(curve: pd.DataFrame) -> float | None:
    """First time at which the survival estimate is at or below one half (None if never)."""
    below = curve[curve["survival"] <= 0.5]
    return None if below.empty else float(below["days"].iloc[0])


def survival_chart(curve: pd.DataFrame, width: int | str = "container") -> alt.LayerChart:
    """Step line of the share of inadequate spells not yet ended, with its 95% band.

    Input columns: ``days`` (since the inadequate judgement), ``survival`` (share still
    inadequate, 0-1), ``lower``, ``upper`` (95% limits), ``at_risk``, ``events``, ``censored``.
    """
    require(curve, COLUMNS, "survival_chart")
    data = curve[list(COLUMNS)].copy()
    data["years"] = (data["days"] / 365.25).round(3)
    spells = int(data["at_risk"].iloc[0])
    ended = int(data["events"].sum())
    median = median_time(curve)
    at_two = data[data["days"] <= 730.5]["survival"].iloc[-1]
    if median is None:
        finding = "More than half of the spells had not ended by the end of the data"
    else:
        finding = f"Half of the spells had ended by {median / 365.25:.1f} years"
    description = (
        f"Step line chart (Kaplan-Meier estimate) of how long councils stayed inadequate, from "
        f"{spells} spells of an inadequate overall judgement, {ended} of which ended with a better "
        f"grade. {finding}; two years after the judgement "
        f"{round(at_two * 100)}% were still inadequate."
    )
    x = alt.X(
        "years:Q",
        title="Years since judged inadequate",
        scale=alt.Scale(domain=[0, math.ceil(data["years"].max())], nice=False),
    )
    tooltip = [
        alt.Tooltip("years:Q", title="Years", format=".1f"),
        alt.Tooltip("survival:Q", title="Still inadequate", format=".0%"),
        alt.Tooltip("lower:Q", title="95% CI low", format=".0%"),
        alt.Tooltip("upper:Q", title="95% CI high", format=".0%"),
        alt.Tooltip("at_risk:Q", title="Spells still open"),
    ]
    base = alt.Chart(data)
    band = base.mark_area(
        interpolate="step-after", opacity=0.25, color=GRADE_COLOURS["inadequate"], stroke=None
    ).encode(x=x, y="lower:Q", y2="upper:Q")
    line = base.mark_line(
        interpolate="step-after", color=GRADE_COLOURS["inadequate"], strokeWidth=2.5
    ).encode(
        x=x,
        y=alt.Y(
            "survival:Q",
            title="Share still inadequate",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        tooltip=tooltip,
    )
    points = base.mark_point(opacity=0, size=80).encode(x=x, y="survival:Q", tooltip=tooltip)
    return alt.layer(band, line, points).properties(
        title=title(
            "How long councils stay inadequate",
            "Share of inadequate judgements not yet followed by a better one (95% band)",
            SOURCE_RECORD,
        ),
        description=description,
        width=width,
        height=280,
    )
