"""Benchmark the full text: corpus extraction time and phrase-search latency.

Targets: extraction of the whole corpus in <= 15 s with 2 worker processes; search over every
paragraph of every report in <= 50 ms. Run: ``.venv/bin/python benchmarks/bench_fulltext.py``
(``--skip-extract`` to time search only against the committed paragraphs.parquet).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from ofsted_record import config
from ofsted_record.fulltext import store, themes
from ofsted_record.fulltext.build import build, output_dir

QUERIES = [
    "child sexual exploitation",
    "widespread and serious failures",
    "CSE",
    "agency staff",
    "case management system",
    "covid-19",
    "children's",
    "zebra crossing at the moon",  # no hits
]


def _cpu() -> float:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bench_extract(jobs: int) -> None:
    load = os.getloadavg()[0]
    cpu0 = _cpu()
    with tempfile.TemporaryDirectory() as tmp:
        summary = build(config.reports_dir(), Path(tmp), jobs=jobs, progress=False)
        size = (Path(tmp) / "paragraphs.parquet").stat().st_size
    cpu = _cpu() - cpu0
    print(
        f"extract: {summary.ok}/{summary.files} reports, {summary.pages} pages, "
        f"{summary.paragraphs} paragraphs in {summary.seconds:.2f} s with {jobs} workers "
        f"({summary.pages / summary.seconds:.0f} pages/s); parquet {size / 1e6:.1f} MB"
    )
    # The machine is shared: CPU seconds / workers is the wall time on otherwise idle cores.
    print(f"extract: {cpu:.1f} CPU s in total (load average before: {load:.1f})")


def bench_search(repeats: int) -> None:
    con = duckdb.connect()
    start = time.perf_counter()
    info = store.load_into(con, output_dir(), fts=False)
    print(f"load_into: {info['paragraphs']} paragraphs in {time.perf_counter() - start:.2f} s")
    for phrase in QUERIES:
        store.search(phrase, con=con)  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            hits = store.search(phrase, con=con)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(
            f"search {phrase!r:36} hits={hits.attrs['total']:6d} "
            f"median={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms"
        )
    t0 = time.perf_counter()
    shares = themes.theme_shares(con)
    print(f"theme_shares: {len(shares)} rows in {time.perf_counter() - t0:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-extract", action="store_true")
    args = parser.parse_args()
    if not args.skip_extract:
        bench_extract(args.jobs)
    bench_search(args.repeats)


if __name__ == "__main__":
    main()
