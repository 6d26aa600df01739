"""The published site as readers get it: rendered by a real Quarto, every page opened in headless
Chromium at a phone width (390 px) and a desktop width (1280 px).

The session fixture brings ``_site`` up to date the way ``make site`` does (the generated parts
when their inputs changed, then an incremental render; ``make test`` has usually done both
already, so this is a no-op). Without Quarto the tests skip with the reason; ``.ci/run`` installs
Quarto and sets REQUIRE_QUARTO=1, which turns the skip into a failure. axe-core comes from npm
(``make axe``, into the git-ignored ``.cache/node``); REQUIRE_BROWSER=1 makes its absence a
failure too.

Each test asserts one kind of problem over every page and lists every offender, so one run
shows everything that is wrong.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import _need  # tests/ is on sys.path (rootdir conftest)

from ofsted_record import config

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = config.project_root()
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# Every page kind a reader meets, by where Quarto writes it.
EXPECTED = {
    "story": "site/index.html",
    "map": "site/map.html",
    "claims": "site/claims.html",
    "council": "site/councils/kent.html",
    "councils index": "site/councils/index.html",
    "data": "site/data.html",
    "methodology": "site/methodology.html",
}
MAX_LISTED = 25


def _quarto() -> str:
    for candidate in (os.environ.get("QUARTO"), shutil.which("quarto")):
        if candidate and Path(candidate).exists():
            return candidate
    _need(
        "REQUIRE_QUARTO",
        "Quarto not installed: set $QUARTO or put quarto on PATH (.ci/run installs it from "
        "../shared/tools/quarto); the rendered-site tests need a real render",
    )
    raise AssertionError("unreachable")


def _listing(items: list[str]) -> str:
    head = "\n  ".join(items[:MAX_LISTED])
    more = f"\n  ... and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return f"{len(items)}:\n  {head}{more}"


@pytest.fixture(scope="session")
def rendered(warehouse_path):
    """Bring the generated pages and ``_site`` up to date; returns the render result."""
    quarto = _quarto()
    from ofsted_record.site.build import render

    lock_path = ROOT / ".cache" / "site" / "render.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers: one render at a time
        build = subprocess.run(
            ["make", "--no-print-directory", "site-parts", f"PY={sys.executable}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert build.returncode == 0, build.stdout + build.stderr
        start = time.perf_counter()
        result = render(ROOT, quarto)
        result.seconds = time.perf_counter() - start
    return result


@pytest.fixture(scope="session")
def site_root(rendered) -> Path:
    return rendered.out


@pytest.fixture(scope="session")
def findings(site_root, chromium_path, chromium_args):
    if not AXE.exists():
        _need("REQUIRE_BROWSER", f"axe-core not installed at {AXE} (run `make axe`)")
    from ofsted_record.site.audit import audit_site

    start = time.perf_counter()
    results = audit_site(site_root, chromium_path, chromium_args, axe_path=AXE)
    elapsed = time.perf_counter() - start
    print(f"\nbrowser audit: {len(results)} page loads in {elapsed:.0f} s")
    return results


# --- the render itself ------------------------------------------------------------------------


def test_render_prints_no_warning(rendered):
    lines = [f"{page}: {line}" for page, found in rendered.warnings.items() for line in found]
    assert not lines, "Quarto printed warnings " + _listing(lines)


def test_render_leaves_tracked_files_alone(rendered):
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", ".gitignore", "_quarto.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.stdout.strip() == "", f"rendering modified tracked files: {status.stdout}"


def test_every_page_kind_is_rendered(site_root):
    missing = [
        f"{kind}: {path}" for kind, path in EXPECTED.items() if not (site_root / path).exists()
    ]
    assert not missing, f"pages not rendered: {missing}"
    from ofsted_record.site.audit import site_pages

    councils = [p for p in site_pages(site_root) if p.startswith("site/councils/")]
    from ofsted_record.tables import read_csv

    register = read_csv(config.processed_dir() / "councils.csv")
    assert len(councils) == len(register) + 1  # + the index


def test_only_the_site_is_published(site_root):
    """Resource patterns are anchored: Quarto's working folders never reach the output."""
    leaked = sorted(
        p.relative_to(site_root).as_posix()
        for p in site_root.rglob("*")
        if {"_freeze", ".quarto", "execute-results"} & set(p.relative_to(site_root).parts)
    )
    assert not leaked, f"working files published: {leaked[:10]}"


def test_every_page_has_a_meta_description(site_root):
    from ofsted_record.site.audit import site_pages

    missing = []
    for page in site_pages(site_root):
        if "/embeds/" in page or page == "index.html":
            continue  # embed pages and snippets are fragments for other sites
        text = (site_root / page).read_text(encoding="utf-8")
        if '<meta name="description"' not in text:
            missing.append(page)
    assert not missing, "pages without a meta description " + _listing(missing)


def test_no_head_script_blocks_the_first_paint(site_root):
    """Every ``<script src>`` in every page's head is ``defer``, ``async`` or a module (Quarto
    writes its libraries as blocking scripts; the post-render step defers them)."""
    from ofsted_record.site.audit import site_pages
    from ofsted_record.site.postrender import blocking_head_scripts

    pages = site_pages(site_root)
    assert pages
    blocking = [
        f"{page}: {src}"
        for page in pages
        for src in blocking_head_scripts((site_root / page).read_text(encoding="utf-8"))
    ]
    assert not blocking, "render-blocking scripts in the head " + _listing(blocking)


def test_council_summary_shown_once(site_root):
    """The summary sentence is the description (meta tag and under the title), once."""
    import html
    import re

    text = (site_root / "site/councils/kent.html").read_text(encoding="utf-8")

    def plain(s: str) -> str:
        return html.unescape(s).replace("\u2019", "'")

    meta = re.search(r'<meta name="description" content="([^"]+)"', text)
    assert meta, "no meta description on a council page"
    probe = plain(meta.group(1))[:50]
    head, body = text.split("</head>", 1)
    shown = plain(re.sub(r"<[^>]+>", "", body))
    assert shown.count(probe) == 1, f"the summary sentence is shown {shown.count(probe)} times"


def test_data_page_shows_no_raw_backticks(site_root):
    import re

    body = (site_root / "site/data.html").read_text(encoding="utf-8").split("<main", 1)[1]
    visible = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    visible = re.sub(r"<[^>]+>", "", visible)
    assert "`" not in visible, f"{visible.count('`')} raw backticks on the data page"


# --- every page in Chromium ---------------------------------------------------------------------


def test_reader_text_has_plain_words(site_root):
    """No ISO date, code name or raw web address in what a reader reads, on any page or embed
    (code spans are exempt: the data page names columns for reporters on purpose)."""
    from ofsted_record.site.audit import plain_words_problems

    problems = plain_words_problems(site_root)
    assert not problems, _listing(problems)


def test_plain_words_scan_catches_problems(tmp_path):
    from ofsted_record.site.audit import plain_words_problems

    (tmp_path / "a.html").write_text(
        "<p>Published 2016-03-14 under the ended_by rule, see https://example.org</p>"
        "<p><code>la_code</code> 14 March 2016</p><script>var x_y = '2016-03-14';</script>"
    )
    assert plain_words_problems(tmp_path) == [
        "a.html: an ISO date (2016-03-14)",
        "a.html: a code name (ended_by)",
        "a.html: a raw web address (https://)",
    ]


def test_every_page_opened(findings, site_root):
    from ofsted_record.site.audit import WIDTHS, site_pages

    assert len(findings) == len(site_pages(site_root)) * len(WIDTHS)
    errors = [f"{f.label}: {f.error}" for f in findings if f.error]
    assert not errors, "pages that could not be audited " + _listing(errors)


def test_no_console_errors(findings):
    bad = [f"{f.label}: {f.console[:2]}" for f in findings if f.console]
    assert not bad, "console errors " + _listing(bad)


def test_no_request_leaves_the_server(findings):
    bad = [f"{f.label}: {f.outside[:2]}" for f in findings if f.outside]
    assert not bad, "requests outside the local server " + _listing(bad)


def test_no_http_errors(findings):
    bad = [f"{f.label}: {f.http_errors[:2]}" for f in findings if f.http_errors]
    assert not bad, "HTTP errors " + _listing(bad)


def test_no_broken_links_or_anchors(findings, site_root):
    from ofsted_record.site.audit import broken_links

    bad = broken_links(site_root, findings)
    assert not bad, "broken internal links " + _listing(bad)


def test_no_duplicate_ids(findings):
    bad = [f"{f.label}: {f.duplicate_ids[:5]}" for f in findings if f.duplicate_ids]
    assert not bad, "duplicate ids " + _listing(bad)


def test_no_horizontal_scroll(findings):
    bad = [f"{f.label}: {f.scroll_width} px wide" for f in findings if f.scroll_width > f.viewport]
    assert not bad, "pages wider than the screen " + _listing(bad)


def test_every_chart_is_drawn(findings):
    from ofsted_record.site.audit import chart_problems

    drawn = sum(len(f.charts) for f in findings)
    assert drawn > 0, "no chart drawn anywhere"
    bad = [f"{f.label}: {p}" for f in findings for p in chart_problems(f)]
    assert not bad, "charts not drawn " + _listing(bad)
    kinds = {f.path: len(f.charts) for f in findings}
    for page in ("site/index.html", "site/map.html", "site/claims.html", EXPECTED["council"]):
        assert kinds.get(page), f"{page}: no chart drawn"


def test_no_chart_text_clipped(findings):
    from ofsted_record.site.audit import clipped_text

    bad = [line for f in findings for line in clipped_text(f)]
    assert not bad, "chart text cut off " + _listing(bad)


def test_axe_no_serious_or_critical_violations(findings):
    bad = [
        f"{f.label}: {v['id']} ({v['impact']}, {v['nodes']} nodes: {v['target'][:2]})"
        for f in findings
        for v in f.axe
    ]
    assert not bad, "axe-core violations " + _listing(bad)


@pytest.fixture(scope="session")
def small_phone(site_root, chromium_path, chromium_args):
    """Every page kind (not every page: council pages share one template) at 320 px, the
    narrowest phone still sold; axe runs at 390 px already."""
    from ofsted_record.site.audit import audit_site

    pages = sorted({*EXPECTED.values(), "site/inspectors.html", "site/embeds.html"})
    pages = [p for p in pages if (site_root / p).is_file()]
    return audit_site(site_root, chromium_path, chromium_args, pages=pages, widths=(320,))


def test_every_page_kind_reads_on_a_320_px_phone(small_phone):
    from ofsted_record.site.audit import chart_problems, clipped_text

    assert {f.width for f in small_phone} == {320} and len(small_phone) >= len(EXPECTED)
    bad = [f"{f.label}: {f.error}" for f in small_phone if f.error]
    bad += [f"{f.label}: {f.scroll_width} px wide" for f in small_phone if f.scroll_width > 320]
    bad += [f"{f.label}: {p}" for f in small_phone for p in chart_problems(f)]
    bad += [line for f in small_phone for line in clipped_text(f)]
    bad += [f"{f.label}: {e}" for f in small_phone for e in f.console]
    assert not bad, "at 320 px " + _listing(bad)


def test_audit_catches_problems(tmp_path, chromium_path, chromium_args):
    """The checks can fail: a page with every problem the suite looks for."""
    if not AXE.exists():
        _need("REQUIRE_BROWSER", f"axe-core not installed at {AXE} (run `make axe`)")
    from ofsted_record.embeds.runtime import compile_spec
    from ofsted_record.embeds.scriptjson import script_json
    from ofsted_record.site.audit import audit_site, broken_links, chart_problems
    from ofsted_record.site.paths import bundle_path, runtime_path

    bundle = bundle_path()
    if not bundle.exists():
        pytest.skip(f"{bundle} not built (make site-build)")
    # the chart runtime and the bundle it imports from beside it
    shutil.copy(bundle, tmp_path / bundle.name)
    shutil.copy(runtime_path(), tmp_path / "charts.js")
    spec = compile_spec(
        {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
            "width": 600,
            "title": {
                "text": "A title far too long for any phone screen to show",
                "subtitle": "and a subtitle",
            },
            "data": {"values": [{"a": "x", "b": 1}]},
            "mark": "bar",
            "encoding": {
                "x": {"field": "a", "type": "nominal"},
                "y": {"field": "b", "type": "quantitative"},
            },
        }
    )
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html><head><meta name="viewport" content="width=device-width">'
        '<script type="module" src="charts.js"></script></head><body>'
        '<div id="dup"></div><div id="dup"></div><button></button>'
        '<img src="https://example.org/x.png"><a href="missing.html">x</a>'
        '<a href="bad.html#nowhere">y</a><div style="width:900px">wide</div>'
        f'<div id="c"></div><script type="module">orcChart("c", {script_json(spec)}, '
        '{eager: true}); try { orcChart("nope", {}); } catch (e) {}'
        'console.error("boom")</script></body></html>'
    )
    (f,) = audit_site(tmp_path, chromium_path, chromium_args, widths=(390,), axe_path=AXE)
    assert f.duplicate_ids == ["dup"]
    assert f.outside == ["https://example.org/x.png"]
    assert any("boom" in c for c in f.console)
    assert f.scroll_width > f.viewport
    assert any(c["why"] for c in f.clipped)
    assert chart_problems(f) == ["1 of 2 charts drawn"]
    assert {"button-name"} <= {v["id"] for v in f.axe}
    assert broken_links(tmp_path, [f]) == [
        "bad.html -> /bad.html#nowhere (no such anchor)",
        "bad.html -> /missing.html (no such file)",
    ]


def test_a_search_link_opens_its_search(site_root, chromium_path, chromium_args):
    """A reporter's link to a search (`search-reports.html?q=…&council=…`) opens that search on
    the rendered site. Quarto's own search script deletes `q` from the address once the page has
    loaded, before the page's index has; the page reads the address first."""
    from playwright.sync_api import sync_playwright

    from ofsted_record.site.audit import serve

    page_path = "site/search-reports.html"
    query = "?q=caseloads&council=Kent+County+Council"
    with serve(site_root) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(f"{base}/{page_path}{query}")
        page.wait_for_function("document.getElementById('orc-search').dataset.done === 'caseloads'")
        typed = page.input_value("#orc-q")
        council = page.input_value("#orc-council")
        results = page.locator(".orc-result h3").all_inner_texts()
        address = page.evaluate("location.search")
        browser.close()
    assert (typed, council) == ("caseloads", "Kent County Council")
    assert results and all(r.startswith("Kent County Council, ") for r in results)
    assert "q=caseloads" in address  # the address still names the search, to share again
