"""The site's search of what inspectors wrote: a Pagefind index of every report paragraph.

One Pagefind record per report (its template text in a second record), its paragraphs kept
apart, each with its page, so the page's script can show the matching ones with a link to their
page. Pagefind finds the reports holding a phrase; everything else the page needs is in
``reports.json``: each report's council, date, framework, grade and PDF, and each record's
report, first page and template flag keyed by the record's Pagefind id. The page filters, sorts and counts results from that map, not with Pagefind filters:
Pagefind counts every filter value against every result with a linear scan (time grows with
records x results, several hundred ms for a common phrase), and writes filter files in hash
order, so they were never the same bytes twice. Built by ``python -m
ofsted_record.site.search_index`` (``make site`` runs it only when the full-text store or this
code changes).

Pagefind writes the same bytes for the same records added in the same order (checked by
``tests/test_search_site.py``), so records are written in report, page order.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from ofsted_record.fulltext import store
from ofsted_record.site.paths import site_dir
from ofsted_record.site.text import long_date

INDEX_DIR = "search-index"  # under site/, published as site/search-index/
REPORTS_FILE = "reports.json"
# Matching as `ofsted-record search` matches: whole words as printed. An index language with no
# Pagefind stemmer ("drift" must not find "drifting"; the browser falls back to the only index
# there is), and hyphens inside words indexed as an undertie, a character Pagefind keeps inside
# a word without also indexing its parts ("agency" must not find "multi-agency"; with a plain
# hyphen Pagefind indexes "multi", "agency" and "multi-agency"). The page's script makes the
# same change to what a reader types, and changes it back for display.
INDEX_LANGUAGE = "zz"
JOINER = "\u203f"
_IN_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
# An apostrophe inside a word likewise: Pagefind would index "children's" as "childrens" (a
# misspelling the reports also print), so it becomes this tie, which Pagefind keeps inside the
# word; the page's script does the same to what a reader types, and changes it back. (The
# full-text store has straight apostrophes only: extraction normalises them, as the CLI does.)
APOSTROPHE_TIE = "\u2040"
_IN_WORD_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# Pagefind joins a record's paragraphs with spaces; this mark (never in a report) ends each one,
# so the page's script can split them again, and is a word to Pagefind, so no phrase runs on
# from one paragraph into the next.
PARAGRAPH_END = "\u00b6"
# Pagefind drops the punctuation at a word's edges, so "staff, turnover" would be the phrase
# "staff turnover", which `ofsted-record search` does not find. This mark (never in a report, a
# word to Pagefind like PARAGRAPH_END) goes into every gap between words where punctuation
# touches the gap: the two words are then not next to each other, and Pagefind's own phrase
# search is exact, so the page needs no record to count the reports. Punctuation inside a word
# ("children's", "staff/turnover") stays: Pagefind keeps such a word whole. The page's script
# removes the mark for display; a reader's phrase with punctuation at a gap ("(turnover) here")
# is searched word by word and checked on each record.
PHRASE_BREAK = "\u2021"
_WORDLIKE = re.compile(r"[\w\u203f\u2040]")

# Filter choices in the order the page lists them (grades best first, as the warehouse ranks them).
GRADE_ORDER = (
    "Outstanding",
    "Good",
    "Requires improvement",
    "Adequate",
    "Inadequate",
    "Not judged",
    "No overall grade",
)


@cache
def sql(name: str) -> str:
    return resources.files("ofsted_record.site").joinpath("sql", f"{name}.sql").read_text()


def index_dir(site: Path | None = None) -> Path:
    return (site or site_dir()) / INDEX_DIR


def records(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every paragraph with its report's council, date, framework and grade (paragraph order)."""
    query = sql("search_records").replace("{meta}", store.meta_sql(con))
    return con.execute(query).df()


@dataclass(frozen=True)
class Record:
    content: list[str]  # the page's paragraphs, in order
    meta: dict[str, str]


def _day(value: object) -> pd.Timestamp | None:
    return pd.Timestamp(value) if pd.notna(value) else None


def reports(df: pd.DataFrame) -> dict[str, dict[str, object]]:
    """What a result shows about its report, once per report (reports.json), not per record."""
    out: dict[str, dict[str, object]] = {}
    first = df.drop_duplicates("inspection_id").sort_values("inspection_id")
    for row in first.itertuples(index=False):
        day = _day(row.published_date)
        out[row.inspection_id] = {
            "council": row.council,
            "date": long_date(day) if day is not None else "date not known",
            "iso": f"{day:%Y-%m-%d}" if day is not None else "",
            "year": day.year if day is not None else None,
            "framework": row.framework_label,
            "grade": row.grade_label,
            "pdf": row.source_url if isinstance(row.source_url, str) else "",
        }
    return out


# Pagefind's gzipped files start with this signature before their JSON (fragments) or CBOR.
SIGNATURE = b"pagefind_dcd"


def fragment_meta(path: Path) -> dict[str, str]:
    """The meta of one record as Pagefind wrote it (``fragment/<id>.pf_fragment``)."""
    try:
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(SIGNATURE):
            raise ValueError("no Pagefind signature")
        return json.loads(data[len(SIGNATURE) :])["meta"]
    except (OSError, ValueError, KeyError) as err:
        raise ValueError(f"{path}: not a readable Pagefind fragment ({err})") from err


def record_map(pagefind: Path, report_ids: list[str]) -> dict[str, list[int]]:
    """Each record's Pagefind id (what a search result's ``id`` is) to [report's index in
    ``report_ids``, first page, 1 if template text else 0]: what the page filters, sorts and counts
    results by before fetching any record."""
    index = {r: i for i, r in enumerate(report_ids)}
    out: dict[str, list[int]] = {}
    for path in sorted((pagefind / "fragment").glob("*.pf_fragment")):
        meta = fragment_meta(path)
        out[path.name.removesuffix(".pf_fragment")] = [
            index[meta["report"]],
            int(meta["page"]),
            int(meta["template"] == "yes"),
        ]
    return out


def reports_json(df: pd.DataFrame, pagefind: Path | None = None) -> str:
    """reports.json: every report's details, the filter choices and (given the Pagefind index)
    every record's report, page and template flag, in a stable byte order."""
    info = reports(df)
    years = sorted({r["year"] for r in info.values() if r["year"] is not None})
    grades = {r["grade"] for r in info.values()}
    payload = {
        "reports": info,
        "councils": sorted({r["council"] for r in info.values()}),
        "frameworks": list(
            df.sort_values(["published_date", "framework_label"])["framework_label"].unique()
        ),
        "grades": [g for g in GRADE_ORDER if g in grades] + sorted(grades - set(GRADE_ORDER)),
        "years": years,
        "reports_per_year": {str(y): sum(r["year"] == y for r in info.values()) for y in years},
        "report_ids": sorted(info),
    }
    if pagefind is not None:
        payload["records"] = record_map(pagefind, payload["report_ids"])
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def to_records(df: pd.DataFrame) -> list[Record]:
    """One Pagefind record per report, its template text in a second record.

    A report, not a paragraph or a page: 78,545 paragraph records came to 53 MB, and the
    14,723 page records to 25 MB of files in 71.5 MB of 4 KB disk blocks (each record is a
    file, most under 4 KB). The paragraphs are kept as separate elements, their numbers and
    pages in the meta; the page's script finds the matching ones.
    """
    out: list[Record] = []
    for (report, template), group in df.groupby(["inspection_id", "template"], sort=True):
        group = group.sort_values(["page", "paragraph"])
        out.append(
            Record(
                content=list(group["text"]),
                meta={
                    "report": report,
                    "page": str(int(group["page"].iloc[0])),
                    "template": "yes" if template else "no",
                    "paragraphs": " ".join(str(int(n)) for n in group["paragraph"]),
                    "pages": " ".join(str(int(n)) for n in group["page"]),
                },
            )
        )
    return out


def indexed_text(text: str) -> str:
    """A paragraph as Pagefind indexes it: hyphens and apostrophes inside words joined (see
    ``JOINER`` and ``APOSTROPHE_TIE``), and a
    ``PHRASE_BREAK`` word in each gap that punctuation touches ("staff, ‡ turnover")."""
    text = _IN_WORD_APOSTROPHE.sub(APOSTROPHE_TIE, _IN_WORD_HYPHEN.sub(JOINER, text))
    words = text.split(" ")
    out = words[:1]
    for left, right in zip(words, words[1:], strict=False):
        punctuated = (left and not _WORDLIKE.match(left[-1])) or (
            right and not _WORDLIKE.match(right[0])
        )
        out.append(f"{PHRASE_BREAK} {right}" if punctuated else right)
    return " ".join(out)


def record_html(r: Record) -> str:
    """One record as the HTML page Pagefind reads: meta from tagged elements, the page's
    paragraphs as the only indexed text."""
    tags = [f'<p data-pagefind-meta="{k}">{escape(v)}</p>' for k, v in r.meta.items()]
    body = "".join(f"<p>{escape(indexed_text(t))} {PARAGRAPH_END}</p>" for t in r.content)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r</title></head><body>'
        + "".join(tags)
        + f"<main data-pagefind-body>{body}</main></body></html>"
    )


def _write(items: list[Record], out: Path) -> None:
    """Run the Pagefind binary (shipped by ``pagefind[bin]``) over one HTML page per record.

    Not the Python API's ``add_custom_record``: its client waits 0.1 s for every answer from
    the binary, so 78,545 records would take over two hours; the binary reads the same records
    from HTML pages in seconds.
    """
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("the pagefind binary is missing: pip install 'pagefind[bin]'")
    with tempfile.TemporaryDirectory(prefix="search-records-") as tmp:
        pages = Path(tmp) / "r"
        pages.mkdir()
        width = len(str(len(items)))
        for i, r in enumerate(items):
            (pages / f"{i:0{width}d}.html").write_text(record_html(r), encoding="utf-8")
        done = subprocess.run(
            [
                str(binary),
                "--site",
                tmp,
                "--output-path",
                str(out),
                "--force-language",
                INDEX_LANGUAGE,
                f"--include-characters={PARAGRAPH_END}{PHRASE_BREAK}",
                "--quiet",
            ],
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise RuntimeError(f"pagefind failed ({done.returncode}): {done.stderr or done.stdout}")


def build(
    con: duckdb.DuckDBPyConnection | None = None, site: Path | None = None
) -> dict[str, object]:
    """Write the Pagefind index to ``site/search-index/`` (replacing it); returns what it wrote."""
    own = con is None
    if con is None:
        con = store.connect()
    try:
        df = records(con)
    finally:
        if own:
            con.close()
    if df.empty:
        raise ValueError("the full-text store has no paragraphs: run `ofsted-record fulltext`")
    out = index_dir(site)
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write(to_records(df), out / "pagefind")
    (out / REPORTS_FILE).write_text(reports_json(df, out / "pagefind"), encoding="utf-8")
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "records": len(df),
        "template": int(df["template"].sum()),
        "reports": int(df["inspection_id"].nunique()),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "path": out,
    }


PAGE_ASSETS = ("search-reports.js", "search-reports.css")


def standalone_page(root: Path, site: Path | None = None) -> Path:
    """``root/index.html``: the search page's own HTML block, script and stylesheet in a minimal
    shell (no Quarto render), next to an index built into ``root`` (tests and benchmarks)."""
    source = site or site_dir()
    text = (source / "search-reports.qmd").read_text(encoding="utf-8")
    match = re.search(r"```\{=html\}\n(.*?)\n```", text, re.S)
    if not match:
        raise ValueError(f"{source / 'search-reports.qmd'}: no HTML block")
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for name in PAGE_ASSETS:
        shutil.copy(source / "assets" / name, root / "assets" / name)
    page = root / "index.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Search what inspectors wrote</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="assets/search-reports.css"></head><body><main>'
        f"<h1>Search what inspectors wrote</h1>{match.group(1)}</main>"
        '<script src="assets/search-reports.js"></script></body></html>',
        encoding="utf-8",
    )
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=None, help="site folder (default: site/)")
    args = parser.parse_args(argv)
    info = build(site=args.site)
    print(
        f"search index: {info['records']:,} paragraphs ({info['template']:,} template text) "
        f"of {info['reports']:,} reports, {info['files']:,} files, "
        f"{info['bytes'] / 1e6:.1f} MB in {info['path']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
