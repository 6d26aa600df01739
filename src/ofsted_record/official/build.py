"""`ofsted-record official`: tidy table, reconciliation and complete record, in one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ofsted_record import config
from ofsted_record.extract.ids import BadReportPath, file_date, urn_and_folder_name
from ofsted_record.official import explanations, matching, outcomes_2024, reasons, record, tidy
from ofsted_record.official.councils import (
    UnresolvedCouncil,
    council_names,
    la_code_for_urn,
    register_resolver,
)
from ofsted_record.official.grades import UnmappedValue
from ofsted_record.official.sheet import OfficialSheetError
from ofsted_record.tables import read_csv, sha256_file, write_csv

OFFICIAL_JUDGEMENTS = "official_judgements.csv"
RECONCILIATION = "reconciliation.csv"
RECORD_INSPECTIONS = "record_inspections.csv"
RECORD_JUDGEMENTS = "record_judgements.csv"
OFFICIAL_2024_STANDING = "official_2024_standing.csv"
OFFICIAL_2024_ILACS = "official_2024_ilacs.csv"
OFFICIAL_2024_IN_YEAR = "official_2024_in_year.csv"


@dataclass
class OfficialSummary:
    resolver: str
    official_judgements: int
    official_inspections: int
    councils: int
    reconciled: bool = False
    status_counts: dict[str, int] = field(default_factory=dict)
    unexplained: list[str] = field(default_factory=list)
    stale_explanations: list[str] = field(default_factory=list)
    record_inspections: int = 0
    record_judgements: int = 0
    status_counts_2024: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def corpus_facts(
    reports_dir: Path, report_inspections: pd.DataFrame, issues: pd.DataFrame | None
) -> reasons.CorpusFacts:
    """Councils with report folders, and the files the extractor could not parse."""
    urn_to_la: dict[str, str] = {}
    for urn in sorted(set(_manifest_urns(reports_dir))):
        try:
            urn_to_la[urn] = la_code_for_urn(urn)
        except LookupError:
            continue  # a folder the register does not know: the extractor reports it
    # the extractor's own resolution of parsed files agrees with the register; keep it too
    known = report_inspections.dropna(subset=["urn", "la_code"])
    urn_to_la.update(dict(zip(known["urn"].astype(str), known["la_code"], strict=True)))
    facts = reasons.CorpusFacts()
    manifest = reports_dir / "manifest.csv"
    paths: list[str] = []
    if manifest.exists():
        paths = read_csv(manifest)["path"].tolist()
    for rel in paths:
        try:
            urn, _ = urn_and_folder_name(rel)
        except BadReportPath:
            continue
        if str(urn) in urn_to_la:
            facts.la_codes.add(urn_to_la[str(urn)])
    if issues is not None and not issues.empty:
        for row in issues.itertuples(index=False):
            rel = str(row.file)
            try:
                urn, _ = urn_and_folder_name(rel)
                when = file_date(rel)
            except BadReportPath:
                continue
            la = urn_to_la.get(str(urn))
            if la:
                why = "; ".join(
                    str(getattr(row, c)) for c in ("reason", "detail") if c in issues.columns
                )
                facts.unparsed.setdefault(la, []).append((when, f"{rel} ({why})"))
    return facts


def describe_unexplained(recon: pd.DataFrame) -> list[str]:
    """One line per disagreement that explanations.csv does not (or no longer) explain."""
    tol = matching.TOLERANCE_DAYS
    lines = set()
    bad = explanations.unexplained(recon, tol)
    far = explanations.date_disagreement(bad, tol)
    other = explanations.framework_disagreement(bad)
    for i, r in enumerate(bad.itertuples(index=False)):
        note = str(r.inspection_explanation or "")
        if r.status == "disagreed" and not str(r.explanation or ""):
            lines.add(
                f"{r.report_inspection_id},{r.area},{r.report_grade},{r.official_grade},"
                f"{r.official_cell}  (grade)"
            )
        if far.iloc[i] and "published_date: " not in note:
            lines.add(
                f"{r.report_inspection_id},published_date,{r.report_published_date},"
                f"{r.official_published_date},  (date)"
            )
        if other.iloc[i] and "framework: " not in note:
            lines.add(
                f"{r.report_inspection_id},framework,{r.report_framework},"
                f"{r.official_framework},  (framework)"
            )
    return sorted(lines)


def _manifest_urns(reports_dir: Path) -> list[str]:
    manifest = reports_dir / "manifest.csv"
    if not manifest.exists():
        return []
    return [str(u) for u in read_csv(manifest)["provider_urn"].dropna()]


def run_outcomes_2024(
    processed: Path,
    path: Path | None,
    summary: OfficialSummary,
    reports: tuple[pd.DataFrame, pd.DataFrame, reasons.CorpusFacts] | None,
    explanations_path: Path = outcomes_2024.EXPLANATIONS_2024_PATH,
) -> None:
    """Tidy the 31 March 2024 workbook and, with the extraction, reconcile its ILACS history.

    A missing or changed workbook is a note naming the file and the reason; the rest of the
    run goes on."""
    try:
        standing = outcomes_2024.read_standing(path)
        history = outcomes_2024.read_history(path)
        in_year = outcomes_2024.read_in_year(path)
    except (OfficialSheetError, UnmappedValue, UnresolvedCouncil) as exc:
        summary.notes.append(f"31 March 2024 workbook not used: {exc}")
        return
    write_csv(standing, processed / OFFICIAL_2024_STANDING)
    write_csv(history, processed / OFFICIAL_2024_ILACS)
    write_csv(in_year, processed / OFFICIAL_2024_IN_YEAR)
    if reports is None:
        return
    rep_i, rep_j, facts = reports
    recon = outcomes_2024.reconcile_ilacs(rep_i, rep_j, history, facts, explanations_path)
    write_csv(recon, processed / outcomes_2024.RECONCILIATION_2024)
    summary.status_counts_2024 = recon["status"].value_counts().sort_index().to_dict()
    summary.unexplained += [f"2024 workbook: {line}" for line in describe_unexplained(recon)]
    expl = explanations.load_explanations(explanations_path)
    summary.stale_explanations += [
        f"2024 workbook: {r.report_inspection_id} {r.area}"
        for r in explanations.unused(recon, expl).itertuples(index=False)
    ]


def run_official(
    processed: Path | None = None,
    ods_path: Path | None = None,
    reports_dir: Path | None = None,
    explanations_path: Path = explanations.EXPLANATIONS_PATH,
    outcomes_2024_path: Path | None = None,
) -> OfficialSummary:
    processed = processed or config.processed_dir()
    ods_path = ods_path or tidy.official_ods_path()
    reports_dir = reports_dir or config.reports_dir()
    official = tidy.build_official_judgements(ods_path, register_resolver)
    write_csv(official, processed / OFFICIAL_JUDGEMENTS, sort_by=tidy.SORT_KEY)
    summary = OfficialSummary(
        resolver="council register",
        official_judgements=len(official),
        official_inspections=len(tidy.official_inspections(official)),
        councils=official["la_code"].nunique(),
    )
    ins_path, jud_path = processed / "inspections.csv", processed / "judgements.csv"
    if not ins_path.exists() or not jud_path.exists():
        summary.notes.append(
            f"{ins_path.name} or {jud_path.name} missing in {processed}: wrote only "
            f"{OFFICIAL_JUDGEMENTS} and the 2024 workbook's tables "
            "(run `ofsted-record extract` first)"
        )
        run_outcomes_2024(processed, outcomes_2024_path, summary, None)
        return summary
    rep_i, rep_j = read_csv(ins_path), read_csv(jud_path)
    issues_path = processed / "extraction_issues.csv"
    issues = read_csv(issues_path) if issues_path.exists() else None

    recon, matches = matching.reconcile(rep_i, rep_j, official)
    table_areas = (
        official.assign(family=official["framework"].map(matching.family_of))
        .groupby("family")["area"]
        .apply(set)
        .to_dict()
    )
    facts = corpus_facts(reports_dir, rep_i, issues)
    recon = reasons.add_reasons(recon, facts, matching.TOLERANCE_DAYS, table_areas)
    expl = explanations.load_explanations(explanations_path)
    recon = explanations.attach(recon, expl, matching.TOLERANCE_DAYS)
    recon = recon.sort_values(matching.RECON_SORT, kind="mergesort", na_position="last")
    write_csv(recon, processed / RECONCILIATION)
    summary.reconciled = True
    summary.status_counts = recon["status"].value_counts().sort_index().to_dict()
    summary.unexplained = describe_unexplained(recon)
    summary.stale_explanations = [
        f"{r.report_inspection_id} {r.area}"
        for r in explanations.unused(recon, expl).itertuples(index=False)
    ]

    run_outcomes_2024(processed, outcomes_2024_path, summary, (rep_i, rep_j, facts))

    covered = record.covered_areas(matches, rep_i, rep_j)
    rel_ods = (
        ods_path.relative_to(config.shared_data_dir()).as_posix()
        if ods_path.is_relative_to(config.shared_data_dir())
        else ods_path.name
    )
    off_i, off_j = record.official_only(official, covered, rel_ods, sha256_file(ods_path))
    off_i["council"] = off_i["la_code"].map(council_names()).fillna(off_i["council"])
    ins, jud = record.complete_record(rep_i, rep_j, off_i, off_j)
    write_csv(ins, processed / RECORD_INSPECTIONS)
    write_csv(jud, processed / RECORD_JUDGEMENTS)
    summary.record_inspections, summary.record_judgements = len(ins), len(jud)
    return summary
