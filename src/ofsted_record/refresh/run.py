"""One refresh: discover → download → (extract) → changelog.

Order matters for "lose nothing": a report is renamed into place only after it is verified,
and the manifest is rewritten (atomically) after every new file, so an interrupted run loses
at most the file in flight; temp files it left are removed at the start of the next run.
What a run reports is derived from the cache, not from what the run remembers: every
downloaded report the changelog has not logged yet gets its event (also one an interrupted run
stored), and the extractor runs whenever the record does not account for every cached report.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_record.extract.ids import BadReportPath, file_date
from ofsted_record.refresh import changelog
from ofsted_record.refresh.cache import DOWNLOADED, ISSUES, Entry, ReportCache
from ofsted_record.refresh.client import Downloaded, FetchError, Issue, OfstedClient, Settings
from ofsted_record.refresh.discover import (
    PublishedReport,
    clean_provider_name,
    parse_provider_page,
    url_key,
)
from ofsted_record.refresh.names import UnsafePath, safe_folder
from ofsted_record.refresh.providers import Provider

Extractor = Callable[[Path, Path], object]
GIVE_UP_AFTER = 3  # provider pages failing in a row, before any success, = no network
FINAL = ("failed", "rejected", "aborted")  # issue outcomes that leave the refresh incomplete


@dataclass
class RefreshResult:
    downloaded: list[str] = field(default_factory=list)  # cache paths of new files
    events: list[changelog.Event] = field(default_factory=list)  # enriched, this batch
    issues: list[Issue] = field(default_factory=list)
    seeded: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    requests: int = 0
    extracted: bool = False
    extract_failed: bool = False  # the extractor refused (e.g. the record would shrink)
    aborted: bool = False  # the site never answered: stopped early instead of retrying on
    extract_note: str = ""
    changelog_path: Path | None = None
    issues_path: Path | None = None
    seconds: float = 0.0

    @property
    def lines(self) -> list[str]:
        return [e.summary for e in self.events]

    @property
    def failures(self) -> list[Issue]:
        """What this run could not do (pages, downloads, councils), one issue each."""
        return [i for i in self.issues if i.outcome in FINAL]


def default_extractor(progress: bool = False) -> Extractor | None:
    try:
        from ofsted_record.extract.pipeline import run_extraction
    except ImportError:
        return None

    def extract(reports_dir: Path, out_dir: Path) -> object:
        return run_extraction(reports_dir, out_dir, strict=False, progress=progress)

    return extract


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _report_count(out_dir: Path) -> int:
    rows = _read_rows(out_dir / "inspections.csv")
    return sum(1 for r in rows if r.get("source", "report") == "report")


def record_is_current(cache: ReportCache, out_dir: Path) -> bool:
    """Does the record (inspections.csv, extraction_issues.csv) account for every cached
    report with its current bytes? If not, something reached the cache the record lacks."""
    if not (out_dir / "inspections.csv").exists():
        return False
    accounted = {
        (r.get("file", ""), r.get("sha256", ""))
        for name in ("inspections.csv", "extraction_issues.csv")
        for r in _read_rows(out_dir / name)
    }
    return all((e.path, e.sha256) in accounted for e in cache.entries.values())


def unlogged_events(
    cache: ReportCache, history: list[changelog.Event], event: Callable[..., changelog.Event]
) -> list[changelog.Event]:
    """An event for every downloaded report whose (file id, bytes) the changelog lacks.

    ``corrected`` when it replaced an earlier version (``.superseded.csv``), else
    ``published``. Seeded reports are the starting record, not news.
    """
    logged = {
        (url_key(e.source_url), e.sha256) for e in history if e.event in ("published", "corrected")
    }
    corrections = {r["replaced_by_sha256"] for r in cache.superseded}
    out = []
    for entry in sorted(cache.entries.values(), key=lambda e: e.path):
        if entry.origin != DOWNLOADED or (url_key(entry.source_url), entry.sha256) in logged:
            continue
        kind = "corrected" if entry.sha256 in corrections else "published"
        out.append(event(kind, entry, report_date(entry.path)))
    return out


def refresh(
    *,
    cache_dir: Path,
    out_dir: Path,
    providers: Sequence[Provider],
    settings: Settings | None = None,
    offline: bool = False,
    seed_from: Path | None = None,
    seed_all: bool = False,
    verify: bool = False,
    extract: Extractor | None | bool = True,
    force_extract: bool = False,
    progress: bool = False,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> RefreshResult:
    """Bring the cache up to date with Ofsted (or only check it, offline); see docs/refresh.md.

    ``seed_all`` seeds every report of ``seed_from`` (the command line always does, so the
    cache is never a partial copy of the corpus), else only those of ``providers``.
    ``clock``/``sleep`` replace the client's time source (tests).
    """
    started = time.monotonic()
    settings = settings or Settings()
    result = RefreshResult()
    cache = ReportCache(cache_dir)
    cache.remove_temp_files()
    result.issues.extend(cache.check(verify=verify))
    urns = {p.urn for p in providers}
    if seed_from is not None:
        result.seeded, seed_issues = cache.seed_from(seed_from, None if seed_all else urns or None)
        result.issues.extend(seed_issues)
    names = {p.urn: p for p in providers}
    history = changelog.load(out_dir)
    last = changelog.last_event_by_key(history)
    events: list[changelog.Event] = []

    def event(kind: str, entry: Entry, published: str) -> changelog.Event:
        p = names.get(entry.provider_urn)
        return changelog.Event(
            kind,
            entry.provider_urn,
            p.la_code if p else "",
            p.name if p else "",
            published,
            entry.path,
            entry.source_url,
            entry.sha256,
        )

    if not offline:
        timing: dict = {k: v for k, v in (("clock", clock), ("sleep", sleep)) if v is not None}
        client = OfstedClient(settings, **timing)
        try:
            _fetch_all(client, cache, providers, last, events, result, event, progress, verify)
        finally:
            client.close()
            result.requests = client.requests
            result.issues.extend(client.issues)
    cache.save()
    result.issues_path = cache.write_issues(result.issues, out_dir / ISSUES)
    events = unlogged_events(cache, history, event) + events

    # extraction: whenever the record does not account for every cached report (or forced)
    extractor: Extractor | None
    extractor = default_extractor(progress) if extract is True else (extract or None)
    if extract is False:
        result.extract_note = "extraction skipped (--no-extract)"
    elif extractor is None:
        result.extract_note = "extractor not available: run `ofsted-record extract` later"
    elif not force_extract and record_is_current(cache, out_dir):
        result.extract_note = "nothing new: extraction outputs are current"
    elif len(cache.entries) < _report_count(out_dir):
        result.extract_note = (
            f"extraction skipped: the cache has {len(cache.entries)} reports but "
            f"{out_dir / 'inspections.csv'} already has {_report_count(out_dir)}; seed the "
            "cache (--seed-from) or refresh every council first"
        )
    else:
        try:
            extractor(cache.root, out_dir)
        except RuntimeError as error:  # e.g. RecordWouldShrink: nothing was written
            result.extract_note = f"extraction stopped: {error}"
            result.extract_failed = True
        else:
            result.extracted = True
    result.events, result.changelog_path = changelog.update(out_dir, events)
    result.seconds = time.monotonic() - started
    return result


def _fetch_all(
    client: OfstedClient,
    cache: ReportCache,
    providers: Sequence[Provider],
    last: dict[str, str],
    events: list[changelog.Event],
    result: RefreshResult,
    event: Callable[[str, Entry, str], changelog.Event],
    progress: bool,
    verify: bool,
) -> None:
    from rich.progress import Progress

    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("Ofsted provider pages", total=len(providers))
        for provider in providers:
            if result.pages_fetched == 0 and result.pages_failed >= GIVE_UP_AFTER:
                result.aborted = True
                result.issues.append(
                    Issue(
                        "",
                        client.settings.base_url,
                        0,
                        "aborted",
                        "site_unreachable",
                        f"the first {GIVE_UP_AFTER} provider pages all failed; "
                        "stopped (use --offline without network)",
                    )
                )
                break
            bar.update(task, description=f"{provider.name or provider.urn}")
            try:
                _refresh_provider(client, cache, provider, last, events, result, event, verify)
            except Exception as exc:  # one bad council must not stop the others: record it
                result.issues.append(
                    Issue(
                        provider.urn,
                        client.provider_url(provider.urn),
                        0,
                        "failed",
                        "council_error",
                        f"{type(exc).__name__}: {exc}",
                    )
                )
            bar.advance(task)


def _refresh_provider(
    client: OfstedClient,
    cache: ReportCache,
    provider: Provider,
    last: dict[str, str],
    events: list[changelog.Event],
    result: RefreshResult,
    event: Callable[[str, Entry, str], changelog.Event],
    verify: bool,
) -> None:
    urn = provider.urn
    try:
        html = client.get_page(urn)
    except FetchError:
        result.pages_failed += 1  # recorded by the client; nothing is marked withdrawn
        return
    result.pages_fetched += 1
    page = parse_provider_page(html, client.provider_url(urn))
    cached = [e for e in cache.entries.values() if e.provider_urn == urn]
    if page.links == 0 and cached:
        result.issues.append(
            Issue(
                urn,
                client.provider_url(urn),
                0,
                "skipped",
                "no_publications_on_page",
                "no publication links found (layout changed?); withdrawal check skipped",
            )
        )
        return
    folder = cache.folder_for(urn) or safe_folder(
        urn, clean_provider_name(page.name) if page.name else "", provider.name.lower()
    )
    listed: set[str] = set()
    for report in page.reports:
        listed.add(report.key)
        try:
            _one_report(client, cache, urn, folder, report, last, events, result, event, verify)
        except (OSError, UnsafePath) as exc:  # this report only; the others go on
            result.issues.append(
                Issue(urn, report.url, 0, "failed", "store_error", f"{type(exc).__name__}: {exc}")
            )
    # withdrawn: cached for this provider, no longer listed (under any URL with the same bytes)
    known = cache.by_key()
    listed_sha = {known[k].sha256 for k in listed if k in known}
    listed_sha |= {cache.duplicates[k]["sha256"] for k in listed if k in cache.duplicates}
    current = [e for e in cache.entries.values() if e.provider_urn == urn]
    for entry in sorted(current, key=lambda e: e.path):
        key = url_key(entry.source_url)
        if key in listed or entry.sha256 in listed_sha:
            continue
        if last.get(key) != "withdrawn":
            events.append(event("withdrawn", entry, report_date(entry.path)))


def _one_report(
    client: OfstedClient,
    cache: ReportCache,
    urn: str,
    folder: str,
    report: PublishedReport,
    last: dict[str, str],
    events: list[changelog.Event],
    result: RefreshResult,
    event: Callable[[str, Entry, str], changelog.Event],
    verify: bool,
) -> None:
    """Fetch one listed report if it is new (or, with ``verify``, to compare its bytes)."""
    url = client.file_url(report.file_id) if report.file_id else report.url
    known = cache.by_key().get(report.key)
    if known is not None:
        if last.get(report.key) == "withdrawn":
            events.append(event("reinstated", known, _iso(report, known)))
        if not verify:
            return
        try:
            got = client.download(urn, url, cache.path_for(known.path).parent)
        except FetchError:
            return  # recorded by the client
        if got.sha256 == known.sha256:
            got.tmp_path.unlink(missing_ok=True)
            return
        # Ofsted changed the file behind the same id: the new version replaces the old
        _replace(cache, known, got, report.canonical_url)
        result.downloaded.append(known.path)
        return
    duplicate = cache.duplicates.get(report.key)
    if duplicate is not None and not verify:
        return
    if duplicate is None and report.key in cache.superseded_keys():
        return  # an earlier version Ofsted still lists: kept aside, never fetched again
    try:
        got = client.download(urn, url, cache.path_for(f"{folder}/{report.filename}").parent)
    except FetchError:
        return  # recorded by the client; tried again next run
    if duplicate is not None:
        if got.sha256 == duplicate["sha256"]:
            got.tmp_path.unlink(missing_ok=True)
            return
        del cache.duplicates[report.key]  # no longer the same bytes: a report of its own
    same = cache.by_sha().get(got.sha256)
    if same is not None:
        got.tmp_path.unlink(missing_ok=True)
        cache.add_duplicate(report.canonical_url, urn, got.sha256, same.path)
        result.issues.append(
            Issue(urn, url, 0, "duplicate", "same_sha256", f"identical to {same.path}")
        )
        cache.save()
        return
    rel = f"{folder}/{report.filename}"
    existing = cache.entries.get(rel)
    if existing is not None:
        # same council, title and date under a new file id: Ofsted's corrected report
        # replaces the one it corrects (one inspection, logged as corrected)
        _replace(cache, existing, got, report.canonical_url)
    else:
        os.replace(got.tmp_path, cache.path_for(rel))
        cache.add(Entry(rel, urn, report.canonical_url, got.bytes, got.sha256, DOWNLOADED))
        cache.save()  # after every file: an interruption loses at most the one in flight
    result.downloaded.append(rel)


def _replace(cache: ReportCache, old: Entry, got: Downloaded, new_url: str) -> None:
    """Put a new version in the place of ``old``; the old bytes are kept aside first."""
    cache.keep_aside(old, new_url, got.sha256)
    os.replace(got.tmp_path, cache.path_for(old.path))
    cache.add(Entry(old.path, old.provider_urn, new_url, got.bytes, got.sha256, DOWNLOADED))
    cache.save()


def _iso(report: PublishedReport, entry: Entry) -> str:
    if report.published is not None:
        return report.published.isoformat()
    return report_date(entry.path)


def report_date(rel_path: str) -> str:
    """ISO date from '... - 19 november 2021.pdf', '' when the name carries none."""
    try:
        return file_date(rel_path).isoformat()
    except BadReportPath:
        return ""
