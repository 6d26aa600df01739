"""The conventions every command shares (``ofsted_record.cli``): version, -h, help text,
pipeline order, and user errors as one line with exit code 2 (a traceback only with --debug)."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ofsted_record import cli
from ofsted_record.cli import PIPELINE_ORDER, PipelineGroup, app

ROOT = Path(__file__).resolve().parents[1]
ENTRY = Path(sys.executable).with_name("ofsted-record")


def invoke(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80", **env})


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return list(group.commands)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ofsted-record {version('ofsted-record')}"


def test_version_from_the_installed_command() -> None:
    done = subprocess.run([str(ENTRY), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ofsted-record ")


@pytest.mark.parametrize("command", [None, "search", "sql", "notebooks", "warehouse"])
def test_short_h_is_help(command: str | None) -> None:
    args = [command] if command else []
    long, short = invoke(*args, "--help"), invoke(*args, "-h")
    assert long.exit_code == short.exit_code == 0
    assert short.stdout == long.stdout and "Usage:" in short.stdout


def all_help() -> dict[str, str]:
    pages = {"": invoke("--help").stdout}
    for name in command_names():
        result = invoke(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        pages[name] = result.stdout
    return pages


def test_no_bool_metavar_in_any_help() -> None:
    for name, page in all_help().items():
        assert "<bool>" not in page, f"`{name} --help` shows <bool>"


def test_flags_still_show_value_types() -> None:
    # Only flags lose their type: an option that takes a value still says which.
    page = invoke("search", "--help").stdout
    assert "<int" in page and "<str>" in page


def test_help_text_leaks_no_code() -> None:
    leak = re.compile(r"\b\w+\.\w+\(\)|config\.")
    for name, page in all_help().items():
        assert not leak.search(page), f"`{name} --help`: {leak.search(page).group(0)}"


def test_commands_are_listed_in_pipeline_order() -> None:
    names = command_names()
    missing = sorted(set(names) - set(PIPELINE_ORDER))
    assert not missing, f"add {missing} to cli.PIPELINE_ORDER (and the README)"
    page = invoke("--help").stdout
    shown = [n for n in re.findall(r"^│ (\w+)\s", page, flags=re.M) if n in names]
    assert shown == [n for n in PIPELINE_ORDER if n in names]
    assert shown.index("extract") < shown.index("warehouse") < shown.index("charts")
    assert shown.index("site") < shown.index("sql") < shown.index("search")


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_unknown_council_is_one_line_with_close_matches(warehouse_path: Path) -> None:
    line = one_line_error(invoke("search", "agency", "--council", "Knet"), "Knet", "Kent")
    assert line.startswith("error: ")


def test_unknown_notebook_is_one_line_naming_the_choices() -> None:
    one_line_error(invoke("notebooks", "--only", "nope"), "nope", "07_council_deep_dive")


@pytest.mark.parametrize(
    "args", [["--council", "Sunderlnd"], ["-p", "council=Sunderlnd"]], ids=["option", "parameter"]
)
def test_unknown_council_for_a_notebook_is_one_line_before_any_kernel(args: list[str]) -> None:
    result = invoke("notebooks", "--only", "07_council_deep_dive", *args)
    one_line_error(result, "Sunderlnd", "Sunderland")


@pytest.mark.parametrize("args", [["sql", "SELECT 1"], ["charts"], ["embeds"], ["findings"]])
def test_missing_warehouse_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr("ofsted_record.config.warehouse_path", lambda: tmp_path / "none.duckdb")
    one_line_error(invoke(*args), "none.duckdb", "make warehouse")


def test_debug_shows_the_traceback() -> None:
    done = subprocess.run(
        [str(ENTRY), "--debug", "notebooks", "--only", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "unknown notebook" in done.stderr
    plain = subprocess.run(
        [str(ENTRY), "notebooks", "--only", "nope"], capture_output=True, text=True, check=False
    )
    assert plain.returncode == 2
    assert plain.stderr.strip().count("\n") == 0 and "Traceback" not in plain.stderr


def test_a_bug_is_one_line_with_exit_1_and_points_at_debug() -> None:
    # The same group class on a throwaway app: an unexpected exception is not a user error.
    demo = typer.Typer(cls=PipelineGroup)

    @demo.callback()
    def main(debug: bool = typer.Option(False, "--debug")) -> None:
        """Demo."""

    @demo.command()
    def boom() -> None:
        raise RuntimeError("the code is wrong\nsecond line")

    @demo.command()
    def other() -> None:
        """Keeps this a group."""

    result = CliRunner().invoke(demo, ["boom"])
    assert result.exit_code == cli.EXIT_INTERNAL_ERROR
    assert result.stderr.strip() == (
        "internal error (RuntimeError): the code is wrong (run again with --debug to see where)"
    )
    debug = CliRunner().invoke(demo, ["--debug", "boom"])
    assert isinstance(debug.exception, RuntimeError)


def test_usage_errors_keep_their_own_message() -> None:
    result = invoke("search")  # missing PHRASE
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_readme_lists_the_reporter_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("sql", "search"):
        assert f"`ofsted-record {name}" in readme
