"""`ofsted-record context`: build the council x year context tables."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def context() -> None:
        """Build demand, workforce, spending, deprivation and neighbour tables (data/processed/context)."""
        from rich.progress import Progress

        from ofsted_record.config import MissingInput, project_root
        from ofsted_record.context import build

        with Progress(transient=True) as progress:
            task = progress.add_task("reading DfE, MHCLG and IMD files", total=2)
            try:
                result = build.build()
            except MissingInput as exc:
                progress.stop()
                typer.echo(f"error: {exc}; nothing written", err=True)
                raise typer.Exit(code=2) from None
            progress.advance(task)
            paths = build.write(result)
            progress.advance(task)
        for path in paths:
            rows = len(result.tables[path.stem])
            typer.echo(f"{path.relative_to(project_root())}: {rows} rows")
        for problem in result.problems:
            typer.echo(f"problem: {problem}", err=True)
        if result.problems:
            raise typer.Exit(code=1)
