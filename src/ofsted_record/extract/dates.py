"""Dates as printed in reports: '11 May 2015 – 4 June 2015', '8 – 12 July 2013',
'27 to 31 January 2025', '30 October to 3 November 2023', '18 Feb 2014 – 12 March 2014',
'20 June 2017 ─ 13 July 2017', '1/06/2015 – 25/06/2015', '3 June 2015'.

Every dash and month form found on the date line of the reports in the corpus is listed in
``tests/test_extract_dates.py`` with the report and page it comes from.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_FULL = "january|february|march|april|may|june|july|august|september|october|november|december"
# Abbreviations: Bradford, May 2014 prints '18 Feb 2014'. 'Sept' before 'Sep' (regex order).
_ABBREVIATED = r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
MONTHS = rf"(?:{_FULL}|(?:{_ABBREVIATED})\.?)"
_MONTH_NUMBER = {name: i for i, name in enumerate(_FULL.split("|"), start=1)}

# Every dash seen between two dates, and the few look-alikes a PDF may carry instead: hyphen,
# non-breaking hyphen, figure dash, en dash, em dash, minus sign and the box-drawing line
# (North Lincolnshire, September 2017: '20 June 2017 ─ 13 July 2017').
DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500"
_SEPARATOR = rf"\s*(?:[{DASHES}]|\bto\b)\s*"

# A day never follows a digit: the '14' of '2014' is not a day.
_DAY = r"(?<!\d)\d{1,2}(?:st|nd|rd|th)?"
DAY_MONTH_YEAR = rf"{_DAY}\s+{MONTHS}(?!\w)\s*\d{{4}}(?!\d)"
_START = rf"(?P<d>{_DAY})(?:\s+(?P<m>{MONTHS})(?!\w))?(?:\s*(?P<y>\d{{4}})(?!\d))?"
RANGE_RE = re.compile(
    rf"(?P<start>{_START}){_SEPARATOR}(?P<end>{DAY_MONTH_YEAR})",
    re.IGNORECASE,
)
SINGLE_RE = re.compile(DAY_MONTH_YEAR, re.IGNORECASE)
NUMERIC_DATE = r"(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d)"
NUMERIC_RANGE_RE = re.compile(rf"(?P<start>{NUMERIC_DATE}){_SEPARATOR}(?P<end>{NUMERIC_DATE})")
# A single date followed by something that looks like a separator we do not know: an error,
# never a one-day inspection (that was how '20 June 2017 ─ 13 July 2017' became one day).
_TRAILING_SEPARATOR_RE = re.compile(r"\s*(?:[^\w\s,.;:()'\"]|\d)")


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    for full, number in _MONTH_NUMBER.items():
        if full.startswith(key) and len(key) >= 3:
            return number
    raise ValueError(f"unknown month {name!r}")


def parse_date(text: str) -> date:
    """'3 June 2015', '3rd June 2015', '18 Feb 2014', '3 Sept. 2015' or '03/06/2015'."""
    flat = " ".join(text.split())
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", flat):
        return datetime.strptime(flat, "%d/%m/%Y").date()
    match = re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\s*(\d{{4}})", flat, re.I)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    return date(int(match.group(3)), _month(match.group(2)), int(match.group(1)))


def parse_range(text: str) -> tuple[date, date]:
    """Parse a printed date range; the start inherits month/year from the end if omitted.

    The range must begin the text (after spaces): a date found further in is not this one.
    """
    text = text.strip()
    numeric = NUMERIC_RANGE_RE.match(text)
    if numeric:
        start, end = parse_date(numeric.group("start")), parse_date(numeric.group("end"))
    elif match := RANGE_RE.match(text):
        end = parse_date(match.group("end"))
        day = int(match.group("d").rstrip("stndrh"))
        month = _month(match.group("m")) if match.group("m") else end.month
        year = int(match.group("y")) if match.group("y") else end.year
        start = date(year, month, day)
        if start > end and not match.group("y"):
            # '30 December to 3 January 2020': the start is in the previous year.
            start = start.replace(year=start.year - 1)
    else:
        single = SINGLE_RE.match(text) or re.match(NUMERIC_DATE, text)
        if not single:
            raise ValueError(f"no date range in {text!r}")
        if _TRAILING_SEPARATOR_RE.match(text[single.end() :]):
            raise ValueError(f"unrecognised separator after the first date in {text!r}")
        start = end = parse_date(single.group(0))
    if start > end:
        raise ValueError(f"date range ends before it starts: {text!r}")
    return start, end
