"""Build everything the site needs without Quarto, then render it with Quarto if present."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
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
    embeds = assets.copy_embeds(site)  # first: it replaces site/embeds/, bundle included
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


# Files every page depends on: a change to any of them re-renders the whole site. Resources
# (assets, downloads, embeds, favicon) are in this list too, since Quarto copies them only when
# it renders the project.
GLOBAL_INPUTS = (
    "_quarto.yml",
    "src/ofsted_record/site/postrender.py",
    "site/_metadata.yml",
    "site/councils/_metadata.yml",
    "site/assets",
    "site/downloads",
    "site/embeds",
    "site/favicon.png",
    "site/favicon.ico",
)
PAGE_GLOBS = ("site/*.qmd", "site/councils/*.qmd")
RENDER_MANIFEST = Path(".cache") / "site" / "render.json"
# Above this many changed pages one project render beats one `quarto render` per page.
MAX_PARTIAL = 12
_PROGRESS = re.compile(r"^\s*\[\s*\d+/\d+\]\s+(\S+\.qmd)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WARNING = re.compile(r"\bWARN(?:ING)?\b")


@dataclass
class RenderResult:
    out: Path
    mode: str  # "full", "partial" or "none"
    rendered: list[str]
    warnings: dict[str, list[str]]  # page (or "(project)") -> warning lines, every page
    seconds: float


def _page_hashes(project: Path) -> dict[str, str]:
    pages = sorted({p for pattern in PAGE_GLOBS for p in project.glob(pattern)})
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in pages
    }


def _quarto_version(quarto: str) -> str:
    result = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
    return f"{quarto} {result.stdout.strip()}"


def parse_warnings(text: str, default: str) -> dict[str, list[str]]:
    """Warning lines of a render log, keyed by the page being rendered when they appeared."""
    out: dict[str, list[str]] = {}
    current = default
    for line in _ANSI.sub("", text).splitlines():
        progress = _PROGRESS.match(line)
        if progress:
            current = progress.group(1)
        elif _WARNING.search(line):
            out.setdefault(current, []).append(line.strip())
    return out


def _quarto_env(project: Path) -> dict[str, str]:
    from ofsted_record.site.kernel_log import ipython_dir

    # IPYTHONDIR: a kernel profile that drops ipykernel's TCP notice (see kernel_log).
    return {
        **os.environ,
        "QUARTO_PYTHON": sys.executable,
        "IPYTHONDIR": str(ipython_dir(project)),
    }


def _run_quarto(quarto: str, args: list[str], project: Path, default: str) -> dict[str, list[str]]:
    """Run ``quarto render``, showing its output as it comes, and return its warnings."""
    command = [quarto, "render", *args]
    lines: list[str] = []
    with subprocess.Popen(
        command,
        env=_quarto_env(project),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stderr.write(line)
            lines.append(line)
    log = "".join(lines)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, log)
    return parse_warnings(log, default)


def render(
    project: Path | None = None, quarto: str | None = None, *, incremental: bool = True
) -> RenderResult:
    """``quarto render`` with this interpreter as the kernel's Python, then the root redirect.

    Incremental: a manifest (``.cache/site/render.json``) keeps each page's source hash, the
    hash of everything all pages share (``GLOBAL_INPUTS``) and the Quarto version. Nothing
    changed: no render. A few pages changed: ``quarto render <page>`` for each. Anything shared
    changed, a page added or removed, or many pages changed: one project render (``freeze:
    auto`` still skips executing unchanged computational pages). Warnings from every render
    are kept per page, so callers see the warnings of the output as a whole.
    """
    from ofsted_record.site.paths import quarto_project, write_root_redirect
    from ofsted_record.site.stamps import digest

    start = time.perf_counter()
    project = Path(project or quarto_project())
    quarto = quarto or find_quarto()
    out = project / "_site"
    manifest_path = project / RENDER_MANIFEST
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8")) if incremental else {}
    except (OSError, ValueError):
        old = {}
    shared = digest([project / name for name in GLOBAL_INPUTS]) + _quarto_version(quarto)
    pages = _page_hashes(project)
    old_pages = old.get("pages", {})
    changed = [p for p, h in pages.items() if old_pages.get(p, {}).get("hash") != h]
    warnings: dict[str, list[str]] = {p: old_pages.get(p, {}).get("warnings", []) for p in pages}
    complete = (out / "site" / "index.html").exists() and old.get("shared") == shared
    if complete and set(pages) == set(old_pages) and len(changed) <= MAX_PARTIAL:
        mode = "partial" if changed else "none"
        for page in changed:
            found = _run_quarto(quarto, [page], project, page)
            warnings[page] = [w for lines in found.values() for w in lines]
        project_warnings = old.get("project_warnings", [])
    else:
        mode = "full"
        manifest_path.unlink(missing_ok=True)
        found = _run_quarto(quarto, [], project, "(project)")
        warnings = {p: found.get(p, []) for p in pages}
        project_warnings = [w for p, lines in found.items() if p not in pages for w in lines]
    write_root_redirect(out)
    # Fragments with no <head> (the embed snippets) make browsers ask for /favicon.ico.
    icon = project / "site" / "favicon.ico"
    if icon.exists():
        shutil.copyfile(icon, out / "favicon.ico")
    manifest = {
        "shared": shared,
        "pages": {p: {"hash": h, "warnings": warnings[p]} for p, h in pages.items()},
        "project_warnings": project_warnings,
    }
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    rendered = list(pages) if mode == "full" else changed
    all_warnings = {p: w for p, w in warnings.items() if w}
    if project_warnings:
        all_warnings["(project)"] = project_warnings
    return RenderResult(out, mode, rendered, all_warnings, time.perf_counter() - start)
