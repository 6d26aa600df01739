"""The embed gallery: every chart that ``ofsted-record embeds`` wrote to
``data/public/embeds/<slug>/`` (copied into ``site/embeds/`` by the site build), with a live,
lazy-loaded preview, the exact ``snippet.html`` of its folder and a copy button, and its PNG,
SVG and CSV files. The folder is read as it is, so new charts appear without changes here;
folders without a page (the shared ``lib/``) are not charts.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ofsted_record.embeds.page import OEMBED_NAME, render, resize_js
from ofsted_record.site.assets import EMBEDS_DIR

KINDS = {".png": "PNG", ".svg": "SVG", ".csv": "CSV", ".json": "Vega-Lite spec"}
HIDDEN = {"fallback.png", OEMBED_NAME}  # the page's own image, and metadata for machines


def embed_entries(site: Path) -> list[dict]:
    folder = site / EMBEDS_DIR
    if not folder.is_dir():
        return []
    entries = []
    for slug_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        snippet, meta = slug_dir / "snippet.html", slug_dir / OEMBED_NAME
        if not (slug_dir / "index.html").is_file() or not snippet.is_file():
            continue
        info = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        files = sorted(p for p in slug_dir.iterdir() if p.is_file() and p.name not in HIDDEN)
        entries.append(
            {
                "slug": slug_dir.name,
                "title": info.get("title") or slug_dir.name.replace("-", " ").capitalize(),
                "height": int(info.get("height") or 600),
                "snippet": snippet.read_text(encoding="utf-8"),
                "files": [(KINDS[p.suffix], p.name) for p in files if p.suffix in KINDS],
            }
        )
    return entries


def _raw(fragment: str) -> str:
    """A pandoc raw HTML block: Quarto passes it through untouched."""
    return f"```{{=html}}\n{fragment.rstrip()}\n```\n"


def gallery_markdown(site: Path) -> str:
    entries = embed_entries(site)
    if not entries:
        return (
            "No embeddable charts are in this build: `ofsted-record embeds` writes them to "
            "`data/public/embeds/` and `ofsted-record site` copies them here.\n"
        )
    parts = []
    for entry in entries:
        slug = entry["slug"]
        base = f"{EMBEDS_DIR}/{slug}"
        parts.append(
            _raw(
                render(
                    "gallery.html.j2",
                    slug=slug,
                    title=entry["title"],
                    height=entry["height"],
                    preview_src=f"{base}/index.html",
                    resize_js=resize_js(),
                    page_href=f"{base}/index.html",
                    files=[(kind, f"{base}/{name}") for kind, name in entry["files"]],
                    snippet=entry["snippet"],
                )
            )
        )
    copy_js = resources.files("ofsted_record.embeds").joinpath("static/copy.js").read_text()
    parts.append(_raw(f"<script>\n{copy_js}</script>"))
    return "\n".join(parts)
