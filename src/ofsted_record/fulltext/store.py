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
from dataclasses import dataclass
from datetime import date
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
PREFIX_MARK = "*"  # 'agenc*' matches agency, agencies
# A * right after a word character ends a prefix; anywhere else ('.*', '* note') it is literal.
_PREFIX_SPLIT = re.compile(r"(?<=\w)\*(?![\w])")
# Longer phrases make RE2 patterns DuckDB refuses (issue 18); no sentence in a report needs more.
MAX_PHRASE_CHARS = 200
# The vocabularies the filters accept (warehouse/sql/01_reference.sql), in their order there.
FRAMEWORKS = (
    "slac",
    "slac_reinspection",
    "cpi",
    "cpri",
    "tlac",
    "lac_2013",
    "sif",
    "sif_reinspection",
    "lscb_review",
    "ilacs_standard",
    "ilacs_short",
    "ilacs_2026",
)
GRADES = ("outstanding", "good", "requires_improvement", "adequate", "inadequate", "not_judged")


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
    if len(text) > MAX_PHRASE_CHARS:
        raise ValueError(
            f"search phrase is {len(text)} characters long; the longest allowed is "
            f"{MAX_PHRASE_CHARS}: search for a shorter part of it"
        )
    return text


def re2_literal(text: str) -> str:
    """Escape every ASCII punctuation character so RE2 reads ``text`` literally."""
    return _ASCII_PUNCT.sub(r"\\\1", text)


def phrase_pattern(needle: str) -> str:
    """RE2 pattern for ``needle`` with word boundaries where it starts/ends with a word char.

    'cse' must not match inside 'focused'; 'covid-19' and '50%' still match as written.
    Theme counts use this; reporters' search uses the stricter ``search_pattern``.
    """
    pattern = re2_literal(needle)
    if needle[0].isalnum():
        pattern = r"\b" + pattern
    if needle[-1].isalnum():
        pattern += r"\b"
    return pattern


def search_pattern(needle: str) -> str:
    """RE2 pattern for ``needle``, matching whole words only.

    A word character or a hyphen on either side means the match is inside a longer word:
    'cse' must not match inside 'focused', nor 'agency' inside 'multi-agency'. RE2 has no
    look-behind, so the boundary is a consumed character or the start/end of the text.
    ``*`` (``PREFIX_MARK``) after a word lets it run on ('agenc*' matches 'agencies').
    Phrases that start or end with punctuation ('covid-19', '50%') match as written.
    """
    pieces = []
    for i, part in enumerate(_PREFIX_SPLIT.split(needle)):
        if i:
            pieces.append(r"[\w-]*")
        pieces.append(re2_literal(part))
    pattern = "".join(pieces)
    if needle[0].isalnum():
        pattern = r"(?:^|[^\w-])" + pattern
    if needle[-1].isalnum():
        pattern += r"(?:[^\w-]|$)"
    return pattern


def longest_literal(needle: str) -> str:
    """The longest run of ``needle`` without a prefix mark: a cheap ``contains`` pre-filter."""
    return max(_PREFIX_SPLIT.split(needle), key=len)


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
        con.execute("SET enable_progress_bar = false")  # no widget over search results
        if _has_tables(con, "report_paragraphs", "report_files"):
            return con
        con.close()
    # No progress bar: loading the parquet would draw one over a reporter's search results.
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
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
    """The same match as ``search_pattern`` for Python's ``re`` (to place the highlights)."""
    pieces = []
    for i, part in enumerate(_PREFIX_SPLIT.split(needle)):
        if i:
            pieces.append(r"[\w-]*")
        pieces.append(re.escape(part))
    pattern = "".join(pieces)
    if needle[0].isalnum():
        pattern = r"(?<![\w-])" + pattern
    if needle[-1].isalnum():
        pattern += r"(?![\w-])"
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search, as the warehouse spells it (see ``filters()`` to build one)."""

    la_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    framework: str | None = None
    grade: str | None = None

    def params(self) -> dict[str, object]:
        return {
            "la_code": self.la_code,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "framework": self.framework,
            "grade": self.grade,
        }


def parse_bound(text: str | date | None, *, end: bool) -> date | None:
    """A year (``2024``), a month (``2024-03``) or a day (``2024-03-31``) as a date bound.

    ``end`` picks the last day of a year or month (for ``--to``), else the first.
    """
    if text is None or isinstance(text, date):
        return text
    value = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 12, 31) if end else date(int(value), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            first = date.fromisoformat(value + "-01")
            return (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date() if end else first
        return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(
        f"date {value!r} not understood: give a year (2024), a month (2024-03) or a day (2024-03-31)"
    )


def filters(
    *,
    council: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    framework: str | None = None,
    grade: str | None = None,
) -> SearchFilters:
    """Check and normalise what a reporter typed into a :class:`SearchFilters`.

    ``council`` goes through the register's strict name resolution (a DfE code is accepted
    as is), so a misspelt name fails with the closest known names rather than matching
    nothing. ``framework`` is a framework code or the start of one (``ilacs`` = every ILACS
    framework); ``grade`` an overall grade (``requires improvement`` or
    ``requires_improvement``).
    """
    la_code = None
    if council is not None and str(council).strip():
        from ofsted_record.register import load_councils, resolve_name

        name = str(council).strip()
        codes = set(load_councils()["la_code"])
        la_code = name if name in codes else resolve_name(name, source="--council")
    start, stop = parse_bound(date_from, end=False), parse_bound(date_to, end=True)
    if start and stop and start > stop:
        raise ValueError(f"--from {start:%-d %B %Y} is after --to {stop:%-d %B %Y}")
    fw = None
    if framework is not None and str(framework).strip():
        fw = str(framework).strip().lower().replace(" ", "_")
        if not any(code.startswith(fw) for code in FRAMEWORKS):
            raise ValueError(
                f"unknown framework {framework!r}; choose one of {', '.join(FRAMEWORKS)} "
                "(or the start of one, such as ilacs or sif)"
            )
    gr = None
    if grade is not None and str(grade).strip():
        gr = str(grade).strip().lower().replace(" ", "_")
        if gr not in GRADES:
            raise ValueError(f"unknown grade {grade!r}; choose one of {', '.join(GRADES)}")
    return SearchFilters(la_code, start, stop, fw, gr)


def _finish(df: pd.DataFrame, highlight: re.Pattern[str]) -> pd.DataFrame:
    """Snippets, page links and the public column order for a frame of matching paragraphs."""
    total = int(df["total_hits"].iloc[0]) if len(df) else 0
    # Stored text keeps its case; the match is found again case-insensitively to highlight it.
    df["snippet"] = [snippet(t, highlight) for t in df["text"]]
    df["url"] = [
        f"{u}#page={p}" if isinstance(u, str) and u else None
        for u, p in zip(df["source_url"], df["page"], strict=True)
    ]
    df["published_date"] = pd.to_datetime(df["published_date"]).dt.date
    columns = RESULT_COLUMNS + (["score"] if "score" in df.columns else [])
    out = df[columns].astype(object)
    out = out.where(out.notna(), None)
    out.attrs["total"] = total
    return out


def search(
    phrase: str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    limit: int = 50,
    where: SearchFilters | None = None,
    ranked: bool = False,
) -> pd.DataFrame:
    """Paragraphs containing ``phrase`` (case-insensitive, whole words), newest reports first.

    Whole words: a hyphen joins words, so ``agency`` does not match ``multi-agency``. A word
    ending in ``*`` matches any word it starts (``agenc*``: agency, agencies). ``where``
    narrows by council, publication dates, framework and overall grade. ``ranked`` orders
    the same paragraphs by BM25 relevance of the phrase's words (the ``fts`` index) instead
    of by date.

    Columns: inspection_id, council, la_code, published_date, framework, overall_grade, page,
    paragraph, snippet (match in **...**), url (source_url + ``#page=N``), and score when
    ranked. ``df.attrs["total"]`` is the number of matching paragraphs before ``limit``.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    needle = normalise_query(phrase)
    where = where or SearchFilters()
    own = con is None
    con = con or connect()
    try:
        score = order = ""
        params: dict[str, object] = {
            "needle": longest_literal(needle),
            "pattern": search_pattern(needle),
            "lim": limit,
            **where.params(),
        }
        if ranked:
            params["keywords"] = " ".join(re.findall(r"\w+", needle))
            try:
                load_fts(con)
            except duckdb.Error as exc:
                raise RuntimeError(f"the ranked search index is unavailable: {exc}") from exc
            score, order = RANKED_SCORE, RANKED_ORDER
        query = (
            sql("search")
            .replace("{meta}", meta_sql(con))
            .replace("{score}", score)
            .replace("{order}", order)
        )
        df = con.execute(query, params).df()
    finally:
        if own:
            con.close()
    return _finish(df, python_pattern(needle))


# The ranked search is search.sql with a BM25 score column, ordered by it first.
RANKED_SCORE = ",\n        fts_main_report_paragraphs.match_bm25(h.para_id, $keywords) AS score"
RANKED_ORDER = "score DESC NULLS LAST, "

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
