"""`ofsted-record fulltext` (extract every report's paragraphs) and `ofsted-record search`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def fulltext(
        reports_dir: Annotated[
            Path | None,
            typer.Option(help="Folder of report PDFs (default: the shared reports folder)."),
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
        phrase: Annotated[
            str,
            typer.Argument(
                help="Words to find, as a phrase, whole words only (end a word with * for "
                "every word it starts: 'agenc*')"
            ),
        ],
        council: Annotated[
            str | None, typer.Option(help="Only this council's reports (name or DfE code).")
        ] = None,
        date_from: Annotated[
            str | None,
            typer.Option("--from", help="Published on or after: a year, month or day (2016)."),
        ] = None,
        date_to: Annotated[
            str | None,
            typer.Option("--to", help="Published on or before: a year, month or day (2024-03)."),
        ] = None,
        framework: Annotated[
            str | None,
            typer.Option(help="Only this inspection framework, or its family (sif, ilacs)."),
        ] = None,
        grade: Annotated[
            str | None,
            typer.Option(help="Only reports with this overall grade (inadequate, good ...)."),
        ] = None,
        ranked: Annotated[
            bool, typer.Option("--ranked", help="Most relevant paragraphs first, not newest.")
        ] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of text.")] = False,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON instead of text.")
        ] = False,
        limit: Annotated[int, typer.Option(min=1, help="Most paragraphs to show.")] = 20,
    ) -> None:
        """Find a phrase in every report (whole words, any case), newest reports first."""
        from ofsted_record.fulltext import store
        from ofsted_record.fulltext.present import print_hits, write_hits

        if as_csv and as_json:
            raise typer.BadParameter("choose one of --csv and --json")
        where = store.filters(
            council=council, date_from=date_from, date_to=date_to, framework=framework, grade=grade
        )
        hits = store.search(phrase, limit=limit, where=where, ranked=ranked)
        if as_csv or as_json:
            write_hits(hits, "csv" if as_csv else "json")
        else:
            print_hits(hits, phrase)
