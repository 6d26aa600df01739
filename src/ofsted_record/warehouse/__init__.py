"""The DuckDB warehouse: tables from data/processed plus the views/macros in sql/."""

from ofsted_record.warehouse.build import build_warehouse, connect

__all__ = ["build_warehouse", "connect"]
