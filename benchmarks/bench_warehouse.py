"""Warehouse speed: whole build, and the standing of every council for every month in one query.

Targets (issue 4): build <= 10 s; monthly standing 2009-2026 <= 200 ms.
Run: .venv/bin/python benchmarks/bench_warehouse.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from ofsted_record.warehouse import build_warehouse, connect, queries


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "w.duckdb")
        start = time.perf_counter()
        build_warehouse(path)
        build = time.perf_counter() - start
        start = time.perf_counter()
        build_warehouse(path, with_fulltext=False)
        build_no_text = time.perf_counter() - start
        con = connect(path)
        times = []
        for _ in range(7):
            start = time.perf_counter()
            frame = queries.standing_monthly(con)
            times.append(time.perf_counter() - start)
        con.close()
    print(f"warehouse build (with full text): {build:.2f} s")
    print(f"warehouse build (without full text): {build_no_text:.2f} s")
    print(
        f"standing_monthly: {len(frame)} rows, median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f} ms, 7 runs)"
    )


if __name__ == "__main__":
    main()
