"""`ofsted-record refresh`: fetch newly published reports, extract them, print the changelog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
        timeout: Annotated[float, typer.Option(help="Seconds before a request times out.")] = 30.0,
        retries: Annotated[int, typer.Option(help="Extra attempts after a transient failure.")] = 3,
        backoff: Annotated[
            float, typer.Option(help="First wait between attempts (doubles).")
        ] = 1.0,
        verify: Annotated[bool, typer.Option(help="Re-hash every cached file (sha256).")] = False,
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
        )
        if seed_from is not None and not (seed_from / "manifest.csv").exists():
            _fail(f"{seed_from}: no manifest.csv, not a reports corpus")
        cache = cache_dir or config.report_cache_dir()
        corpus = config.shared_path("ofsted-reports")
        if (
            seed_from is None
            and auto_seed
            and not (cache / "manifest.csv").exists()
            and (corpus / "manifest.csv").exists()
        ):
            typer.echo(f"empty cache: seeding it from {corpus} first (--no-auto-seed to skip)")
            seed_from = corpus
        result = run_refresh(
            cache_dir=cache,
            out_dir=out_dir or config.processed_dir(),
            providers=providers,
            settings=settings,
            offline=offline,
            seed_from=seed_from,
            verify=verify,
            extract=extract,
            force_extract=force_extract,
            progress=True,
        )
        failed = [i for i in result.issues if i.outcome in ("failed", "rejected")]
        typer.echo(
            f"refresh: {result.pages_fetched} provider pages read, {result.pages_failed} failed; "
            f"{len(result.downloaded)} new reports; {result.seeded} seeded; "
            f"{len(failed)} downloads failed; {result.requests} requests in {result.seconds:.1f} s"
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


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
