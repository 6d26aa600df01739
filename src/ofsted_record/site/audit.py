"""Open every page of the rendered site in headless Chromium and record what a reader would hit.

Used by ``tests/test_rendered_site.py`` (which asserts on the findings) and by
``benchmarks/bench_site.py`` (which counts them). One browser, one context per viewport width,
a few pages in parallel tabs. Every finding is plain data, so a failing test can list every
offending page at once instead of stopping at the first.

Checks per page and width: console errors, requests that leave the local server, HTTP errors,
duplicate ids, horizontal scroll, charts drawn (one SVG per ``orcChart`` call in the page
source, non-zero size), chart text (title, subtitle, legend, axis labels and titles) cut by its
SVG or the viewport or truncated with an ellipsis by Vega, and axe-core violations. Links and
anchors are checked across the whole site once all pages are known.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

WIDTHS = (390, 1280)
# axe rules about a whole document, off for fragments (see _audit_one).
FRAGMENT_RULES = {
    rule: {"enabled": False}
    for rule in ("document-title", "html-has-lang", "landmark-one-main", "page-has-heading-one")
}
VIEW_HEIGHT = 900
SKIP_FOLDERS = {"site_libs"}
VEGA_CALL = re.compile(r"\borcChart\(")
# Vega's SVG classes for the text a reader must be able to read in full.
CHART_TEXT = ", ".join(
    f".{role} text"
    for role in (
        "role-title-text",
        "role-title-subtitle",
        "role-legend-label",
        "role-legend-title",
        "role-axis-label",
        "role-axis-title",
    )
)

# Charts draw when they come near the screen (site.embed): bring each into view as a reader
# scrolling down would, then go back to the top, so every chart is drawn before measuring.
DRAW_ALL_JS = """
async () => {
  for (const el of document.querySelectorAll('.orc-vega')) {
    el.scrollIntoView({block: 'center'});
    // stay until it has drawn (up to 10 s): a chart only passed by may not be seen at all
    for (let waited = 0; !el.querySelector('svg') && waited < 10000; waited += 50) {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  window.scrollTo(0, 0);
}
"""

# Runs in the page: everything measurable without axe, as one JSON-able object.
PAGE_PROBE = """
(textSelector) => {
  const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id).filter(Boolean);
  const names = Array.from(document.querySelectorAll('a[name]')).map(e => e.getAttribute('name'));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
  const frames = Array.from(document.querySelectorAll('iframe[src]')).map(f => f.src);
  const vw = document.documentElement.clientWidth;
  const scroll = document.documentElement.scrollWidth;
  const charts = [];
  const clipped = [];
  for (const svg of document.querySelectorAll('svg.marks')) {
    const box = svg.getBoundingClientRect();
    const host = svg.closest('[id]');
    const name = host ? host.id : '(no id)';
    charts.push({id: name, width: box.width, height: box.height,
                 marks: svg.querySelectorAll('path, line, rect, text').length});
    for (const t of svg.querySelectorAll(textSelector)) {
      const content = (t.textContent || '').trim();
      if (!content) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (t.getAttribute('opacity') === '0') continue;  // hidden by Vega's label overlap rule
      const role = (t.closest('[class*="role-"]') || t).getAttribute('class') || '';
      const why = [];
      const over = Math.max(box.left - r.left, r.right - box.right, -r.left, r.right - vw);
      if (r.left < box.left - 1 || r.right > box.right + 1) why.push('outside its SVG');
      if (r.left < -1 || r.right > vw + 1) why.push('outside the viewport');
      if (over > 1) why.push(`by ${Math.round(over)} px`);
      if (content.endsWith('\u2026')) why.push('truncated');
      if (why.length) clipped.push({chart: name, role, text: content.slice(0, 60), why: why.join(', ')});
    }
  }
  return {ids, names, links, frames, viewport: vw, scrollWidth: scroll, charts, clipped};
}
"""


@dataclass
class PageFindings:
    path: str  # relative to the site root, e.g. "site/councils/kent.html"
    width: int
    console: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    scroll_width: int = 0
    viewport: int = 0
    expected_charts: int = 0
    charts: list[dict] = field(default_factory=list)
    clipped: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)  # serious/critical violations
    axe_minor: list[dict] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def label(self) -> str:
        return f"{self.path} @{self.width}px"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """A loopback HTTP server over ``root``; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def site_pages(root: Path) -> list[str]:
    """Every HTML page a reader can open (Quarto's own library folder excluded)."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not SKIP_FOLDERS & set(p.relative_to(root).parts)
        # An embed snippet is code for another site: its iframe points at the public address
        # (site-url), not at this server; tests/test_embeds.py loads snippets across origins.
        and p.name != "snippet.html"
    )


def expected_charts(root: Path, path: str) -> int:
    return len(VEGA_CALL.findall((root / path).read_text(encoding="utf-8", errors="replace")))


async def _audit_one(context, base: str, root: Path, path: str, width: int, axe: str | None):
    found = PageFindings(path, width, expected_charts=expected_charts(root, path))
    page = await context.new_page()
    page.on("console", lambda m: found.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: found.console.append(f"uncaught: {exc}"))
    page.on(
        "request",
        lambda r: (
            found.outside.append(r.url)
            if not (r.url.startswith(base) or r.url.startswith(("data:", "blob:", "about:")))
            else None
        ),
    )
    page.on(
        "response",
        lambda r: found.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: found.http_errors.append(f"failed {r.url}"))
    try:
        await page.goto(f"{base}/{path}", wait_until="load")
        await page.wait_for_load_state("networkidle")
        landed = unquote(urlsplit(page.url).path).lstrip("/") or "index.html"
        if landed != path and (root / landed).is_file():  # a redirect: count the real page
            found.expected_charts = expected_charts(root, landed)
        if found.expected_charts:
            await page.evaluate(DRAW_ALL_JS)
            # A chart that never draws is reported by chart_problems; measure the rest anyway.
            with suppress(Exception):
                await page.wait_for_function(
                    "n => document.querySelectorAll('svg.marks').length >= n",
                    arg=found.expected_charts,
                    timeout=20000,
                )
        await page.wait_for_load_state("networkidle")
        if found.expected_charts:
            # Charts with data by URL (maps) draw after their files arrive: wait for every
            # chart to have a size before measuring (a chart that never does is reported).
            with suppress(Exception):
                await page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('svg.marks'))"
                    ".every(s => s.getBoundingClientRect().width > 0)",
                    timeout=15000,
                )
        probe = await page.evaluate(PAGE_PROBE, CHART_TEXT)
        seen: dict[str, int] = {}
        for ident in probe["ids"]:
            seen[ident] = seen.get(ident, 0) + 1
        found.duplicate_ids = sorted(i for i, n in seen.items() if n > 1)
        found.ids = set(probe["ids"]) | set(probe["names"])
        found.links = probe["links"] + probe["frames"]
        found.viewport, found.scroll_width = probe["viewport"], probe["scrollWidth"]
        found.charts, found.clipped = probe["charts"], probe["clipped"]
        if axe:
            # Evaluated through the browser's protocol, not as a <script>: embed pages forbid
            # inline scripts (Content-Security-Policy), which would block an injected tag.
            await page.evaluate(axe)
            # A fragment (an embed snippet: an iframe and a script to paste into another
            # page) has no document of its own: the document-level rules do not apply.
            source = (root / path).read_text(encoding="utf-8", errors="replace")
            fragment = not re.search(r"<html\b", source, re.IGNORECASE)
            rules = FRAGMENT_RULES if fragment else {}
            result = await page.evaluate(
                "async (rules) => (await axe.run(document, {resultTypes: ['violations'], rules}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
                " target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
                rules,
            )
            found.axe = [v for v in result if v["impact"] in ("serious", "critical")]
            found.axe_minor = [v for v in result if v["impact"] not in ("serious", "critical")]
    except Exception as error:  # a page that cannot be audited is itself a finding
        found.error = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        await page.close()
    return found


async def _audit(
    root: Path,
    pages: list[str],
    chromium: str,
    args: list[str],
    widths: tuple[int, ...],
    axe: str | None,
    tabs: int,
    progress: Callable[[PageFindings], None] | None = None,
) -> list[PageFindings]:
    from playwright.async_api import async_playwright

    results: list[PageFindings] = []
    with serve(root) as base:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=args)
            try:
                for width in widths:
                    context = await browser.new_context(
                        viewport={"width": width, "height": VIEW_HEIGHT},
                        is_mobile=width < 600,
                        has_touch=width < 600,
                        device_scale_factor=1,
                    )
                    queue: asyncio.Queue[str] = asyncio.Queue()
                    for path in pages:
                        queue.put_nowait(path)

                    async def worker(context=context, width=width, queue=queue) -> None:
                        while not queue.empty():
                            path = queue.get_nowait()
                            found = await _audit_one(context, base, root, path, width, axe)
                            results.append(found)
                            if progress:
                                progress(found)

                    await asyncio.gather(*(worker() for _ in range(tabs)))
                    await context.close()
            finally:
                await browser.close()
    results.sort(key=lambda f: (f.path, f.width))
    return results


def audit_site(
    root: Path,
    chromium: str,
    args: list[str],
    *,
    pages: list[str] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    axe_path: Path | None = None,
    tabs: int = 3,
    progress: Callable[[PageFindings], None] | None = None,
) -> list[PageFindings]:
    """Audit ``pages`` (default every page) of the rendered site in ``root`` at each width."""
    axe = axe_path.read_text(encoding="utf-8") if axe_path else None
    return asyncio.run(
        _audit(root, pages or site_pages(root), chromium, args, widths, axe, tabs, progress)
    )


def broken_links(root: Path, findings: list[PageFindings]) -> list[str]:
    """Internal links whose file is missing, or whose #anchor is not an id on the target page."""
    ids = {f.path: f.ids for f in findings}
    broken = set()
    for f in findings:
        for href in f.links:
            url, fragment = urldefrag(href)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.hostname != "127.0.0.1":
                continue
            target = unquote(parts.path).lstrip("/")
            if target == "" or target.endswith("/"):
                target += "index.html"
            if not (root / target).is_file():
                broken.add(f"{f.path} -> /{target} (no such file)")
            elif fragment and target in ids and unquote(fragment) not in ids[target]:
                broken.add(f"{f.path} -> /{target}#{fragment} (no such anchor)")
    return sorted(broken)


def summary(findings: list[PageFindings], root: Path) -> dict[str, int]:
    """Counts per check (pages x widths with a finding; axe as violation rules x pages)."""
    return {
        "pages audited": len({f.path for f in findings}),
        "page loads": len(findings),
        "console errors": sum(bool(f.console) for f in findings),
        "requests leaving the server": sum(bool(f.outside) for f in findings),
        "HTTP errors": sum(bool(f.http_errors) for f in findings),
        "duplicate ids": sum(bool(f.duplicate_ids) for f in findings),
        "horizontal scroll": sum(f.scroll_width > f.viewport for f in findings),
        "charts missing or empty": sum(bool(chart_problems(f)) for f in findings),
        "chart text clipped": sum(bool(f.clipped) for f in findings),
        "axe critical": sum(v["impact"] == "critical" for f in findings for v in f.axe),
        "axe serious": sum(v["impact"] == "serious" for f in findings for v in f.axe),
        "axe moderate/minor": sum(len(f.axe_minor) for f in findings),
        "broken links": len(broken_links(root, findings)),
        "audit errors": sum(bool(f.error) for f in findings),
    }


def chart_problems(f: PageFindings) -> list[str]:
    problems = []
    if len(f.charts) < f.expected_charts:
        problems.append(f"{len(f.charts)} of {f.expected_charts} charts drawn")
    problems += [
        f"{c['id']} is {c['width']:.0f}x{c['height']:.0f} px with {c['marks']} marks"
        for c in f.charts
        if c["width"] < 1 or c["height"] < 1 or c["marks"] == 0
    ]
    return problems


def clipped_text(f: PageFindings) -> list[str]:
    """'page @width: chart role 'text' (why)' for each piece of chart text cut off."""
    return [f"{f.label}: {c['chart']} {c['role']} '{c['text']}' ({c['why']})" for c in f.clipped]


# --- plain words: what a reader can read, without a browser ------------------------------------

# Elements whose text a reader does not read as prose: scripts and styles, and code spans and
# blocks (the data page names columns for reporters that way, on purpose).
_NOT_PROSE = frozenset({"script", "style", "code", "pre", "noscript", "template", "svg"})
PLAIN_WORDS = {
    "an ISO date": re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b"),
    "a code name": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "a raw web address": re.compile(r"\bhttps?://|\bwww\.[a-z]"),
}


class _ProseText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _NOT_PROSE:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_PROSE and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def prose_text(page: str) -> str:
    """The text of an HTML page as a reader reads it (no scripts, styles or code)."""
    parser = _ProseText()
    parser.feed(page)
    return " ".join(parser.parts)


def plain_words_problems(root: Path) -> list[str]:
    """'page: what (the text)' for every ISO date, code name or raw web address in the prose of
    every HTML page under ``root`` (site pages and embed pages alike)."""
    found = []
    for path in sorted(root.rglob("*.html")):
        text = prose_text(path.read_text(encoding="utf-8", errors="replace"))
        for what, pattern in PLAIN_WORDS.items():
            for match in sorted({m.group() for m in pattern.finditer(text)}):
                found.append(f"{path.relative_to(root).as_posix()}: {what} ({match})")
    return found
