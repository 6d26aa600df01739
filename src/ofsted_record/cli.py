"""Command-line interface: ``ofsted-record --help``.

Each module under ``ofsted_record.commands`` defines ``register(app)`` that adds its own
commands, so the pipeline's stages stay in their own small modules.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from ofsted_record import commands

app = typer.Typer(
    help="Build and refresh the record of Ofsted's judgements of councils' children's services.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Build and refresh the record of Ofsted's judgements of councils' children's services."""


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)


_load_commands()

if __name__ == "__main__":  # pragma: no cover
    app()
