"""Parse an Ofsted provider page (``/provider/44/<urn>``) into the reports it lists.

The page structure mirrors what the data-to-insight ILACS scrape tool relies on
(``ofsted_ilacs_scrape.py``): every report is an ``<a class="publication-link" href=
"https://files.ofsted.gov.uk/v1/file/<id>">`` whose ``<span class="nonvisual">`` says what it is
and when it was published, e.g. ``Children's services inspection, pdf - 19 November 2021``. The
links sit in a timeline (``ol.timeline > li.timeline__day``, date in ``p.timeline__date time``).
The parser is deliberately tolerant: stdlib ``html.parser`` (no unclosed-tag failures), any link
to ``/v1/file/<id>`` counts even without the class, and the date falls back from the nonvisual
text to the timeline ``<time>``. File names copy the scrape tool's rule (nonvisual text,
lower-cased, ``', pdf'`` removed, ``.pdf`` added) so a fresh download lands on the same path as
the shared corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

from ofsted_record.refresh.names import safe_filename

FILE_ID_RE = re.compile(r"/v1/file/(\d+)(?:[/?#]|$)")
# "<title>, pdf - 19 November 2021" (also the odd ",  pdf" and "as pdf" variants Ofsted printed)
NONVISUAL_RE = re.compile(r"^(?P<title>.+?)\s*-\s*(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})\s*$")
DATE_RE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")
CANONICAL_FILES_URL = "https://files.ofsted.gov.uk"

# The scrape tool's clean_provider_name(): words Ofsted adds to a council's name.
_NAME_PHRASES = (
    "royal borough of ",
    "city of ",
    "metropolitan district council",
    "london borough of",
    "council of",
)
_NAME_WORDS = {"city", "metropolitan", "borough", "council", "county", "district", "the"}


@dataclass(frozen=True)
class PublishedReport:
    """One children's services inspection report listed on a provider page."""

    url: str  # as linked on the page (absolute)
    file_id: str | None  # the Ofsted file id, when the URL is a /v1/file/<id> link
    title: str  # e.g. "Children's services inspection"
    published: date | None
    filename: str  # name in the cache folder, as the scrape tool names it

    @property
    def key(self) -> str:
        """What identifies the report across runs: the file id, else the URL."""
        return self.file_id or self.url

    @property
    def canonical_url(self) -> str:
        """The URL recorded in the manifest (independent of any mirror used to fetch it)."""
        if self.file_id:
            return f"{CANONICAL_FILES_URL}/v1/file/{self.file_id}"
        return self.url


@dataclass(frozen=True)
class ProviderPage:
    name: str | None  # the page heading, e.g. "Kent County Council"
    links: int  # publication links of any kind seen (0 suggests the layout changed)
    reports: tuple[PublishedReport, ...]


def file_id(url: str) -> str | None:
    match = FILE_ID_RE.search(url)
    return match.group(1) if match else None


def url_key(url: str) -> str:
    return file_id(url) or url


def clean_provider_name(name: str) -> str:
    """Folder name for a council the way the scrape tool writes it: 'Kent County Council' → 'kent'."""
    text = " ".join(name.lower().split())
    for phrase in _NAME_PHRASES:
        text = text.replace(phrase, "")
    return " ".join(w for w in text.split() if w not in _NAME_WORDS)


def parse_date(text: str) -> date | None:
    match = DATE_RE.search(text)
    if not match:
        return None
    try:
        return datetime.strptime(" ".join(match.groups()), "%d %B %Y").date()
    except ValueError:
        return None


def is_childrens_services_inspection(title: str) -> bool:
    """The scrape tool's rule: 'children', 'services' and 'inspection' all in the description.

    Excludes focused visits, monitoring visits, JTAIs and SEND inspections listed on the same page.
    """
    text = title.lower().replace("\u2019", "'")
    return "children" in text and "services" in text and "inspection" in text


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class _Link:
    href: str
    classes: list[str]
    text: list[str]
    nonvisual: list[str]
    day_date: str | None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[_Link] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self._day_date: str | None = None
        self._in_time = False
        self._time_text: list[str] = []
        self._link: _Link | None = None
        self._span_stack: list[bool] = []  # True for span.nonvisual

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        classes = attr.get("class", "").split()
        if tag == "h1" and not self.h1:
            self._in_h1 = True
        elif tag == "li" and "timeline__day" in classes:
            self._day_date = None
        elif tag == "time":
            self._in_time = True
            self._time_text = [attr.get("datetime", "")] if attr.get("datetime") else []
        elif tag == "a":
            self._close_link()  # an unclosed <a> ends where the next one starts
            if attr.get("href"):
                self._link = _Link(attr["href"], classes, [], [], self._day_date)
                self._span_stack = []
        elif tag == "span" and self._link is not None:
            self._span_stack.append("nonvisual" in classes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        elif tag == "time" and self._in_time:
            self._in_time = False
            self._day_date = _norm(" ".join(self._time_text)) or self._day_date
        elif tag == "a":
            self._close_link()
        elif tag == "span" and self._span_stack:
            self._span_stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)
        if self._in_time:
            self._time_text.append(data)
        if self._link is not None:
            if any(self._span_stack):
                self._link.nonvisual.append(data)
            else:
                self._link.text.append(data)

    def _close_link(self) -> None:
        if self._link is not None:
            self.links.append(self._link)
        self._link = None
        self._span_stack = []

    def close(self) -> None:
        super().close()
        self._close_link()


def _filename(title: str, nonvisual: str, published: date | None, fallback: str) -> str:
    """The scrape tool's name: nonvisual text lower-cased minus ', pdf' (inner spaces kept),
    then made safe and bounded (``names.safe_filename``: the text is the server's)."""
    if nonvisual and NONVISUAL_RE.match(_norm(nonvisual)):
        name = nonvisual.lower().replace(", pdf", "")
    elif published is not None:
        name = f"{_norm(title)} - {published:%d %B %Y}".lower()
    else:
        name = _norm(title).lower()
    name = re.sub(r"[\t\r\n]+", " ", name).replace("\u2019", "'")
    return safe_filename(name.strip() + ".pdf", fallback)


def parse_provider_page(html: str, page_url: str) -> ProviderPage:
    """Every children's services inspection report listed on a provider page."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    reports: list[PublishedReport] = []
    seen: set[str] = set()
    links = 0
    for link in parser.links:
        href = urljoin(page_url, link.href.strip())
        fid = file_id(href)
        if "publication-link" not in link.classes and fid is None:
            continue  # navigation, not a publication
        links += 1
        nonvisual = "".join(link.nonvisual).replace("\u00a0", " ").strip()
        text = _norm(" ".join(link.text))
        match = NONVISUAL_RE.match(_norm(nonvisual)) if nonvisual else None
        if match:
            title = re.sub(r",?\s*(as\s+)?pdf$", "", match.group("title").strip(), flags=re.I)
            published = parse_date(match.group("date"))
        else:
            title = text or nonvisual
            published = parse_date(link.day_date or "") or parse_date(text)
        if not is_childrens_services_inspection(title or nonvisual):
            continue
        key = fid or href
        if key in seen:
            continue
        seen.add(key)
        reports.append(
            PublishedReport(
                url=href,
                file_id=fid,
                title=title,
                published=published,
                filename=_filename(title, nonvisual, published, f"report {fid or len(seen)}"),
            )
        )
    name = _norm(" ".join(parser.h1)) or None
    return ProviderPage(name=name, links=links, reports=tuple(reports))
