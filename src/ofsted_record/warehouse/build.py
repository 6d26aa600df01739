"""Build ``data/warehouse.duckdb`` from the processed tables, the register and the context.

The database is written to a temporary file and renamed into place, so a failed build never
leaves a half-built warehouse behind; a build that was killed leaves its temporary file, which
the next build removes (``remove_stale_temp_files``; git ignores them). SQL lives in ``sql/*.sql`` (run in name order).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from ofsted_record import config

# Tables loaded from processed CSVs: name -> (candidate files, first wins; typed columns).
DATE = "DATE"
INTEGER = "INTEGER"


@dataclass(frozen=True)
class TableSpec:
    name: str
    files: tuple[str, ...]
    types: dict[str, str]
    required: bool = True


TABLES: tuple[TableSpec, ...] = (
    TableSpec("councils", ("councils.csv",), {"valid_from": DATE, "valid_to": DATE}),
    TableSpec(
        "council_codes",
        ("council_codes.csv",),
        {"valid_from": DATE, "valid_to": DATE},
        required=False,
    ),
    TableSpec("council_links", ("council_links.csv",), {"effective_date": DATE}, required=False),
    TableSpec(
        "inspections",
        ("record_inspections.csv", "inspections.csv"),
        {"start_date": DATE, "end_date": DATE, "published_date": DATE, "pages": INTEGER},
    ),
    TableSpec("judgements", ("record_judgements.csv", "judgements.csv"), {"page": INTEGER}),
    TableSpec("extraction_issues", ("extraction_issues.csv",), {}, required=False),
    TableSpec("reconciliation", ("reconciliation.csv",), {}, required=False),
    TableSpec("official_judgements", ("official_judgements.csv",), {}, required=False),
    # Ofsted's 31 March 2024 workbook: each council's latest ILACS judgements on that date.
    TableSpec(
        "official_standing_2024",
        ("official_2024_standing.csv",),
        {"inspection_date": DATE},
        required=False,
    ),
)

LOAD_CSV = "CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, all_varchar = true, header = true)"
CAST_COLUMN = "ALTER TABLE {table} ALTER COLUMN {column} TYPE {type} USING CAST({column} AS {type})"


def _quote(identifier: str) -> str:
    """Quote a table/column identifier (names come from this module, never from users)."""
    return '"' + identifier.replace('"', '""') + '"'


def sql_files() -> list[tuple[str, str]]:
    folder = resources.files("ofsted_record.warehouse") / "sql"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return files


def load_table(con: duckdb.DuckDBPyConnection, spec: TableSpec, processed: Path) -> str | None:
    path = next((processed / f for f in spec.files if (processed / f).exists()), None)
    if path is None:
        if spec.required:
            raise FileNotFoundError(
                f"{spec.name}: none of {', '.join(spec.files)} in {processed} "
                "(run `make data` to build the processed tables)"
            )
        return None
    table = _quote(spec.name)
    con.execute(LOAD_CSV.format(table=table), [str(path)])
    columns = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
    for column, type_ in spec.types.items():
        if column in columns:
            con.execute(CAST_COLUMN.format(table=table, column=_quote(column), type=type_))
    return path.name


INTERVENTION_COLUMNS = (
    "local_authority",
    "event",
    "date",
    "date_precision",
    "detail",
    "source",
    "source_url",
    "quote",
)


class InterventionsError(ValueError):
    """The interventions table has a row this project refuses to load."""


def check_interventions(frame: pd.DataFrame, path: Path) -> None:
    """Refuse unknown columns or events and any ``source_url`` that is not an http(s) address
    (a ``javascript:`` or ``file:`` link would reach readers as a clickable link)."""
    from urllib.parse import urlsplit

    from ofsted_record.warehouse.events import INTERVENTION_EVENTS

    missing = [c for c in INTERVENTION_COLUMNS if c not in frame.columns]
    if missing:
        raise InterventionsError(f"{path}: missing columns {missing}")
    problems: list[str] = []
    for number, row in enumerate(frame.itertuples(index=False), start=2):  # row 1: header
        where = f"row {number} ({row.local_authority}, {row.event})"
        if row.event not in INTERVENTION_EVENTS:
            problems.append(f"{where}: unknown event {row.event!r}")
        url = row.source_url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            problems.append(f"{where}: source_url {url!r} is not an http(s) address")
    if problems:
        raise InterventionsError(f"{path}: " + "; ".join(problems))


def load_interventions(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """The shared interventions table, each council name resolved to its la_code, with the
    page each row comes from (``source_url``) and a short quote from it; and the event
    vocabulary as table ``intervention_events``."""
    from ofsted_record.register import resolve_name
    from ofsted_record.warehouse.events import INTERVENTION_EVENTS

    path = path or config.shared_path("interventions", "interventions.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    check_interventions(frame, path)
    frame = frame[list(INTERVENTION_COLUMNS)].copy()
    frame["source_url"] = frame["source_url"].str.strip()
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").dt.date
    frame.insert(
        0,
        "la_code",
        [
            resolve_name(name, on=day, source=str(path))
            for name, day in zip(frame["local_authority"], frame["date"], strict=True)
        ],
    )
    frame = frame.rename(columns={"local_authority": "council_as_written"})
    events = pd.DataFrame(
        [(code, e.label, e.kind) for code, e in INTERVENTION_EVENTS.items()],
        columns=["event", "label", "kind"],
    )
    for name, table in (("interventions", frame), ("intervention_events", events)):
        con.register(f"{name}_frame", table)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")


def _loaders(
    with_context: bool, with_fulltext: bool
) -> list[tuple[str, Callable[[duckdb.DuckDBPyConnection], object]]]:
    """The context and full-text tables' own loaders, as asked for."""
    from ofsted_record.context import load_into as context_load
    from ofsted_record.fulltext import load_into as fulltext_load

    wanted = (("context", context_load, with_context), ("fulltext", fulltext_load, with_fulltext))
    return [(name, load) for name, load, keep in wanted if keep]


def _temp_pid(temp: Path, path: Path) -> int | None:
    """The process id in ``.<name>.<pid>.tmp`` (or its ``.wal``), None if not such a name."""
    stem = temp.name.removesuffix(".wal").removesuffix(".tmp")
    pid = stem.removeprefix(f".{path.name}.")
    return int(pid) if pid.isdigit() and pid != stem else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete temporary files of builds whose process is gone (killed, or the machine stopped)."""
    removed = []
    for temp in sorted(path.parent.glob(f".{path.name}.*.tmp*")):
        pid = _temp_pid(temp, path)
        if pid is not None and pid != os.getpid() and not _running(pid):
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed


def build_warehouse(
    path: Path | None = None,
    processed: Path | None = None,
    *,
    with_fulltext: bool = True,
    with_context: bool = True,
) -> dict[str, float]:
    """Build the warehouse; returns seconds spent per step."""
    path = Path(path or config.warehouse_path())
    processed = Path(processed or config.processed_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    con = duckdb.connect(str(tmp))
    try:
        start = time.perf_counter()
        for spec in TABLES:
            load_table(con, spec, processed)
        load_interventions(con)
        timings["tables"] = time.perf_counter() - start
        for name, sql in sql_files():
            start = time.perf_counter()
            con.execute(sql)
            timings[f"sql {name}"] = time.perf_counter() - start
        for name, load in _loaders(with_context, with_fulltext):
            start = time.perf_counter()
            load(con)
            timings[name] = time.perf_counter() - start
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    return timings


def connect(path: Path | None = None, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (read-only by default, so notebooks can run side by side)."""
    path = Path(path or config.warehouse_path())
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `make warehouse` (or `make data`) first")
    # No progress bar: in a notebook or a site page DuckDB draws it as a Jupyter widget when a
    # query runs over 2 s (a busy machine), and Quarto then loads widget code from a CDN.
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    return con
