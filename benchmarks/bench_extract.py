"""Extraction speed: full corpus from cold (no cache) and a no-change rerun (cache by sha256).

The rerun hashes every file (the cache is keyed by the bytes' sha256 only, never by path, size
or modification time), so it also reports the time spent hashing.
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
from ofsted_record.tables import sha256_file


def main() -> None:
    reports = config.reports_dir()
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp, "out"), Path(tmp, "cache")
        start = time.perf_counter()
        summary = run_extraction(reports, out, cache_dir=cache, progress=False)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        rerun = run_extraction(reports, out, cache_dir=cache, progress=False)
        warm = time.perf_counter() - start
        start = time.perf_counter()
        size = 0
        for rel in rerun.parsed:
            sha256_file(reports / rel)
            size += (reports / rel).stat().st_size
        hashing = time.perf_counter() - start
    print(
        f"files: {summary.total} ({len(summary.parsed)} parsed, {len(summary.quarantined)} quarantined)"
    )
    print(f"cores: {os.cpu_count()}")
    print(f"full corpus, cold cache: {cold:.2f} s")
    print(f"no-change rerun (cache): {warm:.2f} s ({rerun.parsed_now} files parsed again)")
    print(f"of which hashing alone: {hashing:.2f} s for {size / 1e6:.0f} MB of reports")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
