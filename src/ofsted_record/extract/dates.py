"""Dates as printed in reports: '11 May 2015 – 4 June 2015', '8 – 12 July 2013',
'27 to 31 January 2025', '30 October to 3 November 2023', '3 June 2015'."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DAY_MONTH_YEAR = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}"
_PART = rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?P<m>{MONTHS}))?(?:\s+(?P<y>\d{{4}}))?"
RANGE_RE = re.compile(
    rf"(?P<start>\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:{MONTHS}))?(?:\s+\d{{4}})?)"
    rf"\s*(?:–|-|—|to)\s*(?P<end>{DAY_MONTH_YEAR})",
    re.IGNORECASE,
)
SINGLE_RE = re.compile(DAY_MONTH_YEAR, re.IGNORECASE)


NUMERIC_RANGE_RE = re.compile(
    r"(?P<start>\d{1,2}/\d{1,2}/\d{4})\s*(?:–|-|—|to)\s*(?P<end>\d{1,2}/\d{1,2}/\d{4})"
)


def parse_date(text: str) -> date:
    if re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}\s*", text):
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(text.split()), flags=re.I)
    return datetime.strptime(cleaned.title(), "%d %B %Y").date()


def parse_range(text: str) -> tuple[date, date]:
    """Parse a printed date range; the start inherits month/year from the end if omitted."""
    numeric = NUMERIC_RANGE_RE.search(text)
    if numeric:
        return parse_date(numeric.group("start")), parse_date(numeric.group("end"))
    match = RANGE_RE.search(text)
    if not match:
        single = SINGLE_RE.search(text)
        if not single:
            raise ValueError(f"no date range in {text!r}")
        day = parse_date(single.group(0))
        return day, day
    end = parse_date(match.group("end"))
    part = re.match(_PART, match.group("start"), re.IGNORECASE)
    assert part is not None
    month = part.group("m") or end.strftime("%B")
    year = part.group("y") or str(end.year)
    start = parse_date(f"{part.group('d')} {month} {year}")
    if start > end and not part.group("y"):
        # '30 December to 3 January 2020': the start is in the previous year.
        start = start.replace(year=start.year - 1)
    if start > end:
        raise ValueError(f"date range ends before it starts: {text!r}")
    return start, end
