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
# title: "3. Maps"
# subtitle: "Each council's overall grade on chosen dates, on a geographic map and on a hex cartogram, drawn on the boundaries in force on each date"
# ---

# %% [markdown]
# **What this notebook does.** For each date in `dates` (edit the list to choose others) it takes
# every council's standing from the warehouse (`queries.standing`, rule `ended_by`) and draws it
# on the council boundaries in force on that date (`ofsted_record.geography.vintage_for`): the
# map changes as Dorset, Northamptonshire and Cumbria were reorganised. The hex cartogram gives
# every council the same space, so small urban councils are as visible as large counties.

# %% tags=["parameters"]
as_at = ""  # the last map's date; blank: the last publication date in the data
rule = "ended_by"  # counting rule: "ended_by" or "published_within_month"

# %% Setup
import datetime as dt
import json

import altair as alt
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record import geography
from ofsted_record.charts import queries as chart_queries
from ofsted_record.charts.palette import ALL_GRADES, grade_scale, label
from ofsted_record.headline import headline
from ofsted_record.notebooks import as_date, setup_display
from ofsted_record.warehouse import connect, queries

setup_display()
con = connect()


def say(text: str) -> None:
    display(Markdown(text))


if rule not in queries.RULES:
    raise ValueError(f"rule={rule!r}: choose one of {', '.join(queries.RULES)}")
data_end = as_date(as_at, chart_queries.data_end(con))
# Earlier 31 Marches for comparison, then the chosen date.
dates = [
    day
    for day in (
        dt.date(2015, 3, 31),
        dt.date(2017, 3, 31),
        dt.date(2020, 3, 31),
        dt.date(2023, 3, 31),
    )
    if day < data_end
] + [data_end]

# %% [markdown]
# ## Standing on each date
#
# A council without a grade is shown in grey, with the reason: not yet inspected under the
# SIF/ILACS, or inspected under the April 2026 framework, which gives no overall grade.

# %%
STATUS_AS_GRADE = {
    "not yet inspected under SIF/ILACS": "not_judged",
    "not judged in latest inspection": "not_judged",
    "no overall grade (2026 framework)": "no_overall_grade",
}
standing = pd.concat(queries.standing(con, day, rule) for day in dates)
standing["grade_code"] = standing["grade"].fillna(standing["status"].map(STATUS_AS_GRADE))
standing["grade_label"] = standing["grade_code"].map(label)
standing["as_at"] = pd.to_datetime(standing["as_at"]).dt.date
print(standing["status"].value_counts().to_string())
assert standing["grade_code"].notna().all()
# On the chosen date the maps show the headline (one definition, ofsted_record.headline).
head = headline(con, data_end, rule)
on_end = standing[standing["as_at"] == data_end]
assert (head.councils, head.inadequate) == (
    len(on_end),
    int((on_end["grade"] == "inadequate").sum()),
)
say(f"**Headline:** {head.sentence()}")
pd.crosstab(standing["as_at"], standing["grade_label"], margins=True)

# %% [markdown]
# Check: on every date, the councils in the warehouse are exactly the councils on the map of
# the boundary vintage in force.

# %%
topologies = {}
for day in dates:
    vintage = geography.vintage_for(day)
    for kind in ("boundaries", "hex"):
        if (kind, vintage) not in topologies:
            topologies[kind, vintage] = json.loads(
                geography.topojson_path(kind, vintage).read_text()
            )
        shapes = {
            g["properties"]["la_code"]
            for g in topologies[kind, vintage]["objects"][geography.OBJECT_NAME]["geometries"]
        }
        councils = set(standing.loc[standing["as_at"] == day, "la_code"])
        assert shapes == councils, (day, kind, shapes ^ councils)
    print(day, "vintage", vintage, len(councils), "councils")


# %% [markdown]
# A minimal map in the house theme (the charts package has no map function yet): shapes from the
# committed TopoJSON, grades joined on `la_code`.


# %%
def grade_map(day: dt.date, kind: str, width: int = 210) -> alt.Chart:
    vintage = geography.vintage_for(day)
    rows = standing[standing["as_at"] == day][["la_code", "council", "grade_label"]]
    grades = [g for g in ALL_GRADES if g in set(standing["grade_code"])]
    projection = {"type": "identity", "reflectY": True} if kind == "hex" else {"type": "mercator"}
    return (
        alt.Chart(
            alt.Data(
                values=topologies[kind, vintage],
                format={"type": "topojson", "feature": geography.OBJECT_NAME},
            )
        )
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.4)
        .transform_lookup(
            lookup="properties.la_code",
            from_=alt.LookupData(rows, "la_code", ["council", "grade_label"]),
        )
        .encode(
            color=alt.Color(
                "grade_label:N",
                title=None,
                scale=alt.Scale(**grade_scale(grades)),
                legend=alt.Legend(orient="top", columns=3),
            ),
            tooltip=["council:N", alt.Tooltip("grade_label:N", title="Grade")],
        )
        .project(**projection)
        .properties(title=f"{day:%-d %B %Y}", width=width, height=width * 1.2)
    )


def describe(kind: str) -> str:
    counts = standing[standing["grade_code"] == "inadequate"].groupby("as_at").size()
    counts = counts.reindex(dates, fill_value=0)
    return (
        f"{'Hex cartogram' if kind == 'hex' else 'Maps'} of England's councils coloured by "
        f"latest overall grade on {len(dates)} dates; councils judged inadequate: "
        + ", ".join(f"{n} on {d:%-d %B %Y}" for d, n in counts.items())
        + "."
    )


# %%
#| label: fig-map-geographic
#| fig-cap: "Councils' latest overall grade on each date, on the boundaries then in force."
#| fig-alt: "A row of maps of England's upper-tier councils, one per chosen date, each council coloured by its latest overall Ofsted grade on that date, with councils not yet graded in grey."
maps = alt.hconcat(*(grade_map(day, "boundaries") for day in dates)).properties(
    description=describe("boundaries")
)
display(maps)
say(maps.description)

# %%
#| label: fig-map-hex
#| fig-cap: "The same on a hex cartogram: one equal hexagon per council."
#| fig-alt: "A row of hex cartograms of England's upper-tier councils, one per chosen date, each hexagon a council coloured by its latest overall Ofsted grade on that date."
hexmaps = alt.hconcat(*(grade_map(day, "hex") for day in dates)).properties(
    description=describe("hex")
)
display(hexmaps)
say(hexmaps.description)

# %% [markdown]
# ## Who changed between the dates
#
# Councils whose grade on one chosen date differs from the previous chosen date.

# %%
wide = standing.pivot(index="council", columns="as_at", values="grade_label")
changes = {
    f"{a:%Y-%m-%d} → {b:%Y-%m-%d}": int((wide[a] != wide[b]).sum())
    for a, b in zip(dates, dates[1:], strict=False)
}
say(
    "Councils whose standing changed: "
    + "; ".join(f"{span}: {n}" for span, n in changes.items())
    + " (councils that did not "
    "exist on both dates count as changed)."
)
wide
