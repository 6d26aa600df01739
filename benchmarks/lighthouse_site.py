"""Lighthouse (npm lighthouse@12.2.3, headless Debian Chromium) on each page kind of the
rendered site, served gzip-compressed from a loopback server, mobile emulation (Lighthouse's
default) and desktop. Prints performance, accessibility, LCP, TBT and CLS per page kind.

Install once: ``make lighthouse`` (npm into the git-ignored .cache/node). Run after
``make site``: ``python benchmarks/lighthouse_site.py [--desktop]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ofsted_record import config

ROOT = config.project_root()
LIGHTHOUSE = ROOT / ".cache" / "node" / "node_modules" / ".bin" / "lighthouse"
KINDS = {
    "story": "site/index.html",
    "map": "site/map.html",
    "claims": "site/claims.html",
    "council (Kent)": "site/councils/kent.html",
    "councils index": "site/councils/index.html",
    "embed (national)": "site/embeds/national-grades/index.html",
}
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
        "blocking": [
            item["url"].rsplit("/", 1)[-1]
            for item in audits.get("render-blocking-resources", {})
            .get("details", {})
            .get("items", [])
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--desktop", action="store_true", help="desktop preset, not mobile")
    parser.add_argument("--site", type=Path, default=ROOT / "_site")
    parser.add_argument("--only", action="append", choices=list(KINDS), help="page kind(s)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: run `make lighthouse`")
    handler = lambda *a, **k: GzipHandler(*a, directory=str(args.site), **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    mode = "desktop" if args.desktop else "mobile"
    print(f"Lighthouse 12.2.3, {mode}, gzip static server")
    print(f"{'page kind':18} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6}")
    try:
        for kind, path in KINDS.items():
            if args.only and kind not in args.only:
                continue
            if not (args.site / path).exists():
                print(f"{kind:18} (not rendered)")
                continue
            r = run(f"{base}/{path}", args.desktop)
            print(
                f"{kind:18} {r['performance']:5d} {r['accessibility']:5d} {r['lcp_s']:6.2f} "
                f"{r['tbt_ms']:7.0f} {r['cls']:6.3f}"
            )
            if r["a11y_failing"]:
                print(f"{'':18} accessibility audits failing: {', '.join(r['a11y_failing'])}")
            if r["blocking"]:
                print(f"{'':18} render-blocking: {len(r['blocking'])} files")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
