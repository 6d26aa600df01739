"""The committed extraction equals a fresh run over the whole corpus, byte for byte.

This is what makes data/processed trustworthy: nobody edited it by hand, and `make data`
reproduces it exactly on another machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_record import config
from ofsted_record.extract.pipeline import run_extraction

OUTPUTS = ("inspections.csv", "judgements.csv", "extraction_issues.csv")


@pytest.mark.slow
def test_committed_extraction_is_reproducible(corpus_dir: Path, tmp_path: Path) -> None:
    summary = run_extraction(
        corpus_dir, tmp_path / "out", cache_dir=tmp_path / "cache", progress=False
    )
    assert summary.total == len(list(p for p in corpus_dir.rglob("*") if p.is_file())) - 1
    for name in OUTPUTS:
        fresh = (tmp_path / "out" / name).read_bytes()
        committed = (config.processed_dir() / name).read_bytes()
        assert fresh == committed, f"data/processed/{name} differs from a fresh extraction"
