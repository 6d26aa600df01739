"""Every raw value the official table prints, mapped explicitly to our vocabularies.

An unmapped value is an error (the table changed, or a typo): we never guess a grade.
"""

from __future__ import annotations

# Raw grade text (surrounding whitespace stripped) -> grade vocabulary (data/README.md).
# The 2023 table prints the pre-2013 SLAC/CPI "adequate" grade as "Requires improvement to be
# good" (no "Adequate" cell exists in it); "Adequate" is listed for older editions of the table.
GRADE_MAP: dict[str, str] = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires_improvement",
    "Adequate": "adequate",
    "Inadequate": "inadequate",
    # " -": no judgement given (City of London had no adoption to judge; Isles of Scilly no
    # looked-after children at the time).
    "-": "not_judged",
}

# Raw ILACS "inspection type" text -> framework.
ILACS_TYPE_MAP: dict[str, str] = {
    "ILACS Standard Inspection": "ilacs_standard",
    "ILACS Short Inspection": "ilacs_short",
}


class UnmappedValue(ValueError):
    """A cell holds a value no mapping covers."""


def normalise_grade(raw: str, where: str) -> str:
    try:
        return GRADE_MAP[raw.strip()]
    except KeyError:
        raise UnmappedValue(f"{where}: unmapped grade {raw!r} (add it to GRADE_MAP)") from None


def ilacs_framework(raw: str, where: str) -> str:
    try:
        return ILACS_TYPE_MAP[raw.strip()]
    except KeyError:
        raise UnmappedValue(
            f"{where}: unmapped ILACS inspection type {raw!r} (add it to ILACS_TYPE_MAP)"
        ) from None
