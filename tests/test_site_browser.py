"""Charts as the site serves them, in headless Chromium: the chart runtime and the Vega bundle
from the site itself, charts drawn, no console errors, no request leaving localhost. Without
Quarto the pieces the build writes (council page chart fragments, map charts, the home page
charts) are served in a minimal HTML shell. The rendered site (real Quarto) is checked page by
page in ``tests/test_rendered_site.py``."""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ofsted_record.site import assets, frames, maps
from ofsted_record.site.audit import DRAW_ALL_JS
from ofsted_record.site.councils import write_council_pages
from ofsted_record.site.embed import chart_html

RAW = re.compile(r"```\{=html\}\n(.*?)\n```", re.DOTALL)
pytestmark = [pytest.mark.browser, pytest.mark.slow]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def serve():
    servers = []

    def start(root: Path) -> str:
        handler = functools.partial(_Quiet, directory=str(root))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _shell(title: str, fragments: list[str], depth: int) -> str:
    up = "../" * depth
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="icon" href="{up}favicon.png">'
        f"<style>.visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}</style>"
        f'<script type="module" src="{up}embeds/lib/charts.js"></script></head>'
        f'<body><main style="max-width:800px">{"".join(fragments)}</main></body></html>'
    )


def _check(
    chromium: tuple[str, list[str]], base: str, paths: list[str], shots: Path | None = None
) -> dict[str, int]:
    chromium_path, chromium_args = chromium
    from playwright.sync_api import sync_playwright

    drawn: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            for path in paths:
                page = browser.new_page(viewport={"width": 900, "height": 900})
                errors: list[str] = []
                outside: list[str] = []
                page.on(
                    "console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None
                )
                page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
                page.on("requestfailed", lambda r, e=errors: e.append(f"failed {r.url}"))
                page.on(
                    "request",
                    lambda r, o=outside: o.append(r.url) if not r.url.startswith(base) else None,
                )
                page.goto(f"{base}/{path}", wait_until="networkidle")
                ids = page.eval_on_selector_all(".orc-vega", "els => els.map(e => e.id)")
                page.evaluate(DRAW_ALL_JS)  # charts draw as they come near the screen
                for chart_id in ids:
                    page.wait_for_selector(
                        f"#{chart_id} svg .mark-group, #{chart_id} svg path", timeout=15000
                    )
                page.wait_for_load_state("networkidle")
                sizes = page.eval_on_selector_all(
                    ".orc-vega",
                    "els => els.map(e => [e.id, e.getBoundingClientRect().width, e.querySelectorAll('svg path').length])",
                )
                for chart_id, width, marks in sizes:
                    # A chart squeezed to its content (vega-embed's inline-block) or with no marks fails.
                    assert width > 300 and marks >= 5, (
                        f"{path}: {chart_id} width {width}, {marks} marks"
                    )
                assert not errors, f"{path}: console errors {errors}"
                assert not outside, f"{path}: requests outside localhost {outside}"
                drawn[path] = len(ids)
                if shots is not None:
                    page.screenshot(
                        path=str(shots / (path.replace("/", "_") + ".png")), full_page=True
                    )
                page.close()
        finally:
            browser.close()
    return drawn


def test_generated_charts_render_offline(
    tmp_path, chromium_path, chromium_args, warehouse_path, serve
):
    from ofsted_record.charts.national import national_chart
    from ofsted_record.warehouse import connect

    site = tmp_path / "site"
    con = connect(warehouse_path)
    try:
        pages = write_council_pages(con, site)
        status = maps.map_status(con)
        home = [
            chart_html(maps.england_map(status, "hex"), "hex-map", raw_block=False),
            chart_html(maps.england_map(status, "boundaries"), "geo-map", raw_block=False),
            chart_html(national_chart(frames.national(con)), "national", raw_block=False),
        ]
    finally:
        con.close()
    assets.write_bundle(site)
    assets.write_favicon(site)
    maps.copy_geography(site)
    (site / "index.html").write_text(_shell("home", home, 0))
    council_paths = []
    for slug in ("cumbria", "kent", "birmingham"):
        fragment = RAW.findall((site / "councils" / f"{slug}.qmd").read_text())
        (site / "councils" / f"{slug}.html").write_text(_shell(slug, fragment, 1))
        council_paths.append(f"councils/{slug}.html")
    assert len(pages) > 150
    base = serve(site)
    drawn = _check((chromium_path, chromium_args), base, ["index.html", *council_paths])
    assert drawn == {"index.html": 3, **{p: 1 for p in council_paths}}


def test_quarto_missing_message_is_clear(monkeypatch):
    from ofsted_record.site import build

    monkeypatch.setenv("QUARTO", "/nonexistent/quarto")
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    monkeypatch.setattr(build.sys, "executable", "/nonexistent/python")
    with pytest.raises(build.QuartoMissing, match="QUARTO"):
        build.find_quarto(install=False)


def test_charts_draw_as_they_come_near_the_screen(tmp_path, chromium_path, chromium_args, serve):
    """A chart far below the screen is not drawn at load (a long page's charts drawn at once
    blocked a phone's main thread); scrolled to, it draws. So does a chart a page script drives
    (with params, like the map page's second map): the script gets its view when it is drawn."""
    from playwright.sync_api import sync_playwright

    spec = {
        "description": "A test chart",
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
        "width": "container",
        "height": 100,
    }
    driven = {**spec, "params": [{"name": "p", "value": 1}]}
    page_html = _shell(
        "lazy",
        [
            chart_html(spec, "top", raw_block=False),
            '<div style="height:6000px"></div>',
            chart_html(spec, "far", raw_block=False),
            chart_html(driven, "driven", raw_block=False),
        ],
        0,
    )
    assets.write_bundle(tmp_path)
    assets.write_favicon(tmp_path)
    (tmp_path / "index.html").write_text(page_html)
    base = serve(tmp_path)
    drawn = "id => !!document.querySelector(`#chart-${id} svg`)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            page.goto(f"{base}/index.html", wait_until="networkidle")
            page.wait_for_function(drawn, arg="top", timeout=15000)
            page.wait_for_timeout(300)
            assert not page.evaluate(drawn, "far")
            assert not page.evaluate(drawn, "driven")
            page.evaluate(DRAW_ALL_JS)
            page.wait_for_function(drawn, arg="far", timeout=15000)
            page.wait_for_function(drawn, arg="driven", timeout=15000)
            # the embed's promise resolves to the view, for page scripts
            assert page.evaluate(
                "async () => typeof (await document.getElementById('chart-far').orcEmbed)"
                ".view.signal === 'function'"
            )
        finally:
            browser.close()
