"""Static files the site serves itself: the Vega bundle, a favicon, downloads, embeds, and the
data version that makes frozen pages re-execute when the data change."""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import zlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ofsted_record import config
from ofsted_record.site.paths import DATA_VERSION_FILE, assets_dir, bundle_path, runtime_path
from ofsted_record.tables import atomic_write_bytes, atomic_write_text, write_csv

# Tables offered for download: warehouse table -> sort key (deterministic files).
DOWNLOADS: dict[str, tuple[str, ...]] = {
    "councils": ("la_code",),
    "inspections": ("inspection_id",),
    "judgements": ("inspection_id", "area"),
    "interventions": ("la_code", "date", "event"),
    "inadequate_spells": ("la_code", "spell_number"),
    "transitions": ("la_code", "published_date"),
    "reconciliation": (
        "la_code",
        "family",
        "area",
        "official_inspection_id",
        "report_inspection_id",
    ),
    "counting_rules": ("rule",),
    "context_measures": ("la_code", "measure", "year"),
    "context_measure_dictionary": ("measure",),
}
DOWNLOADS_DIR = "downloads"
EMBEDS_DIR = "embeds"


def write_bundle(site: Path) -> Path:
    """The Vega bundle and the chart runtime (``charts.js``) once, in ``embeds/lib/``, where
    the embeds load them too (:mod:`ofsted_record.embeds.runtime`). Returns the runtime."""
    from ofsted_record.embeds import runtime

    path = bundle_path(site)
    (assets_dir(site) / path.name).unlink(missing_ok=True)  # where it used to be (a 2nd copy)
    for name, text in runtime.lib_files().items():
        target = path.parent / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            atomic_write_text(target, text)
    return runtime_path(site)


def _png(width: int, height: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """A minimal RGBA PNG encoder (no imaging dependency for one icon)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def favicon_png(size: int = 32) -> bytes:
    """Four bars in the grade palette (outstanding to inadequate), on white."""
    colours = [(0x0B, 0x3C, 0x78), (0x4B, 0x93, 0xD1), (0xF6, 0xB2, 0x6B), (0xB4, 0x44, 0x0A)]
    heights = [0.9, 0.7, 0.5, 0.3]
    bar = size // 4
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            i = min(x // bar, 3)
            inside = y >= size * (1 - heights[i]) and x % bar != bar - 1
            row.append((*colours[i], 255) if inside else (255, 255, 255, 0))
        pixels.append(row)
    return _png(size, size, pixels)


def write_favicon(site: Path) -> list[Path]:
    """``favicon.png`` (named in _quarto.yml) and ``favicon.ico`` (an ICO holding the PNG)
    for browsers that ask for /favicon.ico anyway."""
    png = favicon_png()
    ico = (
        struct.pack("<HHH", 0, 1, 1)
        + struct.pack("<BBBBHHII", 32, 32, 0, 0, 1, 32, len(png), 22)
        + png
    )
    out = []
    for name, data in (("favicon.png", png), ("favicon.ico", ico)):
        path = site / name
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        out.append(path)
    return out


CODE_SUFFIXES = {".py", ".sql", ".yml", ".json", ".j2", ".csv"}


def data_version(processed: Path | None = None, code: Path | None = None) -> str:
    """sha256 (first 16 hex) over every processed file, the interventions input and the
    package's own code (charts, queries, templates): changes exactly when what the pages show
    can change, so ``freeze: auto`` re-executes them then and only then."""
    processed = processed or config.processed_dir()
    code = code or Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    files = sorted(p for p in processed.rglob("*") if p.is_file() and "preview" not in p.parts)
    sources = sorted(
        p
        for p in code.rglob("*")
        if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
    )
    interventions = config.shared_path("interventions", "interventions.csv")
    for path in [*files, interventions, *sources]:
        if not path.exists():
            continue
        if path.is_relative_to(processed):
            name = path.relative_to(processed)
        elif path.is_relative_to(code):
            name = Path("code") / path.relative_to(code)
        else:
            name = path.name
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


FRONT_KEY = re.compile(r"^data-version:.*$", re.MULTILINE)


def stamp_data_version(page: Path, version: str) -> bool:
    """Set ``data-version:`` in a page's front matter so ``freeze: auto`` (which re-executes a
    page only when its source changes) re-executes it when the data change. True if changed."""
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{page}: no YAML front matter to stamp")
    end = text.index("\n---", 3)
    front, rest = text[: end + 1], text[end + 1 :]
    line = f'data-version: "{version}"'
    new_front = FRONT_KEY.sub(line, front) if FRONT_KEY.search(front) else front + line + "\n"
    new = new_front + rest
    if new == text:
        return False
    atomic_write_text(page, new)
    return True


def write_data_version(site: Path, version: str) -> Path:
    path = site / DATA_VERSION_FILE
    atomic_write_text(path, version + "\n")
    return path


def computational_pages(site: Path) -> list[Path]:
    """Hand-written pages with Python cells (the ones Quarto executes)."""
    return sorted(p for p in site.glob("*.qmd") if "```{python}" in p.read_text(encoding="utf-8"))


def write_downloads(con: duckdb.DuckDBPyConnection, site: Path, warehouse: Path) -> list[Path]:
    """CSV and Parquet of each table in :data:`DOWNLOADS`, and a copy of the DuckDB file."""
    folder = site / DOWNLOADS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for table, key in DOWNLOADS.items():
        try:
            frame = con.execute(f'SELECT * FROM "{table}"').df()  # names from this module
        except duckdb.CatalogException:
            continue
        frame = frame.sort_values(list(key), kind="mergesort", na_position="last").reset_index(
            drop=True
        )
        out.append(write_csv(frame, folder / f"{table}.csv"))
        arrow = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
        sink = pa.BufferOutputStream()
        pq.write_table(arrow, sink, compression="zstd", write_statistics=False)
        atomic_write_bytes(folder / f"{table}.parquet", sink.getvalue().to_pybytes())
        out.append(folder / f"{table}.parquet")
    target = folder / "warehouse.duckdb"
    shutil.copyfile(warehouse, target)
    out.append(target)
    return out


def copy_embeds(site: Path, source: Path | None = None) -> list[str]:
    """Copy ``data/public/embeds/<slug>/`` into ``site/embeds/``; returns the slugs."""
    source = source or config.public_dir() / "embeds"
    target = site / EMBEDS_DIR
    if not source.is_dir():
        return []
    slugs = sorted(p.name for p in source.iterdir() if p.is_dir())
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return slugs


def copy_assets(site: Path) -> Path:
    """The site stylesheet lives in site/assets (hand-written); ensure the folder exists."""
    folder = assets_dir(site)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
