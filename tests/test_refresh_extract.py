"""A reports folder filled by `refresh` gives the same record as the shared corpus.

Seeding refuses the corpus's 4 HTML error pages (they are not PDFs) but records them in
`.rejected.csv` with the extractor's own reason, so extracting the cache lists them as
quarantined: the committed tables come out byte for byte the same either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_record import config
from ofsted_record.extract.pipeline import REJECTED_FILE, run_extraction
from ofsted_record.refresh.cache import ReportCache

OUTPUTS = ("inspections.csv", "judgements.csv", "extraction_issues.csv")


@pytest.mark.slow
def test_seeded_cache_extracts_to_the_committed_record(corpus_dir: Path, tmp_path: Path) -> None:
    cache = ReportCache(tmp_path / "cache")
    added, issues = cache.seed_from(corpus_dir)
    assert added == 493
    refused = [i for i in issues if i.reason == "not_pdf"]
    assert len(refused) == 4
    rejected = (cache.root / REJECTED_FILE).read_text(encoding="utf-8")
    assert rejected.count("HTML page saved as .pdf") == 4

    summary = run_extraction(
        cache.root, tmp_path / "out", cache_dir=tmp_path / "parse-cache", progress=False
    )
    assert len(summary.parsed) == 493 and len(summary.quarantined) == 4
    for name in OUTPUTS:
        fresh = (tmp_path / "out" / name).read_bytes()
        assert fresh == (config.processed_dir() / name).read_bytes(), name


def test_a_rejected_file_that_later_arrives_is_not_listed_twice(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / REJECTED_FILE).write_text(
        "file,sha256,bytes,reason,detail\n"
        "80566_sunderland/children's services inspection - 20 july 2015.pdf,abc,10,"
        "truncated PDF,no %%EOF\n",
        encoding="utf-8",
    )
    folder = reports / "80566_sunderland"
    folder.mkdir()
    (folder / "children's services inspection - 20 july 2015.pdf").write_bytes(b"")
    summary = run_extraction(reports, tmp_path / "out", cache_dir=tmp_path / "c", progress=False)
    issues = (tmp_path / "out" / "extraction_issues.csv").read_text().splitlines()
    assert len(issues) == 2 and "empty file" in issues[1]
    assert summary.quarantined == [
        "80566_sunderland/children's services inspection - 20 july 2015.pdf"
    ]
