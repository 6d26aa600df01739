"""Time each reporter notebook end to end through a Jupyter kernel (target: <= 20 s each).

Run: .venv/bin/python benchmarks/bench_notebooks.py   (needs the warehouse: make warehouse)
Prints one line per notebook (wall seconds, kernel start included) and exits 1 if any notebook
fails or misses the target.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ofsted_record import notebooks as nbs

TARGET_SECONDS = 20.0
RUNS = [(name, {}) for name in nbs.NOTEBOOKS] + [
    ("07_council_deep_dive", {"council": c}) for c in ("Northamptonshire", "Cumberland")
]


def main() -> int:
    slow_or_failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, params in RUNS:
            label = nbs.output_name(name, params)
            start = time.perf_counter()
            try:
                done = nbs.execute(name, params, out_dir=Path(tmp))
            except nbs.NotebookFailed as exc:
                print(f"{label:<45} FAILED {exc}")
                slow_or_failed += 1
                continue
            wall = time.perf_counter() - start
            size = done.path.stat().st_size / 1e6
            flag = "" if wall <= TARGET_SECONDS else f"  SLOWER THAN {TARGET_SECONDS:.0f}s"
            slow_or_failed += bool(flag)
            print(f"{label:<45} {wall:6.2f} s  ({size:.2f} MB executed){flag}")
    return 1 if slow_or_failed else 0


if __name__ == "__main__":
    sys.exit(main())
