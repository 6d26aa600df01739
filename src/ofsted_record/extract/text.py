"""Reading report files: sniffing bad inputs and getting normalised page text.

Only the pages a framework needs are read (text extraction dominates run time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

# Characters that vary between reports but mean the same thing.
_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "–",  # keep en dash (date ranges) as one character
        "\ufffe": "",
        "\u00ad": "",
    }
)
_SPACES = re.compile(r"[ \t\f\v]+")


class BadReportFile(Exception):
    """A file that cannot be read as an inspection report; ``reason`` is plain English."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason if not detail else f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def sniff(path: Path) -> None:
    """Reject files that are obviously not PDFs before handing them to PDFium."""
    size = path.stat().st_size
    if size == 0:
        raise BadReportFile("empty file")
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<html" in stripped[:512]:
        raise BadReportFile(
            "HTML page saved as .pdf", "the download was an error page, not a report"
        )
    if not head.startswith(b"%PDF-"):
        raise BadReportFile("not a PDF", f"file starts {head[:16]!r}")
    if b"%%EOF" not in tail:
        raise BadReportFile("truncated PDF", "no %%EOF marker at the end of the file")


def normalise(text: str) -> str:
    """Unify line endings, quotes and spaces; keep line structure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def flatten(text: str) -> str:
    """One line, single spaces: tables whose labels wrap become 'label grade'."""
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


@dataclass
class ReportDocument:
    """A PDF opened once; page texts extracted on demand and memoised."""

    path: Path
    _doc: pdfium.PdfDocument = field(init=False, repr=False)
    _pages: dict[int, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        sniff(self.path)
        try:
            self._doc = pdfium.PdfDocument(str(self.path))
        except pdfium.PdfiumError as exc:
            raise BadReportFile("unreadable PDF", str(exc)) from exc
        if len(self._doc) == 0:
            raise BadReportFile("PDF has no pages")

    @property
    def page_count(self) -> int:
        return len(self._doc)

    def page(self, number: int) -> str:
        """Normalised text of 1-based page ``number``."""
        if number not in self._pages:
            page = self._doc[number - 1]
            textpage = page.get_textpage()
            self._pages[number] = normalise(textpage.get_text_range())
            textpage.close()
            page.close()
        return self._pages[number]

    def close(self) -> None:
        self._doc.close()

    def __enter__(self) -> ReportDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
