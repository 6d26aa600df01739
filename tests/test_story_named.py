"""The story's named councils and its spending context, on the real warehouse. Each figure is
recounted with SQL written here from the raw tables (``inspections``, ``judgements``,
``interventions``), not the views ``site.story`` reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ofsted_record.headline import headline
from ofsted_record.site import story

WHOLE_SERVICE = ("sif", "sif_reinspection", "ilacs_standard", "ilacs_short", "ilacs_2026")
RAW_FULL_INSPECTIONS = """
SELECT i.published_date, j.grade
FROM inspections AS i
LEFT JOIN judgements AS j ON j.inspection_id = i.inspection_id AND j.area = 'overall_effectiveness'
WHERE i.la_code = ? AND i.framework IN (SELECT unnest(?))
ORDER BY i.published_date
"""
RAW_INTERVENTIONS = "SELECT count(*) FROM interventions WHERE la_code = ?"
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


@pytest.fixture(scope="module")
def named(con) -> list[dict]:
    return story.named_councils(con)


def test_every_named_council_is_followed_in_the_reportings_order(named) -> None:
    assert [i["name"] for i in named] == list(story.NAMED_COUNCILS)
    assert len(named) == 9


def test_grades_interventions_and_standing_match_independent_sql(con, named) -> None:
    end = headline(con).as_at
    for item in named:
        code = item["la_code"]
        raw = con.execute(RAW_FULL_INSPECTIONS, [code, list(WHOLE_SERVICE)]).fetchall()
        assert [(g["date"], g["grade"]) for g in item["grades"]] == [
            (d, grade or "no_overall_grade") for d, grade in raw
        ], item["name"]
        (n_acts,) = con.execute(RAW_INTERVENTIONS, [code]).fetchone()
        assert len(item["interventions"]) == n_acts, item["name"]
        # where it stands now: its latest full inspection published by the headline date
        latest = [(d, g) for d, g in raw if d <= end][-1]
        assert item["now"] == (latest[1] or "no_overall_grade"), item["name"]
    summary = story.named_councils_summary(named)
    assert summary["ever_inadequate"] == sum(
        any(g["grade"] == "inadequate" for g in i["grades"]) for i in named
    )


def test_rotherham_golden_values(named) -> None:
    """Hand-checked: Rotherham's report of 19 November 2014 (shared ofsted-reports,
    80543_rotherham, page 1: "The overall judgement is that children's services are
    inadequate"); interventions.csv lists four events for Rotherham (statutory direction
    October 2014, commissioners February 2015, return to the council September 2018, direction
    lifted March 2019)."""
    rotherham = next(i for i in named if i["name"] == "Rotherham")
    first = rotherham["grades"][0]
    assert (first["date"], first["grade"]) == (dt.date(2014, 11, 19), "inadequate")
    assert first["date_text"] == "19 November 2014"
    assert [a["when"] for a in rotherham["interventions"]] == [
        "10 October 2014",
        "February 2015",
        "24 September 2018",
        "31 March 2019",
    ]


def test_named_council_cards_link_each_page_and_show_no_iso_dates(con, named) -> None:
    html = story.named_councils_html(named)
    slugs = dict(con.execute("SELECT short_name, slug FROM councils").fetchall())
    for item in named:
        assert f'href="councils/{slugs[item["name"]]}.html"' in html
    chips = html.count('class="orc-chip"')
    assert chips == sum(len(i["grades"]) + len(i["earlier"]) for i in named)
    assert not ISO_DATE.search(re.sub(r'href="[^"]*"', "", html))
    assert "requires_improvement" not in html and "no_overall_grade" not in html
    # older safeguarding grades keep the old scale's name
    assert all(g["grade"] != "requires_improvement" for i in named for g in i["earlier"])


def test_context_includes_spending_as_the_claim_measures_it(con) -> None:
    from ofsted_record.warehouse import claims

    corr = story.context_correlations(con)
    spend = corr[corr["label"] == story.SPEND_LABEL]
    assert len(spend) == 1
    money = claims.claim_not_money(con).figures
    assert spend["rho"].iloc[0] == pytest.approx(money["rho"])
    assert int(spend["n"].iloc[0]) == money["n"]
    heading = story.context_chart(corr).to_dict()["title"]["text"]
    assert "spending per child showed" in heading
