"""The embed gallery: every chart that ``ofsted-record embeds`` wrote to
``data/public/embeds/<slug>/`` (copied into ``site/embeds/`` by the site build), with its
iframe snippet and its PNG, SVG and CSV files. The folder is read as it is, so new charts appear
without changes here."""

from __future__ import annotations

import html
from pathlib import Path

from ofsted_record.site.assets import EMBEDS_DIR
from ofsted_record.site.text import md

KINDS = {".png": "PNG", ".svg": "SVG", ".csv": "CSV", ".json": "Vega-Lite spec"}


def embed_entries(site: Path) -> list[dict]:
    folder = site / EMBEDS_DIR
    if not folder.is_dir():
        return []
    entries = []
    for slug_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(p for p in slug_dir.iterdir() if p.is_file())
        pages = [p for p in files if p.suffix == ".html"]
        if not pages:  # e.g. lib/, the shared Vega bundle: not a chart
            continue
        page = next((p for p in pages if p.name == "index.html"), pages[0] if pages else None)
        entries.append(
            {
                "slug": slug_dir.name,
                "page": page.name if page else None,
                "files": [(KINDS[p.suffix], p.name) for p in files if p.suffix in KINDS],
            }
        )
    return entries


def gallery_markdown(site: Path, site_url: str = "") -> str:
    entries = embed_entries(site)
    if not entries:
        return (
            "No embeddable charts are in this build: `ofsted-record embeds` writes them to "
            "`data/public/embeds/` and `ofsted-record site` copies them here.\n"
        )
    parts = []
    for entry in entries:
        slug = entry["slug"]
        parts.append(f"## {md(slug.replace('-', ' ').capitalize())}\n")
        if entry["page"]:
            src = (
                f"{site_url.rstrip('/')}/{EMBEDS_DIR}/{slug}/{entry['page']}"
                if site_url
                else f"{EMBEDS_DIR}/{slug}/{entry['page']}"
            )
            snippet = (
                f'<iframe src="{html.escape(src)}" title="{html.escape(slug.replace("-", " "))}" '
                'width="100%" height="480" style="border:0" loading="lazy"></iframe>'
            )
            parts.append(f"[Open the chart]({EMBEDS_DIR}/{slug}/{entry['page']})\n")
            parts.append("Embed it with:\n\n```html\n" + snippet + "\n```\n")
        links = " · ".join(f"[{kind}]({EMBEDS_DIR}/{slug}/{name})" for kind, name in entry["files"])
        if links:
            parts.append(f"Files: {links}\n")
    return "\n".join(parts)
