"""README findings are computed from the data: the committed block must equal a fresh one."""

from __future__ import annotations

from pathlib import Path

from ofsted_record.findings import current_block, findings_markdown
from ofsted_record.warehouse import connect


def test_readme_findings_are_current(warehouse_path: Path) -> None:
    con = connect(warehouse_path)
    try:
        fresh = findings_markdown(con)
    finally:
        con.close()
    assert current_block() == fresh, "README findings are stale: run `ofsted-record findings`"


def test_findings_mention_every_claim(warehouse_path: Path) -> None:
    con = connect(warehouse_path)
    try:
        text = findings_markdown(con)
    finally:
        con.close()
    for phrase in ("19 out of 74", "1 in 7", "Six months", "worse not better", "Climbié"):
        assert phrase in text
