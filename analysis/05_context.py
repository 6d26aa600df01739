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
# title: "5. Context: demand, money, workforce, deprivation"
# subtitle: "What else was true of councils when Ofsted judged them, and how weakly or strongly it goes with the grade"
# ---

# %% [markdown]
# **What this notebook does.** It sets Ofsted's overall grades beside the DfE and MHCLG
# measures loaded into the warehouse (`context_*` tables, see `docs/context.md`), using the
# functions in `ofsted_record.context.analysis`. Each inspection is paired with the council's
# latest value of a measure published *before* the inspection (no peeking at later years).
#
# **Read these caveats before quoting anything** (they are the module's own):

# %% tags=["parameters"]
as_at = ""  # inspections published by this date; blank: the last publication date in the data
rule = "ended_by"  # counting rule for the standing beside deprivation

# %% Setup
import altair as alt
import pandas as pd
from IPython.display import Markdown, display

from ofsted_record import geography
from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_ORDER, grade_scale, label
from ofsted_record.context import analysis
from ofsted_record.notebooks import as_date, setup_display
from ofsted_record.warehouse import connect, queries

setup_display()
con = connect()


def table(name: str) -> pd.DataFrame:
    """A whole warehouse table (through a cursor: a pending result on `con` cannot block it)."""
    return con.cursor().table(name).df()


def say(text: str) -> None:
    display(Markdown(text))


print(analysis.__doc__)
measures = table("context_measures")
dictionary = table("context_measure_dictionary").set_index("measure")
areas = table("context_areas")
inspections = table("inspection_facts")
if rule not in queries.RULES:
    raise ValueError(f"rule={rule!r}: choose one of {', '.join(queries.RULES)}")
data_end = as_date(as_at, inspections["published_date"].max().date())
inspections = inspections[inspections["published_date"] <= pd.Timestamp(data_end)]

# %% [markdown]
# ## The judgements compared
#
# Overall effectiveness grades from whole-service inspections (SIF and ILACS) on the
# four-point scale.

# %%
graded = inspections[inspections["whole_service"] & inspections["overall_grade"].notna()]
print(graded["overall_grade"].value_counts().to_string())
judgements = graded.rename(columns={"published_date": "date", "overall_grade": "grade"})[
    ["la_code", "date", "grade"]
]
assert judgements["grade"].isin(GRADE_ORDER).all()

# %% [markdown]
# ## Demand: more children in the system
#
# England totals published by the DfE (children in need, on child protection plans and looked
# after, at 31 March).

# %%
trend = analysis.national_demand_trend(areas)
change = analysis.demand_change(trend)
say(
    "; ".join(
        f"{dictionary.loc[r.measure, 'definition'].split('.')[0] if r.measure in dictionary.index else r.measure}: "
        f"{r.first:,.0f} in {r.first_year} → {r.last:,.0f} in {r.last_year} "
        f"({r.change:+,.0f}, {r.change_pct:+.0f}%)"
        for r in change.itertuples()
    )
)
change

# %%
#| label: fig-demand
#| fig-cap: "Children in need, on child protection plans and looked after in England at 31 March, rate per 10,000 children."
#| fig-alt: "Line chart of three national rates per 10,000 children by year: children in need, children on child protection plans and children looked after."
rates = trend.melt(
    id_vars="year",
    value_vars=["cin_at31_rate", "cpp_at31_rate", "cla_at31_rate"],
    var_name="measure",
    value_name="rate",
).dropna()
names = {
    "cin_at31_rate": "Children in need",
    "cpp_at31_rate": "Child protection plans",
    "cla_at31_rate": "Looked after",
}
rates["series"] = rates["measure"].map(names)
last_year = rates[rates["year"] == rates["year"].max()].set_index("series")["rate"]
demand_chart = (
    alt.Chart(rates)
    .mark_line(point=True)
    .encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("rate:Q", title="Per 10,000 children aged 0-17"),
        color=alt.Color("series:N", title=None),
        tooltip=["series:N", "year:O", alt.Tooltip("rate:Q", format=".1f")],
    )
    .properties(
        title="Demand on children's services, England",
        description=(
            f"Line chart of national rates per 10,000 children, "
            f"{rates['year'].min()}-{rates['year'].max()}; in {rates['year'].max()}: "
            + ", ".join(f"{s.lower()} {v:.0f}" for s, v in last_year.items())
            + "."
        ),
        width=600,
    )
)
display(demand_chart)
say(demand_chart.description)

# %% [markdown]
# ## Grades against measures
#
# Spearman's rank correlation between the grade (1 outstanding … 4 inadequate) and each
# measure. A **positive** rho means higher values go with **worse** grades. Repeated
# inspections of the same council are not independent, so the intervals are optimistic.
# Money is in cash: cash costs rose every year while grades improved over the period, so a
# money measure's correlation picks up the passage of time as well as differences between
# councils.

# %%
chosen = [
    "cin_at31_rate",
    "cpp_at31_rate",
    "cla_at31_rate",
    "referrals_rate",
    "rereferral_percent",
    "sw_agency_rate",
    "sw_turnover_rate",
    "sw_vacancy_rate",
    "sw_caseload",
    "unit_cost_cla_weekly",
    "unit_cost_social_work_weekly",
]
assert set(chosen) <= set(dictionary.index)
print(measures.loc[measures["measure"].isin(chosen), "status"].value_counts().to_string())
correlations = analysis.grades_against_measures(judgements, measures, chosen)
correlations["unit"] = correlations["measure"].map(dictionary["unit"])
correlations["interval_excludes_zero"] = (correlations["ci_low"] > 0) | (
    correlations["ci_high"] < 0
)
strongest = correlations.loc[correlations["rho"].abs().idxmax()]
say(
    f"Across {len(chosen)} measures, rho ranges from {correlations['rho'].min():+.2f} to "
    f"{correlations['rho'].max():+.2f}; the strongest association is **{strongest['measure']}** "
    f"(rho {strongest['rho']:+.2f}, 95% CI {strongest['ci_low']:+.2f} to "
    f"{strongest['ci_high']:+.2f}, n = {int(strongest['n'])} inspections). "
    f"{int(correlations['interval_excludes_zero'].sum())} of the intervals exclude zero."
)
correlations.sort_values("rho")

# %%
#| label: fig-correlations
#| fig-cap: "Rank correlation between the overall grade and each measure, with 95% intervals (positive: higher value, worse grade)."
#| fig-alt: "Dot plot with horizontal interval lines, one row per context measure, of Spearman's correlation between Ofsted overall grade and the measure's value before the inspection, with a vertical rule at zero."
base = alt.Chart(correlations).encode(y=alt.Y("measure:N", sort="x", title=None))
corr_chart = alt.layer(
    alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#8c8c8c").encode(x="x:Q"),
    base.mark_rule().encode(
        x=alt.X("ci_low:Q", title="Spearman's rho (95% interval)"), x2="ci_high:Q"
    ),
    base.mark_point(filled=True, size=70, color=GRADE_COLOURS["outstanding"]).encode(
        x="rho:Q", tooltip=["measure:N", alt.Tooltip("rho:Q", format="+.2f"), "n:Q"]
    ),
).properties(
    title="How grades line up with context measures",
    description=(
        f"Dot plot of Spearman's rho for {len(correlations)} measures, from "
        f"{correlations['rho'].min():+.2f} to {correlations['rho'].max():+.2f}; "
        f"strongest: {strongest['measure']} ({strongest['rho']:+.2f})."
    ),
    width=520,
)
display(corr_chart)
say(corr_chart.description)

# %% [markdown]
# ## Workforce: agency social workers by grade
#
# Share of children's social workers employed through agencies (30 September before the
# inspection), by the grade the inspection gave.

# %%
agency = analysis.attach_measure(judgements, measures, "sw_agency_rate")
by_grade = analysis.distribution_by_grade(agency)
say(
    "Median agency rate by grade: "
    + ", ".join(
        f"{label(r.grade).lower()} {r.median:.1f}% (n = {r.n})" for r in by_grade.itertuples()
    )
    + "."
)
by_grade

# %%
#| label: fig-agency
#| fig-cap: "Agency social worker rate before each inspection, by the grade it gave."
#| fig-alt: "Box plots, one per overall grade from outstanding to inadequate, of the percentage of children's social workers employed through agencies at the council before the inspection."
agency["grade_label"] = agency["grade"].map(label)
order = [label(g) for g in GRADE_ORDER]
agency_chart = (
    alt.Chart(agency[["grade_label", "value"]])
    .mark_boxplot(extent="min-max")
    .encode(
        x=alt.X("grade_label:N", sort=order, title=None),
        y=alt.Y("value:Q", title="Agency social workers (%)"),
        color=alt.Color("grade_label:N", scale=alt.Scale(**grade_scale()), legend=None),
    )
    .properties(
        title="Agency staffing and the grade",
        description=(
            "Box plots of the agency social worker rate before each inspection by "
            "grade; medians "
            + ", ".join(f"{label(r.grade).lower()} {r.median:.1f}%" for r in by_grade.itertuples())
            + "."
        ),
        width=420,
    )
)
display(agency_chart)
say(agency_chart.description)

# %% [markdown]
# ## Deprivation
#
# Each council's standing at the end of the data beside its 2019 Income Deprivation Affecting
# Children Index (IDACI) average score, re-aggregated onto the 2023 councils. Deprivation is a
# single 2019 snapshot, so this compares today's grades with an area's long-run circumstances.

# %%
standing = queries.standing(con, data_end, rule)
print(standing["status"].value_counts().to_string())
deprivation = table("context_deprivation")
vintage = int(geography.vintage_for(data_end))  # council boundaries in force on the date
idaci = deprivation[
    (deprivation["geography"] == vintage) & (deprivation["measure"] == "idaci_average_score")
][["la_code", "value"]]
joined = standing[standing["status"] == "graded"].merge(idaci, on="la_code", how="left")
assert joined["value"].notna().all(), "every graded council has an IDACI score"
joined["grade_rank"] = joined["grade"].map(analysis.GRADE_ORDER)
result = analysis.spearman_with_ci(joined["grade_rank"], joined["value"])
say(
    f"On {data_end:%-d %B %Y}, across {result['n']} graded councils, rho between grade and "
    f"child income deprivation is **{result['rho']:+.2f}** (95% CI {result['ci_low']:+.2f} to "
    f"{result['ci_high']:+.2f})."
)
analysis.distribution_by_grade(joined)
