"""The home page's numbers and charts, computed once from the warehouse.

Pages call :func:`facts` and print charts with :func:`ofsted_record.site.embed.chart_html`;
every number in the prose is an inline expression over these values (ints and
``IPython.display.Markdown`` text, never numpy scalars whose repr would leak into the page).
"""

from __future__ import annotations

import datetime as dt
import math
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

# Spending sits beside the other context measures: per child aged 0-17, as a multiple of the
# median council's in the same year (cash rose every year while grades improved).
SPEND_LABEL = "Spending per child"

# The councils the reporting of 2015-16 named, in the order it named them (its words, not a
# result): the story follows each through the record.
NAMED_COUNCILS = (
    "Sunderland",
    "Norfolk",
    "Sandwell",
    "Lancashire",
    "Kent",
    "Rotherham",
    "Bradford",
    "Doncaster",
    "Birmingham",
)
NAMED_COUNCILS_SQL = """
SELECT la_code, short_name, slug FROM councils WHERE short_name IN (SELECT unnest(?))
"""
# Full inspections (single inspection framework from November 2013, ILACS from 2018, and the
# 2026 framework, which gives no overall grade), oldest first.
FULL_INSPECTIONS_SQL = """
SELECT la_code, framework, published_date, overall_grade
FROM inspection_facts WHERE whole_service AND la_code IN (SELECT unnest(?))
ORDER BY la_code, published_date, inspection_id
"""
# Safeguarding judgements before November 2013 (safeguarding and looked-after children
# inspections' safeguarding grade; child protection inspections' overall grade), on their own
# scale, whose middle grade was "adequate" (the warehouse stores it so).
EARLIER_SAFEGUARDING_SQL = """
SELECT la_code, published_date, grade
FROM judgement_facts
WHERE la_code IN (SELECT unnest(?))
  AND ((framework IN ('slac', 'slac_reinspection') AND area = 'safeguarding')
    OR (framework IN ('cpi', 'cpri') AND area = 'overall_effectiveness'))
ORDER BY la_code, published_date
"""
COUNCIL_INTERVENTIONS_SQL = """
SELECT la_code, event, date, date_precision, event_label, source_url
FROM intervention_outcomes WHERE la_code IN (SELECT unnest(?))
ORDER BY la_code, date NULLS LAST, event
"""

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
    earlier value of each context measure (``context.analysis``), spending per child included."""
    from ofsted_record.context.analysis import grades_against_measures

    judgements = con.execute(JUDGEMENTS_FOR_CONTEXT).df()
    measures = con.execute(
        "SELECT la_code, year, measure, value FROM context_measures WHERE measure IN (SELECT unnest(?))",
        [list(CONTEXT_MEASURES)],
    ).df()
    out = grades_against_measures(judgements, measures, list(CONTEXT_MEASURES))
    out["label"] = out["measure"].map(CONTEXT_MEASURES)
    # Spending, as the spending claim measures it (one definition: warehouse.claims).
    from ofsted_record.context.analysis import grade_correlation
    from ofsted_record.warehouse.claims import spending_by_grade

    spend = grade_correlation(spending_by_grade(con)).assign(label=SPEND_LABEL)
    return pd.concat([out, spend], ignore_index=True)


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
    # The x-axis spans the intervals (and zero), not a fixed -0.5 to 0.5 that left most of it
    # empty; each measure's name sits above its row, so a phone keeps the width for the dots.
    lo = math.floor((min(data["ci_low"].min(), 0.0) - 0.02) * 10) / 10
    hi = math.ceil((max(data["ci_high"].max(), 0.0) + 0.02) * 10) / 10
    y = alt.Y("label:N", title=None, sort=order, axis=None)
    base = alt.Chart(data)
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#8c8c8c").encode(x="x:Q")
    bars = base.mark_rule(strokeWidth=2, color="#595959", yOffset=7).encode(
        y=y,
        x=alt.X(
            "ci_low:Q",
            title="Rank correlation with a worse grade (Spearman rho)",
            scale=alt.Scale(domain=[lo, hi], nice=False),
            axis=alt.Axis(grid=False),
        ),
        x2="ci_high:Q",
    )
    dots = base.mark_point(filled=True, size=70, color="#0b3c78", yOffset=7, opacity=1).encode(
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
    names = base.mark_text(
        align="left", baseline="bottom", dy=-1, fontSize=12, color="#222222"
    ).encode(y=y, x=alt.datum(lo), text="label:N")
    spend = data[data["label"] == SPEND_LABEL]
    heading = f"Worse grades went most with a higher {strongest['label'].lower()}"
    if len(spend):
        row = spend.iloc[0]
        link = (
            "no clear link"
            if row["ci_low"] <= 0 <= row["ci_high"]
            else ("a link with more money" if row["rho"] > 0 else "a link with less money")
        )
        heading += f"; spending per child showed {link}"
    return alt.layer(zero, bars, dots, names).properties(
        title=title(
            heading,
            "Association between a council's grade and its demand, workforce and spending figures "
            "(spending per child against the same year's median council)",
            SOURCE_RECORD.replace(
                "Ofsted record analysis",
                "DfE and ONS statistics on councils; Ofsted record analysis",
            ),
        ),
        description=description,
        width=width,
        height=alt.Step(40),
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


def _when(day: object, precision: object) -> str:
    """A date as people write it, only as precise as the source: '4 March 2015', 'March
    2015', '2015' or 'date not known'."""
    if day is None or pd.isna(day):
        return "date not known"
    stamp = pd.Timestamp(day)
    if precision == "month":
        return f"{stamp:%B %Y}"
    if precision in ("year", "unknown"):
        return f"{stamp:%Y}"
    return long_date(stamp)


def named_councils(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each council the reporting named: its full inspections (grade and publication date),
    the government interventions in the record, and where it stands on the headline date."""
    from ofsted_record.charts.palette import GRADE_LABELS
    from ofsted_record.headline import headline

    councils = con.execute(NAMED_COUNCILS_SQL, [list(NAMED_COUNCILS)]).df()
    missing = sorted(set(NAMED_COUNCILS) - set(councils["short_name"]))
    if missing:
        raise ValueError(f"named councils not in the councils table: {missing}")
    codes = list(councils["la_code"])
    inspections = con.execute(FULL_INSPECTIONS_SQL, [codes]).df()
    interventions = con.execute(COUNCIL_INTERVENTIONS_SQL, [codes]).df()
    earlier = con.execute(EARLIER_SAFEGUARDING_SQL, [codes]).df()
    head = headline(con)
    now = frames.standing_on(con, head.as_at).set_index("la_code")
    by_name = councils.set_index("short_name")
    out = []
    for name in NAMED_COUNCILS:
        code, slug = by_name.loc[name, "la_code"], by_name.loc[name, "slug"]
        own = inspections[inspections["la_code"] == code]
        grades = [
            {
                "grade": g if isinstance(g, str) else "no_overall_grade",
                "label": GRADE_LABELS[g if isinstance(g, str) else "no_overall_grade"],
                "date": pd.Timestamp(d).date(),
                "date_text": long_date(d),
                "month_text": f"{pd.Timestamp(d):%B %Y}",
            }
            for g, d in zip(own["overall_grade"], own["published_date"], strict=True)
        ]
        acts = interventions[interventions["la_code"] == code]
        before = earlier[earlier["la_code"] == code]
        standing = now.loc[code]
        out.append(
            {
                "la_code": code,
                "name": name,
                "href": f"councils/{slug}.html",
                "grades": grades,
                "ever_inadequate": any(g["grade"] == "inadequate" for g in grades),
                "earlier": [
                    {
                        "grade": g,
                        "date_text": long_date(d),
                        "month_text": f"{pd.Timestamp(d):%B %Y}",
                    }
                    for g, d in zip(before["grade"], before["published_date"], strict=True)
                ],
                "interventions": [
                    {
                        "label": r.event_label,
                        "when": _when(r.date, r.date_precision),
                        "url": r.source_url if isinstance(r.source_url, str) else "",
                    }
                    for r in acts.itertuples(index=False)
                ],
                "now": standing["grade"],
                "now_label": standing["grade_label"],
                "now_date_text": long_date(standing["published_date"]),
            }
        )
    return out


def named_councils_summary(items: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "named": len(items),
        "ever_inadequate": sum(i["ever_inadequate"] for i in items),
        "inadequate_now": sum(i["now"] == "inadequate" for i in items),
        "with_interventions": sum(bool(i["interventions"]) for i in items),
    }


def named_councils_words(items: list[dict[str, Any]]) -> dict[str, str]:
    """The summary counts as running text writes them ('nine', 'none')."""
    from ofsted_record.site.text import number_words

    return {
        k: ("none" if v == 0 else number_words(v)) for k, v in named_councils_summary(items).items()
    }


# Text on each grade's colour: white where it keeps 4.5:1 contrast, near-black elsewhere.
_LIGHT_INK = {"outstanding", "inadequate"}


def _chips(grades: list[dict[str, Any]]) -> str:
    from html import escape

    from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_LABELS

    out = []
    for g in grades:
        code = g["grade"]
        ink = "#ffffff" if code in _LIGHT_INK else "#1f1f1f"
        name = "Adequate" if code == "adequate" else GRADE_LABELS[code]
        if code == "no_overall_grade":
            name = "No overall grade"
        out.append(
            f'<li class="orc-chip" style="background:{GRADE_COLOURS[code]};color:{ink}" '
            f'title="{escape(g["date_text"])}">{escape(name)}'
            f'<span class="orc-chip-date">{escape(g["month_text"])}</span></li>'
        )
    return '<ol class="orc-chips">' + "".join(out) + "</ol>"


def named_councils_html(items: list[dict[str, Any]]) -> str:
    """One compact card per council that reflows on a phone: grade chips in order (older
    safeguarding grades on their own row and scale), the interventions folded away with a
    link to each one's source, and the council's page linked from its name."""
    from html import escape

    cards = []
    for item in items:
        if item["now"] == "no_overall_grade":
            now = "latest inspection gave no overall grade (2026 framework)"
        else:
            now = f"now {item['now_label'].lower()}"
        rows = []
        if item["earlier"]:
            rows.append(
                '<p class="orc-named-row">Safeguarding before November 2013 (older scale)</p>'
                + _chips(item["earlier"])
            )
        rows.append(
            '<p class="orc-named-row">Full inspections since</p>'
            + (_chips(item["grades"]) if item["grades"] else "<p>None in the record.</p>")
        )
        acts = item["interventions"]
        if acts:
            listed = "".join(
                "<li>"
                + (
                    f'<a href="{escape(a["url"])}">{escape(a["label"])}</a>'
                    if a["url"]
                    else escape(a["label"])
                )
                + f", {escape(a['when'])}</li>"
                for a in acts
            )
            dated = [a["when"] for a in acts if a["when"] != "date not known"]
            span = f", {dated[0]} to {dated[-1]}" if len(dated) > 1 else ""
            count = "1 step" if len(acts) == 1 else f"{len(acts)} steps"
            rows.append(
                f"<details><summary>Government action: {count}{escape(span)}</summary>"
                f"<ul>{listed}</ul></details>"
            )
        else:
            rows.append('<p class="orc-named-row">No government action in the record.</p>')
        cards.append(
            f'<li class="orc-named"><p class="orc-named-head"><a href="{escape(item["href"])}">'
            f"{escape(item['name'])}</a> <span>— {escape(now)}</span></p>{''.join(rows)}</li>"
        )
    return '<ul class="orc-named-list">' + "".join(cards) + "</ul>"
