"""The search page (site/search-reports.qmd) against `ofsted-record search`, in headless Chromium.

The real index is built from the full-text store into a temporary site, the page's own HTML
block, script and stylesheet are served on loopback, and every request leaving loopback is
blocked and recorded. For a fixed list of phrases the reports the page finds must be the
reports the store's Python API finds; filters must narrow as the CLI's do; a result must link
to its report's PDF at the right page.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ofsted_record.site import search_index

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.corpus]
ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# Phrases readers search for (issue 15) and ones that test the matching rules: hyphens join
# words ("multi-agency"; "agency" alone must not find it), no stemming ("drift" is not
# "drifting"), numbers and hyphens inside a phrase.
PHRASES = (
    "agency staff",
    "caseloads",
    "drift",
    "child sexual exploitation",
    "multi-agency",
    "covid-19",
    "private fostering",
    "management oversight",
    # Pagefind drops punctuation at a word's edge: 'staff, turnover' would match, but the index
    # breaks the phrase there
    "staff turnover",
    # an apostrophe inside a word is part of it ("children's" is not "childrens"); a phrase with
    # other punctuation is checked on each report ("(cse)" is not every "cse")
    "children's social care",
    "(cse)",
)
WIDTHS = (390, 1280)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory, warehouse_path) -> Path:
    from ofsted_record.fulltext import store

    root = tmp_path_factory.mktemp("search")
    con = store.connect()
    try:
        search_index.build(con, site=root)
    finally:
        con.close()
    search_index.standalone_page(root)
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(chromium_path, chromium_args):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        yield b
        b.close()


class Tab:
    """One page of the search with its console errors and any request leaving loopback."""

    def __init__(self, browser, base: str, width: int = 1280, query: str = "") -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        self.page.set_default_timeout(120000)  # the test machine is shared
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.route("**/*", self._route)
        self.page.goto(base + "index.html" + query)
        self.page.wait_for_function("document.getElementById('orc-search').dataset.ready")
        self.page.wait_for_function(
            "document.getElementById('orc-search').dataset.done !== undefined"
        )

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def search(self, phrase: str) -> set[str]:
        self.page.fill("#orc-q", phrase)
        self.page.press("#orc-q", "Enter")
        return self.wait(phrase)

    def wait(self, phrase: str) -> set[str]:
        self.page.wait_for_function(
            "p => document.getElementById('orc-search').dataset.done === p",
            arg=phrase.lower(),
        )
        found = self.page.get_attribute("#orc-search", "data-reports") or ""
        return set(found.split())

    def choose(self, select: str, value: str) -> None:
        phrase = self.page.input_value("#orc-q")
        self.page.select_option(select, value)
        self.wait(phrase)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def tab(browser, server) -> Iterator[Tab]:
    t = Tab(browser, server)
    yield t
    assert not t.errors, f"console errors: {t.errors}"
    assert not t.outside, f"requests left loopback: {t.outside}"
    t.close()


def cli_reports(phrase: str, *, template: bool, **where) -> set[str]:
    """The reports `ofsted-record search` finds, without template paragraphs unless asked."""
    from ofsted_record.fulltext import store

    con = store.connect()
    try:
        df = store.search(phrase, con=con, limit=1_000_000, where=store.filters(**where))
        if not template and len(df):
            flags = con.execute(
                "SELECT inspection_id, page, paragraph FROM report_paragraphs WHERE boilerplate"
            ).df()
            keys = set(map(tuple, flags.itertuples(index=False)))
            df = df[
                [
                    (i, int(p), int(n)) not in keys
                    for i, p, n in zip(
                        df["inspection_id"], df["page"], df["paragraph"], strict=True
                    )
                ]
            ]
    finally:
        con.close()
    return set(df["inspection_id"])


@pytest.mark.parametrize("phrase", PHRASES)
def test_same_reports_as_cli(tab: Tab, phrase: str) -> None:
    expected = cli_reports(phrase, template=False)
    assert expected, f"{phrase!r}: the CLI finds nothing, so the comparison proves nothing"
    assert tab.search(phrase) == expected


def test_template_text_is_left_out_unless_asked(tab: Tab) -> None:
    # Ofsted's newsletter line is template text: printed word for word at the end of most reports
    phrase = "monthly newsletter"
    without = tab.search(phrase)
    assert without == cli_reports(phrase, template=False)
    tab.page.check("#orc-template")
    with_template = tab.wait(phrase)
    assert with_template == cli_reports(phrase, template=True)
    assert without < with_template


def test_filters_narrow_as_the_cli_does(tab: Tab) -> None:
    phrase = "caseloads"
    everything = tab.search(phrase)
    tab.choose("#orc-council", "Kent County Council")
    kent = tab.wait(phrase)
    assert kent and kent < everything
    assert kent == cli_reports(phrase, template=False, council="Kent County Council")
    tab.choose("#orc-council", "")
    tab.choose("#orc-from", "2016")
    tab.choose("#orc-to", "2018")
    years = tab.wait(phrase)
    assert years < everything
    assert years == cli_reports(phrase, template=False, date_from="2016", date_to="2018")
    tab.choose("#orc-from", tab.page.eval_on_selector("#orc-from", "s => s.options[0].value"))
    tab.choose("#orc-to", tab.page.eval_on_selector("#orc-to", "s => [...s.options].at(-1).value"))
    tab.choose("#orc-framework", "ILACS short inspection (2018-)")
    short = tab.wait(phrase)
    assert short == cli_reports(phrase, template=False, framework="ilacs_short")
    tab.choose("#orc-framework", "")
    tab.choose("#orc-grade", "Inadequate")
    inadequate = tab.wait(phrase)
    assert inadequate and inadequate < everything
    assert inadequate == cli_reports(phrase, template=False, grade="inadequate")


def test_result_links_to_the_pdf_page_and_highlights(tab: Tab) -> None:
    from ofsted_record.fulltext import store

    phrase = "child sexual exploitation"
    tab.search(phrase)
    first = tab.page.locator(".orc-result").first
    marks = first.locator("mark").all_inner_texts()
    assert marks and all(m.lower() == phrase for m in marks)
    href = first.locator("a.orc-pdf").get_attribute("href")
    text = first.locator(".orc-paragraph").first.inner_text()
    rows = store.search(phrase, limit=1_000_000)
    assert href in set(rows["url"]), f"{href} is not a page the CLI finds {phrase!r} on"
    on_page = rows[rows["url"] == href]
    # the paragraph shown is the one the CLI finds there (its snippet is a window of it)
    windows = [s.replace("**", "").strip("…") for s in on_page["snippet"]]
    assert any(w in text for w in windows)


def test_csv_has_every_matching_paragraph(tab: Tab) -> None:
    # 'staff turnover': Pagefind also finds 'staff, turnover' (it drops punctuation); the page
    # checks each paragraph as the CLI does, so the CSV holds the CLI's reports exactly
    phrase = "staff turnover"
    tab.search(phrase)
    with tab.page.expect_download() as info:
        tab.page.click("#orc-csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows and set(rows[0]) >= {"council", "published", "page", "paragraph", "text", "link"}
    assert all(re.search(r"(?<![\w-])staff turnover(?![\w-])", r["text"], re.I) for r in rows)
    expected = cli_reports(phrase, template=False)
    from ofsted_record.fulltext import store

    urls = set(store.search(phrase, limit=1_000_000)["url"])
    assert {r["link"] for r in rows} <= urls
    assert len({r["link"].split("#")[0] for r in rows}) == len(expected)


@pytest.mark.parametrize("phrase", ["staff turnover", "children's social care"])
def test_counts_are_exact_from_the_first_results(tab: Tab, phrase: str) -> None:
    """'staff turnover': Pagefind alone would also find reports with only 'staff, turnover' (it
    drops punctuation at a word's edge); the index breaks the phrase there. "children's":
    Pagefind would read it as the misspelling "childrens"; the index ties the apostrophe into
    the word. So the count shown with the first results is already exactly the CLI's, and no
    record beyond the first ten reports' is fetched to check it."""
    tab.page.evaluate(
        """() => { window.__seen = null;
          new MutationObserver((_, o) => { if (document.querySelector('.orc-result')) {
            window.__seen = document.getElementById('orc-status').textContent; o.disconnect(); } })
          .observe(document.getElementById('orc-results'), {childList: true}); }"""
    )
    found = tab.search(phrase)
    assert found == cli_reports(phrase, template=False)
    seen = tab.page.evaluate("window.__seen")
    assert seen and f"in {len(found):,} reports" in seen, seen
    fetched = tab.page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('.pf_fragment'))"
        ".length"
    )
    assert fetched <= 10, f"{fetched} records fetched for the first 10 reports"


def test_the_index_breaks_phrases_at_punctuation_only() -> None:
    from ofsted_record.site.search_index import PHRASE_BREAK, indexed_text

    b = PHRASE_BREAK
    assert indexed_text("staff, turnover") == f"staff, {b} turnover"
    assert indexed_text("staff (turnover) here") == f"staff {b} (turnover) {b} here"
    assert indexed_text("children's social care") == "children\u2040s social care"
    assert indexed_text("the children' services") == f"the children' {b} services"
    assert indexed_text("multi-agency staff") == "multi\u203fagency staff"
    for text in ("a , b", 'x "quoted" y', "50% of staff", "e.g. this"):
        assert indexed_text(text).replace(f" {b} ", " ") == text


def test_council_preset_from_the_url(browser, server) -> None:
    t = Tab(browser, server, query="?council=Kent&q=drift")
    try:
        assert t.page.input_value("#orc-council") == "Kent County Council"
        found = t.wait("drift")
        assert found == cli_reports("drift", template=False, council="Kent County Council")
        assert not t.errors and not t.outside
    finally:
        t.close()


def test_keyboard_only(tab: Tab) -> None:
    page = tab.page
    page.focus("body")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "orc-q"
    page.keyboard.type("drift")
    page.keyboard.press("Enter")
    everything = tab.wait("drift")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "orc-council"
    page.keyboard.press("ArrowDown")  # the first council
    narrowed = tab.wait("drift")
    assert page.input_value("#orc-council") != ""
    assert narrowed < everything


@pytest.mark.parametrize("width", WIDTHS)
def test_no_errors_and_accessible(browser, server, width: int) -> None:
    t = Tab(browser, server, width=width, query="?q=agency+staff")
    try:
        t.wait("agency staff")
        assert t.page.locator(".orc-result mark").count() > 0
        assert t.page.locator(".orc-years-table tbody tr").count() > 5
        overflow = t.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"page wider than a {width} px screen by {overflow} px"
        if not AXE.exists():
            pytest.skip(f"axe-core not installed at {AXE} (run `make axe`)")
        t.page.evaluate(AXE.read_text(encoding="utf-8"))
        violations = t.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        bad = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe at {width} px: {bad}"
        assert not t.errors, f"console errors: {t.errors}"
        assert not t.outside, f"requests left loopback: {t.outside}"
    finally:
        t.close()


def test_index_rebuilds_the_same(site: Path, tmp_path: Path) -> None:
    """Every file of the index (Pagefind's and reports.json) is byte-identical on a rebuild."""
    from ofsted_record.fulltext import store

    con = store.connect()
    try:
        search_index.build(con, site=tmp_path)
    finally:
        con.close()
    a, b = search_index.index_dir(site), search_index.index_dir(tmp_path)

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    first, second = files(a), files(b)
    assert len(first) > 1000
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"{len(different)} files differ, e.g. {different[:3]}"


def test_every_record_is_mapped_to_its_report(site: Path) -> None:
    """reports.json maps every Pagefind record to its report, first page and template flag, as
    the record itself says (the page filters and counts by this map); a record is a report's
    text or its template text, so at most two records a report."""
    import json

    info = json.loads((search_index.index_dir(site) / "reports.json").read_bytes())
    fragments = sorted((search_index.index_dir(site) / "pagefind" / "fragment").iterdir())
    assert len(info["records"]) == len(fragments)
    assert not list((search_index.index_dir(site) / "pagefind").glob("filter/*"))
    for path in fragments[:: max(1, len(fragments) // 200)]:
        meta = search_index.fragment_meta(path)
        report, page, template = info["records"][path.name.removesuffix(".pf_fragment")]
        assert info["report_ids"][report] == meta["report"]
        assert (str(page), "yes" if template else "no") == (meta["page"], meta["template"])
        pages = [int(n) for n in meta["pages"].split()]
        assert pages == sorted(pages) and pages[0] == page
        assert len(pages) == len(meta["paragraphs"].split())
    assert len(fragments) <= 2 * len(info["report_ids"])


def test_a_bad_fragment_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "zz_0000000.pf_fragment"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="zz_0000000.pf_fragment"):
        search_index.fragment_meta(bad)


def test_council_pages_link_to_their_search(site: Path, tmp_path: Path, con) -> None:
    """Every council page with reports in the search links to the page with it chosen."""
    import json
    from urllib.parse import parse_qs, urlparse

    from ofsted_record.site.councils import write_council_pages

    write_council_pages(con, tmp_path)
    searchable = set(
        json.loads((search_index.index_dir(site) / "reports.json").read_bytes())["councils"]
    )
    linked = set()
    for page in (tmp_path / "councils").glob("*.qmd"):
        for href in re.findall(r'href="(\.\./search-reports\.html\?[^"]+)"', page.read_text()):
            linked |= set(parse_qs(urlparse(href.replace("&amp;", "&")).query)["council"])
    assert searchable <= linked, f"not linked: {sorted(searchable - linked)[:5]}"
