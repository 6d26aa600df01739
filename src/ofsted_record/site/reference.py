"""Tables for the methodology and data pages, as markdown (never HTML display outputs)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import yaml

from ofsted_record import config
from ofsted_record.charts.common import day_month_year
from ofsted_record.charts.palette import GRADE_LABELS
from ofsted_record.site.assets import DOWNLOADS, DOWNLOADS_DIR
from ofsted_record.site.text import link, md, md_code, table

TABLE_NOTES = {
    "councils": "One row per children's services authority 2009-2026, with codes, region and validity dates.",
    "inspections": "One row per inspection: from a report file, or from Ofsted's official table where no report exists.",
    "judgements": "One row per judgement (inspection x area), with the grade as printed and the page it was read from.",
    "interventions": "Government interventions compiled from public reporting; each row names its source.",
    "inadequate_spells": "Each spell of inadequate, from the judgement to the next better result (or censored).",
    "transitions": "Consecutive graded full inspections of the same council.",
    "reconciliation": "Every judgement read from the reports set against Ofsted's official table.",
    "counting_rules": "The rules for counting a council's standing on a date, and which Ofsted used when.",
    "context_measures": "Demand, workforce, spending and population measures by council and year.",
    "context_measure_dictionary": "Definitions, units and sources of the context measures.",
}


def sources_table(path: Path | None = None) -> str:
    """One row per source (publisher, title, licence, files), from ``data/sources.yml``."""
    path = path or config.project_root() / "data" / "sources.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    frame = pd.DataFrame(data["inputs"])
    grouped = (
        frame.groupby(["publisher", "title", "licence", "url"], sort=True)["file"]
        .agg(lambda files: len(files))
        .reset_index()
    )
    rows = [
        [
            md(r.publisher),
            link(r.title, r.url) if str(r.url).startswith(("http://", "https://")) else md(r.title),
            md(r.licence),
            str(r.file),
        ]
        for r in grouped.itertuples(index=False)
    ]
    return table(["Publisher", "Source", "Licence", "Files"], rows)


def counting_rules_table(con: duckdb.DuckDBPyConnection) -> str:
    rules = con.execute("SELECT rule, description FROM counting_rules ORDER BY rule").fetchall()
    return table(["Rule", "Description"], [[f"`{r}`", md_code(d)] for r, d in rules])


def frameworks_table(con: duckdb.DuckDBPyConnection) -> str:
    query = """
    SELECT fw.framework, fw.label, fw.has_overall_grade, count(f.inspection_id) AS inspections,
           min(f.published_date) AS first, max(f.published_date) AS last
    FROM frameworks AS fw LEFT JOIN inspection_facts AS f USING (framework)
    GROUP BY ALL ORDER BY min(fw.sort_order)
    """
    rows = []
    for r in con.execute(query).df().itertuples(index=False):
        span = (
            ""
            if pd.isna(r.first)
            else f"{pd.Timestamp(r.first):%b %Y} to {pd.Timestamp(r.last):%b %Y}"
        )
        rows.append(
            [
                f"`{r.framework}`",
                md(r.label),
                "yes" if r.has_overall_grade else "no",
                str(int(r.inspections)),
                md(span),
            ]
        )
    return table(["Code", "Framework", "Overall grade", "Inspections", "Published"], rows)


def reconciliation_table(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "SELECT status, count(*) FROM reconciliation GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return table(["Status", "Judgements"], [[md(s.replace("_", " ")), str(n)] for s, n in rows])


def grade_words(grade: object) -> str:
    """A grade as readers read it ("Requires improvement"; "adequate" keeps its old name)."""
    if not isinstance(grade, str) or not grade:
        return ""
    return GRADE_LABELS.get(grade, grade.replace("_", " ").capitalize())


def corrections_table(con: duckdb.DuckDBPyConnection) -> str:
    """Where the reports and Ofsted's official table disagree, with the explanation."""
    query = """
    SELECT la_code, area, report_published_date, report_grade, official_grade, explanation
    FROM reconciliation WHERE status = 'disagreed' ORDER BY la_code, area
    """
    names = dict(con.execute("SELECT la_code, short_name FROM councils").fetchall())
    rows = [
        [
            md(names.get(r.la_code, r.la_code)),
            md(r.area.replace("_", " ")),
            md(day_month_year(r.report_published_date)),
            md(grade_words(r.report_grade)),
            md(grade_words(r.official_grade)),
            md_code(r.explanation),
        ]
        for r in con.execute(query).df().itertuples(index=False)
    ]
    if not rows:
        return "No disagreements between the reports and the official table.\n"
    return table(
        [
            "Council",
            "Area",
            "Report published",
            "Report says",
            "Official table says",
            "Explanation",
        ],
        rows,
    )


def changelog_table(path: Path | None = None) -> str:
    """Refresh changelog (``data/processed/changelog.csv``) when a refresh has run."""
    path = path or config.processed_dir() / "changelog.csv"
    if not path.exists():
        return "No refresh has changed the record since it was first built.\n"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = [c for c in ("batch", "event", "council", "published_date") if c in frame.columns]
    return table(
        [c.replace("_", " ").capitalize() for c in cols],
        [[md(v) for v in r] for r in frame[cols].itertuples(index=False)],
    )


def issues_table(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT file, reason FROM extraction_issues ORDER BY file").fetchall()
    return table(["File", "Reason"], [[md(f), md(r)] for f, r in rows])


def downloads_table(site: Path) -> str:
    """Each downloadable table with links to its CSV and Parquet and their sizes."""
    folder = site / DOWNLOADS_DIR
    rows = []
    for name in DOWNLOADS:
        csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
        if not csv.exists():
            continue
        rows.append(
            [
                f"`{name}`",
                md(TABLE_NOTES.get(name, "")),
                f"[CSV]({DOWNLOADS_DIR}/{csv.name}) ({_size(csv)})",
                f"[Parquet]({DOWNLOADS_DIR}/{parquet.name}) ({_size(parquet)})",
            ]
        )
    if not rows:
        return "The download files are written by `ofsted-record site`; this build has none yet.\n"
    return table(["Table", "What it holds", "CSV", "Parquet"], rows)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"


def schema_section(con: duckdb.DuckDBPyConnection) -> str:
    """A data dictionary: each downloadable table's columns and types, read from the warehouse."""
    parts = []
    for name in DOWNLOADS:
        try:
            columns = con.execute(f'DESCRIBE "{name}"').fetchall()  # names from this module
        except duckdb.CatalogException:
            continue
        parts.append(f"### `{name}`\n\n{md(TABLE_NOTES.get(name, ''))}\n")
        parts.append(table(["Column", "Type"], [[f"`{c[0]}`", md(c[1])] for c in columns]))
    return "\n".join(parts)


def measure_dictionary(con: duckdb.DuckDBPyConnection) -> str:
    query = "SELECT measure, unit, definition, time_basis FROM context_measure_dictionary ORDER BY measure"
    try:
        rows = con.execute(query).fetchall()
    except duckdb.CatalogException:
        return ""
    return table(
        ["Measure", "Unit", "Definition", "Time basis"],
        [[f"`{m}`", md_code(u), md_code(d), md_code(t)] for m, u, d, t in rows],
    )
