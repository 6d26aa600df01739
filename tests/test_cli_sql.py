"""`ofsted-record sql`: read-only queries on the real warehouse, every output format, and
refusal of anything that could change the record or touch files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ofsted_record import config
from ofsted_record.cli import app

COUNT_KENT = "SELECT count(*) AS n FROM inspections WHERE la_code = $code"


def sql(*args: str):
    return CliRunner().invoke(app, ["sql", *args], env={"COLUMNS": "80"})


def expected_inspections(la_code: str) -> int:
    frame = pd.read_csv(config.processed_dir() / "record_inspections.csv", dtype=str)
    return int((frame.la_code == la_code).sum())


def test_json_csv_and_table_agree_with_the_processed_table(warehouse_path: Path) -> None:
    want = expected_inspections("886")
    as_json = sql(COUNT_KENT, "-p", "code=886", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == [{"n": want}]
    as_csv = sql(COUNT_KENT, "-p", "code=886", "--csv")
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [{"n": str(want)}]
    table = sql(COUNT_KENT, "-p", "code=886")
    assert table.exit_code == 0 and str(want) in table.stdout and "1 row" in table.stdout


def test_parameters_are_bound_not_pasted(warehouse_path: Path) -> None:
    hostile = sql(COUNT_KENT, "-p", "code=886' OR '1'='1", "--json")
    assert hostile.exit_code == 0, hostile.output
    assert json.loads(hostile.stdout) == [{"n": 0}]


def test_file_and_parquet(warehouse_path: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.sql"
    query.write_text(
        "-- every council and its code\nSELECT la_code, name FROM councils ORDER BY la_code\n",
        encoding="utf-8",
    )
    out = tmp_path / "councils.parquet"
    result = sql("--file", str(query), "--parquet", str(out))
    assert result.exit_code == 0, result.output
    got = pq.read_table(out).to_pandas()
    councils = pd.read_csv(config.processed_dir() / "councils.csv", dtype=str)
    assert list(got.la_code) == sorted(councils.la_code)
    assert dict(zip(got.la_code, got.name, strict=True)) == dict(
        zip(councils.la_code, councils.name, strict=True)
    )


def test_wide_rows_read_at_80_columns(warehouse_path: Path) -> None:
    result = sql("SELECT * FROM inspection_facts ORDER BY inspection_id LIMIT 3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "-- row 1 --" in result.stdout and "source_url" in result.stdout


def test_table_rows_are_capped_and_say_so(warehouse_path: Path) -> None:
    result = sql("SELECT la_code FROM councils", "--max-rows", "5")
    assert result.exit_code == 0
    assert "first 5 shown" in result.stdout


@pytest.mark.parametrize(
    "query",
    [
        "DROP TABLE councils",
        "DELETE FROM inspections",
        "UPDATE councils SET name = 'x'",
        "INSERT INTO councils (la_code) VALUES ('999')",
        "CREATE TABLE t AS SELECT 1",
        "COPY councils TO '/tmp/ofsted-record-copy.csv'",
        "ATTACH '/tmp/ofsted-record-other.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "SELECT 1; DROP TABLE councils",
        "SELECT * FROM read_csv('/etc/passwd')",
    ],
)
def test_writes_and_file_access_are_refused(warehouse_path: Path, query: str) -> None:
    before = hashlib.sha256(warehouse_path.read_bytes()).hexdigest()
    result = sql(query)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    assert hashlib.sha256(warehouse_path.read_bytes()).hexdigest() == before
    assert not Path("/tmp/ofsted-record-copy.csv").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["SELEC 1"], "syntax error"),
        (["SELECT * FROM nowhere"], "nowhere"),
        (["SELECT $x"], "-p name=value"),
        (["SELECT 1", "-p", "y=2"], "not used"),
        (["SELECT 1", "-p", "novalue"], "name=value"),
        ([], "give a query or --file"),
        (["SELECT 1", "--csv", "--json"], "choose one"),
        (["--file", "/nonexistent/q.sql"], "cannot read"),
    ],
)
def test_errors_are_one_line_with_exit_2(
    warehouse_path: Path, args: list[str], needle: str
) -> None:
    result = sql(*args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr


def test_other_connections_in_the_process_are_not_locked(con) -> None:
    # The query's lock-down binds its own connection only: a notebook or test holding the
    # warehouse open can still load the search extension and read files afterwards.
    from ofsted_record.fulltext import store

    assert sql("SELECT count(*) FROM councils", "--json").exit_code == 0
    store.load_fts(con)
    path = config.processed_dir() / "councils.csv"
    assert con.execute("SELECT count(*) FROM read_csv($p)", {"p": str(path)}).fetchone()[0] > 100


def test_bm25_macros_work_in_sql(warehouse_path: Path) -> None:
    result = sql(
        "SELECT count(*) AS n FROM (SELECT fts_main_report_paragraphs.match_bm25(para_id, $q) AS s "
        "FROM report_paragraphs) WHERE s IS NOT NULL",
        "-p",
        "q=drift",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["n"] > 100
