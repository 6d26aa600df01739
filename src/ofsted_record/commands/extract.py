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
        strict: bool = typer.Option(False, help="Exit non-zero if any file was quarantined."),
        progress: bool = typer.Option(True, help="Show a progress bar."),
        cache_dir: Path | None = typer.Option(
            None, help="Parse cache folder [default: data/cache/extract]"
        ),
    ) -> None:
        """Read every report file; write tidy tables and list every file not parsed, with why."""
        from rich.console import Console
        from rich.table import Table

        from ofsted_record.extract.pipeline import run_extraction

        summary = run_extraction(
            reports_dir, out_dir, strict=strict, progress=progress, cache_dir=cache_dir
        )
        table = Table(title=f"Extraction: {summary.total} files ({summary.from_cache} from cache)")
        table.add_column("outcome")
        table.add_column("files", justify="right")
        for outcome, n in sorted(summary.counts.items()):
            if outcome != "strict: failed":
                table.add_row(outcome, str(n))
        Console(stderr=True).print(table)
        if strict and summary.quarantined:
            typer.echo(
                f"--strict: {len(summary.quarantined)} file(s) quarantined; see "
                "extraction_issues.csv",
                err=True,
            )
            raise typer.Exit(code=1)
