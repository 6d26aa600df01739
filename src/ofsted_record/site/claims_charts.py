"""Evidence charts for the claims page: what the claim said beside what the record shows.

The claimed figures below are quotations of the claims themselves (the checked statements),
not results; the record's figures come from ``warehouse.claims.check_all`` at build time.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, title
from ofsted_record.charts.palette import GRADE_COLOURS, MUTED
from ofsted_record.warehouse.claims import ClaimResult

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
        data = result.table.assign(year=result.table["year"].astype(str)).round(
            {"share_inadequate": 4}
        )
        first, last = data.iloc[0], data.iloc[-1]
        return (
            alt.Chart(data)
            .mark_bar(color=GRADE_COLOURS["inadequate"])
            .encode(
                x=alt.X("year:O", title=None),
                y=alt.Y(
                    "share_inadequate:Q",
                    title="Share of SIF results inadequate",
                    axis=alt.Axis(format="%"),
                ),
                tooltip=[
                    alt.Tooltip("year:O"),
                    alt.Tooltip("inspections:Q"),
                    alt.Tooltip("inadequate:Q"),
                    alt.Tooltip("share_inadequate:Q", format=".0%", title="Share"),
                ],
            )
            .properties(
                title=title(
                    "Getting worse?",
                    "Share of SIF inspection results that were inadequate, by year published",
                    SOURCE_RECORD,
                ),
                description=(
                    f"Bar chart of the share of SIF results that were inadequate, by year: "
                    f"{pct(first['share_inadequate'])} in {first['year']} and "
                    f"{pct(last['share_inadequate'])} in {last['year']}."
                ),
                width="container",
                height=220,
            )
        )
    return None
