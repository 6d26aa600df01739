"""Hand-written explanations of every disagreement, read in the report itself.

``explanations.csv`` (committed, edited by hand) has one row per disagreement, keyed by the
report inspection and ``area``:

- a grade disagreement: ``area`` is the judgement area, ``report_value``/``official_value`` the
  two grades and ``official_cell`` the table cell;
- a date disagreement (an inspection matched although its dates are further apart than the
  tolerance): ``area`` is ``published_date``, the values are the two dates, no cell;
- a framework disagreement (the report's framework is not the table's, e.g. a SIF report the
  table counts as a re-inspection): ``area`` is ``framework``, the values the two frameworks.

Repeating both values makes an explanation go stale (and the tests fail) when either side
changes, e.g. after the extractor is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EXPLANATIONS_PATH = Path(__file__).with_name("explanations.csv")
KEY = ["report_inspection_id", "area"]
COLUMNS = [*KEY, "report_value", "official_value", "official_cell", "explanation", "checked_page"]
DATE_AREA = "published_date"
FRAMEWORK_AREA = "framework"
INSPECTION_AREAS = (DATE_AREA, FRAMEWORK_AREA)
# Different names for the same inspection, not disagreements: the table files the 2013
# looked-after-children inspections as TLAC, and a separately published LSCB review under the
# SIF it belongs to.
SAME_INSPECTION = {
    ("lac_2013", "tlac"),
    ("lscb_review", "sif"),
    ("lscb_review", "sif_reinspection"),
}


class ExplanationError(ValueError):
    """explanations.csv is malformed."""


def load_explanations(path: Path = EXPLANATIONS_PATH) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns) != COLUMNS:
        raise ExplanationError(f"{path}: columns must be {COLUMNS}, found {list(df.columns)}")
    dupes = df[df.duplicated(KEY)]
    if not dupes.empty:
        raise ExplanationError(f"{path}: duplicate keys {dupes[KEY].values.tolist()}")
    blank = df[(df["explanation"].str.strip() == "") | (df["checked_page"].str.strip() == "")]
    if not blank.empty:
        raise ExplanationError(
            f"{path}: rows without explanation or checked_page: {blank[KEY].values.tolist()}"
        )
    return df


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("")


def date_disagreement(recon: pd.DataFrame, tolerance_days: int) -> pd.Series:
    return recon["days_apart"].abs().gt(tolerance_days).fillna(False).astype(bool)


def framework_disagreement(recon: pd.DataFrame) -> pd.Series:
    both = recon["report_framework"].notna() & recon["official_framework"].notna()
    pairs = zip(_text(recon["report_framework"]), _text(recon["official_framework"]), strict=True)
    differ = [r != o and (r, o) not in SAME_INSPECTION for r, o in pairs]
    return both & pd.Series(differ, index=recon.index, dtype=bool)


def attach(recon: pd.DataFrame, expl: pd.DataFrame, tolerance_days: int) -> pd.DataFrame:
    """Add ``explanation``/``checked_page`` (grade) and ``inspection_explanation`` (date or
    framework disagreement of the matched inspections) columns."""
    out = recon.copy()
    by_key = expl.set_index(KEY)
    explanation, page, inspection = [], [], []
    disagreed = out["status"].eq("disagreed")
    far = date_disagreement(out, tolerance_days)
    other = framework_disagreement(out)
    for i, r in enumerate(out.itertuples(index=False)):
        e = p = ""
        notes = []
        iid = str(r.report_inspection_id)
        checks = [
            (disagreed.iloc[i], str(r.area), r.report_grade, r.official_grade, r.official_cell),
            (far.iloc[i], DATE_AREA, r.report_published_date, r.official_published_date, ""),
            (other.iloc[i], FRAMEWORK_AREA, r.report_framework, r.official_framework, ""),
        ]
        for needed, area, mine, theirs, cell in checks:
            if not needed or (iid, area) not in by_key.index:
                continue
            g = by_key.loc[(iid, area)]
            if (g["report_value"], g["official_value"], g["official_cell"]) != (
                str(mine),
                str(theirs),
                "" if pd.isna(cell) else str(cell),
            ):
                continue  # stale: the values explained are not the values now
            if area in INSPECTION_AREAS:
                notes.append(f"{area}: {g['explanation']} (page {g['checked_page']})")
            else:
                e, p = g["explanation"], g["checked_page"]
        explanation.append(e)
        page.append(p)
        inspection.append(" | ".join(notes))
    out["explanation"] = pd.array(explanation, dtype="string")
    out["checked_page"] = pd.array(page, dtype="string")
    out["inspection_explanation"] = pd.array(inspection, dtype="string")
    return out


def unexplained(recon: pd.DataFrame, tolerance_days: int) -> pd.DataFrame:
    """Rows with a grade, date or framework disagreement lacking a (current) explanation."""
    note = _text(recon["inspection_explanation"])
    grade = recon["status"].eq("disagreed") & _text(recon["explanation"]).eq("")
    date = date_disagreement(recon, tolerance_days) & ~note.str.contains(f"{DATE_AREA}: ")
    framework = framework_disagreement(recon) & ~note.str.contains(f"{FRAMEWORK_AREA}: ")
    return recon[grade | date | framework]


def unused(recon: pd.DataFrame, expl: pd.DataFrame) -> pd.DataFrame:
    """Explanations that no longer match a disagreement (stale after a fix or re-extraction)."""
    used = set()
    for r in recon.itertuples(index=False):
        iid = str(r.report_inspection_id)
        if str(r.explanation or ""):
            used.add((iid, str(r.area)))
        for area in INSPECTION_AREAS:
            if f"{area}: " in str(r.inspection_explanation or ""):
                used.add((iid, area))
    keys = [tuple(k) for k in expl[KEY].values.tolist()]
    return expl[[k not in used for k in keys]]
