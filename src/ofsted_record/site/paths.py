"""Where the site's sources and outputs live."""

from __future__ import annotations

from pathlib import Path

from ofsted_record import config
from ofsted_record.embeds.runtime import BUNDLE_NAME, RUNTIME_NAME

# The Vega bundle and the chart runtime (ofsted_record.embeds.runtime, which names them): pages
# load the runtime in their head; it loads the bundle beside it when a chart first comes near
# the screen.
# The embed pages keep the same bundle and runtime in embeds/lib/ (ofsted_record.embeds); the
# site's pages load that one copy, so each is stored and cached once.
BUNDLE_DIR = "embeds/lib"
ASSETS = "assets"
DATA_VERSION_FILE = "_data_version.txt"


def quarto_project() -> Path:
    """The Quarto project folder: the project root, holding ``_quarto.yml``."""
    return config.project_root()


def site_dir() -> Path:
    """Where the site's pages live (``site/``, rendered by the root ``_quarto.yml``)."""
    return config.project_root() / "site"


def output_dir() -> Path:
    """Rendered site (``output-dir: _site`` in ``_quarto.yml``); pages under ``_site/site/``."""
    return config.project_root() / "_site"


ROOT_REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>The Ofsted record</title>
<meta http-equiv="refresh" content="0; url=site/index.html">
<link rel="canonical" href="site/index.html">
</head><body><p><a href="site/index.html">The Ofsted record</a></p></body></html>
"""


def write_root_redirect(out: Path | None = None) -> Path:
    """``_site/index.html`` sending readers to the story page (pages live in ``site/``)."""
    path = (out or output_dir()) / "index.html"
    path.write_text(ROOT_REDIRECT, encoding="utf-8")
    return path


def assets_dir(site: Path | None = None) -> Path:
    return (site or site_dir()) / ASSETS


def bundle_path(site: Path | None = None) -> Path:
    return (site or site_dir()) / BUNDLE_DIR / BUNDLE_NAME


def runtime_path(site: Path | None = None) -> Path:
    return (site or site_dir()) / BUNDLE_DIR / RUNTIME_NAME


def bundle_src(depth: int) -> str:
    """Relative URL of the chart runtime from a page ``depth`` folders below the site root."""
    return "../" * depth + f"{BUNDLE_DIR}/{RUNTIME_NAME}"


def bundle_tag(depth: int) -> str:
    """The ``<script type="module">`` loading the chart runtime (a few KB, deferred: never
    render-blocking); it loads Vega itself when a chart first comes near the screen."""
    return f'<script type="module" src="{bundle_src(depth)}"></script>'
