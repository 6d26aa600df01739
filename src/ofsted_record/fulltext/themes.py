"""Themes in the report text: which reports mention each theme, by year (and grade).

Themes and their search terms are documented in ``themes.yml`` beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb
import pandas as pd
import yaml

from ofsted_record.fulltext.store import NEVER, meta_sql, phrase_pattern, sql

SHARE_COLUMNS = [
    "year",
    "theme",
    "reports",
    "reports_mentioning",
    "share",
    "paragraphs_per_report",
]


class ThemeFileError(ValueError):
    """themes.yml is malformed; the message names the theme and the problem."""


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    description: str
    terms: tuple[str, ...]
    case_sensitive: tuple[str, ...] = ()

    def patterns(self) -> tuple[str, str]:
        """(pattern over lower-cased text, case-sensitive pattern over the printed text)."""
        lower = "|".join(f"(?:{phrase_pattern(t.lower())})" for t in self.terms) or NEVER
        exact = "|".join(f"(?:{phrase_pattern(t)})" for t in self.case_sensitive) or NEVER
        return lower, exact


def parse_themes(data: object, source: str = "themes.yml") -> dict[str, Theme]:
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict):
        raise ThemeFileError(f"{source}: expected a mapping with a 'themes' key")
    themes = {}
    for key, spec in data["themes"].items():
        if not isinstance(spec, dict):
            raise ThemeFileError(f"{source}: theme {key!r} is not a mapping")
        terms = spec.get("terms") or []
        exact = spec.get("case_sensitive") or []
        bad = [t for t in [*terms, *exact] if not isinstance(t, str) or not t.strip()]
        if bad or not (terms or exact):
            raise ThemeFileError(f"{source}: theme {key!r} needs non-empty text terms ({bad})")
        themes[key] = Theme(
            key=key,
            label=str(spec.get("label", key)),
            description=str(spec.get("description", "")),
            terms=tuple(t.strip() for t in terms),
            case_sensitive=tuple(t.strip() for t in exact),
        )
    return themes


@cache
def load_themes() -> dict[str, Theme]:
    text = resources.files("ofsted_record.fulltext").joinpath("themes.yml").read_text()
    return parse_themes(yaml.safe_load(text))


def report_mentions(
    con: duckdb.DuckDBPyConnection, themes: dict[str, Theme] | None = None
) -> pd.DataFrame:
    """One row per report × theme: inspection_id, published_date, overall_grade, theme,
    paragraphs (how many paragraphs mention it) and mentions (paragraphs > 0)."""
    themes = themes or load_themes()
    meta = con.execute(
        f"SELECT inspection_id, published_date, overall_grade FROM ({meta_sql(con)}) "
        "ORDER BY inspection_id"
    ).df()
    frames = []
    for key, theme in themes.items():
        hits = con.execute(sql("theme_hits"), list(theme.patterns())).df()
        merged = meta.merge(hits, on="inspection_id", how="left")
        merged["paragraphs"] = merged["paragraphs"].fillna(0).astype(int)
        merged["mentions"] = merged["paragraphs"] > 0
        merged["theme"] = key
        frames.append(merged)
    return pd.concat(frames, ignore_index=True)


def theme_shares(
    con: duckdb.DuckDBPyConnection,
    *,
    by_grade: bool = False,
    themes: dict[str, Theme] | None = None,
) -> pd.DataFrame:
    """Share of each year's reports that mention each theme.

    Columns: year, theme, reports, reports_mentioning, share (0-1), paragraphs_per_report (how
    intensely: mean number of paragraphs mentioning the theme per report that year); with
    ``by_grade`` also overall_grade ("unknown" until the warehouse has judgements).
    """
    rows = report_mentions(con, themes)
    rows = rows[rows["published_date"].notna()].copy()
    rows["year"] = pd.to_datetime(rows["published_date"]).dt.year.astype(int)
    keys = ["year", "theme"]
    if by_grade:
        rows["overall_grade"] = rows["overall_grade"].fillna("unknown")
        keys = ["year", "overall_grade", "theme"]
    out = (
        rows.groupby(keys, sort=True)
        .agg(
            reports=("inspection_id", "nunique"),
            reports_mentioning=("mentions", "sum"),
            paragraphs=("paragraphs", "sum"),
        )
        .reset_index()
    )
    out["reports_mentioning"] = out["reports_mentioning"].astype(int)
    out["share"] = out["reports_mentioning"] / out["reports"]
    out["paragraphs_per_report"] = out["paragraphs"] / out["reports"]
    columns = SHARE_COLUMNS[:1] + (["overall_grade"] if by_grade else []) + SHARE_COLUMNS[1:]
    return out[columns].sort_values(keys, kind="mergesort").reset_index(drop=True)
