"""The warehouse answers the story's questions; facts checked by hand in the reports.

Sunderland (la_code 394), hand-checked on page 1 of each report in
../shared/data/ofsted-reports/80566_sunderland/:
- 'children's services inspection - 20 july 2015.pdf' p1: SIF, 'Inspection date: 11 May 2015 –
  4 June 2015', 'Report published: 20 July 2015', 'Children's services in Sunderland are inadequate'.
- '... 25 july 2018.pdf' p1: re-inspection, 23 April-18 May 2018, published 25 July 2018,
  'Children's services in Sunderland are inadequate'.
- '... 20 august 2021.pdf' p1: ILACS, overall effectiveness Outstanding.
North Northamptonshire (940), '2637539_north northamptonshire/children's services inspection -
07 july 2026.pdf' p1: inspection 11 to 22 May 2026, no overall effectiveness row, impact of
leaders Outstanding; its previous report ('... 25 november 2022.pdf' p1) overall Requires
improvement to be good.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record.warehouse import queries
from ofsted_record.warehouse.build import build_warehouse


def _row(frame, la_code: str):
    rows = frame[frame["la_code"] == la_code]
    assert len(rows) == 1, f"expected one row for {la_code}, got {len(rows)}"
    return rows.iloc[0]


def test_council_counts_follow_reorganisations(con) -> None:
    count = "SELECT count(*) FROM councils_on(CAST(? AS DATE))"
    # 152 upper-tier authorities until Dorset/BCP (April 2019), 151 until the Northamptonshire
    # split (April 2021), 152 until Cumbria's split (April 2023), 153 since.
    assert con.execute(count, [date(2010, 1, 1)]).fetchone()[0] == 152
    assert con.execute(count, [date(2020, 1, 1)]).fetchone()[0] == 151
    assert con.execute(count, [date(2022, 1, 1)]).fetchone()[0] == 152
    assert con.execute(count, [date(2024, 1, 1)]).fetchone()[0] == 153


def test_standing_after_publication(con) -> None:
    row = _row(queries.standing(con, date(2016, 1, 1)), "394")
    assert row["grade"] == "inadequate"
    assert row["inspection_id"] == "80566-2015-07-20"


def test_counting_rules_differ_before_publication(con) -> None:
    # 10 June 2015: the inspection had ended (4 June) but was published on 20 July.
    ended = _row(queries.standing(con, date(2015, 6, 10), "ended_by"), "394")
    assert ended["grade"] == "inadequate"
    within = _row(queries.standing(con, date(2015, 6, 10), "published_within_month"), "394")
    assert within["grade"] is None or within["grade"] != within["grade"]  # NULL
    assert within["status"] == "not yet inspected under SIF/ILACS"
    # By 30 June 2015 the report (20 July) was within a month: both rules agree.
    late = _row(queries.standing(con, date(2015, 6, 30), "published_within_month"), "394")
    assert late["grade"] == "inadequate"


def test_no_overall_grade_is_never_carried_forward(con) -> None:
    before = _row(queries.standing(con, date(2026, 4, 30)), "940")
    assert before["grade"] == "requires_improvement"
    after = _row(queries.standing(con, date(2026, 6, 30)), "940")
    assert after["inspection_id"] == "2637539-2026-07-07"
    assert after["status"] == "no overall grade (2026 framework)"
    assert after["grade"] is None or after["grade"] != after["grade"]
    leaders = _row(queries.standing(con, date(2026, 6, 30), area="impact_of_leaders"), "940")
    assert leaders["grade"] == "outstanding"


def test_monthly_standing_covers_every_council_every_month(con) -> None:
    monthly = queries.standing_monthly(con)
    per_month = monthly.groupby("as_at").size()
    assert len(per_month) == 12 * 18 - 3  # April 2009 to December 2026
    assert per_month.min() == 151 and per_month.max() == 153
    sunderland = monthly[(monthly["la_code"] == "394")].set_index("as_at")["grade"]
    sunderland.index = pd.to_datetime(sunderland.index)
    assert sunderland[pd.Timestamp(2015, 7, 31)] == "inadequate"
    assert sunderland[pd.Timestamp(2021, 8, 31)] == "outstanding"


def test_national_shares_sum_to_one(con) -> None:
    national = queries.national_monthly(con)
    graded = national[
        national["grade"].isin(["outstanding", "good", "requires_improvement", "inadequate"])
    ]
    sums = graded.groupby("as_at")["share_of_graded"].sum()
    assert ((sums - 1).abs() < 1e-9).all()


def test_transitions_and_spells_for_sunderland(con) -> None:
    transitions = queries.transitions(con)
    mine = transitions[transitions["la_code"] == "394"].sort_values("published_date")
    assert list(mine["change"])[:2] == ["same", "improved"]
    spells = queries.inadequate_spells(con)
    spell = _row(spells, "394")
    assert pd.Timestamp(spell["start_date"]) == pd.Timestamp(2015, 7, 20)
    assert pd.Timestamp(spell["end_date"]) == pd.Timestamp(2021, 8, 20)
    assert spell["days"] == (date(2021, 8, 20) - date(2015, 7, 20)).days
    assert not spell["censored"]


def test_kaplan_meier_on_a_known_example() -> None:
    spells = pd.DataFrame(
        {"days": [100, 200, 200, 300, 400], "censored": [False, False, True, False, True]}
    )
    km = queries.kaplan_meier(spells)
    # S(100) = 4/5; S(200) = 4/5 * 3/4 = 0.6; S(300) = 0.6 * 1/2 = 0.3
    surv = km.set_index("days")["still_inadequate"]
    assert surv[100] == pytest.approx(0.8)
    assert surv[200] == pytest.approx(0.6)
    assert surv[300] == pytest.approx(0.3)
    assert queries.share_left_within(km, 250) == pytest.approx(0.4)


def test_user_values_are_parameters_not_sql(con) -> None:
    with pytest.raises(ValueError, match="unknown counting rule"):
        queries.standing(con, date(2020, 1, 1), "ended_by'; DROP TABLE councils; --")
    with pytest.raises(ValueError, match="unknown judgement area"):
        queries.standing(con, date(2020, 1, 1), area="x' OR '1'='1")
    assert queries.council_timeline(con, "394' OR '1'='1").empty
    assert con.execute("SELECT count(*) FROM councils").fetchone()[0] > 150


def test_a_failed_build_leaves_no_half_warehouse(tmp_path: Path) -> None:
    target = tmp_path / "w.duckdb"
    with pytest.raises(FileNotFoundError, match="councils.csv"):
        build_warehouse(target, tmp_path / "empty", with_fulltext=False, with_context=False)
    assert not target.exists()
    assert not list(tmp_path.glob(".*tmp"))


def test_intervention_before_and_after(con) -> None:
    # interventions.csv: 'Birmingham,trust_launched,2018-04-01,month'. Before: the SIF
    # re-inspection published 25 November 2016 (80429_birmingham/... 25 november 2016.pdf p1:
    # 'Children's services in Birmingham are inadequate'). After: ILACS published 17 January 2019
    # (... 17 january 2019.pdf p1: 'Overall effectiveness Requires improvement to be good').
    outcomes = queries.intervention_outcomes(con)
    row = outcomes[(outcomes["la_code"] == "330") & (outcomes["event"] == "trust_launched")].iloc[0]
    assert row["before_grade"] == "inadequate"
    assert pd.Timestamp(row["before_published"]) == pd.Timestamp(2016, 11, 25)
    assert row["after_grade"] == "requires_improvement"
    assert pd.Timestamp(row["after_published"]) == pd.Timestamp(2019, 1, 17)


def test_repeat_failures_have_a_gap(con) -> None:
    # Knowsley (340): SIF re-inspection published 13 June 2017 'require improvement to be good'
    # (80479_knowsley/... 13 june 2017.pdf p1) ended its first spell; ILACS published
    # 20 January 2025 'Overall effectiveness Inadequate' (... 20 january 2025.pdf p1) began a second.
    repeats = queries.repeat_failures(con)
    knowsley = repeats[(repeats["la_code"] == "340") & (repeats["spell_number"] == 2)].iloc[0]
    assert pd.Timestamp(knowsley["previous_spell_ended"]) == pd.Timestamp(2017, 6, 13)
    assert pd.Timestamp(knowsley["fell_again"]) == pd.Timestamp(2025, 1, 20)
    assert knowsley["days_between"] == (date(2025, 1, 20) - date(2017, 6, 13)).days
    later = repeats[repeats["spell_number"] > 1]
    assert (later["days_between"] > 0).all()


def test_ofsted_31_march_rule_allows_three_months_to_publish(con) -> None:
    # Hartlepool (805): ILACS short ended 22 March 2024 ('80473_hartlepool/children's services
    # inspection - 16 may 2024.pdf' p1: 'Inspection dates: 18 to 22 March 2024', overall
    # Outstanding), published 16 May 2024: inside Ofsted's 30 June cut-off for 31 March 2024,
    # outside the 30 April cut-off of its releases up to 2023.
    as_at = date(2024, 3, 31)
    ofsted = _row(queries.standing(con, as_at, "ofsted_31_march"), "805")
    assert (ofsted["grade"], ofsted["inspection_id"]) == ("outstanding", "80473-2024-05-16")
    old = _row(queries.standing(con, as_at, "published_within_month"), "805")
    assert (old["grade"], old["inspection_id"]) == ("good", "80473-2018-08-28")
    assert queries.ofsted_rule(2024) == "ofsted_31_march"
    assert queries.ofsted_rule(2023) == "published_within_month"
    assert _row(queries.standing_31_march(con, 2024), "805")["grade"] == "outstanding"
    # Wakefield (384): ILACS ended 28 March 2025, published 18 July 2025, after 30 June: Ofsted's
    # figures at 31 March 2025 still show the previous result; 'ended_by' (as known now) does not.
    march_2025 = date(2025, 3, 31)
    assert _row(queries.standing(con, march_2025, "ended_by"), "384")["inspection_id"] == (
        "80451-2025-07-18"
    )
    assert _row(queries.standing_31_march(con, 2025), "384")["inspection_id"] != (
        "80451-2025-07-18"
    )


def test_counting_rules_are_described_truthfully(con) -> None:
    rules = dict(con.execute("SELECT rule, description FROM counting_rules").fetchall())
    assert set(rules) == set(queries.RULES)
    assert "Ofsted does not count this way" in rules["ended_by"]
    assert "by 30 June" in rules["ofsted_31_march"]
    assert "by 30 April" in rules["published_within_month"]


def test_interventions_carry_their_source(con) -> None:
    # interventions.csv (revised December 2026): 190 rows, 70 councils, every row with the page
    # it comes from and a quote; new events notice_lifted and intervention_ended.
    outcomes = queries.intervention_outcomes(con)
    assert len(outcomes) == 190
    assert outcomes["council_as_written"].nunique() == 70
    assert outcomes["source_url"].str.match(r"https?://").all()
    assert (outcomes["quote"].str.len() > 0).all()
    assert {"notice_lifted", "intervention_ended"} <= set(outcomes["event"])
    assert outcomes["event_label"].notna().all()
    # Coventry row: 'Coventry,notice_lifted,2017-06-13,day,DfE removed children's services from
    # intervention on publication of the 'requires improvement' re-inspection'.
    coventry = outcomes[(outcomes["la_code"] == "331") & (outcomes["event"] == "notice_lifted")]
    assert len(coventry) == 1
    assert coventry.iloc[0]["event_label"] == "Improvement notice lifted"
    assert coventry.iloc[0]["event_kind"] == "end"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "not an http(s) address"),
        ("file:///etc/passwd", "not an http(s) address"),
        ("www.gov.uk/page", "not an http(s) address"),
    ],
)
def test_interventions_refuse_non_http_source_urls(
    tmp_path: Path, shared_data: Path, url: str, reason: str
) -> None:
    import duckdb

    from ofsted_record.warehouse.build import InterventionsError, load_interventions

    frame = pd.read_csv(
        shared_data / "interventions" / "interventions.csv", dtype=str, keep_default_na=False
    )
    frame.loc[5, "source_url"] = url
    bad = tmp_path / "interventions.csv"
    frame.to_csv(bad, index=False)
    with duckdb.connect() as memory, pytest.raises(InterventionsError) as error:
        load_interventions(memory, bad)
    message = str(error.value)
    assert str(bad) in message and "row 7" in message and reason in message


def test_interventions_refuse_unknown_events(tmp_path: Path, shared_data: Path) -> None:
    import duckdb

    from ofsted_record.warehouse.build import InterventionsError, load_interventions

    frame = pd.read_csv(
        shared_data / "interventions" / "interventions.csv", dtype=str, keep_default_na=False
    )
    frame.loc[0, "event"] = "council_abolished"
    bad = tmp_path / "interventions.csv"
    frame.to_csv(bad, index=False)
    with duckdb.connect() as memory, pytest.raises(InterventionsError, match="unknown event"):
        load_interventions(memory, bad)


def test_north_lincolnshire_not_outstanding_while_inspectors_on_site(con) -> None:
    # '80527_north lincolnshire/children's services inspection - 04 september 2017.pdf' p1:
    # "Inspection date: 20 June 2017 ─ 13 July 2017" (a box-drawing dash, once read as the single
    # day 20 June), "Children's services in North Lincolnshire are outstanding". On 30 June 2017
    # inspectors were still on site: that inspection cannot count yet under any rule.
    for rule in queries.RULES:
        row = _row(queries.standing(con, date(2017, 6, 30), rule), "813")
        assert row["inspection_id"] != "80527-2017-09-04", rule
    after = _row(queries.standing(con, date(2017, 7, 31), "ended_by"), "813")
    assert (after["inspection_id"], after["grade"]) == ("80527-2017-09-04", "outstanding")


def test_connections_draw_no_progress_bar(warehouse_path):
    """In a notebook or a site page DuckDB draws a slow query's progress bar as a Jupyter
    widget, and Quarto then loads widget code from a CDN (seen on a busy machine)."""
    from ofsted_record.fulltext import store
    from ofsted_record.warehouse import connect

    for con in (connect(warehouse_path), store.connect()):
        try:
            assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (
                False,
            )
        finally:
            con.close()
