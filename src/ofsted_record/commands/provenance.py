"""`ofsted-record provenance`: write data/sources.yml (publisher, title, URL, date, licence, sha256)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def provenance() -> None:
        """Record every shared input file's provenance and sha256 in data/sources.yml."""
        from ofsted_record.provenance import write_sources

        typer.echo(f"wrote {write_sources()}")
