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
# title: "7. One council, in depth"
# subtitle: "Every inspection, grade, spell of inadequate and intervention for one council, with its predecessors or successors and its statistical neighbours"
# ---

# %% [markdown]
# **What this notebook does.** Set `council` in the next cell (or pass it:
# `ofsted-record notebooks --council "Kent"`, `papermill … -p council Kent`, or
# `quarto render 07_council_deep_dive.ipynb -P council:Kent`). Any name Ofsted, the DfE or ONS
# print for a council works, as does its three-digit DfE code; abolished councils
# (Northamptonshire, Cumbria) and new ones (Cumberland) are covered. A name that is not
# recognised stops the notebook at the first cell below the parameters, listing close matches.

# %% tags=["parameters"]
council = "Sunderland"  # any printed name, or the three-digit DfE code
as_at = ""  # the record up to this date; blank: the last publication date in the data
rule = "ended_by"  # counting rule for the standing: "ended_by" or "published_within_month"

# %% Setup: resolve the council first, so a bad parameter fails here
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record import register

councils = register.load_councils().set_index("la_code")
if council in councils.index:
    la_code = council
else:
    try:
        la_code = register.resolve_name(council)
    except register.UnresolvedCouncil as exc:
        raise register.UnresolvedCouncil(f"notebook parameter council={council!r}: {exc}") from None
me = councils.loc[la_code]

from ofsted_record.charts import queries as chart_queries  # noqa: E402
from ofsted_record.charts.council import council_chart  # noqa: E402
from ofsted_record.context import analysis  # noqa: E402
from ofsted_record.notebooks import as_date, setup_display  # noqa: E402
from ofsted_record.warehouse import connect, queries  # noqa: E402

setup_display()
con = connect()
if rule not in queries.RULES:
    raise ValueError(f"rule={rule!r}: choose one of {', '.join(queries.RULES)}")
data_end = pd.Timestamp(as_date(as_at, chart_queries.data_end(con)))


def table(name: str) -> pd.DataFrame:
    """A whole warehouse table (through a cursor: a pending result on `con` cannot block it)."""
    return con.cursor().table(name).df()


def say(text: str) -> None:
    display(Markdown(text))


def when(value) -> str:
    return "—" if pd.isna(value) else f"{pd.Timestamp(value):%-d %B %Y}"


say(
    f"## {me['name']} (`{la_code}`)\n\n"
    f"{me['region_name']} · {me['la_type'].replace('_', ' ')} · "
    f"existed {when(me['valid_from']) if pd.notna(me['valid_from']) else 'throughout'}"
    f"{' to ' + when(me['valid_to']) if pd.notna(me['valid_to']) else ' (still exists)'}"
)

# %% [markdown]
# ## Predecessors and successors
#
# Reorganisations that created or abolished this council. Their own records follow in the
# last section.

# %%
links = table("council_links")
related = links[(links["predecessor_la_code"] == la_code) | (links["successor_la_code"] == la_code)]
names = councils["short_name"]
related = related.assign(
    predecessor=related["predecessor_la_code"].map(names),
    successor=related["successor_la_code"].map(names),
)
say(
    f"{len(related)} reorganisation link(s) involve {me['short_name']}."
    if len(related)
    else f"{me['short_name']} was neither created nor abolished in 2009-2026."
)
related[["predecessor", "successor", "effective_date", "note"]]

# %% [markdown]
# ## Every judgement

# %%
timeline = queries.council_timeline(con, la_code).query("published_date <= @data_end")
print(timeline["framework"].value_counts().to_string())
print(timeline["grade"].value_counts().to_string())
assert timeline["inspection_id"].notna().all()
inspections = timeline.drop_duplicates("inspection_id")
say(
    f"{me['short_name']} has **{len(inspections)} inspections** in the record "
    f"({len(timeline)} judgements)"
    + (
        f", published {when(inspections['published_date'].min())} to "
        f"{when(inspections['published_date'].max())}."
        if len(inspections)
        else "."
    )
)
grid = timeline.pivot_table(
    index=["published_date", "framework", "source"], columns="area", values="grade", aggfunc="first"
)
grid

# %%
#| label: fig-council
#| fig-cap: "The council's overall judgements over time, with government interventions."
#| fig-alt: "Timeline of the council's overall Ofsted judgements, one dot per inspection placed and coloured by grade, joined by a step line, with dashed vertical lines at government interventions."
judgements, interventions = chart_queries.council_history(con, la_code)
if judgements.empty:
    say(f"No overall judgements to chart for {me['short_name']}.")
else:
    chart = council_chart(me["short_name"], judgements, interventions, width=640)
    display(chart)
    say(chart.description)

# %% [markdown]
# ## Standing over time
#
# The council's standing (latest whole-service grade that counts) at each 31 March, under
# both counting rules.

# %%
standing = {
    each: queries.standing_monthly(con, each).query(
        "la_code == @la_code and as_at <= @data_end"
    )
    for each in queries.RULES
}
marches = pd.concat(
    frame[frame["as_at"].dt.month == 3].assign(rule=each) for each, frame in standing.items()
)
on_day = queries.standing(con, data_end.date(), rule).query("la_code == @la_code")
if len(on_day):
    row = on_day.iloc[0]
    shown = (row["grade"] if pd.notna(row["grade"]) else row["status"]).replace("_", " ")
    say(f"On {when(data_end)} (rule `{rule}`): **{shown}**.")
else:
    say(f"{me['short_name']} did not exist on {when(data_end)}.")
print(marches["status"].value_counts().to_string())
marches.assign(shown=marches["grade"].fillna(marches["status"])).pivot(
    index="as_at", columns="rule", values="shown"
)

# %% [markdown]
# ## Spells of inadequate and interventions

# %%
spells = queries.inadequate_spells(con).query("la_code == @la_code")
outcomes = queries.intervention_outcomes(con).query("la_code == @la_code")
print(spells["outcome"].value_counts().to_string())
say(
    f"{me['short_name']}: {len(spells)} spell(s) of inadequate"
    + (
        "; "
        + "; ".join(
            f"from {when(s.start_date)} for {s.days / 365.25:.1f} years ({s.outcome})"
            for s in spells.itertuples()
        )
        if len(spells)
        else ""
    )
    + f". {len(outcomes)} government intervention event(s) recorded."
)
display(spells[["spell_number", "start_date", "end_date", "days", "exit_grade", "outcome"]])
outcomes[["event", "date", "date_precision", "before_grade", "after_grade", "detail", "source"]]

# %% [markdown]
# ## Beside its statistical neighbours
#
# The DfE's statistical neighbours (the most similar councils), on the agency social worker
# rate in the latest year the council has a value. Association, not cause: see notebook 5.

# %%
measures = table("context_measures")
neighbours = table("context_stat_neighbours")
measure = "sw_agency_rate"
mine = measures[
    (measures["la_code"] == la_code) & (measures["measure"] == measure) & measures["value"].notna()
]
models = sorted(neighbours.loc[neighbours["la_code"] == la_code, "model"].astype(int))
if mine.empty or not models:
    say(f"No {measure} value or no statistical neighbours for {me['short_name']}.")
else:
    year = int(mine["year"].max())
    compared = analysis.compare_with_neighbours(
        measures, neighbours, la_code, measure, year, model=models[-1]
    )
    compared["council"] = compared["la_code"].map(names)
    rank = compared.loc[compared["role"] == "council", "rank_in_group"].iloc[0]
    median = compared.loc[compared["role"] == "neighbour median", "value"].iloc[0]
    value = compared.loc[compared["role"] == "council", "value"].iloc[0]
    say(
        f"In {year} (30 September), {value:.1f}% of {me['short_name']}'s social workers were "
        f"agency staff, against a neighbour median of {median:.1f}% (rank {rank} of "
        f"{int(compared['rank_in_group'].notna().sum())}, {models[-1]} model)."
    )
    display(compared)

# %% [markdown]
# ## The record of predecessors and successors

# %%
others = pd.concat([related["predecessor_la_code"], related["successor_la_code"]]).unique()
others = [code for code in others if code != la_code]
for code in others:
    other = queries.council_timeline(con, code)
    overall = other[other["area"] == "overall_effectiveness"]
    say(
        f"**{names[code]}** (`{code}`): {other['inspection_id'].nunique()} inspections; "
        "overall grades: "
        + (
            ", ".join(
                f"{g} ({when(d)})"
                for d, g in zip(overall["published_date"], overall["grade"], strict=True)
            )
            or "none"
        )
    )
if not others:
    say("None.")
