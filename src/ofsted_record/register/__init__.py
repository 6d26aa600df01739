"""The council register: every English children's services authority 2009-2026 and its codes.

``la_code`` (DfE 3-digit code, text) is the key. See ``docs/register.md``.
"""

from ofsted_record.register.resolve import (
    CouncilRegister,
    UnresolvedCouncil,
    is_aggregate_name,
    la_code_for_ons,
    la_code_for_urn,
    load_councils,
    reload,
    resolve_joint,
    resolve_name,
)

__all__ = [
    "CouncilRegister",
    "UnresolvedCouncil",
    "is_aggregate_name",
    "la_code_for_ons",
    "la_code_for_urn",
    "load_councils",
    "reload",
    "resolve_joint",
    "resolve_name",
]
