"""MHCLG revenue outturn RO3 (social care) 2022-23 to 2024-25 -> children's social care spend.

Published in £ thousand, cash; we keep £ thousand (unit says so) and never deflate. Council
rows are the children's services authorities (classes UA, MD, LB, SC) found by ONS code; the
ENGLAND row is MHCLG's estimate grossed up for missing returns, so the sum of councils falls
short of it in years with returns outstanding (marked ``not_received``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ofsted_record.context import sources
from ofsted_record.context.councils import la_code_for_ons
from ofsted_record.context.ees import SourceFormatError
from ofsted_record.context.markers import UnknownMarkerError, parse_cell
from ofsted_record.context.tidy import financial_period

COUNCIL_CLASSES = {"UA", "MD", "LB", "SC"}


@dataclass(frozen=True)
class Ro3Spec:
    measure: str
    line: str  # service line description, matched case-insensitively at the start
    column: str  # C3 total expenditure, C7 net current expenditure
    definition: str


SPECS: tuple[Ro3Spec, ...] = (
    Ro3Spec(
        "ro3_csc_total_expenditure",
        "TOTAL CHILDREN SOCIAL CARE",
        "C3",
        "RO3 total children's social care: total expenditure (employees + running)",
    ),
    Ro3Spec(
        "ro3_csc_net_current_expenditure",
        "TOTAL CHILDREN SOCIAL CARE",
        "C7",
        "RO3 total children's social care: net current expenditure (expenditure - income)",
    ),
    Ro3Spec(
        "ro3_cla_net_current_expenditure",
        "Children's social care - Children Looked After",
        "C7",
        "RO3 children looked after: net current expenditure",
    ),
    Ro3Spec(
        "ro3_safeguarding_net_current_expenditure",
        "Children's social care: Safeguarding children",
        "C7",
        "RO3 safeguarding children and young people's services: net current expenditure",
    ),
)
UNIT = "£ thousand cash"


def _labels(raw: pd.DataFrame, path) -> tuple[int, list[str]]:
    """Row index of the 'E-code' header and a 'service line - column' label per column."""
    hits = raw.index[raw[0].astype(str).str.strip() == "E-code"]
    if len(hits) == 0:
        raise SourceFormatError(f"{path}: no 'E-code' header row in the data sheet")
    head = int(hits[0])
    cols = [str(v) if isinstance(v, str) else "" for v in raw.iloc[head]]
    if " - " in cols[7]:  # 2024-25 layout: one header row 'line - column'
        return head, [re.sub(r"\s+", " ", c) for c in cols]
    lines = pd.Series(raw.iloc[head - 1]).where(lambda s: s.apply(isinstance, args=(str,)))
    lines = lines.ffill().fillna("")
    return head, [re.sub(r"\s+", " ", f"{lines.iloc[i]} - {c}") for i, c in enumerate(cols)]


def _find(labels: list[str], spec: Ro3Spec, path) -> int:
    want = re.compile(re.escape(spec.line) + r".* - .*\(" + spec.column + r"\b", re.IGNORECASE)
    found = [i for i, lab in enumerate(labels) if want.match(lab)]
    if not found:
        raise SourceFormatError(f"{path}: no column for {spec.line!r} {spec.column}")
    return found[0]


def extract_year(year: int, parts: tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    path = sources.path(parts)
    try:
        raw = pd.read_excel(path, sheet_name=3, header=None, engine="calamine")
    except (OSError, ValueError) as exc:
        raise SourceFormatError(f"{path}: cannot read ODS ({exc})") from exc
    head, labels = _labels(raw, path)
    # a second 'E-code' header below the ENGLAND row starts the class breakdown: stop there
    after = raw.index[(raw.index > head) & (raw[0].astype(str).str.strip() == "E-code")]
    data = raw.iloc[head + 1 : int(after[0]) if len(after) else len(raw)]
    src = sources.label(parts)
    councils: list[dict] = []
    areas: list[dict] = []
    for spec in SPECS:
        col = _find(labels, spec, path)
        for rec in data.itertuples(index=False):
            ons, klass = str(rec[1]).strip(), str(rec[4]).strip()
            try:
                value, status = parse_cell(rec[col])
            except UnknownMarkerError as exc:
                raise SourceFormatError(f"{path}: {spec.measure} {ons}: {exc}") from exc
            base = {
                "year": year,
                "period": financial_period(year),
                "measure": spec.measure,
                "value": value,
                "status": status,
                "source": src,
            }
            if ons == "E92000001":
                areas.append(
                    {**base, "level": "national", "area_code": ons, "area_name": "England"}
                )
                continue
            if klass not in COUNCIL_CLASSES:
                continue
            code = la_code_for_ons(ons)
            if code is None:
                raise SourceFormatError(f"{path}: no DfE code for {ons} {rec[2]!r}")
            councils.append({**base, "la_code": code, "note": ""})
    return councils, areas


def extract() -> tuple[list[dict], list[dict], list[str]]:
    councils: list[dict] = []
    areas: list[dict] = []
    problems: list[str] = []
    for year, parts in sorted(sources.RO3.items()):
        try:
            c, a = extract_year(year, parts)
        except SourceFormatError as exc:
            problems.append(str(exc))
            continue
        councils += c
        areas += a
    return councils, areas, problems
