"""`ofsted-record warehouse`: build data/warehouse.duckdb from the processed tables."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def warehouse(
        fulltext: bool = typer.Option(True, help="Load report full text and its search index."),
    ) -> None:
        """Build the DuckDB warehouse (tables, views and macros answering the story's questions)."""
        from ofsted_record import config
        from ofsted_record.warehouse import build_warehouse

        timings = build_warehouse(with_fulltext=fulltext)
        total = sum(timings.values())
        detail = ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
        typer.echo(f"built {config.warehouse_path()} in {total:.2f}s ({detail})")
