"""`ofsted-record paths`: show where inputs are read from and outputs written to."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def paths(
        check: bool = typer.Option(
            False,
            help="Exit 2 with one message if the shared data or the reports folder is missing.",
        ),
    ) -> None:
        """Show the shared-data setting, the reports folder in use and every output folder."""
        from ofsted_record import config

        reports, source = config.reports_dir_setting()
        rows = {
            f"shared data (${config.SHARED_DATA_ENV})": config.shared_data_dir(),
            f"reports in use ({source})": reports,
            f"refresh cache (use: {config.REPORTS_DIR_ENV}=<this>)": config.report_cache_dir(),
            "processed tables": config.processed_dir(),
            "warehouse": config.warehouse_path(),
            "public outputs": config.public_dir(),
        }
        for label, path in rows.items():
            status = "ok" if path.exists() else "missing"
            typer.echo(f"{label:<55} {path}  [{status}]")
        if check:
            try:
                config.require(config.shared_data_dir(), reports)
            except config.MissingInput as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(code=2) from None
