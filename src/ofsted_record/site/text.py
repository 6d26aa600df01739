"""Small text helpers for generated markdown: escaping, tables, dates, plural words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd
import yaml

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: object) -> str:
    """Plain text made safe inside markdown (and inside a pipe-table cell)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def md_code(text: object) -> str:
    """Like :func:`md`, but `backticked` names stay code spans (the data dictionary's notes
    name columns that way) instead of showing their backticks."""
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    parts = _CODE_SPAN.split(value)
    return "".join(f"`{part}`" if i % 2 else md(part) for i, part in enumerate(parts))


def link(text: str, url: object) -> str:
    if not isinstance(url, str) or not url:
        return md(text)
    return f"[{md(text)}](<{url}>)"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table (cells already escaped)."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


def long_date(day: object) -> str:
    if day is None or day is pd.NaT or (not isinstance(day, dt.date) and pd.isna(day)):
        return ""
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def number_words(n: int) -> str:
    """Small counts in words, as house style writes them in running text."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if 0 <= n < len(words) else str(n)


def front_matter(meta: dict) -> str:
    """YAML front matter block, keys in the given order, deterministic."""
    body = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{body}---\n"
