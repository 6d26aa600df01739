"""The site search against its budgets (issue 15): index size, time to first results, bytes.

Builds the Pagefind index from the full-text store into a temporary folder (timed), serves the
search page's own HTML, script and stylesheet on loopback and, for each typical query in a
fresh headless Chromium page (nothing cached), measures from the last keystroke to the first
result on screen (and where the time goes, from the page's performance marks) and the bytes
transferred (as a host that gzips text would send them).
Budgets: whole index <= 30 MB, first results <= 300 ms after typing, <= 1.5 MB per query.
Prints the figures; exits non-zero only when something fails to run (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_search.py
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ofsted_record.fulltext import store
from ofsted_record.site import search_index

QUERIES = ("agency staff", "caseloads", "drift", "child sexual exploitation")
BUDGET_MB, BUDGET_MS, BUDGET_QUERY_MB = 30.0, 300.0, 1.5


class _Counting(SimpleHTTPRequestHandler):
    """Serves the files as stored and counts the bytes each response would take from a host that
    gzips text: the page's requests and those of Pagefind's web worker, which a page's DevTools
    session does not see. Pagefind's index files are stored gzipped and counted as they are;
    everything else (the page, scripts, wasm, reports.json) is counted gzipped (level 6)."""

    sent: list[int] = []
    STORED_GZIPPED = (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")

    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        packed = self.path.split("?")[0].endswith(self.STORED_GZIPPED)
        _Counting.sent.append(len(data) if packed else len(gzip.compress(data, 6)))
        outputfile.write(data)


def disk_usage(path: Path) -> tuple[int, int, int]:
    """Bytes of the files, bytes they take on disk in whole blocks (as `du` counts, files only),
    and how many files."""
    files = [p for p in path.resolve().rglob("*") if p.is_file()]
    return (
        sum(p.stat().st_size for p in files),
        sum(p.stat().st_blocks * 512 for p in files),
        len(files),
    )


def measure(base: str, query: str, chromium: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sizes = _Counting.sent
        sizes.clear()
        page.goto(base + "index.html")
        page.wait_for_function("document.getElementById('orc-search').dataset.done === ''")
        page.wait_for_load_state("networkidle")
        loaded = sum(sizes)
        sizes.clear()
        # time from the last keystroke to the first result for the whole query on screen (one
        # with the query highlighted: results for what was typed so far do not count)
        page.evaluate(
            """q => { window.__first = null;
              new MutationObserver((_, o) => {
                const marks = document.querySelectorAll('#orc-results mark');
                if ([...marks].some(m => m.textContent.toLowerCase() === q)) {
                  window.__first = performance.now(); o.disconnect(); } })
              .observe(document.getElementById('orc-results'),
                       {childList: true, subtree: true}); }""",
            query,
        )
        page.evaluate(
            "() => document.getElementById('orc-q')"
            ".addEventListener('input', () => { window.__typed = performance.now(); })"
        )
        page.type("#orc-q", query, delay=30)
        page.wait_for_function(
            "q => document.getElementById('orc-search').dataset.done === q", arg=query
        )
        first = page.evaluate("window.__first")
        typed = page.evaluate("window.__typed")  # the last keystroke, as the page saw it
        marks = page.evaluate(
            "Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"
        )
        page.wait_for_load_state("networkidle")
        result = {
            "first_ms": first - typed if first is not None else float("nan"),  # nothing found
            # where the time goes, from the last keystroke: the typing pause ends (search starts),
            # Pagefind answers, the first result is drawn, the first 20 are drawn
            **{
                f"mark_{k}": marks.get(f"orc-{k}", float("nan")) - typed
                for k in ("search", "found", "shown", "done")
            },
            "query_mb": sum(sizes) / 1e6,
            "load_mb": loaded / 1e6,
        }
        browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", type=Path, help="an index already built (site/search-index): time no build"
    )
    parser.add_argument(
        "--query", action="append", help="measure these instead of the typical queries"
    )
    args = parser.parse_args(argv)
    chromium = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        root = Path(tmp)
        if args.index:
            search_index.index_dir(root).symlink_to(args.index.resolve())
        else:
            started = time.perf_counter()
            con = store.connect()
            try:
                info = search_index.build(con, site=root)
            finally:
                con.close()
            print(
                f"index: {info['records']:,} paragraphs of {info['reports']:,} reports in "
                f"{info['files']:,} files, built in {time.perf_counter() - started:.0f} s"
            )
        search_index.standalone_page(root)
        apparent, on_disk, count = disk_usage(search_index.index_dir(root))
        for name, size in (("files", apparent), ("disk blocks", on_disk)):
            verdict = "within" if size / 1e6 <= BUDGET_MB else "OVER"
            print(
                f"index size ({name}): {size / 1e6:.1f} MB in {count:,} files ({verdict} the "
                f"{BUDGET_MB:.0f} MB budget)"
            )
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=tmp))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        try:
            for query in args.query or QUERIES:
                m = measure(base, query, chromium)
                total = m["load_mb"] + m["query_mb"]
                print(
                    f"{query!r}: first results {m['first_ms']:.0f} ms after the last keystroke "
                    f"(budget {BUDGET_MS:.0f}): pause for more typing until "
                    f"{m['mark_search']:.0f} ms, Pagefind's answer at {m['mark_found']:.0f}, first 10 "
                    f"reports drawn at {m['mark_shown']:.0f}, done (counts, and any check) at "
                    f"{m['mark_done']:.0f}; {m['query_mb'] * 1000:.0f} KB "
                    f"for the query + {m['load_mb'] * 1000:.0f} KB to open the page = "
                    f"{total:.2f} MB (budget {BUDGET_QUERY_MB} MB)"
                )
        finally:
            httpd.shutdown()
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
