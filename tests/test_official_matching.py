"""Matching and reconciliation logic on small synthetic frames (no shared data needed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record.official import explanations, grades, matching, reasons, record

# Each grade as the table prints it (reconciliation compares the printed grade).
PRINTED = {grade: raw for raw, grade in grades.GRADE_MAP.items()}


def official_frame(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    """(la_code, framework, published_date, area, grade, cell) -> official_judgements rows."""
    return pd.DataFrame(
        [
            {
                "la_code": la,
                "council_name_official": f"Council {la}",
                "framework": fw,
                "published_date": d,
                "area": area,
                "grade": grade,
                "grade_raw": PRINTED[grade],
                "sheet_row": int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                "sheet_column": "header",
                "sheet_cell": cell,
                "date_cell": "R" + cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                "type_cell": "",
            }
            for la, fw, d, area, grade, cell in rows
        ]
    )


def reports(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(inspection_id, la_code, framework, published_date) -> inspections rows."""
    return pd.DataFrame(
        [
            {
                "inspection_id": iid,
                "source": "report",
                "urn": iid.split("-")[0],
                "la_code": la,
                "framework": fw,
                "published_date": d,
                "file": f"{iid}.pdf",
            }
            for iid, la, fw, d in rows
        ]
    )


def judgements(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "inspection_id": iid,
                "area": area,
                "grade": grade,
                "grade_raw": grade,
                "page": "1",
                "evidence": f"{area} {grade}",
            }
            for iid, area, grade in rows
        ]
    )


OFFICIAL = official_frame(
    [
        ("302", "slac", "2012-02-24", "safeguarding", "good", "F7"),
        ("302", "sif", "2017-07-07", "overall_effectiveness", "inadequate", "S7"),
        ("302", "sif", "2017-07-07", "adoption", "requires_improvement", "V7"),
        ("302", "sif", "2017-07-07", "lscb", "inadequate", "Y7"),
        ("302", "ilacs_standard", "2019-07-01", "overall_effectiveness", "good", "AI7"),
        ("835", "sif", "2016-05-23", "overall_effectiveness", "requires_improvement", "S163"),
        ("303", "ilacs_short", "2019-01-01", "overall_effectiveness", "good", "AI11"),
    ]
)


def test_family_vocabulary() -> None:
    assert matching.family_of("lscb_review") == "sif"
    assert matching.family_of("lac_2013") == matching.family_of("tlac")
    assert matching.family_of("ilacs_2026") == "ilacs"
    with pytest.raises(matching.UnknownFramework, match="'sif2'"):
        matching.family_of("sif2")


def test_match_within_tolerance_closest_first() -> None:
    ins = reports(
        [
            ("1-2017-07-10", "302", "sif", "2017-07-10"),  # 3 days after the table's date
            ("1-2017-07-20", "302", "sif_reinspection", "2017-07-20"),  # 13 days: loses
            ("1-2019-07-01", "302", "ilacs_short", "2019-07-01"),  # type differs: same family
            ("1-2012-02-24", "302", "ilacs_standard", "2012-02-24"),  # wrong family
            ("2-2019-03-01", "303", "ilacs_short", "2019-03-01"),  # 59 days: too far
        ]
    )
    ms = matching.match_inspections(ins, OFFICIAL)
    got = {m.report_inspection_id: (m.official_key, m.days_apart, m.rule) for m in ms}
    assert got == {
        "1-2017-07-10": (("302", "sif", "2017-07-07"), 3, matching.RULE_TOLERANCE),
        "1-2019-07-01": (("302", "ilacs_standard", "2019-07-01"), 0, matching.RULE_TOLERANCE),
        # 59 days apart but each is the other's only candidate: a date disagreement
        "2-2019-03-01": (("303", "ilacs_short", "2019-01-01"), 59, matching.RULE_OUTLIER),
    }


def test_outlier_needs_a_sole_candidate() -> None:
    off = official_frame(
        [
            ("303", "ilacs_short", "2019-01-01", "overall_effectiveness", "good", "AI11"),
            ("303", "ilacs_standard", "2019-04-01", "overall_effectiveness", "good", "AO11"),
        ]
    )
    # 2019-02-15 is 45 days from both official rows: ambiguous, so no match
    ins = reports([("2-2019-02-15", "303", "ilacs_short", "2019-02-15")])
    assert matching.match_inspections(ins, off) == []
    # beyond the outlier window: no match either
    far = reports([("2-2019-12-01", "303", "ilacs_short", "2019-12-01")])
    assert matching.match_inspections(far, off) == []


def test_tolerance_boundary() -> None:
    tol = matching.TOLERANCE_DAYS
    d = (pd.Timestamp("2017-07-07") + pd.Timedelta(days=tol)).date().isoformat()
    late = (pd.Timestamp("2017-07-07") - pd.Timedelta(days=tol + 1)).date().isoformat()
    ins = reports([("a", "302", "sif", d), ("b", "302", "sif", late)])
    ms = matching.match_inspections(ins, OFFICIAL)
    assert [m.report_inspection_id for m in ms] == ["a"]


def test_lscb_review_and_sif_share_one_official_row() -> None:
    ins = reports(
        [
            ("1-2017-07-07", "302", "sif", "2017-07-07"),
            ("1-2017-07-14", "302", "lscb_review", "2017-07-14"),
        ]
    )
    jud = judgements(
        [
            ("1-2017-07-07", "overall_effectiveness", "inadequate"),
            ("1-2017-07-07", "adoption", "good"),
            ("1-2017-07-07", "help_and_protection", "inadequate"),
            ("1-2017-07-14", "lscb", "inadequate"),
        ]
    )
    recon, ms = matching.reconcile(ins, jud, OFFICIAL)
    assert len(ms) == 2
    sif = recon[recon["official_inspection_id"] == "official-302-sif-2017-07-07"]
    status = dict(zip(sif["area"], sif["status"], strict=True))
    assert status == {
        "overall_effectiveness": "matched",
        "adoption": "disagreed",
        "lscb": "matched",
        "help_and_protection": "only_in_reports",
    }
    lscb = sif[sif["area"] == "lscb"].iloc[0]
    assert lscb["report_inspection_id"] == "1-2017-07-14" and lscb["days_apart"] == 7
    # one-sided rows of a matched pair carry both inspections' keys
    hp = sif[sif["area"] == "help_and_protection"].iloc[0]
    assert hp["official_published_date"] == "2017-07-07" and pd.isna(hp["official_grade"])


def test_every_judgement_appears_once() -> None:
    ins = reports(
        [
            ("1-2017-07-07", "302", "sif", "2017-07-07"),
            ("9-2024-01-01", "302", "ilacs_2026", "2026-06-01"),
        ]
    )
    jud = judgements(
        [
            ("1-2017-07-07", "overall_effectiveness", "inadequate"),
            ("9-2024-01-01", "help_and_protection", "good"),
        ]
    )
    recon, _ = matching.reconcile(ins, jud, OFFICIAL)
    assert len(recon[recon["official_grade"].notna()]) == len(OFFICIAL)
    assert len(recon[recon["report_grade"].notna()]) == len(jud)
    assert set(recon["status"]) <= set(matching.STATUSES)


def test_reasons() -> None:
    ins = reports(
        [
            ("1-2017-07-07", "302", "sif", "2017-07-07"),
            ("9-2024-07-23", "302", "ilacs_standard", "2024-07-23"),
            ("9-2015-01-01", "302", "lac_2013", "2015-01-01"),
        ]
    )
    jud = judgements(
        [
            ("1-2017-07-07", "overall_effectiveness", "inadequate"),
            ("1-2017-07-07", "capacity_to_improve", "good"),
            ("9-2024-07-23", "overall_effectiveness", "good"),
            ("9-2015-01-01", "overall_effectiveness", "good"),
        ]
    )
    recon, _ = matching.reconcile(ins, jud, OFFICIAL)
    facts = reasons.CorpusFacts(
        la_codes={"302", "303"}, unparsed={"303": [(date(2019, 1, 2), "x.pdf (HTML error page)")]}
    )
    areas = {"sif": {"overall_effectiveness", "adoption", "lscb"}, "lac": {"overall_effectiveness"}}
    recon = reasons.add_reasons(recon, facts, matching.TOLERANCE_DAYS, areas)
    why = {
        (r.la_code, r.family, r.area, r.status): r.reason.split(":")[0]
        for r in recon.itertuples(index=False)
    }
    assert why == {
        ("302", "slac", "safeguarding", "only_in_table"): "framework_not_in_corpus",
        ("302", "sif", "overall_effectiveness", "matched"): "",
        ("302", "sif", "adoption", "only_in_table"): "judgement_not_extracted",
        ("302", "sif", "lscb", "only_in_table"): "judgement_not_extracted",
        ("302", "sif", "capacity_to_improve", "only_in_reports"): "area_not_in_table",
        ("302", "ilacs", "overall_effectiveness", "only_in_table"): "report_not_in_corpus",
        ("302", "ilacs", "overall_effectiveness", "only_in_reports"): "published_after_table",
        ("302", "lac", "overall_effectiveness", "only_in_reports"): "no_official_row",
        ("835", "sif", "overall_effectiveness", "only_in_table"): "council_not_in_corpus",
        ("303", "ilacs", "overall_effectiveness", "only_in_table"): "report_not_parsed",
    }
    parsed = recon[recon["reason"].str.startswith("report_not_parsed")].iloc[0]
    assert "HTML error page" in parsed["reason"]


def test_explanations_attach_and_go_stale(tmp_path: Path) -> None:
    tol = matching.TOLERANCE_DAYS
    ins = reports([("1-2017-07-07", "302", "sif", "2017-07-07")])
    jud = judgements([("1-2017-07-07", "adoption", "good")])
    recon, _ = matching.reconcile(ins, jud, OFFICIAL)
    path = tmp_path / "explanations.csv"
    header = ",".join(explanations.COLUMNS)
    path.write_text(
        f"{header}\n1-2017-07-07,adoption,good,requires_improvement,V7,Read on page 1: 'good'.,1\n"
    )
    expl = explanations.load_explanations(path)
    out = explanations.attach(recon, expl, tol)
    assert len(explanations.unexplained(out, tol)) == 0
    assert explanations.unused(out, expl).empty
    # the report grade changes (say the extractor is fixed): the explanation no longer applies
    recon2, _ = matching.reconcile(
        ins, judgements([("1-2017-07-07", "adoption", "outstanding")]), OFFICIAL
    )
    out2 = explanations.attach(recon2, expl, tol)
    assert len(explanations.unexplained(out2, tol)) == 1
    assert len(explanations.unused(out2, expl)) == 1


def test_date_disagreements_need_explaining(tmp_path: Path) -> None:
    tol = matching.TOLERANCE_DAYS
    ins = reports([("2-2019-03-01", "303", "ilacs_short", "2019-03-01")])
    jud = judgements([("2-2019-03-01", "overall_effectiveness", "good")])
    recon, _ = matching.reconcile(ins, jud, OFFICIAL)
    recon = recon[recon["la_code"] == "303"]
    assert recon["match_rule"].tolist() == [matching.RULE_OUTLIER]
    empty = tmp_path / "none.csv"
    empty.write_text(",".join(explanations.COLUMNS) + "\n")
    out = explanations.attach(recon, explanations.load_explanations(empty), tol)
    assert len(explanations.unexplained(out, tol)) == 1
    path = tmp_path / "explanations.csv"
    path.write_text(
        ",".join(explanations.COLUMNS)
        + "\n2-2019-03-01,published_date,2019-03-01,2019-01-01,,Report dated 1 March.,1\n"
    )
    out = explanations.attach(recon, explanations.load_explanations(path), tol)
    assert len(explanations.unexplained(out, tol)) == 0
    assert out["inspection_explanation"].iloc[0] == "published_date: Report dated 1 March. (page 1)"


def test_explanations_must_say_something(tmp_path: Path) -> None:
    path = tmp_path / "explanations.csv"
    path.write_text(
        ",".join(explanations.COLUMNS) + "\n1-2017-07-07,adoption,good,requires_improvement,V7,,1\n"
    )
    with pytest.raises(explanations.ExplanationError, match="without explanation"):
        explanations.load_explanations(path)
    path.write_text("a,b\n1,2\n")
    with pytest.raises(explanations.ExplanationError, match="columns must be"):
        explanations.load_explanations(path)


def test_committed_explanations_file_is_well_formed() -> None:
    expl = explanations.load_explanations()
    assert list(expl.columns) == explanations.COLUMNS


def test_record_adds_only_uncovered_official_inspections() -> None:
    ins = reports([("1-2017-07-07", "302", "sif", "2017-07-07")])
    off = OFFICIAL
    jud = judgements([("1-2017-07-07", "overall_effectiveness", "inadequate")])
    _, ms = matching.reconcile(ins, jud, off)
    covered = record.covered_areas(ms, ins, jud)
    assert covered == {("302", "sif", "2017-07-07"): None}
    oi, oj = record.official_only(off, covered, "ofsted-official/x.ods", "abc")
    assert "official-302-sif-2017-07-07" not in set(oi["inspection_id"])
    assert {"official-302-slac-2012-02-24", "official-835-sif-2016-05-23"} <= set(
        oi["inspection_id"]
    )
    assert (oi["source"] == "official_table").all()
    assert oi["start_date"].isna().all() and oi["end_date"].isna().all()
    slac = oj[oj["inspection_id"] == "official-302-slac-2012-02-24"].iloc[0]
    assert slac["evidence"] == "sheet:LA_inspections_2009-2023!F7"
    assert pd.isna(slac["page"])
    ri, rj = record.complete_record(ins, jud, oi, oj)
    assert list(ri.columns)[: len(ins.columns)] == list(ins.columns)
    assert set(record.INSPECTION_COLUMNS) <= set(ri.columns)
    assert list(rj.columns) == record.JUDGEMENT_COLUMNS
    assert set(ri.loc[ri["inspection_id"] == "1-2017-07-07", "source"]) == {"report"}
    assert len(ri) == len(ins) + len(oi)


def test_lscb_review_covers_only_its_area() -> None:
    off = official_frame(
        [
            ("303", "sif", "2016-01-01", "overall_effectiveness", "good", "S11"),
            ("303", "sif", "2016-01-01", "lscb", "good", "Y11"),
        ]
    )
    ins = reports([("2-2016-01-04", "303", "lscb_review", "2016-01-04")])
    jud = judgements([("2-2016-01-04", "lscb", "good")])
    _, ms = matching.reconcile(ins, jud, off)
    covered = record.covered_areas(ms, ins, jud)
    assert covered == {("303", "sif", "2016-01-01"): {"lscb"}}
    _, oj = record.official_only(off, covered, "x.ods", "abc")
    assert list(oj["area"]) == ["overall_effectiveness"]
