"""`ofsted-record refresh`: fetch newly published reports, extract them, print the changelog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ofsted_record.refresh.client import Issue

DEFAULT_BASE_URL = "https://reports.ofsted.gov.uk"
DEFAULT_FILES_URL = "https://files.ofsted.gov.uk"


def register(app: typer.Typer) -> None:
    @app.command()
    def refresh(
        offline: Annotated[
            bool, typer.Option(help="Use only the local cache: no network at all.")
        ] = False,
        seed_from: Annotated[
            Path | None,
            typer.Option(help="Seed the cache from a corpus folder with a manifest.csv."),
        ] = None,
        urn: Annotated[
            list[str] | None, typer.Option("--urn", help="Only these provider URNs (repeatable).")
        ] = None,
        base_url: Annotated[str, typer.Option(help="Report site.")] = DEFAULT_BASE_URL,
        files_url: Annotated[
            str, typer.Option(help="File host: files are <files-url>/v1/file/<id>.")
        ] = DEFAULT_FILES_URL,
        cache_dir: Annotated[
            Path | None, typer.Option(help="Reports cache (default data/source/ofsted-reports).")
        ] = None,
        out_dir: Annotated[
            Path | None,
            typer.Option(help="Extraction outputs, changelog.csv (default data/processed)."),
        ] = None,
        rate_limit: Annotated[float, typer.Option(help="Minimum seconds between requests.")] = 1.0,
        timeout: Annotated[
            float, typer.Option(help="Seconds a request may wait for the next bytes.")
        ] = 30.0,
        deadline: Annotated[
            float, typer.Option(help="Seconds one whole download may take.")
        ] = 300.0,
        max_bytes: Annotated[
            int, typer.Option(help="Largest report accepted, in bytes (larger is refused).")
        ] = 50_000_000,
        retries: Annotated[int, typer.Option(help="Extra attempts after a transient failure.")] = 3,
        backoff: Annotated[
            float, typer.Option(help="First wait between attempts (doubles).")
        ] = 1.0,
        verify: Annotated[
            bool,
            typer.Option(
                help="Re-hash every cached file and re-request every listed report, keeping "
                "a changed one as a correction."
            ),
        ] = False,
        extract: Annotated[
            bool, typer.Option(help="Run the extractor when something changed.")
        ] = True,
        auto_seed: Annotated[
            bool,
            typer.Option(help="Seed an empty cache from the shared corpus first (no network)."),
        ] = True,
        force_extract: Annotated[
            bool, typer.Option(help="Run the extractor even if nothing changed.")
        ] = False,
    ) -> None:
        """Discover councils' new Ofsted reports, download them safely, extract, log changes."""
        from ofsted_record import config
        from ofsted_record.refresh.client import Settings
        from ofsted_record.refresh.providers import load_providers
        from ofsted_record.refresh.run import refresh as run_refresh

        if rate_limit < 1.0 and "reports.ofsted.gov.uk" in base_url:
            typer.echo("note: --rate-limit below 1 s is impolite to Ofsted; using 1 s", err=True)
            rate_limit = 1.0
        providers = load_providers()
        if urn:
            wanted = set(urn)
            unknown = wanted - {p.urn for p in providers}
            if unknown:
                _fail(f"unknown provider URN(s): {', '.join(sorted(unknown))}")
            providers = [p for p in providers if p.urn in wanted]
        settings = Settings(
            base_url=base_url,
            files_url=files_url,
            rate_limit=rate_limit,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            deadline=deadline,
            max_bytes=max_bytes,
        )
        if seed_from is not None and not (seed_from / "manifest.csv").exists():
            _fail(f"{seed_from}: no manifest.csv, not a reports corpus")
        cache = cache_dir or config.report_cache_dir()
        corpus = config.shared_path("ofsted-reports")
        empty = not (cache / "manifest.csv").exists()
        if seed_from is None and auto_seed and empty and (corpus / "manifest.csv").exists():
            typer.echo(f"empty cache: seeding it from {corpus} first (--no-auto-seed to skip)")
            seed_from = corpus
        # A cache with a manifest is what the extractor takes for the whole corpus: never
        # start one that would be empty or hold only some councils.
        if empty and seed_from is None:
            if offline:
                _fail(
                    f"the reports cache {cache} is empty and there is nothing to seed it from: "
                    f"{corpus / 'manifest.csv'} not found (set {config.SHARED_DATA_ENV} or "
                    "pass --seed-from); nothing written"
                )
            if urn:
                _fail(
                    f"the reports cache {cache} is empty: refreshing only some councils would "
                    "leave a cache holding only their reports; seed it first (--seed-from) "
                    "or refresh every council; nothing written"
                )
        result = run_refresh(
            cache_dir=cache,
            out_dir=out_dir or config.processed_dir(),
            providers=providers,
            settings=settings,
            offline=offline,
            seed_from=seed_from,
            seed_all=True,
            verify=verify,
            extract=extract,
            force_extract=force_extract,
            progress=True,
        )
        failures = result.failures
        pages_failed = result.pages_failed
        other = [i for i in failures if i.reason != "site_unreachable"]
        typer.echo(
            f"refresh: {result.pages_fetched} provider pages read, {pages_failed} failed; "
            f"{len(result.downloaded)} new reports; {result.seeded} seeded; "
            f"{len(other)} failures; {result.requests} requests in {result.seconds:.1f} s"
        )
        if result.aborted:
            typer.echo("the Ofsted site did not answer: stopped early (try --offline)", err=True)
        if result.extract_note:
            typer.echo(result.extract_note)
        for line in result.lines:
            typer.echo(line)
        if not result.lines:
            typer.echo("no changes")
        typer.echo(f"changelog: {result.changelog_path}; issues: {result.issues_path}")
        if result.extract_failed:
            typer.echo(f"error: {result.extract_note}", err=True)
            raise typer.Exit(1)
        if failures:
            down = result.aborted or (result.pages_failed > 0 and result.pages_fetched == 0)
            typer.echo(f"error: {failure_summary(failures, down, result.issues_path)}", err=True)
            raise typer.Exit(1)


def failure_summary(failures: list[Issue], site_down: bool, issues_path: Path | None) -> str:
    """One line: what the run could not do, by kind, and where the details are."""
    groups: dict[str, Counter[str]] = {}
    for i in failures:
        if i.reason == "site_unreachable":
            continue
        if i.reason == "council_error":
            what = "councils"
        elif "/provider/" in i.url:
            what = "provider pages"
        else:
            what = "reports"
        groups.setdefault(what, Counter())[i.reason] += 1
    parts = ["the Ofsted site did not answer"] if site_down else []
    for what in ("provider pages", "reports", "councils"):
        if what in groups:
            kinds = ", ".join(f"{reason} {n}" for reason, n in sorted(groups[what].items()))
            parts.append(f"{sum(groups[what].values())} {what} failed ({kinds})")
    return f"refresh incomplete: {'; '.join(parts)}; details in {issues_path}"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
