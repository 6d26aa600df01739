"""`ofsted-record paths`: show where inputs are read from and outputs written to."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def paths() -> None:
        """Show the shared-data setting and every input/output folder."""
        from ofsted_record import config

        rows = {
            f"shared data (${config.SHARED_DATA_ENV})": config.shared_data_dir(),
            f"reports (${config.REPORTS_DIR_ENV})": config.reports_dir(),
            "refresh cache": config.report_cache_dir(),
            "processed tables": config.processed_dir(),
            "warehouse": config.warehouse_path(),
            "public outputs": config.public_dir(),
        }
        for label, path in rows.items():
            status = "ok" if path.exists() else "missing"
            typer.echo(f"{label:<40} {path}  [{status}]")
