"""One static page per council (``site/councils/<slug>.qmd``) and the filterable listing.

Pages need no Jupyter kernel: everything is computed here from the warehouse and written as
markdown plus the chart's static HTML, so Quarto only converts them (a kernel start costs ~13 s
a page). Every number and sentence comes from the data at build time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup

from ofsted_record.charts.council import council_chart
from ofsted_record.charts.palette import EVENT_LABELS, GRADE_LABELS
from ofsted_record.site import frames
from ofsted_record.site.embed import chart_html
from ofsted_record.site.paths import bundle_tag
from ofsted_record.site.text import front_matter, long_date, number_words, plural
from ofsted_record.tables import atomic_write_text

COUNCILS_DIR = "councils"

AREA_LABELS = {
    "overall_effectiveness": "Overall effectiveness",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "children_in_care_and_care_leavers": "Children in care and care leavers",
    "care_leavers": "Care leavers",
    "adoption": "Adoption",
    "leadership": "Leadership, management and governance",
    "impact_of_leaders": "Impact of leaders",
    "lscb": "Local Safeguarding Children Board",
    "safeguarding": "Safeguarding",
    "looked_after_children": "Looked after children",
    "capacity_to_improve": "Capacity to improve",
    "outcomes": "Outcomes",
    "quality_of_provision": "Quality of provision",
}
AREA_ORDER = list(AREA_LABELS)

# Context measures compared with statistical neighbours: (measure, label, decimals).
CONTEXT_MEASURES = (
    ("cin_at31_rate", "Children in need per 10,000 children (31 March)", 1),
    ("cpp_at31_rate", "Children on a child protection plan per 10,000 (31 March)", 1),
    ("cla_at31_rate", "Children looked after per 10,000 children (31 March)", 1),
    ("referrals_rate", "Referrals per 10,000 children (year to 31 March)", 1),
    ("rereferral_percent", "Re-referrals within 12 months (%)", 1),
    ("sw_agency_rate", "Agency social workers (%, 30 September)", 1),
    ("sw_turnover_rate", "Social worker turnover (%, year to 30 September)", 1),
    ("sw_vacancy_rate", "Social worker vacancy rate (%, 30 September)", 1),
    ("sw_caseload", "Average caseload per social worker (30 September)", 1),
)

INSPECTIONS_SQL = """
SELECT f.inspection_id, f.la_code, f.framework, fw.label AS framework_label, f.source,
       f.whole_service, f.end_date, f.end_date_imputed, f.published_date, f.source_url,
       f.overall_grade
FROM inspection_facts AS f JOIN frameworks AS fw USING (framework)
ORDER BY f.la_code, f.published_date, f.inspection_id
"""
JUDGEMENTS_SQL = """
SELECT inspection_id, area, grade, grade_raw FROM judgements ORDER BY inspection_id, area
"""
RESULTS_SQL = "SELECT la_code, is_inadequate FROM whole_service_results"
# `*`: the revised interventions table adds source_url and quote, used when present.
INTERVENTIONS_SQL = """
SELECT * REPLACE (CAST(date AS DATE) AS date)
FROM intervention_outcomes ORDER BY la_code, date, event
"""
CONTEXT_SQL = """
SELECT la_code, year, measure, value FROM context_measures
WHERE measure IN (SELECT unnest(?)) AND value IS NOT NULL
"""
NEIGHBOURS_SQL = """
SELECT model, la_code, rank, neighbour_la_code FROM context_stat_neighbours
ORDER BY la_code, model DESC, rank
"""
PARAGRAPHS_SQL = """
SELECT page, paragraph, text FROM report_paragraphs
WHERE inspection_id = ? AND NOT boilerplate ORDER BY page, paragraph
"""
SUMMARY_HEADINGS = re.compile(
    r"^(headline findings|executive summary|summary of findings|summary|overall judgement)\b",
    re.IGNORECASE,
)
GRADE_PHRASES = {
    "outstanding": "were judged outstanding",
    "good": "were judged good",
    "requires_improvement": "were judged to require improvement",
    "inadequate": "were judged inadequate",
    "no_overall_grade": "were inspected under the 2026 framework, which gives no overall grade,",
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class CouncilPage:
    la_code: str
    slug: str
    name: str
    region: str
    abolished: bool
    grade: str  # chart grade code of the current (or last) standing
    published: dt.date | None
    summary: str
    path: Path


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    query = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return bool(con.execute(query, [name]).fetchone()[0])


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


class Record:
    """Everything the pages need, read from the warehouse once."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.end = frames.data_end(con)
        self.councils = con.execute("SELECT * FROM councils ORDER BY la_code").df()
        self.by_code = {r.la_code: r for r in self.councils.itertuples(index=False)}
        self.inspections = con.execute(INSPECTIONS_SQL).df()
        self.judgements = con.execute(JUDGEMENTS_SQL).df()
        self.results = con.execute(RESULTS_SQL).df()
        self.interventions = con.execute(INTERVENTIONS_SQL).df()
        self.standing_now = frames.standing_on(con, self.end).set_index("la_code")
        measures = [m for m, _, _ in CONTEXT_MEASURES]
        self.context = (
            con.execute(CONTEXT_SQL, [measures]).df()
            if _has_table(con, "context_measures")
            else pd.DataFrame(columns=["la_code", "year", "measure", "value"])
        )
        self.context_by_measure = {m: f for m, f in self.context.groupby("measure", sort=False)}
        self.neighbours = (
            con.execute(NEIGHBOURS_SQL).df()
            if _has_table(con, "context_stat_neighbours")
            else pd.DataFrame(columns=["model", "la_code", "rank", "neighbour_la_code"])
        )
        self.has_paragraphs = _has_table(con, "report_paragraphs")
        self.framework_labels = dict(
            con.execute("SELECT framework, label FROM frameworks").fetchall()
        )

    def standing(self, la_code: str) -> pd.Series | None:
        """Standing now, or on the last day of an abolished council."""
        if la_code in self.standing_now.index:
            return self.standing_now.loc[la_code]
        last = _date(self.by_code[la_code].valid_to)
        if last is None:
            return None
        table = frames.standing_on(self.con, last - dt.timedelta(days=1)).set_index("la_code")
        return table.loc[la_code] if la_code in table.index else None

    def slug(self, la_code: str) -> str:
        return self.by_code[la_code].slug


def summary_sentence(rec: Record, la_code: str) -> str:
    """One sentence computed from the data: the latest standing and the record behind it."""
    council = rec.by_code[la_code]
    name = council.short_name or council.name
    standing = rec.standing(la_code)
    results = rec.results[rec.results["la_code"] == la_code]
    n_whole = len(results)
    n_inadequate = int(results["is_inadequate"].sum())
    n_interventions = int((rec.interventions["la_code"] == la_code).sum())
    abolished = _date(council.valid_to) is not None
    if standing is None or pd.isna(standing.get("inspection_id")):
        lead = f"{name} had no full (SIF or ILACS) inspection in the record"
    else:
        published = long_date(standing["published_date"])
        state = GRADE_PHRASES.get(standing["grade"], "had no overall grade")
        when = "at their last full inspection" if abolished else "at their latest full inspection"
        lead = f"{name}'s children's services {state} {when} (report published {published})"
    count = "none" if n_inadequate == 0 else number_words(n_inadequate)
    history = (
        f"{count} of {number_words(n_whole)} full inspections in the record found them inadequate"
        if n_whole > 1
        else ""
    )
    parts = [lead]
    if history:
        parts.append(history)
    if n_interventions:
        parts.append(f"the record holds {plural(n_interventions, 'government intervention event')}")
    sentence = "; ".join(parts)
    if abolished:
        successors = [
            rec.by_code[c].short_name
            for c in str(council.successors).split(";")
            if c in rec.by_code
        ]
        ended = long_date(_date(council.valid_to))
        sentence = (
            f"{council.name} ceased to exist after {ended}"
            + (f" (succeeded by {' and '.join(successors)})" if successors else "")
            + f". {sentence[0].upper()}{sentence[1:]}"
        )
    return sentence + "."


def _judgements(rec: Record, inspection_id: str) -> list[tuple[str, str]]:
    rows = rec.judgements[rec.judgements["inspection_id"] == inspection_id].copy()
    if rows.empty:
        return []
    rows["order"] = rows["area"].map(lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else 99)
    out = []
    for row in rows.sort_values(["order", "area"], kind="mergesort").itertuples(index=False):
        grade = GRADE_LABELS.get(row.grade, row.grade_raw or row.grade)
        area = AREA_LABELS.get(row.area, row.area.replace("_", " ").capitalize())
        out.append((area, grade))
    return out


def _url(value: object) -> str | None:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def inspection_rows(rec: Record, la_code: str) -> list[dict]:
    rows = rec.inspections[rec.inspections["la_code"] == la_code]
    return [
        {
            "published": long_date(row.published_date),
            "framework": row.framework_label,
            "judgements": _judgements(rec, row.inspection_id),
            "source": "Ofsted report"
            if row.source == "report"
            else "Ofsted official statistics (no report file)",
            "url": _url(row.source_url),
        }
        for row in rows.itertuples(index=False)
    ]


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def intervention_rows(rec: Record, la_code: str) -> list[dict]:
    """Each intervention with the grades either side and its source (name, link and quote when
    the warehouse has the revised table's ``source_url`` and ``quote`` columns)."""
    rows = rec.interventions[rec.interventions["la_code"] == la_code]
    out = []
    for row in rows.to_dict("records"):
        precision = row["date_precision"]
        when = long_date(row["date"]) or "date not known"
        if precision in ("month", "year") and pd.notna(row["date"]):
            stamp = pd.Timestamp(row["date"])
            when = f"{stamp:%B %Y}" if precision == "month" else f"{stamp:%Y}"
        before = row["before_grade"]
        after = (
            GRADE_LABELS.get(row["after_grade"], "") if isinstance(row["after_grade"], str) else ""
        )
        if after and pd.notna(row["after_published"]):
            after += f" ({long_date(row['after_published'])})"
        out.append(
            {
                "date": when,
                "event": EVENT_LABELS[row["event"]],  # every event is known (warehouse build)
                "detail": _text(row["detail"]),
                "quote": _text(row.get("quote")),
                "before": GRADE_LABELS.get(before, "") if isinstance(before, str) else "",
                "after": after or "none yet",
                "source": _text(row["source"]),
                "url": _url(row.get("source_url")),
            }
        )
    return out


def neighbour_codes(rec: Record, la_code: str) -> tuple[str | None, list[str]]:
    rows = rec.neighbours[rec.neighbours["la_code"] == la_code]
    if rows.empty:
        return None, []
    model = rows["model"].max()
    chosen = rows[rows["model"] == model].sort_values("rank", kind="mergesort")
    return str(model), [c for c in chosen["neighbour_la_code"] if c in rec.by_code]


def context_rows(rec: Record, la_code: str, neighbours: list[str]) -> list[dict]:
    out = []
    for measure, label, decimals in CONTEXT_MEASURES:
        ctx = rec.context_by_measure.get(measure)
        if ctx is None:
            continue
        own = ctx[ctx["la_code"] == la_code]
        if own.empty:
            continue
        year = int(own["year"].max())
        value = float(own.loc[own["year"] == year, "value"].iloc[0])
        same = ctx[ctx["year"] == year]
        near = same[same["la_code"].isin(neighbours)]["value"]
        fmt = f"{{:.{decimals}f}}"
        out.append(
            {
                "label": label,
                "year": year,
                "value": fmt.format(value),
                "neighbours": fmt.format(near.median()) + f" ({len(near)})" if len(near) else "",
                "england": fmt.format(same["value"].median()),
            }
        )
    return out


def key_sentences(rec: Record, inspection_id: str, limit: int = 3) -> list[str]:
    """The first sentences after the report's summary heading (or its first substantial
    paragraphs when no heading is found), from the full-text paragraphs."""
    if not rec.has_paragraphs:
        return []
    paras = rec.con.execute(PARAGRAPHS_SQL, [inspection_id]).df()
    if paras.empty:
        return []
    texts = [str(t).strip() for t in paras["text"]]
    start = next(
        (i + 1 for i, t in enumerate(texts) if SUMMARY_HEADINGS.match(t) and len(t) < 80), None
    )
    body = [t for t in texts[start or 0 :] if len(t) >= 80]
    sentences: list[str] = []
    for text in body:
        sentences += [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) >= 40]
        if len(sentences) >= limit:
            break
    return sentences[:limit]


def latest_report(rec: Record, la_code: str) -> pd.Series | None:
    rows = rec.inspections[
        (rec.inspections["la_code"] == la_code) & (rec.inspections["source"] == "report")
    ]
    return None if rows.empty else rows.iloc[-1]


def said(rec: Record, la_code: str) -> dict | None:
    report = latest_report(rec, la_code)
    if report is None:
        return None
    sentences = key_sentences(rec, report["inspection_id"])
    if not sentences:
        return None
    return {
        "url": _url(report["source_url"]),
        "published": long_date(report["published_date"]),
        "framework": report["framework_label"],
        "sentences": sentences,
    }


def standing_when(rec: Record, la_code: str) -> str:
    ended = _date(rec.by_code[la_code].valid_to)
    if ended:
        return f"on its last day ({long_date(ended - dt.timedelta(days=1))})"
    return f"as at {long_date(rec.end)}"


def standing_row(rec: Record, la_code: str) -> dict | None:
    standing = rec.standing(la_code)
    if standing is None or pd.isna(standing.get("inspection_id")):
        return None
    when = standing_when(rec, la_code)
    return {
        "when": when[0].upper() + when[1:],
        "grade": GRADE_LABELS[standing["grade"]],
        "framework": rec.framework_labels.get(standing["framework"], standing["framework"]),
        "published": long_date(standing["published_date"]),
        "url": _url(standing["source_url"]),
    }


def lineage(rec: Record, la_code: str) -> list[tuple[str, list[dict]]]:
    council = rec.by_code[la_code]
    out = []
    for label, codes in (("Replaced", council.predecessors), ("Replaced by", council.successors)):
        if isinstance(codes, str) and codes:
            linked = [
                {"name": rec.by_code[c].name, "href": f"{rec.slug(c)}.html"}
                for c in codes.split(";")
                if c in rec.by_code
            ]
            if linked:
                out.append((label, linked))
    return out


def timeline_html(rec: Record, la_code: str) -> str:
    judgements, interventions = frames.council(rec.con, la_code)
    if judgements.empty:
        return ""
    name = rec.by_code[la_code].short_name or rec.by_code[la_code].name
    # Not re-validated for each of 158 pages: tests/test_charts.py validates council_chart.
    spec = council_chart(name, judgements, interventions).to_dict(validate=False)
    return chart_html(spec, "timeline")


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ofsted_record.site", "templates"),
        autoescape=True,  # every value is text from the data, never trusted markup
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def page_text(rec: Record, la_code: str, summary: str) -> str:
    council = rec.by_code[la_code]
    timeline = timeline_html(rec, la_code)
    meta = {
        "title": council.name,
        "description": summary,
        "pagetitle": f"{council.short_name or council.name}: Ofsted record",
    }
    if timeline:  # the Vega bundle only where a chart is (module: never render-blocking)
        meta["format"] = {"html": {"include-in-header": [{"text": bundle_tag(1)}]}}
    facts = [
        ("Region", council.region_name),
        ("Type", str(council.la_type).replace("_", " ")),
        ("DfE code", la_code),
    ]
    if _date(council.valid_from):
        facts.append(("From", long_date(council.valid_from)))
    if _date(council.valid_to):
        facts.append(("Until", long_date(council.valid_to)))
    model, neighbours = neighbour_codes(rec, la_code)
    return (
        _templates()
        .get_template("council.qmd.j2")
        .render(
            front_matter=Markup(front_matter(meta)),
            facts=facts,
            lineage=lineage(rec, la_code),
            search_href=search_href(council.name),
            standing=standing_row(rec, la_code),
            standing_when=standing_when(rec, la_code),
            timeline=Markup(timeline),
            inspections=inspection_rows(rec, la_code),
            interventions=intervention_rows(rec, la_code),
            model=model,
            neighbours=[
                {"name": rec.by_code[c].short_name, "href": f"{rec.slug(c)}.html"}
                for c in neighbours
            ],
            context=context_rows(rec, la_code, neighbours),
            said=said(rec, la_code),
        )
    )


def search_href(name: str) -> str:
    """The search page with this council's reports chosen (site/search-reports.qmd)."""
    return "../search-reports.html?" + urlencode({"council": name})


def listing_text(pages: list[CouncilPage], end: dt.date) -> str:
    """``councils/index.qmd``: a static table with a small local filter script."""
    present = {p.grade for p in pages}
    rows = [
        {
            "slug": p.slug,
            "name": p.name,
            "region": p.region,
            "grade": p.grade,
            "grade_label": GRADE_LABELS[p.grade],
            "published": long_date(p.published),
            "abolished": p.abolished,
            "status": "abolished" if p.abolished else "current",
        }
        for p in sorted(pages, key=lambda p: (p.name.lower(), p.la_code))
    ]
    n_current = sum(not p.abolished for p in pages)
    meta = {"title": "Councils", "description": "Every council's Ofsted record, one page each."}
    return (
        _templates()
        .get_template("councils_index.qmd.j2")
        .render(
            front_matter=Markup(front_matter(meta)),
            n_current=n_current,
            n_abolished=len(pages) - n_current,
            end=long_date(end),
            regions=sorted({p.region for p in pages}),
            grades=[(g, GRADE_LABELS[g]) for g in GRADE_LABELS if g in present],
            pages=rows,
        )
    )


def write_council_pages(
    con: duckdb.DuckDBPyConnection, site: Path, progress: bool = False
) -> list[CouncilPage]:
    """Write every council's page, the listing and the folder metadata; remove stale pages."""
    rec = Record(con)
    folder = site / COUNCILS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    pages: list[CouncilPage] = []
    codes = list(rec.councils["la_code"])
    iterator = codes
    if progress:
        from rich.progress import track

        iterator = track(codes, description="council pages")
    for la_code in iterator:
        council = rec.by_code[la_code]
        summary = summary_sentence(rec, la_code)
        standing = rec.standing(la_code)
        grade = "not_judged" if standing is None else standing["grade"]
        published = None if standing is None else _date(standing["published_date"])
        path = folder / f"{council.slug}.qmd"
        _write_if_changed(path, page_text(rec, la_code, summary))
        pages.append(
            CouncilPage(
                la_code,
                council.slug,
                council.name,
                council.region_name,
                _date(council.valid_to) is not None,
                grade,
                published,
                summary,
                path,
            )
        )
    keep = {p.path.name for p in pages} | {"index.qmd"}
    for stale in folder.glob("*.qmd"):
        if stale.name not in keep:
            stale.unlink()
    _write_if_changed(folder / "index.qmd", listing_text(pages, rec.end))
    (folder / "_metadata.yml").unlink(missing_ok=True)  # was: a folder-wide bundle include
    return pages


def _write_if_changed(path: Path, text: str) -> None:
    """Leave unchanged files untouched (keeps mtimes, so Quarto's freezer sees no change)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    atomic_write_text(path, text)
