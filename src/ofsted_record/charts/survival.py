"""How long councils stay inadequate: the Kaplan-Meier curve with its 95% confidence band,
censoring marks and the number of spells still open at each whole year.

The estimator is the warehouse's (:func:`ofsted_record.warehouse.queries.kaplan_meier`, which
uses ``lifelines``: rows with ``days, at_risk, left, censored, still_inadequate, lower, upper``;
Greenwood variance, log(-log) limits), asked for every time a spell ended or was censored. This
module only adds what the chart needs from those columns: the Greenwood standard error, the
numbers at risk by year and the median.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, ChartDataError, require, title
from ofsted_record.charts.palette import GRADE_COLOURS
from ofsted_record.warehouse import queries as wq

COLUMNS = ("days", "at_risk", "left", "censored", "still_inadequate", "lower", "upper")
# Names some callers (site, notebook 04) still rename the warehouse columns to.
ALIASES = {"survival": "still_inadequate", "events": "left"}
ROUND = {"still_inadequate": 4, "lower": 4, "upper": 4, "se": 4}


def _warehouse_names(curve: pd.DataFrame) -> pd.DataFrame:
    renames = {old: new for old, new in ALIASES.items() if old in curve and new not in curve}
    return curve.rename(columns=renames)


def with_standard_error(curve: pd.DataFrame) -> pd.DataFrame:
    """Add ``se``: Greenwood's standard error of S(t), S(t)·sqrt(Σ d/(n(n−d))) over event
    times up to t, from the curve's own ``at_risk`` and ``left`` columns (0 once S reaches 0)."""
    curve = _warehouse_names(curve)
    n = curve["at_risk"].astype(float)
    d = curve["left"].astype(float)
    greenwood = (d / (n * (n - d))).where(n > d, 0.0).cumsum()
    return curve.assign(se=curve["still_inadequate"] * np.sqrt(greenwood))


def with_follow_up(curve: pd.DataFrame, spells: pd.DataFrame) -> pd.DataFrame:
    """Add a last row at the longest follow-up when it comes after the last event, so a plot
    runs to the end of the data (the estimate is flat after the last event)."""
    curve = _warehouse_names(curve)
    longest = int(spells["days"].max())
    last = curve.iloc[-1]
    if longest <= int(last["days"]):
        return curve
    at_end = spells["days"] == longest
    tail = {
        "days": longest,
        "at_risk": int(at_end.sum()),
        "left": 0,
        "censored": int((at_end & spells["censored"].astype(bool)).sum()),
        "still_inadequate": last["still_inadequate"],
        "lower": last["lower"],
        "upper": last["upper"],
    }
    return pd.concat([curve, pd.DataFrame([tail])], ignore_index=True)


def kaplan_meier(durations: Sequence[float], events: Sequence[int]) -> pd.DataFrame:
    """The warehouse estimator on plain durations and event flags (1 = ended, 0 = censored).

    Returns the warehouse columns (``days, at_risk, left, censored, still_inadequate, lower,
    upper``) with ``se`` and the follow-up row added (see :func:`with_follow_up`).
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    if t.size == 0 or t.size != e.size:
        raise ValueError("kaplan_meier needs equal-length, non-empty durations and events")
    if np.any(t < 0) or not set(np.unique(e)) <= {0, 1}:
        raise ValueError("durations must be >= 0 and events 0 or 1")
    spells = pd.DataFrame({"days": t, "censored": e == 0})
    return with_standard_error(wq.kaplan_meier(spells, all_times=True))


def median_time(curve: pd.DataFrame) -> float | None:
    """First time at which the survival estimate is at or below one half (None if never)."""
    curve = _warehouse_names(curve)
    below = curve[curve["still_inadequate"] <= 0.5]
    return None if below.empty else float(below["days"].iloc[0])


def at_risk_by_year(curve: pd.DataFrame) -> pd.DataFrame:
    """``years`` (0, 1, 2, ...) and ``open`` (spells still open, i.e. at risk, at that time).

    Exact when ``curve`` has a row at every event and censoring time (as the warehouse gives
    with ``all_times``): the number at risk at t is the at-risk count of the first row at or
    after t, or 0 past the last row.
    """
    curve = _warehouse_names(curve)
    rows = []
    for year in range(0, math.ceil(curve["days"].max() / 365.25) + 1):
        later = curve[curve["days"] >= year * 365.25]
        rows.append({"years": year, "open": int(later["at_risk"].iloc[0]) if len(later) else 0})
    return pd.DataFrame(rows)


def survival_chart(curve: pd.DataFrame, width: int | str = "container") -> alt.LayerChart:
    """Step line of the share of inadequate spells not yet ended, with its 95% band.

    Input: a Kaplan-Meier frame as the warehouse returns it: ``days`` (since the inadequate
    judgement), ``at_risk`` (spells open just before), ``left`` (spells ended that day),
    ``censored``, ``still_inadequate`` (S(t), 0-1), ``lower``, ``upper`` (95% limits). The
    first row is time 0 with every spell at risk. ``survival``/``events`` are accepted for
    ``still_inadequate``/``left``.
    """
    curve = _warehouse_names(curve)
    require(curve, COLUMNS, "survival_chart")
    if curve["days"].iloc[0] != 0:
        raise ChartDataError("survival_chart: the first row must be time 0 (all spells at risk)")
    data = curve[list(COLUMNS)].round({k: v for k, v in ROUND.items() if k in COLUMNS})
    data["years"] = (data["days"] / 365.25).round(3)
    spells = int(data["at_risk"].iloc[0])
    ended = int(data["left"].sum())
    median = median_time(curve)
    at_two = curve[curve["days"] <= 730.5]["still_inadequate"].iloc[-1]
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
        title="Years since judged inadequate",  # short: it must fit a 320 px phone
        scale=alt.Scale(domain=[0, math.ceil(data["years"].max())], nice=False),
        axis=alt.Axis(tickMinStep=1, titlePadding=26),
    )
    tooltip = [
        alt.Tooltip("years:Q", title="Years", format=".1f"),
        alt.Tooltip("still_inadequate:Q", title="Still inadequate", format=".0%"),
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
            "still_inadequate:Q",
            title="Share still inadequate",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        tooltip=tooltip,
    )
    points = base.mark_point(opacity=0, size=80).encode(
        x=x, y="still_inadequate:Q", tooltip=tooltip
    )
    # a spell still open at the end of the data (or ended by abolition) is censored: a tick
    censored = (
        alt.Chart(data[data["censored"] > 0])
        .mark_tick(orient="vertical", size=9, thickness=1.5, color="#1f1f1f")
        .encode(
            x=x,
            y="still_inadequate:Q",
            tooltip=[
                alt.Tooltip("years:Q", title="Years", format=".1f"),
                alt.Tooltip("censored:Q", title="Spells still open at the end of the data"),
            ],
        )
    )
    at_risk = (
        alt.Chart(at_risk_by_year(curve))
        .mark_text(fontSize=11, color="#595959", y=alt.expr("height + 28"))
        .encode(x=x, text="open:Q")
    )
    return alt.layer(band, line, points, censored, at_risk).properties(
        title=title(
            "More than half of inadequate councils were still inadequate at the end"
            if median is None
            else f"Half of inadequate councils had a better grade within "
            f"{median / 365.25:.1f} years",
            [
                "Share of inadequate judgements not yet followed by a better one (95% band;",
                "ticks: spells still open when the data end). A spell ends only at a",
                "re-inspection, so early endings mostly show how soon Ofsted came back.",
                "Numbers under each year: spells still open then.",
            ],
            SOURCE_RECORD,
        ),
        description=description,
        width=width,
        height=280,
    )
