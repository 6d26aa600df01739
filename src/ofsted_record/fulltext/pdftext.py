"""Reading one report file into paragraphs with PDFium (pypdfium2).

Runs inside worker processes, so it returns plain tuples and never raises for a bad file: the
outcome carries the reason instead (one bad file never stops a run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ofsted_record.fulltext.layout import (
    BULLETS,
    Line,
    clean,
    paragraphs,
    running_keys,
    strip_running,
)


class UnreadableReport(Exception):
    """The file is not a readable report PDF; the message says why in plain English."""


@dataclass(slots=True)
class FileText:
    rel_path: str
    status: str  # "ok" | "skipped" | "no_text"
    reason: str = ""
    pages: int = 0
    # (page 1-based, paragraph 1-based within the page, text)
    rows: list[tuple[int, int, str]] = field(default_factory=list)


def sniff(path: Path) -> None:
    """Reject files that are not PDFs (Ofsted's HTML error pages saved as .pdf) before PDFium."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise UnreadableReport("empty file")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:512]:
        raise UnreadableReport("HTML page saved as .pdf (the download was an error page)")
    if not head.startswith(b"%PDF-"):
        raise UnreadableReport(f"not a PDF (file starts {head[:16]!r})")


# Leading spaces and bullet glyphs (listed ones and any private-use symbol-font code point).
_LEAD = re.compile(f"^[ \\t{re.escape(BULLETS)}\\ue000-\\uf8ff]*")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_len(text: str) -> int:
    # PDFium counts characters in UTF-16 code units; astral characters take two.
    return len(text) + len(_ASTRAL.findall(text))


def page_lines(textpage) -> list[Line]:
    """A page's lines, each boxed from its first visible (non-bullet) and last characters.

    PDFium's "loose" boxes come from the font's ascent/descent, so lines in the same font size
    have the same height whatever their letters; the taller of the two samples is kept so that a
    superscript footnote marker at either end does not make a line look like small print.
    """
    import pypdfium2.raw as pdfium_raw

    raw = textpage.get_text_range()
    n_chars = textpage.count_chars()
    if _ASTRAL.search(raw) is None:
        # Text index == character index: the fast path for (so far) every page in the corpus.
        units, char_index = len, int
    else:
        # Astral characters are two UTF-16 units in the text but one PDFium character.
        units = _utf16_len

        def char_index(text_index: int) -> int:
            return pdfium_raw.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)

    lines: list[Line] = []
    index = 0
    for chunk in raw.split("\r\n"):
        start = _LEAD.match(chunk).end()
        end = len(chunk.rstrip())
        text = clean(chunk)
        if text and end > start:
            first = char_index(index + units(chunk[:start]))
            last = char_index(index + units(chunk[: end - 1]))
            if 0 <= first < n_chars and 0 <= last < n_chars:
                left, bottom1, _, top1 = textpage.get_charbox(first, loose=True)
                _, bottom2, right, top2 = textpage.get_charbox(last, loose=True)
                height = max(top1 - bottom1, top2 - bottom2)
                lines.append(Line(text, top1, bottom1, left, right, top2, height))
            elif lines:
                # No box to be had: keep the text as a continuation of the line before.
                prev = lines[-1]
                below = prev.end_top - prev.height
                lines.append(replace(prev, text=text, top=below, end_top=below))
            else:
                lines.append(Line(text, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0))
        index += units(chunk) + 2
    return lines


def read_report(path: Path, rel_path: str) -> FileText:
    """Paragraphs of every page of one report; skipped (with the reason) if unreadable."""
    import pypdfium2 as pdfium

    try:
        sniff(path)
        doc = pdfium.PdfDocument(path)
    except UnreadableReport as exc:
        return FileText(rel_path, "skipped", str(exc))
    except (pdfium.PdfiumError, OSError) as exc:
        return FileText(rel_path, "skipped", f"PDFium cannot open it ({exc})")
    try:
        pages: list[tuple[float, list[Line]]] = []
        for number in range(len(doc)):
            page = doc[number]
            textpage = page.get_textpage()
            pages.append((page.get_height(), page_lines(textpage)))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        return FileText(rel_path, "skipped", f"PDFium failed reading a page ({exc})")
    finally:
        doc.close()
    keys = running_keys(pages)
    result = FileText(rel_path, "ok", pages=len(pages))
    for number, (height, lines) in enumerate(pages, start=1):
        body = strip_running(lines, height, keys)
        for i, text in enumerate(paragraphs(body), start=1):
            result.rows.append((number, i, text))
    if not result.rows:
        result.status = "no_text"
        result.reason = "no text layer (scanned images?)"
    return result
