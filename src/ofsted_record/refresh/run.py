"""One refresh: discover → download → (extract) → changelog.

Order matters for "lose nothing": a report is renamed into place only after it is verified,
and the manifest is rewritten (atomically) after every new file, so an interrupted run loses
at most the file in flight; temp files it left are removed at the start of the next run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_record.extract.ids import BadReportPath, file_date
from ofsted_record.refresh import changelog
from ofsted_record.refresh.cache import ISSUES, Entry, ReportCache
from ofsted_record.refresh.client import FetchError, Issue, OfstedClient, Settings
from ofsted_record.refresh.discover import (
    PublishedReport,
    clean_provider_name,
    parse_provider_page,
    url_key,
)
from ofsted_record.refresh.providers import Provider

Extractor = Callable[[Path, Path], object]
GIVE_UP_AFTER = 3  # provider pages failing in a row, before any success, = no network


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
    aborted: bool = False  # the site never answered: stopped early instead of retrying on
    extract_note: str = ""
    changelog_path: Path | None = None
    issues_path: Path | None = None
    seconds: float = 0.0

    @property
    def lines(self) -> list[str]:
        return [e.summary for e in self.events]


def default_extractor(progress: bool = False) -> Extractor | None:
    try:
        from ofsted_record.extract.pipeline import run_extraction
    except ImportError:
        return None

    def extract(reports_dir: Path, out_dir: Path) -> object:
        return run_extraction(reports_dir, out_dir, strict=False, progress=progress)

    return extract


def _collision_name(report: PublishedReport) -> str:
    """A second file for the same provider, title and date: put the file id in the name."""
    stem = report.filename[: -len(".pdf")]
    head, sep, tail = stem.rpartition(" - ")
    tag = f"(file {report.file_id or abs(hash(report.url)) % 10**8})"
    return f"{head} {tag}{sep}{tail}.pdf" if sep else f"{stem} {tag}.pdf"


def _report_count(out_dir: Path) -> int:
    path = out_dir / "inspections.csv"
    if not path.exists():
        return 0
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for r in csv.DictReader(handle) if r.get("source", "report") == "report")


def refresh(
    *,
    cache_dir: Path,
    out_dir: Path,
    providers: Sequence[Provider],
    settings: Settings | None = None,
    offline: bool = False,
    seed_from: Path | None = None,
    verify: bool = False,
    extract: Extractor | None | bool = True,
    force_extract: bool = False,
    progress: bool = False,
) -> RefreshResult:
    """Bring the cache up to date with Ofsted (or only check it, offline); see docs/refresh.md."""
    started = time.monotonic()
    settings = settings or Settings()
    result = RefreshResult()
    cache = ReportCache(cache_dir)
    cache.remove_temp_files()
    result.issues.extend(cache.check(verify=verify))
    urns = {p.urn for p in providers}
    if seed_from is not None:
        result.seeded, seed_issues = cache.seed_from(seed_from, urns or None)
        result.issues.extend(seed_issues)
    names = {p.urn: p for p in providers}
    history = changelog.last_event_by_key(changelog.load(out_dir))
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
        client = OfstedClient(settings)
        try:
            _fetch_all(client, cache, providers, history, events, result, event, progress)
        finally:
            client.close()
            result.requests = client.requests
            result.issues.extend(client.issues)
    cache.save()
    result.issues_path = cache.write_issues(result.issues, out_dir / ISSUES)

    # extraction: only when something changed (or outputs are missing / forced)
    changed = bool(result.downloaded or result.seeded or cache.removed_temp)
    extractor: Extractor | None
    extractor = default_extractor(progress) if extract is True else (extract or None)
    if extract is False:
        result.extract_note = "extraction skipped (--no-extract)"
    elif extractor is None:
        result.extract_note = "extractor not available: run `ofsted-record extract` later"
    elif not (changed or force_extract or not (out_dir / "inspections.csv").exists()):
        result.extract_note = "nothing new: extraction outputs are current"
    elif len(cache.entries) < _report_count(out_dir):
        result.extract_note = (
            f"extraction skipped: the cache has {len(cache.entries)} reports but "
            f"{out_dir / 'inspections.csv'} already has {_report_count(out_dir)}; seed the "
            "cache (--seed-from) or refresh every council first"
        )
    else:
        extractor(cache.root, out_dir)
        result.extracted = True
    result.events, result.changelog_path = changelog.update(out_dir, events)
    result.seconds = time.monotonic() - started
    return result


def _fetch_all(
    client: OfstedClient,
    cache: ReportCache,
    providers: Sequence[Provider],
    history: dict[str, str],
    events: list[changelog.Event],
    result: RefreshResult,
    event: Callable[[str, Entry, str], changelog.Event],
    progress: bool,
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
            _refresh_provider(client, cache, provider, history, events, result, event)
            bar.advance(task)


def _refresh_provider(
    client: OfstedClient,
    cache: ReportCache,
    provider: Provider,
    history: dict[str, str],
    events: list[changelog.Event],
    result: RefreshResult,
    event: Callable[[str, Entry, str], changelog.Event],
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
    folder = cache.folder_for(urn) or (
        f"{urn}_{clean_provider_name(page.name) if page.name else provider.name.lower()}"
    )
    listed: set[str] = set()
    for report in page.reports:
        listed.add(report.key)
        known = cache.by_key()
        if report.key in known or report.key in cache.duplicates:
            if history.get(report.key) == "withdrawn" and report.key in known:
                entry = known[report.key]
                events.append(event("reinstated", entry, _iso(report, entry)))
            continue
        url = client.file_url(report.file_id) if report.file_id else report.url
        try:
            got = client.download(urn, url, cache.root / folder)
        except FetchError:
            continue  # recorded by the client; tried again next run
        same = cache.by_sha().get(got.sha256)
        if same is not None:
            got.tmp_path.unlink(missing_ok=True)
            cache.add_duplicate(report.canonical_url, urn, got.sha256, same.path)
            result.issues.append(
                Issue(urn, url, 0, "duplicate", "same_sha256", f"identical to {same.path}")
            )
            cache.save()
            continue
        rel = f"{folder}/{report.filename}"
        if rel in cache.entries:  # another file already has this name: keep both
            rel = f"{folder}/{_collision_name(report)}"
        os.replace(got.tmp_path, cache.root / rel)
        entry = Entry(rel, urn, report.canonical_url, got.bytes, got.sha256)
        cache.add(entry)
        cache.save()  # after every file: an interruption loses at most the one in flight
        result.downloaded.append(rel)
        events.append(event("published", entry, _iso(report, entry)))
    # withdrawn: cached for this provider, no longer listed (under any URL with the same bytes)
    known = cache.by_key()
    listed_sha = {known[k].sha256 for k in listed if k in known}
    listed_sha |= {cache.duplicates[k]["sha256"] for k in listed if k in cache.duplicates}
    for entry in sorted(cached, key=lambda e: e.path):
        key = url_key(entry.source_url)
        if key in listed or entry.sha256 in listed_sha:
            continue
        if history.get(key) != "withdrawn":
            events.append(event("withdrawn", entry, report_date(entry.path)))


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
