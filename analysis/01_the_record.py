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
# title: "1. The record: what was inspected, and how far to trust it"
# subtitle: "Every inspection of a council's children's services, 2009-2026, by framework; the files we could not read; and the check against Ofsted's own table"
# ---

# %% [markdown]
# **What this notebook does.** It opens the warehouse (built by `make warehouse`) and counts
# what the record holds: inspections by framework and by where each came from (a report we
# read, or only Ofsted's official table); the input files set aside ("quarantined") and why;
# and how our reading of the reports compares with Ofsted's official statistics. Every number in
# the text below is computed in the cell above it.

# %% tags=["parameters"]
as_at = ""  # count inspections published on or before this date; blank: the whole record
framework = ""  # one framework, e.g. "ilacs_standard"; blank: all

# %% Setup: one read-only connection to the warehouse for the whole notebook
import altair as alt
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record import register
from ofsted_record.notebooks import as_date, setup_display
from ofsted_record.official.latest import latest_overall_2023 as official_latest_2023
from ofsted_record.warehouse import connect, queries

setup_display()
con = connect()


def table(name: str) -> pd.DataFrame:
    """A whole warehouse table (through a cursor: a pending result on `con` cannot block it)."""
    return con.cursor().table(name).df()


def say(text: str) -> None:
    """Show computed prose as Markdown."""
    display(Markdown(text))


councils = table("councils")
record = table("inspection_facts")  # the whole record: the check against Ofsted below uses it
frameworks = table("frameworks").set_index("framework")
as_at_day = as_date(as_at, record["published_date"].max().date())
if framework and framework not in frameworks.index:
    raise ValueError(f"framework={framework!r}: choose one of {', '.join(frameworks.index)}")
inspections = record[
    (record["published_date"] <= pd.Timestamp(as_at_day))
    & (record["framework"] == framework if framework else True)
]
judgements = table("judgement_facts").query("inspection_id in @inspections.inspection_id")
say(
    f"Counting inspections published by **{as_at_day:%-d %B %Y}**"
    + (
        f", framework **{frameworks.loc[framework, 'label']}** only."
        if framework
        else ", all frameworks."
    )
)

# %% [markdown]
# ## The councils
#
# The council key is the DfE three-digit `la_code`. Councils abolished and created since 2009
# (Dorset, Bournemouth and Poole in 2019; Northamptonshire in 2021; Cumbria in 2023) each keep
# their own code. Check: every council's name resolves, through the register, back to its own
# code on the day it came into being.

# %%
print(councils["la_type"].value_counts().to_string())
for row in councils.itertuples():
    on = None if pd.isna(row.valid_from) else row.valid_from.date()
    assert register.resolve_name(row.name, on=on) == row.la_code, row.name
assert inspections["la_code"].isin(councils["la_code"]).all(), "inspection of an unknown council"
abolished = councils[councils["valid_to"].notna()].sort_values("valid_to")
created = councils[councils["valid_from"].notna()].sort_values("valid_from")
say(
    f"The register holds **{len(councils)}** children's services authorities over 2009-2026: "
    f"{len(abolished)} abolished ({', '.join(abolished['short_name'])}) and {len(created)} "
    f"created ({', '.join(created['short_name'])}). All {len(councils)} names resolve to their "
    "own code."
)

# %% [markdown]
# ## What was inspected, under which framework
#
# Ofsted changed the way it inspects councils several times. Only the single inspection
# framework (SIF, 2013-2018) and the ILACS (2018-) look at the whole service and give an
# overall effectiveness grade; earlier frameworks judged safeguarding or looked-after children
# separately. Rows from `report` are read from the report PDFs; rows from `official_table` are
# inspections we have no report for, taken from Ofsted's official table.

# %%
print(inspections["source"].value_counts().to_string())
print()
print(inspections["framework"].value_counts().to_string())
by_framework = (
    inspections.groupby(["framework", "source"])
    .size()
    .unstack(fill_value=0)
    .assign(
        label=lambda t: frameworks.loc[t.index, "label"],
        order=lambda t: frameworks.loc[t.index, "sort_order"],
    )
    .sort_values("order")
    .drop(columns="order")
)
by_framework

# %%
first, last = inspections["published_date"].min(), inspections["published_date"].max()
reports = int((inspections["source"] == "report").sum())
say(
    f"The record holds **{len(inspections)} inspections** published between "
    f"{first:%d %B %Y} and {last:%d %B %Y}: {reports} read from reports and "
    f"{len(inspections) - reports} known only from Ofsted's official table. They carry "
    f"**{len(judgements)} judgements** across {judgements['area'].nunique()} judgement areas."
)

# %%
#| label: fig-inspections-by-year
#| fig-cap: "Inspections published each year, by framework."
#| fig-alt: "Stacked bar chart of the number of council children's services inspections published each calendar year from 2009, coloured by inspection framework, showing the change from the SLAC and child protection inspections to the SIF from 2013 and ILACS from 2018."
per_year = (
    inspections.assign(year=inspections["published_date"].dt.year)
    .merge(frameworks[["label"]], left_on="framework", right_index=True)
    .groupby(["year", "label"])
    .size()
    .rename("inspections")
    .reset_index()
)
busiest = per_year.groupby("year")["inspections"].sum()
year_chart = (
    alt.Chart(per_year)
    .mark_bar()
    .encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("inspections:Q", title="Inspections published"),
        color=alt.Color("label:N", title=None, scale=alt.Scale(scheme="tableau20")),
        tooltip=["year:O", "label:N", "inspections:Q"],
    )
    .properties(
        title="Inspections published each year, by framework",
        description=(
            f"Stacked bar chart of {int(per_year['inspections'].sum())} inspections published "
            f"{per_year['year'].min()}-{per_year['year'].max()}; the busiest year was "
            f"{busiest.idxmax()} with {busiest.max()}."
        ),
        width=600,
    )
)
display(year_chart)
say(year_chart.description)

# %% [markdown]
# ## Files set aside (quarantine)
#
# A file that cannot be read is never silently dropped: it is listed in `extraction_issues`
# with the reason.

# %%
issues = table("extraction_issues")
print(issues["reason"].value_counts().to_string())
say(
    f"**{len(issues)} input files** were set aside, for these reasons: "
    + "; ".join(f"{reason} ({n})" for reason, n in issues["reason"].value_counts().items())
    + ". The table below shows, for each, what the record holds for that council in the same "
    "year (from Ofsted's official table)."
)
issues[["file", "outcome", "reason", "detail"]]

# %%
# The folder name starts with the Ofsted provider URN; the file name ends with the date.
issues["la_code"] = [register.la_code_for_urn(f.split("_", 1)[0]) for f in issues["file"]]
issues["year"] = issues["file"].str.extract(r"(\d{4})\.pdf$", expand=False).astype(int)
covered = inspections.assign(year=inspections["published_date"].dt.year).merge(
    issues[["la_code", "year", "file"]], on=["la_code", "year"]
)
assert issues["la_code"].notna().all()
covered[["file", "council", "framework", "source", "published_date"]]

# %% [markdown]
# ## Reconciliation with Ofsted's official table
#
# Each judgement we read from a report is matched against Ofsted's official table
# (*Children's social care data in England 2023*, sheet `LA_inspections_2009-2023`).
# `matched`: same council, framework family, area and grade; `disagreed`: matched inspection,
# different grade; `only_in_reports`: mostly reports published after the table (to March 2023)
# or areas it does not list; `only_in_table`: mostly pre-2013 frameworks for which the
# corpus holds no reports.

# %%
reconciliation = table("reconciliation")
print(reconciliation["status"].value_counts().to_string())
status_by_family = pd.crosstab(reconciliation["family"], reconciliation["status"], margins=True)
shares = reconciliation["status"].value_counts(normalize=True)
assert abs(shares.sum() - 1) < 1e-9
status_by_family

# %%
both = reconciliation[reconciliation["status"].isin(["matched", "disagreed"])]
agree = (both["status"] == "matched").mean()
disagreed = reconciliation[reconciliation["status"] == "disagreed"]
say(
    f"Where a judgement appears in both sources ({len(both)} judgements), they agree on "
    f"**{agree:.1%}**. The {len(disagreed)} disagreement(s), each explained from the report page:"
)
disagreed[
    [
        "la_code",
        "report_framework",
        "area",
        "report_grade_raw",
        "official_grade_raw",
        "report_page",
        "official_cell",
        "explanation",
    ]
]

# %% [markdown]
# ### The position on 31 March 2023, ours against Ofsted's
#
# Ofsted's table also gives each council's latest overall effectiveness grade at 31 March
# 2023 (sheet `LA_level_at_31_Mar_2023`). Until 2023 Ofsted counted inspections that had ended
# by the date *and were published within a month of it*: the warehouse's
# `published_within_month` counting rule. Each Ofsted council name is resolved through the
# register.

# %%
ofsted_day = pd.Timestamp("2023-03-31").date()  # the date of Ofsted's sheet, whatever `as_at`
ofsted = official_latest_2023()
ofsted["la_code"] = [register.resolve_name(n, on=ofsted_day) for n in ofsted["council"]]
ours = queries.standing(con, ofsted_day, "published_within_month")
print(ours["status"].value_counts().to_string())
compared = ours.merge(
    ofsted, on="la_code", how="outer", suffixes=("_ours", "_ofsted"), indicator=True
)
print(compared["_merge"].value_counts().to_string())
same = compared["grade_ours"] == compared["grade_ofsted"]
pd.crosstab(compared["grade_ofsted"], compared["grade_ours"], margins=True)

# %%
differ = compared[~same]
say(
    f"On 31 March 2023 Ofsted lists {len(ofsted)} councils; our standing gives "
    f"{len(ours)}. The grades agree for **{int(same.sum())} of {len(compared)}** councils."
    + (f" They differ for {len(differ)}, shown below." if len(differ) else "")
)
differ[
    [
        "la_code",
        "council_ours",
        "grade_ofsted",
        "grade_ours",
        "framework",
        "end_date",
        "published_date",
    ]
]

# %% [markdown]
# Where they differ, the council's next inspection usually explains it: an inspection that
# ended before 31 March 2023 but was published more than a month later, which Ofsted's table
# (compiled later) already counted.

# %%
later = record[
    record["la_code"].isin(differ["la_code"])
    & record["whole_service"]
    & (record["published_date"] > pd.Timestamp(ofsted_day))
]
later.sort_values("published_date").groupby("la_code").head(1)[
    ["la_code", "council", "framework", "end_date", "published_date", "overall_grade"]
]
