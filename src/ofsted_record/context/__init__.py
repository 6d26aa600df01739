"""Context measures beside the judgements: demand, money, workforce, deprivation.

Build with ``ofsted-record context``; load into the warehouse with :func:`load_into`.
"""

from __future__ import annotations

from ofsted_record.context.warehouse import load_into

__all__ = ["load_into"]
