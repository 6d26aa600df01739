"""Council names in the official table -> DfE ``la_code``, as at the publication date.

The date matters: "Dorset" is the old county (835) in 2016 and the new unitary (838) from
April 2019. Names go through the project's council register, so the official table and the
reports share one set of aliases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ofsted_record.register import UnresolvedCouncil, la_code_for_urn, load_councils, resolve_name

SOURCE = "Ofsted official statistics 2023, sheet LA_inspections_2009-2023"

Resolver = Callable[[str, date], str]

__all__ = [
    "SOURCE",
    "Resolver",
    "UnresolvedCouncil",
    "council_names",
    "la_code_for_urn",
    "register_resolver",
]


def register_resolver(name: str, on: date) -> str:
    """The council register's answer for a name printed in the table on a publication date."""
    return resolve_name(name, on=on, source=SOURCE)


def council_names() -> dict[str, str]:
    """la_code -> the register's official council name."""
    return load_councils().set_index("la_code")["name"].to_dict()
