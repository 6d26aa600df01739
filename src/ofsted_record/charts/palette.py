"""The house palette for Ofsted grades.

Blue for the better grades, orange for the worse ones: the two hues stay apart for viewers with
protanopia, deuteranopia and tritanopia (checked in tests with CIEDE2000 on simulated colours),
and lightness differs between every pair so the grades also separate in greyscale. Colour is
never the only cue: legends keep the grade order and every chart labels grades in words.
"""

from __future__ import annotations

from ofsted_record.warehouse.events import INTERVENTION_EVENTS
from ofsted_record.warehouse.events import event_label as event_label  # re-exported

# Current four-point scale (SIF 2013-2018, ILACS 2018-2026), best to worst.
GRADE_ORDER: list[str] = ["outstanding", "good", "requires_improvement", "inadequate"]

# Values that also appear on charts: the pre-2013 scale's "adequate", councils with no graded
# inspection yet, and ILACS inspections after April 2026 that carry no overall grade.
EXTRA_GRADES: list[str] = ["adequate", "not_judged", "no_overall_grade"]

# Order used on every legend: the four grades, then the others.
ALL_GRADES: list[str] = [
    "outstanding",
    "good",
    "adequate",
    "requires_improvement",
    "inadequate",
    "no_overall_grade",
    "not_judged",
]

GRADE_COLOURS: dict[str, str] = {
    "outstanding": "#0b3c78",  # dark blue
    "good": "#4b93d1",  # mid blue
    "requires_improvement": "#f6b26b",  # light orange
    "inadequate": "#b4440a",  # dark burnt orange
    "adequate": "#fde1b4",  # pale sand: the old scale's middle grade
    "not_judged": "#d4d4d4",  # light grey
    "no_overall_grade": "#8c8c8c",  # mid grey
}

GRADE_LABELS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "adequate": "Adequate (pre-2013 scale)",
    # no whole-service inspection under the frameworks used since November 2013 yet (earlier
    # grades used another scale and are not mixed in): not the same as "no grade"
    "not_judged": "Not yet inspected since November 2013",
    "no_overall_grade": "No overall grade (2026 framework)",
}

# Government intervention events in plain words (one vocabulary: warehouse.events).
EVENT_LABELS: dict[str, str] = {code: event.label for code, event in INTERVENTION_EVENTS.items()}

# Neutral colours for non-grade marks (lines, bands, interventions).
INK = "#1f1f1f"
MUTED = "#595959"  # 7:1 on white, for secondary text
GRID = "#e6e6e6"
ACCENT = "#0b3c78"


def grade_scale(grades: list[str] | None = None) -> dict[str, list[str]]:
    """``domain``/``range`` for an Altair colour scale keyed by grade *label*, in house order.

    Only the grades listed (default the four current ones) appear, so legends never show
    categories the chart does not use.
    """
    chosen = [g for g in ALL_GRADES if g in (grades or GRADE_ORDER)]
    return {
        "domain": [GRADE_LABELS[g] for g in chosen],
        "range": [GRADE_COLOURS[g] for g in chosen],
    }


def grade_rank(grade: str) -> int:
    """Position in :data:`ALL_GRADES` (for sorting and stack order)."""
    return ALL_GRADES.index(grade)


def label(grade: str) -> str:
    """Human label of a grade code; unknown codes raise so a new vocabulary value is noticed."""
    try:
        return GRADE_LABELS[grade]
    except KeyError:
        raise ValueError(f"unknown grade {grade!r}; expected one of {ALL_GRADES}") from None
