"""Write charts (``data/public/charts/``) and embeds (``data/public/embeds/``).

Per published chart ``<slug>`` (the slug is the stable address: no hashes in names):

- ``charts/<slug>.vl.json`` (spec, container width) and ``charts/<slug>.png`` for notebooks/site;
- ``embeds/<slug>/``: ``index.html``, ``chart.vl.json``, ``chart.png``, ``chart.svg``,
  ``fallback.png`` (the page's static image: no title or legend, which the page shows in HTML),
  ``data.csv``, ``snippet.html`` and ``oembed.json``;
- once in ``embeds/lib/``: ``vega-bundle.js`` (Vega), ``charts.js`` (the chart runtime, shared
  with the site's pages), ``embed.js``, ``embed.css`` (pages load them with
  a ``?v=<content hash>`` query, so a new library reaches readers without a new address).

Everything is deterministic: specs are written with a fixed key order from the chart objects,
data sorted by the data functions, no timestamps; vl-convert's PNG/SVG output is checked
byte-stable by the tests. One failing chart is reported and the others are still written; each
conversion runs in a worker that is replaced after a failure (:mod:`.convert`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_record.charts.catalogue import CATALOGUE, PublishedChart
from ofsted_record.charts.common import plain_records
from ofsted_record.charts.theme import static_spec
from ofsted_record.embeds import page as pages
from ofsted_record.embeds.convert import Converter
from ofsted_record.embeds.urls import check_links, embed_url, embeds_base
from ofsted_record.tables import atomic_write_bytes, atomic_write_text

PNG_SCALE = 2
PROVIDER = "The Ofsted record"
OEMBED_WIDTH = 640  # oEmbed's required width: the static images' width


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


def write_lib(embeds_dir: Path) -> dict[str, str]:
    """The shared files of every embed; returns their ``?v=`` versions by name."""
    from ofsted_record.embeds import runtime

    files = {
        **runtime.lib_files(),
        pages.JS_NAME: pages.embed_js(),
        pages.CSS_NAME: pages.embed_css(),
    }
    for name, text in files.items():
        atomic_write_text(embeds_dir / "lib" / name, text)
    return {name: pages.version(text) for name, text in files.items()}


_SVG_HEIGHT = re.compile(r'<svg[^>]*\sheight="([0-9.]+)"')


def _svg_height(svg: str) -> float:
    match = _SVG_HEIGHT.search(svg)
    if not match:
        raise ValueError("the rendered chart has no height")
    return float(match.group(1))


@dataclass(frozen=True)
class Settings:
    """What every chart of one build shares."""

    base: str  # public address of the embeds folder, "" in a preview (relative)
    site_url: str
    updated: str  # "20 August 2026": the data's last publication date, in words
    versions: dict[str, str]


def oembed(entry_title: str, slug: str, snippet_html: str, height: int, settings: Settings) -> str:
    """oEmbed 1.0 "rich" response for the embed (https://oembed.com, section 2.3.4)."""
    base = f"{settings.base}/{slug}/" if settings.base else ""
    data = {
        "version": "1.0",
        "type": "rich",
        "provider_name": PROVIDER,
        "provider_url": settings.site_url.rstrip("/") + "/" if settings.base else "",
        "title": entry_title,
        "html": snippet_html,
        "width": OEMBED_WIDTH,
        "height": height,
        "thumbnail_url": base + "chart.png",
        "thumbnail_width": OEMBED_WIDTH,
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def build_one(
    entry: PublishedChart,
    con,
    public_dir: Path,
    converter: Converter,
    settings: Settings | None,
) -> None:
    frame, chart = entry.build(con)
    check_links(frame, entry.slug)
    spec = chart.to_dict(validate=True)
    text, subtitle, source = _title_parts(spec)
    fixed = static_spec(spec)
    png, svg = converter.png(fixed, PNG_SCALE), converter.svg(fixed)
    charts_dir = public_dir / "charts"
    atomic_write_text(charts_dir / f"{entry.slug}.vl.json", spec_json(spec))
    atomic_write_bytes(charts_dir / f"{entry.slug}.png", png)
    if settings is None:
        return
    shown = pages.page_spec(spec)
    shown_static = static_spec(shown)
    fallback = converter.png(shown_static, PNG_SCALE)
    key = pages.colour_key(spec)
    narrow = static_spec(shown, width=pages.NARROW_WIDTH - 2 * pages.BODY_PADDING)
    height = pages.safe_height(
        chart_height=_svg_height(converter.svg(narrow)),
        title=text,
        subtitle=subtitle,
        key=key,
        footer=pages.footer_texts(source, entry.note, settings.updated),
        bindings=pages.has_bindings(spec),
    )
    out = public_dir / "embeds" / entry.slug
    atomic_write_text(out / "chart.vl.json", spec_json(spec))
    atomic_write_bytes(out / "chart.png", png)
    atomic_write_bytes(out / pages.FALLBACK_NAME, fallback)
    atomic_write_text(out / "chart.svg", svg)
    data = plain_records(frame)
    atomic_write_text(out / "data.csv", data.to_csv(index=False, lineterminator="\n"))
    oembed_href = (
        f"{settings.base}/{entry.slug}/{pages.OEMBED_NAME}" if settings.base else pages.OEMBED_NAME
    )
    page = pages.embed_page(
        slug=entry.slug,
        title=text,
        subtitle=subtitle,
        description=spec["description"],
        source=source,
        note=entry.note,
        spec=spec,
        summary=entry.key_figures(frame),
        updated=settings.updated,
        oembed_url=oembed_href,
        versions=settings.versions,
        chart_height=_svg_height(converter.svg(shown_static)),
    )
    atomic_write_text(out / "index.html", page)
    snippet = pages.snippet(
        slug=entry.slug, title=text, src=embed_url(settings.base, entry.slug), height=height
    )
    atomic_write_text(out / "snippet.html", snippet)
    atomic_write_text(out / pages.OEMBED_NAME, oembed(text, entry.slug, snippet, height, settings))


def updated_on(con) -> str:
    """The data's last publication date in words ("20 August 2026")."""
    from ofsted_record.charts.queries import data_end

    day = data_end(con)
    return f"{day.day} {day.strftime('%B %Y')}"


def build(
    con,
    public_dir: Path,
    entries: Iterable[PublishedChart] = CATALOGUE,
    embeds: bool = True,
    site_url: str | None = None,
    preview: bool = False,
    progress=None,
) -> BuildReport:
    """Build every entry; a chart that fails is recorded in the report, the rest still build.

    ``site_url`` defaults to the configured one (:func:`urls.configured_site_url`); a build
    without an absolute site address stops before writing anything unless ``preview``.
    """
    from ofsted_record.embeds.urls import configured_site_url

    report = BuildReport()
    settings = None
    if embeds:
        site_url = configured_site_url() if site_url is None else site_url
        base = embeds_base(site_url, preview=preview)
        versions = write_lib(public_dir / "embeds")
        settings = Settings(base, site_url if base else "", updated_on(con), versions)
    with Converter() as converter:
        for entry in entries:
            try:
                build_one(entry, con, public_dir, converter, settings)
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
