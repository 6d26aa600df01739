"""Bytes a reader downloads to view each embed, and the map payload per boundary vintage.

Run after `ofsted-record embeds` (reads data/public/embeds/). Target: map payload <= 200 KB.
Page bytes = index.html (spec inlined) + the shared Vega bundle (downloaded once per site);
spec and data.csv are listed too (downloads, not needed to view).
"""

from __future__ import annotations

import json
import sys

from ofsted_record import config

KB = 1024


def main() -> int:
    embeds = config.public_dir() / "embeds"
    lib = embeds / "lib" / "vega-bundle.js"
    if not lib.exists():
        print(f"{embeds} has no embeds: run `ofsted-record embeds` first")
        return 1
    lib_bytes = lib.stat().st_size
    print(f"shared lib vega-bundle.js: {lib_bytes / KB:.1f} KB")
    print(f"{'slug':<22}{'html':>10}{'spec':>10}{'data.csv':>10}{'png':>10}{'view total':>12}")
    for folder in sorted(p for p in embeds.iterdir() if p.is_dir() and p.name != "lib"):
        size = {
            n: (folder / n).stat().st_size
            for n in ("index.html", "chart.vl.json", "data.csv", "chart.png")
        }
        total = size["index.html"] + lib_bytes
        print(
            f"{folder.name:<22}{size['index.html'] / KB:>9.1f}K{size['chart.vl.json'] / KB:>9.1f}K"
            f"{size['data.csv'] / KB:>9.1f}K{size['chart.png'] / KB:>9.1f}K{total / KB:>11.1f}K"
        )
    # Map payload: the inlined geometry + data of each map spec, and each source vintage file.
    from ofsted_record import geography

    for slug in ("map", "hex-map"):
        path = embeds / slug / "chart.vl.json"
        if not path.exists():
            continue
        spec = json.loads(path.read_text())
        geo = data = 0
        for values in spec.get("datasets", {}).values():
            size = len(json.dumps(values, separators=(",", ":")))
            if isinstance(values, dict) and values.get("type") == "Topology":
                geo += size
            else:
                data += size
        flag = "ok" if data + geo <= 200 * KB else "OVER 200 KB"
        print(
            f"{slug} (all years, merged geometry): geometry {geo / KB:.1f} KB + data "
            f"{data / KB:.1f} KB = {(geo + data) / KB:.1f} KB [{flag}]"
        )
    for vintage in geography.VINTAGES:
        for kind in ("boundaries", "hex"):
            file = geography.topojson_path(kind, vintage)
            if file.exists():
                print(
                    f"vintage {vintage} {kind}: source TopoJSON {file.stat().st_size / KB:.1f} KB"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
