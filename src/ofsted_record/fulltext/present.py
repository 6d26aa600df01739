"""Search results for people: text that reads at 80 columns, or CSV/JSON for a spreadsheet.

Each hit is a short block (council, date in words, grade, page; the snippet; the link to the
page of the report) rather than a table row, so a long snippet wraps as prose and the link
stays whole and clickable.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TextIO

import pandas as pd
from rich.console import Console
from rich.text import Text

GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "adequate": "Adequate",
    "inadequate": "Inadequate",
    "not_judged": "Not judged",
}


def date_in_words(day: date | None) -> str:
    """``12 March 2024`` (no leading zero), or an empty string."""
    if day is None or pd.isna(day):
        return ""
    return f"{day.day} {day:%B %Y}"


def highlighted(snippet: str) -> Text:
    """The snippet with its ``**match**`` marks shown in bold (text is never read as markup)."""
    text = Text()
    for i, part in enumerate(snippet.split("**")):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


def print_hits(hits: pd.DataFrame, phrase: str, console: Console | None = None) -> None:
    console = console or Console()
    total = hits.attrs.get("total", len(hits))
    if hits.empty:
        console.print(Text(f"No paragraph contains “{phrase}”."))
        return
    noun = "paragraph contains" if total == 1 else "paragraphs contain"
    console.print(Text(f"{total} {noun} “{phrase}”", style="bold"))
    for row in hits.itertuples():
        head = [
            row.council or row.inspection_id,
            f"published {date_in_words(row.published_date)}" if row.published_date else "",
            GRADE_WORDS.get(row.overall_grade or "", ""),
            f"page {row.page}",
        ]
        console.print()
        console.print(Text(" · ".join(h for h in head if h), style="cyan"))
        console.print(highlighted(row.snippet))
        if row.url:
            # A link must stay whole to be clickable: let the terminal wrap it, never rich.
            console.print(Text(row.url, style="dim"), soft_wrap=True)
    if total > len(hits):
        console.print()
        console.print(Text(f"(first {len(hits)} of {total}; use --limit for more)"))


def write_hits(hits: pd.DataFrame, fmt: str, out: TextIO | None = None) -> None:
    """CSV or JSON of the hits, the snippet without its highlight marks, dates as ISO days."""
    out = out or sys.stdout
    frame = hits.copy()
    frame["snippet"] = frame["snippet"].str.replace("**", "", regex=False)
    frame["published_date"] = [str(d) if d is not None else None for d in frame["published_date"]]
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    else:
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        json.dump(records, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
