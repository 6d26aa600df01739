"""Build the council register tables from the DfE, data-to-insight and Ofsted inputs.

Outputs (in ``data/processed/`` unless told otherwise), all sorted and byte-stable:

* ``councils.csv`` — one row per children's services authority in force on or after
  1 April 2009 (158: 153 today plus old Dorset, Bournemouth, Poole, Northamptonshire, Cumbria).
* ``council_codes.csv`` — la_code ↔ ONS code with the dates each ONS code was valid (DfE list).
* ``council_names.csv`` — normalised alias → la_code, dated only where a name is ambiguous.
* ``council_links.csv`` — predecessor → successor with the effective date.
* ``council_urns.csv`` — Ofsted provider URN → la_code with the input(s) that state it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from ofsted_record.register import curated, sources
from ofsted_record.register.normalise import core_key, exact_key, slugify
from ofsted_record.tables import write_csv

COUNCIL_COLUMNS = [
    "la_code",
    "name",
    "short_name",
    "slug",
    "la_type",
    "region_code",
    "region_name",
    "valid_from",
    "valid_to",
    "ofsted_urns",
    "ons_code",
    "predecessors",
    "successors",
]
CODE_COLUMNS = ["la_code", "ons_code", "valid_from", "valid_to"]
NAME_COLUMNS = ["alias", "la_code", "valid_from", "valid_to", "sources"]
LINK_COLUMNS = ["predecessor_la_code", "successor_la_code", "effective_date", "note"]
URN_COLUMNS = ["urn", "la_code", "sources"]

# Names that mean different councils at different times. Any other collision is a build error.
DATED_ALIASES = frozenset({"dorset"})
# Order of URN sources in councils.ofsted_urns: the corpus folder first, then Ofsted's own link.
URN_SOURCE_ORDER = ("report_folder", "ofsted_official_ods", "d2i_lookup")
BEFORE_2019 = date(2019, 3, 31)


class RegisterBuildError(ValueError):
    """The inputs disagree with each other or with the curated facts."""


@dataclass
class Register:
    councils: pd.DataFrame
    codes: pd.DataFrame
    names: pd.DataFrame
    links: pd.DataFrame
    urns: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _in_scope(rows: list[sources.DfeCode]) -> bool:
    ends = [r.valid_to for r in rows]
    return any(not end for end in ends) or max(ends) >= curated.RECORD_START


def _short_name(la_code: str, dfe_name: str) -> str:
    return curated.SHORT_NAMES.get(la_code, dfe_name)


def _council_rows(codes: list[sources.DfeCode], regions: dict) -> dict[str, dict[str, str]]:
    by_la: dict[str, list[sources.DfeCode]] = defaultdict(list)
    for row in codes:
        by_la[row.la_code].append(row)
    councils: dict[str, dict[str, str]] = {}
    for la_code, rows in sorted(by_la.items()):
        if not _in_scope(rows):
            continue
        rows.sort(key=lambda r: (r.valid_from, r.ons_code))
        last = rows[-1]
        if la_code not in curated.OFFICIAL_NAMES:
            raise RegisterBuildError(
                f"dfe_las.csv: la_code {la_code} ({last.name}) has no official name"
            )
        if la_code not in regions:
            raise RegisterBuildError(
                f"dfe_region_la_hierarchy.csv: no region for la_code {la_code}"
            )
        starts = min(r.valid_from for r in rows)
        if la_code in curated.CREATED_2009:
            valid_from = curated.RECORD_START
        elif starts > curated.RECORD_START:
            valid_from = starts
        else:
            valid_from = ""  # in force before the record starts
        ends = [r.valid_to for r in rows]
        short = _short_name(la_code, last.name)
        councils[la_code] = {
            "la_code": la_code,
            "name": curated.OFFICIAL_NAMES[la_code],
            "short_name": short,
            "slug": curated.SLUGS.get(la_code, slugify(short)),
            "la_type": curated.LA_TYPES[last.entity_code],
            "region_code": regions[la_code][0],
            "region_name": regions[la_code][1],
            "valid_from": valid_from,
            "valid_to": "" if any(not e for e in ends) else max(ends),
            "ons_code": last.ons_code,
        }
    return councils


def _check_links(councils: dict[str, dict[str, str]]) -> None:
    for pred, succ, effective, _ in curated.LINKS:
        for code in (pred, succ):
            if code not in councils:
                raise RegisterBuildError(f"link {pred}->{succ}: la_code {code} not in dfe_las.csv")
        day_before = (date.fromisoformat(effective) - timedelta(days=1)).isoformat()
        if councils[pred]["valid_to"] != day_before:
            raise RegisterBuildError(
                f"dfe_las.csv: {pred} ends {councils[pred]['valid_to'] or 'never'}, "
                f"but the link to {succ} takes effect {effective}"
            )
        if councils[succ]["valid_from"] != effective:
            raise RegisterBuildError(
                f"dfe_las.csv: {succ} starts {councils[succ]['valid_from'] or 'before 2009'}, "
                f"but the link from {pred} takes effect {effective}"
            )


class _AliasIndex:
    """Collects alias keys -> la_code -> sources, then dates the allowed ambiguous ones."""

    def __init__(self, councils: dict[str, dict[str, str]]) -> None:
        self.councils = councils
        self.keys: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(self, la_code: str, name: str, source: str) -> None:
        if la_code not in self.councils:
            raise RegisterBuildError(f"{source}: alias {name!r} for unknown la_code {la_code}")
        for key in {exact_key(name), core_key(name)}:
            if key:
                self.keys[key][la_code].add(source)

    def rows(self) -> list[dict[str, str]]:
        out = []
        for key, by_la in self.keys.items():
            dated = len(by_la) > 1
            if dated and key not in DATED_ALIASES:
                detail = ", ".join(f"{la} via {sorted(src)}" for la, src in sorted(by_la.items()))
                raise RegisterBuildError(f"alias {key!r} names more than one council: {detail}")
            periods = []
            for la_code, srcs in sorted(by_la.items()):
                council = self.councils[la_code]
                start, end = (council["valid_from"], council["valid_to"]) if dated else ("", "")
                periods.append((start or "0000", end or "9999"))
                out.append(
                    {
                        "alias": key,
                        "la_code": la_code,
                        "valid_from": start,
                        "valid_to": end,
                        "sources": ";".join(sorted(srcs)),
                    }
                )
            periods.sort()
            for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
                if start <= end:
                    raise RegisterBuildError(f"alias {key!r}: the councils' periods overlap")
        return out

    def lookup(self, name: str, on: date | None = None) -> str | None:
        for key in (exact_key(name), core_key(name)):
            by_la = self.keys.get(key)
            if not by_la:
                continue
            if len(by_la) == 1:
                return next(iter(by_la))
            when = (on or date.today()).isoformat()
            hits = [
                la
                for la in by_la
                if (self.councils[la]["valid_from"] or "0000") <= when
                and when <= (self.councils[la]["valid_to"] or "9999")
            ]
            return hits[0] if len(hits) == 1 else None
        return None


def build_register(
    *,
    dfe_las: Path | None = None,
    hierarchy: Path | None = None,
    d2i: Path | None = None,
    official_ods: Path | None = None,
    reports_dir: Path | None = None,
) -> Register:
    """Read the inputs and return the register tables (nothing written)."""
    codes = sources.dfe_codes(dfe_las)
    regions = sources.dfe_regions(hierarchy)
    councils = _council_rows(codes, regions)
    _check_links(councils)

    index = _AliasIndex(councils)
    for row in codes:
        if row.la_code in councils:
            index.add(row.la_code, row.name, "dfe_las")
    for la_code, (_, _, name) in regions.items():
        if la_code in councils:
            index.add(la_code, name, "dfe_hierarchy")
    for la_code, council in councils.items():
        index.add(la_code, council["short_name"], "short_name")
        index.add(la_code, council["name"], "official_name")
    for la_code, aliases in curated.EXTRA_ALIASES.items():
        for alias in aliases:
            index.add(la_code, alias, "curated")
    d2i_rows = sources.d2i_lookup(d2i)
    warnings: list[str] = []
    for row in d2i_rows:
        if row.la_code not in councils:
            raise RegisterBuildError(
                f"ofsted_provider_lookup_d2i.csv: unknown la_code {row.la_code}"
            )
        for name in row.names:
            index.add(row.la_code, name, "d2i_lookup")

    urns: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in d2i_rows:
        urns[row.urn][row.la_code].add("d2i_lookup")
        dfe_ons = councils[row.la_code]["ons_code"]
        if row.ons_code and row.ons_code != dfe_ons:
            warnings.append(
                f"d2i lookup gives {row.la_code} ONS {row.ons_code}; DfE list says {dfe_ons} (DfE kept)"
            )
    for name, number, before in sources.official_table_links(official_ods):
        on = BEFORE_2019 if before else None
        la_code = index.lookup(name, on)
        if la_code is None:
            raise RegisterBuildError(
                f"{sources.OFFICIAL_ODS[1]}: official-table name {name!r} not resolved"
            )
        if len(number) == 3:
            if number != la_code:
                raise RegisterBuildError(
                    f"{sources.OFFICIAL_ODS[1]}: {name!r} links to DfE code {number}, resolves to {la_code}"
                )
            continue
        urns[number][la_code].add("ofsted_official_ods")
    for urn, folder in sources.report_folders(reports_dir):
        la_code = index.lookup(folder)
        if la_code is None:
            raise RegisterBuildError(f"report folder {urn}_{folder}: name not resolved")
        urns[urn][la_code].add("report_folder")

    urn_rows = []
    by_council: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for urn, by_la in urns.items():
        if len(by_la) > 1:
            raise RegisterBuildError(f"URN {urn} is given for several councils: {dict(by_la)}")
        ((la_code, srcs),) = by_la.items()
        urn_rows.append({"urn": urn, "la_code": la_code, "sources": ";".join(sorted(srcs))})
        rank = min(URN_SOURCE_ORDER.index(s) for s in srcs)
        by_council[la_code].append((rank, int(urn), urn))

    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for pred, succ, _, _ in curated.LINKS:
        preds[succ].append(pred)
        succs[pred].append(succ)
    for la_code, council in councils.items():
        council["ofsted_urns"] = ";".join(u for _, _, u in sorted(by_council.get(la_code, [])))
        council["predecessors"] = ";".join(sorted(preds.get(la_code, [])))
        council["successors"] = ";".join(sorted(succs.get(la_code, [])))
        if not council["ofsted_urns"]:
            warnings.append(f"no Ofsted URN for {la_code} {council['short_name']} in any input")

    code_rows = [
        {
            "la_code": r.la_code,
            "ons_code": r.ons_code,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
        }
        for r in codes
        if r.la_code in councils
    ]
    return Register(
        councils=pd.DataFrame(list(councils.values()), columns=COUNCIL_COLUMNS),
        codes=pd.DataFrame(code_rows, columns=CODE_COLUMNS),
        names=pd.DataFrame(index.rows(), columns=NAME_COLUMNS),
        links=pd.DataFrame([dict(zip(LINK_COLUMNS, link, strict=True)) for link in curated.LINKS]),
        urns=pd.DataFrame(urn_rows, columns=URN_COLUMNS),
        warnings=sorted(set(warnings)),
    )


def write_register(out_dir: Path, register: Register | None = None) -> dict[str, Path]:
    """Build (unless given) and write the five register CSVs into ``out_dir``."""
    register = register or build_register()
    return {
        "councils": write_csv(register.councils, out_dir / "councils.csv", sort_by=["la_code"]),
        "council_codes": write_csv(
            register.codes,
            out_dir / "council_codes.csv",
            sort_by=["la_code", "valid_from", "ons_code"],
        ),
        "council_names": write_csv(
            register.names, out_dir / "council_names.csv", sort_by=["alias", "la_code"]
        ),
        "council_links": write_csv(
            register.links,
            out_dir / "council_links.csv",
            sort_by=["effective_date", "predecessor_la_code", "successor_la_code"],
        ),
        "council_urns": write_csv(
            register.urns, out_dir / "council_urns.csv", sort_by=["la_code", "urn"]
        ),
    }
