"""The claims page's new parts on the real warehouse: the "getting worse?" chart with first
inspections apart from re-inspections, and the spending claim. Every figure is recounted here
with SQL written independently of ``warehouse.claims`` (from the raw ``inspections`` and
``judgements`` tables, not the ``inspection_facts`` view the checker uses)."""

from __future__ import annotations

import pytest

from ofsted_record.site.claims_charts import claim_chart
from ofsted_record.warehouse import claims

# Overall grades of the single inspection framework, recounted from the raw tables.
RAW_SIF_BY_YEAR = """
SELECT extract('year' FROM i.published_date) AS year,
       i.framework = 'sif_reinspection' AS is_reinspection,
       count(*) AS n,
       sum(CASE WHEN j.grade = 'inadequate' THEN 1 ELSE 0 END) AS inadequate
FROM inspections AS i JOIN judgements AS j USING (inspection_id)
WHERE j.area = 'overall_effectiveness' AND j.grade IS NOT NULL
  AND i.framework IN ('sif', 'sif_reinspection')
GROUP BY 1, 2 ORDER BY 1, 2
"""


@pytest.fixture(scope="module")
def raw_counts(con) -> dict[tuple[int, bool], tuple[int, int]]:
    rows = con.execute(RAW_SIF_BY_YEAR).fetchall()
    return {(int(y), bool(r)): (int(n), int(i)) for y, r, n, i in rows}


def test_getting_worse_separates_first_inspections_from_reinspections(con, raw_counts) -> None:
    result = claims.claim_getting_worse(con)
    table = result.table
    got = {
        (int(r.year), r.kind == "reinspection"): (int(r.inspections), int(r.inadequate))
        for r in table.itertuples()
    }
    assert got == raw_counts
    # Issue 14 (hand-checked against the reports): the 2018 results were 14 re-inspections,
    # 5 of them inadequate, and no first inspection under the framework was published in 2018.
    assert raw_counts[(2018, True)] == (14, 5) and (2018, False) not in raw_counts
    first = {y: v for (y, r), v in raw_counts.items() if not r}
    early = [sum(first[y][i] for y in (2014, 2015)) for i in (0, 1)]
    assert result.figures["share_first_2014_15"] == pytest.approx(early[1] / early[0])
    assert result.figures["share_first_2016"] == pytest.approx(first[2016][1] / first[2016][0])
    worse = first[2016][1] / first[2016][0] > early[1] / early[0]
    assert result.verdict == ("supported" if worse else "not supported")
    assert f"{early[1]} of {early[0]}" in result.finding


def test_getting_worse_chart_shows_n_on_every_bar_and_states_the_finding(con, raw_counts) -> None:
    result = claims.claim_getting_worse(con)
    spec = claim_chart(result).to_dict()
    rows = next(iter(spec["datasets"].values()))
    labels = {(int(r["year"]), r["kind"] == "Re-inspections"): r["count_text"] for r in rows}
    assert labels == {k: f"{i} of {n}" for k, (n, i) in raw_counts.items()}
    # the label is drawn (a text layer), not only in the tooltip
    text_layers = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert text_layers and text_layers[0]["encoding"]["text"]["field"] == "count_text"
    heading = spec["title"]["text"]
    first_2016 = raw_counts[(2016, False)]
    assert f"({round(100 * first_2016[1] / first_2016[0])}%)" in heading
    assert heading.startswith("First inspections found ")
    assert "5 of 14" in spec["description"]


def test_every_reinspection_follows_an_inadequate_first_inspection(con) -> None:
    """The chart's subtitle says every re-inspection was of a council judged inadequate before:
    recount it."""
    before = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE prev.grade = 'inadequate')
        FROM inspections AS r
        LEFT JOIN (
            SELECT i.la_code, i.published_date, j.grade FROM inspections AS i
            JOIN judgements AS j USING (inspection_id)
            WHERE i.framework = 'sif' AND j.area = 'overall_effectiveness'
        ) AS prev ON prev.la_code = r.la_code AND prev.published_date < r.published_date
        WHERE r.framework = 'sif_reinspection'
        """
    ).fetchone()
    result = claims.claim_getting_worse(con)
    assert (result.figures["reinspections"], result.figures["reinspections_after_inadequate"]) == (
        before[0],
        before[1],
    )
    subtitle = " ".join(claim_chart(result).to_dict()["title"]["subtitle"])
    assert ("Every re-inspection" in subtitle) == (before[0] == before[1])
