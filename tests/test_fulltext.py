"""Full text of the reports: extraction, header stripping, paragraphs, search, themes.

Golden phrases were checked by hand in the PDFs (pdftotext and page images), file and page
cited with each case. Extraction runs once per session on a small copy of the corpus (7 real
reports, one of Ofsted's HTML error pages and one broken file), so these tests take seconds.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ofsted_record.fulltext import build as ft_build
from ofsted_record.fulltext import store, themes

SUNDERLAND = "80566_sunderland/children's services inspection - 20 july 2015.pdf"
DORSET = "2532283_dorset/children's services inspection - 09 may 2025.pdf"
BRISTOL = "80441_bristol/children's services inspection - 05 december 2014.pdf"
NORTH_NORTHANTS = "2637539_north northamptonshire/children's services inspection - 07 july 2026.pdf"
ROTHERHAM_2014 = "80543_rotherham/children's services inspection - 19 november 2014.pdf"
ROTHERHAM_2012_HTML = "80543_rotherham/children's services inspection - 10 august 2012.pdf"
HULL_2015 = (
    "80477_kingston upon hull/single inspection of la children's services as pdf "
    "- 10 february 2015.pdf"
)
SUBSET = [
    SUNDERLAND,
    DORSET,
    BRISTOL,
    NORTH_NORTHANTS,
    ROTHERHAM_2014,
    ROTHERHAM_2012_HTML,
    HULL_2015,
]
BROKEN = "99999_nowhere/children's services inspection - 01 january 2020.pdf"


@pytest.fixture(scope="session")
def subset_dir(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports folder holding a few real reports (symlinked) and one broken PDF."""
    root = tmp_path_factory.mktemp("reports")
    with (corpus_dir / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["path"] in SUBSET]
    assert len(rows) == len(SUBSET), "a subset file is missing from manifest.csv"
    for rel in SUBSET:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(corpus_dir / rel)
    (root / BROKEN).parent.mkdir(parents=True)
    (root / BROKEN).write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with (root / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.fixture(scope="session")
def built(subset_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fulltext")
    summary = ft_build.build(subset_dir, out, jobs=2, progress=False)
    assert summary.files == len(SUBSET) + 1
    return out


@pytest.fixture(scope="session")
def paragraphs(built: Path) -> pd.DataFrame:
    return pd.read_parquet(built / ft_build.PARAGRAPHS_FILE)


@pytest.fixture()
def con(built: Path):
    connection = duckdb.connect()
    store.load_into(connection, built, fts=False)
    yield connection
    connection.close()


def page_text(paragraphs: pd.DataFrame, inspection_id: str, page: int) -> list[str]:
    sel = paragraphs[(paragraphs.inspection_id == inspection_id) & (paragraphs.page == page)]
    return sel.sort_values("paragraph")["text"].tolist()


# (phrase, inspection_id, page): each read by hand in the PDF.
KNOWN = [
    # SUNDERLAND p1: "There are widespread and serious failures that leave children unsafe"
    ("widespread and serious failures", "80566-2015-07-20", 1),
    # SUNDERLAND p6, wrapped over two lines: "heavy reliance on agency staff and interim /
    # appointments at all levels"
    ("heavy reliance on agency staff and interim appointments", "80566-2015-07-20", 6),
    # DORSET p2, paragraph 2: "such as child exploitation, gang violence and domestic abuse"
    ("child exploitation, gang violence and domestic abuse", "2532283-2025-05-09", 2),
    # BRISTOL p3 bullet: "There is no overarching strategic plan to tackle child sexual
    # exploitation (CSE)."
    ("strategic plan to tackle child sexual exploitation (CSE)", "80441-2014-12-05", 3),
    # BRISTOL p20, paragraph 69, hyphen at a line end: "fluctuate from year- / to-year"
    ("results fluctuate from year-to-year", "80441-2014-12-05", 20),
    # NORTH NORTHAMPTONSHIRE 2026 p3, paragraph 7: "the Family Drug and Alcohol Court programme"
    ("Family Drug and Alcohol Court", "2637539-2026-07-07", 3),
    # ROTHERHAM 2014 p3 bullet: "Arrangements to tackle child sexual exploitation are
    # fragmented."
    ("arrangements to tackle child sexual exploitation are fragmented", "80543-2014-11-19", 3),
]


@pytest.mark.parametrize(("phrase", "inspection_id", "page"), KNOWN)
def test_known_phrase_found_on_its_page(con, phrase, inspection_id, page):
    hits = store.search(phrase, con=con, limit=500)
    assert (inspection_id, page) in set(zip(hits.inspection_id, hits.page, strict=True))
    row = hits[(hits.inspection_id == inspection_id) & (hits.page == page)].iloc[0]
    assert f"**{phrase.lower()}**" in row.snippet.lower()
    assert row.url.endswith(f"#page={page}") and row.url.startswith("https://files.ofsted.gov.uk/")


def test_search_metadata_before_the_warehouse(con):
    hits = store.search("widespread and serious failures", con=con)
    row = hits[hits.inspection_id == "80566-2015-07-20"].iloc[0]
    # Council and DfE code from the provider lookup (Sunderland = 394), date from the file name.
    assert (row.council, row.la_code, str(row.published_date)) == (
        "Sunderland",
        "394",
        "2015-07-20",
    )
    assert row.framework is None and row.overall_grade is None  # only the warehouse knows


def test_search_metadata_from_warehouse_tables(con):
    # The warehouse contract: inspections/judgements keyed by inspection_id.
    con.execute(
        "CREATE TABLE inspections AS SELECT '80566-2015-07-20' AS inspection_id, "
        "'394' AS la_code, 'Sunderland City Council' AS council, "
        "'sif' AS framework, "
        "DATE '2015-07-20' AS published_date, 'https://example.invalid/r.pdf' AS source_url"
    )
    con.execute(
        "CREATE TABLE judgements AS SELECT '80566-2015-07-20' AS inspection_id, "
        "'overall_effectiveness' AS area, 'inadequate' AS grade"
    )
    hits = store.search("widespread and serious failures", con=con)
    row = hits[hits.inspection_id == "80566-2015-07-20"].iloc[0]
    assert (row.council, row.framework, row.overall_grade) == (
        "Sunderland City Council",
        "sif",
        "inadequate",
    )
    assert row.url == "https://example.invalid/r.pdf#page=1"
    other = hits[hits.inspection_id != "80566-2015-07-20"]
    assert other.framework.isna().all()  # no warehouse row: gaps stay None


def test_search_without_hits_returns_empty_frame(con):
    hits = store.search("zebra crossing at the moon", con=con)
    assert hits.empty
    assert list(hits.columns) == store.RESULT_COLUMNS
    assert hits.attrs["total"] == 0


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE report_paragraphs; --",
        '" OR 1=1 --',
        "%",
        "_",
        "5_%",
        "\\",
        "(CSE",
        "[a-z]+",
        ".*",
        "SELECT * FROM report_files",
        "$1",
        "{meta}",
    ],
)
def test_hostile_queries_are_literal(con, hostile):
    before = con.execute("SELECT count(*) FROM report_paragraphs").fetchone()[0]
    hits = store.search(hostile, con=con, limit=500)
    assert con.execute("SELECT count(*) FROM report_paragraphs").fetchone()[0] == before
    # Whatever came back contains the query literally (no wildcard or regex meaning).
    for snippet in hits.snippet:
        assert hostile.lower() in snippet.replace("**", "").lower()


def test_wildcards_do_not_match_everything(con):
    assert store.search("5_%", con=con).empty  # would match "50%"-like text under LIKE
    assert store.search(".*", con=con).empty
    percent = store.search("%", con=con, limit=5)
    assert not percent.empty and all("%" in s for s in percent.snippet)


def test_whole_words_only(con):
    # "CSE" is in Bristol's report as an acronym; it must not match inside "focused" etc.
    hits = store.search("cse", con=con, limit=1000)
    assert not hits.empty
    for snippet in hits.snippet:
        marked = re.findall(r"\*\*(.+?)\*\*", snippet)
        assert marked and all(m.lower() == "cse" for m in marked)


@pytest.mark.parametrize("bad", ["", "   ", "\u00ad"])
def test_empty_query_is_an_error(con, bad):
    with pytest.raises(ValueError, match="empty"):
        store.search(bad, con=con)


def test_bad_limit_is_an_error(con):
    with pytest.raises(ValueError, match="limit"):
        store.search("care", con=con, limit=0)


def test_html_error_pages_and_broken_files_are_recorded(built, paragraphs):
    files = pd.read_csv(built / ft_build.FILES_FILE, dtype=str)
    by_file = files.set_index("file")
    html = by_file.loc[ROTHERHAM_2012_HTML]
    assert html.status == "skipped" and "HTML page saved as .pdf" in html.reason
    broken = by_file.loc[BROKEN]
    # the extractor's classification decides first: provider URN 99999 is no council
    assert broken.status == "skipped" and broken.reason.startswith("council not recognised")
    assert not paragraphs.inspection_id.isin([html.inspection_id, broken.inspection_id]).any()
    ok = files[files.status == "ok"]
    assert set(ok.file) == set(SUBSET) - {ROTHERHAM_2012_HTML}
    assert set(paragraphs.inspection_id) == set(ok.inspection_id)


def test_running_headers_and_page_numbers_stripped(paragraphs):
    dorset = paragraphs[paragraphs.inspection_id == "2532283-2025-05-09"]
    # Every ILACS page after the first carries "Inspection of Dorset local authority
    # children's services" and "17 to 21 March 2025 <page>" (checked on pages 2 and 5).
    later = dorset[dorset.page > 1].text
    assert not later.str.fullmatch(
        r"Inspection of Dorset local authority children's services"
    ).any()
    assert not later.str.contains(r"^17 to 21 March 2025 \d+$", regex=True).any()
    # ...while the same words as the report's title on page 1 are kept.
    assert page_text(paragraphs, "2532283-2025-05-09", 1)[0] == (
        "Inspection of Dorset local authority children's services"
    )
    # Hull 2015: the LSCB section has its own footer "6 Inspection of the effectiveness of the
    # local safeguarding children board: Hull" (page 42).
    hull = paragraphs[paragraphs.inspection_id == "80477-2015-02-10"].text
    assert not hull.str.contains(r"children board: Hull(?: \d+)?$", regex=True).any()
    # Bristol p20 ends with the page number "20" under a rule.
    assert "20" not in page_text(paragraphs, "80441-2014-12-05", 20)
    assert not paragraphs.text.str.fullmatch(r"\d{1,3}").any()


def test_wrapped_lines_joined_into_numbered_paragraphs(paragraphs):
    page20 = page_text(paragraphs, "80441-2014-12-05", 20)
    # Bristol p20 holds paragraphs 68-71 exactly (page image checked); "4. Children placed" is
    # a wrapped line of 70 ("...from Key Stage 2 to Key Stage / 4. Children placed...").
    assert [t.split(" ", 1)[0] for t in page20] == ["68.", "69.", "70.", "71."]
    assert "Key Stage 4. Children placed in schools" in page20[2]
    assert page20[1].endswith("in line with looked after children nationally.")


def test_bullets_normalised(paragraphs):
    page3 = page_text(paragraphs, "80441-2014-12-05", 3)
    bullet = next(t for t in page3 if "overarching strategic plan" in t)
    assert bullet.startswith("• There is no overarching strategic plan")
    assert not paragraphs.text.str.contains("[\ue000-\uf8ff]", regex=True).any()


def test_rebuild_is_byte_identical(subset_dir, built, tmp_path):
    ft_build.build(subset_dir, tmp_path, jobs=1, progress=False)
    for name in (ft_build.PARAGRAPHS_FILE, ft_build.FILES_FILE):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_missing_outputs_named_in_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="paragraphs.parquet"):
        store.load_into(duckdb.connect(), tmp_path)


def test_fts_index_or_documented_fallback(built):
    connection = duckdb.connect()
    info = store.load_into(connection, built, fts=True)
    assert info["paragraphs"] > 1000 and info["files"] == len(SUBSET) + 1
    if info["fts"]:
        n = connection.execute(
            "SELECT count(*) FROM report_paragraphs "
            "WHERE fts_main_report_paragraphs.match_bm25(para_id, 'exploitation') IS NOT NULL"
        ).fetchone()[0]
        assert n > 0
    else:
        assert "fts extension unavailable" in info["fts_reason"]
    # Phrase search works either way.
    assert not store.search("child sexual exploitation", con=connection).empty


def test_theme_shares_on_known_reports(con):
    mentions = themes.report_mentions(con).set_index(["inspection_id", "theme"])["mentions"]
    # Hand-checked: Bristol 2014 p3 "child sexual exploitation (CSE)"; Dorset 2025 p2 "child
    # exploitation"; Sunderland 2015 p6 "agency staff" and "high caseloads".
    assert mentions[("80441-2014-12-05", "sexual_exploitation")]
    assert mentions[("2532283-2025-05-09", "exploitation")]
    assert mentions[("80566-2015-07-20", "agency_staff")]
    assert mentions[("80566-2015-07-20", "caseloads")]
    # No report published before 2020 can talk about COVID.
    assert not mentions[("80441-2014-12-05", "covid")]
    shares = themes.theme_shares(con)
    assert list(shares.columns) == themes.SHARE_COLUMNS
    assert set(shares.theme) == set(themes.load_themes())
    assert shares.share.between(0, 1).all()
    assert (shares.reports_mentioning <= shares.reports).all()
    year_2014 = shares[(shares.year == 2014) & (shares.theme == "sexual_exploitation")].iloc[0]
    assert (year_2014.reports, year_2014.reports_mentioning) == (2, 2)  # Bristol, Rotherham
    by_grade = themes.theme_shares(con, by_grade=True)
    assert "overall_grade" in by_grade.columns and set(by_grade.overall_grade) == {"unknown"}


def test_theme_file_errors_name_the_theme():
    with pytest.raises(themes.ThemeFileError, match="'broken'"):
        themes.parse_themes({"themes": {"broken": {"terms": []}}})
    with pytest.raises(themes.ThemeFileError, match="'themes' key"):
        themes.parse_themes(["not", "a", "mapping"])


def test_theme_terms_are_literal():
    theme = themes.Theme("t", "T", "", terms=("covid-19", "50% (x)"), case_sensitive=("CSE",))
    lower, exact = theme.patterns()
    con = duckdb.connect()
    texts = ["covid-19 rates", "covid-199", "50% (x) of", "5000 x", "focused", "CSE plan", "cse"]
    got = [
        con.execute(
            "SELECT regexp_matches(lower($1), $2) OR regexp_matches($1, $3)", [t, lower, exact]
        ).fetchone()[0]
        for t in texts
    ]
    assert got == [True, False, True, False, False, True, False]


def test_committed_output_covers_the_manifest(shared_data):
    """The committed files.csv accounts for every manifest row: text, or the reason why not."""
    out = ft_build.output_dir()
    files_csv = out / ft_build.FILES_FILE
    if not files_csv.exists():
        pytest.fail(f"{files_csv} missing: run `ofsted-record fulltext`")
    files = pd.read_csv(files_csv, dtype=str)
    with (shared_data / "ofsted-reports" / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = {row["path"] for row in csv.DictReader(handle)}
    assert set(files.file) >= manifest
    skipped = files[files.status != "ok"]
    # The corpus has exactly 4 HTML error pages saved as .pdf (shared/README.md).
    assert len(skipped) == 4 and skipped.reason.str.contains("HTML").all()
    ids = pd.read_parquet(out / ft_build.PARAGRAPHS_FILE, columns=["inspection_id"])
    assert set(ids.inspection_id) == set(files[files.status == "ok"].inspection_id)


def test_build_rejects_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="reports folder not found"):
        ft_build.build(tmp_path / "nope", tmp_path / "out", progress=False)


def test_cli_search_prints_a_table(shared_data):
    from typer.testing import CliRunner

    from ofsted_record.cli import app

    result = CliRunner().invoke(
        app, ["search", "widespread and serious failures", "--limit", "100"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "paragraphs contain “widespread and serious failures”" in result.output
    assert "Sunderland" in result.output
    empty = CliRunner().invoke(app, ["search", "zebra crossing at the moon"])
    assert empty.exit_code == 0 and "No paragraph contains" in empty.output


def test_fts_extension_loads_from_the_installed_package() -> None:
    from ofsted_record.fulltext import store

    path = store.fts_extension_path()
    assert path is not None and path.name == "fts.duckdb_extension", (
        "duckdb-extension-fts is a dependency: the fts binary must ship with it"
    )


def test_ranked_search_uses_the_bm25_index(warehouse_path) -> None:
    # Sunderland 2015 p1 (80566_sunderland/children's services inspection - 20 july 2015.pdf):
    # "There are widespread and serious failures that leave children unsafe ..."
    from ofsted_record.fulltext import store
    from ofsted_record.warehouse import connect

    con = connect(warehouse_path)
    try:
        hits = store.search_ranked("widespread serious failures unsafe", con=con, limit=200)
        assert ((hits["inspection_id"] == "80566-2015-07-20") & (hits["page"] == 1)).any()
        assert hits["score"].is_monotonic_decreasing
        hostile = store.search_ranked("x'); DROP TABLE report_paragraphs; --", con=con)
        assert hostile.empty
        assert con.execute("SELECT count(*) FROM report_paragraphs").fetchone()[0] > 10_000
    finally:
        con.close()
