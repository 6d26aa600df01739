"""Full text in DuckDB: ``report_paragraphs`` + ``report_files``, phrase search, snippets.

Phrase search is an exact, case-insensitive, word-bounded match on a lower-cased copy of the
text (``contains`` to narrow, an RE2 pattern for word boundaries), which scans the whole corpus
in about 20 ms. DuckDB's ``fts`` extension (BM25 keyword ranking) is built too when it can be
loaded; it cannot here (no network for extension downloads, and no PyPI wheel of it for
DuckDB 2.0), and search never depends on it: BM25 ranks keywords, it does not match phrases.
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


def build_fts_index(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """BM25 index over report_paragraphs.text via the ``fts`` extension, if it can be loaded."""
    try:
        try:
            con.execute("LOAD fts")
        except duckdb.Error:
            con.execute("INSTALL fts")
            con.execute("LOAD fts")
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        return False, f"fts extension unavailable ({first}); phrase search scans text_lc"
    con.execute(
        "PRAGMA create_fts_index('report_paragraphs', 'para_id', 'text', "
        "stemmer = 'english', overwrite = 1)"
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
