"""The local reports cache: same layout as the shared corpus.

``<cache>/<urn>_<council>/<report name>.pdf`` plus ``manifest.csv`` (path, provider_urn,
source_url, bytes, sha256, origin: ``seeded`` from a corpus or ``downloaded`` by a refresh).
Beside it the refresh keeps ``.duplicates.csv`` (URLs whose bytes equal a cached file, so they
are never stored twice or fetched again; hidden because the extractor reads every visible
file) and ``.superseded.csv`` (earlier versions of reports Ofsted corrected, kept as hidden
``.superseded/.<sha256>.pdf.old`` files so nothing received is lost and the extractor never
reads them). Every file is written via a temp file in the same folder and a rename; temp files
left by an interrupted run are removed on the next. Every path is checked to stay inside the
cache (``names.inside``) before anything is written there.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ofsted_record.refresh.client import PDF_MAGIC, TEMP_PREFIX, TEMP_SUFFIX, Issue
from ofsted_record.refresh.discover import url_key
from ofsted_record.refresh.names import UnsafePath, inside
from ofsted_record.tables import atomic_write_text, sha256_file

MANIFEST = "manifest.csv"
DUPLICATES = ".duplicates.csv"  # hidden: the extractor reads every visible file
SUPERSEDED = ".superseded.csv"
SUPERSEDED_DIR = ".superseded"
ISSUES = "refresh_issues.csv"
MANIFEST_COLUMNS = ("path", "provider_urn", "source_url", "bytes", "sha256", "origin")
DUPLICATE_COLUMNS = ("source_url", "provider_urn", "sha256", "duplicate_of")
SUPERSEDED_COLUMNS = (
    "path",
    "provider_urn",
    "source_url",
    "bytes",
    "sha256",
    "kept_as",
    "replaced_by_url",
    "replaced_by_sha256",
)
SEEDED, DOWNLOADED = "seeded", "downloaded"
ISSUE_COLUMNS = ("provider_urn", "url", "attempt", "outcome", "reason", "detail")


@dataclass(frozen=True)
class Entry:
    path: str  # relative, POSIX
    provider_urn: str
    source_url: str
    bytes: int
    sha256: str
    origin: str = SEEDED  # a manifest from before this column: treated as seeded (no event)


def _csv_text(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


class ReportCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: dict[str, Entry] = {}  # by path
        self.duplicates: dict[str, dict[str, str]] = {}  # by url key
        self.superseded: list[dict[str, str]] = []
        self.removed_temp: list[Path] = []
        root.mkdir(parents=True, exist_ok=True)
        self._load()

    # -- loading / saving -----------------------------------------------------------------
    def _load(self) -> None:
        for row in _read_csv(self.root / MANIFEST):
            entry = Entry(
                row["path"],
                row["provider_urn"],
                row["source_url"],
                int(row["bytes"]),
                row["sha256"],
                row.get("origin") or SEEDED,
            )
            self.entries[entry.path] = entry
        for row in _read_csv(self.root / DUPLICATES):
            self.duplicates[url_key(row["source_url"])] = row
        self.superseded = _read_csv(self.root / SUPERSEDED)

    def path_for(self, rel: str) -> Path:
        """Absolute path of a cache entry, refusing any that would leave the cache."""
        return inside(self.root, rel)

    def save(self) -> None:
        """Write the manifest (and duplicates) atomically, rows sorted by path.

        An empty cache gets no manifest: the extractor takes a folder with a manifest for the
        whole corpus, so an empty one would pass for a record with no reports.
        """
        rows = [
            (e.path, e.provider_urn, e.source_url, e.bytes, e.sha256, e.origin)
            for e in sorted(self.entries.values(), key=lambda e: e.path)
        ]
        if rows or (self.root / MANIFEST).exists():
            atomic_write_text(self.root / MANIFEST, _csv_text(MANIFEST_COLUMNS, rows))
        dup_rows = [
            tuple(r[c] for c in DUPLICATE_COLUMNS)
            for r in sorted(self.duplicates.values(), key=lambda r: r["source_url"])
        ]
        if dup_rows or (self.root / DUPLICATES).exists():
            atomic_write_text(self.root / DUPLICATES, _csv_text(DUPLICATE_COLUMNS, dup_rows))

    @staticmethod
    def write_issues(issues: Iterable[Issue], path: Path) -> Path:
        """What went wrong in this run (``refresh_issues.csv``), sorted, written atomically."""
        rows = sorted(
            {(i.provider_urn, i.url, i.attempt, i.outcome, i.reason, i.detail) for i in issues},
            key=lambda r: (r[0], r[1], r[2], r[3], r[4]),
        )
        atomic_write_text(path, _csv_text(ISSUE_COLUMNS, rows))
        return path

    # -- queries --------------------------------------------------------------------------
    def by_key(self) -> dict[str, Entry]:
        return {url_key(e.source_url): e for e in self.entries.values()}

    def by_sha(self) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        for e in sorted(self.entries.values(), key=lambda e: e.path):
            out.setdefault(e.sha256, e)
        return out

    def superseded_keys(self) -> set[str]:
        return {url_key(r["source_url"]) for r in self.superseded}

    def keep_aside(self, old: Entry, new_url: str, new_sha: str) -> None:
        """Keep the earlier version of a corrected report (hidden, never extracted) and record
        it in ``.superseded.csv``, before the new version takes its place."""
        kept = f"{SUPERSEDED_DIR}/.{old.sha256}.pdf.old"
        dest = self.root / kept
        if not dest.exists():
            _link_or_copy(self.path_for(old.path), dest)
        row = dict(
            zip(
                SUPERSEDED_COLUMNS,
                (
                    old.path,
                    old.provider_urn,
                    old.source_url,
                    str(old.bytes),
                    old.sha256,
                    kept,
                    new_url,
                    new_sha,
                ),
                strict=True,
            )
        )
        self.superseded = [r for r in self.superseded if r["sha256"] != old.sha256] + [row]
        ordered = sorted(self.superseded, key=lambda r: (r["path"], r["sha256"]))
        table = [[r[c] for c in SUPERSEDED_COLUMNS] for r in ordered]
        atomic_write_text(self.root / SUPERSEDED, _csv_text(SUPERSEDED_COLUMNS, table))

    def folder_for(self, urn: str) -> str | None:
        """The folder already used for this provider, if any (keeps names stable)."""
        folders = sorted(
            {PurePosixPath(e.path).parts[0] for e in self.entries.values() if e.provider_urn == urn}
        )
        if folders:
            return folders[0]
        existing = sorted(p.name for p in self.root.glob(f"{urn}_*") if p.is_dir())
        return existing[0] if existing else None

    # -- housekeeping ---------------------------------------------------------------------
    def remove_temp_files(self) -> list[Path]:
        """Delete temp files an interrupted run left (downloads and half-written tables)."""
        removed = []
        for path in sorted(self.root.rglob(".*")):
            name = path.name
            is_download = name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)
            is_table = name.endswith(".tmp")  # tables.atomic_write_* temp files
            if path.is_file() and (is_download or is_table):
                path.unlink()
                removed.append(path)
        self.removed_temp = removed
        return removed

    def check(self, verify: bool = False) -> list[Issue]:
        """Drop manifest rows whose file is missing or changed, so they are fetched again."""
        issues = []
        for path, entry in sorted(self.entries.items()):
            file = self.root / path
            reason = None
            if not file.is_file():
                reason, detail = "cache_missing", "file listed in manifest.csv is missing"
            elif file.stat().st_size != entry.bytes:
                reason = "cache_size_mismatch"
                detail = f"{file.stat().st_size} bytes on disk, manifest says {entry.bytes}"
            elif verify and sha256_file(file) != entry.sha256:
                reason, detail = "cache_checksum_mismatch", "sha256 differs from manifest.csv"
            if reason:
                del self.entries[path]
                issues.append(
                    Issue(entry.provider_urn, entry.source_url, 0, "cache_repaired", reason, detail)
                )
        return issues

    def reject(self, rel: str, src: Path) -> None:
        """Record a refused file in ``.rejected.csv`` with the extractor's own reason, so the
        extraction of this folder lists it as quarantined (nothing received goes unaccounted)."""
        from ofsted_record.extract.pipeline import REJECTED_COLUMNS, REJECTED_FILE, read_rejected
        from ofsted_record.extract.text import BadReportFile, sniff

        try:
            sniff(src)
            reason, detail = "not a PDF", "refused by the refresh cache"
        except BadReportFile as exc:
            reason, detail = exc.reason, exc.detail
        rows = {r["file"]: r for r in read_rejected(self.root)}
        rows[rel] = {
            "file": rel,
            "sha256": sha256_file(src),
            "bytes": str(src.stat().st_size),
            "reason": reason,
            "detail": detail,
        }
        ordered = [[rows[k][c] for c in REJECTED_COLUMNS] for k in sorted(rows)]
        atomic_write_text(self.root / REJECTED_FILE, _csv_text(REJECTED_COLUMNS, ordered))

    def add(self, entry: Entry) -> None:
        self.entries[entry.path] = entry

    def add_duplicate(self, url: str, urn: str, sha: str, duplicate_of: str) -> None:
        self.duplicates[url_key(url)] = {
            "source_url": url,
            "provider_urn": urn,
            "sha256": sha,
            "duplicate_of": duplicate_of,
        }

    # -- seeding --------------------------------------------------------------------------
    def seed_from(self, corpus: Path, urns: set[str] | None = None) -> tuple[int, list[Issue]]:
        """Fill the cache from a corpus folder with the same layout, without any network.

        Each file's sha256 is checked against the corpus manifest before it is linked (hard
        link when on the same file system, else copied via a temp file). Files that are not
        PDFs (the corpus keeps HTML error pages saved as .pdf on purpose) are left out and
        recorded, so a refresh asks Ofsted for them again. Returns (files added, issues).
        """
        manifest = corpus / MANIFEST
        if not manifest.exists():
            raise FileNotFoundError(f"{manifest}: no manifest.csv, not a reports corpus")
        added = 0
        issues: list[Issue] = []
        known_sha = self.by_sha()
        for row in _read_csv(manifest):
            urn = row["provider_urn"]
            if urns and urn not in urns:
                continue
            rel = row["path"]
            src = corpus / rel
            url = row["source_url"]
            if rel in self.entries and self.entries[rel].sha256 == row["sha256"]:
                continue
            if not src.is_file():
                issues.append(Issue(urn, url, 0, "seed_skipped", "seed_missing", f"{src} missing"))
                continue
            with src.open("rb") as handle:
                head = handle.read(len(PDF_MAGIC))
            if head != PDF_MAGIC:
                issues.append(
                    Issue(urn, url, 0, "seed_skipped", "not_pdf", f"{rel}: starts {head!r}")
                )
                self.reject(rel, src)
                continue
            actual = sha256_file(src)
            if actual != row["sha256"]:
                issues.append(
                    Issue(
                        urn, url, 0, "seed_skipped", "checksum_mismatch", f"{rel}: sha256 {actual}"
                    )
                )
                continue
            if actual in known_sha:
                self.add_duplicate(url, urn, actual, known_sha[actual].path)
                continue
            try:
                dest = self.path_for(rel)
            except UnsafePath as exc:
                issues.append(Issue(urn, url, 0, "seed_skipped", "unsafe_path", str(exc)))
                continue
            _link_or_copy(src, dest)
            entry = Entry(rel, urn, url, src.stat().st_size, actual, SEEDED)
            self.add(entry)
            known_sha[actual] = entry
            added += 1
        self.save()
        return added, issues


def _link_or_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f"{TEMP_PREFIX}seed{TEMP_SUFFIX}"
    tmp.unlink(missing_ok=True)
    try:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
