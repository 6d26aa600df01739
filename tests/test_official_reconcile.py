"""Reconciliation and the complete record on the real extraction output.

Rebuilt in ``tmp_path`` from the committed ``data/processed/inspections.csv`` and
``judgements.csv`` (the extractor's output) and the official ODS.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record import config
from ofsted_record.official import build, explanations, matching
from ofsted_record.tables import read_csv

INPUTS = ("inspections.csv", "judgements.csv", "extraction_issues.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Path, object]:
    src = config.processed_dir()
    if not (src / "inspections.csv").exists():
        reason = f"{src / 'inspections.csv'} missing: run `ofsted-record extract`"
        if os.environ.get("REQUIRE_CORPUS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("official")
    for name in INPUTS:
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    summary = build.run_official(processed=out)
    return out, summary


@pytest.fixture(scope="module")
def recon(built: tuple[Path, object]) -> pd.DataFrame:
    return read_csv(built[0] / build.RECONCILIATION)


@pytest.fixture(scope="module")
def record_ins(built: tuple[Path, object]) -> pd.DataFrame:
    return read_csv(built[0] / build.RECORD_INSPECTIONS)


def test_no_unexplained_disagreement(built: tuple[Path, object]) -> None:
    summary = built[1]
    assert summary.unexplained == [], (
        "add to src/ofsted_record/official/explanations.csv after reading the report:\n"
        + "\n".join(summary.unexplained)
    )


def test_no_stale_explanation(built: tuple[Path, object]) -> None:
    assert built[1].stale_explanations == []


def test_every_judgement_accounted_for(built: tuple[Path, object], recon: pd.DataFrame) -> None:
    out = built[0]
    official = read_csv(out / build.OFFICIAL_JUDGEMENTS)
    judgements = read_csv(out / "judgements.csv")
    assert recon["official_cell"].notna().sum() == len(official)
    assert recon["report_grade"].notna().sum() == len(judgements)
    assert set(recon["status"]) <= set(matching.STATUSES)
    one_sided = recon[recon["status"].isin(["only_in_reports", "only_in_table"])]
    assert one_sided["reason"].notna().all()


def test_dates_agree_within_tolerance(recon: pd.DataFrame) -> None:
    """Matched inspections: nearly all published the same day; the rest are explained."""
    pairs = recon.dropna(subset=["days_apart"]).drop_duplicates(
        ["official_inspection_id", "report_inspection_id"]
    )
    days = pairs["days_apart"].astype(int).abs()
    assert (days == 0).mean() > 0.95
    far = pairs[days > matching.TOLERANCE_DAYS]
    assert far["inspection_explanation"].str.contains("published_date: ").all()


def test_golden_reconciliation_rows(recon: pd.DataFrame) -> None:
    def row(**where: str) -> pd.Series:
        hit = recon
        for col, value in where.items():
            hit = hit[hit[col] == value]
        assert len(hit) == 1, where
        return hit.iloc[0]

    # Barnet's first SIF (ODS S7, Inadequate) is the report of 7 July 2017, same grade
    barnet = row(official_inspection_id="official-302-sif-2017-07-07", area="overall_effectiveness")
    assert barnet["status"] == "matched" and barnet["report_grade"] == "inadequate"
    assert barnet["official_cell"] == "S7"
    # Kent's 2013 looked-after-children report says 'Adequate' (p21); the table says RI (Q68)
    kent = row(official_inspection_id="official-886-tlac-2013-08-23", area="overall_effectiveness")
    assert kent["status"] == "disagreed" and kent["explanation"]
    # the four 2012 CPI reports in the corpus are HTML error pages
    cpi = recon[(recon["family"] == "cpi") & recon["reason"].str.startswith("report_not_parsed")]
    assert sorted(cpi["la_code"]) == ["305", "330", "372", "890"]
    # abolished councils have no reports
    gone = recon[recon["reason"].str.startswith("council_not_in_corpus", na=False)]
    assert set(gone["la_code"]) == {"835", "836", "837", "909", "928"}


def test_record_covers_every_council(record_ins: pd.DataFrame) -> None:
    councils = read_csv(config.processed_dir() / "councils.csv")
    existing = councils[councils["valid_to"].fillna("9999") >= "2009-04-01"]
    missing = sorted(set(existing["la_code"]) - set(record_ins["la_code"]))
    assert missing == []
    for la in ("835", "836", "837", "928", "909"):  # no reports in the corpus
        assert (record_ins.loc[record_ins["la_code"] == la, "source"] == "official_table").all()


def test_record_is_reports_plus_uncovered_official(
    built: tuple[Path, object], record_ins: pd.DataFrame
) -> None:
    out = built[0]
    reports = read_csv(out / "inspections.csv")
    rep = record_ins[record_ins["source"] == "report"]
    assert sorted(rep["inspection_id"]) == sorted(reports["inspection_id"])
    off = record_ins[record_ins["source"] == "official_table"]
    assert off["inspection_id"].str.match(r"^official-\d{3}-[a-z_]+-\d{4}-\d{2}-\d{2}$").all()
    assert off["start_date"].isna().all() and off["end_date"].isna().all()
    assert list(record_ins.columns)[: len(reports.columns)] == list(reports.columns)
    rj = read_csv(out / build.RECORD_JUDGEMENTS)
    assert list(rj.columns) == list(read_csv(out / "judgements.csv").columns)
    off_j = rj[rj["inspection_id"].str.startswith("official-")]
    assert off_j["evidence"].str.match(r"^sheet:LA_inspections_2009-2023![A-Z]+\d+$").all()
    assert set(off_j["inspection_id"]) == set(off["inspection_id"])
    # no official inspection both covered by a report and added again
    recon = read_csv(out / build.RECONCILIATION)
    covered = set(recon.dropna(subset=["report_inspection_id"])["official_inspection_id"].dropna())
    lscb_only = set(
        recon[recon["report_framework"] == "lscb_review"]["official_inspection_id"].dropna()
    )
    assert not (set(off["inspection_id"]) & (covered - lscb_only))


def test_explanations_cite_a_page() -> None:
    expl = explanations.load_explanations()
    assert expl["checked_page"].str.fullmatch(r"\d+").all()


def test_rebuild_is_byte_identical(built: tuple[Path, object], tmp_path: Path) -> None:
    first = built[0]
    for name in INPUTS:
        if (first / name).exists():
            shutil.copy(first / name, tmp_path / name)
    build.run_official(processed=tmp_path)
    for name in (
        build.OFFICIAL_JUDGEMENTS,
        build.RECONCILIATION,
        build.RECORD_INSPECTIONS,
        build.RECORD_JUDGEMENTS,
    ):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name
