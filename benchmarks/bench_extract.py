"""Extraction speed: full corpus from cold (no cache) and a no-change rerun (cache by sha256).

Targets (issue 2): full corpus <= 10 s wall on 2 cores, no-change rerun <= 1 s.
Run: .venv/bin/python benchmarks/bench_extract.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from ofsted_record import config
from ofsted_record.extract.pipeline import run_extraction


def main() -> None:
    reports = config.reports_dir()
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp, "out"), Path(tmp, "cache")
        start = time.perf_counter()
        summary = run_extraction(reports, out, cache_dir=cache, progress=False)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        run_extraction(reports, out, cache_dir=cache, progress=False)
        warm = time.perf_counter() - start
    print(
        f"files: {summary.total} ({len(summary.parsed)} parsed, {len(summary.quarantined)} quarantined)"
    )
    print(f"cores: {os.cpu_count()}")
    print(f"full corpus, cold cache: {cold:.2f} s")
    print(f"no-change rerun (cache): {warm:.2f} s")


if __name__ == "__main__":
    main()
