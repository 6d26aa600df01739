# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ofsted-record)
#     language: python
#     name: ofsted-record
# ---

# %% [raw]
# ---
# title: "2. The national picture"
# subtitle: "How England's councils stood with Ofsted month by month, by grade and by region, under each counting rule"
# ---

# %% [markdown]
# **What this notebook does.** A council's *standing* on a date is the overall effectiveness
# grade of its latest whole-service inspection (SIF from November 2013, or ILACS) that counts
# on that date. Which inspections count depends on the **counting rule**:
#
# - `published_within_month` — Ofsted's rule until its 2023 release: inspections that had ended
#   by the date *and* were published within a month of it (what was known soon after).
# - `ofsted_31_march` — Ofsted's rule from its 2024 release: ended by the date and published
#   within three months of it (its "as at 31 March" figures count reports published by 30 June).
# - `ended_by` — not Ofsted's rule: inspections that had ended by the date, whenever published
#   (the position as known now; the default for monthly series).
#
# An older grade is never carried forward: a council inspected under the April 2026 framework,
# which gives no overall grade, shows as "no overall grade". Every figure comes from the
# warehouse queries in `ofsted_record.warehouse.queries`.

# %% tags=["parameters"]
as_at = ""  # show the record up to this date; blank: the last publication date in the data
rule = "ended_by"  # counting rule: "ended_by", "ofsted_31_march" or "published_within_month"

# %% Setup
import altair as alt
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record.charts import queries as chart_queries
from ofsted_record.charts.national import national_chart
from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_ORDER, label
from ofsted_record.charts.regions import regions_chart
from ofsted_record.charts.transitions import transitions_chart
from ofsted_record.headline import headline
from ofsted_record.notebooks import as_date, setup_display
from ofsted_record.warehouse import connect, queries

setup_display()
con = connect()


def table(name: str) -> pd.DataFrame:
    """A whole warehouse table (through a cursor: a pending result on `con` cannot block it)."""
    return con.cursor().table(name).df()


def say(text: str) -> None:
    display(Markdown(text))


if rule not in queries.RULES:
    raise ValueError(f"rule={rule!r}: choose one of {', '.join(queries.RULES)}")
data_end = pd.Timestamp(as_date(as_at, chart_queries.data_end(con)))
say(f"The record up to **{data_end:%-d %B %Y}**; standing counted by the rule `{rule}`.")
rules = table("counting_rules")
rules

# %% [markdown]
# ## Month by month, under each rule
#
# `national_monthly` counts councils by grade (or by why they have none) at every month end.
# Months after the last publication in the data are dropped: they would only repeat it.

# %%
monthly = {
    each: queries.national_monthly(con, each).query("as_at <= @data_end") for each in queries.RULES
}
for each, frame in monthly.items():
    print(each)
    print(frame["grade"].value_counts().to_string(), end="\n\n")
for frame in monthly.values():
    totals = frame.groupby("as_at")["councils"].sum()
    existing = frame.groupby("as_at")["councils_existing"].first()
    assert (totals == existing).all(), "every existing council is counted once a month"
    shares = frame[frame["grade"].isin(GRADE_ORDER)]
    assert ((shares.groupby("as_at")["share_of_graded"].sum() - 1).abs() < 1e-9).all()

# %% [markdown]
# The house chart wants one row per month and grade with its share of all councils; councils
# not yet inspected under SIF/ILACS and 2026 inspections without an overall grade get their own
# (grey) bands.

# %%
STATUS_AS_GRADE = {
    "not yet inspected under SIF/ILACS": "not_judged",
    "not judged in latest inspection": "not_judged",
    "no overall grade (2026 framework)": "no_overall_grade",
}


def for_stacked_chart(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts by grade code, with each group's total and shares (the chart functions' input)."""
    out = (
        frame.assign(grade=frame["grade"].replace(STATUS_AS_GRADE))
        .groupby([*by, "grade"], as_index=False)["councils"]
        .sum()
    )
    out["total"] = out.groupby(by)["councils"].transform("sum")
    out["share"] = out["councils"] / out["total"]
    out["grade_label"] = out["grade"].map(label)
    return out


first_graded = monthly[rule].dropna(subset=["share_of_graded"])["as_at"].min()
national = for_stacked_chart(
    monthly[rule].query("as_at >= @first_graded").rename(columns={"as_at": "date"}),
    ["date"],
)
assert ((national.groupby("date")["share"].sum() - 1).abs() < 1e-9).all()

# %%
#| label: fig-national
#| fig-cap: "Share of England's councils at each overall grade, month by month (under the chosen counting rule)."
#| fig-alt: "Stacked area chart of the share of English councils whose latest overall grade was outstanding, good, requires improvement or inadequate at each month end since the single inspection framework began, with councils not yet graded in grey."
chart = national_chart(national, width=640)
display(chart)
say(chart.description)

# %% [markdown]
# ## What the two counting rules change
#
# The rules differ only where an inspection had ended but was not yet published a month
# later. The chart shows the share of graded councils that were inadequate under each.

# %%
inadequate = pd.concat(
    frame[frame["grade"] == "inadequate"].assign(rule=each) for each, frame in monthly.items()
)
wide = inadequate.pivot(index="as_at", columns="rule", values="councils").fillna(0)
differs = wide[wide["ended_by"] != wide["published_within_month"]]
peak = {
    each: frame[frame["grade"] == "inadequate"].set_index("as_at")["share_of_graded"]
    for each, frame in monthly.items()
}
say(
    f"The count of inadequate councils differs between the rules in **{len(differs)} of "
    f"{len(wide)}** month ends. The peak share of graded councils judged inadequate is "
    + "; ".join(f"{s.max():.1%} in {s.idxmax():%B %Y} under `{r}`" for r, s in peak.items())
    + "."
)
differs.tail(12)

# %%
#| label: fig-rules
#| fig-cap: "Share of graded councils judged inadequate, under each counting rule."
#| fig-alt: "Line chart with two lines, one per counting rule, of the share of graded English councils whose latest overall grade was inadequate at each month end; the lines coincide for most months and part where inspections were published more than a month after they ended."
rules_chart = (
    alt.Chart(inadequate.query("as_at >= @first_graded"))
    .mark_line(interpolate="step-after")
    .encode(
        x=alt.X("as_at:T", title=None),
        y=alt.Y(
            "share_of_graded:Q",
            title="Share of graded councils inadequate",
            axis=alt.Axis(format="%"),
        ),
        color=alt.Color(
            "rule:N",
            title="Counting rule",
            scale=alt.Scale(range=[GRADE_COLOURS["inadequate"], "#4b93d1"]),
        ),
        strokeDash="rule:N",
        tooltip=[
            alt.Tooltip("as_at:T", format="%B %Y"),
            "rule:N",
            alt.Tooltip("share_of_graded:Q", format=".1%"),
            "councils:Q",
        ],
    )
    .properties(
        title="Inadequate councils under the two counting rules",
        description=(
            f"Line chart of the share of graded councils judged inadequate at each month end "
            f"from {first_graded:%B %Y} to {data_end:%B %Y} under the two counting rules; they "
            f"differ in {len(differs)} months."
        ),
        width=640,
    )
)
display(rules_chart)
say(rules_chart.description)

# %% [markdown]
# ## By grade, on chosen dates
#
# Councils by standing at 31 March of each year (the date Ofsted's annual statistics use),
# then each council's standing on the last publication date in the data.

# %%
dates = [
    pd.Timestamp(f"{y}-03-31")
    for y in range(2014, data_end.year + 1)
    if pd.Timestamp(f"{y}-03-31") <= data_end
]
frame = monthly[rule]
snap = frame[frame["as_at"].isin(dates)]
by_grade = snap.pivot_table(
    index="as_at", columns="grade", values="councils", aggfunc="sum", fill_value=0
)
print(snap["grade"].value_counts().to_string())
by_grade

# %%
latest = queries.standing(con, data_end.date(), rule)
print(latest["status"].value_counts().to_string())
graded = latest[latest["status"] == "graded"]
share = graded["grade"].value_counts(normalize=True)
assert abs(share.sum() - 1) < 1e-9
# The headline (one definition, ofsted_record.headline): share of every council in being.
head = headline(con, data_end.date(), rule)
assert (head.councils, head.inadequate) == (
    len(latest),
    int((graded["grade"] == "inadequate").sum()),
)
say(f"**Headline:** {head.sentence()}")
say(
    f"Shares of the councils with a grade, not of all councils: on {data_end:%-d %B %Y}, "
    f"{len(latest)} councils "
    f"existed; {len(graded)} had an overall grade: "
    + ", ".join(
        f"{label(g).lower()} {n} ({share[g]:.0%})"
        for g, n in graded["grade"].value_counts().items()
    )
    + f". {len(latest) - len(graded)} had none ("
    + ", ".join(
        f"{s}: {n}"
        for s, n in latest.loc[latest["status"] != "graded", "status"].value_counts().items()
    )
    + ")."
)

# %% [markdown]
# ## By region
#
# The same standing, region by region, at the end of the data.

# %%
regional = queries.regional_monthly(con, rule)
last_month = regional.loc[regional["as_at"] <= data_end, "as_at"].max()
regional_latest = regional[regional["as_at"] == last_month]
print(regional_latest["grade"].value_counts().to_string())
regions = for_stacked_chart(regional_latest.rename(columns={"as_at": "date"}), ["date", "region"])
assert ((regions.groupby("region")["share"].sum() - 1).abs() < 1e-9).all()
assert regions["councils"].sum() == len(latest)
regions.pivot(index="region", columns="grade", values="councils").fillna(0).astype(int)

# %%
#| label: fig-regions
#| fig-cap: "Councils' latest overall grade in each region, at the end of the data."
#| fig-alt: "Horizontal stacked bar chart, one bar per English region, of the share of its councils at each overall grade, sorted by the share judged good or outstanding."
chart = regions_chart(regions, width=640)
display(chart)
say(chart.description)

# %% [markdown]
# ## What the next inspection found
#
# Consecutive whole-service inspections of the same council with an overall grade
# (the warehouse view `transitions`).

# %%
summary = queries.transition_summary(con)
print(summary.groupby("change")["n"].sum().to_string())
matrix = summary.pivot(index="previous_grade", columns="grade", values="n").fillna(0).astype(int)
matrix

# %%
#| label: fig-transitions
#| fig-cap: "Overall grade at the next inspection, by the grade before (SIF and ILACS)."
#| fig-alt: "Stacked bar chart, one bar per earlier overall grade, of the share of next inspections at each grade."
pairs = chart_queries.transitions(con)
assert ((pairs.groupby("from_grade")["share"].sum() - 1).abs() < 1e-3).all()
chart = transitions_chart(pairs, width=640)
display(chart)
say(chart.description)


# %% [markdown]
# ## Which councils are inadequate now, and since when
#
# Every council whose standing on the chosen date (`as_at`, counted by `rule`) is inadequate,
# with the day its current spell of inadequate began: the day the first of its run of
# inadequate whole-service inspections ended (warehouse view `inadequate_spells`), which both
# counting rules require to be on or before the date. Longest first.

# %%
first_ended = table("inspection_facts").set_index("inspection_id")["end_date"]
spells = queries.inadequate_spells(con)
spells = spells.assign(since=spells["start_inspection_id"].map(first_ended))
now = latest[latest["grade"] == "inadequate"].merge(
    spells[["la_code", "start_date", "end_date", "since"]].rename(
        columns={"start_date": "first_published", "end_date": "spell_end"}
    ),
    on="la_code",
    how="left",
)
# The spell that holds the council's latest counted inspection (spells run on publication dates).
now = now[
    (now["first_published"] <= now["published_date"])
    & (now["spell_end"].isna() | (now["spell_end"] > now["published_date"]))
].sort_values("since")
assert set(now["la_code"]) == set(latest.loc[latest["grade"] == "inadequate", "la_code"]), (
    "every inadequate council is in a spell"
)
assert (now["since"] <= data_end).all()
assert len(now) == head.inadequate, "the table lists the headline's councils"
now["years"] = (data_end - now["since"]).dt.days / 365.25
if len(now):
    first = now.iloc[0]
    say(
        f"{head.sentence()} Counted by the rule `{rule}`. "
        f"The longest-standing: {first['council']}, inadequate since "
        f"{first['since']:%-d %B %Y} ({first['years']:.1f} years)."
    )
else:
    say(f"{head.sentence()} Counted by the rule `{rule}`.")
now.assign(
    since=now["since"].dt.strftime("%-d %B %Y"),
    first_report=now["first_published"].dt.strftime("%-d %B %Y"),
    latest_report=now["published_date"].dt.strftime("%-d %B %Y"),
    years=now["years"].round(1),
    report=now["source_url"].map(
        lambda url: f"[latest report]({url})" if isinstance(url, str) else ""
    ),
)[["council", "since", "years", "first_report", "latest_report", "report"]].reset_index(drop=True)
