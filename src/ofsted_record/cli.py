"""Command-line interface: ``ofsted-record --help``.

Each module under ``ofsted_record.commands`` defines ``register(app)`` that adds its own
commands, so the pipeline's stages stay in their own small modules. The conventions every
command shares live here, once:

- ``--version``, ``-h`` as well as ``--help``;
- commands listed in pipeline order (``PIPELINE_ORDER``), not in the order modules load;
- a user error (unknown council or notebook, missing input, bad value) ends the run with one
  line on stderr that says what to do, and exit code 2; anything else is one line and exit 1;
  ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ofsted_record import commands

# The order commands appear in `--help`: the order a build runs them (`make data`, then the
# outputs made from the warehouse), then the reporters' tools, then upkeep. A command missing
# here is listed after these, alphabetically.
PIPELINE_ORDER: tuple[str, ...] = (
    "paths",
    "register",
    "extract",
    "official",
    "geography",
    "context",
    "fulltext",
    "warehouse",
    "findings",
    "provenance",
    "charts",
    "embeds",
    "notebooks",
    "site",
    "sql",
    "search",
    "refresh",
)

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1


class UserError(Exception):
    """A mistake the person running the command can fix; the message says how."""


def user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the input was wrong, not the code.

    An unknown council raises the register's ``UnresolvedCouncil``; unknown notebooks and bad
    parameters ``ValueError``; missing inputs (warehouse, shared data) ``FileNotFoundError``.
    Imported here, on error only, so ``--help`` does not load pandas.
    """
    from ofsted_record.register import UnresolvedCouncil

    return (
        UserError,
        UnresolvedCouncil,
        ValueError,
        FileNotFoundError,
        NotADirectoryError,
        PermissionError,
    )


def one_line(exc: BaseException) -> str:
    """The exception as one line: the first line of its message, or its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _no_type(ctx: Any) -> None:
    return None


def _hide_flag_types(command: Any) -> None:
    """Show no ``<bool>`` type beside on/off flags (``--csv``, ``--help``) in help.

    Typer prints every option's type; a flag takes no value, so its type only misleads. Done
    here, once, on every command's parameters (the help option is made per context, hence
    the wrapped ``get_params``).
    """
    original = command.get_params

    def get_params(ctx: Any) -> list[Any]:
        params = original(ctx)
        for param in params:
            if getattr(param, "is_flag", False):
                param.display_type_rich = _no_type
        return params

    command.get_params = get_params


class PipelineGroup(TyperGroup):
    """A typer group that lists commands in pipeline order and turns errors into one line."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in [self, *self.commands.values()]:
            _hide_flag_types(command)

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(PIPELINE_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise  # usage errors, --help, --version and explicit exits keep their own handling
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            user = isinstance(exc, user_error_types())
            prefix = "error" if user else f"internal error ({type(exc).__name__})"
            hint = "" if user else " (run again with --debug to see where)"
            typer.echo(f"{prefix}: {one_line(exc)}{hint}", err=True)
            raise typer.Exit(EXIT_USER_ERROR if user else EXIT_INTERNAL_ERROR) from exc


app = typer.Typer(
    cls=PipelineGroup,
    help="Build and refresh the record of Ofsted's judgements of councils' children's services.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ofsted-record {version('ofsted-record')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails.")
    ] = False,
) -> None:
    """Build and refresh the record of Ofsted's judgements of councils' children's services."""


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)


_load_commands()

if __name__ == "__main__":  # pragma: no cover
    app()
