"""The changelog: what each refresh found (new reports, withdrawn ones), with the judgement.

``changelog.csv`` is cumulative: each refresh appends the events it detected under the next
``batch`` number (a counter, not a timestamp, so the file stays deterministic) and every row is
re-enriched from the current extraction outputs (``inspections.csv`` / ``judgements.csv`` in the
same folder), so a better extractor improves old rows too. One human line per event, e.g.
``Kent: inspection published 2 February 2026 — overall Good; was Requires improvement``.
A ``corrected`` event is a new version of a report already in the record (same council, title
and date): it replaces the earlier version, so it is never compared with itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ofsted_record.refresh.cache import _csv_text, _read_csv
from ofsted_record.refresh.discover import url_key
from ofsted_record.tables import atomic_write_text

CHANGELOG = "changelog.csv"
COLUMNS = (
    "batch",
    "event",
    "provider_urn",
    "la_code",
    "council",
    "published_date",
    "file",
    "source_url",
    "sha256",
    "inspection_id",
    "framework",
    "overall_grade",
    "previous_overall_grade",
    "previous_published_date",
    "summary",
)
EVENTS = ("published", "corrected", "withdrawn", "reinstated")


@dataclass(frozen=True)
class Event:
    event: str  # published | corrected | withdrawn | reinstated
    provider_urn: str
    la_code: str
    council: str
    published_date: str  # ISO, '' when unknown
    file: str  # path in the reports cache
    source_url: str
    sha256: str
    batch: int = 0
    inspection_id: str = ""
    framework: str = ""
    overall_grade: str = ""
    previous_overall_grade: str = ""
    previous_published_date: str = ""
    summary: str = ""

    def row(self) -> tuple[object, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


def load(out_dir: Path) -> list[Event]:
    events = []
    for r in _read_csv(out_dir / CHANGELOG):
        fields = {c: r.get(c, "") for c in COLUMNS}
        fields["batch"] = int(fields["batch"] or 0)
        events.append(Event(**fields))
    return events


def last_event_by_key(events: list[Event]) -> dict[str, str]:
    """The latest event kind per report (by Ofsted file id / URL)."""
    out: dict[str, str] = {}
    for e in sorted(events, key=lambda e: e.batch):
        out[url_key(e.source_url)] = e.event
    return out


def grade_label(grade: str) -> str:
    return grade.replace("_", " ").capitalize() if grade else ""


def human_date(iso: str) -> str:
    if not iso:
        return "on an unknown date"
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True)
class _Inspection:
    inspection_id: str
    urn: str
    la_code: str
    council: str
    framework: str
    published: str
    file: str
    sha256: str
    overall: str


def _load_inspections(out_dir: Path) -> list[_Inspection]:
    inspections = out_dir / "inspections.csv"
    judgements = out_dir / "judgements.csv"
    if not inspections.exists():
        return []
    overall: dict[str, str] = {}
    if judgements.exists():
        with judgements.open(newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                if r.get("area") == "overall_effectiveness" and r.get("grade"):
                    overall[r["inspection_id"]] = r["grade"]
    out = []
    with inspections.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r.get("source", "report") not in ("report", ""):
                continue
            out.append(
                _Inspection(
                    r.get("inspection_id", ""),
                    r.get("urn", ""),
                    r.get("la_code", ""),
                    r.get("council") or r.get("council_printed", ""),
                    r.get("framework", ""),
                    r.get("published_date", ""),
                    r.get("file", ""),
                    r.get("sha256", ""),
                    overall.get(r.get("inspection_id", ""), ""),
                )
            )
    return out


def enrich(event: Event, inspections: list[_Inspection]) -> Event:
    """Fill grades and the human summary from the extraction outputs."""
    match = next((i for i in inspections if i.file == event.file), None) or next(
        (i for i in inspections if event.sha256 and i.sha256 == event.sha256), None
    )
    published = event.published_date or (match.published if match else "")
    council = event.council or (match.council if match else "") or event.file.split("/")[0]
    ev = replace(event, published_date=published, council=council)
    when = human_date(published)
    if ev.event == "withdrawn":
        return replace(
            ev,
            summary=f"{council}: report published {when} withdrawn from Ofsted's site "
            "(kept in the cache and the record)",
        )
    if ev.event == "reinstated":
        return replace(ev, summary=f"{council}: report published {when} listed again by Ofsted")
    if match is None:
        what = "corrected report of the inspection" if ev.event == "corrected" else "inspection"
        return replace(ev, summary=f"{council}: {what} published {when} — grades not extracted yet")

    def same_council(i: _Inspection) -> bool:
        if ev.la_code and i.la_code:
            return i.la_code == ev.la_code
        return i.urn == ev.provider_urn

    earlier = sorted(
        (
            i
            for i in inspections
            if same_council(i)
            and i.inspection_id != match.inspection_id
            and i.file != match.file
            and i.overall
            and i.published
            and i.published < published
        ),
        key=lambda i: (i.published, i.inspection_id),
    )
    prev = earlier[-1] if earlier else None
    ev = replace(
        ev,
        inspection_id=match.inspection_id,
        framework=match.framework,
        overall_grade=match.overall,
        previous_overall_grade=prev.overall if prev else "",
        previous_published_date=prev.published if prev else "",
    )
    if match.overall:
        verdict = f"overall {grade_label(match.overall)}"
    elif match.framework == "ilacs_2026":
        verdict = "no overall effectiveness grade (2026 framework)"
    else:
        verdict = "no overall effectiveness grade found"
    if ev.event == "corrected":
        return replace(
            ev,
            summary=f"{council}: corrected report of the inspection published {when} — "
            f"{verdict} (replaces the earlier version)",
        )
    was = f"was {grade_label(prev.overall)}" if prev else "no earlier graded report"
    return replace(ev, summary=f"{council}: inspection published {when} — {verdict}; {was}")


def update(out_dir: Path, new_events: list[Event]) -> tuple[list[Event], Path]:
    """Append ``new_events`` as the next batch, re-enrich every row, write atomically.

    Returns the enriched new events (for printing) and the changelog path.
    """
    old = load(out_dir)
    batch = max((e.batch for e in old), default=0) + 1
    inspections = _load_inspections(out_dir)
    fresh = [replace(e, batch=batch) for e in new_events]
    rows = [enrich(e, inspections) for e in old + fresh]
    rows.sort(key=lambda e: (e.batch, e.published_date, e.provider_urn, e.event, e.source_url))
    path = out_dir / CHANGELOG
    atomic_write_text(path, _csv_text(COLUMNS, [e.row() for e in rows]))
    fresh_keys = {(e.event, e.source_url) for e in fresh}
    return [e for e in rows if e.batch == batch and (e.event, e.source_url) in fresh_keys], path
