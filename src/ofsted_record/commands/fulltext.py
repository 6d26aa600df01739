"""`ofsted-record fulltext` (extract every report's paragraphs) and `ofsted-record search`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def fulltext(
        reports_dir: Annotated[
            Path | None, typer.Option(help="Folder of report PDFs (default: config.reports_dir())")
        ] = None,
        out_dir: Annotated[
            Path | None, typer.Option(help="Output folder (default: data/processed/fulltext)")
        ] = None,
        jobs: Annotated[int, typer.Option(min=1, help="Worker processes")] = 2,
        progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    ) -> None:
        """Extract the text of every report page into paragraphs (paragraphs.parquet)."""
        from ofsted_record import config
        from ofsted_record.extract.inputs import BadListing
        from ofsted_record.fulltext.build import build

        if reports_dir is None:
            reports_dir, source = config.reports_dir_setting()
        else:
            source = "given by --reports-dir"
        typer.echo(f"reports folder: {reports_dir} ({source})", err=True)
        try:
            summary = build(reports_dir, out_dir, jobs=jobs, progress=progress)
        except (FileNotFoundError, BadListing) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None
        typer.echo(
            f"{summary.ok}/{summary.files} reports, {summary.pages} pages, "
            f"{summary.paragraphs} paragraphs in {summary.seconds:.1f}s -> {summary.out_dir}"
        )
        for file, reason in summary.skipped:
            typer.echo(f"  skipped {file}: {reason}")

    @app.command()
    def search(
        phrase: Annotated[str, typer.Argument(help="Words to find, as a phrase")],
        limit: Annotated[int, typer.Option(min=1, help="Most paragraphs to show")] = 20,
    ) -> None:
        """Find a phrase in every report (case-insensitive, whole words), newest first."""
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        from ofsted_record.fulltext.store import search as run_search

        try:
            hits = run_search(phrase, limit=limit)
        except (ValueError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc)) from exc
        console = Console()
        total = hits.attrs.get("total", len(hits))
        if hits.empty:
            console.print(f"No paragraph contains {escape(repr(phrase))}.")
            return
        table = Table(title=f"{total} paragraphs contain {escape(repr(phrase))}", show_lines=True)
        for column in ("council", "published", "grade", "page", "snippet", "link"):
            table.add_column(column, overflow="fold")
        for row in hits.itertuples():
            # Escape the report text, then turn the **match** marks into bold.
            snippet = escape(row.snippet).replace("**", "\0")
            parts = snippet.split("\0")
            snippet = "".join(f"[bold yellow]{p}[/]" if i % 2 else p for i, p in enumerate(parts))
            table.add_row(
                escape(row.council or row.inspection_id),
                str(row.published_date or ""),
                escape(row.overall_grade or ""),
                str(row.page),
                snippet,
                escape(row.url or ""),
            )
        console.print(table)
        if total > len(hits):
            console.print(f"(first {len(hits)} of {total}; use --limit)")
