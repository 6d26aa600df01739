"""Provenance of every input: publisher, title, URL, date, licence and sha256.

The descriptive fields are written here by hand (from ../shared/README.md and the publishers'
pages); the sha256 of each file is computed from the shared folder by ``ofsted-record
provenance`` and written to ``data/sources.yml``. The report corpus is recorded as its
manifest (each report's own sha256 is in ``data/processed/inspections.csv``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

from ofsted_record import config
from ofsted_record.tables import atomic_write_text, sha256_file

sha256 = sha256_file  # name used by tests and callers

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class Source:
    pattern: str  # glob relative to the shared data folder
    publisher: str
    title: str
    url: str
    date: str
    licence: str


SOURCES: tuple[Source, ...] = (
    Source(
        "ofsted-reports/manifest.csv",
        "Ofsted",
        "Local authority children's services inspection reports (497 files, 2012-2026), "
        "collected with the data-to-insight ILACS scrape tool (fork JT-39/ofsted-ilacs-scrape-tool)",
        "https://reports.ofsted.gov.uk/",
        "collected August 2026",
        OGL,
    ),
    Source(
        "ofsted-official/LA_Inspection_Outcomes_as_at_March_2024.ods",
        "Ofsted",
        "Local authority inspection outcomes as at 31 March 2024 (sheets "
        "Inspections_31_March_2024, Inspections_in_year_2023-24, ILACS_inspections_2018-2024)",
        "https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2024",
        "30 August 2024",
        OGL,
    ),
    Source(
        "ofsted-official/Childrens_social_care_in_England_2023_underlying_data.ods",
        "Ofsted",
        "Children's social care data in England 2023: underlying data "
        "(sheet LA_inspections_2009-2023)",
        "https://www.gov.uk/government/statistics/childrens-social-care-data-in-england-2023",
        "2023",
        OGL,
    ),
    Source(
        "geography/ons_uk_topojson_*",
        "Office for National Statistics (ONSvisual)",
        "uk-topojson: UK boundaries 2014-2025 and code changes",
        "https://github.com/ONSvisual/uk-topojson",
        "as supplied (2025 edition)",
        f"{OGL}; contains OS data © Crown copyright and database right",
    ),
    Source(
        "geography/ons_CTYUA_*",
        "Office for National Statistics",
        "Counties and Unitary Authorities boundaries (Dec 2020 BUC, Dec 2023 BSC)",
        "https://geoportal.statistics.gov.uk/",
        "December 2020 / December 2023",
        f"{OGL}; contains OS data © Crown copyright and database right",
    ),
    Source(
        "geography/ons_RGN_*",
        "Office for National Statistics",
        "Regions (England) December 2023 boundaries",
        "https://geoportal.statistics.gov.uk/",
        "December 2023",
        f"{OGL}; contains OS data © Crown copyright and database right",
    ),
    Source(
        "geography/geographr_*",
        "ONS via the geographr R package (humaniverse)",
        "Upper- and lower-tier boundaries and district to upper-tier lookups",
        "https://github.com/humaniverse/geographr",
        "2019, 2021, 2023, 2024 editions",
        f"{OGL} (ONS data); package code MIT",
    ),
    Source(
        "geography/hex_hocl_*",
        "House of Commons Library",
        "UK hex cartograms: upper-tier local authorities",
        "https://github.com/houseofcommonslibrary/uk-hex-cartograms-noncontiguous",
        "2018-2023 layers",
        "Open Parliament Licence v3.0",
    ),
    Source(
        "geography/hex_odileeds_*",
        "ODI Leeds (Open Innovations)",
        "HexJSON: UK upper-tier local authorities",
        "https://github.com/odileeds/hexmaps",
        "2019 geography",
        "MIT",
    ),
    Source(
        "reference/dfe_*",
        "Department for Education",
        "Local authority codes and region hierarchy (dfe-published-data-qa)",
        "https://github.com/dfe-analytical-services/dfe-published-data-qa",
        "as supplied",
        OGL,
    ),
    Source(
        "reference/ofsted_provider_lookup_d2i.csv",
        "Data to Insight",
        "Ofsted provider URN to DfE/ONS code lookup with statistical neighbours",
        "https://github.com/data-to-insight/ofsted-ilacs-scrape-tool",
        "as supplied (2026)",
        "as published by Data to Insight (open data)",
    ),
    Source(
        "context/ees/*",
        "Department for Education",
        "Explore Education Statistics exports (children in need, child protection, looked "
        "after children, social work workforce, population, statistical neighbours) via "
        "CSC_outcomes_and_enablers",
        "https://explore-education-statistics.service.gov.uk/",
        "2013-2025 releases",
        OGL,
    ),
    Source(
        "context/lait/*",
        "Department for Education",
        "Local Authority Interactive Tool (LAIT) long table and data dictionary",
        "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        "2024-11-15 and later copy",
        OGL,
    ),
    Source(
        "context/ro3/*",
        "Ministry of Housing, Communities and Local Government",
        "Local authority revenue outturn: RO3 social care, 2022-23 to 2024-25",
        "https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing",
        "2024-2025",
        OGL,
    ),
    Source(
        "context/imd2019/*",
        "Ministry of Housing, Communities and Local Government",
        "English Indices of Deprivation 2019 (Files 1, 2, 6, 10, 11)",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "26 September 2019",
        OGL,
    ),
    Source(
        "interventions/interventions.csv",
        "Compiled for this project (shared/)",
        "Government interventions in failing children's services, 2009-2026 (190 rows, 70 "
        "councils), each row citing its gov.uk, Hansard or news source with a short exact quote",
        "see the source_url column of each row",
        "revised December 2026",
        "each row: the licence of its source",
    ),
)


def source_for(rel: str) -> Source | None:
    for source in SOURCES:
        if fnmatch.fnmatch(rel, source.pattern):
            return source
    return None


def input_files(shared: Path) -> list[str]:
    """Every shared input file recorded individually (reports are recorded by manifest)."""
    files = []
    for path in sorted(shared.rglob("*")):
        rel = path.relative_to(shared).as_posix()
        if path.is_file() and not (
            rel.startswith("ofsted-reports/") and rel != "ofsted-reports/manifest.csv"
        ):
            files.append(rel)
    return files


def build_sources(shared: Path | None = None) -> dict:
    """Every input with its provenance; raises ``config.MissingInput`` (naming the paths) when
    the shared folder or any recorded source is missing, so ``sources.yml`` is never emptied."""
    shared = shared or config.shared_data_dir()
    config.require(shared)
    files = input_files(shared)
    absent = [
        shared / s.pattern for s in SOURCES if not any(fnmatch.fnmatch(f, s.pattern) for f in files)
    ]
    if absent:
        raise config.missing_input(absent)
    entries = []
    for rel in files:
        source = source_for(rel)
        if source is None:
            raise LookupError(f"{rel}: no provenance recorded in ofsted_record.provenance.SOURCES")
        entries.append(
            {
                "file": rel,
                "publisher": source.publisher,
                "title": source.title,
                "url": source.url,
                "date": source.date,
                "licence": source.licence,
                "bytes": (shared / rel).stat().st_size,
                "sha256": sha256(shared / rel),
            }
        )
    return {"shared_data_setting": config.SHARED_DATA_ENV, "inputs": entries}


def write_sources(path: Path | None = None) -> Path:
    path = path or config.project_root() / "data" / "sources.yml"
    text = "# Generated by `ofsted-record provenance`: every input with its provenance.\n"
    text += yaml.safe_dump(build_sources(), sort_keys=False, allow_unicode=True, width=100)
    atomic_write_text(path, text)
    return path
