"""Run the extractor over a folder of reports: every file parsed or quarantined, nothing lost.

Which files are reports, and which are quarantined and why, is decided by the classification
shared with ``fulltext`` (``extract/inputs.py``); this module turns it into the tidy tables. Parse
results are cached by file sha256 (plus the parser version) in ``data/cache/extract``; every file
is hashed on every run, so the sha256 written is always that of the bytes on disk.

A run never silently shrinks the record: if it would drop inspections already in the output
folder's ``inspections.csv`` it stops before writing anything (``allow_shrink`` overrides).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ofsted_record import config
from ofsted_record.extract import ids
from ofsted_record.extract.inputs import (
    MISSING,
    PARSER_VERSION,
    QUARANTINED,
    REJECTED_COLUMNS,
    REJECTED_FILE,
    Classification,
    classify,
    parse_file,
    read_manifest,
    read_rejected,
)
from ofsted_record.tables import read_csv, write_csv

__all__ = [
    "PARSER_VERSION",
    "REJECTED_COLUMNS",
    "REJECTED_FILE",
    "RecordWouldShrink",
    "RunSummary",
    "parse_file",
    "read_manifest",
    "read_rejected",
    "run_extraction",
]

INSPECTION_COLUMNS = [
    "inspection_id",
    "source",
    "urn",
    "la_code",
    "council",
    "council_printed",
    "framework",
    "framework_rule",
    "start_date",
    "end_date",
    "published_date",
    "published_date_source",
    "lead_inspector",
    "source_url",
    "file",
    "sha256",
    "pages",
]
JUDGEMENT_COLUMNS = ["inspection_id", "area", "grade", "grade_raw", "page", "evidence"]
ISSUE_COLUMNS = ["file", "sha256", "bytes", "outcome", "reason", "detail"]
AREA_ORDER = [
    "overall_effectiveness",
    "impact_of_leaders",
    "leadership",
    "help_and_protection",
    "children_in_care",
    "children_in_care_and_care_leavers",
    "adoption",
    "care_leavers",
    "lscb",
    "capacity_to_improve",
    "outcomes",
    "quality_of_provision",
]
# Examples of dropped inspections named in the error (the rest are counted).
SHRINK_EXAMPLES = 5


class RecordWouldShrink(RuntimeError):
    """The run would drop inspections already in the record; nothing was written."""


@dataclass
class RunSummary:
    parsed: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # manifest rows with no file on disk
    counts: Counter[str] = field(default_factory=Counter)
    from_cache: int = 0
    parsed_now: int = 0  # files read by the parser in this run (not served from the cache)
    reports_dir: Path | None = None
    manifest_rows: int = 0
    dropped: list[str] = field(default_factory=list)  # inspection ids no longer in the record

    @property
    def total(self) -> int:
        """Files on disk (and rows a collector refused), each parsed or quarantined."""
        return len(self.parsed) + len(self.quarantined)

    @property
    def failed_strict(self) -> bool:
        return bool(self.quarantined or self.missing)


def run_extraction(
    reports_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    strict: bool = False,
    progress: bool = True,
    cache_dir: Path | None = None,
    workers: int | None = None,
    allow_shrink: bool = False,
) -> RunSummary:
    """Extract every report under ``reports_dir`` into tidy tables in ``out_dir``."""
    reports_dir = Path(reports_dir or config.reports_dir())
    out_dir = Path(out_dir or config.processed_dir())
    cache_dir = Path(cache_dir or config.project_root() / "data" / "cache" / "extract")
    found = classify(reports_dir, cache_dir, workers=workers, progress=progress)
    summary = RunSummary(
        from_cache=found.from_cache,
        parsed_now=found.parsed_now,
        reports_dir=reports_dir,
        manifest_rows=len(found.manifest),
    )
    inspections, judgements, issues = _tables(found, summary)

    summary.dropped = _dropped(
        out_dir / "inspections.csv", {r["inspection_id"] for r in inspections}
    )
    if summary.dropped and not allow_shrink:
        shown = ", ".join(summary.dropped[:SHRINK_EXAMPLES])
        more = len(summary.dropped) - SHRINK_EXAMPLES
        raise RecordWouldShrink(
            f"extracting {reports_dir} would drop {len(summary.dropped)} inspection(s) already in "
            f"{out_dir / 'inspections.csv'} ({shown}{f' and {more} more' if more > 0 else ''}); "
            f"nothing was written. Check the reports folder (setting ${config.REPORTS_DIR_ENV}, "
            "or --reports-dir), or pass --allow-shrink if the record should shrink."
        )
    if summary.dropped:
        summary.counts["note: inspections dropped from the record (--allow-shrink)"] = len(
            summary.dropped
        )

    mark_reinspections(inspections)
    out_dir.mkdir(parents=True, exist_ok=True)
    ins = pd.DataFrame(inspections, columns=INSPECTION_COLUMNS)
    write_csv(ins, out_dir / "inspections.csv", sort_by=["inspection_id"])
    jud = pd.DataFrame(judgements, columns=JUDGEMENT_COLUMNS)
    jud["_order"] = jud["area"].map({a: i for i, a in enumerate(AREA_ORDER)})
    jud = jud.sort_values(["inspection_id", "_order", "area"], kind="mergesort").drop(
        columns="_order"
    )
    write_csv(jud, out_dir / "judgements.csv")
    write_csv(
        pd.DataFrame(issues, columns=ISSUE_COLUMNS),
        out_dir / "extraction_issues.csv",
        sort_by=["file"],
    )
    if strict and summary.failed_strict:
        summary.counts["strict: failed"] = 1
    return summary


def _tables(found: Classification, summary: RunSummary) -> tuple[list, list, list]:
    """Every classified file becomes an inspection row or an issue row, never both."""
    inspections: list[dict] = []
    judgements: list[dict] = []
    issues: list[dict] = []
    for item in found.files:
        if item.outcome in (QUARANTINED, MISSING):
            issues.append(
                {
                    "file": item.file,
                    "sha256": item.sha256,
                    # text, so a large size is never written as a float ("1.2e+06")
                    "bytes": "" if item.bytes is None else str(item.bytes),
                    "outcome": item.outcome,
                    "reason": item.reason,
                    "detail": item.detail,
                }
            )
            (summary.missing if item.outcome == MISSING else summary.quarantined).append(item.file)
            summary.counts[f"{item.outcome}: {item.reason}"] += 1
            continue
        result = item.result or {}
        report = result["report"]
        inspections.append(
            {
                "inspection_id": item.inspection_id,
                "source": "report",
                "urn": item.urn,
                "la_code": item.la_code,
                "council": item.council,
                "council_printed": report["council_printed"],
                "framework": report["framework"],
                "framework_rule": report["framework_rule"],
                "start_date": report["start_date"],
                "end_date": report["end_date"],
                "published_date": report["published_date"] or ids.file_date(item.file).isoformat(),
                "published_date_source": report["published_date_source"],
                "lead_inspector": report["lead_inspector"],
                "source_url": found.manifest.get(item.file, {}).get("source_url", ""),
                "file": item.file,
                "sha256": item.sha256,
                "pages": result["pages"],
            }
        )
        for judgement in report["judgements"]:
            judgements.append({"inspection_id": item.inspection_id, **judgement})
        summary.parsed.append(item.file)
        summary.counts[f"parsed: {report['framework']}"] += 1
        listed = found.manifest.get(item.file)
        if listed is None:
            summary.counts["note: not in manifest.csv (no source URL)"] += 1
        elif listed.get("sha256") and listed["sha256"] != item.sha256:
            summary.counts[
                "note: sha256 differs from manifest.csv (file changed since listed)"
            ] += 1
    return inspections, judgements, issues


def _dropped(previous: Path, now: set[str]) -> list[str]:
    """Inspection ids of report-based rows in ``previous`` that are not in ``now``."""
    if not previous.is_file():
        return []
    try:
        before = read_csv(previous)
    except (pd.errors.EmptyDataError, pd.errors.ParserError):
        return []
    if "inspection_id" not in before:
        return []
    if "source" in before:
        before = before[before["source"].fillna("report") == "report"]
    return sorted(set(before["inspection_id"].dropna()) - now)


SECOND_SIF_RULE = "derived: a later SIF inspection of a council already inspected under the SIF"


def mark_reinspections(inspections: list[dict]) -> None:
    """A council's second SIF inspection is a re-inspection even where its title does not say so.

    The SIF inspected each council once; only councils judged inadequate were re-inspected.
    Some re-inspection reports (Lambeth and Darlington 2018, Leicester 2017, Slough 2016) print
    the standard title, and Ofsted's own table lists them as re-inspections.
    """
    by_council: dict[str, list[dict]] = {}
    for row in inspections:
        if row["framework"] in ("sif", "sif_reinspection"):
            by_council.setdefault(row["la_code"], []).append(row)
    for rows in by_council.values():
        rows.sort(key=lambda r: (r["end_date"] or "", r["published_date"]))
        for row in rows[1:]:
            if row["framework"] == "sif":
                row["framework"] = "sif_reinspection"
                row["framework_rule"] = SECOND_SIF_RULE
