"""Run the extractor over a folder of reports: every file parsed or quarantined, nothing lost.

Parse results are cached by file sha256 (plus the parser version) in ``data/cache/extract``, so a
rerun with no changed files only hashes files it has not seen at the same size and mtime.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ofsted_record import config
from ofsted_record.extract import ids
from ofsted_record.extract.parsers import ParsedReport, parse_report
from ofsted_record.extract.text import BadReportFile, ReportDocument
from ofsted_record.tables import atomic_write_text, sha256_file, write_csv

# Bump when parsing changes so cached results are not reused.
PARSER_VERSION = "2026-11-23.6"

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
# Files a collector (``ofsted-record refresh``) refused to store in a reports folder, with the
# extractor's own reason: listed as quarantined so every file received is accounted for.
REJECTED_FILE = ".rejected.csv"
REJECTED_COLUMNS = ["file", "sha256", "bytes", "reason", "detail"]
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


@dataclass
class RunSummary:
    parsed: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    from_cache: int = 0

    @property
    def total(self) -> int:
        return len(self.parsed) + len(self.quarantined)


def list_inputs(reports_dir: Path) -> list[str]:
    """Every file under the reports folder (relative POSIX paths), except the manifest."""
    files = []
    for root, _dirs, names in os.walk(reports_dir):
        for name in names:
            rel = Path(root, name).relative_to(reports_dir).as_posix()
            if rel != "manifest.csv" and not name.startswith("."):
                files.append(rel)
    return sorted(files)


def read_manifest(reports_dir: Path) -> dict[str, dict[str, str]]:
    path = reports_dir / "manifest.csv"
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle)}


def read_rejected(reports_dir: Path) -> list[dict[str, str]]:
    path = reports_dir / REJECTED_FILE
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def parse_file(path: Path) -> dict:
    """Parse one file; never raises for a bad report (returns an issue record instead)."""
    try:
        with ReportDocument(path) as doc:
            report = parse_report(doc)
            pages = doc.page_count
        return {"ok": True, "report": _report_to_json(report), "pages": pages}
    except BadReportFile as exc:
        return {"ok": False, "reason": exc.reason, "detail": exc.detail}
    except Exception as exc:  # a parser bug must not stop the run: record it
        return {"ok": False, "reason": "parser error", "detail": f"{type(exc).__name__}: {exc}"}


def _report_to_json(report: ParsedReport) -> dict:
    data = asdict(report)
    for key in ("start_date", "end_date", "published_date"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, date) else value
    return data


class _Cache:
    """sha256 by (path, size, mtime) and parse results by (sha256, parser version)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / "index.json"
        self.results_dir = folder / "results"
        try:
            self.index: dict[str, list] = json.loads(self.index_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            self.index = {}

    def sha(self, reports_dir: Path, rel: str) -> tuple[str, int]:
        path = reports_dir / rel
        stat = path.stat()
        key = str(path.resolve())
        hit = self.index.get(key)
        if hit and hit[0] == stat.st_size and hit[1] == stat.st_mtime_ns:
            return hit[2], stat.st_size
        digest = sha256_file(path)
        self.index[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest, stat.st_size

    def result_path(self, sha: str) -> Path:
        return self.results_dir / f"{sha}-{PARSER_VERSION}.json"

    def get(self, sha: str) -> dict | None:
        try:
            return json.loads(self.result_path(sha).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, sha: str, result: dict) -> None:
        atomic_write_text(self.result_path(sha), json.dumps(result, sort_keys=True))

    def save(self) -> None:
        atomic_write_text(self.index_path, json.dumps(self.index, sort_keys=True))


def _resolver():
    """la_code and name for a provider URN, from the council register."""
    from ofsted_record.register import UnresolvedCouncil, la_code_for_urn, load_councils

    names = load_councils().set_index("la_code")["name"].to_dict()

    def resolve(urn: int) -> tuple[str, str]:
        try:
            code = la_code_for_urn(urn)
        except UnresolvedCouncil as exc:
            raise BadReportFile("council not recognised", str(exc)) from exc
        return code, names.get(code, "")

    return resolve


def run_extraction(
    reports_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    strict: bool = False,
    progress: bool = True,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> RunSummary:
    """Extract every report under ``reports_dir`` into tidy tables in ``out_dir``."""
    reports_dir = Path(reports_dir or config.reports_dir())
    out_dir = Path(out_dir or config.processed_dir())
    if not reports_dir.is_dir():
        raise FileNotFoundError(f"reports folder not found: {reports_dir}")
    cache = _Cache(Path(cache_dir or config.project_root() / "data" / "cache" / "extract"))
    manifest = read_manifest(reports_dir)
    files = list_inputs(reports_dir)
    resolve = _resolver()

    # 1. hash everything (cheap when the index is warm), find what needs parsing
    shas: dict[str, tuple[str, int]] = {rel: cache.sha(reports_dir, rel) for rel in files}
    results: dict[str, dict] = {}
    todo: list[str] = []
    for rel in files:
        cached = cache.get(shas[rel][0])
        if cached is not None:
            results[rel] = cached
        else:
            todo.append(rel)
    summary = RunSummary(from_cache=len(results))

    # 2. parse what is new, in parallel, with a progress bar
    if todo:
        workers = workers or min(2, os.cpu_count() or 1)
        paths = [reports_dir / rel for rel in todo]
        if workers > 1 and len(todo) > 4:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                iterator = pool.map(parse_file, paths, chunksize=4)
                parsed = list(_progress(iterator, len(todo), progress))
        else:
            parsed = list(_progress(map(parse_file, paths), len(todo), progress))
        for rel, result in zip(todo, parsed, strict=True):
            results[rel] = result
            cache.put(shas[rel][0], result)
    cache.save()

    # 3. assemble tables: every input is an inspection row or an issue row
    inspections, judgements, issues = [], [], []
    valid_names = [rel for rel in files if _named_like_report(rel)]
    id_map = ids.assign_ids(valid_names)
    for rel in files:
        sha, size = shas[rel]
        result = results[rel]
        try:
            if rel not in id_map:
                raise BadReportFile(
                    "file name not recognised",
                    "expected '<provider URN>_<council>/<title> - <day month year>.pdf'",
                )
            if not result["ok"]:
                raise BadReportFile(result["reason"], result["detail"])
            urn, _folder_name = ids.urn_and_folder_name(rel)
            la_code, council = resolve(urn)
        except BadReportFile as exc:
            issues.append(
                {
                    "file": rel,
                    "sha256": sha,
                    "bytes": size,
                    "outcome": "quarantined",
                    "reason": exc.reason,
                    "detail": exc.detail,
                }
            )
            summary.quarantined.append(rel)
            summary.counts[f"quarantined: {exc.reason}"] += 1
            continue
        report = result["report"]
        inspection_id = id_map[rel]
        published = report["published_date"] or ids.file_date(rel).isoformat()
        inspections.append(
            {
                "inspection_id": inspection_id,
                "source": "report",
                "urn": urn,
                "la_code": la_code,
                "council": council,
                "council_printed": report["council_printed"],
                "framework": report["framework"],
                "framework_rule": report["framework_rule"],
                "start_date": report["start_date"],
                "end_date": report["end_date"],
                "published_date": published,
                "published_date_source": report["published_date_source"],
                "lead_inspector": report["lead_inspector"],
                "source_url": manifest.get(rel, {}).get("source_url", ""),
                "file": rel,
                "sha256": sha,
                "pages": result["pages"],
            }
        )
        for judgement in report["judgements"]:
            judgements.append({"inspection_id": inspection_id, **judgement})
        summary.parsed.append(rel)
        summary.counts[f"parsed: {report['framework']}"] += 1
        if rel not in manifest:
            summary.counts["note: not in manifest.csv (no source URL)"] += 1

    present = set(files)
    for row in read_rejected(reports_dir):
        if row["file"] in present:
            continue  # the file has since arrived: it was parsed or quarantined above
        issues.append(
            {
                "file": row["file"],
                "sha256": row["sha256"],
                "bytes": int(row["bytes"]),
                "outcome": "quarantined",
                "reason": row["reason"],
                "detail": row["detail"],
            }
        )
        summary.quarantined.append(row["file"])
        summary.counts[f"quarantined: {row['reason']}"] += 1

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
    if strict and summary.quarantined:
        summary.counts["strict: failed"] = 1
    return summary


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


def _named_like_report(rel: str) -> bool:
    try:
        ids.base_id(rel)
        return True
    except ids.BadReportPath:
        return False


def _progress(iterator, total: int, enabled: bool):
    if not enabled:
        yield from iterator
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Extracting reports", total=total)
        for item in iterator:
            bar.advance(task)
            yield item
