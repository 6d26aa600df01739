"""Write charts (``data/public/charts/``) and embeds (``data/public/embeds/``).

Per published chart ``<slug>``:

- ``charts/<slug>.vl.json`` (spec, container width) and ``charts/<slug>.png`` for notebooks/site;
- ``embeds/<slug>/``: ``index.html``, ``chart.vl.json``, ``chart.png``, ``chart.svg``,
  ``data.csv``, ``snippet.html``; the Vega libraries once in ``embeds/lib/vega-bundle.js``.

Everything is deterministic: specs are written with a fixed key order from the chart objects,
data sorted by the data functions, no timestamps; vl-convert's PNG/SVG output is checked
byte-stable by the tests. One failing chart is reported and the others are still written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_record.charts.catalogue import CATALOGUE, PublishedChart
from ofsted_record.charts.common import plain_records
from ofsted_record.charts.theme import static_spec
from ofsted_record.embeds.page import embed_page, snippet
from ofsted_record.tables import atomic_write_bytes, atomic_write_text

LIB_NAME = "vega-bundle.js"
BASE_URL_ENV = "OFSTED_EMBED_BASE_URL"
PNG_SCALE = 2


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def spec_json(spec: dict) -> str:
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n"


def _title_parts(spec: dict) -> tuple[str, str, str]:
    """Headline, subtitle (lines before the Source line) and the Source line."""
    block = spec.get("title", {})
    text = block.get("text", "") if isinstance(block, dict) else str(block)
    subtitle = block.get("subtitle", []) if isinstance(block, dict) else []
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    source = next((line for line in lines if line.startswith("Source:")), "")
    rest = " ".join(line for line in lines if not line.startswith("Source:"))
    return text, rest, source


def write_lib(embeds_dir: Path) -> Path:
    import vl_convert

    path = embeds_dir / "lib" / LIB_NAME
    atomic_write_text(path, vl_convert.javascript_bundle())
    return path


def render_static(spec: dict) -> tuple[bytes, str]:
    """PNG (2x) and SVG of the spec at the fixed static width."""
    import vl_convert

    fixed = static_spec(spec)
    return vl_convert.vegalite_to_png(fixed, scale=PNG_SCALE), vl_convert.vegalite_to_svg(fixed)


def build_one(
    entry: PublishedChart,
    con,
    public_dir: Path,
    base_url: str = "",
    embeds: bool = True,
) -> None:
    frame, chart = entry.build(con)
    spec = chart.to_dict(validate=True)
    text, subtitle, source = _title_parts(spec)
    png, svg = render_static(spec)
    charts_dir = public_dir / "charts"
    atomic_write_text(charts_dir / f"{entry.slug}.vl.json", spec_json(spec))
    atomic_write_bytes(charts_dir / f"{entry.slug}.png", png)
    if not embeds:
        return
    out = public_dir / "embeds" / entry.slug
    atomic_write_text(out / "chart.vl.json", spec_json(spec))
    atomic_write_bytes(out / "chart.png", png)
    atomic_write_text(out / "chart.svg", svg)
    data = plain_records(frame)
    atomic_write_text(out / "data.csv", data.to_csv(index=False, lineterminator="\n"))
    page = embed_page(
        slug=entry.slug,
        title=text,
        subtitle=subtitle,
        description=spec["description"],
        source=source,
        note=entry.note,
        spec=spec,
        summary=entry.key_figures(frame),
    )
    atomic_write_text(out / "index.html", page)
    src = f"{base_url.rstrip('/')}/{entry.slug}/index.html" if base_url else "index.html"
    atomic_write_text(out / "snippet.html", snippet(slug=entry.slug, title=text, src=src))


def build(
    con,
    public_dir: Path,
    entries: Iterable[PublishedChart] = CATALOGUE,
    embeds: bool = True,
    base_url: str | None = None,
    progress=None,
) -> BuildReport:
    """Build every entry; a chart that fails is recorded in the report, the rest still build."""
    report = BuildReport()
    base_url = os.environ.get(BASE_URL_ENV, "") if base_url is None else base_url
    if embeds:
        write_lib(public_dir / "embeds")
    for entry in entries:
        try:
            build_one(entry, con, public_dir, base_url=base_url, embeds=embeds)
            report.written.append(entry.slug)
        except Exception as exc:  # one bad chart never stops the run
            report.failed[entry.slug] = f"{type(exc).__name__}: {exc}"
        if progress:
            progress(entry.slug)
    return report


def open_connection():
    """The warehouse, read-only (``ofsted_record.warehouse.connect``), and its file name."""
    from ofsted_record import config
    from ofsted_record.warehouse import connect

    path = config.warehouse_path()
    return connect(path), path.name
