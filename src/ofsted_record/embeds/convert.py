"""vl-convert, isolated per failure.

After one failed conversion, vl-convert's embedded JavaScript runtime stays broken: later, valid
specs fail in the same process too (issue 18, item 16: one bad chart took two good ones with it).
Conversions therefore run in one spawned worker process, which is thrown away after any failure,
so the next chart starts in a fresh runtime. A healthy build pays for one worker start only.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def _convert(kind: str, spec: dict[str, Any], scale: float) -> bytes | str:
    import vl_convert

    if kind == "png":
        return vl_convert.vegalite_to_png(spec, scale=scale)
    if kind == "svg":
        return vl_convert.vegalite_to_svg(spec)
    raise ValueError(f"unknown output {kind!r}")


class Converter:
    """PNG/SVG of Vega-Lite specs in a worker process that is replaced after a failure."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def _worker(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: forking a process whose Rust/V8 runtime has threads is unsafe
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool

    def _run(self, kind: str, spec: dict[str, Any], scale: float = 1.0) -> bytes | str:
        try:
            return self._worker().submit(_convert, kind, spec, scale).result()
        except Exception:
            self.reset()
            raise

    def png(self, spec: dict[str, Any], scale: float) -> bytes:
        out = self._run("png", spec, scale)
        assert isinstance(out, bytes)
        return out

    def svg(self, spec: dict[str, Any]) -> str:
        out = self._run("svg", spec)
        assert isinstance(out, str)
        return out

    def reset(self) -> None:
        """Discard the worker (and its JavaScript runtime); the next call starts a new one."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.reset()
