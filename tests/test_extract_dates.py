"""Dates as printed, including inspections split into two visits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ofsted_record.extract.dates import parse_range
from ofsted_record.extract.parsers import days_on_site, ilacs_kind
from ofsted_record.extract.pipeline import parse_file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11 May 2015 – 4 June 2015", (date(2015, 5, 11), date(2015, 6, 4))),
        ("8 – 12 July 2013", (date(2013, 7, 8), date(2013, 7, 12))),
        ("27 to 31 January 2025", (date(2025, 1, 27), date(2025, 1, 31))),
        ("30 October to 3 November 2023", (date(2023, 10, 30), date(2023, 11, 3))),
        ("30 December to 10 January 2020", (date(2019, 12, 30), date(2020, 1, 10))),
        ("12/09/2016 to 06/10/2016", (date(2016, 9, 12), date(2016, 10, 6))),
        ("28 July 2016", (date(2016, 7, 28), date(2016, 7, 28))),
    ],
)
def test_printed_ranges(text: str, expected: tuple[date, date]) -> None:
    assert parse_range(text) == expected


def test_bad_range_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_range("sometime in spring")


def test_days_on_site_add_up_over_split_visits() -> None:
    visits = [(date(2022, 12, 5), date(2022, 12, 9)), (date(2023, 2, 14), date(2023, 2, 15))]
    assert days_on_site(visits) == 7
    assert ilacs_kind(date(2022, 12, 5), date(2023, 2, 15), 7) == "ilacs_short"
    assert ilacs_kind(date(2022, 12, 5), date(2023, 2, 15)) == "ilacs_standard"


@pytest.mark.parametrize(
    ("rel", "start", "end", "framework"),
    [
        # p1: "Inspection dates: 5 to 9 December 2022 and 14 to 15 February 2023"
        (
            "80557_south tyneside/children's services inspection - 10 may 2023.pdf",
            "2022-12-05",
            "2023-02-15",
            "ilacs_short",
        ),
        # p1: "Inspection dates: 30 September to 11 October 2024 and 13 to 16 January 2025"
        (
            "80461_devon/children's services inspection - 13 may 2025.pdf",
            "2024-09-30",
            "2025-01-16",
            "ilacs_standard",
        ),
    ],
)
def test_split_inspections_in_the_corpus(
    corpus_dir: Path, rel: str, start: str, end: str, framework: str
) -> None:
    result = parse_file(corpus_dir / rel)
    assert result["ok"], result
    report = result["report"]
    assert (report["start_date"], report["end_date"]) == (start, end)
    assert report["framework"] == framework
