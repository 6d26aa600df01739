"""The map page's payload and its time to first draw on a phone-class device.

Builds the map page's parts (time control, both maps, their geometry, the Vega bundle) into a
temporary folder, serves it on loopback, and prints:

* per map, the bytes a reader fetches for every month: the map's geometry file, its spec as
  inlined in the page and the month data (shared by both maps, counted in full for each),
  raw and gzip (level 9, what a static host typically serves), against the 300 KB gzip budget;
* the time from navigation to the first map drawn (the hex map, the one in view; the boundary
  map below it is drawn when the reader scrolls near it) in headless Chromium at 390 px with
  the CPU throttled 4x (CDP ``Emulation.setCPUThrottlingRate``), median of three loads, against
  the 2 s budget for the first draw; the time to the boundary map drawn when scrolled to at
  once; and the time from moving the control to both maps redrawn.

The Vega bundle and the chart runtime that imports it (shared by every page of the site, cached
once) are listed apart.
Run: ``.venv/bin/python benchmarks/bench_map.py`` (needs the warehouse and Chromium).
"""

from __future__ import annotations

import functools
import gzip
import shutil
import statistics
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ofsted_record.site import assets, maps
from ofsted_record.site.embed import chart_html
from ofsted_record.site.paths import bundle_path, runtime_path
from ofsted_record.warehouse import connect

KB = 1024
BUDGET_GZIP = 300 * KB
BUDGET_FIRST_DRAW_MS = 2000
THROTTLE = 4
WIDTH = 390
RUNS = 3
SITE_ASSETS = Path(__file__).resolve().parents[1] / "site" / "assets"
DRAWN = (
    "ids => ids.every(id => document.querySelectorAll(`#${id} svg .mark-shape path`).length >= 150)"
)


def sizes(data: bytes) -> tuple[int, int]:
    return len(data), len(gzip.compress(data, 9, mtime=0))


def build(root: Path) -> dict[str, dict[str, bytes]]:
    """Write the page into ``root``; return each map's parts as bytes."""
    con = connect()
    try:
        status = maps.month_status(con)
        payload = maps.month_payload(status, maps.council_slugs(con))
    finally:
        con.close()
    assets.write_bundle(root)
    assets.write_favicon(root)
    geo = {p.name: p for p in maps.copy_geography(root)}
    for name in (Path(maps.SCRIPT).name, Path(maps.STYLE).name):
        shutil.copyfile(SITE_ASSETS / name, root / "assets" / name)
    control = maps.month_control_html(payload)
    charts = {
        kind: chart_html(maps.england_map(status, kind), chart_id, raw_block=False)
        for kind, chart_id in (("hex", "hex-map"), ("boundaries", "geo-map"))
    }
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>maps</title><link rel="icon" href="favicon.png">'
        "<style>body{margin:0}.orc-chart{container-type:inline-size}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden}</style>"
        f'<script type="module" src="{runtime_path(root).relative_to(root).as_posix()}">'
        "</script></head><body><main>"
        + control
        + charts["hex"]
        + charts["boundaries"]
        + maps.month_script_html()
        + "</main></body></html>",
        encoding="utf-8",
    )
    script = (SITE_ASSETS / Path(maps.SCRIPT).name).read_bytes()
    return {
        kind: {
            "geometry": geo[maps.geo_file(kind)].read_bytes(),
            "spec": charts[kind].encode(),
            "month data, control and script": control.encode() + script,
        }
        for kind in ("hex", "boundaries")
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def timings(root: Path, throttle: int = THROTTLE) -> dict[str, list[float]]:
    """Per load: ``scripts`` (the load event: the chart runtime and the page's scripts run),
    ``hex`` (the hex map, in view at load, drawn: the first draw), ``first`` (both maps drawn,
    the boundary map scrolled to right after the first), ``move`` (control moved, both maps
    redrawn), in ms."""
    from playwright.sync_api import sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    out: dict[str, list[float]] = {"scripts": [], "hex": [], "first": [], "move": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            try:
                for _ in range(RUNS):
                    context = browser.new_context(viewport={"width": WIDTH, "height": 844})
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                    page.goto(url)
                    # the hex map is the first the page shows (on a phone the only one in view)
                    page.wait_for_function(
                        DRAWN, arg=["chart-hex-map"], polling="raf", timeout=120000
                    )
                    out["hex"].append(page.evaluate("performance.now()"))
                    # the boundary map is drawn when the reader scrolls near it
                    page.evaluate("document.getElementById('chart-geo-map').scrollIntoView()")
                    page.wait_for_function(
                        DRAWN, arg=["chart-hex-map", "chart-geo-map"], polling="raf", timeout=120000
                    )
                    out["first"].append(page.evaluate("performance.now()"))
                    out["scripts"].append(
                        page.evaluate(
                            "performance.getEntriesByType('navigation')[0].loadEventStart"
                        )
                    )
                    page.wait_for_selector("#month-control[data-ready=true]")
                    out["move"].append(
                        page.evaluate(
                            """async () => {
                              const t0 = performance.now();
                              const s = document.getElementById('month-slider');
                              s.value = '30'; s.dispatchEvent(new Event('input'));
                              for (const id of ['chart-hex-map', 'chart-geo-map']) {
                                const r = await document.getElementById(id).orcEmbed;
                                await r.view.runAsync();
                              }
                              return performance.now() - t0;
                            }"""
                        )
                    )
                    context.close()
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        parts = build(root)
        bundle = bundle_path(root).read_bytes()
        raw, gz = sizes(bundle)
        print(
            f"Vega bundle (shared by every page, cached once): {raw / KB:.0f} KB raw, "
            f"{gz / KB:.0f} KB gzip"
        )
        raw, gz = sizes(runtime_path(root).read_bytes())
        print(
            f"chart runtime charts.js (in the head): {raw / KB:.1f} KB raw, {gz / KB:.1f} KB gzip"
        )
        over = False
        for kind, named in parts.items():
            print(f"{kind} map, every month:")
            total_raw = total_gz = 0
            for name, data in named.items():
                raw, gz = sizes(data)
                total_raw += raw
                total_gz += gz
                print(f"  {name:<32}{raw / KB:>8.1f} KB raw {gz / KB:>7.1f} KB gzip")
            flag = "ok" if total_gz <= BUDGET_GZIP else "OVER BUDGET"
            over |= total_gz > BUDGET_GZIP
            print(
                f"  {'total':<32}{total_raw / KB:>8.1f} KB raw {total_gz / KB:>7.1f} KB gzip"
                f" (budget {BUDGET_GZIP / KB:.0f} KB gzip: {flag})"
            )
        for throttle in (THROTTLE, 1):
            t = timings(root, throttle)
            median = statistics.median(t["hex"])
            flag = "ok" if median <= BUDGET_FIRST_DRAW_MS else "OVER BUDGET"
            runs = ", ".join(f"{v:.0f}" for v in t["hex"])
            print(
                f"CPU throttled {throttle}x, {WIDTH} px: first map drawn (the hex map, the one in "
                f"view) {median:.0f} ms after navigation (median of {runs}; budget "
                f"{BUDGET_FIRST_DRAW_MS} ms: {flag}); page scripts run by "
                f"{statistics.median(t['scripts']):.0f} ms; the boundary map, scrolled to at once, "
                f"drawn by {statistics.median(t['first']):.0f} ms; a move of the control redrawn "
                f"in {statistics.median(t['move']):.0f} ms"
            )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
