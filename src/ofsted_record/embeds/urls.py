"""Public addresses of the embeds, and the links that data may carry into them.

One setting: ``website: site-url`` in ``_quarto.yml`` (Quarto's own key for the site's public
address). ``$OFSTED_SITE_URL`` overrides it for previews. The site build copies
``data/public/embeds/`` to ``site/embeds/``, which Quarto publishes at
``<site-url>/site/embeds/``; an embed lives at ``<that>/<slug>/index.html``, its data at
``<that>/<slug>/data.csv``. Slugs are stable, so neither address changes when the data does.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import yaml

SITE_URL_ENV = "OFSTED_SITE_URL"
EMBEDS_PATH = "site/embeds"
LINK_SCHEMES = ("http", "https")


class RelativeURLError(ValueError):
    """A production build was asked to write a snippet that is not an absolute web address."""


class UnsafeLinkError(ValueError):
    """A link in the data is not an http(s) address."""


def configured_site_url(project_root: Path | None = None) -> str:
    """``$OFSTED_SITE_URL``, else ``website: site-url`` of ``_quarto.yml``, else ``""``."""
    if os.environ.get(SITE_URL_ENV):
        return os.environ[SITE_URL_ENV]
    if project_root is None:
        from ofsted_record.config import project_root as root

        project_root = root()
    path = project_root / "_quarto.yml"
    if not path.exists():
        return ""
    website = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("website") or {}
    return str(website.get("site-url") or "")


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LINK_SCHEMES and bool(parts.netloc)


def embeds_base(site_url: str, *, preview: bool = False) -> str:
    """Address of the embeds folder (no trailing slash), or ``""`` (relative) in a preview.

    Raises :class:`RelativeURLError` for a production build without an absolute http(s) site URL.
    """
    if site_url and is_web_address(site_url):
        return f"{site_url.rstrip('/')}/{EMBEDS_PATH}"
    if preview:
        return ""
    reason = f"{site_url!r} is not an http(s) address" if site_url else "no site address is set"
    raise RelativeURLError(
        f"cannot write embed snippets: {reason}. Set `website: site-url` in _quarto.yml (or "
        f"${SITE_URL_ENV}), or pass --preview for a local preview with relative addresses."
    )


def embed_url(base: str, slug: str) -> str:
    """The embed's address: ``<base>/<slug>/index.html``, or relative to the embed's own
    folder in a preview. ``index.html`` is named because not every host serves it for a folder."""
    return f"{base}/{slug}/index.html" if base else f"../{slug}/index.html"


def check_links(frame: pd.DataFrame, slug: str) -> None:
    """Refuse any non-empty value of a ``*url``/``href`` column that is not an http(s) address
    (a ``javascript:`` or ``data:`` link in a chart would run in the reader's browser)."""
    columns = [c for c in frame.columns if str(c).lower().endswith("url") or c == "href"]
    for column in columns:
        for position, value in enumerate(frame[column].tolist()):
            if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                continue
            if not is_web_address(str(value)):
                who = ", ".join(
                    f"{name} {frame[name].iloc[position]}"
                    for name in ("council", "la_code", "year")
                    if name in frame.columns
                )
                raise UnsafeLinkError(
                    f"chart {slug}: row {position + 1}"
                    + (f" ({who})" if who else "")
                    + f" has {column} {str(value)[:80]!r}, which is not an http(s) address"
                )
