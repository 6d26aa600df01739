"""Match report-derived inspections to the official table's, then compare judgement by judgement.

Inspection level: a report inspection matches an official inspection of the same council
(``la_code``) and framework family whose publication date is within ``TOLERANCE_DAYS``; pairs
are taken closest first, each official inspection taking at most one report of each report
class (a SIF report and a separately published LSCB review may both match one SIF row of the
table, which prints the LSCB judgement beside the SIF ones).

Judgement level: within matched inspections, areas are joined: same grade -> ``matched``,
different -> ``disagreed``, comparing each report's grade with the grade the table prints
(:func:`grades.table_grade` of ``grade_raw``, not the record's pre-2013 ``adequate``, so the
table's restatement stays an explained disagreement); a judgement on one side only ->
``only_in_reports`` /
``only_in_table`` with a ``reason`` saying why (computed, see ``reasons``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ofsted_record.official.grades import table_grade

# Official table and report publication dates were measured to differ by at most a few days
# (docs/official.md gives the distribution); 21 days leaves room without ever reaching the
# next inspection of the same family (at least months apart).
TOLERANCE_DAYS = 21
# A pair further apart is matched only when each is the other's sole candidate this close.
OUTLIER_WINDOW_DAYS = 120
RULE_TOLERANCE = "within_tolerance"
RULE_OUTLIER = "sole_candidate_date_disagrees"

FAMILY: dict[str, str] = {
    "slac": "slac",
    "slac_reinspection": "slac",
    "cpi": "cpi",
    "cpri": "cpi",
    "tlac": "lac",
    "lac_2013": "lac",
    "sif": "sif",
    "sif_reinspection": "sif",
    "lscb_review": "sif",
    "ilacs_standard": "ilacs",
    "ilacs_short": "ilacs",
    "ilacs_2026": "ilacs",
}

# Report frameworks published separately from the inspection whose table row they share.
REPORT_CLASS: dict[str, str] = {"lscb_review": "lscb"}

STATUSES = ("matched", "disagreed", "only_in_reports", "only_in_table")

RECON_COLUMNS = [
    "la_code",
    "family",
    "area",
    "status",
    "reason",
    "official_inspection_id",
    "report_inspection_id",
    "report_framework",
    "report_published_date",
    "official_framework",
    "official_published_date",
    "days_apart",
    "match_rule",
    "report_grade",
    "official_grade",
    "report_grade_raw",
    "official_grade_raw",
    "report_page",
    "official_cell",
]
RECON_SORT = [
    "la_code",
    "family",
    "official_published_date",
    "report_published_date",
    "area",
    "report_inspection_id",
]


class UnknownFramework(ValueError):
    """A framework value outside the vocabulary in data/README.md."""


def family_of(framework: str) -> str:
    try:
        return FAMILY[framework]
    except KeyError:
        raise UnknownFramework(f"framework {framework!r} is not in the vocabulary") from None


@dataclass(frozen=True)
class InspectionMatch:
    report_inspection_id: str
    official_key: tuple[str, str, str]  # la_code, framework, published_date
    days_apart: int
    rule: str = "within_tolerance"


def official_inspection_keys(official: pd.DataFrame) -> pd.DataFrame:
    """Distinct official inspections with their family."""
    ins = (
        official[["la_code", "framework", "published_date"]]
        .drop_duplicates()
        .sort_values(["la_code", "framework", "published_date"])
        .reset_index(drop=True)
    )
    ins["family"] = ins["framework"].map(family_of)
    return ins


def official_inspection_id(la_code: str, framework: str, published_date: str) -> str:
    """Id of an inspection known only from the official table (data/README.md)."""
    return f"official-{la_code}-{framework}-{published_date}"


def _fw(rep_ins: pd.DataFrame, m: InspectionMatch) -> str:
    return str(rep_ins.at[m.report_inspection_id, "framework"])


def match_inspections(
    report_inspections: pd.DataFrame,
    official: pd.DataFrame,
    tolerance_days: int = TOLERANCE_DAYS,
    outlier_window_days: int = OUTLIER_WINDOW_DAYS,
) -> list[InspectionMatch]:
    """Closest-first one-to-one matching (per report class).

    Pass 1 takes pairs within ``tolerance_days``. Pass 2 takes, among what is left, a pair
    within ``outlier_window_days`` when each side is the other's only candidate: a date
    disagreement (a mistyped date in the table, an LSCB review published weeks after its SIF)
    that must then be explained by hand like a grade disagreement.
    """
    reports = report_inspections[["inspection_id", "la_code", "framework", "published_date"]]
    reports = reports.dropna(subset=["la_code", "published_date"]).copy()
    reports["family"] = reports["framework"].map(family_of)
    offs = official_inspection_keys(official)
    pairs = reports.merge(offs, on=["la_code", "family"], suffixes=("_r", "_o"))
    if pairs.empty:
        return []
    delta = pd.to_datetime(pairs["published_date_r"]) - pd.to_datetime(pairs["published_date_o"])
    pairs["days"] = delta.dt.days.astype(int)
    pairs["abs_days"] = pairs["days"].abs()
    pairs["klass"] = pairs["framework_r"].map(lambda f: REPORT_CLASS.get(f, "main"))
    # Closest first; ties broken by ids so the result never depends on row order.
    pairs = pairs.sort_values(
        ["abs_days", "inspection_id", "framework_o", "published_date_o"], kind="mergesort"
    )
    taken_reports: set[str] = set()
    taken_official: set[tuple[str, str, str, str]] = set()
    matches: list[InspectionMatch] = []

    def take(p, rule: str) -> None:
        key = (p.la_code, p.framework_o, p.published_date_o)
        taken_reports.add(p.inspection_id)
        taken_official.add((*key, p.klass))
        matches.append(InspectionMatch(p.inspection_id, key, int(p.days), rule))

    for p in pairs[pairs["abs_days"] <= tolerance_days].itertuples(index=False):
        slot = (p.la_code, p.framework_o, p.published_date_o, p.klass)
        if p.inspection_id not in taken_reports and slot not in taken_official:
            take(p, RULE_TOLERANCE)
    left = pairs[
        (pairs["abs_days"] <= outlier_window_days)
        & ~pairs["inspection_id"].isin(taken_reports)
        & ~pd.Series(
            [
                (r.la_code, r.framework_o, r.published_date_o, r.klass) in taken_official
                for r in pairs.itertuples(index=False)
            ],
            index=pairs.index,
            dtype=bool,
        )
    ]
    slot_cols = ["la_code", "framework_o", "published_date_o", "klass"]
    per_report = left.groupby("inspection_id")["inspection_id"].transform("size")
    per_slot = left.groupby(slot_cols)["inspection_id"].transform("size")
    for p in left[(per_report == 1) & (per_slot == 1)].itertuples(index=False):
        take(p, RULE_OUTLIER)
    return sorted(matches, key=lambda m: (m.official_key, m.report_inspection_id))


def _printed(official_row: pd.Series) -> str:
    """The official grade as the table prints it (see the module docstring)."""
    return table_grade(str(official_row["grade_raw"]), str(official_row["sheet_cell"]))


def reconcile(
    report_inspections: pd.DataFrame,
    report_judgements: pd.DataFrame,
    official: pd.DataFrame,
    tolerance_days: int = TOLERANCE_DAYS,
) -> tuple[pd.DataFrame, list[InspectionMatch]]:
    """One row per official or report judgement, with its status (``reason`` left empty here)."""
    matches = match_inspections(report_inspections, official, tolerance_days)
    rep_ins = report_inspections.set_index("inspection_id")
    rep_j = report_judgements.merge(
        report_inspections[["inspection_id", "la_code", "framework", "published_date"]],
        on="inspection_id",
        how="inner",
    )
    official = official.copy()
    official["family"] = official["framework"].map(family_of)
    rep_j["family"] = rep_j["framework"].map(family_of)

    by_official: dict[tuple[str, str, str], list[InspectionMatch]] = {}
    for m in matches:
        by_official.setdefault(m.official_key, []).append(m)
    matched_reports = {m.report_inspection_id: m for m in matches}

    rows: list[dict[str, object]] = []

    def report_side(j: pd.Series | None) -> dict[str, object]:
        if j is None:
            return {}
        return {
            "report_inspection_id": j["inspection_id"],
            "report_framework": j["framework"],
            "report_published_date": j["published_date"],
            "report_grade": j["grade"],
            "report_grade_raw": j["grade_raw"],
            "report_page": j.get("page", ""),
        }

    def official_side(o: pd.Series | None) -> dict[str, object]:
        if o is None:
            return {}
        return {
            "official_framework": o["framework"],
            "official_published_date": o["published_date"],
            "official_grade": _printed(o),
            "official_grade_raw": o["grade_raw"],
            "official_cell": o["sheet_cell"],
        }

    official_groups = official.groupby(["la_code", "framework", "published_date"], sort=True)
    for key, o_rows in official_groups:
        key = tuple(str(k) for k in key)
        ms = by_official.get(key, [])
        # report judgements of every report inspection matched to this official inspection
        r_rows = rep_j[rep_j["inspection_id"].isin([m.report_inspection_id for m in ms])]
        days = {m.report_inspection_id: m.days_apart for m in ms}
        o_by_area = {r["area"]: r for _, r in o_rows.iterrows()}
        r_by_area: dict[str, pd.Series] = {}
        for _, r in r_rows.sort_values(["inspection_id"]).iterrows():
            r_by_area.setdefault(r["area"], r)
        # inspection-level keys of both sides, shown even on one-sided rows of a matched pair
        main = sorted(
            ms,
            key=lambda m: (
                REPORT_CLASS.get(_fw(rep_ins, m), "main") != "main",
                m.report_inspection_id,
            ),
        )
        pair_report = {}
        if main:
            iid = main[0].report_inspection_id
            pair_report = {
                "report_inspection_id": iid,
                "report_framework": rep_ins.at[iid, "framework"],
                "report_published_date": rep_ins.at[iid, "published_date"],
                "days_apart": main[0].days_apart,
            }
        first = o_rows.iloc[0]
        pair_official = {
            "official_inspection_id": official_inspection_id(*key),
            "official_framework": first["framework"],
            "official_published_date": first["published_date"],
        }
        for area in sorted(set(o_by_area) | set(r_by_area)):
            o, r = o_by_area.get(area), r_by_area.get(area)
            if o is not None and r is not None:
                status = "matched" if _printed(o) == r["grade"] else "disagreed"
            elif o is not None:
                status = "only_in_table"
            else:
                status = "only_in_reports"
            rows.append(
                {
                    "la_code": key[0],
                    "family": family_of(key[1]),
                    "area": area,
                    "status": status,
                    **pair_official,
                    **pair_report,
                    **official_side(o),
                    **report_side(r),
                    **({"days_apart": days[r["inspection_id"]]} if r is not None else {}),
                }
            )
        # a matched report inspection's judgements on areas duplicated by another report are
        # still listed, as report-only rows, so no report judgement is dropped
        for _, r in r_rows.iterrows():
            chosen = r_by_area.get(r["area"])
            if chosen is not None and chosen["inspection_id"] != r["inspection_id"]:
                rows.append(
                    {
                        "la_code": key[0],
                        "family": family_of(key[1]),
                        "area": r["area"],
                        "status": "only_in_reports",
                        **pair_official,
                        **report_side(r),
                        "days_apart": days.get(r["inspection_id"]),
                    }
                )
    unmatched = rep_j[~rep_j["inspection_id"].isin(matched_reports)]
    for _, r in unmatched.iterrows():
        rows.append(
            {
                "la_code": r["la_code"],
                "family": r["family"],
                "area": r["area"],
                "status": "only_in_reports",
                **report_side(r),
            }
        )
    # report inspections with no judgements at all still need a row to be accounted for
    judged = set(rep_j["inspection_id"])
    for iid, ins in rep_ins.iterrows():
        if iid not in judged and pd.notna(ins.get("la_code")):
            rows.append(
                {
                    "la_code": ins["la_code"],
                    "family": family_of(ins["framework"]),
                    "area": "",
                    "status": "only_in_reports",
                    "report_inspection_id": iid,
                    "report_framework": ins["framework"],
                    "report_published_date": ins["published_date"],
                    "days_apart": matched_reports[iid].days_apart
                    if iid in matched_reports
                    else None,
                }
            )
    out = pd.DataFrame(rows)
    for col in RECON_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["days_apart"] = out["days_apart"].astype("Int64")
    rules = {m.report_inspection_id: m.rule for m in matches}
    paired = out["official_inspection_id"].notna() & out["report_inspection_id"].notna()
    out["match_rule"] = out["report_inspection_id"].map(rules).where(paired)
    out = out[RECON_COLUMNS].astype({c: "string" for c in RECON_COLUMNS if c != "days_apart"})
    out = out.sort_values(RECON_SORT, kind="mergesort", na_position="last").reset_index(drop=True)
    return out, matches
