"""Turn published cells into (value, status): suppression markers become nulls with the reason.

Every source marks missing numbers differently: DfE Explore Education Statistics uses GSS
symbols (``c`` confidential, ``u`` low reliability, ``x`` not available, ``z`` not applicable,
``low`` below 0.5), older tables use ``-``, ``:`` or ``..``, MHCLG revenue outturn uses
bracketed ``[x]`` (return not received), ``[z]`` (not collected), ``[Y]`` (not relevant).
We never guess a number for them: the value is null and ``status`` keeps why.
"""

from __future__ import annotations

import math

OK = "ok"

# marker as printed (lower-cased, brackets kept) -> status written to the tables
MARKERS: dict[str, str] = {
    "c": "suppressed",
    "u": "low_reliability",
    "x": "not_available",
    "z": "not_applicable",
    "low": "below_half",
    "-": "nil_or_not_applicable",
    ":": "not_available",
    "..": "not_available",
    "[c]": "suppressed",
    "[u]": "low_reliability",
    "[x]": "not_received",
    "[z]": "not_collected",
    "[y]": "not_relevant",
    "[n]": "not_estimated",
    "[low]": "below_half",
}

STATUS_DESCRIPTIONS: dict[str, str] = {
    OK: "published value",
    "suppressed": "suppressed by the publisher to protect confidentiality (c)",
    "low_reliability": "withheld by the publisher as of low reliability (u)",
    "not_available": "not available (x, ':' or '..')",
    "not_applicable": "not applicable (z)",
    "below_half": "below 0.5, published as 'low'",
    "nil_or_not_applicable": "published as '-'",
    "not_received": "MHCLG: return not received in time for publication ([x])",
    "not_collected": "MHCLG: data item not collected ([z])",
    "not_relevant": "MHCLG: not relevant ([Y])",
    "not_estimated": "MHCLG: no appropriate estimation ([n])",
    "blank": "cell empty in the source",
}


class UnknownMarkerError(ValueError):
    """A cell that is neither a number nor a known marker."""


def parse_cell(raw: object) -> tuple[float | None, str]:
    """Return ``(value, status)`` for one published cell.

    Numbers may carry thousands separators (``"1,296"``). Unknown text raises
    :class:`UnknownMarkerError` so a new marker is noticed rather than silently dropped.
    """
    if raw is None:
        return None, "blank"
    if isinstance(raw, bool):
        raise UnknownMarkerError(f"boolean cell {raw!r}")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None, "blank"
        return float(raw), OK
    text = str(raw).strip()
    if text == "" or text.lower() == "nan":
        return None, "blank"
    key = text.lower()
    if key in MARKERS:
        return None, MARKERS[key]
    try:
        return float(text.replace(",", "")), OK
    except ValueError as exc:
        raise UnknownMarkerError(f"unrecognised cell {text!r}") from exc
