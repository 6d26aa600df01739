"""`ofsted-record register`: rebuild the council register tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command(name="register")
    def register_command(
        out_dir: Annotated[
            Path | None, typer.Option(help="Output folder (default data/processed).")
        ] = None,
    ) -> None:
        """Rebuild councils.csv, council_codes/names/links/urns.csv from the DfE, data-to-insight
        and Ofsted inputs."""
        from ofsted_record import config
        from ofsted_record.register import build, resolve

        target = out_dir or config.processed_dir()
        try:
            reg = build.build_register()
        except (build.RegisterBuildError, ValueError) as exc:
            typer.echo(f"register: {exc}", err=True)
            raise typer.Exit(1) from exc
        paths = build.write_register(target, reg)
        resolve.reload()
        for warning in reg.warnings:
            typer.echo(f"note: {warning}", err=True)
        typer.echo(
            f"register: {len(reg.councils)} councils, {len(reg.codes)} ONS codes, "
            f"{len(reg.names)} aliases, {len(reg.links)} links, {len(reg.urns)} URNs"
        )
        for label, path in paths.items():
            typer.echo(f"  {label:<14} {path}")
