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


# Spending per child relative to the year's median council, joined as of each inspection's
# publication to the latest financial year (ending 31 March) before it: written in SQL here,
# independently of the pandas route in ``context.analysis``.
SPENDING_BY_INSPECTION = """
WITH per_child AS (
    SELECT s.la_code, s.year, s.value / p.value AS per_child
    FROM context_measures AS s
    JOIN context_measures AS p
      ON p.la_code = s.la_code AND p.year = s.year
     AND p.measure = 'population_0_17' AND p.value > 0
    WHERE s.measure = 'spend_cyp_gross' AND s.value IS NOT NULL
), relative AS (
    SELECT la_code, make_date(CAST(year AS INTEGER), 3, 31) AS as_of,
           per_child / median(per_child) OVER (PARTITION BY year) AS relative
    FROM per_child
), graded AS (
    SELECT la_code, published_date, overall_grade AS grade FROM inspection_facts
    WHERE whole_service AND overall_grade IN ('outstanding', 'good', 'requires_improvement',
                                               'inadequate')
)
SELECT g.grade, r.relative FROM graded AS g
ASOF JOIN relative AS r ON g.la_code = r.la_code AND g.published_date >= r.as_of
"""


def test_money_claim_matches_an_independent_sql_route(con) -> None:
    from scipy import stats

    rows = con.execute(SPENDING_BY_INSPECTION).df()
    result = claims.claim_not_money(con)
    f = result.figures
    assert f["n"] == len(rows) and f["n"] > 300  # years of spending data 2015-16 onwards
    inad = rows.loc[rows["grade"] == "inadequate", "relative"]
    better = rows.loc[rows["grade"].isin(["good", "outstanding"]), "relative"]
    assert f["median_inadequate"] == pytest.approx(inad.median())
    assert f["median_good_or_better"] == pytest.approx(better.median())
    table = result.table.set_index("group")
    assert table.loc["Inadequate", "inspections"] == len(inad)
    rank = rows["grade"].map(
        {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}
    )
    rho = stats.spearmanr(rank, rows["relative"]).statistic
    assert f["rho"] == pytest.approx(rho)
    assert f["ci_low"] < f["rho"] < f["ci_high"]
    assert result.verdict == ("not supported" if f["ci_high"] < 0 else "broadly supported")
    # n and the plain caveat travel with the finding; the source is named, no address invented
    assert f"all {len(rows)} full inspections" in result.finding
    assert "association, not a cause" in result.finding
    assert not result.source_url


def test_money_chart_shows_n_on_every_bar(con) -> None:
    result = claims.claim_not_money(con)
    spec = claim_chart(result).to_dict()
    rows = next(iter(spec["datasets"].values()))
    for row in rows:
        assert f"{row['inspections']} inspections" in row["label"]
    assert {r["group"] for r in rows} == {
        "Good or outstanding",
        "Requires improvement",
        "Inadequate",
    }
    assert "not a cause" in " ".join(spec["title"]["subtitle"])


def test_every_claim_names_its_source_in_words_or_with_a_link(con) -> None:
    results = claims.check_all(con)
    for result in results:
        assert result.source, result.slug
        assert not result.source_url or result.source_url.startswith("https://"), result.slug
    # the one source known from the record has its link; the money claim's is named in words
    by_slug = {r.slug: r for r in results}
    assert by_slug["nineteen-of-74"].source_url
    assert "no link" in by_slug["not-money"].source and not by_slug["not-money"].source_url


@pytest.mark.browser
@pytest.mark.slow
def test_new_claim_charts_fit_a_phone(con, tmp_path, chromium_path, chromium_args) -> None:
    """Both new charts drawn by the site's own Vega bundle in Chromium at 320 and 390 px: no
    text outside its SVG or the viewport, and the chart as wide as its container."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from ofsted_record.site import assets
    from ofsted_record.site.embed import chart_html

    by_slug = {r.slug: r for r in claims.check_all(con)}
    fragments = [
        chart_html(claim_chart(by_slug[slug]), f"claim-{slug}", raw_block=False)
        for slug in ("getting-worse", "not-money")
    ]
    assets.write_bundle(tmp_path)
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"><title>claims</title>'
        '<script type="module" src="embeds/lib/charts.js"></script></head>'
        f"<body style='margin:0;padding:8px'><main>{''.join(fragments)}</main></body></html>"
    )

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    measure = """() => [...document.querySelectorAll('.orc-vega')].map(div => {
        const svg = div.querySelector('svg'); const box = svg.getBoundingClientRect();
        const out = [...svg.querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1
                                   || r.right > window.innerWidth);
        }).map(t => t.textContent);
        return [div.id, box.width, div.getBoundingClientRect().width, out];
    })"""
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
            try:
                for width in (320, 390):
                    page = browser.new_page(viewport={"width": width, "height": 800})
                    page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
                    for chart_id in ("chart-claim-getting-worse", "chart-claim-not-money"):
                        page.wait_for_selector(
                            f"#{chart_id} svg .mark-text text", state="attached", timeout=15000
                        )
                    for chart_id, svg_w, div_w, outside in page.evaluate(measure):
                        assert outside == [], (width, chart_id, outside)
                        assert svg_w >= 0.9 * div_w, (width, chart_id, svg_w, div_w)
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
