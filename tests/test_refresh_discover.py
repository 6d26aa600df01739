"""Parsing Ofsted provider pages: a hand-written fixture of the real structure, and the naming
rule checked against every file name in the shared corpus."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path, PurePosixPath

import pytest

from ofsted_record.refresh.discover import (
    clean_provider_name,
    is_childrens_services_inspection,
    parse_provider_page,
)
from ofsted_record.refresh.fakesite import (
    FakeProvider,
    FakeReport,
    nonvisual_from_filename,
    render_provider_page,
)

FIXTURE = Path(__file__).parent / "fixtures" / "refresh" / "provider_page.html"
PAGE_URL = "https://reports.ofsted.gov.uk/provider/44/80476"


@pytest.fixture(scope="module")
def page():
    return parse_provider_page(FIXTURE.read_text(encoding="utf-8"), PAGE_URL)


def test_fixture_lists_only_childrens_services_inspections(page) -> None:
    assert page.name == "Kent County Council"
    # 9 publication links (summary box, 2026, focused visit, JTAI, SEND, 2022, 2015, 2013, 2012)
    assert page.links == 9
    assert [r.file_id for r in page.reports] == [
        "50300001",
        "50190005",
        "50000006",
        "50004249",
        "2761007",
    ]
    assert [r.published for r in page.reports] == [
        date(2026, 2, 2),
        date(2022, 7, 29),
        date(2015, 2, 10),
        date(2013, 8, 23),
        date(2012, 3, 30),  # from the timeline <time>, the link has no nonvisual text
    ]


def test_fixture_file_names_follow_the_scrape_tool(page) -> None:
    names = [r.filename for r in page.reports]
    assert names == [
        "children's services inspection - 02 february 2026.pdf",
        "children's services inspection - 29 july 2022.pdf",  # curly apostrophe made straight
        "single inspection of la children's services as pdf - 10 february 2015.pdf",
        "children's services inspection,  pdf - 23 august 2013.pdf",  # Ofsted's double space kept
        "children's services inspection - 30 march 2012.pdf",
    ]


def test_fixture_urls_are_canonical(page) -> None:
    # the old files.api host is recorded under the current one, so keys match the corpus manifest
    report = next(r for r in page.reports if r.file_id == "50000006")
    assert report.url == "https://files.api.ofsted.gov.uk/v1/file/50000006"
    assert report.canonical_url == "https://files.ofsted.gov.uk/v1/file/50000006"
    assert report.key == "50000006"


def test_page_without_publications_and_broken_html() -> None:
    empty = parse_provider_page("<html><body><h1>Maintenance</h1><p>Try later", PAGE_URL)
    assert (empty.name, empty.links, empty.reports) == ("Maintenance", 0, ())
    broken = parse_provider_page(
        '<li class="timeline__day"><time>19 November 2021</time>'
        '<a class="publication-link" href="/v1/file/42"><span class="nonvisual">'
        "Children's services inspection, pdf - 19 November 2021"
        '<a href="/v1/file/43">Children\'s services inspection',  # unclosed tags everywhere
        PAGE_URL,
    )
    assert [(r.file_id, r.published) for r in broken.reports] == [
        ("42", date(2021, 11, 19)),
        ("43", date(2021, 11, 19)),
    ]
    assert broken.reports[0].url == "https://reports.ofsted.gov.uk/v1/file/42"


@pytest.mark.parametrize(
    ("printed", "folder"),
    [
        ("Kent County Council", "kent"),
        ("London Borough of Barnet", "barnet"),
        ("City of York Council", "york"),
        ("Kingston upon Hull City Council", "kingston upon hull"),
        ("Royal Borough of Greenwich", "greenwich"),
        ("Barnsley Metropolitan Borough Council", "barnsley"),
    ],
)
def test_clean_provider_name_matches_corpus_folders(printed: str, folder: str) -> None:
    assert clean_provider_name(printed) == folder


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("Children's services inspection", True),
        ("Single inspection of LA children's services", True),
        ("Children’s services focused visit", False),
        ("Joint area child protection inspection", False),
        ("Area SEND full inspection", False),
        ("Monitoring visit", False),
    ],
)
def test_which_publications_count(title: str, wanted: bool) -> None:
    assert is_childrens_services_inspection(title) is wanted


def test_every_corpus_file_name_survives_a_page_round_trip(corpus_dir: Path) -> None:
    """Render each corpus report as the site lists it, parse it back: same name, id and date."""
    with (corpus_dir / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 497
    reports = []
    for row in rows:
        name = PurePosixPath(row["path"]).name
        nonvisual, published = nonvisual_from_filename(name)
        reports.append(
            FakeReport(
                row["source_url"].rsplit("/", 1)[1],
                nonvisual,
                published,
                b"",
            ),
        )
    html = render_provider_page(FakeProvider("1", "All Councils", reports), "https://x.test")
    parsed = parse_provider_page(html, PAGE_URL)
    got = {r.file_id: r.filename for r in parsed.reports}
    want = {row["source_url"].rsplit("/", 1)[1]: PurePosixPath(row["path"]).name for row in rows}
    assert got == want
