"""Site figures: `make site` fresh, with nothing changed and with one page's source changed;
page weight per page kind as a reader downloads it (raw and gzip, everything the page requests
from the site); browser and axe findings counts. ``--lighthouse`` also runs Lighthouse
(benchmarks/lighthouse_site.py) on each page kind. ``--weights-only [--site DIR]`` prints only
the page weights and, per page kind, the files Chromium marks render-blocking (resource timing's
``renderBlockingStatus``), which is what a phone waits for before its first paint.

Needs Quarto ($QUARTO or on PATH). ``--fresh`` first times a newcomer's first ``make site``: in a
fresh clone of the committed work (HEAD) in a temporary folder, venv included (pip's download
cache is whatever this machine has), and prints each stage's time: slow (about 3 min).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ofsted_record import config
from ofsted_record.site.audit import serve

ROOT = config.project_root()
KINDS = {
    "story": "site/index.html",
    "map": "site/map.html",
    "claims": "site/claims.html",
    "council (Kent)": "site/councils/kent.html",
    "councils index": "site/councils/index.html",
    "data": "site/data.html",
    "embed (national)": "site/embeds/national-grades/index.html",
}


def make_site() -> float:
    start = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "site"], cwd=ROOT, check=True)
    return time.perf_counter() - start


def fresh_clone_make_site() -> None:
    """`make site` in a fresh clone of HEAD; prints the total and each stage's own time."""
    shared = config.shared_data_dir().resolve()
    with tempfile.TemporaryDirectory(prefix="fresh-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {**os.environ, config.SHARED_DATA_ENV: str(shared)}
        start = time.perf_counter()
        done = subprocess.run(
            ["make", "--no-print-directory", "site", f"SHARED={shared}"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
        )
        total = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"fresh make site failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        stages = re.findall(r"^(\S+): ran in ([\d.]+) s", done.stdout, re.MULTILINE)
        render = re.search(r"rendered to .*\((\w+): (\d+) pages, (\d+) s\)", done.stdout)
        parts = [f"{name} {seconds} s" for name, seconds in stages]
        if render:
            parts.append(f"render {render.group(3)} s ({render.group(2)} pages)")
        print(f"make site, fresh clone (venv included): {total:.0f} s")
        print(f"  stages (some run two at a time): {', '.join(parts)}")


# Chromium's own verdict per file: which downloads the first paint waited for.
RENDER_BLOCKING_JS = """performance.getEntriesByType('resource')
  .filter(e => e.renderBlockingStatus === 'blocking').map(e => e.name)"""


def page_weights(root: Path) -> list[tuple[str, int, int, int, list[str], int]]:
    """(kind, requests, raw bytes, gzip bytes, render-blocking files, their gzip bytes) of
    everything each page loads from the site."""
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(root) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        for kind, path in KINDS.items():
            if not (root / path).exists():
                continue
            page = browser.new_page(viewport={"width": 390, "height": 900})
            responses: list = []
            page.on("requestfinished", lambda r, out=responses: out.append(r.response()))
            page.goto(f"{base}/{path}", wait_until="networkidle")
            bodies = {r.url: r.body() for r in responses if r is not None}
            blocking = page.evaluate(RENDER_BLOCKING_JS)
            page.close()
            raw = sum(len(b) for b in bodies.values())
            gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
            blocking_gz = sum(len(gzip.compress(bodies.get(u, b""), 6)) for u in blocking)
            names = [u.rsplit("/", 1)[-1] for u in blocking]
            rows.append((kind, len(bodies), raw, gz, names, blocking_gz))
        browser.close()
    return rows


def print_weights(site: Path) -> None:
    print(f"{'page kind':20} {'requests':>8} {'raw KB':>8} {'gzip KB':>8} {'blocking':>8}")
    for kind, n, raw, gz, blocking, blocking_gz in page_weights(site):
        print(
            f"{kind:20} {n:8d} {raw / 1e3:8.0f} {gz / 1e3:8.0f} "
            f"{len(blocking):3d} files, {blocking_gz / 1e3:.0f} KB gzip: {', '.join(blocking)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="time a fresh make site first")
    parser.add_argument("--lighthouse", action="store_true", help="run Lighthouse too")
    parser.add_argument("--weights-only", action="store_true", help="page weights only")
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="with --weights-only")
    args = parser.parse_args()
    if args.weights_only:
        print_weights(args.site)
        return
    if args.fresh:
        fresh_clone_make_site()
    print(f"make site (bring up to date): {make_site():.0f} s")
    print(f"make site, nothing changed: {make_site():.1f} s")
    page = ROOT / "site" / "councils" / "kent.qmd"
    original = page.read_text(encoding="utf-8")
    try:
        # One page's source changed (as a new report changes its council's page): only that
        # page re-renders. The stamp makes site-build regenerate it, restoring the text.
        page.write_text(original + "\n", encoding="utf-8")
        start = time.perf_counter()
        subprocess.run(["make", "--no-print-directory", "site-render"], cwd=ROOT, check=True)
        print(f"one page changed, site-render: {time.perf_counter() - start:.1f} s")
    finally:
        page.write_text(original, encoding="utf-8")
        subprocess.run(["make", "--no-print-directory", "site-render"], cwd=ROOT, check=True)
    site = ROOT / "_site"
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    print(f"_site: {total / 1e6:.1f} MB")
    print_weights(site)
    if args.lighthouse:
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "lighthouse_site.py")], cwd=ROOT, check=True
        )


if __name__ == "__main__":
    main()
