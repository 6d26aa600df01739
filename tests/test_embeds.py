"""Embeds: files, determinism, and the pages in headless Chromium (render, no console error, no
request off localhost, no horizontal scroll at 320 and 1024 px, iframe resizing)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ofsted_record.charts.catalogue import CATALOGUE, by_slug
from ofsted_record.embeds.build import build
from ofsted_record.embeds.page import DEFAULT_HEIGHT, snippet

FILES = ("index.html", "chart.png", "chart.svg", "chart.vl.json", "data.csv", "snippet.html")
SLUGS = [entry.slug for entry in CATALOGUE]


@pytest.fixture(scope="module")
def public(tmp_path_factory, con) -> Path:
    out = tmp_path_factory.mktemp("public")
    report = build(con, out, base_url="")
    assert not report.failed, report.failed
    return out


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
def embeds_server(public):
    server, url = _serve(public / "embeds")
    yield url
    server.shutdown()


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


def test_every_embed_has_its_files_and_one_shared_library(public):
    embeds = public / "embeds"
    assert (embeds / "lib" / "vega-bundle.js").stat().st_size > 100_000
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


def test_rebuild_is_byte_identical(public, con, tmp_path):
    # Three light charts (PNG and SVG included) rebuilt into a second folder.
    slugs = ("transitions", "inadequate-survival", "agency-workers-by-grade")
    build(con, tmp_path, entries=[by_slug(s) for s in slugs], base_url="")
    for slug in slugs:
        again = _digest(tmp_path / "embeds" / slug)
        first = _digest(public / "embeds" / slug)
        assert again == first, slug
    assert _digest(tmp_path / "embeds" / "lib") == _digest(public / "embeds" / "lib")


@pytest.mark.browser
@pytest.mark.parametrize("slug", SLUGS)
def test_embed_renders_offline_without_errors_and_fits(browser, embeds_server, slug):
    for width in (320, 1024):
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        outside: list[str] = []
        page.on(
            "console",
            lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

        def route(r, outside=outside):
            host = urlparse(r.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(f"{embeds_server}/{slug}/index.html")
        page.wait_for_selector("#chart svg .role-mark", timeout=20_000)
        page.wait_for_load_state("networkidle")
        marks = page.evaluate("document.querySelectorAll('#chart svg .role-mark > *').length")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        page.close()
        assert marks > 0, f"{slug} @ {width}px drew no marks"
        assert not errors, f"{slug} @ {width}px console errors: {errors}"
        assert not outside, f"{slug} requested outside localhost: {outside}"
        assert scroll <= inner, f"{slug} @ {width}px scrolls sideways ({scroll} > {inner})"


@pytest.mark.browser
def test_snippet_iframe_resizes_across_origins(browser, embeds_server, tmp_path):
    slug = "transitions"
    entry_title = "What the next inspection found"
    parent_html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>host</title></head><body>"
        "<p>Article text.</p>"
        + snippet(slug=slug, title=entry_title, src=f"{embeds_server}/{slug}/index.html")
        + "</body></html>"
    )
    (tmp_path / "article.html").write_text(parent_html)
    server, parent_url = _serve(tmp_path)
    try:
        assert urlparse(parent_url).port != urlparse(embeds_server).port
        page = browser.new_page(viewport={"width": 400, "height": 900})
        page.goto(f"{parent_url}/article.html")
        frame = page.locator("iframe")
        assert frame.get_attribute("title") == entry_title
        page.wait_for_function(
            f"document.querySelector('iframe').style.height !== '' && "
            f"parseInt(document.querySelector('iframe').style.height) !== {DEFAULT_HEIGHT}",
            timeout=20_000,
        )
        height = page.evaluate("parseInt(document.querySelector('iframe').style.height)")
        inner = page.frames[1].evaluate(
            "Math.ceil(document.documentElement.getBoundingClientRect().height)"
        )
        page.close()
        assert height == inner
    finally:
        server.shutdown()


@pytest.mark.browser
def test_snippet_ignores_messages_from_other_origins(browser, embeds_server, tmp_path):
    # A message of the right shape posted by the parent page itself (wrong origin/source)
    # must not resize the iframe.
    slug = "transitions"
    html_text = (
        "<!doctype html><html><body>"
        + snippet(slug=slug, title="t", src=f"{embeds_server}/{slug}/missing.html")
        + "</body></html>"
    )
    (tmp_path / "article.html").write_text(html_text)
    server, parent_url = _serve(tmp_path)
    try:
        page = browser.new_page()
        page.goto(f"{parent_url}/article.html")
        page.evaluate(
            "window.postMessage({type: 'ofsted-record:height', slug: 'transitions', height: 77}, '*')"
        )
        page.wait_for_timeout(300)
        style = page.evaluate("document.querySelector('iframe').style.height")
        page.close()
        assert style == ""
    finally:
        server.shutdown()
