"""Themes in the reports' full text: the share of reports mentioning each (themes and terms from
``ofsted_record.fulltext.themes``), split by whether the report judged the council inadequate.
Returns None when the full text is not in the warehouse."""

from __future__ import annotations

import textwrap

import altair as alt
import duckdb
import pandas as pd

from ofsted_record.charts.common import SOURCE_RECORD, pct, title
from ofsted_record.charts.palette import GRADE_COLOURS, GRADE_LABELS


def available(con: duckdb.DuckDBPyConnection) -> bool:
    query = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'report_paragraphs'"
    return bool(con.execute(query).fetchone()[0])


def report_count(con: duckdb.DuckDBPyConnection) -> int:
    query = "SELECT count(DISTINCT inspection_id) FROM report_paragraphs"
    return int(con.execute(query).fetchone()[0])


def theme_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """theme (label), group ('Inadequate' | 'Other grades'), reports, mentioning, share: reports
    with an overall grade, split by whether it was inadequate (``fulltext.themes``)."""
    if not available(con):
        return None
    from ofsted_record.fulltext.themes import load_themes, report_mentions

    labels = {key: theme.label for key, theme in load_themes().items()}
    rows = report_mentions(con)
    rows = rows[rows["overall_grade"].notna()].copy()
    rows["group"] = [
        GRADE_LABELS["inadequate"] if g == "inadequate" else "Other grades"
        for g in rows["overall_grade"]
    ]
    out = (
        rows.groupby(["theme", "group"], sort=True)
        .agg(reports=("inspection_id", "nunique"), mentioning=("mentions", "sum"))
        .reset_index()
    )
    out["mentioning"] = out["mentioning"].astype(int)
    out["share"] = (out["mentioning"] / out["reports"]).round(4)
    out["theme"] = out["theme"].map(labels)
    return out


def theme_chart(table: pd.DataFrame) -> alt.Chart:
    wide = table.pivot(index="theme", columns="group", values="share")
    gap = (wide.get(GRADE_LABELS["inadequate"], 0) - wide.get("Other grades", 0)).sort_values(
        ascending=False
    )
    top = gap.index[0]
    description = (
        f"Grouped bar chart of the share of reports mentioning each of {len(wide)} themes, for "
        f"reports that judged the council inadequate and for the rest. The largest gap is for "
        f"{top.lower()}: {pct(wide.loc[top].get(GRADE_LABELS['inadequate'], 0))} of inadequate "
        f"reports against {pct(wide.loc[top].get('Other grades', 0))} of others."
    )
    # Long theme names ("Children missing from home, care or education") in lines of about 22
    # characters: Vega cuts a label at its labelLimit with "…" and never wraps one, but draws a
    # list of strings as lines ("|" marks the breaks; the tooltip keeps the plain name).
    lines = {name: "|".join(textwrap.wrap(name, 22)) for name in wide.index}
    return (
        alt.Chart(table.assign(theme_lines=table["theme"].map(lines)))
        .mark_bar()
        .encode(
            y=alt.Y(
                "theme_lines:N",
                title=None,
                sort=[lines[name] for name in gap.index],
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0),
            ),
            yOffset=alt.YOffset("group:N", sort=[GRADE_LABELS["inadequate"], "Other grades"]),
            x=alt.X(
                "share:Q", title="Share of reports mentioning the theme", axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(
                    domain=[GRADE_LABELS["inadequate"], "Other grades"],
                    range=[GRADE_COLOURS["inadequate"], GRADE_COLOURS["good"]],
                ),
            ),
            tooltip=[
                alt.Tooltip("theme:N", title="Theme"),
                alt.Tooltip("group:N", title="Reports"),
                alt.Tooltip("reports:Q", title="Number of reports"),
                alt.Tooltip("mentioning:Q", title="Reports mentioning it"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(
            title=title(
                "What inspectors wrote about",
                "Share of reports that mention each theme",
                SOURCE_RECORD,
            ),
            description=description,
            width="container",
            height=alt.Step(16),
        )
    )
