"""`ofsted-record provenance`: write data/sources.yml (publisher, title, URL, date, licence, sha256)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def provenance() -> None:
        """Record every shared input file's provenance and sha256 in data/sources.yml."""
        from ofsted_record.config import MissingInput
        from ofsted_record.provenance import write_sources

        try:
            path = write_sources()
        except MissingInput as exc:
            typer.echo(f"error: {exc}; data/sources.yml left as it was", err=True)
            raise typer.Exit(code=2) from None
        typer.echo(f"wrote {path}")
