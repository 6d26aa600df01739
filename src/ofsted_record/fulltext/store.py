"""Full text in DuckDB: ``report_paragraphs`` + ``report_files``, phrase search, snippets.

Phrase search is an exact, case-insensitive, word-bounded match on a lower-cased copy of the
text (``contains`` to narrow, an RE2 pattern for word boundaries), which scans the whole corpus
in about 20 ms. DuckDB's ``fts`` extension adds a BM25 keyword index (``search_ranked``). The
extension is loaded from the ``duckdb-extension-fts`` PyPI package, which ships the signed
binary for the pinned DuckDB version, so no download is needed at run time; where it is
missing, ``INSTALL fts`` is tried and phrase search still works without it (BM25 ranks
keywords, it does not match phrases).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from ofsted_record import config
from ofsted_record.fulltext.build import FILES_FILE, PARAGRAPHS_FILE, output_dir
from ofsted_record.fulltext.layout import clean

SNIPPET_CONTEXT = 90  # characters either side of the match
RESULT_COLUMNS = [
    "inspection_id",
    "council",
    "la_code",
    "published_date",
    "framework",
    "overall_grade",
    "page",
    "paragraph",
    "snippet",
    "url",
]
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
NEVER = r"[^\s\S]"  # an RE2 pattern that matches nothing


@cache
def sql(name: str) -> str:
    """A named SQL file shipped in ``ofsted_record/fulltext/sql/``."""
    return resources.files("ofsted_record.fulltext").joinpath("sql", f"{name}.sql").read_text()


def normalise_query(phrase: str) -> str:
    """The phrase as it is matched: same cleaning as the stored text, lower case."""
    if not isinstance(phrase, str):
        raise TypeError(f"search phrase must be text, not {type(phrase).__name__}")
    text = clean(phrase).lower()
    if not text:
        raise ValueError("search phrase is empty")
    return text


def re2_literal(text: str) -> str:
    """Escape every ASCII punctuation character so RE2 reads ``text`` literally."""
    return _ASCII_PUNCT.sub(r"\\\1", text)


def phrase_pattern(needle: str) -> str:
    """RE2 pattern for ``needle`` with word boundaries where it starts/ends with a word char.

    'cse' must not match inside 'focused'; 'covid-19' and '50%' still match as written.
    """
    pattern = re2_literal(needle)
    if needle[0].isalnum():
        pattern = r"\b" + pattern
    if needle[-1].isalnum():
        pattern += r"\b"
    return pattern


def load_into(
    con: duckdb.DuckDBPyConnection,
    directory: Path | None = None,
    *,
    fts: bool = True,
) -> dict[str, object]:
    """Create ``report_paragraphs`` and ``report_files`` in ``con`` (and the FTS index if it can).

    Returns what was done: row counts and whether the ``fts`` extension index was built (with
    the reason when not).
    """
    directory = directory or output_dir()
    paragraphs, files = directory / PARAGRAPHS_FILE, directory / FILES_FILE
    for path in (paragraphs, files):
        if not path.exists():
            raise FileNotFoundError(f"{path} missing: run `ofsted-record fulltext` first")
    con.execute(sql("load_paragraphs"), [str(paragraphs)])
    con.execute(sql("load_files"), [str(files)])
    info: dict[str, object] = {
        "paragraphs": con.execute("SELECT count(*) FROM report_paragraphs").fetchone()[0],
        "files": con.execute("SELECT count(*) FROM report_files").fetchone()[0],
        "fts": False,
        "fts_reason": "not requested",
    }
    if fts:
        ok, reason = build_fts_index(con)
        info["fts"], info["fts_reason"] = ok, reason
    return info


def fts_extension_path() -> Path | None:
    """The fts extension binary shipped by the ``duckdb-extension-fts`` package, if installed."""
    try:
        import duckdb_extension_fts
    except ImportError:
        return None
    path = (
        Path(duckdb_extension_fts.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "fts.duckdb_extension"
    )
    return path if path.exists() else None


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension: from the PyPI package, else an already installed copy."""
    path = fts_extension_path()
    if path is not None:
        # LOAD takes a literal; the path comes from an installed package, never from a user.
        con.execute("LOAD '" + str(path).replace("'", "''") + "'")
        return
    try:
        con.execute("LOAD fts")
    except duckdb.Error:
        con.execute("INSTALL fts")
        con.execute("LOAD fts")


def build_fts_index(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """BM25 index over report_paragraphs.text via the ``fts`` extension, if it can be loaded.

    No stop words: DuckDB's default English list (SMART) drops words that matter here, such
    as 'serious' ('widespread and serious failures').
    """
    try:
        load_fts(con)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        return False, f"fts extension unavailable ({first}); phrase search scans text_lc"
    con.execute(
        "PRAGMA create_fts_index('report_paragraphs', 'para_id', 'text', "
        "stemmer = 'english', stopwords = 'none', overwrite = 1)"
    )
    return True, "fts index fts_main_report_paragraphs built"


def _has_tables(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    found = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name IN "
            "(SELECT unnest($1::VARCHAR[]))",
            [list(names)],
        ).fetchall()
    }
    return set(names) <= found


def meta_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Report metadata: from the warehouse's inspections/judgements when they exist."""
    if _has_tables(con, "inspections", "judgements"):
        return sql("meta_warehouse")
    return sql("meta_files")


def connect() -> duckdb.DuckDBPyConnection:
    """The warehouse if built (read-only), else an in-memory database with the full text."""
    path = config.warehouse_path()
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        if _has_tables(con, "report_paragraphs", "report_files"):
            return con
        con.close()
    con = duckdb.connect()
    load_into(con, fts=False)
    return con


def snippet(text: str, pattern: re.Pattern[str], context: int = SNIPPET_CONTEXT) -> str:
    """A window of ``text`` around the first match, every match in it wrapped in **...**."""
    first = pattern.search(text)
    if first is None:
        return text[: 2 * context]
    start = max(0, first.start() - context)
    end = min(len(text), first.end() + context)
    # Widen to whole words.
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    window = pattern.sub(lambda m: f"**{m.group(0)}**", text[start:end])
    return ("…" if start > 0 else "") + window + ("…" if end < len(text) else "")


def python_pattern(needle: str) -> re.Pattern[str]:
    """The same match as ``phrase_pattern`` for Python's ``re`` (to place the highlights)."""
    pattern = re.escape(needle)
    if needle[0].isalnum():
        pattern = r"\b" + pattern
    if needle[-1].isalnum():
        pattern += r"\b"
    return re.compile(pattern, re.IGNORECASE)


def search(
    phrase: str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    limit: int = 50,
) -> pd.DataFrame:
    """Paragraphs containing ``phrase`` (case-insensitive, whole words), newest reports first.

    Columns: inspection_id, council, la_code, published_date, framework, overall_grade, page,
    paragraph, snippet (match in **...**), url (source_url + ``#page=N``). ``df.attrs["total"]``
    is the number of matching paragraphs before ``limit``.
    """
    if not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    needle = normalise_query(phrase)
    own = con is None
    con = con or connect()
    try:
        query = sql("search").replace("{meta}", meta_sql(con))
        df = con.execute(query, [needle, phrase_pattern(needle), limit]).df()
    finally:
        if own:
            con.close()
    total = int(df["total_hits"].iloc[0]) if len(df) else 0
    highlight = python_pattern(needle)
    # Stored text keeps its case; the match is found again case-insensitively to highlight it.
    df["snippet"] = [snippet(t, highlight) for t in df["text"]]
    df["url"] = [
        f"{u}#page={p}" if isinstance(u, str) and u else None
        for u, p in zip(df["source_url"], df["page"], strict=True)
    ]
    df["published_date"] = pd.to_datetime(df["published_date"]).dt.date
    out = df[RESULT_COLUMNS].astype(object)
    out = out.where(out.notna(), None)
    out.attrs["total"] = total
    return out


RANKED_SQL = """
SELECT p.inspection_id, p.page, p.paragraph, p.text, s.score
FROM (
    SELECT para_id, fts_main_report_paragraphs.match_bm25(para_id, ?, conjunctive := 1) AS score
    FROM report_paragraphs
) AS s
JOIN report_paragraphs AS p USING (para_id)
WHERE s.score IS NOT NULL
ORDER BY s.score DESC, p.inspection_id, p.page, p.paragraph
LIMIT ?
"""


def search_ranked(
    terms: str, *, con: duckdb.DuckDBPyConnection | None = None, limit: int = 20
) -> pd.DataFrame:
    """Paragraphs containing all of ``terms`` (stemmed keywords), best BM25 match first.

    Uses the ``fts`` index built by ``load_into``; raises ``RuntimeError`` if it is missing.
    Columns: inspection_id, page, paragraph, text, score.
    """
    if not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    own = con is None
    con = con or connect()
    try:
        try:
            load_fts(con)
            return con.execute(RANKED_SQL, [str(terms), limit]).df()
        except duckdb.Error as exc:
            raise RuntimeError(f"full-text index unavailable: {exc}") from exc
    finally:
        if own:
            con.close()
