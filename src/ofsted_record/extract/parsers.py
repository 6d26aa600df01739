"""Recognise a report's framework and read its judgements, dates and lead inspector.

Each framework prints its judgements differently:

- ``lac_2013``  'Inspection of looked after children services' (2013): a 'Record of main
  findings' table on the last page, on the four-point scale that still used 'adequate'.
- ``sif`` (Nov 2013-2018): page 1 sentence 'Children's services in X are <grade>' / 'The overall
  judgement is ...' and a numbered table (1. help and protection, 2. looked after, 2.1 adoption,
  2.2 care leavers, 3. leadership); a combined report adds the LSCB review, judged later on.
- ``sif_reinspection``: as SIF, titled 'Re-inspection of services for children in need ...'.
- ``lscb_review``: 'Review of the effectiveness of the Local Safeguarding Children Board' alone.
- ``ilacs_*`` (2018-): page 1 'Judgement Grade' table. Reports do not say standard or short:
  see ``ilacs_kind``. After the April 2026 reform there is no overall effectiveness row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ofsted_record.extract.dates import SINGLE_RE, parse_date, parse_range
from ofsted_record.extract.grades import GRADE_PATTERN, normalise_grade
from ofsted_record.extract.text import BadReportFile, ReportDocument, flatten

# The reform that removed the overall effectiveness grade applies to inspections from April 2026.
ILACS_REFORM_DATE = date(2026, 4, 1)
# ILACS standard inspections are two weeks on site, short inspections one week. A span of at
# most 8 calendar days (Monday to the following Monday at most) is a short inspection.
ILACS_SHORT_MAX_DAYS = 8
ILACS_RULE = (
    f"derived: ILACS calendar days on site (summed over split visits) <= {ILACS_SHORT_MAX_DAYS}"
    " -> short, else standard"
)


@dataclass
class Judgement:
    area: str
    grade: str
    grade_raw: str
    page: int
    evidence: str


@dataclass
class ParsedReport:
    framework: str
    framework_rule: str
    council_printed: str
    start_date: date | None
    end_date: date | None
    published_date: date | None
    lead_inspector: str
    judgements: list[Judgement] = field(default_factory=list)
    # Where the publication date comes from: the report when it prints one (SIF, LSCB, 2013),
    # else the download's file name (ILACS reports print none).
    published_date_source: str = field(init=False)

    def __post_init__(self) -> None:
        self.published_date_source = "report" if self.published_date else "file name"


def _grade_after(label: str) -> re.Pattern[str]:
    """'<label> <grade>' with any whitespace between words of the label.

    A word written '(children)' in ``label`` is optional (printed in some reports only).
    """
    parts = []
    for word in label.split():
        if word.startswith("(") and word.endswith(")"):
            parts.append(rf"(?:{re.escape(word[1:-1])}\s+)?")
        else:
            parts.append(re.escape(word) + r"\s+")
    words = "".join(parts).removesuffix(r"\s+")
    return re.compile(rf"{words}\s*[.:]?\s*{GRADE_PATTERN}\b", re.IGNORECASE)


def _find(doc: ReportDocument, page: int, area: str, pattern: re.Pattern[str]) -> Judgement | None:
    flat = flatten(doc.page(page))
    match = pattern.search(flat)
    if not match:
        return None
    raw = match.group("grade")
    return Judgement(area, normalise_grade(raw), " ".join(raw.split()), page, match.group(0))


# --- framework recognition -----------------------------------------------------------------


def detect_framework(page1: str) -> str:
    flat = flatten(page1).lower()
    head = flat[:600]
    if "inspection of looked after children services" in head:
        return "lac_2013"
    if re.search(r"re-?inspection of services for children in need of help", head):
        return "sif_reinspection"  # Somerset 2018 prints "Reinspection"
    if "inspection of services for children in need of help and protection" in head:
        return "sif"
    if "review of the effectiveness of the local safeguarding children board" in head:
        return "lscb_review"
    if "inspection date" in head and ("lead inspector" in head or "judgement grade" in head):
        return "ilacs"
    raise BadReportFile(
        "not a recognised inspection report",
        f"page 1 begins {flatten(page1)[:120]!r}",
    )


# --- shared fields ---------------------------------------------------------------------------

_INSPECTION_DATES_RE = re.compile(r"Inspection dates?\s*:?\s*", re.IGNORECASE)
_DATES_END_RE = re.compile(r"\s(?:Report|Lead|Published|Judgement|Reporting|Age group)\b", re.I)
_PUBLISHED_RE = re.compile(
    rf"(?:Report\s+)?published\s*:?\s*(?P<d>{SINGLE_RE.pattern}|\d{{1,2}}/\d{{1,2}}/\d{{4}})", re.I
)


def _inspection_visits(flat: str) -> list[tuple[date, date]]:
    """Visits on site as printed: one range, or several joined by 'and' when an inspection
    was split (South Tyneside: '5 to 9 December 2022 and 14 to 15 February 2023')."""
    match = _INSPECTION_DATES_RE.search(flat)
    if not match:
        raise BadReportFile("no inspection dates found on page 1")
    window = flat[match.end() : match.end() + 140]
    stop = _DATES_END_RE.search(window)
    text = window[: stop.start()] if stop else window
    try:
        return [parse_range(part) for part in re.split(r"\s+and\s+", text) if part.strip()]
    except ValueError as exc:
        raise BadReportFile("unreadable inspection dates", text) from exc


def _inspection_dates(flat: str) -> tuple[date, date]:
    visits = _inspection_visits(flat)
    return min(v[0] for v in visits), max(v[1] for v in visits)


def days_on_site(visits: list[tuple[date, date]]) -> int:
    return sum((end - start).days + 1 for start, end in visits)


def _published(flat: str) -> date | None:
    match = _PUBLISHED_RE.search(flat)
    return parse_date(match.group("d")) if match else None


_LEAD_RE = re.compile(r"(?:Lead|Reporting)\s+inspectors?\s*:?\s*(?P<rest>.{0,200})")
_LEAD_STOP_RE = re.compile(
    r"\s(?:Judgement|Deputy|Team|Age group|Inspection|Report|Quality|Shadow|Senior|Assistant)\b"
    r"|\s\d|$"
)
_TITLES_RE = re.compile(
    r"(?:Her|His) Majesty's Inspector|\bHMI\b|Ofsted Inspector|Social Care Regulatory Inspector",
)
_NAME_RE = re.compile(r"^[^\W\d_][^\W\d_'\-\. ]*(?:[ '\-\.]+[^\W\d_]+\.?)*$")


def _lead_inspector(flat: str) -> str:
    """'Lead inspector: Louise Walker, His Majesty's Inspector' -> 'Louise Walker'.

    Several leads are joined with '; '. Empty when the report prints none.
    """
    match = _LEAD_RE.search(flat)
    if not match:
        return ""
    rest = match.group("rest")
    rest = rest[: _LEAD_STOP_RE.search(rest).start()]
    rest = _TITLES_RE.sub(",", rest).replace("(", " ").replace(")", " ")
    names = []
    for part in re.split(r",|\band\b|;", rest):
        name = " ".join(part.split()).strip(" .")
        if name and _NAME_RE.match(name) and len(name.split()) >= 2:
            names.append(name)
    return "; ".join(names)


# --- ILACS -------------------------------------------------------------------------------------

ILACS_AREAS: list[tuple[str, str]] = [
    (
        "impact_of_leaders",
        "The impact of leaders on social work practice with children and families",
    ),
    ("impact_of_leaders", "The impact of leaders on practice with children and families"),
    (
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    ),
    (
        "children_in_care_and_care_leavers",
        "The experiences and progress of children in care and care leavers",
    ),
    ("children_in_care", "The experiences and progress of children in care"),
    ("care_leavers", "The experiences and progress of (children) care leavers"),
    ("overall_effectiveness", "Overall effectiveness"),
]
_ILACS_PATTERNS = [(area, _grade_after(label)) for area, label in ILACS_AREAS]
_ILACS_COUNCIL_RE = re.compile(
    r"Inspection of (?:the )?(?P<name>.+?)\s+(?:local authority children's services|"
    r"children's services|Inspection dates?)",
    re.IGNORECASE,
)


def ilacs_kind(start: date, end: date, days: int | None = None) -> str:
    """Short or standard from calendar days on site (``days``: summed over split visits)."""
    on_site = days if days is not None else (end - start).days + 1
    return "ilacs_short" if on_site <= ILACS_SHORT_MAX_DAYS else "ilacs_standard"


def parse_ilacs(doc: ReportDocument) -> ParsedReport:
    page1 = doc.page(1)
    flat = flatten(page1)
    visits = _inspection_visits(flat)
    start, end = min(v[0] for v in visits), max(v[1] for v in visits)
    judgements: list[Judgement] = []
    seen: set[str] = set()
    for area, pattern in _ILACS_PATTERNS:
        if area in seen:
            continue
        found = _find(doc, 1, area, pattern)
        if found:
            judgements.append(found)
            seen.add(area)
    if not judgements:
        raise BadReportFile(
            "no judgement table found", "ILACS report without a judgement grade table"
        )
    has_overall = "overall_effectiveness" in seen
    if has_overall:
        framework, rule = ilacs_kind(start, end, days_on_site(visits)), ILACS_RULE
    elif start >= ILACS_REFORM_DATE:
        framework = "ilacs_2026"
        rule = "ILACS inspection from April 2026 with no overall effectiveness row (reform)"
    else:
        raise BadReportFile(
            "no overall effectiveness judgement found",
            f"ILACS report inspected {start:%d %B %Y}, before the April 2026 reform",
        )
    lines = [ln for ln in page1.split("\n") if not ln.strip().isdigit()]
    title = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.lower().startswith(
                (
                    "inspection of children's social care services",
                    "inspection of local authority children's social care",
                )
            )
        ),
        None,
    )
    council = _ILACS_COUNCIL_RE.search(flat)
    if title:  # 2018-20 layout: page number, 'X Council', then the title
        printed = " ".join(lines[:title])
    elif council:
        printed = council.group("name")
    else:
        printed = lines[0] if lines else ""
    return ParsedReport(
        framework=framework,
        framework_rule=rule,
        council_printed=printed.strip(),
        start_date=start,
        end_date=end,
        published_date=None,
        lead_inspector=_lead_inspector(flat),
        judgements=judgements,
    )


# --- SIF, SIF re-inspection, LSCB review ---------------------------------------------------------

SIF_AREAS: list[tuple[str, str, str]] = [
    ("help_and_protection", "1.", "Children who need help and protection"),
    ("children_in_care", "2.", "Children looked after and achieving permanence"),
    ("adoption", "2.1", "Adoption performance"),
    ("care_leavers", "2.2", "Experiences and progress of care leavers"),
    ("leadership", "3.", "Leadership, management and governance"),
]
# Table rows are numbered; requiring the number keeps prose such as Ofsted's definition
# 'Leadership, management and governance require improvement when ...' (Oldham, August 2015,
# page 1) from being read as the judgement. Any row number is accepted: Wirral (September
# 2016) prints '1. Leadership, management and governance'.
_SIF_PATTERNS = [
    (area, re.compile(r"\b\d(?:\.\d)?\.?\s*" + _grade_after(label).pattern, re.IGNORECASE))
    for area, _number, label in SIF_AREAS
]
_SIF_OVERALL_RE = re.compile(
    r"(?:Children's services(?: in (?!the predecessor)(?:the )?[A-Z][^.]{0,80}?)?"
    r"|The overall judgement is(?: that)?(?: children's services?)?)"
    r"\s+(?:are\s+|is\s+)?(?i:(?P<grade>requires?\s+improvement(?:\s+to\s+be\s+good)?|"
    r"outstanding|inadequate|good))\b"
)
_LSCB_RE = re.compile(
    r"The (?:Local Safeguarding Children Board|LSCB)(?:\s*\(LSCB\))?\s+(?:is\s+|are\s+)?"
    rf"{GRADE_PATTERN}\b",
    re.IGNORECASE,
)
_LSCB_CONTENTS_RE = re.compile(r"The Local Safeguarding Children Board \(LSCB\)\s+(\d+)", re.I)
_INFO_CONTENTS_RE = re.compile(r"Information about this inspection\s+(\d+)", re.I)


def _printed_page_offset(doc: ReportDocument, guess: int) -> int:
    """PDF page number minus printed page number (printed numbers head each page)."""
    text = doc.page(guess)
    first = text.split("\n", 1)[0].strip()
    return guess - int(first) if first.isdigit() else 0


def _contents_target(doc: ReportDocument, pattern: re.Pattern[str]) -> int | None:
    """Page (PDF numbering) a contents entry points to, if the contents page lists it."""
    for contents_page in (2, 3):
        if contents_page > doc.page_count:
            break
        match = pattern.search(flatten(doc.page(contents_page)))
        if match:
            printed = int(match.group(1))
            if printed > doc.page_count:
                return None
            offset = _printed_page_offset(doc, printed)
            target = printed + offset
            return target if 1 <= target <= doc.page_count else None
    return None


def _find_lscb(doc: ReportDocument, start_page: int) -> Judgement | None:
    target = _contents_target(doc, _LSCB_CONTENTS_RE)
    pages = list(range(target, min(target + 3, doc.page_count) + 1)) if target else []
    pages += [p for p in range(start_page, doc.page_count + 1) if p not in pages]
    for page in pages:
        found = _find(doc, page, "lscb", _LSCB_RE)
        if found:
            return found
    return None


_LSCB_HEADING_RE = re.compile(
    r"(?:Review|Inspection) of the effectiveness of the Local Safeguarding Children Board",
    re.IGNORECASE,
)


def _find_appended_lscb(doc: ReportDocument) -> Judgement | None:
    for page in range(2, doc.page_count + 1):
        if _LSCB_HEADING_RE.search(flatten(doc.page(page))):
            for later in range(page, min(page + 3, doc.page_count) + 1):
                found = _find(doc, later, "lscb", _LSCB_RE)
                if found:
                    return found
            return None
    return None


def _sif_lead_inspector(doc: ReportDocument) -> str:
    target = _contents_target(doc, _INFO_CONTENTS_RE)
    pages = [p for p in (target, target + 1) if target and p <= doc.page_count] if target else []
    pages += [doc.page_count - 1, doc.page_count]
    # Fall back to every page, from the back: the team list sits near the end.
    pages += [p for p in range(doc.page_count, 0, -1) if p not in pages]
    for page in pages:
        name = _lead_inspector(flatten(doc.page(page)))
        if name:
            return name
    return ""


def _sif_council(page1: str) -> str:
    for line in page1.split("\n")[:4]:
        if line.strip().isdigit():
            continue
        return line.strip()
    return ""


def parse_sif(doc: ReportDocument, framework: str) -> ParsedReport:
    page1 = doc.page(1)
    flat = flatten(page1)
    start, end = _inspection_dates(flat)
    published = _published(flat)
    judgements: list[Judgement] = []
    overall = _SIF_OVERALL_RE.search(flat)
    if overall:
        raw = overall.group("grade")
        judgements.append(
            Judgement(
                "overall_effectiveness",
                normalise_grade(raw),
                " ".join(raw.split()),
                1,
                overall.group(0),
            )
        )
    for area, pattern in _SIF_PATTERNS:
        # The table occasionally runs onto page 2 (e.g. Oldham, August 2015).
        found = _find(doc, 1, area, pattern) or _find(doc, 2, area, pattern)
        if found:
            judgements.append(found)
    if not judgements:
        raise BadReportFile("no judgement table found", "SIF report without page 1 judgements")
    if "overall_effectiveness" not in {j.area for j in judgements}:
        raise BadReportFile("no overall effectiveness judgement found", "SIF page 1")
    if "review of the effectiveness of the local safeguarding children board" in flat.lower():
        lscb = _find_lscb(doc, 1)
        if lscb is None:
            raise BadReportFile("no LSCB judgement found", "combined SIF and LSCB review report")
        judgements.append(lscb)
    else:
        # A few combined reports do not say so on page 1 (Kingston upon Hull, February 2015:
        # the LSCB review follows the local authority report). Look for the review's heading.
        lscb = _find_appended_lscb(doc)
        if lscb is not None:
            judgements.append(lscb)
    return ParsedReport(
        framework=framework,
        framework_rule="printed title",
        council_printed=_sif_council(page1),
        start_date=start,
        end_date=end,
        published_date=published,
        lead_inspector=_sif_lead_inspector(doc),
        judgements=judgements,
    )


def parse_lscb_review(doc: ReportDocument) -> ParsedReport:
    page1 = doc.page(1)
    flat = flatten(page1)
    start, end = _inspection_dates(flat)
    published = _published(flat)
    lscb = _find(doc, 1, "lscb", _LSCB_RE) or _find_lscb(doc, 2)
    if lscb is None:
        raise BadReportFile("no judgement table found", "LSCB review without an LSCB judgement")
    return ParsedReport(
        framework="lscb_review",
        framework_rule="printed title",
        council_printed=_sif_council(page1),
        start_date=start,
        end_date=end,
        published_date=published,
        lead_inspector=_sif_lead_inspector(doc),
        judgements=[lscb],
    )


# --- 2013 looked-after-children inspections ----------------------------------------------------

LAC_AREAS: list[tuple[str, str]] = [
    ("overall_effectiveness", "Overall effectiveness"),
    ("capacity_to_improve", "Capacity to improve"),
    ("outcomes", "Outcomes for looked after children and young people"),
    ("quality_of_provision", "Quality of provision"),
    ("leadership", "Leadership and management"),
]
_LAC_PATTERNS = [(area, _grade_after(label)) for area, label in LAC_AREAS]


def parse_lac_2013(doc: ReportDocument) -> ParsedReport:
    page1 = doc.page(1)
    flat = flatten(page1)
    start, end = _inspection_dates(flat)
    published = _published(flat)
    record_page = None
    for page in range(doc.page_count, max(doc.page_count - 3, 1), -1):
        if "record of main findings" in doc.page(page).lower():
            record_page = page
            break
    if record_page is None:
        raise BadReportFile("no judgement table found", "no 'Record of main findings' page")
    judgements = [j for area, pat in _LAC_PATTERNS if (j := _find(doc, record_page, area, pat))]
    if not any(j.area == "overall_effectiveness" for j in judgements):
        raise BadReportFile("no overall effectiveness judgement found", "Record of main findings")
    council = next((ln for ln in page1.split("\n") if re.search(r"Council|Borough|City", ln)), "")
    return ParsedReport(
        framework="lac_2013",
        framework_rule="printed title",
        council_printed=council.strip(),
        start_date=start,
        end_date=end,
        published_date=published,
        lead_inspector=_lead_inspector(flat),
        judgements=judgements,
    )


def parse_report(doc: ReportDocument) -> ParsedReport:
    framework = detect_framework(doc.page(1))
    if framework == "ilacs":
        return parse_ilacs(doc)
    if framework in ("sif", "sif_reinspection"):
        return parse_sif(doc, framework)
    if framework == "lscb_review":
        return parse_lscb_review(doc)
    return parse_lac_2013(doc)
