"""`ofsted-record notebooks`: execute the reporters' notebooks into data/public/notebooks/."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def notebooks(
        only: list[str] = typer.Option(
            [], "--only", help="Run just this notebook (repeatable), e.g. 02_national_picture."
        ),
        council: list[str] = typer.Option(
            [], "--council", help="Also run the council deep dive for this council (repeatable)."
        ),
        out_dir: Path | None = typer.Option(
            None, help="Where executed copies go (default data/public/notebooks)."
        ),
        pair: bool = typer.Option(
            False, "--pair", help="Only rewrite analysis/*.ipynb from the .py scripts (no outputs)."
        ),
    ) -> None:
        """Execute every notebook in analysis/ through a Jupyter kernel (or --pair them)."""
        from rich.progress import Progress

        from ofsted_record import notebooks as nbs

        if pair:
            for path in nbs.pair(only or nbs.NOTEBOOKS):
                typer.echo(f"paired {path}")
            return
        jobs: list[tuple[str, dict[str, str]]] = [(n, {}) for n in (only or nbs.NOTEBOOKS)]
        jobs += [("07_council_deep_dive", {"council": name}) for name in council]
        failures: list[nbs.NotebookFailed] = []
        with Progress(transient=True) as progress:
            task = progress.add_task("notebooks", total=len(jobs))
            for name, params in jobs:
                progress.update(task, description=nbs.output_name(name, params))
                try:
                    done = nbs.execute(name, params, out_dir)
                    typer.echo(f"{done.path}  {done.seconds:.1f}s")
                except nbs.NotebookFailed as exc:
                    failures.append(exc)
                    typer.echo(f"FAILED {exc}", err=True)
                progress.advance(task)
        if failures:
            raise typer.Exit(code=1)
