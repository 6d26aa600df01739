"""Grade words as printed -> one normalised vocabulary."""

from __future__ import annotations

import re

# Order matters: longer phrases first ('requires improvement to be good' ends in 'good';
# 'inadequate' contains 'adequate').
GRADE_PATTERN = (
    r"(?P<grade>requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|inadequate|adequate|good"
    r"|not\s+judged)"
)
GRADE_RE = re.compile(GRADE_PATTERN, re.IGNORECASE)

GRADES = ("outstanding", "good", "requires_improvement", "inadequate", "adequate", "not_judged")


def normalise_grade(raw: str) -> str:
    """'Requires Improvement to be good' -> 'requires_improvement'. Unknown text raises."""
    text = " ".join(raw.lower().split())
    if text.startswith(("requires improvement", "require improvement")):
        return "requires_improvement"
    if text == "not judged":
        return "not_judged"
    if text in ("outstanding", "good", "inadequate", "adequate"):
        return text
    raise ValueError(f"not a grade: {raw!r}")
