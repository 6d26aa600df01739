"""`ofsted-record geography`: simplified boundary and hex TopoJSON per boundary vintage."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def geography(
        vintage: list[str] = typer.Option(  # noqa: B008
            None, "--vintage", "-v", help="Build only these vintages (default: all)."
        ),
        previews: bool = typer.Option(True, help="Write preview PNGs (needs matplotlib)."),
    ) -> None:
        """Build data/processed/geography/{utla,hex}_<vintage>.topojson, vintages.csv, previews."""
        from ofsted_record.geography import VINTAGES, codes
        from ofsted_record.geography.build import MAX_BYTES, build_all

        chosen = tuple(vintage) if vintage else VINTAGES
        unknown = [v for v in chosen if v not in VINTAGES]
        if unknown:
            raise typer.BadParameter(f"unknown vintage(s) {unknown}; known: {list(VINTAGES)}")
        typer.echo(f"ONS -> la_code lookup: {codes.source()}")
        try:
            built = build_all(vintages=chosen, previews=previews)
        except RuntimeError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        for b in built:
            flag = "" if b.bytes <= MAX_BYTES else "  OVER LIMIT"
            typer.echo(
                f"{b.kind:<10} {b.vintage}  {b.features:>3} areas  {b.bytes:>7,} bytes  "
                f"tolerance {b.tolerance:g}  {b.path.name}{flag}"
            )
