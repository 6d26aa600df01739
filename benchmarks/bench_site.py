"""Site figures: build time, and page weight per page (what a reader downloads), raw and gzip.

Without Quarto the HTML is estimated from what the pre-render produces: the Vega bundle, the
page's chart specs and data (the asis output of its cells, or a council page's markdown), the
TopoJSON a map page loads, plus an allowance for Quarto's own page chrome (Bootstrap CSS/JS,
search, quarto.js) measured from a Quarto 1.7 website: ~420 KB raw, ~110 KB gzip.
Prints one line per page; the budget is 2 MB transferred per page including libraries.
"""

from __future__ import annotations

import gzip
import re
import time

from ofsted_record.site import qmd
from ofsted_record.site.build import build_site
from ofsted_record.site.paths import bundle_path, site_dir

QUARTO_CHROME = (420_000, 110_000)  # raw, gzip (estimate, see docstring)
BUDGET = 2_000_000


def weigh(parts: list[bytes]) -> tuple[int, int]:
    return sum(len(p) for p in parts), sum(len(gzip.compress(p, 6)) for p in parts)


def main() -> None:
    site = site_dir()
    start = time.perf_counter()
    report = build_site(site, progress=False)
    print(
        f"build_site (no render): {time.perf_counter() - start:.1f} s, {report.council_pages} council pages"
    )
    bundle = bundle_path(site).read_bytes()
    print(
        f"vega bundle: {len(bundle) / 1e3:.0f} KB raw, {len(gzip.compress(bundle, 6)) / 1e3:.0f} KB gzip"
    )
    rows = []
    for path in sorted(site.glob("*.qmd")):
        page = qmd.parse(path)
        t0 = time.perf_counter()
        nb = qmd.execute(page)
        seconds = time.perf_counter() - t0
        out = "".join(
            o.get("text", "") for c in nb.cells for o in c.outputs if o.output_type == "stream"
        )
        parts = [out.encode(), path.read_bytes()]
        if "vegaEmbed(" in out:
            parts.append(bundle)
            for url in sorted(set(re.findall(r'"url":"([^"]+\.topojson)"', out))):
                parts.append((site / url).read_bytes())
        rows.append((path.name, *weigh(parts), seconds))
    councils = sorted((site / "councils").glob("*.qmd"), key=lambda p: p.stat().st_size)
    for path in (councils[0], councils[len(councils) // 2], councils[-1]):
        rows.append((f"councils/{path.name}", *weigh([path.read_bytes(), bundle]), 0.0))
    print(f"{'page':34} {'raw KB':>8} {'gzip KB':>8} {'+chrome gzip':>13} {'kernel s':>9}")
    for name, raw, gz, seconds in rows:
        total = gz + QUARTO_CHROME[1]
        flag = "" if total <= BUDGET else "  OVER BUDGET"
        print(
            f"{name:34} {raw / 1e3:8.0f} {gz / 1e3:8.0f} {total / 1e3:13.0f} {seconds:9.1f}{flag}"
        )


if __name__ == "__main__":
    main()
