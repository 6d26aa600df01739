"""Safe, bounded, stable file and folder names made from text on Ofsted's pages.

A provider page is text from a server we do not control: its heading names the cache folder
and each link's description names the file. Both are reduced to one path component with no
separators, control characters or leading dots (no ``..``, no hidden file the extractor would
skip), and bounded in length (file systems refuse names over 255 bytes). An over-long name keeps
its start and its `` - <day month year>.pdf`` ending (the extractor reads the date there) and
gains a short hash of the full name, so different long titles never share a name and the same
title always gets the same one. ``inside`` is the runtime check that a relative path stays in
the cache.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath

MAX_NAME_BYTES = 200  # under NAME_MAX (255) with room for the temp-file prefix of table writes
DATE_TAIL_RE = re.compile(r" - \d{1,2} [a-z]+ \d{4}\.pdf$", re.IGNORECASE)
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f-\x9f]+")


class UnsafePath(ValueError):
    """A path built from remote text that would leave the cache (or is not folder/file)."""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Zl", "Zp") else c for c in text)
    text = _UNSAFE.sub("-", text)
    # no leading dots or spaces (hidden files, '..'), no trailing ones (odd on other systems)
    return text.strip(" .-\t")


def _fit(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` UTF-8 bytes (never half a character)."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore").rstrip(" .-")


def _tag(full: str) -> str:
    return "~" + hashlib.sha256(full.encode("utf-8")).hexdigest()[:8]


def safe_folder(urn: str, name: str, fallback: str) -> str:
    """``<urn>_<name>`` with ``name`` made safe; ``fallback`` when nothing usable is left."""
    if not urn.isdigit():
        raise UnsafePath(f"provider URN {urn!r} is not a number")
    clean = _clean(name) or _clean(fallback) or "council"
    room = MAX_NAME_BYTES - len(urn) - 1
    if len(clean.encode("utf-8")) > room:
        clean = f"{_fit(clean, room - 9)}{_tag(clean)}"
    return f"{urn}_{clean}"


def safe_filename(name: str, fallback: str) -> str:
    """A report file name from page text: safe, visible, ``.pdf``, at most MAX_NAME_BYTES."""
    clean = _clean(name)
    stem = clean[: -len(".pdf")] if clean.lower().endswith(".pdf") else clean
    if not _clean(stem):
        clean = f"{_clean(fallback) or 'report'}.pdf"
    elif not clean.lower().endswith(".pdf"):
        clean = f"{clean}.pdf"
    if len(clean.encode("utf-8")) <= MAX_NAME_BYTES:
        return clean
    match = DATE_TAIL_RE.search(clean)
    tail = match.group(0) if match else ".pdf"
    head = clean[: len(clean) - len(tail)]
    room = MAX_NAME_BYTES - len(tail.encode("utf-8")) - 9
    return f"{_fit(head, room)}{_tag(clean)}{tail}"


def check_relative(rel: str) -> str:
    """``rel`` must be ``<folder>/<file>``: two visible components, nothing else."""
    parts = PurePosixPath(rel).parts
    if (
        len(parts) != 2
        or PurePosixPath(rel).is_absolute()
        or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts)
        or any(len(p.encode("utf-8")) > 255 for p in parts)
    ):
        raise UnsafePath(f"{rel!r} is not '<folder>/<file>' inside the cache")
    return rel


def inside(root: Path, rel: str) -> Path:
    """``root / rel``, after checking it resolves inside ``root`` (symlinks followed)."""
    check_relative(rel)
    base = root.resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(base) or target == base:
        raise UnsafePath(f"{rel!r} resolves to {target}, outside the cache {base}")
    return target
