"""`ofsted-record findings`: recompute the README's findings block from the warehouse."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def findings() -> None:
        """Rewrite the Findings section of README.md from the warehouse (no typed figures)."""
        from ofsted_record.findings import update_readme

        changed = update_readme()
        typer.echo("README findings updated" if changed else "README findings already current")
