"""Build everything the site needs without Quarto, then render it with Quarto if present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_record import config
from ofsted_record.site import assets, councils, maps
from ofsted_record.site.paths import site_dir

QUARTO_ENV = "QUARTO"


class QuartoMissing(RuntimeError):
    """Quarto is not installed and could not be installed."""


@dataclass
class BuildReport:
    data_version: str
    council_pages: int
    stamped: list[str] = field(default_factory=list)
    downloads: int = 0
    embeds: list[str] = field(default_factory=list)


def build_site(
    site: Path | None = None, warehouse: Path | None = None, progress: bool = True
) -> BuildReport:
    """Generate council pages, listing, Vega bundle, favicon, geography, downloads, embeds and
    stamp the data version into the computational pages."""
    from ofsted_record.warehouse import connect

    site = Path(site or site_dir())
    warehouse = Path(warehouse or config.warehouse_path())
    con = connect(warehouse)
    try:
        assets.copy_assets(site)
        assets.write_bundle(site)
        assets.write_favicon(site)
        maps.copy_geography(site)
        pages = councils.write_council_pages(con, site, progress=progress)
        downloads = assets.write_downloads(con, site, warehouse)
    finally:
        con.close()
    embeds = assets.copy_embeds(site)
    version = assets.data_version()
    assets.write_data_version(site, version)
    stamped = [
        p.name for p in assets.computational_pages(site) if assets.stamp_data_version(p, version)
    ]
    return BuildReport(version, len(pages), stamped, len(downloads), embeds)


def find_quarto(install: bool = True) -> str:
    """``$QUARTO``, ``quarto`` on PATH or in this venv; else try ``pip install quarto-cli``."""
    candidates = [
        os.environ.get(QUARTO_ENV),
        shutil.which("quarto"),
        str(Path(sys.executable).parent / "quarto"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    if install:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "quarto-cli"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return find_quarto(install=False)
        lines = (result.stderr or result.stdout).strip().splitlines()
        errors = [line.strip() for line in lines if line.lstrip().startswith("ERROR")]
        reason = errors[-1:] or lines[-1:] or ["unknown error"]
        raise QuartoMissing(
            "Quarto is not installed and `pip install quarto-cli` failed "
            f"({reason[0]}). Install Quarto (https://quarto.org/docs/get-started/) or set "
            f"${QUARTO_ENV} to its path, then run `ofsted-record site` again. Everything else "
            "(council pages, assets, downloads) has been built."
        )
    raise QuartoMissing(
        f"Quarto not found (set ${QUARTO_ENV}, or put `quarto` on PATH). Everything else has "
        "been built; only the render step is missing."
    )


def render(project: Path | None = None, quarto: str | None = None) -> Path:
    """``quarto render`` the project (the folder holding ``_quarto.yml``; default the project
    root) with this interpreter as the Jupyter kernel's Python, then write the root redirect.
    Returns the output folder (``<project>/_site``)."""
    from ofsted_record.site.paths import quarto_project, write_root_redirect

    project = Path(project or quarto_project())
    quarto = quarto or find_quarto()
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    subprocess.run([quarto, "render"], check=True, env=env, cwd=project)
    out = project / "_site"
    write_root_redirect(out)
    return out
