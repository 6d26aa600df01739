"""`ofsted-record sql`: ask the warehouse a question in SQL, read-only.

The warehouse is opened read-only, only one SELECT (or EXPLAIN) statement is run, and the
connection then refuses to read or write files outside the database, so a query can never
change the record. ``$name`` placeholders are bound from ``-p name=value`` (never pasted into
the text).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

ALLOWED = ("SELECT", "EXPLAIN")
WRAP_AT = 32  # a cell longer than this wraps inside its column
TABLE_ROWS = 50  # rows shown as a table by default (CSV, JSON and Parquet get every row)
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class QueryRefused(ValueError):
    """The text is not one read-only query, or a parameter is missing or malformed."""


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise QueryRefused(
                f"parameter {pair!r} is not name=value (for example -p as_at=2024-03-31)"
            )
        params[name.strip()] = value
    return params


def run_query(
    query: str, params: dict[str, str] | None = None, path: Path | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement on the warehouse: (column names, rows)."""
    import duckdb

    from ofsted_record import config

    params = params or {}
    path = Path(path or config.warehouse_path())
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `make warehouse` (or `make data`) first")
    # A private in-memory instance with the warehouse attached read-only: the settings below
    # then bind this query alone, never another connection to the warehouse in this process.
    con = duckdb.connect()
    try:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise QueryRefused(_first_line(exc)) from None
        if len(statements) != 1:
            raise QueryRefused(f"give exactly one SQL statement, not {len(statements)}")
        kind = statements[0].type.name
        if kind not in ALLOWED:
            raise QueryRefused(
                f"only SELECT queries are allowed (this is {kind}): the warehouse is read-only; "
                "rebuild it with `ofsted-record warehouse` to change it"
            )
        _load_fts(con)  # BM25 search macros need it; loading reads a file, so before the lock
        # ATTACH takes no bound parameters; the path is the project's own, quoted as a literal.
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        # No files read or written from here on, and no setting can undo that.
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        wanted = list(dict.fromkeys(_PLACEHOLDER.findall(query)))
        missing = [name for name in wanted if name not in params]
        if missing:
            raise QueryRefused(
                "no value for " + ", ".join(f"${n}" for n in missing) + " (add -p name=value)"
            )
        unused = sorted(set(params) - set(wanted))
        if unused:
            raise QueryRefused(f"parameter(s) {', '.join(unused)} not used by the query")
        try:
            cursor = con.execute(query, {n: params[n] for n in wanted} if wanted else None)
            columns = [d[0] for d in cursor.description or []]
            return columns, cursor.fetchall()
        except duckdb.Error as exc:
            raise QueryRefused(_first_line(exc)) from None
    finally:
        con.close()


def _load_fts(con: Any) -> None:
    import duckdb

    from ofsted_record.fulltext.store import load_fts

    with contextlib.suppress(duckdb.Error):  # queries without the BM25 macros still run
        load_fts(con)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__


def _plain(value: Any) -> Any:
    """JSON-ready: numbers and booleans stay, everything else (dates, decimals) as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value else None
    return str(value)


def write_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in row] for row in rows])


def write_json(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
    json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def write_parquet(columns: list[str], rows: list[tuple[Any, ...]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([dict(zip(columns, row, strict=True)) for row in rows])
    if not rows:
        table = pa.table({c: pa.array([], pa.null()) for c in columns})
    pq.write_table(table, path)


def print_table(columns: list[str], rows: list[tuple[Any, ...]], max_rows: int) -> None:
    """Rows as a table when it fits the terminal, else one block of ``column  value`` lines per
    row (a wide table squeezed into 80 columns breaks every word)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    shown = rows[:max_rows]
    cells = [["" if v is None else str(v) for v in row] for row in shown]
    # Long text (a link, a council's full name) may wrap inside its column; more columns than
    # fit side by side switch to blocks.
    widths = [
        min(WRAP_AT, max([len(c), *(len(row[i]) for row in cells)])) for i, c in enumerate(columns)
    ]
    if sum(widths) + 2 * max(len(columns) - 1, 0) <= console.width:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in cells:
            table.add_row(*(Text(v) for v in row))
        console.print(table)
    else:
        label = max((len(c) for c in columns), default=0)
        for n, row in enumerate(cells, 1):
            console.print(Text(f"-- row {n} --", style="dim"))
            for column, value in zip(columns, row, strict=True):
                console.print(Text(f"{column:<{label}}  ", style="cyan") + Text(value))
    more = (
        f"; first {len(shown)} shown (--max-rows, or --csv for all)"
        if len(rows) > len(shown)
        else ""
    )
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}{more}", style="dim")


def register(app: typer.Typer) -> None:
    @app.command()
    def sql(
        query: Annotated[
            str | None, typer.Argument(help="One SELECT query, in quotes. Or use --file.")
        ] = None,
        file: Annotated[
            Path | None, typer.Option("--file", "-f", help="Read the query from this .sql file.")
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="Value for a $name placeholder: name=value."),
        ] = None,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (every row).")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every row).")] = False,
        parquet: Annotated[
            Path | None, typer.Option("--parquet", help="Write every row to this Parquet file.")
        ] = None,
        max_rows: Annotated[
            int, typer.Option(min=1, help="Most rows shown in the table.")
        ] = TABLE_ROWS,
    ) -> None:
        """Run a read-only SQL query on the warehouse; print a table, CSV or JSON."""
        if (query is None) == (file is None):
            raise QueryRefused("give a query or --file FILE (one of the two)")
        if sum([as_csv, as_json, parquet is not None]) > 1:
            raise QueryRefused("choose one of --csv, --json and --parquet")
        if file is not None:
            try:
                query = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise QueryRefused(f"cannot read {file}: {exc.strerror or exc}") from None
        assert query is not None
        columns, rows = run_query(query, parse_params(param or []))
        if as_csv:
            write_csv(columns, rows)
        elif as_json:
            write_json(columns, rows)
        elif parquet is not None:
            write_parquet(columns, rows, parquet)
            typer.echo(f"wrote {len(rows)} rows to {parquet}", err=True)
        else:
            print_table(columns, rows, max_rows)
