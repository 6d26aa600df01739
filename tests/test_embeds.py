"""Embeds: files, addresses, determinism, and the pages in headless Chromium (render under their
Content-Security-Policy, no console error, no request off localhost, no horizontal scroll,
iframe resizing across origins, nothing clipped without the resize script, links in new tabs,
dark mode, the file:// fallback), plus hostile data (issue 18, items 15 and 16)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import altair as alt
import pandas as pd
import pytest

from ofsted_record.charts.catalogue import CATALOGUE, by_slug
from ofsted_record.charts.colour import contrast_ratio
from ofsted_record.charts.palette import GRADE_COLOURS
from ofsted_record.embeds import page as pages
from ofsted_record.embeds.build import build
from ofsted_record.embeds.scriptjson import script_json
from ofsted_record.embeds.urls import EMBEDS_PATH, RelativeURLError, configured_site_url

FILES = (
    "index.html",
    "chart.png",
    "chart.svg",
    "chart.vl.json",
    "data.csv",
    "snippet.html",
    "fallback.png",
    "oembed.json",
)
SLUGS = [entry.slug for entry in CATALOGUE]
WIDTHS = (320, 375, 600, 1024)
HOSTILE = "Barnet <!--<script> </script> & \u2028\u2029 \"quoted\" 'single'"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


def _serve(directory: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A loopback "production" site: its address is the build's site URL, so every snippet
    points at it, as it would at the public site."""
    root = tmp_path_factory.mktemp("site")
    server, url = _serve(root)
    yield root, url
    server.shutdown()


@pytest.fixture(scope="module")
def public(site, con) -> Path:
    root, url = site
    out = root / "site"  # build(public_dir) writes <public_dir>/embeds = <url>/site/embeds
    report = build(con, out, site_url=url)
    assert not report.failed, report.failed
    return out


@pytest.fixture(scope="module")
def embeds_url(site, public) -> str:
    return f"{site[1]}/{EMBEDS_PATH}"


@pytest.fixture(scope="module")
def browser(chromium_path, chromium_args):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        yield b
        b.close()


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _src(snippet: str) -> str:
    return html.unescape(re.search(r'<iframe src="([^"]*)"', snippet).group(1))


# Chromium's layout-shift entries (what Lighthouse's CLS sums), from the first paint on.
LAYOUT_SHIFTS = """window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__layoutShift += e.value;
}).observe({type: "layout-shift", buffered: true});"""


def _watch(page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


# --- files, addresses ------------------------------------------------------------------------


def test_every_embed_has_its_files_and_one_shared_library(public):
    embeds = public / "embeds"
    assert (embeds / "lib" / pages.LIB_NAME).stat().st_size > 100_000
    assert {p.name for p in (embeds / "lib").iterdir()} == {
        pages.LIB_NAME,
        pages.RUNTIME_NAME,
        pages.JS_NAME,
        pages.CSS_NAME,
    }
    # Vega alone: specs are compiled at build time, so neither Vega-Lite nor vega-embed ships
    lib = (embeds / "lib" / pages.LIB_NAME).read_text()
    assert "vegaEmbed" not in lib and "vega-lite" not in lib.lower()
    assert len(lib) < 600_000
    for slug in SLUGS:
        for name in FILES:
            assert (embeds / slug / name).stat().st_size > 0, f"{slug}/{name}"
        page = (embeds / slug / "index.html").read_text()
        assert '<meta name="robots" content="noindex, indexifembedded">' in page
        assert '<div class="visually-hidden" id="chart-summary">' in page
        assert "Get the data" in page and "Download image" in page
        assert "https://cdn" not in page and "jsdelivr" not in page
        assert (public / "charts" / f"{slug}.vl.json").exists()
        assert (public / "charts" / f"{slug}.png").read_bytes()[:4] == b"\x89PNG"


def test_pages_have_a_csp_and_no_inline_script(public):
    for slug in SLUGS:
        page = (public / "embeds" / slug / "index.html").read_text()
        policy = html.unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', page)[1])
        scripts = dict(p.split(" ", 1) for p in policy.split("; ") if " " in p)
        assert scripts["script-src"].startswith("'self'")
        assert "unsafe-inline" not in scripts["script-src"]
        assert scripts["default-src"] == "'none'"
        # Only scripts with a src, and the spec as a JSON data block (not executed).
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert " src=" in tag or 'type="application/json"' in tag, (slug, tag)


def test_snippets_and_oembed_use_the_site_address(public, site):
    url = site[1]
    for slug in SLUGS:
        folder = public / "embeds" / slug
        snippet = (folder / "snippet.html").read_text()
        assert _src(snippet) == f"{url}/{EMBEDS_PATH}/{slug}/index.html"
        meta = json.loads((folder / "oembed.json").read_text())
        assert meta["type"] == "rich" and meta["version"] == "1.0"
        assert meta["html"] == snippet
        assert meta["thumbnail_url"] == f"{url}/{EMBEDS_PATH}/{slug}/chart.png"
        page = (folder / "index.html").read_text()
        link = re.search(
            r'<link rel="alternate" type="application/json\+oembed" href="([^"]*)"', page
        )
        assert link and link[1] == f"{url}/{EMBEDS_PATH}/{slug}/oembed.json"
        assert re.search(r"Updated \d{1,2} [A-Z][a-z]+ \d{4}</p>", page), slug


def test_production_build_refuses_relative_snippets(con, tmp_path, monkeypatch):
    monkeypatch.delenv("OFSTED_SITE_URL", raising=False)
    entry = [by_slug("transitions")]
    for bad in ("", "site/embeds", "ftp://example.org", "javascript:alert(1)"):
        with pytest.raises(RelativeURLError, match="site-url"):
            build(con, tmp_path / "out", entries=entry, site_url=bad)
        assert not (tmp_path / "out" / "embeds" / "transitions").exists()
    report = build(con, tmp_path / "preview", entries=entry, site_url="", preview=True)
    assert report.written == ["transitions"]
    snippet = (tmp_path / "preview" / "embeds" / "transitions" / "snippet.html").read_text()
    assert _src(snippet) == "../transitions/index.html"


def test_site_url_comes_from_quarto_yml_with_an_env_override(tmp_path, monkeypatch):
    monkeypatch.delenv("OFSTED_SITE_URL", raising=False)
    (tmp_path / "_quarto.yml").write_text('website:\n  site-url: "https://example.org/x"\n')
    assert configured_site_url(tmp_path) == "https://example.org/x"
    monkeypatch.setenv("OFSTED_SITE_URL", "http://127.0.0.1:8000")
    assert configured_site_url(tmp_path) == "http://127.0.0.1:8000"
    # The project's own setting is an absolute web address.
    monkeypatch.delenv("OFSTED_SITE_URL")
    assert configured_site_url().startswith("https://")


def test_rebuild_is_byte_identical(public, con, tmp_path, site):
    # Three light charts (PNG and SVG included) rebuilt into a second folder.
    slugs = ("transitions", "inadequate-survival", "agency-workers-by-grade")
    build(con, tmp_path, entries=[by_slug(s) for s in slugs], site_url=site[1])
    for slug in slugs:
        assert _digest(tmp_path / "embeds" / slug) == _digest(public / "embeds" / slug), slug
    assert _digest(tmp_path / "embeds" / "lib") == _digest(public / "embeds" / "lib")


def test_addresses_do_not_change_when_the_data_do(con, tmp_path):
    """A data refresh changes the page in place: same folder, file names, snippet and links."""
    entry = by_slug("transitions")
    fewer = dataclasses.replace(entry, data=lambda c: entry.data(c).iloc[:-3])
    build(con, tmp_path / "a", entries=[entry], site_url="https://example.org")
    build(con, tmp_path / "b", entries=[fewer], site_url="https://example.org")
    a, b = tmp_path / "a" / "embeds" / "transitions", tmp_path / "b" / "embeds" / "transitions"
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    assert (a / "data.csv").read_text() != (b / "data.csv").read_text()
    assert (a / "index.html").read_text() != (b / "index.html").read_text()
    links = re.compile(r'(?:href|src)="([^"]*)"')
    assert links.findall((a / "index.html").read_text()) == links.findall(
        (b / "index.html").read_text()
    )
    assert _src((a / "snippet.html").read_text()) == _src((b / "snippet.html").read_text())
    for name in links.findall((a / "index.html").read_text()):
        assert not re.search(r"[0-9a-f]{8,}", urlparse(name).path), name  # no hash in a path


# --- hostile data (issue 18, items 15 and 16) -----------------------------------------------


def test_script_json_escapes_every_script_state():
    value = {"name": HOSTILE}
    text = script_json(value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == value
    from ofsted_record.site.embed import script_json as site_script_json

    assert site_script_json(value) == script_json(value, sort_keys=True)


def _with_hostile_council(entry):
    def data(con):
        frame = entry.data(con).copy()
        frame.loc[frame.index[0], "council"] = HOSTILE
        return frame

    return dataclasses.replace(entry, data=data)


def test_javascript_link_is_refused_and_other_charts_still_build(con, tmp_path):
    survival = by_slug("inadequate-survival")

    def bad_links(c):
        frame = survival.data(c).copy()
        frame["report_url"] = ["https://files.ofsted.gov.uk/v1/file/1"] * (len(frame) - 1) + [
            "javascript:alert(1)"
        ]
        return frame

    bad = dataclasses.replace(survival, slug="bad-links", data=bad_links)
    report = build(con, tmp_path, entries=[bad, by_slug("transitions")], site_url="https://e.org")
    assert report.written == ["transitions"]
    reason = report.failed["bad-links"]
    assert "UnsafeLinkError" in reason and "javascript:alert(1)" in reason
    assert f"row {len(survival.data(con))}" in reason
    assert not (tmp_path / "embeds" / "bad-links").exists()


def test_a_failed_conversion_does_not_break_the_next_chart(con, tmp_path, public):
    """vl-convert fails on a javascript: href (not from a URL column, so it gets that far);
    its runtime then stays broken in the same process, which must not reach the next chart."""
    frame = pd.DataFrame({"a": [1, 2], "u": ["javascript:alert(1)", "javascript:void(0)"]})
    chart = (
        alt.Chart(frame)
        .mark_point()
        .encode(x="a:Q", href="u:N")
        .properties(title={"text": "t", "subtitle": ["Source: test"]}, description="Points.")
    )
    bad = dataclasses.replace(
        by_slug("transitions"), slug="bad-convert", data=lambda c: frame, chart=lambda f: chart
    )
    entries = [bad, by_slug("transitions"), by_slug("inadequate-survival")]
    report = build(con, tmp_path, entries=entries, site_url="http://127.0.0.1:1")
    assert list(report.failed) == ["bad-convert"], report.failed
    assert report.written == ["transitions", "inadequate-survival"]
    for slug in report.written:  # and byte-identical to a clean build's images
        for name in ("chart.png", "chart.svg", "fallback.png"):
            ours, clean = tmp_path / "embeds" / slug / name, public / "embeds" / slug / name
            assert ours.read_bytes() == clean.read_bytes(), (slug, name)


@pytest.mark.browser
def test_hostile_council_name_still_draws(con, tmp_path, browser):
    entry = _with_hostile_council(by_slug("agency-workers-by-grade"))
    report = build(con, tmp_path, entries=[entry], site_url="https://e.org")
    assert not report.failed, report.failed
    server, url = _serve(tmp_path / "embeds")
    try:
        page = browser.new_page()
        errors: list[str] = []
        _watch(page, errors)
        page.goto(f"{url}/agency-workers-by-grade/index.html")
        page.wait_for_selector("#chart svg .role-mark", timeout=20_000)
        names = page.evaluate(
            "JSON.stringify(JSON.parse(document.getElementById('chart-spec').textContent))"
        )
        footer = page.locator("footer").is_visible()
        page.close()
    finally:
        server.shutdown()
    assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in names
    assert footer and not errors, errors


# --- browser: pages ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("slug", SLUGS)
def test_embed_renders_offline_without_errors_and_fits(browser, embeds_url, slug):
    """Every chart kind the project publishes, at a small phone, a phone and a desktop: drawn,
    offline, no sideways scroll, the chart at least 90% of its container's width, no title,
    legend or axis text outside its SVG or the screen (the site's own audit probe), and the
    page does not jump when the chart is drawn (its height is reserved: layout shift 0.03-0.15
    before, for the maps most)."""
    from ofsted_record.site.audit import CHART_TEXT, PAGE_PROBE

    for width in (320, 390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        outside: list[str] = []
        _watch(page, errors)

        def route(r, outside=outside):
            if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.add_init_script(LAYOUT_SHIFTS)
        page.goto(f"{embeds_url}/{slug}/index.html")
        page.wait_for_selector("#chart svg .role-mark", timeout=20_000)
        page.wait_for_load_state("networkidle")
        marks = page.evaluate("document.querySelectorAll('#chart svg .role-mark > *').length")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        fallback = page.locator("img.fallback").count()
        svg_w, box_w = page.evaluate(
            "[document.querySelector('#chart svg').getBoundingClientRect().width,"
            " document.querySelector('#chart').getBoundingClientRect().width]"
        )
        clipped = page.evaluate(PAGE_PROBE, CHART_TEXT)["clipped"]
        shift = page.evaluate("window.__layoutShift")
        page.close()
        assert marks > 0, f"{slug} @ {width}px drew no marks"
        assert shift <= 0.02, f"{slug} @ {width}px moved as the chart was drawn: shift {shift:.3f}"
        assert not errors, f"{slug} @ {width}px console errors: {errors}"
        assert not outside, f"{slug} requested outside localhost: {outside}"
        assert scroll <= inner, f"{slug} @ {width}px scrolls sideways ({scroll} > {inner})"
        assert fallback == 0, f"{slug} @ {width}px fell back to the image"
        assert svg_w >= 0.9 * box_w, f"{slug} @ {width}px chart {svg_w} px in {box_w} px"
        assert not clipped, f"{slug} @ {width}px text clipped: {clipped}"


def _host(tmp_path: Path, public: Path, keep_script: bool) -> str:
    """An article page with every snippet pasted, as is or with the scripts stripped."""
    parts = ["<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"]
    parts.append("<title>host</title></head><body>")
    for slug in SLUGS:
        snippet = (public / "embeds" / slug / "snippet.html").read_text()
        if not keep_script:
            snippet = re.sub(r"<script>.*?</script>", "", snippet, flags=re.S)
        parts.append(f"<p>Article text before {slug}.</p>{snippet}")
    (tmp_path / "article.html").write_text("".join(parts) + "</body></html>")
    return "article.html"


INNER = "Math.ceil(document.documentElement.getBoundingClientRect().height)"
# Bottom edges, in the frame's own coordinates, of the Source line and the two outer links.
BOTTOMS = """() => {
  const links = [...document.querySelectorAll("footer a")];
  const pick = (text) => links.find((a) => a.textContent === text);
  const items = {source: document.querySelector("footer p"), data: pick("Get the data"),
                 spec: pick("Chart spec")};
  return Object.fromEntries(Object.entries(items).map(([k, el]) => {
    const box = el.getBoundingClientRect();
    return [k, box.height > 0 ? box.bottom : null];
  }));
}"""


def _check_fit(page, slug: str, width: int, with_script: bool) -> None:
    iframe = page.locator(f'iframe[data-ofsted-record-slug="{slug}"]')
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_selector("#chart svg .role-mark", timeout=20_000)
    if with_script:  # exact: the frame's height is its page's height
        for _ in range(100):
            outer = iframe.evaluate("(f) => f.getBoundingClientRect().height")
            if abs(outer - frame.evaluate(INNER)) <= 1:
                break
            page.wait_for_timeout(200)
        assert abs(outer - frame.evaluate(INNER)) <= 1, (slug, width, outer)
    inner = frame.evaluate("window.innerHeight")
    for name, bottom in frame.evaluate(BOTTOMS).items():
        assert bottom is not None and bottom <= inner, (slug, width, name, bottom, inner)
    assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.parametrize("with_script", [False, True], ids=["script-stripped", "with-script"])
def test_snippets_show_everything_across_origins(
    browser, public, embeds_url, tmp_path, with_script
):
    name = _host(tmp_path, public, keep_script=with_script)
    server, host_url = _serve(tmp_path)
    try:
        assert urlparse(host_url).port != urlparse(embeds_url).port  # two origins
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors: list[str] = []
            _watch(page, errors)
            page.goto(f"{host_url}/{name}")
            for slug in SLUGS:
                _check_fit(page, slug, width, with_script)
            page.close()
            assert not errors, (width, errors)
    finally:
        server.shutdown()


@pytest.mark.browser
def test_snippet_ignores_messages_from_other_origins(browser, public, tmp_path):
    # A message of the right shape posted by the parent page itself (wrong origin/source)
    # must not resize the iframe.
    snippet = (public / "embeds" / "transitions" / "snippet.html").read_text()
    snippet = snippet.replace("/transitions/index.html", "/transitions/missing.html")
    (tmp_path / "article.html").write_text(f"<!doctype html><html><body>{snippet}</body></html>")
    server, parent_url = _serve(tmp_path)
    try:
        page = browser.new_page()
        page.goto(f"{parent_url}/article.html")
        before = page.evaluate("document.querySelector('iframe').style.height")
        page.evaluate(
            "window.postMessage({type: 'ofsted-record:height', slug: 'transitions', height: 77}, '*')"
        )
        page.wait_for_timeout(300)
        after = page.evaluate("document.querySelector('iframe').style.height")
        page.close()
        assert after == before != "77px"
    finally:
        server.shutdown()


@pytest.mark.browser
def test_page_posts_datawrapper_and_pym_heights(browser, public, embeds_url, tmp_path):
    (tmp_path / "host.html").write_text(
        "<!doctype html><html><body><script>window.got = [];"
        "addEventListener('message', (e) => window.got.push(e.data));</script>"
        f"<iframe src='{embeds_url}/transitions/index.html?childId=c1'"
        " style='width:100%;height:300px'></iframe></body></html>"
    )
    server, url = _serve(tmp_path)
    try:
        page = browser.new_page(viewport={"width": 600, "height": 900})
        page.goto(f"{url}/host.html")
        page.wait_for_function("window.got.length >= 3", timeout=20_000)
        page.wait_for_timeout(500)
        got = page.evaluate("window.got")
        page.close()
    finally:
        server.shutdown()
    last = {type(m).__name__ + (next(iter(m)) if isinstance(m, dict) else ""): m for m in got}
    ours, dw, pym = last["dicttype"], last["dictdatawrapper-height"], last["str"]
    assert ours["slug"] == "transitions" and ours["height"] > 300
    assert dw == {"datawrapper-height": {"transitions": ours["height"]}}
    assert pym == f"pymxPYMxc1xPYMxheightxPYMx{ours['height']}"


@pytest.mark.browser
def test_links_and_map_clicks_open_new_tabs(browser, public, embeds_url, tmp_path):
    snippet = (public / "embeds" / "map" / "snippet.html").read_text()
    (tmp_path / "article.html").write_text(f"<!doctype html><html><body>{snippet}</body></html>")
    for slug in SLUGS:
        page = (public / "embeds" / slug / "index.html").read_text()
        for tag in re.findall(r"<a\b[^>]*>", page):
            assert 'target="_blank"' in tag and 'rel="noopener"' in tag, (slug, tag)
    server, url = _serve(tmp_path)
    try:
        context = browser.new_context(viewport={"width": 600, "height": 1000})
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if urlparse(r.request.url).hostname == "127.0.0.1"
                else r.fulfill(body="report", content_type="text/plain")
            ),
        )
        page = context.new_page()
        page.goto(f"{url}/article.html")
        frame = page.locator("iframe").element_handle().content_frame()
        frame.wait_for_selector("#chart svg .role-mark path", timeout=20_000)
        shape = frame.locator("#chart svg .role-mark path").nth(40)
        with context.expect_page(timeout=10_000) as opened:
            shape.click(force=True)
        popup = opened.value
        popup.wait_for_load_state()
        frame_url = frame.url
        report_url = popup.url
        context.close()
    finally:
        server.shutdown()
    assert frame_url == f"{embeds_url}/map/index.html"  # the embed did not navigate away
    assert report_url.startswith("https://")


@pytest.mark.browser
def test_dark_mode_renders_and_keeps_the_grades_apart(browser, embeds_url):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.emulate_media(color_scheme="dark")
    errors: list[str] = []
    _watch(page, errors)
    page.goto(f"{embeds_url}/regions/index.html")
    page.wait_for_selector("#chart svg .role-mark", timeout=20_000)
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    svg_bg = page.evaluate("document.querySelector('#chart svg').style.backgroundColor")
    ink = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
    page.close()
    assert not errors
    dark = tuple(int(pages.DARK["background"][i : i + 2], 16) for i in (1, 3, 5))
    assert body == svg_bg == f"rgb({dark[0]}, {dark[1]}, {dark[2]})"
    assert ink != "rgb(31, 31, 31)"
    bg = pages.DARK["background"]
    assert (
        contrast_ratio(pages.DARK["ink"], bg) >= 7
        and contrast_ratio(pages.DARK["muted"], bg) >= 4.5
    )
    assert contrast_ratio(pages.DARK["link"], bg) >= 4.5
    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    low = [g for g in grades if contrast_ratio(GRADE_COLOURS[g], bg) < 3]
    # At most one grade is dim against the background (as requires improvement is on white),
    # and it is outlined: white separators in the chart, a light edge on the key's swatch.
    assert len(low) <= 1, low
    assert contrast_ratio("#ffffff", bg) >= 3 and contrast_ratio(pages.DARK["swatch_edge"], bg) >= 3


@pytest.mark.browser
def test_file_url_falls_back_to_one_image_without_repeating_the_headline(browser, public):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto((public / "embeds" / "regions" / "index.html").as_uri())
    page.wait_for_selector("img.fallback", timeout=10_000)
    page.wait_for_function("document.querySelector('img.fallback').naturalWidth > 0")
    shown = page.evaluate("document.querySelector('img.fallback').getAttribute('src')")
    headlines = page.locator("h1").count()
    page.close()
    assert shown == pages.FALLBACK_NAME and headlines == 1
    # The fallback image is the page's spec (no title block, no legend), not the full PNG.
    spec = json.loads((public / "embeds" / "regions" / "chart.vl.json").read_text())
    shown_spec = pages.page_spec(spec)
    assert "title" not in shown_spec and '"legend":null' in json.dumps(
        shown_spec, separators=(",", ":")
    )
    import struct

    def png_height(path: Path) -> int:
        return struct.unpack(">I", path.read_bytes()[20:24])[0]

    folder = public / "embeds" / "regions"
    assert png_height(folder / "fallback.png") < png_height(folder / "chart.png")


# --- gallery -------------------------------------------------------------------------------


@pytest.mark.browser
def test_gallery_shows_each_snippet_exactly_with_a_working_copy_button(browser, public, tmp_path):
    import shutil

    from ofsted_record.site.gallery import embed_entries, gallery_markdown

    shutil.copytree(public / "embeds", tmp_path / "embeds")
    entries = embed_entries(tmp_path)
    assert [e["slug"] for e in entries] == sorted(SLUGS)  # no "lib" entry
    markdown = gallery_markdown(tmp_path)
    body = re.sub(r"```\{=html\}\n|\n```\n", "", markdown)
    (tmp_path / "gallery.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"</head><body>{body}</body></html>"
    )
    server, url = _serve(tmp_path)
    try:
        page = browser.new_page(viewport={"width": 900, "height": 900})
        errors: list[str] = []
        _watch(page, errors)
        page.goto(f"{url}/gallery.html")
        for slug in SLUGS:
            shown = page.evaluate(f"document.getElementById('snippet-{slug}').textContent")
            assert shown == (public / "embeds" / slug / "snippet.html").read_text(), slug
        frames = page.locator("iframe")
        assert frames.count() == len(SLUGS)
        assert all(frames.nth(i).get_attribute("loading") == "lazy" for i in range(len(SLUGS)))
        button = page.get_by_role("button", name="Copy the code").first
        button.click()
        page.wait_for_function(
            "document.querySelector('.copy-status').textContent.length > 0", timeout=5_000
        )
        status = page.locator(".copy-status").first.text_content()
        selected = page.evaluate("String(window.getSelection())")
        first = page.locator("iframe").first
        first.scroll_into_view_if_needed()
        first.element_handle().content_frame().wait_for_selector(
            "#chart svg .role-mark", timeout=20_000
        )
        page.close()
    finally:
        server.shutdown()
    assert not errors, errors
    # Without clipboard permission the code is selected, copied by the older command or ready
    # for Ctrl+C.
    assert status in ("Copied.", "The code is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.")
    if status != "Copied." or selected:
        assert selected == (public / "embeds" / sorted(SLUGS)[0] / "snippet.html").read_text()
