"""Every raw value the official table prints, mapped explicitly to our vocabularies.

An unmapped value is an error (the table changed, or a typo): we never guess a grade.
"""

from __future__ import annotations

# Frameworks before the single inspection framework (November 2013). They graded on a four-point
# scale whose middle grade was "adequate"; the 2023 table restates it as "Requires improvement
# to be good", a grade that did not exist then. Reports say so (tests/test_grade_scales.py cites
# them): Rotherham's 2014 SIF report, p7 (SLAC 2010, CPI 2012), Warrington's 2015 (SLAC
# re-inspection 2011), Kent's 2013 looked-after-children report, p21 (TLAC). The child protection
# re-inspection (cpri) re-inspected under the CPI framework, on its scale.
PRE_2013_FRAMEWORKS = frozenset({"slac", "slac_reinspection", "cpi", "cpri", "lac_2013", "tlac"})
# What a sheet that lists only SIF/ILACS judgements passes as its framework.
CURRENT_SCALE = "current_scale"

# Raw grade text (surrounding whitespace stripped) -> the table's own vocabulary
# (data/README.md), before the framework's scale is applied (normalise_grade).
# The 2023 table prints the pre-2013 "adequate" grade as "Requires improvement to be good" (no
# "Adequate" cell exists in it); "Adequate" is listed for older editions of the table.
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


def table_grade(raw: str, where: str) -> str:
    """The grade as the table prints it, on its own (restated) scale: what the reconciliation
    compares with the reports, so a restatement stays visible there."""
    try:
        return GRADE_MAP[raw.strip()]
    except KeyError:
        raise UnmappedValue(f"{where}: unmapped grade {raw!r} (add it to GRADE_MAP)") from None


def normalise_grade(raw: str, where: str, framework: str) -> str:
    """The grade under the name its framework used: the one place the record decides a grade.

    Before November 2013 (:data:`PRE_2013_FRAMEWORKS`) the middle grade is ``adequate``, however
    the table words it; afterwards ``adequate`` does not exist, so a cell saying so is an error.
    """
    grade = table_grade(raw, where)
    if framework in PRE_2013_FRAMEWORKS:
        return "adequate" if grade == "requires_improvement" else grade
    if grade == "adequate":
        raise UnmappedValue(
            f"{where}: grade {raw.strip()!r} under {framework}, whose scale has no 'adequate'"
        )
    return grade


def ilacs_framework(raw: str, where: str) -> str:
    try:
        return ILACS_TYPE_MAP[raw.strip()]
    except KeyError:
        raise UnmappedValue(
            f"{where}: unmapped ILACS inspection type {raw!r} (add it to ILACS_TYPE_MAP)"
        ) from None
