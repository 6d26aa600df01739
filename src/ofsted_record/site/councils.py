"""One static page per council (``site/councils/<slug>.qmd``) and the filterable listing.

Pages need no Jupyter kernel: everything is computed here from the warehouse and written as
markdown plus the chart's static HTML, so Quarto only converts them (a kernel start costs ~13 s
a page). Every number and sentence comes from the data at build time.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ofsted_record.charts.council import council_chart
from ofsted_record.charts.palette import GRADE_LABELS
from ofsted_record.site import frames
from ofsted_record.site.embed import chart_html, raw_html
from ofsted_record.site.paths import bundle_src
from ofsted_record.site.text import front_matter, link, long_date, md, number_words, plural, table
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
INTERVENTIONS_SQL = """
SELECT la_code, event, CAST(date AS DATE) AS date, date_precision, detail, source,
       before_grade, after_grade, after_published
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


def _judgement_text(rec: Record, inspection_id: str) -> str:
    rows = rec.judgements[rec.judgements["inspection_id"] == inspection_id].copy()
    if rows.empty:
        return "No judgements recorded"
    rows["order"] = rows["area"].map(lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else 99)
    parts = []
    for row in rows.sort_values(["order", "area"], kind="mergesort").itertuples(index=False):
        grade = GRADE_LABELS.get(row.grade, row.grade_raw or row.grade)
        area = AREA_LABELS.get(row.area, row.area.replace("_", " ").capitalize())
        parts.append(f"{area}: **{md(grade)}**")
    return "; ".join(parts)


def inspections_section(rec: Record, la_code: str) -> str:
    rows = rec.inspections[rec.inspections["la_code"] == la_code]
    if rows.empty:
        return "No inspections of this council are in the record.\n"
    cells = []
    for row in rows.itertuples(index=False):
        if row.source == "report":
            report = link("Ofsted report", row.source_url)
        else:
            report = link("Ofsted official statistics (no report file)", row.source_url)
        cells.append(
            [
                md(long_date(row.published_date)),
                md(row.framework_label),
                _judgement_text(rec, row.inspection_id),
                report,
            ]
        )
    return table(["Published", "Inspection", "Judgements", "Source"], cells)


EVENT_LABELS = {
    "improvement_notice": "Improvement notice",
    "statutory_direction": "Statutory direction",
    "direction_revised": "Direction revised",
    "direction_lifted": "Direction lifted",
    "commissioner_appointed": "Commissioner appointed",
    "trust_launched": "Children's trust launched",
    "company_launched": "Council-owned company launched",
    "returned_to_council": "Services returned to the council",
    "partnership_direction": "Partnership direction",
}


def interventions_section(rec: Record, la_code: str) -> str:
    rows = rec.interventions[rec.interventions["la_code"] == la_code]
    if rows.empty:
        return "The interventions table records no government intervention for this council.\n"
    cells = []
    for row in rows.itertuples(index=False):
        precision = "" if row.date_precision == "day" else f" (to the {row.date_precision})"
        after = GRADE_LABELS.get(row.after_grade, "") if isinstance(row.after_grade, str) else ""
        if after and pd.notna(row.after_published):
            after += f" ({long_date(row.after_published)})"
        cells.append(
            [
                md(long_date(row.date) + precision),
                md(EVENT_LABELS.get(row.event, row.event.replace("_", " "))),
                md(row.detail),
                md(
                    GRADE_LABELS.get(row.before_grade, "")
                    if isinstance(row.before_grade, str)
                    else ""
                ),
                md(after or "none yet"),
                md(row.source),
            ]
        )
    return table(
        ["Date", "Event", "Detail", "Full-inspection grade before", "Next grade after", "Source"],
        cells,
    )


def neighbour_codes(rec: Record, la_code: str) -> tuple[str | None, list[str]]:
    rows = rec.neighbours[rec.neighbours["la_code"] == la_code]
    if rows.empty:
        return None, []
    model = rows["model"].max()
    chosen = rows[rows["model"] == model].sort_values("rank", kind="mergesort")
    return str(model), [c for c in chosen["neighbour_la_code"] if c in rec.by_code]


def context_section(rec: Record, la_code: str) -> str:
    model, neighbours = neighbour_codes(rec, la_code)
    if not neighbours:
        return "No statistical neighbours are published for this council.\n"
    ctx = rec.context
    cells = []
    for measure, label, decimals in CONTEXT_MEASURES:
        own = ctx[(ctx["la_code"] == la_code) & (ctx["measure"] == measure)]
        if own.empty:
            continue
        year = int(own["year"].max())
        value = float(own.loc[own["year"] == year, "value"].iloc[0])
        same = ctx[(ctx["measure"] == measure) & (ctx["year"] == year)]
        near = same[same["la_code"].isin(neighbours)]["value"]
        fmt = f"{{:.{decimals}f}}"
        cells.append(
            [
                md(label),
                str(year),
                fmt.format(value),
                fmt.format(near.median()) + f" ({len(near)})" if len(near) else "",
                fmt.format(same["value"].median()),
            ]
        )
    names = ", ".join(link(rec.by_code[c].short_name, f"{rec.slug(c)}.qmd") for c in neighbours)
    intro = (
        f"Compared with its {len(neighbours)} statistical neighbours (DfE {model} model: {names}). "
        "Medians; the number of neighbours with a value is in brackets. Context describes demand "
        "and workforce; it does not explain a grade.\n\n"
    )
    if not cells:
        return intro + "No context measures are available for this council.\n"
    return intro + table(
        ["Measure", "Year", "This council", "Neighbours' median", "England median"], cells
    )


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


def said_section(rec: Record, la_code: str) -> str:
    report = latest_report(rec, la_code)
    if report is None:
        return ""
    sentences = key_sentences(rec, report["inspection_id"])
    if not sentences:
        return ""
    quote = "\n>\n".join(f"> {md(s)}" for s in sentences)
    return (
        "## What the latest report said\n\n"
        f"From the {link('report published ' + long_date(report['published_date']), report['source_url'])}"
        f" ({md(report['framework_label'])}), its opening summary:\n\n{quote}\n"
    )


def standing_section(rec: Record, la_code: str) -> str:
    standing = rec.standing(la_code)
    council = rec.by_code[la_code]
    ended = _date(council.valid_to)
    when = (
        f"on its last day ({long_date(ended - dt.timedelta(days=1))})"
        if ended
        else f"as at {long_date(rec.end)}"
    )
    if standing is None or pd.isna(standing.get("inspection_id")):
        return f"No full inspection (SIF or ILACS) counts {when}.\n"
    grade = GRADE_LABELS[standing["grade"]]
    return table(
        ["Standing", "Grade", "Inspection", "Published", "Report"],
        [
            [
                md(when[0].upper() + when[1:]),
                f"**{md(grade)}**",
                md(rec.framework_labels.get(standing["framework"], standing["framework"])),
                md(long_date(standing["published_date"])),
                link("source", standing["source_url"]),
            ]
        ],
    )


def links_section(rec: Record, la_code: str) -> str:
    council = rec.by_code[la_code]
    lines = []
    for label, codes in (("Replaced", council.predecessors), ("Replaced by", council.successors)):
        if isinstance(codes, str) and codes:
            names = [
                link(rec.by_code[c].name, f"{rec.slug(c)}.qmd")
                for c in codes.split(";")
                if c in rec.by_code
            ]
            lines.append(f"{label}: {', '.join(names)}.")
    return "\n\n".join(lines) + ("\n" if lines else "")


def timeline_html(rec: Record, la_code: str) -> str:
    judgements, interventions = frames.council(rec.con, la_code)
    if judgements.empty:
        return ""
    name = rec.by_code[la_code].short_name or rec.by_code[la_code].name
    return chart_html(council_chart(name, judgements, interventions), "timeline")


def page_text(rec: Record, la_code: str, summary: str) -> str:
    council = rec.by_code[la_code]
    meta = {
        "title": council.name,
        "description": summary,
        "pagetitle": f"{council.short_name or council.name}: Ofsted record",
    }
    facts = [
        f"**Region:** {md(council.region_name)}",
        f"**Type:** {md(str(council.la_type).replace('_', ' '))}",
        f"**DfE code:** {md(la_code)}",
    ]
    if _date(council.valid_from):
        facts.append(f"**From:** {md(long_date(council.valid_from))}")
    if _date(council.valid_to):
        facts.append(f"**Until:** {md(long_date(council.valid_to))}")
    sections = [
        front_matter(meta),
        f"\n{md(summary)}\n",
        " · ".join(facts) + "\n",
        links_section(rec, la_code),
        "## Current standing\n",
        standing_section(rec, la_code),
        timeline_html(rec, la_code),
        "## Every inspection\n",
        inspections_section(rec, la_code),
        "## Government interventions\n",
        interventions_section(rec, la_code),
        "## Context against statistical neighbours\n",
        context_section(rec, la_code),
        said_section(rec, la_code),
        "[All councils](index.qmd) · [Methodology](../methodology.qmd)\n",
    ]
    return "\n".join(s for s in sections if s)


def metadata_text() -> str:
    """``councils/_metadata.yml``: pages one folder down reach the Vega bundle at ``../``."""
    src = bundle_src(1)
    return (
        "# Generated by `ofsted-record site`: pages in this folder load the site's own Vega\n"
        "# bundle one level up (a site-wide include-in-header path would break here).\n"
        "format:\n  html:\n    include-in-header:\n"
        f'      - text: \'<script type="module" src="{src}"></script>\'\n'
    )


def listing_text(pages: list[CouncilPage], end: dt.date) -> str:
    """``councils/index.qmd``: a static table with a small local filter script."""
    regions = sorted({p.region for p in pages})
    grades = [g for g in GRADE_LABELS if g in {p.grade for p in pages}]
    rows = []
    for page in sorted(pages, key=lambda p: (p.name.lower(), p.la_code)):
        status = "abolished" if page.abolished else "current"
        rows.append(
            f'<tr data-region="{html.escape(page.region)}" data-grade="{page.grade}" '
            f'data-status="{status}"{" hidden" if page.abolished else ""}>'
            f'<td><a href="{page.slug}.html">{html.escape(page.name)}</a></td>'
            f"<td>{html.escape(page.region)}</td>"
            f"<td>{html.escape(GRADE_LABELS[page.grade])}{' (last)' if page.abolished else ''}</td>"
            f"<td>{html.escape(long_date(page.published))}</td>"
            f"<td>{status}</td></tr>"
        )
    region_options = "".join(
        f'<option value="{html.escape(r)}">{html.escape(r)}</option>' for r in regions
    )
    grade_options = "".join(
        f'<option value="{g}">{html.escape(GRADE_LABELS[g])}</option>' for g in grades
    )
    form = (
        '<form class="orc-filter" role="search" aria-controls="council-table" onsubmit="return false">\n'
        '<label>Name <input type="search" id="filter-name" autocomplete="off"></label>\n'
        f'<label>Region <select id="filter-region"><option value="">All</option>{region_options}</select></label>\n'
        f'<label>Grade <select id="filter-grade"><option value="">All</option>{grade_options}</select></label>\n'
        '<label><input type="checkbox" id="filter-abolished"> Include abolished councils</label>\n'
        '<p id="filter-count" aria-live="polite"></p>\n'
        "</form>"
    )
    table_html = (
        '<table id="council-table" class="table table-sm">\n<caption>Councils and their latest '
        'overall grade</caption>\n<thead><tr><th scope="col">Council</th><th scope="col">Region</th>'
        '<th scope="col">Latest grade</th><th scope="col">Published</th><th scope="col">Status</th>'
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )
    script = """<script>
(function () {
  const rows = Array.from(document.querySelectorAll("#council-table tbody tr"));
  const name = document.getElementById("filter-name");
  const region = document.getElementById("filter-region");
  const grade = document.getElementById("filter-grade");
  const abolished = document.getElementById("filter-abolished");
  const count = document.getElementById("filter-count");
  function apply() {
    const text = name.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const ok = (!text || row.cells[0].textContent.toLowerCase().includes(text))
        && (!region.value || row.dataset.region === region.value)
        && (!grade.value || row.dataset.grade === grade.value)
        && (abolished.checked || row.dataset.status !== "abolished");
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = shown + " of " + rows.length + " councils shown";
  }
  for (const el of [name, region, grade, abolished]) el.addEventListener("input", apply);
  apply();
})();
</script>"""
    n_current = sum(not p.abolished for p in pages)
    intro = (
        f"Every children's services authority in the record: {n_current} today and "
        f"{len(pages) - n_current} abolished since 2009. Latest grade as at {long_date(end)} "
        "(for abolished councils, their last). Filter by name, region or grade.\n"
    )
    meta = {"title": "Councils", "description": "Every council's Ofsted record, one page each."}
    return "\n".join(
        [front_matter(meta), intro, raw_html(form + "\n" + table_html + "\n" + script)]
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
    _write_if_changed(folder / "_metadata.yml", metadata_text())
    return pages


def _write_if_changed(path: Path, text: str) -> None:
    """Leave unchanged files untouched (keeps mtimes, so Quarto's freezer sees no change)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    atomic_write_text(path, text)
