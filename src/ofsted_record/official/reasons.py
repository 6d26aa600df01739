"""Why a judgement appears on one side only: computed categories for ``reconciliation.csv``.

Disagreements are not explained here: each is read in the report by hand and explained in
``explanations.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

# The table covers reports "published by 30 April 2023" (Cover sheet); note 4 adds South
# Tyneside, published 10 May 2023. A report published later cannot be in it.
TABLE_PUBLISHED_BY = date(2023, 4, 30)

# Families whose reports the corpus does not hold at all (collected by the ILACS scrape tool,
# which starts at the 2013 frameworks).
FAMILIES_NOT_IN_CORPUS = {"slac": "2009-12 SLAC inspections", "cpi": "2012-13 child protection"}

REASONS = {
    # only_in_table
    "framework_not_in_corpus": "the corpus holds no reports of this framework ({detail})",
    "council_not_in_corpus": "the corpus holds no reports for this council ({detail})",
    "report_not_parsed": "the corpus file for this inspection was not parsed: {detail}",
    "report_not_in_corpus": "no report file for this inspection in the corpus",
    "judgement_not_extracted": "the report was matched but this judgement was not extracted",
    # only_in_reports
    "published_after_table": "published after the table's cut-off (30 April 2023)",
    "area_not_in_table": "the official table does not carry this judgement area for {detail}",
    "no_official_row": "no official-table inspection of this council and framework family "
    "within the date tolerance",
    "report_without_judgements": "the report inspection has no extracted judgements",
}


@dataclass
class CorpusFacts:
    """What the corpus holds, per council: file dates and unparsed files with their reason."""

    la_codes: set[str] = field(default_factory=set)
    # la_code -> [(file-name date, reason)] for files the extractor did not parse
    unparsed: dict[str, list[tuple[date, str]]] = field(default_factory=dict)


def _fmt(key: str, detail: str = "") -> str:
    return f"{key}: {REASONS[key].format(detail=detail)}"


def add_reasons(
    recon: pd.DataFrame, corpus: CorpusFacts, tolerance_days: int, table_areas: dict[str, set[str]]
) -> pd.DataFrame:
    """Fill ``reason`` for one-sided rows. ``table_areas``: family -> areas the table carries."""
    out = recon.copy()
    reasons: list[str] = []
    for r in out.itertuples(index=False):
        reasons.append(_reason(r, corpus, tolerance_days, table_areas))
    out["reason"] = pd.array(reasons, dtype="string")
    return out


def _reason(r, corpus: CorpusFacts, tolerance: int, table_areas: dict[str, set[str]]) -> str:
    if r.status in ("matched", "disagreed"):
        return ""
    if r.status == "only_in_table":
        if pd.notna(r.report_inspection_id):
            return _fmt("judgement_not_extracted")
        # an unreadable corpus file for this inspection is the most specific reason
        when = date.fromisoformat(str(r.official_published_date))
        for file_date, why in corpus.unparsed.get(r.la_code, []):
            if abs((file_date - when).days) <= tolerance:
                return _fmt("report_not_parsed", why)
        if r.family in FAMILIES_NOT_IN_CORPUS:
            return _fmt("framework_not_in_corpus", FAMILIES_NOT_IN_CORPUS[r.family])
        if r.la_code not in corpus.la_codes:
            return _fmt("council_not_in_corpus", "an abolished council")
        return _fmt("report_not_in_corpus")
    # only_in_reports
    if pd.isna(r.area) or r.area == "":
        return _fmt("report_without_judgements")
    if pd.notna(r.official_framework):
        return _fmt("area_not_in_table", str(r.official_framework))
    published = date.fromisoformat(str(r.report_published_date))
    if published > TABLE_PUBLISHED_BY:
        return _fmt("published_after_table")
    if r.area not in table_areas.get(r.family, set()):
        return _fmt("area_not_in_table", str(r.report_framework))
    return _fmt("no_official_row")
