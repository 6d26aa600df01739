"""The home page's numbers and charts, computed once from the warehouse.

Pages call :func:`facts` and print charts with :func:`ofsted_record.site.embed.chart_html`;
every number in the prose is an inline expression over these values (ints and
``IPython.display.Markdown`` text, never numpy scalars whose repr would leak into the page).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import duckdb
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, title
from ofsted_record.site import frames
from ofsted_record.site.text import long_date
from ofsted_record.warehouse import queries

CONTEXT_MEASURES = {
    "cin_at31_rate": "Children in need rate",
    "cpp_at31_rate": "Child protection plan rate",
    "cla_at31_rate": "Children looked after rate",
    "referrals_rate": "Referral rate",
    "sw_agency_rate": "Agency social worker rate",
    "sw_turnover_rate": "Social worker turnover rate",
    "sw_vacancy_rate": "Social worker vacancy rate",
    "sw_caseload": "Caseload per social worker",
}
TAKEOVER_EVENTS = ("trust_launched", "company_launched", "commissioner_appointed")

JUDGEMENTS_FOR_CONTEXT = """
SELECT la_code, CAST(published_date AS DATE) AS date, overall_grade AS grade
FROM inspection_facts WHERE whole_service AND overall_grade IS NOT NULL
"""


def _int(value: Any) -> int:
    return int(value)


def facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Headline figures (plain ``int``/``float``/``str``). The number inadequate, its
    denominator and its date come from :func:`ofsted_record.headline.headline`."""
    from ofsted_record.headline import headline

    head = headline(con)
    end = head.as_at
    now = frames.standing_on(con, end)
    national = frames.national(con)
    inadequate = national[national["grade"] == "inadequate"].set_index("date")["share"]
    peak_date = inadequate.idxmax()
    peak_row = national[(national["date"] == peak_date) & (national["grade"] == "inadequate")].iloc[
        0
    ]
    spells, curve = frames.survival(con)
    from ofsted_record.charts.survival import median_time

    median_days = median_time(curve)
    trans = frames.transitions(con)
    from_inad = trans[trans["from_grade"] == "inadequate"]
    improved_after_inad = from_inad[from_inad["to_grade"] != "inadequate"]["inspections"].sum()
    repeats = queries.repeat_failures(con)
    outcomes = queries.intervention_outcomes(con)
    takeovers = outcomes[outcomes["event"].isin(TAKEOVER_EVENTS)]
    takeover_after = takeovers.dropna(subset=["after_grade"])
    ever_inad = con.execute(
        "SELECT count(DISTINCT la_code) FROM whole_service_results WHERE is_inadequate"
    ).fetchone()[0]
    whole_inspected = con.execute(
        "SELECT count(DISTINCT la_code) FROM whole_service_results"
    ).fetchone()[0]
    return {
        "data_end": end,
        "data_end_text": long_date(end),
        "n_councils": _int(head.councils),
        "n_inadequate": _int(head.inadequate),
        "share_inadequate_text": head.percent,
        "n_good_or_better": _int(now["grade"].isin(["good", "outstanding"]).sum()),
        "n_requires_improvement": _int((now["grade"] == "requires_improvement").sum()),
        "n_no_overall_grade": _int((now["grade"] == "no_overall_grade").sum()),
        "peak_share_text": pct(float(peak_row["share"])),
        "peak_inadequate": _int(peak_row["councils"]),
        "peak_total": _int(peak_row["total"]),
        "peak_date_text": pd.Timestamp(peak_date).strftime("%B %Y"),
        "ever_inadequate": _int(ever_inad),
        "whole_inspected": _int(whole_inspected),
        "n_spells": _int(len(spells)),
        "n_spells_open": _int(spells["censored"].sum()),
        "median_years_text": (
            f"{median_days / 365.25:.1f}"
            if median_days is not None
            else "more than the data covers"
        ),
        "n_after_inadequate": _int(from_inad["inspections"].sum()),
        "n_improved_after_inadequate": _int(improved_after_inad),
        "improved_after_inadequate_text": pct(improved_after_inad / from_inad["inspections"].sum()),
        "n_repeat_councils": _int(repeats["la_code"].nunique()),
        "n_interventions": _int(len(outcomes)),
        "n_intervention_councils": _int(outcomes["la_code"].nunique()),
        "n_takeovers": _int(len(takeovers)),
        "n_takeover_councils": _int(takeovers["la_code"].nunique()),
        "n_takeovers_followed": _int(len(takeover_after)),
        "n_takeovers_better_after": _int((~takeover_after["after_inadequate"].astype(bool)).sum()),
    }


def context_correlations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Spearman rho between each full inspection's overall grade and the council's latest
    earlier value of each context measure (``context.analysis``)."""
    from ofsted_record.context.analysis import grades_against_measures

    judgements = con.execute(JUDGEMENTS_FOR_CONTEXT).df()
    measures = con.execute(
        "SELECT la_code, year, measure, value FROM context_measures WHERE measure IN (SELECT unnest(?))",
        [list(CONTEXT_MEASURES)],
    ).df()
    out = grades_against_measures(judgements, measures, list(CONTEXT_MEASURES))
    out["label"] = out["measure"].map(CONTEXT_MEASURES)
    return out


def context_chart(corr: pd.DataFrame, width: int | str = "container") -> alt.LayerChart:
    """Dot-and-whisker of Spearman rho (95% interval) for each measure."""
    data = corr[["measure", "label", "rho", "ci_low", "ci_high", "n"]].round(3)
    order = list(data.sort_values("rho", kind="mergesort")["label"])
    strongest = data.iloc[data["rho"].abs().argmax()]
    description = (
        f"Dot chart of the rank correlation between councils' overall grade (worse grades "
        f"higher) and {len(data)} context measures, each with a 95% interval. The strongest "
        f"association is with {strongest['label'].lower()} (rho {strongest['rho']:.2f}); "
        "every correlation is between -1 and 1 and none shows cause."
    )
    y = alt.Y("label:N", title=None, sort=order)
    base = alt.Chart(data)
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#8c8c8c").encode(x="x:Q")
    bars = base.mark_rule(strokeWidth=2, color="#595959").encode(
        y=y,
        x=alt.X(
            "ci_low:Q",
            title="Rank correlation with a worse grade (Spearman rho)",
            scale=alt.Scale(domain=[-0.5, 0.5]),
        ),
        x2="ci_high:Q",
    )
    dots = base.mark_point(filled=True, size=90, color="#0b3c78").encode(
        y=y,
        x="rho:Q",
        tooltip=[
            alt.Tooltip("label:N", title="Measure"),
            alt.Tooltip("rho:Q", format=".2f"),
            alt.Tooltip("ci_low:Q", title="95% low", format=".2f"),
            alt.Tooltip("ci_high:Q", title="95% high", format=".2f"),
            alt.Tooltip("n:Q", title="Inspections"),
        ],
    )
    return alt.layer(zero, bars, dots).properties(
        title=title(
            "What the context shows",
            "Association between a council's grade and its demand and workforce figures",
            SOURCE_RECORD,
        ),
        description=description,
        width=width,
        height=alt.Step(28),
    )


def as_markdown(value: object):
    """Text for an inline expression, shown as text (not as a quoted Python string)."""
    from IPython.display import Markdown

    return Markdown(str(value))


def latest_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    return frames.data_end(con)


def context_summary(corr: pd.DataFrame) -> str:
    """One sentence naming the measures whose 95% interval lies above or below zero."""
    ordered = corr.sort_values("rho", ascending=False, kind="mergesort")
    up = [f"{r.label.lower()} (rho {r.rho:.2f})" for r in ordered.itertuples() if r.ci_low > 0]
    down = [f"{r.label.lower()} (rho {r.rho:.2f})" for r in ordered.itertuples() if r.ci_high < 0]
    unclear = [r.label.lower() for r in ordered.itertuples() if r.ci_low <= 0 <= r.ci_high]

    def join(items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    parts = []
    if up:
        parts.append(f"worse grades went with a higher {join(up)}")
    if down:
        parts.append(f"with a lower {join(down)}")
    text = "; ".join(parts) if parts else "no measure showed a clear association with the grade"
    if unclear:
        text += f"; the association with {join(unclear)} was not distinguishable from none"
    return text[0].upper() + text[1:] + "."
