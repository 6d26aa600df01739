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
# title: "4. After inadequate"
# subtitle: "How long councils stayed inadequate, whether six months was ever realistic, who failed again, and what followed government intervention"
# ---

# %% [markdown]
# **What this notebook does.** A *spell* of inadequate starts when a council's whole-service
# inspection (SIF or ILACS) is judged inadequate after one that was not, and ends when a later
# whole-service inspection is not inadequate (warehouse view `inadequate_spells`). Spells with
# no end yet are *censored*: at the end of the data, or when the council was abolished. The
# Kaplan-Meier estimate uses censored spells properly instead of dropping them. Under the April
# 2026 framework, which has no overall grade, an inspection counts as inadequate if any of its
# judgements is.

# %% tags=["parameters"]
as_at = ""  # spells as known on this date; blank: the last publication date in the data

# %% Setup
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record.charts.survival import survival_chart
from ofsted_record.notebooks import as_date, setup_display
from ofsted_record.warehouse import connect, queries

setup_display()
con = connect()


def say(text: str) -> None:
    display(Markdown(text))


spells = queries.inadequate_spells(con)
day = pd.Timestamp(as_date(as_at, spells["observed_until"].max().date()))
# As known on `day`: spells begun by then; one still open then is censored on that day.
spells = spells[spells["start_date"] <= day].copy()
open_then = spells["observed_until"] > day
spells.loc[open_then, ["censored", "outcome", "observed_until"]] = [
    True,
    "still inadequate on the date",
    day,
]
spells.loc[open_then, ["end_inspection_id", "end_framework", "exit_grade"]] = None
spells.loc[open_then, "end_date"] = pd.NaT
spells["days"] = (spells["observed_until"] - spells["start_date"]).dt.days
say(f"Spells of inadequate as known on **{day:%-d %B %Y}**.")
spells.head()

# %% [markdown]
# ## The spells

# %%
print(spells["outcome"].value_counts().to_string())
print()
print(spells["start_framework"].value_counts().to_string())
assert (spells["days"] >= 0).all()
assert (spells["censored"] == (spells["outcome"] != "left inadequate")).all()
numbers = spells.groupby("la_code")["spell_number"].apply(
    lambda s: sorted(s) == list(range(1, len(s) + 1))
)
assert numbers.all(), "spells are numbered 1..n within each council"
say(
    f"**{len(spells)} spells** of inadequate, in {spells['la_code'].nunique()} councils, "
    f"starting between {spells['start_date'].min():%B %Y} and {spells['start_date'].max():%B %Y}. "
    f"{int((~spells['censored']).sum())} ended with a better grade; "
    + ", ".join(
        f"{n} {o}" for o, n in spells.loc[spells["censored"], "outcome"].value_counts().items()
    )
    + "."
)

# %% [markdown]
# ## How long: the survival curve

# %%
km = queries.kaplan_meier(spells)
assert km["still_inadequate"].is_monotonic_decreasing
assert (
    (km["lower"] <= km["still_inadequate"] + 1e-12)
    & (km["still_inadequate"] <= km["upper"] + 1e-12)
).all()
within = {
    label: queries.share_left_within(km, days)
    for label, days in [
        ("six months", 183),
        ("one year", 365),
        ("two years", 730),
        ("three years", 1096),
    ]
}
half = km.loc[km["still_inadequate"] <= 0.5, "days"]
say(
    "Estimated share of spells ended within "
    + ", ".join(f"{label}: **{share:.0%}**" for label, share in within.items())
    + ". "
    + (
        f"Half had ended by {half.iloc[0] / 365.25:.1f} years ({int(half.iloc[0])} days)."
        if len(half)
        else "Fewer than half have ended."
    )
)
km.head(10)

# %%
#| label: fig-survival
#| fig-cap: "Share of inadequate spells not yet ended, by time since the judgement (Kaplan-Meier, 95% band)."
#| fig-alt: "Step line falling from 100% of spells still inadequate at the judgement towards zero over the following years, with a shaded 95% confidence band."
curve = km.rename(columns={"still_inadequate": "survival", "left": "events"})
chart = survival_chart(curve, width=640)
display(chart)
say(chart.description)

# %% [markdown]
# ## Six months to improve?
#
# In December 2015 the government said councils judged inadequate would have six months to
# improve or be taken over. Ofsted's next inspection is the only test of improvement in this
# record, so the question here is how many spells were over within six months.

# %%
ended = spells[~spells["censored"]]
print((ended["days"] <= 183).value_counts().rename("ended within 183 days").to_string())
quickest = ended.nsmallest(5, "days")[["council", "start_date", "end_date", "days", "exit_grade"]]
say(
    f"Of {len(ended)} spells that ended, **{int((ended['days'] <= 183).sum())}** ended within "
    f"six months (183 days); the quickest took {int(ended['days'].min())} days. The median "
    f"ended spell lasted {ended['days'].median() / 365.25:.1f} years."
)
quickest

# %%
print(ended["exit_grade"].value_counts().to_string())
say(
    "Grade on leaving inadequate: "
    + ", ".join(f"{g.replace('_', ' ')} {n}" for g, n in ended["exit_grade"].value_counts().items())
    + "."
)

# %% [markdown]
# ## Failing again
#
# Councils with more than one spell, and how long after leaving inadequate they fell back.

# %%
repeats = queries.repeat_failures(con)
print(repeats["spell_number"].value_counts().sort_index().to_string())
again = repeats.dropna(subset=["days_between"])
say(
    f"**{repeats['la_code'].nunique()} councils** have been judged inadequate more than once "
    f"({len(again)} returns to inadequate)"
    + (
        f"; they fell back a median {again['days_between'].median() / 365.25:.1f} years after "
        "the previous spell ended."
        if len(again)
        else "."
    )
)
repeats

# %% [markdown]
# ## Interventions, and the grade before and after
#
# The interventions table (improvement notices, statutory directions, commissioners, trusts,
# hand-backs) is compiled from public reporting and gov.uk; it is a starting point, not an
# official dataset. Where a date's precision is `month`, `year` or `unknown` it was not
# confirmed to the day, and the before/after comparison around it may be off by weeks.

# %%
outcomes = queries.intervention_outcomes(con)
print(outcomes["event"].value_counts().to_string())
print()
print(outcomes["date_precision"].value_counts().to_string())
assert outcomes["la_code"].notna().all(), "every intervention names a known council"
pd.crosstab(
    outcomes["before_grade"].fillna("none before"),
    outcomes["after_grade"].fillna("none after"),
    margins=True,
)

# %%
after = outcomes.dropna(subset=["after_inadequate"])
not_inadequate_after = int((~after["after_inadequate"].astype(bool)).sum())
say(
    f"{len(outcomes)} intervention events in {outcomes['la_code'].nunique()} councils. "
    f"{len(after)} were followed by a whole-service inspection; in "
    f"**{not_inadequate_after}** of those the next result was no longer inadequate. This says "
    "what came next, not what the intervention caused."
)
outcomes[
    [
        "council_as_written",
        "event",
        "date",
        "date_precision",
        "before_grade",
        "after_grade",
        "after_published",
    ]
]
