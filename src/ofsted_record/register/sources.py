"""Readers for the register's inputs, each failing with the file and the reason."""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from ofsted_record.config import shared_path
from ofsted_record.register.normalise import core_key


class RegisterInputError(ValueError):
    """An input file is missing or not shaped as expected."""


def _read_rows(path: Path, required: set[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise RegisterInputError(f"{path}: file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = required - set(rows[0] if rows else ())
    if missing:
        raise RegisterInputError(f"{path}: missing columns {sorted(missing)}")
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


def _iso(text: str, path: Path) -> str:
    if not text:
        return ""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError as exc:
        raise RegisterInputError(f"{path}: bad date {text!r} (expected dd/mm/yyyy)") from exc


@dataclass(frozen=True)
class DfeCode:
    """One row of dfe_las.csv: a DfE LA code's ONS code and its validity."""

    la_code: str
    ons_code: str
    name: str
    valid_from: str
    valid_to: str
    region_code: str
    entity_code: str


def dfe_codes(path: Path | None = None) -> list[DfeCode]:
    """Single-council rows of ``reference/dfe_las.csv`` (joint ``a / b`` rows and ``x`` codes skipped)."""
    path = path or shared_path("reference", "dfe_las.csv")
    rows = _read_rows(
        path,
        {"new_la_code", "la_name", "date_of_operation", "date_of_termination", "old_la_code"},
    )
    out = []
    for row in rows:
        code, ons = row["old_la_code"], row["new_la_code"]
        if not re.fullmatch(r"\d{3}", code) or not re.fullmatch(r"E\d{8}", ons):
            continue  # 'x' (no DfE code), 'z' (outside England), 'a / b' joint reporting rows
        out.append(
            DfeCode(
                la_code=code,
                ons_code=ons,
                name=row["la_name"],
                valid_from=_iso(row["date_of_operation"], path),
                valid_to=_iso(row["date_of_termination"], path),
                region_code=row["parent_geography_code"],
                entity_code=row["entity_code"],
            )
        )
    if not out:
        raise RegisterInputError(f"{path}: no DfE LA rows found")
    return out


def dfe_regions(path: Path | None = None) -> dict[str, tuple[str, str, str]]:
    """``la_code -> (region_code, region_name, la_name)`` from ``dfe_region_la_hierarchy.csv``."""
    path = path or shared_path("reference", "dfe_region_la_hierarchy.csv")
    rows = _read_rows(path, {"region_code", "region_name", "old_la_code", "la_name"})
    out: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        code = row["old_la_code"]
        if not re.fullmatch(r"\d{3}", code):
            continue
        value = (row["region_code"], row["region_name"], row["la_name"])
        if code in out and out[code][:2] != value[:2]:
            raise RegisterInputError(f"{path}: la_code {code} is in two regions")
        out.setdefault(code, value)
    return out


@dataclass(frozen=True)
class D2iRow:
    urn: str
    la_code: str
    ons_code: str
    names: tuple[str, ...]


def d2i_lookup(path: Path | None = None) -> list[D2iRow]:
    """Rows of the data-to-insight provider lookup (URN, DfE code, ONS code, name variants)."""
    path = path or shared_path("reference", "ofsted_provider_lookup_d2i.csv")
    rows = _read_rows(path, {"urn", "la_code", "la_code_new", "local_authority_ons_name"})
    out = []
    for row in rows:
        if not re.fullmatch(r"\d+", row["urn"]) or not re.fullmatch(r"\d{3}", row["la_code"]):
            raise RegisterInputError(f"{path}: bad urn/la_code in row {row}")
        names = [row["local_authority_ons_name"], row.get("utla23nm", "")]
        names += _split_aka(row.get("also_known_as", ""), row["local_authority_ons_name"])
        out.append(
            D2iRow(
                urn=row["urn"],
                la_code=row["la_code"],
                ons_code=row["la_code_new"],
                names=tuple(sorted({n for n in names if n})),
            )
        )
    return out


def _split_aka(text: str, ons_name: str) -> list[str]:
    """Split d2i's ``[a, b, c]`` list, re-joining pieces that form the council's own name.

    ``[BCP, Bournemouth, Christchurch & Poole]`` must give ``BCP`` and ``Bournemouth,
    Christchurch & Poole``, never ``Bournemouth`` (a different council).
    """
    items = [item.strip() for item in text.strip("[] ").split(",") if item.strip()]
    target = core_key(ons_name)
    for start in range(len(items)):
        for stop in range(len(items), start + 1, -1):
            if core_key(", ".join(items[start:stop])) == target:
                return items[:start] + [", ".join(items[start:stop])] + items[stop:]
    return items


FOLDER_RE = re.compile(r"^(\d+)_(.+)$")


def report_folders(reports_dir: Path | None = None) -> list[tuple[str, str]]:
    """``(urn, folder name)`` for every ``<URN>_<name>`` folder of the report corpus."""
    reports_dir = reports_dir or shared_path("ofsted-reports")
    if not reports_dir.is_dir():
        raise RegisterInputError(f"{reports_dir}: report folder not found")
    out = []
    for child in sorted(reports_dir.iterdir()):
        if not child.is_dir():
            continue
        match = FOLDER_RE.match(child.name)
        if not match:
            raise RegisterInputError(f"{child}: folder is not '<provider URN>_<council name>'")
        out.append((match.group(1), match.group(2)))
    return out


OFFICIAL_ODS = ("ofsted-official", "Childrens_social_care_in_England_2023_underlying_data.ods")
OFFICIAL_SHEET = "LA_inspections_2009-2023"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_LINK_RE = re.compile(r"reports\.ofsted\.gov\.uk/provider/\d+/(\d+)")


def official_table_links(path: Path | None = None) -> list[tuple[str, str, bool]]:
    """``(name, number, before_restructure)`` from the HYPERLINK formulas in column A of the
    official LA sheet; ``before_restructure`` marks rows of its second table ("History of
    inspections of local authorities that existed before the restructure").

    Ofsted links each council to ``reports.ofsted.gov.uk/provider/44/<n>``; ``n`` is the
    provider URN for most rows (5+ digits) and the DfE code for some (3 digits). The links are
    the only machine-readable source of URNs for Bournemouth, Poole, old Dorset and Cumbria.
    """
    path = path or shared_path(*OFFICIAL_ODS)
    if not path.exists():
        raise RegisterInputError(f"{path}: file not found")
    out: list[tuple[str, str, bool]] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
            for _, element in ET.iterparse(handle):
                if element.tag != _TABLE + "table":
                    continue
                if element.get(_TABLE + "name") == OFFICIAL_SHEET:
                    before = False
                    for row in element.iter(_TABLE + "table-row"):
                        cells = row.findall(_TABLE + "table-cell")
                        if not cells:
                            continue
                        first = "".join(cells[0].itertext())
                        if "before the restructure" in first:
                            before = True
                        if len(cells) < 2:
                            continue
                        match = _LINK_RE.search(cells[0].get(_TABLE + "formula") or "")
                        name = "".join(cells[1].itertext()).strip()
                        if match and name:
                            out.append((name, match.group(1), before))
                element.clear()
    except (zipfile.BadZipFile, ET.ParseError, KeyError) as exc:
        raise RegisterInputError(f"{path}: not a readable ODS file ({exc})") from exc
    if not out:
        raise RegisterInputError(f"{path}: no provider links found in sheet {OFFICIAL_SHEET}")
    return out
