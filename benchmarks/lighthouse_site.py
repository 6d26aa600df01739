"""Lighthouse (npm lighthouse@12.2.3, headless Debian Chromium) on each page kind of the
rendered site, served gzip-compressed from a loopback server, mobile emulation (Lighthouse's
default) and desktop. Prints performance, accessibility, LCP, TBT and CLS per page kind, each
the median of ``--runs`` runs (3 by default: single runs vary by several points on a busy
machine). ``--why`` also prints, from the median run, the largest-contentful-paint element, its
time split (time to first byte, load delay, load time, render delay) and the render-blocking
files.

Install once: ``make lighthouse`` (npm into the git-ignored .cache/node; ``$LIGHTHOUSE`` points
at another install). Run after ``make site``:
``python benchmarks/lighthouse_site.py [--desktop] [--runs N] [--why]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import statistics
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench_site import KINDS as SITE_KINDS  # benchmarks/ is this script's folder

from ofsted_record import config

ROOT = config.project_root()
LIGHTHOUSE = Path(
    os.environ.get("LIGHTHOUSE", ROOT / ".cache" / "node" / "node_modules" / ".bin" / "lighthouse")
)
# The six page kinds issue 13 names: bench_site's page kinds but the data page.
KINDS = {kind: path for kind, path in SITE_KINDS.items() if kind != "data"}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-encoded when the browser accepts it (as any real host would)."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not (kind.startswith(COMPRESSIBLE) or path.suffix == ".topojson")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def run(url: str, desktop: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if desktop:
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")}
        subprocess.run(command, check=True, env=env, capture_output=True)
        report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        # what keeps accessibility under 100, and what blocks the first paint
        "a11y_failing": [
            ref["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref.get("weight")
            and (audits[ref["id"]].get("score") or 0) < 1
            and audits[ref["id"]].get("scoreDisplayMode") == "binary"
        ],
        "blocking_error": audits.get("render-blocking-resources", {}).get("errorMessage"),
        "blocking": [
            item["url"].rsplit("/", 1)[-1]
            for item in audits.get("render-blocking-resources", {})
            .get("details", {})
            .get("items", [])
        ],
        "lcp_element": _lcp_element(audits),
        "lcp_phases": _lcp_phases(audits),
    }


def _lcp_element(audits: dict) -> str:
    """The LCP element's selector and a snippet of it, as Lighthouse reports it (or why not:
    Lighthouse 12.2's trace engine fails on Chromium 156's traces for this audit and for
    render-blocking-resources; ``bench_site.py`` lists blocking files from Chromium itself)."""
    error = audits.get("largest-contentful-paint-element", {}).get("errorMessage")
    if error:
        return f"(Lighthouse error: {error[:90]})"
    for item in (
        audits.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    ):
        for sub in item.get("items", [item]):
            node = sub.get("node")
            if node:
                return f"{node.get('selector', '')} {node.get('snippet', '')[:80]}"
    return "(none)"


def _lcp_phases(audits: dict) -> dict[str, float]:
    """LCP split into Lighthouse's phases (ms): TTFB, load delay, load time, render delay."""
    for item in (
        audits.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    ):
        phases = [sub for sub in item.get("items", []) if "phase" in sub]
        if phases:
            return {sub["phase"]: sub["timing"] for sub in phases}
    return {}


def median_run(url: str, desktop: bool, runs: int) -> tuple[dict, list[dict]]:
    """Median of each metric over ``runs`` runs, and the runs (the median-LCP one first)."""
    results = [run(url, desktop) for _ in range(runs)]
    median = {
        key: statistics.median(r[key] for r in results)
        for key in ("performance", "accessibility", "lcp_s", "tbt_ms", "cls")
    }
    results.sort(key=lambda r: abs(r["lcp_s"] - median["lcp_s"]))
    return median, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--desktop", action="store_true", help="desktop preset, not mobile")
    parser.add_argument("--site", type=Path, default=ROOT / "_site")
    parser.add_argument("--only", action="append", choices=list(KINDS), help="page kind(s)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page kind (median)")
    parser.add_argument("--why", action="store_true", help="LCP element, phases, blocking files")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: run `make lighthouse`")
    handler = lambda *a, **k: GzipHandler(*a, directory=str(args.site), **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    mode = "desktop" if args.desktop else "mobile"
    print(f"Lighthouse 12.2.3, {mode}, gzip static server, median of {args.runs} run(s)")
    print(f"{'page kind':18} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6}")
    try:
        for kind, path in KINDS.items():
            if args.only and kind not in args.only:
                continue
            if not (args.site / path).exists():
                print(f"{kind:18} (not rendered)")
                continue
            m, runs = median_run(f"{base}/{path}", args.desktop, args.runs)
            print(
                f"{kind:18} {m['performance']:5.0f} {m['accessibility']:5.0f} {m['lcp_s']:6.2f} "
                f"{m['tbt_ms']:7.0f} {m['cls']:6.3f}",
                flush=True,
            )
            r = runs[0]
            if r["a11y_failing"]:
                print(f"{'':18} accessibility audits failing: {', '.join(r['a11y_failing'])}")
            if r["blocking"]:
                print(f"{'':18} render-blocking: {len(r['blocking'])} files")
            if args.why:
                print(f"{'':18} all runs LCP s: {[round(x['lcp_s'], 2) for x in runs]}")
                print(f"{'':18} all runs FCP s: {[round(x['fcp_s'], 2) for x in runs]}")
                print(f"{'':18} LCP element: {r['lcp_element']}")
                phases = ", ".join(f"{k} {v:.0f} ms" for k, v in r["lcp_phases"].items())
                print(f"{'':18} LCP phases: {phases or '(not reported)'}")
                if r["blocking"]:
                    print(f"{'':18} blocking: {', '.join(r['blocking'])}")
                elif r["blocking_error"]:
                    print(f"{'':18} render-blocking audit failed: {r['blocking_error'][:90]}")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
