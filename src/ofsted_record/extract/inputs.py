"""One classification of a reports folder, shared by ``extract`` and ``fulltext``.

Every file under the folder and every row of its ``manifest.csv`` ends in exactly one outcome:

- ``parsed``: a report of the folder's council, parsed into an inspection;
- ``quarantined``: with a plain reason (bad file name, a file that cannot be read, not a report,
  the wrong council, the same bytes as another report, published before the inspection ended...);
- ``missing``: listed in ``manifest.csv`` but not on disk.

Files are checked from the outside in, so one bad file never stops a run: the name (must be
UTF-8), the file type *before* opening it (a named pipe would block a reader for ever, a broken
link has nothing to read), reading it (its sha256 is computed from the bytes on every run: the
cache is keyed by that hash, never by path or modification time), the name pattern and the
provider URN, then the parse (cached by sha256) and the checks across reports.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ofsted_record.extract import ids
from ofsted_record.extract.parsers import ParsedReport, parse_report
from ofsted_record.extract.text import BadReportFile, ReportDocument
from ofsted_record.tables import atomic_write_text

# Bump when parsing changes so cached results are not reused.
PARSER_VERSION = "2026-12-01.1"  # dates: short month names, every dash form (issue 18 #19)
# Bump when the shape of a cached parse result changes (independent of the parser itself).
RESULT_FORMAT = "r2"
MANIFEST_FILE = "manifest.csv"
# Files a collector (``ofsted-record refresh``) refused to store in a reports folder, with the
# extractor's own reason: listed as quarantined so every file received is accounted for.
REJECTED_FILE = ".rejected.csv"
REJECTED_COLUMNS = ["file", "sha256", "bytes", "reason", "detail"]
# Lines of page 1 kept with a parse result: where the council's name is printed when the
# title does not carry it ("Halton Borough Council" above "Inspection of local authority ...").
PAGE1_LINES = 12

# Threads hashing files: the machine this runs on has 2 cores.
HASH_THREADS = 2

PARSED, QUARANTINED, MISSING = "parsed", "quarantined", "missing"
MISSING_REASON = "listed in manifest.csv but missing on disk"

_FILE_TYPES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass
class InputFile:
    """One file (or manifest row) of a reports folder and what became of it."""

    file: str  # relative POSIX path; bytes that are not UTF-8 shown as \\xNN
    outcome: str = PARSED
    reason: str = ""
    detail: str = ""
    sha256: str = ""
    bytes: int | None = None
    urn: int | None = None
    la_code: str = ""
    council: str = ""
    inspection_id: str = ""
    result: dict | None = None  # the parse result (see ``parse_file``)
    path: Path | None = field(default=None, repr=False)  # on disk, when readable

    def quarantine(self, reason: str, detail: str = "") -> None:
        self.outcome, self.reason, self.detail = QUARANTINED, reason, detail


@dataclass
class Classification:
    reports_dir: Path
    files: list[InputFile]  # every file on disk, every rejected and every missing row
    manifest: dict[str, dict[str, str]]
    from_cache: int = 0  # parse results served from the cache
    parsed_now: int = 0  # files read by the parser in this run

    def of(self, outcome: str) -> list[InputFile]:
        return [f for f in self.files if f.outcome == outcome]

    @property
    def parsed(self) -> list[InputFile]:
        return self.of(PARSED)


# ---- reading the folder ---------------------------------------------------------------------


class BadListing(ValueError):
    """``manifest.csv`` or ``.rejected.csv`` cannot be read; the message names the file."""


def _read_listing(path: Path, key: str) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadListing(f"{path}: cannot be read as a UTF-8 CSV ({exc})") from exc
    if rows and key not in rows[0]:
        raise BadListing(f"{path}: no {key!r} column (columns: {', '.join(rows[0])})")
    return rows


def read_manifest(reports_dir: Path) -> dict[str, dict[str, str]]:
    path = reports_dir / MANIFEST_FILE
    if not path.is_file():
        return {}
    return {row["path"]: row for row in _read_listing(path, "path")}


def read_rejected(reports_dir: Path) -> list[dict[str, str]]:
    path = reports_dir / REJECTED_FILE
    if not path.is_file():
        return []
    return _read_listing(path, "file")


def printable(rel: str) -> str:
    """The path as text that can be written anywhere: undecodable bytes become ``\\xNN``."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _is_utf8(rel: str) -> bool:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:  # os.walk gives undecodable bytes as lone surrogates
        return False
    return True


def _walk(reports_dir: Path) -> Iterator[tuple[str, os.DirEntry | None, OSError | None]]:
    """(relative path, entry, error) of everything below the folder, without following links;
    a sub-folder that cannot be listed comes back as (path, None, error)."""
    stack = [""]
    while stack:
        prefix = stack.pop()
        try:
            listing = list(os.scandir(reports_dir / prefix if prefix else reports_dir))
        except OSError as exc:
            if not prefix:
                raise  # the reports folder itself: nothing can be accounted for
            yield prefix, None, exc
            continue
        for entry in listing:
            rel = f"{prefix}/{entry.name}" if prefix else entry.name
            if not prefix and entry.name.startswith("."):
                continue  # a collector's bookkeeping (hidden tables, temp files)
            if entry.is_dir(follow_symlinks=False):
                stack.append(rel)
                if entry.name.lower().endswith(".pdf"):
                    yield rel, entry, None  # a folder named like a report: account for it
            else:
                yield rel, entry, None


def _bookkeeping(rel: str) -> bool:
    """The manifest at the top of the folder is not a report."""
    return rel == MANIFEST_FILE


def open_file(path: Path) -> BinaryIO:
    """Open a report for reading (one place, so tests can make it fail as a real reader would)."""
    return path.open("rb")


def _hash(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open_file(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def inventory(reports_dir: Path) -> list[InputFile]:
    """Every entry below ``reports_dir``: readable files hashed, the others quarantined."""
    out: list[InputFile] = []
    for rel, entry, error in _walk(reports_dir):
        if _bookkeeping(rel):
            continue
        item = InputFile(printable(rel))
        out.append(item)
        if error is not None:
            item.quarantine("cannot read the folder", error.strerror or type(error).__name__)
        elif not _is_utf8(rel):
            item.quarantine("file name is not valid UTF-8", f"name bytes: {item.file}")
        else:
            try:
                _check_file(item, reports_dir / rel, entry)
            except OSError as exc:  # e.g. removed while the run was going
                item.quarantine("cannot read the file", exc.strerror or type(exc).__name__)
    _hash_all(out)
    return sorted(out, key=lambda f: f.file)


def _check_file(item: InputFile, path: Path, entry: os.DirEntry) -> None:
    if entry.is_symlink():
        try:
            info = path.stat()
        except OSError as exc:
            item.quarantine("broken link", f"points to {os.readlink(path)} ({exc.strerror})")
            return
    else:
        info = entry.stat(follow_symlinks=False)
    kind = next((label for test, label in _FILE_TYPES if test(info.st_mode)), None)
    if kind is not None or not stat.S_ISREG(info.st_mode):
        item.quarantine("not a regular file", kind or f"file mode {info.st_mode:o}")
        return
    if any(part.startswith(".") for part in item.file.split("/")):
        item.quarantine("hidden file", "its name starts with a dot")
    item.path = path  # hashed next (see ``_hash_all``)


def _hash_all(items: list[InputFile]) -> None:
    """sha256 of every regular file, in threads (hashlib releases the GIL on large reads)."""
    todo = [item for item in items if item.path is not None]

    def one(item: InputFile) -> tuple[str, int] | OSError:
        try:
            return _hash(item.path)
        except OSError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        for item, got in zip(todo, pool.map(one, todo), strict=True):
            if isinstance(got, OSError):
                item.path = None
                item.quarantine("cannot read the file", got.strerror or type(got).__name__)
            else:
                item.sha256, item.bytes = got


# ---- parsing (cached by sha256) ---------------------------------------------------------------


def parse_file(path: Path) -> dict:
    """Parse one file; never raises for a bad report (returns an issue record instead)."""
    try:
        with ReportDocument(path) as doc:
            report = parse_report(doc)
            pages = doc.page_count
            head = doc.page(1).split("\n")[:PAGE1_LINES]
        return {"ok": True, "report": _report_to_json(report), "pages": pages, "page1": head}
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


class ParseCache:
    """Parse results by (file sha256, parser version); the hash always comes from the bytes."""

    def __init__(self, folder: Path) -> None:
        self.results_dir = folder / "results"

    def result_path(self, sha: str) -> Path:
        return self.results_dir / f"{sha}-{PARSER_VERSION}-{RESULT_FORMAT}.json"

    def get(self, sha: str) -> dict | None:
        try:
            return json.loads(self.result_path(sha).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, sha: str, result: dict) -> None:
        atomic_write_text(self.result_path(sha), json.dumps(result, sort_keys=True))


def parse_all(
    items: list[InputFile],
    cache: ParseCache,
    *,
    workers: int | None = None,
    progress: bool = False,
) -> int:
    """Attach a parse result to every item (from the cache when its sha256 was seen); returns
    how many came from the cache."""
    todo: list[InputFile] = []
    for item in items:
        item.result = cache.get(item.sha256)
        if item.result is None:
            todo.append(item)
    if todo:
        workers = workers or min(2, os.cpu_count() or 1)
        paths = [item.path for item in todo]
        if workers > 1 and len(todo) > 4:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = list(
                    _progress(pool.map(parse_file, paths, chunksize=4), len(todo), progress)
                )
        else:
            results = list(_progress(map(parse_file, paths), len(todo), progress))
        for item, result in zip(todo, results, strict=True):
            item.result = result
            cache.put(item.sha256, result)
    return len(items) - len(todo)


def _progress(iterator: Iterable, total: int, enabled: bool) -> Iterator:
    if not enabled:
        yield from iterator
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Reading reports", total=total)
        for item in iterator:
            bar.advance(task)
            yield item


# ---- checks across the folder ---------------------------------------------------------------


def _register():
    from ofsted_record.register.resolve import default_register

    return default_register()


def _check_name_and_council(item: InputFile, register, names: dict[str, str]) -> None:
    from ofsted_record.register import UnresolvedCouncil

    try:
        ids.base_id(item.file)
        item.urn, _ = ids.urn_and_folder_name(item.file)
    except ids.BadReportPath:
        item.quarantine(
            "file name not recognised",
            "expected '<provider URN>_<council>/<title> - <day month year>.pdf'",
        )
        return
    try:
        item.la_code = register.la_code_for_urn(item.urn)
    except UnresolvedCouncil as exc:
        item.quarantine("council not recognised", str(exc))
        return
    item.council = names.get(item.la_code, "")


def printed_council(report: dict, page1: list[str], register) -> tuple[str, str | None]:
    """(name, la_code) of the council the report names: its printed council when that resolves,
    else the first of page 1's top lines that does (some titles print only 'local authority')."""
    from ofsted_record.register import UnresolvedCouncil

    day = report.get("end_date") or report.get("published_date")
    on = date.fromisoformat(day) if day else None
    for name in (report.get("council_printed") or "", *page1):
        if not name.strip():
            continue
        try:
            return name, register.resolve_name(name, on)
        except UnresolvedCouncil:
            continue
    return report.get("council_printed") or "", None


def _is_truncation(name: str, la_code: str, register) -> bool:
    """A name cut at a line end ('London Borough of Barking and') that begins a name of the council."""
    from ofsted_record.register.normalise import core_key

    key = core_key(name)
    return len(key) >= 4 and any(
        alias.startswith(key) and any(e.la_code == la_code for e in entries)
        for alias, entries in register.names.items()
    )


def _check_report(item: InputFile, register) -> None:
    result = item.result or {}
    if not result.get("ok"):
        item.quarantine(result.get("reason", "parser error"), result.get("detail", ""))
        return
    report = result["report"]
    name, code = printed_council(report, result.get("page1", []), register)
    label = register.labels.get(item.la_code, item.la_code)
    folder = item.file.split("/", 1)[0]
    if code is None and not _is_truncation(name, item.la_code, register):
        item.quarantine(
            "council printed in the report not recognised",
            f"page 1 names {name!r}; the folder {folder} is {label}",
        )
        return
    if code is not None and code != item.la_code:
        item.quarantine(
            "report of another council",
            f"page 1 names {name!r} ({register.labels.get(code, code)}); "
            f"the folder {folder} is {label}",
        )
        return
    published = report["published_date"] or ids.file_date(item.file).isoformat()
    if report["end_date"] and published < report["end_date"]:
        item.quarantine(
            "published before the inspection ended",
            f"published {published}, inspection ended {report['end_date']}",
        )


def _check_duplicates(items: list[InputFile], manifest: dict[str, dict[str, str]]) -> None:
    """The same bytes are one inspection: keep the file the manifest lists with that sha256
    (else the first by name) and quarantine every other copy."""
    by_sha: dict[str, list[InputFile]] = {}
    for item in items:
        if item.outcome == PARSED:
            by_sha.setdefault(item.sha256, []).append(item)
    for copies in by_sha.values():
        if len(copies) < 2:
            continue
        copies.sort(key=lambda f: (manifest.get(f.file, {}).get("sha256") != f.sha256, f.file))
        for copy in copies[1:]:
            copy.quarantine(
                "same file as another report", f"identical bytes (sha256) to {copies[0].file}"
            )


def classify(
    reports_dir: Path,
    cache_dir: Path,
    *,
    workers: int | None = None,
    progress: bool = False,
    register_loader: Callable[[], object] = _register,
) -> Classification:
    """Classify every file and manifest row of ``reports_dir`` (see the module docstring)."""
    if not reports_dir.is_dir():
        raise FileNotFoundError(f"reports folder not found: {reports_dir}")
    manifest = read_manifest(reports_dir)
    files = inventory(reports_dir)
    register = register_loader()
    names = register.councils.set_index("la_code")["name"].to_dict()
    for item in files:
        if item.outcome == PARSED:
            _check_name_and_council(item, register, names)
    readable = [f for f in files if f.outcome == PARSED]
    from_cache = parse_all(readable, ParseCache(cache_dir), workers=workers, progress=progress)
    for item in readable:
        _check_report(item, register)
    _check_duplicates(files, manifest)
    accepted = {f.file: f for f in files if f.outcome == PARSED}
    # ids over accepted reports only: a broken or duplicate file never takes a report's id
    for rel, inspection_id in ids.assign_ids(list(accepted)).items():
        accepted[rel].inspection_id = inspection_id

    present = {f.file for f in files}
    for row in read_rejected(reports_dir):
        if row["file"] not in present:  # else it has since arrived and was classified above
            files.append(
                InputFile(
                    row["file"],
                    QUARANTINED,
                    row["reason"],
                    row["detail"],
                    row["sha256"],
                    int(row["bytes"]),
                )
            )
            present.add(row["file"])
    for rel, row in manifest.items():
        if rel not in present:
            files.append(InputFile(rel, MISSING, MISSING_REASON, "", row.get("sha256", ""), None))
    files.sort(key=lambda f: f.file)
    return Classification(reports_dir, files, manifest, from_cache, len(readable) - from_cache)
