"""docs/official.md quotes no figure by hand: its figures block is computed from the committed
processed tables, and the committed block must equal a fresh computation."""

from __future__ import annotations

import re
from pathlib import Path

from ofsted_record.official import figures


def test_figures_block_is_current() -> None:
    committed = figures.current_block()
    assert committed is not None, "docs/official.md has no OFFICIAL-FIGURES block"
    assert committed == figures.figures_markdown(), (
        "docs/official.md figures are stale: run `ofsted-record official`"
    )


def test_figures_follow_the_processed_tables(tmp_path: Path) -> None:
    """Change one processed table and the block changes: the figures are computed, not typed."""
    from ofsted_record import config

    processed = config.processed_dir()
    copy = tmp_path / "processed"
    copy.mkdir()
    for name, _ in figures.FILES:
        if (processed / name).exists():
            (copy / name).write_bytes((processed / name).read_bytes())
    recon = (copy / "reconciliation.csv").read_text(encoding="utf-8").splitlines()
    (copy / "reconciliation.csv").write_text("\n".join(recon[:-1]) + "\n", encoding="utf-8")
    assert figures.figures_markdown(copy) != figures.figures_markdown(processed)


def test_prose_quotes_no_stale_counts() -> None:
    """The figures the issue found stale in the prose are gone from it (they live in the
    generated block only)."""
    text = figures.docs_path().read_text(encoding="utf-8")
    prose = re.sub(
        re.escape(figures.START) + r".*?" + re.escape(figures.END), "", text, flags=re.DOTALL
    )
    for stale in ("1,856", "421", "9 current explanations", "715", "2,278"):
        assert stale not in prose, stale
