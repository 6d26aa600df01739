"""From positioned text lines to paragraphs: drop running headers/footers, join wrapped lines.

PDFium gives each page's text as lines (``\\r\\n``-separated) and a box for every character. A
line's box (from its first and last characters) is enough to tell, without heavy layout
analysis:

- running headers/footers: the same line (digits ignored, so page numbers and dates vary) in
  the top or bottom band of most pages of a report, e.g. "Inspection of Dorset local authority
  children's services" / "17 to 21 March 2025 2" on every ILACS page, or a bare page number;
- paragraph breaks: a vertical gap clearly larger than the page's usual line pitch, a jump
  upwards (table cells, columns), a change of font size (headings), or a line that starts a
  numbered paragraph ("12. ...") or a bullet.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Bullet glyphs seen in the corpus: Wingdings/Symbol private-use code points and geometric
# shapes. They are written as "•" so the text reads cleanly anywhere.
BULLETS = "\uf06e\uf0b7\uf0a7\uf0d8\uf0fc\u25fc\u25aa\u25a0\u25cf\u2022\u2023\u2043\u25e6\u00b7"
BULLET = "\u2022"
_BULLET_START = re.compile(f"^[{re.escape(BULLETS)}\\ue000-\\uf8ff]\\s*")
_NUMBERED_START = re.compile(r"^(\d{1,3})\.\s+\S")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u00ad": "",  # soft hyphen
        "\ufffe": "-",  # PDFium's mark for a hyphen that ended a line
        "\ufffd": "",
        "\x00": "",
    }
)

# A line is in the header/footer band when it lies in the top or bottom 12% of the page.
BAND = 0.12
# A line repeated in the band on at least this share of a report's pages (and on 3+ pages) is
# a running header/footer; so is one carrying a number (a page number) on 3+ pages, as the
# LSCB section of a combined SIF report has its own header ("...children board: Hull 7").
REPEAT_SHARE = 0.4
REPEAT_MIN_PAGES = 3
# A gap between lines above this multiple of the usual pitch starts a paragraph (Ofsted's
# templates leave about 1.4 lines between paragraphs; wrapped lines vary by under 5%).
GAP_FACTOR = 1.25
# Usual line pitch relative to a line's (loose) height, for lines bigger than body text.
PITCH_PER_HEIGHT = 1.25
PITCH_PERCENTILE = 0.15
# Line heights differing by more than this ratio mean a font-size change (heading vs body).
SIZE_RATIO = 1.2


@dataclass(frozen=True, slots=True)
class Line:
    """One text line of a page; coordinates in PDF points, y grows upwards.

    ``top``/``bottom`` are those of the line's first character, ``end_top`` that of its last:
    PDFium joins a word hyphenated across two visual lines into one line, which then ends one
    visual line lower than it starts.
    """

    text: str
    top: float
    bottom: float
    left: float
    right: float
    end_top: float
    height: float


def clean(text: str) -> str:
    """Normalise a line: compatibility forms (ligatures), straight quotes, single spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE))
    return _SPACES.sub(" ", text).strip()


def header_key(text: str) -> str:
    """What stays the same in a running header across pages: lower case, digits as '#'."""
    return _DIGITS.sub("#", text.lower())


def in_band(line: Line, page_height: float) -> bool:
    return line.bottom <= page_height * BAND or line.top >= page_height * (1 - BAND)


def running_keys(pages: Sequence[tuple[float, Sequence[Line]]]) -> set[str]:
    """Header keys repeated in the top/bottom band of most pages of one report."""
    counts: Counter[str] = Counter()
    for height, lines in pages:
        counts.update({header_key(ln.text) for ln in lines if in_band(ln, height)})
    share = max(REPEAT_MIN_PAGES, REPEAT_SHARE * len(pages))
    return {
        key
        for key, n in counts.items()
        if n >= share or (n >= REPEAT_MIN_PAGES and "#" in key and len(key) > 3)
    }


def strip_running(lines: Sequence[Line], height: float, keys: set[str]) -> list[Line]:
    """Drop running header/footer lines and bare page numbers in the bands."""
    kept = []
    for ln in lines:
        if in_band(ln, height) and (
            header_key(ln.text) in keys or _PAGE_NUMBER.match(ln.text) is not None
        ):
            continue
        kept.append(ln)
    return kept


def _usual_pitch(lines: Sequence[Line]) -> float:
    """The line pitch of wrapped text on this page.

    A low percentile, not the median: on a page of one-line bullets most steps between lines
    are paragraph gaps.
    """
    pitches = sorted(
        a.end_top - b.top
        for a, b in zip(lines, lines[1:], strict=False)
        if 0.8 * a.height < a.end_top - b.top < 3 * max(a.height, 1.0)
    )
    if not pitches:
        return PITCH_PER_HEIGHT * max((ln.height for ln in lines), default=12.0)
    return pitches[int(len(pitches) * PITCH_PERCENTILE)]


def _number(text: str) -> int | None:
    match = _NUMBERED_START.match(text)
    return int(match.group(1)) if match else None


def _breaks(prev: Line, line: Line, pitch: float, last_number: int | None) -> bool:
    gap = prev.end_top - line.top
    if gap <= 0.5:  # moved up or sideways: next column or table cell
        return True
    if gap > GAP_FACTOR * max(pitch, PITCH_PER_HEIGHT * prev.height):
        return True
    small, big = sorted((max(prev.height, 0.1), max(line.height, 0.1)))
    if big / small > SIZE_RATIO:
        return True
    if _BULLET_START.match(line.text):
        return True
    # "12. ..." starts a paragraph when it hangs left of the line before or continues the
    # numbering; a wrapped line can also begin "4. " ("... Key Stage\n4. Children placed").
    number = _number(line.text)
    if number is None:
        return False
    return line.left < prev.left - 2 or last_number is None or number == last_number + 1


def _join(parts: list[str]) -> str:
    out = parts[0]
    for part in parts[1:]:
        # "multi-" + "agency": a word broken at a hard hyphen joins without a space.
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += part
        else:
            out += " " + part
    return _BULLET_START.sub(BULLET + " ", out, count=1)


_FRAGMENT = re.compile(r"^[\W\d_]{1,3}$")


def paragraphs(lines: Sequence[Line]) -> list[str]:
    """Group a page's lines (in PDFium's reading order) into paragraphs."""
    lines = [ln for ln in lines if ln.text]
    if not lines:
        return []
    pitch = _usual_pitch(lines)
    groups: list[list[str]] = [[lines[0].text]]
    last_number = _number(lines[0].text)
    for prev, line in zip(lines, lines[1:], strict=False):
        if _breaks(prev, line, pitch, last_number):
            groups.append([line.text])
            last_number = _number(line.text) or last_number
        else:
            groups[-1].append(line.text)
    return _merge_fragments([_join(g) for g in groups])


def _merge_fragments(paras: list[str]) -> list[str]:
    """Re-attach stray superscripts and punctuation PDFium put on lines of their own.

    A footnote number ("2") belongs to the paragraph after it (the footnote's text); a lone
    "." or ")" ends the paragraph before it.
    """
    out: list[str] = []
    carry = ""
    for text in paras:
        if _FRAGMENT.match(text):
            if text[0].isdigit() or not out:
                carry = f"{carry}{text} "
            else:
                out[-1] += text
            continue
        out.append(carry + text)
        carry = ""
    if carry.strip():
        out.append(carry.strip())
    return out
