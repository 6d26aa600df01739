"""Build the full-text tables: every paragraph of every report, and one row per file.

``paragraphs.parquet`` (inspection_id, page, paragraph, text) and ``files.csv`` (one row per
file and manifest row, with the reason a file was skipped) go to ``data/processed/fulltext/``.
Which files are reports is decided by the same classification as ``extract``
(``extract/inputs.py``, sharing its parse cache), so the two stages account for every file in
the same way: only the reports ``extract`` parses get full text. Reports are read in a pool of
worker processes; output is sorted and written with fixed Parquet settings so a rebuild gives
byte-identical files.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ofsted_record import config
from ofsted_record.extract.ids import BadReportPath, file_date, urn_and_folder_name
from ofsted_record.extract.inputs import MISSING, PARSED, Classification, InputFile, classify
from ofsted_record.fulltext.pdftext import FileText, read_report
from ofsted_record.tables import atomic_write_bytes, write_csv

PARAGRAPHS_FILE = "paragraphs.parquet"
FILES_FILE = "files.csv"
ROW_GROUP_ROWS = 100_000
ZSTD_LEVEL = 9
SCHEMA = pa.schema(
    [
        ("inspection_id", pa.string()),
        ("page", pa.int32()),
        ("paragraph", pa.int32()),
        ("text", pa.string()),
    ]
)
FILES_COLUMNS = [
    "inspection_id",
    "file",
    "provider_urn",
    "source_url",
    "sha256",
    "council",
    "la_code",
    "published_date",
    "status",
    "reason",
    "pages",
    "paragraphs",
]
PROVIDER_LOOKUP = ("reference", "ofsted_provider_lookup_d2i.csv")


def output_dir() -> Path:
    return config.processed_dir() / "fulltext"


@dataclass(frozen=True)
class BuildSummary:
    files: int
    ok: int
    skipped: list[tuple[str, str]]  # (file, reason)
    pages: int
    paragraphs: int
    seconds: float
    out_dir: Path
    missing: int = 0  # manifest rows with no file on disk (also in ``skipped``)


def _read(job: tuple[str, str]) -> FileText:
    root, rel = job
    return read_report(Path(root) / rel, rel)


def extract_all(reports_dir: Path, rels: list[str], jobs: int = 2, progress: bool = True):
    """Read every file (largest first, so the pool ends together); results in path order."""
    root = str(reports_dir)

    def size(rel: str) -> int:
        path = reports_dir / rel
        return path.stat().st_size if path.exists() else 0

    ordered = sorted(rels, key=lambda r: (-size(r), r))
    work = [(root, rel) for rel in ordered]
    results: dict[str, FileText] = {}
    if jobs <= 1:
        iterator = map(_read, work)
        results = _collect(iterator, len(work), progress)
    else:
        # fork: workers need nothing but this module, and spawn would re-run the caller's
        # __main__ (which breaks under `python -` and notebooks).
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(jobs) as pool:
            results = _collect(pool.imap_unordered(_read, work, chunksize=2), len(work), progress)
    return [results[rel] for rel in sorted(results)]


def _collect(iterator, total: int, progress: bool) -> dict[str, FileText]:
    results: dict[str, FileText] = {}
    if not progress:
        for item in iterator:
            results[item.rel_path] = item
        return results
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Reading report text", total=total)
        for item in iterator:
            results[item.rel_path] = item
            bar.advance(task)
    return results


def paragraphs_table(texts: list[FileText], ids: dict[str, str]) -> pa.Table:
    records = [
        (ids[t.rel_path], page, para, text)
        for t in texts
        if t.rel_path in ids
        for page, para, text in t.rows
    ]
    records.sort(key=lambda r: (r[0], r[1], r[2]))
    columns = list(zip(*records, strict=True)) if records else [[], [], [], []]
    return pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(columns, SCHEMA, strict=True)],
        schema=SCHEMA,
    )


def parquet_bytes(table: pa.Table) -> bytes:
    """Parquet with fixed settings (zstd level, row-group size, no pandas metadata)."""
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        row_group_size=ROW_GROUP_ROWS,
        write_statistics=True,
        store_schema=False,
    )
    return buffer.getvalue()


def provider_lookup() -> dict[str, tuple[str, str]]:
    """Ofsted provider URN -> (DfE la_code, council name), from the data-to-insight lookup.

    Only a fallback for search results until the warehouse's ``inspections`` table exists.
    """
    path = config.shared_path(*PROVIDER_LOOKUP)
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["urn"]: (row["la_code"], row["local_authority_ons_name"])
            for row in csv.DictReader(handle)
        }


def _file_meta(rel: str, lookup: dict[str, tuple[str, str]]) -> dict[str, str | None]:
    try:
        urn, folder = urn_and_folder_name(rel)
        published = file_date(rel).isoformat()
    except BadReportPath:
        return {"council": None, "la_code": None, "published_date": None}
    la_code, name = lookup.get(str(urn), (None, None))
    return {"council": name or folder.title(), "la_code": la_code, "published_date": published}


def _skip_reason(item: InputFile) -> str:
    return f"{item.reason} ({item.detail})" if item.detail else item.reason


def files_frame(found: Classification, texts: list[FileText]) -> pd.DataFrame:
    """One row per classified file or manifest row: its text outcome, or why it has none."""
    lookup = provider_lookup()
    by_file = {t.rel_path: t for t in texts}
    rows = []
    for item in found.files:
        meta = found.manifest.get(item.file, {})
        text = by_file.get(item.file)
        if item.outcome == PARSED and text is not None:
            status, reason = text.status, text.reason
        else:
            status, reason = "skipped", _skip_reason(item)
        rows.append(
            {
                "inspection_id": item.inspection_id or None,
                "file": item.file,
                "provider_urn": meta.get("provider_urn") or item.urn,
                "source_url": meta.get("source_url"),
                "sha256": item.sha256 or None,
                **_file_meta(item.file, lookup),
                "status": status,
                "reason": reason or None,
                "pages": text.pages if text else 0,
                "paragraphs": len(text.rows) if text else 0,
            }
        )
    return pd.DataFrame(rows, columns=FILES_COLUMNS)


def default_cache_dir() -> Path:
    """The parse cache shared with ``extract`` (a warm cache makes classifying cheap)."""
    return config.project_root() / "data" / "cache" / "extract"


def build(
    reports_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    jobs: int = 2,
    progress: bool = True,
    cache_dir: Path | None = None,
) -> BuildSummary:
    """Extract every report's paragraphs and write ``paragraphs.parquet`` + ``files.csv``."""
    reports_dir = Path(reports_dir or config.reports_dir())
    out_dir = Path(out_dir or output_dir())
    if not reports_dir.is_dir():
        raise FileNotFoundError(f"{reports_dir}: reports folder not found")
    start = time.perf_counter()
    found = classify(reports_dir, cache_dir or default_cache_dir(), workers=jobs, progress=progress)
    reports = [f for f in found.files if f.outcome == PARSED]
    texts = extract_all(reports_dir, [f.file for f in reports], jobs=jobs, progress=progress)
    ids = {f.file: f.inspection_id for f in reports}
    table = paragraphs_table(texts, ids)
    atomic_write_bytes(out_dir / PARAGRAPHS_FILE, parquet_bytes(table))
    files = files_frame(found, texts)
    write_csv(files, out_dir / FILES_FILE, sort_by=["file"])
    seconds = time.perf_counter() - start
    skipped = [(r.file, r.reason) for r in files.itertuples() if r.status != "ok"]
    return BuildSummary(
        files=len(files),
        ok=int((files["status"] == "ok").sum()),
        skipped=skipped,
        pages=int(files["pages"].sum()),
        paragraphs=table.num_rows,
        seconds=seconds,
        out_dir=out_dir,
        missing=len(found.of(MISSING)),
    )
