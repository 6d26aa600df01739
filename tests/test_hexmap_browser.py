"""The boundary map and the hex map in headless Chromium at phone and desktop widths.

Served as the site serves them (its own Vega bundle, the TopoJSON copied to ``assets/geo``) in a
minimal page shell like ``test_site_browser.py``. Measured on the SVG Vega draws: the map fills
its container, the drawn map is at least 60% of a phone's width with no tall blank band, and no
text is drawn outside its SVG or the viewport.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ofsted_record.site import assets, maps
from ofsted_record.site.embed import chart_html
from ofsted_record.site.paths import runtime_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = (320, 390, 1280)
# the site's map page (site.maps) and the published catalogue charts (charts.maps)
CHARTS = ("hex-map", "geo-map", "catalogue-hex-map", "catalogue-map")
MEASURE_JS = """
el => {
  const svg = el.querySelector('svg');
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                     width: r.width, height: r.height});
  const shapes = [...svg.querySelectorAll('.mark-shape path')].map(p => p.getBoundingClientRect())
    .filter(r => r.width > 0);
  const union = {
    left: Math.min(...shapes.map(r => r.left)), right: Math.max(...shapes.map(r => r.right)),
    top: Math.min(...shapes.map(r => r.top)), bottom: Math.max(...shapes.map(r => r.bottom)),
  };
  const legend = svg.querySelector('.role-legend');
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => [t.textContent, box(t.getBoundingClientRect())]);
  return {container: box(el.getBoundingClientRect()), svg: box(svg.getBoundingClientRect()),
          map: union, shapes: shapes.length,
          legendBottom: legend ? legend.getBoundingClientRect().bottom : null, texts};
}
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory, warehouse_path) -> Path:
    from ofsted_record.warehouse import connect

    root = tmp_path_factory.mktemp("maps")
    from ofsted_record.charts.catalogue import by_slug

    con = connect(warehouse_path)
    try:
        status = maps.map_status(con)
        catalogue = {slug: by_slug(slug).build(con)[1] for slug in ("hex-map", "map")}
    finally:
        con.close()
    fragments = [
        chart_html(maps.england_map(status, "hex"), "hex-map", raw_block=False),
        chart_html(maps.england_map(status, "boundaries"), "geo-map", raw_block=False),
        *(chart_html(c, f"catalogue-{s}", raw_block=False) for s, c in catalogue.items()),
    ]
    assets.write_bundle(root)
    assets.write_favicon(root)
    maps.copy_geography(root)
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>maps</title><link rel="icon" href="favicon.png">'
        # figure margins as the site's Bootstrap reboot sets them
        "<style>html{scrollbar-gutter:stable}body{margin:0}figure{margin:0 0 1rem}.orc-chart{container-type:inline-size}main{max-width:800px;margin:0 auto;padding:0 12px}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip:rect(0 0 0 0)}</style>"
        # the chart runtime where the site writes it (paths.runtime_path: the embeds' copy, stored once)
        f'<script type="module" src="{runtime_path(root).relative_to(root).as_posix()}">'
        "</script></head>"
        f"<body><main>{''.join(fragments)}</main></body></html>"
    )
    return root


@pytest.fixture(scope="module")
def measured(site, chromium_path, chromium_args) -> dict[tuple[int, str], dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
            try:
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    errors: list[str] = []
                    page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
                    page.on(
                        "console",
                        lambda m, e=errors: e.append(m.text) if m.type == "error" else None,
                    )
                    # generous timeouts: the test machine is shared
                    page.goto(
                        f"http://127.0.0.1:{server.server_address[1]}/index.html",
                        timeout=180000,
                    )
                    for chart in CHARTS:
                        # each map is drawn when it comes near the screen
                        page.eval_on_selector(f"#chart-{chart}", "el => el.scrollIntoView()")
                        # drawn: at least one vintage's councils have a visible shape
                        page.wait_for_function(
                            "id => [...document.querySelectorAll(`#${id} svg .mark-shape path`)]"
                            ".filter(p => p.getBoundingClientRect().width > 0).length >= 151",
                            arg=f"chart-{chart}",
                            timeout=180000,
                            polling=250,
                        )
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(300)
                    for chart in CHARTS:
                        out[width, chart] = page.eval_on_selector(f"#chart-{chart}", MEASURE_JS)
                        out[width, chart]["errors"] = errors
                        out[width, chart]["viewport"] = width
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("width", WIDTHS)
def test_map_fills_its_container_without_blank_bands(measured, width: int, chart: str) -> None:
    m = measured[width, chart]
    assert m["shapes"] >= 151  # every council of the vintage drawn
    assert m["svg"]["width"] >= 0.9 * m["container"]["width"], m["svg"]
    map_w = m["map"]["right"] - m["map"]["left"]
    map_h = m["map"]["bottom"] - m["map"]["top"]
    if width < 600:
        assert map_w >= 0.6 * width, (map_w, width)
    # the map itself is sized by the width: no band taller than a hexagon row above or below
    assert m["svg"]["bottom"] - m["map"]["bottom"] <= 0.06 * map_h + 12, m
    # (the colour key is HTML above the chart now; a legend left inside the SVG counts instead)
    above = m["legendBottom"] if m["legendBottom"] is not None else m["svg"]["top"]
    assert m["map"]["top"] - above <= 0.06 * map_h + 24, m
    # the box reserved for the map before it draws is no taller than the map and its date
    # picker: no blank band between the map and its source line
    assert m["container"]["bottom"] - m["svg"]["bottom"] <= 60, m
    # ... and on a desktop it stays within one screen height
    assert m["svg"]["height"] <= 1.6 * 900 if width < 600 else m["svg"]["height"] <= 1100


# Four maps on one page used to overflow Vega's call stack while sizing ("fit" autosize fed the
# drawn labels back into the width); and the hex labels at the left edge ran past the map at
# 320 px. Both are fixed by sizing the maps from their container alone (charts.maps.height_patch).
@pytest.mark.parametrize("width", WIDTHS)
def test_a_page_of_maps_draws_without_errors(measured, width: int) -> None:
    assert not measured[width, CHARTS[0]]["errors"]


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_text_outside_its_svg_or_the_viewport(measured, width: int, chart: str) -> None:
    m = measured[width, chart]
    svg = m["svg"]
    outside = [
        text
        for text, box in m["texts"]
        if box["left"] < max(svg["left"], 0) - 1
        or box["right"] > min(svg["right"], m["viewport"]) + 1
        or box["top"] < svg["top"] - 1
        or box["bottom"] > svg["bottom"] + 1
    ]
    assert not outside
    if "hex" in chart:  # the hexagons' labels were measured (titles and key are HTML now)
        assert len(m["texts"]) > 151


@pytest.mark.parametrize("chart", ["hex-map", "catalogue-hex-map"])
def test_hex_labels_are_drawn_and_legible_on_a_phone(measured, chart: str) -> None:
    m = measured[390, chart]
    labels = [t for t, box in m["texts"] if len(t) <= 3]
    assert len(labels) >= 153  # one label per council on the latest date
    assert {"Kent", "Brd", "BCP", "Cbd", "W&F", "NNo", "WNo"} - {"Kent"} <= set(labels)
    heights = sorted(box["height"] for t, box in m["texts"] if len(t) <= 3)
    assert heights[len(heights) // 2] >= 7  # readable size, not a speck


def test_hovering_a_council_shows_its_tooltip_in_plain_words(
    site, chromium_path, chromium_args
) -> None:
    """The runtime's own tooltip (vega-embed's is gone with vega-embed): hovering a hexagon
    shows a box announced as a tooltip with the council's fields as "Title: value" lines, in
    plain words (no ISO dates), and moving off the map hides it."""
    import re

    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
            page = browser.new_page(viewport={"width": 390, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html", timeout=180000)
            shapes = page.locator("#chart-hex-map svg .mark-shape path")
            page.wait_for_function(
                "() => document.querySelectorAll('#chart-hex-map svg .mark-shape path')"
                ".length >= 151",
                timeout=180000,
            )
            shapes.nth(40).scroll_into_view_if_needed()
            shapes.nth(40).hover(force=True)
            tip = page.locator("#orc-tooltip[role=tooltip]")
            tip.wait_for(state="visible", timeout=10000)
            lines = tip.inner_text().splitlines()
            box = tip.bounding_box()
            page.mouse.move(2, 2)
            page.wait_for_timeout(300)
            hidden = tip.is_hidden()
            browser.close()
    finally:
        server.shutdown()
    assert len(lines) >= 2, lines
    assert all(re.match(r"^[A-Z][^:]*: \S", line) for line in lines), lines
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in lines), lines
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert hidden
