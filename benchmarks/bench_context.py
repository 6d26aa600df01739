"""Time the context build stages and the warehouse load; print figures (not a test)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb


def _timed(label: str, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
    return out


def main() -> None:
    from ofsted_record.context import build, ees, imd, lait, neighbours, ro3
    from ofsted_record.context.warehouse import load_into

    _timed("EES exports (b1,c1,d3,d5,cla,csww,pop)", ees.extract)
    _timed("LAIT (two parquet copies)", lait.extract)
    _timed("RO3 (three ODS workbooks)", ro3.extract)
    _timed("IMD re-aggregation (3 vintages)", imd.extract)
    _timed("statistical neighbours", neighbours.extract)
    result = _timed("full build", build.build)
    with tempfile.TemporaryDirectory() as tmp:
        paths = _timed("write CSVs", lambda: build.write(result, Path(tmp)))
        size = sum(p.stat().st_size for p in paths)
        rows = sum(len(df) for df in result.tables.values())
        print(f"{'tables / rows / bytes':<40} {len(paths)} / {rows} / {size}")
        con = duckdb.connect()
        _timed("load_into (DuckDB, in memory)", lambda: load_into(con, Path(tmp)))


if __name__ == "__main__":
    main()
