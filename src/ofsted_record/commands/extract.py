"""`ofsted-record extract`: report PDFs -> inspections.csv, judgements.csv, extraction_issues.csv."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def extract(
        reports_dir: Path | None = typer.Option(
            None, help="Folder of report PDFs [default: $OFSTED_REPORTS_DIR or the shared corpus]"
        ),
        out_dir: Path | None = typer.Option(None, help="Output folder [default: data/processed]"),
        strict: bool = typer.Option(
            False, help="Exit non-zero if any file was quarantined or any manifest row is missing."
        ),
        allow_shrink: bool = typer.Option(
            False, help="Write the record even if it drops inspections it already holds."
        ),
        progress: bool = typer.Option(True, help="Show a progress bar."),
        cache_dir: Path | None = typer.Option(
            None, help="Parse cache folder [default: data/cache/extract]"
        ),
    ) -> None:
        """Read every report file; write tidy tables and list every file not parsed, with why."""
        from rich.console import Console
        from rich.table import Table

        from ofsted_record import config
        from ofsted_record.extract.inputs import BadListing
        from ofsted_record.extract.pipeline import RecordWouldShrink, run_extraction

        if reports_dir is None:
            reports_dir, source = config.reports_dir_setting()
        else:
            source = "given by --reports-dir"
        console = Console(stderr=True)
        typer.echo(f"reports folder: {reports_dir} ({source})", err=True)  # never wrapped
        if not reports_dir.is_dir():
            typer.echo(f"error: reports folder not found: {reports_dir} ({source})", err=True)
            raise typer.Exit(code=2)
        try:
            summary = run_extraction(
                reports_dir,
                out_dir,
                strict=strict,
                progress=progress,
                cache_dir=cache_dir,
                allow_shrink=allow_shrink,
            )
        except RecordWouldShrink as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=3) from None
        except BadListing as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None
        table = Table(
            title=(
                f"Extraction of {reports_dir}: {summary.total} files ({summary.from_cache} "
                f"from cache), {summary.manifest_rows} manifest rows"
            )
        )
        table.add_column("outcome")
        table.add_column("files", justify="right")
        for outcome, n in sorted(summary.counts.items()):
            if outcome != "strict: failed":
                table.add_row(outcome, str(n))
        console.print(table)
        if strict and summary.failed_strict:
            typer.echo(
                f"--strict: {len(summary.quarantined)} file(s) quarantined, "
                f"{len(summary.missing)} manifest row(s) missing on disk; see "
                "extraction_issues.csv",
                err=True,
            )
            raise typer.Exit(code=1)
