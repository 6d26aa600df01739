"""Reporters' search on the real paragraphs of every report (the warehouse): whole words,
prefixes, filters, ranking, bounded input, and the CLI's CSV/JSON.

Expected sets are computed here from ``paragraphs.parquet`` by splitting text into words in
Python, not with the search's own patterns.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from functools import cache

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from ofsted_record import config
from ofsted_record.cli import app
from ofsted_record.fulltext import store
from ofsted_record.register import UnresolvedCouncil

BIG = 100_000


@cache
def paragraphs() -> pd.DataFrame:
    return pd.read_parquet(config.processed_dir() / "fulltext" / "paragraphs.parquet")


def words(text: str) -> list[str]:
    return re.findall(r"[\w-]+", text.lower())  # "multi-agency" is one word


def keys(frame: pd.DataFrame) -> set[tuple[str, int, int]]:
    return set(zip(frame.inspection_id, frame.page, frame.paragraph, strict=True))


def test_agency_does_not_match_multi_agency(con: duckdb.DuckDBPyConnection) -> None:
    hits = store.search("agency", con=con, limit=BIG)
    p = paragraphs()
    expected = p[["agency" in words(t) for t in p.text]]
    assert keys(hits) == keys(expected)
    # The corpus has paragraphs where "agency" appears only inside "multi-agency": none found.
    only_compound = p[["multi-agency" in words(t) and "agency" not in words(t) for t in p.text]]
    assert len(only_compound) > 10
    assert not keys(hits) & keys(only_compound)
    assert hits.attrs["total"] == len(expected)


def test_a_compound_is_found_as_written(con: duckdb.DuckDBPyConnection) -> None:
    hits = store.search("multi-agency", con=con, limit=BIG)
    p = paragraphs()
    assert keys(hits) == keys(p[["multi-agency" in words(t) for t in p.text]])


def test_prefix_with_a_star(con: duckdb.DuckDBPyConnection) -> None:
    hits = store.search("agenc*", con=con, limit=BIG)
    p = paragraphs()
    expected = p[[any(w.startswith("agenc") for w in words(t)) for t in p.text]]
    assert keys(hits) == keys(expected)
    marked = {m.lower() for s in hits.snippet for m in re.findall(r"\*\*(.+?)\*\*", s)}
    assert {"agency", "agencies"} <= marked
    assert keys(store.search("agency", con=con, limit=BIG)) < keys(hits)


def test_council_filter_uses_strict_names(con: duckdb.DuckDBPyConnection) -> None:
    where = store.filters(council="Kent")
    hits = store.search("social workers", con=con, limit=BIG, where=where)
    assert len(hits) > 0 and set(hits.la_code) == {"886"}
    assert set(hits.council) == {"Kent County Council"}
    by_code = store.search("social workers", con=con, limit=BIG, where=store.filters(council="886"))
    assert keys(by_code) == keys(hits)
    with pytest.raises(UnresolvedCouncil, match="close matches: 'kent'"):
        store.filters(council="Knet")


def test_date_bounds_are_inclusive_and_take_years_months_days(
    con: duckdb.DuckDBPyConnection,
) -> None:
    everything = store.search("drift", con=con, limit=BIG)
    days = pd.Series(everything.published_date)
    year = store.search(
        "drift", con=con, limit=BIG, where=store.filters(date_from="2016", date_to="2016")
    )
    assert len(year) == int((days.map(lambda d: d.year) == 2016).sum()) > 0
    month = store.filters(date_from="2016-03", date_to="2016-03")
    assert (month.date_from, month.date_to) == (date(2016, 3, 1), date(2016, 3, 31))
    first = everything.published_date.min()
    exact = store.search(
        "drift", con=con, limit=BIG, where=store.filters(date_from=str(first), date_to=str(first))
    )
    assert len(exact) == int((days == first).sum()) > 0
    with pytest.raises(ValueError, match="not understood"):
        store.filters(date_from="last spring")
    with pytest.raises(ValueError, match="after --to"):
        store.filters(date_from="2020", date_to="2019")


def test_framework_and_grade(con: duckdb.DuckDBPyConnection) -> None:
    sif = store.search("drift", con=con, limit=BIG, where=store.filters(framework="sif"))
    assert len(sif) > 0 and set(sif.framework) <= {"sif", "sif_reinspection"}
    ilacs = store.search("drift", con=con, limit=BIG, where=store.filters(framework="ilacs"))
    assert len(ilacs) > 0 and all(f.startswith("ilacs") for f in ilacs.framework)
    assert not keys(sif) & keys(ilacs)
    bad = store.search("drift", con=con, limit=BIG, where=store.filters(grade="inadequate"))
    assert len(bad) > 0 and set(bad.overall_grade) == {"inadequate"}
    ri = store.filters(grade="Requires improvement")
    assert ri.grade == "requires_improvement"
    with pytest.raises(ValueError, match="unknown framework"):
        store.filters(framework="ofsted")
    with pytest.raises(ValueError, match="unknown grade"):
        store.filters(grade="poor")


def test_ranked_orders_the_same_paragraphs_by_relevance(con: duckdb.DuckDBPyConnection) -> None:
    plain = store.search("serious failures", con=con, limit=BIG)
    ranked = store.search("serious failures", con=con, limit=BIG, ranked=True)
    assert keys(ranked) == keys(plain) and len(plain) > 5
    scores = [s for s in ranked.score if s is not None]
    assert scores and scores == sorted(scores, reverse=True)
    top = store.search("serious failures", con=con, limit=3, ranked=True)
    assert list(top.score) == list(ranked.score[:3])


# Issue 18: at a million characters DuckDB's RE2 failed with "pattern too large".
@pytest.mark.parametrize("length", [201, 5_000, 1_000_000])
def test_a_very_long_phrase_is_a_clear_error(con: duckdb.DuckDBPyConnection, length: int) -> None:
    phrase = ("care " * (length // 5 + 1))[:length]
    with pytest.raises(ValueError, match="characters long; the longest allowed is 200"):
        store.search(phrase, con=con)


def test_the_longest_allowed_phrase_runs(con: duckdb.DuckDBPyConnection) -> None:
    phrase = ("care " * 40)[: store.MAX_PHRASE_CHARS].strip()
    assert store.search(phrase, con=con).empty  # ran, no DuckDB error


def test_cli_csv_and_json(warehouse_path) -> None:
    runner = CliRunner()
    args = ["search", "agency social work*", "--council", "Kent"]
    as_csv = runner.invoke(app, [*args, "--csv"])
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_csv.exit_code == as_json.exit_code == 0, as_csv.output + as_json.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    records = json.loads(as_json.stdout)
    assert len(rows) == len(records) > 0
    assert list(rows[0]) == store.RESULT_COLUMNS
    assert all("**" not in r["snippet"] for r in records)
    assert [r["url"] for r in rows] == [r["url"] for r in records]


def test_cli_long_phrase_is_one_line(warehouse_path) -> None:
    result = CliRunner().invoke(app, ["search", "x" * 1_000_000])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "longest allowed is 200" in result.stderr


def test_filter_vocabularies_match_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    frameworks = [
        f for (f,) in con.execute("SELECT framework FROM frameworks ORDER BY sort_order").fetchall()
    ]
    grades = {g for (g,) in con.execute("SELECT grade FROM grades").fetchall()}
    assert list(store.FRAMEWORKS) == frameworks
    assert set(store.GRADES) == grades
