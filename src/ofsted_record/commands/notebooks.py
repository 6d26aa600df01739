"""`ofsted-record notebooks`: execute the reporters' notebooks into data/public/notebooks/."""

from __future__ import annotations

from pathlib import Path

import typer

DEEP_DIVE = "07_council_deep_dive"


def _parse_parameters(pairs: list[str]) -> dict[str, str]:
    """`-p key=value` pairs (values stay strings; each notebook parses its own)."""
    parameters: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r}: write it as key=value, e.g. as_at=2016-03-31")
        parameters[key.strip()] = value.strip()
    return parameters


def plan(
    only: list[str], councils: list[str], parameters: dict[str, str]
) -> list[tuple[str, dict[str, str]]]:
    """(notebook, parameters) runs. A council given by `--council` or `-p council=` replaces the
    deep dive's default council rather than adding a second run of it."""
    from ofsted_record import notebooks as nbs

    names = list(dict.fromkeys(only or nbs.NOTEBOOKS))
    for name in names:
        nbs.notebook_path(name)  # UnknownNotebook before anything runs
    jobs: list[tuple[str, dict[str, str]]] = []
    for name in names:
        if name == DEEP_DIVE and councils:
            continue
        jobs.append((name, dict(parameters)))
    jobs += [(DEEP_DIVE, {**parameters, "council": c}) for c in councils]
    return jobs


def _check_councils(councils: list[str]) -> None:
    """Resolve each council as the deep dive does (a DfE code or a name), before any kernel
    starts: an unknown one raises the register's UnresolvedCouncil with close matches."""
    if not councils:
        return
    from ofsted_record import register

    codes = set(register.load_councils()["la_code"])
    for name in councils:
        if name not in codes:
            register.resolve_name(name, source="--council")


def register(app: typer.Typer) -> None:
    @app.command()
    def notebooks(
        only: list[str] = typer.Option(
            [], "--only", help="Run just this notebook (repeatable), e.g. 02_national_picture."
        ),
        council: list[str] = typer.Option(
            [],
            "--council",
            help="Run the council deep dive for this council instead of its default (repeatable).",
        ),
        parameter: list[str] = typer.Option(
            [],
            "--parameter",
            "-p",
            help="Pass a notebook parameter, key=value (repeatable), e.g. -p as_at=2016-03-31.",
        ),
        out_dir: Path | None = typer.Option(
            None, help="Where executed copies go (default data/public/notebooks)."
        ),
        pair: bool = typer.Option(
            False, "--pair", help="Only rewrite analysis/*.ipynb from the .py scripts (no outputs)."
        ),
    ) -> None:
        """Run the notebooks in analysis/ (each synced from its .py first) through a Jupyter
        kernel; executed copies go to data/public/notebooks/."""
        from rich.progress import Progress

        from ofsted_record import notebooks as nbs

        try:
            if pair:
                for name in only:
                    nbs.notebook_path(name)
                for path in nbs.pair(only or nbs.NOTEBOOKS):
                    typer.echo(f"paired {path}")
                return
            parameters = _parse_parameters(parameter)
            councils = list(council)
            if "council" in parameters:
                councils.append(parameters.pop("council"))
            _check_councils(councils)  # an unknown council: one line (cli.py), no kernel started
            jobs = plan(only, councils, parameters)
            for name, params in jobs:  # refuse undeclared parameters before any kernel starts
                nbs.inject_parameters(nbs.read_script(name), params)
        except typer.BadParameter as exc:
            # a malformed -p: one line and exit 2 like the CLI's other user errors (cli.py),
            # which also turns UnknownNotebook and BadParameters (ValueErrors) into one line
            raise nbs.BadParameters(str(exc)) from exc
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
