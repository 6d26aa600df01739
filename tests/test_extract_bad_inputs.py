"""Bad inputs never stop the extractor: each is quarantined with a plain reason, naming the file.

Uses the real defects in the corpus (HTML error pages saved as .pdf) plus files made in tmp_path:
a truncated real report, an empty file, a PDF that is not a report, random bytes. Then a whole run
over a folder mixing them with real reports: every file lands in exactly one output table, the
CLI's ``--strict`` fails while the default succeeds, and reruns are byte-identical.
"""

from __future__ import annotations

import functools
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record.extract import pipeline
from ofsted_record.extract.pipeline import parse_file, run_extraction

# The four downloads in the corpus that are Ofsted's HTML error page under a .pdf name
# (all 7,116 bytes, same sha256; opened in a text editor: '<!DOCTYPE html>').
HTML_PAGES = [
    "80429_birmingham/children's services inspection - 19 october 2012.pdf",
    "80431_blackpool/children's services inspection - 13 july 2012.pdf",
    "80490_bromley/children's services inspection - 17 august 2012.pdf",
    "80543_rotherham/children's services inspection - 10 august 2012.pdf",
]
# Three real reports of different frameworks (hand-checked in test_extract_golden.py).
GOOD = {
    "80567_surrey/children's services inspection - 03 august 2015.pdf": "lscb_review",
    "80476_kent/children's services inspection,  pdf - 23 august 2013.pdf": "lac_2013",
    "80489_brent/children's services inspection - 17 june 2026.pdf": "ilacs_2026",
}
TRUNCATE_SOURCE = "80418_norfolk/children's services inspection - 19 january 2018.pdf"


def chart_pdf() -> bytes:
    """A real PDF with text that is not an inspection report: a titled Vega-Lite bar chart."""
    import vl_convert as vlc

    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Children in care per 10,000",
        "data": {"values": [{"year": "2023", "rate": 70}, {"year": "2024", "rate": 71}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "year", "type": "nominal"},
            "y": {"field": "rate", "type": "quantitative"},
        },
    }
    return vlc.vegalite_to_pdf(spec)


def random_bytes(n: int = 5000) -> bytes:
    return random.Random(20260101).randbytes(n)


# ---- single files ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel", HTML_PAGES)
def test_html_error_page(corpus_dir: Path, rel: str) -> None:
    result = parse_file(corpus_dir / rel)
    assert result["ok"] is False
    assert result["reason"] == "HTML page saved as .pdf"


def test_corpus_has_exactly_these_non_pdf_files(corpus_dir: Path) -> None:
    """The HTML pages above are the only files in the corpus that are not PDFs."""
    not_pdf = []
    for path in sorted(corpus_dir.glob("*/*")):
        with path.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                not_pdf.append(path.relative_to(corpus_dir).as_posix())
    assert not_pdf == sorted(HTML_PAGES)


def test_truncated_pdf(corpus_dir: Path, tmp_path: Path) -> None:
    data = (corpus_dir / TRUNCATE_SOURCE).read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    result = parse_file(path)
    assert (result["ok"], result["reason"]) == (False, "truncated PDF")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert parse_file(path) == {"ok": False, "reason": "empty file", "detail": ""}


def test_pdf_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "chart.pdf"
    path.write_bytes(chart_pdf())
    result = parse_file(path)
    assert (result["ok"], result["reason"]) == (False, "not a recognised inspection report")
    assert "Children in care per 10,000" in result["detail"]  # says what page 1 holds


def test_blank_pdf_is_not_a_report(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    doc.save(str(path))
    doc.close()
    result = parse_file(path)
    assert (result["ok"], result["reason"]) == (False, "not a recognised inspection report")


def test_random_binary(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(random_bytes())
    result = parse_file(path)
    assert (result["ok"], result["reason"]) == (False, "not a PDF")


# ---- a whole run over a mixed folder ------------------------------------------------------------

# Bad files under report-like names (so the content is what gets judged), and two that fail on
# their name or council: file -> expected reason in extraction_issues.csv.
MADE = {
    "80418_norfolk/children's services inspection - 01 january 2020.pdf": "truncated PDF",
    "80476_kent/children's services inspection - 02 january 2020.pdf": "empty file",
    "80489_brent/children's services inspection - 03 january 2020.pdf": "not a recognised inspection report",
    "80555_somerset/children's services inspection - 04 january 2020.pdf": "not a PDF",
    "notes/readme.txt": "file name not recognised",
    "99999_nowhere/children's services inspection - 05 january 2020.pdf": "council not recognised",
}


@pytest.fixture(scope="module")
def mixed_reports(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("ofsted_record.register", reason="run_extraction needs the register")
    root = tmp_path_factory.mktemp("mixed") / "reports"
    for rel in [*GOOD, *HTML_PAGES]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_dir / rel, root / rel)
    contents = {
        "truncated PDF": (corpus_dir / TRUNCATE_SOURCE).read_bytes(),
        "empty file": b"",
        "not a recognised inspection report": chart_pdf(),
        "not a PDF": random_bytes(),
        "file name not recognised": b"not a report\n",
        # a real, good report under a provider URN no council has
        "council not recognised": (corpus_dir / next(iter(GOOD))).read_bytes(),
    }
    contents["truncated PDF"] = contents["truncated PDF"][: len(contents["truncated PDF"]) // 2]
    for rel, reason in MADE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(contents[reason])
    return root


def _run(reports: Path, base: Path, cache: Path | None = None) -> tuple[pipeline.RunSummary, Path]:
    out = base / "out"
    summary = run_extraction(
        reports_dir=reports, out_dir=out, cache_dir=cache or base / "cache", progress=False
    )
    return summary, out


def _csvs(out: Path) -> dict[str, bytes]:
    return {
        name: (out / name).read_bytes()
        for name in ("inspections.csv", "judgements.csv", "extraction_issues.csv")
    }


def test_run_over_mixed_folder(mixed_reports: Path, tmp_path: Path) -> None:
    summary, out = _run(mixed_reports, tmp_path)
    inspections = pd.read_csv(out / "inspections.csv", dtype=str, keep_default_na=False)
    issues = pd.read_csv(out / "extraction_issues.csv", dtype=str, keep_default_na=False)
    every_file = sorted(
        p.relative_to(mixed_reports).as_posix() for p in mixed_reports.rglob("*") if p.is_file()
    )
    listed = sorted([*inspections["file"], *issues["file"]])
    assert listed == every_file  # each input exactly once, in one table or the other
    assert summary.total == len(every_file)
    assert dict(zip(inspections["file"], inspections["framework"], strict=True)) == GOOD
    expected_issues = {rel: "HTML page saved as .pdf" for rel in HTML_PAGES} | MADE
    assert dict(zip(issues["file"], issues["reason"], strict=True)) == expected_issues
    assert set(issues["outcome"]) == {"quarantined"}
    # the 99999 file is a good report: the issue must say which URN was not recognised
    detail = issues.set_index("file").loc[
        "99999_nowhere/children's services inspection - 05 january 2020.pdf", "detail"
    ]
    assert "99999" in detail
    # no absolute paths leak into the outputs
    for text in _csvs(out).values():
        assert str(mixed_reports).encode() not in text
    judgements = pd.read_csv(out / "judgements.csv", dtype=str, keep_default_na=False)
    assert set(judgements["inspection_id"]) == set(inspections["inspection_id"])


def test_rerun_is_byte_identical_and_served_from_cache(mixed_reports: Path, tmp_path: Path) -> None:
    first, out1 = _run(mixed_reports, tmp_path / "a")
    second, out2 = _run(mixed_reports, tmp_path / "b")
    assert first.from_cache == second.from_cache == 0
    assert _csvs(out1) == _csvs(out2)
    third, out3 = _run(mixed_reports, tmp_path / "c", cache=tmp_path / "b" / "cache")
    # nothing parsed again (files rejected on their name or council are never parsed)
    assert third.parsed_now == 0 and third.from_cache == first.parsed_now > 0
    assert _csvs(out3) == _csvs(out1)


@pytest.mark.parametrize(("strict", "exit_code"), [(False, 0), (True, 1)])
def test_cli_strict_fails_on_quarantined_files(
    mixed_reports: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    strict: bool,
    exit_code: int,
) -> None:
    from typer.testing import CliRunner

    from ofsted_record.cli import app

    # The CLI has no cache option: keep its parse cache in tmp_path, not in data/cache.
    monkeypatch.setattr(
        pipeline,
        "run_extraction",
        functools.partial(pipeline.run_extraction, cache_dir=tmp_path / "cache"),
    )
    out = tmp_path / "out"
    args = [
        "extract",
        "--reports-dir",
        str(mixed_reports),
        "--out-dir",
        str(out),
        "--no-progress",
        *(["--strict"] if strict else []),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == exit_code, result.output
    assert (out / "extraction_issues.csv").exists()  # tables are written even when strict fails
    assert len(pd.read_csv(out / "inspections.csv")) == len(GOOD)
