"""Which Ofsted provider pages to visit: one per council URN.

From the council register (``ofsted_record.register.load_councils()``, column ``ofsted_urns``)
when it is available, else from data-to-insight's provider lookup in the shared reference data.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from ofsted_record import config

LOOKUP = ("reference", "ofsted_provider_lookup_d2i.csv")


@dataclass(frozen=True)
class Provider:
    urn: str
    la_code: str
    name: str  # council name, for messages and a folder-name fallback


def _from_register() -> list[Provider] | None:
    try:
        from ofsted_record.register import load_councils  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        councils = load_councils()
    except Exception:  # register not built yet: fall back to the lookup
        return None
    if "ofsted_urns" not in getattr(councils, "columns", []):
        return None
    name_col = next(
        (c for c in ("short_name", "name", "council", "la_name") if c in councils.columns), None
    )
    out = []
    for row in councils.to_dict("records"):
        urns = re.split(r"[;,|\s]+", str(row.get("ofsted_urns") or "").strip())
        for urn in filter(None, urns):
            if urn.lower() == "nan":
                continue
            urn = re.sub(r"\.0$", "", urn)  # read as a float somewhere upstream
            out.append(
                Provider(
                    urn, str(row.get("la_code", "")), str(row.get(name_col, "")) if name_col else ""
                )
            )
    return out or None


def _from_lookup() -> list[Provider]:
    path = config.shared_path(*LOOKUP)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            Provider(r["urn"].strip(), r["la_code"].strip(), r["local_authority_ons_name"].strip())
            for r in csv.DictReader(handle)
            if r.get("urn", "").strip()
        ]


def load_providers() -> list[Provider]:
    """Every council's provider URN, sorted by URN (numerically), one row per URN."""
    providers = _from_register() or _from_lookup()
    unique = {p.urn: p for p in providers}
    return sorted(unique.values(), key=lambda p: (len(p.urn), p.urn))
