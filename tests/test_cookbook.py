"""Every answer in docs/cookbook.md, run as written and checked against pandas.

The commands are read from the cookbook itself (``<!-- check: NAME -->`` before each), so the
page and the tests cannot drift apart. Each expected answer is worked out here from the
processed CSVs (``data/processed``), the shared interventions table and the full text, with
pandas and Python: none of the warehouse's SQL is reused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ofsted_record import config
from ofsted_record.cli import app

ROOT = Path(__file__).resolve().parents[1]
COOKBOOK = ROOT / "docs" / "cookbook.md"
RECIPE = re.compile(r"<!-- check: (\w+) -->\n```sh\n(.+?)\n```")
WHOLE_SERVICE = {"sif", "sif_reinspection", "ilacs_standard", "ilacs_short", "ilacs_2026"}


def recipes() -> dict[str, str]:
    return dict(RECIPE.findall(COOKBOOK.read_text(encoding="utf-8")))


def argv(line: str) -> list[str]:
    """The arguments bash itself would pass for a cookbook line (quotes, ``\\$``)."""
    assert line.startswith("ofsted-record ")
    script = 'ofsted-record() { printf "%s\\0" "$@"; }\n' + line
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout
    return out.decode("utf-8").split("\0")[:-1]


@pytest.fixture(autouse=True)
def _in_project_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the cookbook says: run in the project folder


def run(name: str, fmt: str | None = "json") -> list[dict]:
    """Run the named cookbook line (output switched to ``fmt``); rows as dicts of text."""
    args = [a for a in argv(recipes()[name]) if a not in ("--csv", "--json")]
    if fmt:
        args.append(f"--{fmt}")
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    if fmt == "json":
        return json.loads(result.stdout)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(result.stdout)))
    return [{"output": result.stdout}]


# --- the independent computation ---------------------------------------------------------


@cache
def processed() -> Path:
    return config.processed_dir()


@cache
def councils() -> pd.DataFrame:
    return pd.read_csv(processed() / "councils.csv", dtype=str, keep_default_na=False)


def code_of(short_name: str) -> str:
    hits = councils().loc[councils().short_name == short_name, "la_code"]
    assert len(hits) == 1, short_name
    return hits.iloc[0]


@cache
def inspections() -> pd.DataFrame:
    frame = pd.read_csv(processed() / "record_inspections.csv", dtype=str, keep_default_na=False)
    frame = frame[frame.la_code.isin(set(councils().la_code))].copy()
    for column in ("start_date", "end_date", "published_date"):
        frame[column] = pd.to_datetime(frame[column].replace("", None)).dt.date
    # Official-table rows have no end date: the publication date stands in for it.
    frame["end_date"] = frame.end_date.where(frame.end_date.notna(), frame.published_date)
    judgements = pd.read_csv(processed() / "record_judgements.csv", dtype=str)
    overall = judgements[judgements.area == "overall_effectiveness"].drop_duplicates(
        "inspection_id"
    )
    frame = frame.merge(
        overall[["inspection_id", "grade"]].rename(columns={"grade": "overall_grade"}),
        on="inspection_id",
        how="left",
    )
    any_inadequate = set(judgements.loc[judgements.grade == "inadequate", "inspection_id"])
    frame["any_inadequate"] = frame.inspection_id.isin(any_inadequate)
    return frame


@cache
def results() -> pd.DataFrame:
    """Whole-service results (SIF, ILACS): inadequate by overall grade, or under the 2026
    framework (no overall grade) by any inadequate judgement."""
    f = inspections()
    f = f[f.framework.isin(WHOLE_SERVICE)]
    f = f[f.overall_grade.notna() | (f.framework == "ilacs_2026")].copy()
    f["inadequate"] = [
        (g == "inadequate") if isinstance(g, str) else bool(a)
        for g, a in zip(f.overall_grade, f.any_inadequate, strict=True)
    ]
    return f.sort_values(["la_code", "end_date", "published_date"])


@cache
def spells() -> pd.DataFrame:
    data_end = inspections().published_date.max()
    valid_to = {
        r.la_code: (date.fromisoformat(r.valid_to) if r.valid_to else None)
        for r in councils().itertuples()
    }
    rows = []
    for la_code, group in results().groupby("la_code"):
        previous = False
        items = list(group.itertuples())
        for i, r in enumerate(items):
            if r.inadequate and not previous:
                exit_ = next(
                    (
                        e
                        for e in sorted(items[i + 1 :], key=lambda e: e.published_date)
                        if not e.inadequate and e.published_date > r.published_date
                    ),
                    None,
                )
                if exit_ is not None:
                    until, outcome, grade = (
                        exit_.published_date,
                        "left inadequate",
                        exit_.overall_grade,
                    )
                else:
                    end = min(d for d in (data_end, valid_to[la_code]) if d is not None)
                    abolished = valid_to[la_code] is not None and valid_to[la_code] <= data_end
                    until = end
                    outcome = (
                        "council abolished" if abolished else "still inadequate at end of data"
                    )
                    grade = None
                rows.append(
                    {
                        "la_code": la_code,
                        "council": r.council,
                        "start_date": r.published_date,
                        "end_date": exit_.published_date if exit_ is not None else None,
                        "exit_grade": grade,
                        "outcome": outcome,
                        "days": (until - r.published_date).days,
                    }
                )
            previous = r.inadequate
    return pd.DataFrame(rows)


def day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


# --- the checks ------------------------------------------------------------------------


def test_cookbook_has_at_least_twelve_checked_answers() -> None:
    found = recipes()
    assert len(found) >= 12, sorted(found)
    checks = {n.removeprefix("test_") for n in globals() if n.startswith("test_")}
    missing = [name for name in found if not any(name in c for c in checks)]
    assert not missing, f"cookbook answers with no check here: {missing}"


def test_cookbook_is_linked_from_readme() -> None:
    assert "docs/cookbook.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(recipes()))
def test_every_line_runs_as_written(name: str, warehouse_path: Path) -> None:
    result = CliRunner().invoke(app, argv(recipes()[name]), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert "Traceback" not in result.output


def test_longest_inadequate(warehouse_path: Path) -> None:
    got = run("longest_inadequate")
    expected = spells().sort_values(["days", "council"], ascending=[False, True]).head(10)
    assert [(r["council"], day(r["inadequate_from"]), r["days"]) for r in got] == list(
        zip(expected.council, expected.start_date, expected.days, strict=True)
    )


def test_sandwell_trust(warehouse_path: Path, shared_data: Path) -> None:
    got = run("sandwell_trust")
    interventions = pd.read_csv(shared_data / "interventions" / "interventions.csv", dtype=str)
    launched = interventions[
        (interventions.local_authority == "Sandwell") & (interventions.event == "trust_launched")
    ]
    trust_day = date.fromisoformat(launched.date.iloc[0])
    f = inspections()
    f = f[(f.la_code == code_of("Sandwell")) & f.framework.isin(WHOLE_SERVICE)]
    f = f.sort_values("published_date")
    expected = [
        (d, fw, g if isinstance(g, str) else None, "after" if d >= trust_day else "before")
        for d, fw, g in zip(f.published_date, f.framework, f.overall_grade, strict=True)
    ]
    assert [
        (day(r["published_date"]), r["framework"], r["overall_grade"], r["trust"]) for r in got
    ] == expected
    assert {"before", "after"} <= {r["trust"] for r in got}


def test_inadequate_in_year(warehouse_path: Path) -> None:
    got = run("inadequate_in_year")
    f = inspections()
    f = f[(f.overall_grade == "inadequate") & (pd.to_datetime(f.published_date).dt.year == 2024)]
    expected = sorted(zip(f.published_date, f.council, f.source_url, strict=True))
    assert [(day(r["published_date"]), r["council"], r["source_url"]) for r in got] == expected
    assert expected and all(r["source_url"].startswith("https://") for r in got)


def _paragraphs() -> pd.DataFrame:
    folder = processed() / "fulltext"
    paragraphs = pd.read_parquet(folder / "paragraphs.parquet")
    files = pd.read_csv(folder / "files.csv", dtype=str, keep_default_na=False)
    files = files[files.status == "ok"][["inspection_id", "la_code", "published_date"]]
    # The record's publication date where the extractor read one; else the file name's.
    printed = inspections()[["inspection_id", "published_date", "framework", "overall_grade"]]
    files = files.merge(printed, on="inspection_id", how="left", suffixes=("_file", ""))
    files["published_date"] = [
        p if isinstance(p, date) else day(q)
        for p, q in zip(files.published_date, files.published_date_file, strict=True)
    ]
    return paragraphs.merge(files, on="inspection_id")


def _tokens(text: str) -> list[str]:
    # Words as a reader sees them: a hyphenated compound ("multi-agency") is one word.
    return re.findall(r"[\w-]+", text.lower())


def _has_run(text: str, words: list[str]) -> bool:
    """Do ``words`` appear consecutively in ``text``? A word ending in * is a prefix."""
    tokens = _tokens(text)
    for i in range(len(tokens) - len(words) + 1):
        if all(
            tokens[i + k].startswith(w[:-1]) if w.endswith("*") else tokens[i + k] == w
            for k, w in enumerate(words)
        ):
            return True
    return False


def test_kent_agency(warehouse_path: Path) -> None:
    got = run("kent_agency")
    p = _paragraphs()
    p = p[p.la_code == code_of("Kent")]
    hits = p[[_has_run(t, ["agency", "social", "work*"]) for t in p.text]]
    assert len(hits) >= 1
    assert {(r["inspection_id"], r["page"], r["paragraph"]) for r in got} == set(
        zip(hits.inspection_id, hits.page, hits.paragraph, strict=True)
    )
    assert all(r["url"].endswith(f"#page={r['page']}") for r in got)
    # Whole words: no paragraph found only through "multi-agency".
    for r in got:
        assert _has_run(r["snippet"], ["agency", "social", "work*"])


def test_search_text_reads_at_80_columns(warehouse_path: Path) -> None:
    out = run("kent_agency", fmt=None)[0]["output"]
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines if not line.startswith("https://"))
    assert "Kent County Council" in out and "#page=" in out
    assert re.search(r"published \d{1,2} [A-Z][a-z]+ \d{4}", out)  # a date in words
    assert not re.search(r"\d{4}-\d{2}-\d{2}", out)  # no ISO dates for a reader


def _neighbours(name: str, measure: str, year: int, model: int) -> list[tuple]:
    area = code_of(name)
    table = pd.read_csv(
        processed() / "context" / "stat_neighbours.csv",
        dtype={"la_code": str, "neighbour_la_code": str},
    )
    mine = table[(table.la_code == area) & (table.model == model)].sort_values("rank")
    panel = [(0, area), *zip(mine["rank"], mine.neighbour_la_code, strict=True)]
    values = {}
    for path in (processed() / "context").glob("*.csv"):
        frame = pd.read_csv(path, dtype={"la_code": str})
        if {"measure", "value", "year", "la_code"} <= set(frame.columns):
            sub = frame[(frame.measure == measure) & (frame.year == year)]
            values.update(dict(zip(sub.la_code, sub.value, strict=True)))
    short = dict(zip(councils().la_code, councils().short_name, strict=True))
    return [(int(rank), short[code], values.get(code)) for rank, code in panel]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or pd.isna(b):
        return a is None and (b is None or pd.isna(b))
    return abs(float(a) - float(b)) < 1e-9


def test_kent_neighbours(warehouse_path: Path) -> None:
    got = run("kent_neighbours")
    expected = _neighbours("Kent", "sw_agency_rate", 2025, 2025)
    assert len(got) == 11
    assert [(r["rank"], r["council"]) for r in got] == [(r, c) for r, c, _ in expected]
    assert all(_close(r["agency_percent"], v) for r, (_, _, v) in zip(got, expected, strict=True))


def test_neighbours_file(warehouse_path: Path) -> None:
    got = run("neighbours_file")
    expected = _neighbours("Sandwell", "cla_at31_rate", 2024, 2021)
    assert [(r["rank"], r["council"]) for r in got] == [(r, c) for r, c, _ in expected]
    assert all(_close(r["value"], v) for r, (_, _, v) in zip(got, expected, strict=True))
    assert any(r["value"] is not None for r in got)


def test_inadequate_now(warehouse_path: Path) -> None:
    got = run("inadequate_now")
    s = spells()
    s = s[s.outcome == "still inadequate at end of data"].sort_values(["start_date", "council"])
    assert [(r["council"], day(r["inadequate_since"]), r["days"]) for r in got] == list(
        zip(s.council, s.start_date, s.days, strict=True)
    )
    assert got


def test_every_inspection(warehouse_path: Path) -> None:
    got = run("every_inspection")
    f = inspections()
    f = f[f.la_code == code_of("Rotherham")].sort_values(["published_date", "inspection_id"])
    assert [(day(r["published_date"]), r["framework"], r["source_url"]) for r in got] == list(
        zip(f.published_date, f.framework, f.source_url, strict=True)
    )
    assert len(got) >= 5


def test_inadequate_to_good(warehouse_path: Path) -> None:
    got = run("inadequate_to_good")
    s = spells()
    s = s[s.exit_grade.isin(["good", "outstanding"])].sort_values(["days", "council"])
    assert [
        (r["council"], day(r["inadequate_on"]), day(r["good_on"]), r["days"]) for r in got
    ] == list(zip(s.council, s.start_date, s.end_date, s.days, strict=True))
    assert got


def _grade(frame: pd.DataFrame) -> str | None:
    value = frame.overall_grade.iloc[0] if len(frame) else None
    return value if isinstance(value, str) else None


def test_interventions(warehouse_path: Path, shared_data: Path) -> None:
    from ofsted_record.register import resolve_name

    got = run("interventions")
    table = pd.read_csv(
        shared_data / "interventions" / "interventions.csv", dtype=str, keep_default_na=False
    )
    r = results()
    expected = []
    for row in table.itertuples():
        when = day(row.date)
        la_code = resolve_name(row.local_authority, on=when)
        mine = r[r.la_code == la_code].sort_values("published_date")
        before = mine[mine.published_date <= when].tail(1) if when else mine.iloc[0:0]
        after = mine[mine.published_date > when].head(1) if when else mine.iloc[0:0]
        full = councils().set_index("la_code").name[la_code]
        expected.append((full, row.event, when, _grade(before), _grade(after)))
    key = lambda t: (t[0], t[2] or date.max, t[1])  # noqa: E731
    rows = [
        (g["council"], g["event"], day(g["date"]), g["before_grade"], g["after_grade"]) for g in got
    ]
    assert sorted(rows, key=key) == sorted(expected, key=key)


def _standing_share(as_at: date, rule: str) -> tuple[int, int]:
    """(councils with an overall grade, of which inadequate) on ``as_at`` under ``rule``."""
    c = councils()
    alive = c[
        [
            (not f or date.fromisoformat(f) <= as_at) and (not t or date.fromisoformat(t) >= as_at)
            for f, t in zip(c.valid_from, c.valid_to, strict=True)
        ]
    ]
    f = inspections()
    f = f[f.framework.isin(WHOLE_SERVICE) & (f.end_date <= as_at)]
    if rule == "published_within_month":
        limit = (pd.Timestamp(as_at) + pd.DateOffset(months=1)).date()
        f = f[f.published_date <= limit]
    latest = f.sort_values(["end_date", "published_date"]).groupby("la_code").tail(1)
    latest = latest[latest.la_code.isin(set(alive.la_code))]
    graded = latest[latest.overall_grade.notna()]
    return len(graded), int((graded.overall_grade == "inadequate").sum())


def test_national_share(warehouse_path: Path) -> None:
    got = {r["rule"]: r for r in run("national_share")}
    for rule in ("ended_by", "published_within_month"):
        graded, inadequate = _standing_share(date(2024, 3, 31), rule)
        assert (got[rule]["councils_graded"], got[rule]["inadequate"]) == (graded, inadequate)
        assert got[rule]["percent"] == round(100 * inadequate / graded, 1)


def test_national_share_follows_the_date(warehouse_path: Path) -> None:
    # The -p value really drives the answer: another date, another count.
    args = argv(recipes()["national_share"])
    args[-1] = "as_at=2016-03-31"
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    got = {r["rule"]: r for r in json.loads(result.stdout)}
    graded, inadequate = _standing_share(date(2016, 3, 31), "ended_by")
    assert (got["ended_by"]["councils_graded"], got["ended_by"]["inadequate"]) == (
        graded,
        inadequate,
    )


def test_theme_in_year(warehouse_path: Path) -> None:
    got = run("theme_in_year", fmt="csv")
    p = _paragraphs()
    p = p[[d is not None and d.year == 2015 for d in p.published_date]]
    hits = p[[_has_run(t, ["child", "sexual", "exploitation"]) for t in p.text]]
    assert len(hits) > 20
    assert {(r["inspection_id"], int(r["page"]), int(r["paragraph"])) for r in got} == set(
        zip(hits.inspection_id, hits.page, hits.paragraph, strict=True)
    )
    assert all(r["published_date"].startswith("2015-") for r in got)


def test_drift_inadequate(warehouse_path: Path) -> None:
    got = run("drift_inadequate")
    p = _paragraphs()
    keep = [
        isinstance(fw, str)
        and fw.startswith("ilacs")
        and g == "inadequate"
        and d is not None
        and date(2019, 1, 1) <= d <= date(2023, 12, 31)
        for fw, g, d in zip(p.framework, p.overall_grade, p.published_date, strict=True)
    ]
    p = p[keep]
    hits = p[[_has_run(t, ["drift"]) for t in p.text]]
    assert len(hits) >= 1
    assert {(r["inspection_id"], r["page"], r["paragraph"]) for r in got} == set(
        zip(hits.inspection_id, hits.page, hits.paragraph, strict=True)
    )


def test_neighbours_file_shown_in_cookbook_exists() -> None:
    assert (ROOT / "docs" / "cookbook" / "neighbours.sql").exists()


# --- one name per concept (data/README.md) ----------------------------------------------

SOURCE_SPELLINGS = {"council_printed", "council_name_official", "local_authority", "council_name"}


def test_one_name_per_concept(con) -> None:
    columns = con.execute(
        "SELECT c.table_name, c.column_name, t.table_type FROM information_schema.columns AS c "
        "JOIN information_schema.tables AS t USING (table_schema, table_name) "
        "WHERE c.table_schema = 'main'"
    ).fetchall()
    by_table: dict[str, set[str]] = {}
    for table, column, _ in columns:
        by_table.setdefault(table, set()).add(column)
    for table, names in by_table.items():
        assert not names & SOURCE_SPELLINGS, f"{table}: use council_as_written"
        if table != "councils":
            assert not {"name", "region_name"} & names, f"{table}: use council / region"
    # Every view keyed by council names it `council`, with the register's own name.
    register = dict(con.execute("SELECT la_code, name FROM councils").fetchall())
    views = {t for t, _, kind in columns if kind == "VIEW"} | {"inspection_facts"}
    for view in sorted(views):
        if "la_code" not in by_table[view]:
            continue
        assert "council" in by_table[view], f"{view} has la_code but no council"
        pairs = con.execute(f'SELECT DISTINCT la_code, council FROM "{view}"').fetchall()
        wrong = [(c, n) for c, n in pairs if register.get(c) != n]
        assert not wrong, f"{view}: council is not the register's name: {wrong[:3]}"
    # Every grade column holds the one grade vocabulary.
    vocabulary = {g for (g,) in con.execute("SELECT grade FROM grades").fetchall()}
    checked = 0
    for table, names in by_table.items():
        for column in sorted(n for n in names if n == "grade" or n.endswith("_grade")):
            if column.startswith("has_"):
                continue  # a flag (frameworks.has_overall_grade), not a grade
            values = {
                v for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
            }
            assert values - {None} <= vocabulary, (table, column, values - vocabulary)
            checked += 1
    assert checked >= 10


def test_monthly_series_name_their_date_as_at(con) -> None:
    """The monthly macros give the date of a standing the same name as standing(as_at, ...)."""
    for macro in ("standing_monthly", "national_monthly", "regional_monthly"):
        names = [
            d[0]
            for d in con.execute(
                f"SELECT * FROM {macro}('ended_by', 'overall_effectiveness') LIMIT 0"
            ).description
        ]
        assert "as_at" in names and "month_end" not in names, (macro, names)
