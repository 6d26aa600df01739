"""Evidence charts for the claims page: what the claim said beside what the record shows.

The claimed figures below are quotations of the claims themselves (the checked statements),
not results; the record's figures come from ``warehouse.claims.check_all`` at build time.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, title
from ofsted_record.charts.palette import GRADE_COLOURS, MUTED
from ofsted_record.warehouse.claims import RESULT_KINDS, ClaimResult

# slug -> share the claim states (as printed in the claim).
CLAIMED_SHARE = {
    "one-in-seven": 20 / 140,  # "1 in 7 (20) councils"
    "nineteen-of-74": 19 / 74,
    "quarter-face-intervention": 0.25,
}


def _compare(result: ClaimResult, rows: list[tuple[str, float]], heading: str) -> alt.LayerChart:
    claimed = CLAIMED_SHARE[result.slug]
    data = pd.DataFrame(
        [{"what": "The claim", "share": round(claimed, 4), "kind": "claim"}]
        + [{"what": w, "share": round(float(s), 4), "kind": "record"} for w, s in rows]
    ).assign(
        label=lambda f: f["what"] + ": " + (f["share"] * 100).round().astype(int).astype(str) + "%"
    )
    description = (
        f"Bar chart comparing the claim's share ({pct(claimed)}) with the record: "
        + "; ".join(f"{w} {pct(s)}" for w, s in rows)
        + "."
    )
    # Each bar's name above it, not in a y-axis beside it: on a phone the names took the
    # whole width and left no room for the bars.
    base = alt.Chart(data).encode(
        y=alt.Y("what:N", title=None, sort=list(data["what"]), axis=None),
    )
    bars = base.mark_bar(size=14, yOffset=7).encode(
        x=alt.X(
            "share:Q",
            title="Share of councils inadequate",
            axis=alt.Axis(format="%", grid=False),
        ),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=["claim", "record"], range=[MUTED, GRADE_COLOURS["inadequate"]]),
            legend=None,
        ),
        tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("share:Q", format=".1%")],
    )
    names = base.mark_text(align="left", baseline="bottom", dy=-2, color="#1f1f1f").encode(
        x=alt.datum(0), text=alt.Text("label:N")
    )
    return alt.layer(bars, names).properties(
        title=title(heading, result.claim, SOURCE_RECORD),
        description=description,
        width="container",
        height=alt.Step(44),
    )


def claim_chart(result: ClaimResult) -> alt.TopLevelMixin | None:
    """The evidence chart for one checked claim, or None when a chart would add nothing."""
    f = result.figures
    if result.slug == "one-in-seven":
        return _compare(result, [("Record, 31 October 2013", f["share_inadequate"])], "1 in 7?")
    if result.slug == "nineteen-of-74":
        return _compare(
            result,
            [
                ("Record, by publication date", f["inadequate"] / f["councils"]),
                ("Record, by inspection end date", f["inadequate_by_end"] / f["councils_by_end"]),
            ],
            "19 of 74?",
        )
    if result.slug == "quarter-face-intervention":
        return _compare(
            result,
            [
                ("Record, end of 2015", f["share_end_2015"]),
                ("Record, ever inadequate at first SIF", f["share_ever"]),
            ],
            "A quarter of councils?",
        )
    if result.slug == "six-months" and result.table is not None:
        from ofsted_record.charts.survival import survival_chart

        km = result.table.rename(columns={"still_inadequate": "survival", "left": "events"})
        return survival_chart(km)
    if result.slug == "getting-worse" and result.table is not None:
        return getting_worse_chart(result)
    if result.slug == "not-money" and result.table is not None:
        return spending_chart(result)
    return None


def _compared(new: float, old: float) -> str:
    return "more" if new > old else ("fewer" if new < old else "as many")


def getting_worse_chart(result: ClaimResult) -> alt.LayerChart:
    """Share inadequate by year published, first inspections apart from re-inspections (which
    were of councils already failing), each bar labelled with its count: "5 of 14"."""
    f = result.figures
    data = result.table.assign(
        year=result.table["year"].astype(str),
        kind=result.table["kind"].map(RESULT_KINDS),
        count_text=[
            f"{int(i)} of {int(n)}"
            for i, n in zip(result.table["inadequate"], result.table["inspections"], strict=True)
        ],
    ).round({"share_inadequate": 4})
    data = data[["year", "kind", "inspections", "inadequate", "share_inadequate", "count_text"]]
    heading = (
        f"First inspections found {_compared(f['share_first_2016'], f['share_first_2014_15'])} "
        f"councils inadequate in 2016 ({pct(f['share_first_2016'])}) than in 2014-15 "
        f"({pct(f['share_first_2014_15'])}); later years mix in re-inspections of failing councils"
    )
    all_after = f.get("reinspections_after_inadequate") == f.get("reinspections")
    re_note = (
        "Every re-inspection was of a council judged inadequate before."
        if all_after
        else (
            f"{f['reinspections_after_inadequate']} of {f['reinspections']} re-inspections were "
            "of councils judged inadequate before."
        )
    )
    description = (
        "Bar chart of the share of single inspection framework results that were inadequate, "
        "by year published, first inspections and re-inspections apart: "
        + "; ".join(
            f"{r.year} {r.kind.lower()} {r.count_text} ({pct(r.share_inadequate)})"
            for r in data.itertuples()
        )
        + f". {re_note}"
    )
    colours = alt.Scale(
        domain=list(RESULT_KINDS.values()), range=[GRADE_COLOURS["inadequate"], MUTED]
    )
    y = alt.Y("year:O", title=None, axis=alt.Axis(labelFontSize=12))
    tooltip = [
        alt.Tooltip("year:O", title="Year published"),
        alt.Tooltip("kind:N", title="Results"),
        alt.Tooltip("count_text:N", title="Inadequate"),
        alt.Tooltip("share_inadequate:Q", format=".0%", title="Share"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            yOffset=alt.YOffset("kind:N", sort=list(RESULT_KINDS.values())),
            x=alt.X(
                "share_inadequate:Q",
                title="Share of results inadequate",
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
                # room right of a full bar for its "2 of 2" label
                scale=alt.Scale(domain=[0, 1.3]),
            ),
            color=alt.Color("kind:N", scale=colours, title=None),
            tooltip=tooltip,
        )
    )
    labels = bars.mark_text(align="left", dx=4, color="#1f1f1f", fontSize=11).encode(
        text="count_text:N", color=alt.value("#1f1f1f")
    )
    return alt.layer(bars, labels).properties(
        title=title(
            heading,
            "Share of single inspection framework results that were inadequate, by year "
            f"published; each bar says how many of how many. {re_note}",
            SOURCE_RECORD,
        ),
        description=description,
        width="container",
        height=alt.Step(16),
    )


def spending_chart(result: ClaimResult) -> alt.LayerChart:
    """Median spending per child (as a share of the year's median council) by grade, with the
    number of inspections behind each bar drawn beside it."""
    f = result.figures
    data = result.table.assign(
        median=result.table["median"].round(4),
        # two lines inside the bar: the grade, then the figure and its n (fits 320 px)
        label=[
            f"{g}\n{m:.0%}, {int(n)} inspections"
            for g, m, n in zip(
                result.table["group"],
                result.table["median"],
                result.table["inspections"],
                strict=True,
            )
        ],
        ink=["#ffffff", "#1f1f1f", "#ffffff"][: len(result.table)],
    )
    gap = f["median_inadequate"] - f["median_good_or_better"]
    heading = (
        "Councils judged inadequate did not spend less per child than those judged good or better"
        if gap >= 0
        else "Councils judged inadequate spent less per child than those judged good or better"
    )
    colours = alt.Scale(
        domain=list(data["group"]),
        range=[
            GRADE_COLOURS["good"],
            GRADE_COLOURS["requires_improvement"],
            GRADE_COLOURS["inadequate"],
        ],
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=list(data["group"]), axis=None),
            x=alt.X(
                "median:Q",
                title="Spending per child, share of the median council's",
                axis=alt.Axis(format="%", values=[0, 0.5, 1]),
                scale=alt.Scale(domain=[0, 1.1]),
            ),
            color=alt.Color("group:N", scale=colours, legend=None),
            tooltip=[
                alt.Tooltip("group:N", title="Grade"),
                alt.Tooltip("median:Q", format=".0%", title="Median spending"),
                alt.Tooltip("inspections:Q", title="Inspections"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=12, lineBreak="\n").encode(
        x=alt.datum(0), text="label:N", color=alt.Color("ink:N", scale=None)
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [1.0]}))
        .mark_rule(color=MUTED, strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return alt.layer(bars, rule, labels).properties(
        title=title(
            heading,
            "Median spending per child on children's and young people's services in the last "
            "financial year before each full inspection, as a share of the median council's "
            f"that year (dashed line: the median council). Rank correlation with a worse grade "
            f"{f['rho']:.2f} ({f['n']} inspections). An association, not a cause.",
            SOURCE_RECORD.replace(
                "Ofsted record analysis",
                "DfE section 251 outturn and ONS population estimates; Ofsted record analysis",
            ),
        ),
        description=(
            "Bar chart of median spending per child as a share of the median council's, by the "
            "grade of the inspection that followed: "
            + "; ".join(
                f"{r.group.lower()} {r.median:.0%} ({r.inspections} inspections)"
                for r in data.itertuples()
            )
            + "."
        ),
        width="container",
        height=alt.Step(48),
    )
