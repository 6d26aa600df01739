"""Speed of the council register: build time and name/URN/ONS lookups per second.

Run: ``.venv/bin/python benchmarks/bench_register.py`` (prints figures; not a test).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from ofsted_record.register import la_code_for_ons, la_code_for_urn, load_councils, resolve_name
from ofsted_record.register.build import build_register, write_register
from ofsted_record.register.resolve import CouncilRegister, default_register


def _per_call(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def main() -> None:
    start = time.perf_counter()
    register = build_register()
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        write_register(Path(tmp), register)
        start = time.perf_counter()
        CouncilRegister(Path(tmp))
        loaded = time.perf_counter() - start
    print(f"build_register (all inputs, incl. 40 MB ODS XML): {built:.2f} s")
    print(f"load tables into lookups: {loaded * 1000:.1f} ms")

    default_register()
    names = list(load_councils().name) + list(load_councils().short_name)
    start = time.perf_counter()
    for name in names:  # first sight of each name: normalisation + dict hit
        resolve_name(name, on=date(2018, 1, 1))
    cold = (time.perf_counter() - start) / len(names)
    warm = _per_call(lambda: resolve_name("London Borough of Barking & Dagenham"), 200_000)
    dated = _per_call(lambda: resolve_name("Dorset", on=date(2015, 6, 1)), 200_000)
    urn = _per_call(lambda: la_code_for_urn(80566), 200_000)
    ons = _per_call(lambda: la_code_for_ons("E10000002"), 200_000)
    print(f"resolve_name, first sight ({len(names)} names): {cold * 1e6:.1f} µs/call")
    print(f"resolve_name, repeated: {warm * 1e6:.2f} µs/call ({1 / warm:,.0f}/s)")
    print(f"resolve_name('Dorset', on=...), repeated: {dated * 1e6:.2f} µs/call")
    print(f"la_code_for_urn: {urn * 1e6:.2f} µs/call; la_code_for_ons: {ons * 1e6:.2f} µs/call")


if __name__ == "__main__":
    main()
