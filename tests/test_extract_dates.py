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
        ("18 Feb 2014 – 12 March 2014", (date(2014, 2, 18), date(2014, 3, 12))),
        ("20 June 2017 \u2500 13 July 2017", (date(2017, 6, 20), date(2017, 7, 13))),
        ("3 Sept. 2015 \u2014 1 Oct 2015", (date(2015, 9, 3), date(2015, 10, 1))),
        ("1st \u2212 5th June 2015", (date(2015, 6, 1), date(2015, 6, 5))),
        ("1/06/2015 – 25/06/2015", (date(2015, 6, 1), date(2015, 6, 25))),
    ],
)
def test_printed_ranges(text: str, expected: tuple[date, date]) -> None:
    assert parse_range(text) == expected


def test_bad_range_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_range("sometime in spring")


@pytest.mark.parametrize(
    "text",
    [
        "20 June 2017 \u2192 13 July 2017",  # an unknown separator is not a one-day inspection
        "20 June 2017 ~ 13 July 2017",
        "18 Feb 2014 \u2192 12 March 2014",
        "in 2014 – 12 March 2014",  # the '14' of '2014' is not a day
    ],
)
def test_unknown_separator_or_start_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_range(text)


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


# One report for every form of the date line found in the corpus (dash, month spelling, order),
# listed by a sweep of page 1 of all reports. Golden values read off page 1 of each PDF; the
# printed text is given as extracted.
DATE_LINE_FORMS = [
    # 'N Month to N Month N'
    ("2532283_dorset/children's services inspection - 09 may 2025.pdf",
     "17 March to 21 March 2025", "2025-03-17", "2025-03-21"),
    # 'N to N Month N'
    ("2532287_bournemouth, christchurch & poole/children's services inspection - 11 february 2022.pdf",
     "6 to 17 December 2021", "2021-12-06", "2021-12-17"),
    # 'N Month N to N Month N'
    ("80418_norfolk/children's services inspection - 19 january 2018.pdf",
     "13 November 2017 to 24 November 2017", "2017-11-13", "2017-11-24"),
    # 'N Month N – N Month N' (en dash)
    ("80418_norfolk/children's services inspection - 20 october 2015.pdf",
     "6 July 2015 – 30 July 2015", "2015-07-06", "2015-07-30"),
    # 'N – N Month N'
    ("80418_norfolk/children's services inspection,  pdf - 16 august 2013.pdf",
     "8 – 12 July 2013", "2013-07-08", "2013-07-12"),
    # 'N Month – N Month N'
    ("80432_bolton/children's services inspection - 21 march 2014.pdf",
     "14 January – 5 February 2014", "2014-01-14", "2014-02-05"),
    # 'N Month N - N Month N' (hyphen)
    ("80445_cambridgeshire/children's services inspection - 08 august 2014.pdf",
     "3 June 2014 - 25 June 2014", "2014-06-03", "2014-06-25"),
    # 'N Mon N – N Month N' (abbreviated month): the record had 14 March 2013 as the start
    ("80449_bradford/children's services inspection - 23 may 2014.pdf",
     "18 Feb 2014 – 12 March 2014", "2014-02-18", "2014-03-12"),
    # 'N Month N': one date printed
    ("80450_london corporation/children's services inspection - 20 september 2016.pdf",
     "28 July 2016", "2016-07-28", "2016-07-28"),
    # 'N Month N–N Month N' (en dash, no spaces)
    ("80451_wakefield/children's services inspection - 20 september 2016.pdf",
     "05 July 2016–27 July 2016", "2016-07-05", "2016-07-27"),
    # 'N Month–N Month N'
    ("80456_coventry/children's services inspection - 21 march 2014.pdf",
     "28 January–5 February 2014", "2014-01-28", "2014-02-05"),
    # 'N Month N to N Month N and N Month N to N Month N' (split visits)
    ("80460_derbyshire/children's services inspection - 19 september 2019.pdf",
     "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019", "2019-07-08", "2019-08-08"),
    # 'N–N Month N'
    ("80462_doncaster/children's services inspection - 19 january 2018.pdf",
     "9–24 November 2017", "2017-11-09", "2017-11-24"),
    # 'N Month N- N Month N'
    ("80467_east sussex/children's services inspection - 21 march 2014.pdf",
     "14 January 2014- 5 February 2014", "2014-01-14", "2014-02-05"),
    # 'N/N/N to N/N/N'
    ("80512_redbridge/children's services inspection - 25 november 2016.pdf",
     "12/09/2016 to 06/10/2016", "2016-09-12", "2016-10-06"),
    # 'N Month - N Month N'
    ("80518_wandsworth/children's services inspection - 16 february 2016.pdf",
     "24 November - 17 December 2015", "2015-11-24", "2015-12-17"),
    # 'N-N Month N'
    ("80522_medway/children's services inspection,  pdf - 23 august 2013.pdf",
     "15-19 July 2013", "2013-07-15", "2013-07-19"),
    # 'N Month N ─ N Month N' (box-drawing line): the record had one day, 20 June 2017
    ("80527_north lincolnshire/children's services inspection - 04 september 2017.pdf",
     "20 June 2017 \u2500 13 July 2017", "2017-06-20", "2017-07-13"),
    # 'N Month-N Month N and N – N Month N' (split visits, hyphen and en dash)
    ("80551_sheffield/children's services inspection - 21 february 2014.pdf",
     "19 November-11 December 2013 and 28 – 30 January 2014", "2013-11-19", "2014-01-30"),
    # 'N/N/N – N/N/N'
    ("80564_stoke-on-trent/children's services inspection - 12 august 2015.pdf",
     "1/06/2015 – 25/06/2015", "2015-06-01", "2015-06-25"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rel", "printed", "start", "end"),
    DATE_LINE_FORMS,
    ids=[row[1] for row in DATE_LINE_FORMS],
)
def test_every_date_line_form_in_the_corpus(
    corpus_dir: Path, rel: str, printed: str, start: str, end: str
) -> None:
    """Page 1 of each report: 'Inspection date(s): <printed>'."""
    from ofsted_record.extract.text import ReportDocument, flatten

    with ReportDocument(corpus_dir / rel) as doc:
        assert printed in flatten(doc.page(1)), "golden text no longer on page 1"
    result = parse_file(corpus_dir / rel)
    assert result["ok"], result
    assert (result["report"]["start_date"], result["report"]["end_date"]) == (start, end)


# Characters other than letters, digits and spaces seen on the date line of any report.
_KNOWN_DATE_LINE_MARKS = set("/") | {"\u002d", "\u2013", "\u2500"}


def test_every_report_date_line_uses_a_known_form(corpus_dir: Path) -> None:
    """Sweep page 1 of every report: each date line parses, its dashes are ones the tests above
    cover, and a line with a dash never reads as a single day."""
    import re

    from ofsted_record.extract.parsers import _DATES_END_RE, _inspection_visits
    from ofsted_record.extract.text import BadReportFile, ReportDocument, flatten

    problems: list[str] = []
    swept = 0
    for pdf in sorted(corpus_dir.glob("*/*.pdf")):
        try:
            with ReportDocument(pdf) as doc:
                flat = flatten(doc.page(1))
        except BadReportFile:
            continue  # HTML error pages saved as .pdf: accounted for by the extract tests
        match = re.search(r"Inspection dates?\s*:?\s*(.{0,140})", flat, re.I)
        if not match:
            continue
        swept += 1
        window = match.group(1)
        stop = _DATES_END_RE.search(window)
        years = list(re.finditer(r"\d{4}", window[: stop.start()] if stop else window))
        line = window[: years[-1].end()] if years else window
        name = f"{pdf.parent.name}/{pdf.name}"
        try:
            visits = _inspection_visits(flat)
        except BadReportFile as exc:
            problems.append(f"{name}: {exc}")
            continue
        marks = {ch for ch in line if not (ch.isalnum() or ch.isspace())}
        if marks - _KNOWN_DATE_LINE_MARKS:
            problems.append(f"{name}: new marks {marks} in {line!r}")
        if (marks or " to " in line) and all(start == end for start, end in visits):
            problems.append(f"{name}: a range read as one day {line!r}")
        if not all(0 <= (end - start).days < 120 for start, end in visits):
            problems.append(f"{name}: implausible visit {visits} from {line!r}")
    assert swept > 480, swept
    assert not problems, problems


# Calendar days from first to last day on site a framework allows: SIF ran about four weeks,
# ILACS standard two, short one; the 2013 looked-after-children inspections one.
PLAUSIBLE_SPAN = {
    "lac_2013": (3, 10),
    "sif": (8, 35),
    "sif_reinspection": (8, 35),
    "lscb_review": (2, 35),
    "ilacs_standard": (10, 21),
    "ilacs_short": (3, 10),
    "ilacs_2026": (3, 21),
}
# Spans outside those bounds that the report itself prints (page 1), each read off the PDF.
PRINTED_UNUSUAL_SPANS = {
    # "Inspection date: 28 July 2016": one date printed for a SIF inspection
    "80450_london corporation/children's services inspection - 20 september 2016.pdf",
    # "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019": split visits
    "80460_derbyshire/children's services inspection - 19 september 2019.pdf",
    # "30 September to 11 October 2024 and 13 to 16 January 2025": split visits
    "80461_devon/children's services inspection - 13 may 2025.pdf",
    # "19 November-11 December 2013 and 28 – 30 January 2014": split visits
    "80551_sheffield/children's services inspection - 21 february 2014.pdf",
    # "5 to 9 December 2022 and 14 to 15 February 2023": split visits
    "80557_south tyneside/children's services inspection - 10 may 2023.pdf",
}


def test_record_dates_are_in_order_and_plausible() -> None:
    """Across the committed record: start <= end <= published, publication within about eight
    months, and the time on site plausible for the framework (or printed so by the report)."""
    import csv

    from ofsted_record import config

    path = config.project_root() / "data" / "processed" / "inspections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 480
    problems: list[str] = []
    unusual: set[str] = set()
    for row in rows:
        start, end = date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])
        published = date.fromisoformat(row["published_date"])
        if not start <= end <= published:
            problems.append(f"{row['file']}: {start} {end} {published} out of order")
        if (published - end).days > 240:
            problems.append(f"{row['file']}: published {(published - end).days} days after")
        low, high = PLAUSIBLE_SPAN[row["framework"]]
        span = (end - start).days + 1
        if not low <= span <= high:
            unusual.add(row["file"])
            if row["file"] not in PRINTED_UNUSUAL_SPANS:
                problems.append(f"{row['file']}: {span} days on site for {row['framework']}")
    assert not problems, problems
    assert unusual == PRINTED_UNUSUAL_SPANS, "the list of printed unusual spans is stale"
