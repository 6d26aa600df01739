"""`ofsted-record charts`: write every published chart's spec and PNG to data/public/charts/."""

from __future__ import annotations

import typer


def _run(embeds: bool, preview: bool = False) -> None:
    from rich.progress import Progress

    from ofsted_record import config
    from ofsted_record.charts.catalogue import CATALOGUE
    from ofsted_record.embeds.build import build, open_connection

    # No warehouse (FileNotFoundError) or no public base address for a production build
    # (RelativeURLError, a ValueError): cli.py prints the one-line fix and exits 2.
    con, label = open_connection()
    with Progress(transient=True) as bar:
        task = bar.add_task("charts" if not embeds else "embeds", total=len(CATALOGUE))
        report = build(
            con,
            config.public_dir(),
            embeds=embeds,
            preview=preview,
            progress=lambda _slug: bar.advance(task),
        )
    typer.echo(f"data: {label}; wrote {len(report.written)}: {', '.join(report.written)}")
    for slug, reason in report.failed.items():
        typer.echo(f"FAILED {slug}: {reason}", err=True)
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command()
    def charts() -> None:
        """Write each published chart as data/public/charts/<slug>.vl.json and .png, from the
        warehouse (data/warehouse.duckdb)."""
        _run(embeds=False)
