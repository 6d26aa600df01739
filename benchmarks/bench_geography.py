"""Print build time and file size per geography vintage (`python benchmarks/bench_geography.py`)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ofsted_record.geography.build import MAX_BYTES, build_all


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        built = build_all(Path(tmp), previews=False)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        build_all(Path(tmp), previews=True)
        with_previews = time.perf_counter() - start
    print(f"{'kind':<11}{'vintage':<9}{'areas':>6}{'bytes':>10}{'% of limit':>12}  tolerance")
    for b in built:
        share = 100 * b.bytes / MAX_BYTES
        print(
            f"{b.kind:<11}{b.vintage:<9}{b.features:>6}{b.bytes:>10,}{share:>11.0f}%  {b.tolerance:g}"
        )
    print(f"build, all vintages, no previews: {elapsed:.1f} s")
    print(f"build, all vintages, with previews: {with_previews:.1f} s")


if __name__ == "__main__":
    main()
