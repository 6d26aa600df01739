"""The council register: scope, codes, links, and name resolution on every real input spelling."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record import config
from ofsted_record.register import (
    UnresolvedCouncil,
    is_aggregate_name,
    la_code_for_ons,
    la_code_for_urn,
    load_councils,
    resolve_joint,
    resolve_name,
)
from ofsted_record.register.build import RegisterBuildError, build_register, write_register
from ofsted_record.register.sources import RegisterInputError
from ofsted_record.tables import read_csv

PROCESSED = config.processed_dir()
TABLES = ("councils", "council_codes", "council_names", "council_links", "council_urns")


def _councils_on(day: date) -> pd.DataFrame:
    c = load_councils().fillna("")
    iso = day.isoformat()
    return c[
        ((c.valid_from == "") | (c.valid_from <= iso)) & ((c.valid_to == "") | (c.valid_to >= iso))
    ]


def _ons_codes_on(day: date) -> set[str]:
    codes = read_csv(PROCESSED / "council_codes.csv").fillna("")
    iso = day.isoformat()
    ok = (codes.valid_from <= iso) & ((codes.valid_to == "") | (codes.valid_to >= iso))
    return set(codes.loc[ok, "ons_code"])


# -- build -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory, shared_data: Path) -> Path:
    out = tmp_path_factory.mktemp("register_a")
    write_register(out)
    return out


def test_rebuild_is_byte_identical_and_matches_committed(rebuilt: Path, tmp_path: Path) -> None:
    write_register(tmp_path)
    for table in TABLES:
        again = (tmp_path / f"{table}.csv").read_bytes()
        assert (rebuilt / f"{table}.csv").read_bytes() == again, table
        assert (PROCESSED / f"{table}.csv").read_bytes() == again, (
            f"committed {table}.csv is stale: run `ofsted-record register`"
        )


def test_scope_is_every_authority_since_april_2009() -> None:
    c = load_councils()
    assert c.la_code.is_unique and c.slug.is_unique
    assert len(c) == 158  # 153 in force today + old Dorset, Bournemouth, Poole, Northants, Cumbria
    assert {"201", "420"} <= set(c.la_code)  # City of London and the Isles of Scilly
    assert not {"820", "875"} & set(c.la_code)  # Bedfordshire, Cheshire: abolished 31 March 2009
    abolished = c[c.valid_to.notna()].set_index("la_code").valid_to.to_dict()
    # dfe_las.csv: date_of_termination of E10000009, E06000029, E06000028, E10000021, E10000006
    assert abolished == {
        "835": "2019-03-31",
        "836": "2019-03-31",
        "837": "2019-03-31",
        "928": "2021-03-31",
        "909": "2023-03-31",
    }


def test_counts_agree_with_ons_boundaries(shared_data: Path) -> None:
    """Councils in force on a date = ONS upper-tier areas of that year's boundaries."""
    ctyua23 = json.loads(
        (shared_data / "geography" / "ons_CTYUA_Dec2023_UK_BSC.geojson").read_text()
    )
    english23 = {
        f["properties"]["CTYUA23CD"]
        for f in ctyua23["features"]
        if f["properties"]["CTYUA23CD"].startswith("E")
    }
    assert len(english23) == 153
    assert len(_councils_on(date(2026, 4, 1))) == 153
    assert _ons_codes_on(date(2024, 1, 1)) == english23

    topo = json.loads(
        (shared_data / "geography" / "ons_uk_topojson_2014_2025_topo.json").read_text()
    )
    utla = [g["properties"] for g in topo["objects"]["utla"]["geometries"]]
    for year in range(2014, 2026):
        ons = {
            p["areacd"]
            for p in utla
            if p["areacd"].startswith("E") and p.get("start", 0) <= year <= p.get("end", 9999)
        }
        day = date(year, 6, 30)
        assert _ons_codes_on(day) == ons, year
        assert len(_councils_on(day)) == len(ons), year
    assert len(_councils_on(date(2019, 3, 31))) == 152
    assert len(_councils_on(date(2014, 6, 30))) == 152
    assert len(_councils_on(date(2021, 3, 31))) == 151


def test_ons_recodes_keep_the_la_code() -> None:
    # dfe_las.csv rows for 825, 815, 933, 370, 373, 390, 929
    assert la_code_for_ons("E10000002") == la_code_for_ons("E06000060") == "825"
    assert la_code_for_ons("E10000023") == la_code_for_ons("E06000065") == "815"
    assert la_code_for_ons("E10000027") == la_code_for_ons("E06000066") == "933"
    assert la_code_for_ons("E08000016") == la_code_for_ons("E08000038") == "370"
    assert la_code_for_ons("E08000019") == la_code_for_ons("E08000039") == "373"
    assert la_code_for_ons("E08000020") == la_code_for_ons("E08000037") == "390"
    assert la_code_for_ons("E06000048") == la_code_for_ons("E06000057") == "929"
    assert la_code_for_ons("E08000016", on=date(2025, 4, 30)) == "370"
    with pytest.raises(UnresolvedCouncil, match="E08000016.*not in use on 2025-05-01"):
        la_code_for_ons("E08000016", on=date(2025, 5, 1))
    with pytest.raises(UnresolvedCouncil, match="E06999999"):
        la_code_for_ons("E06999999")
    c = load_councils().set_index("la_code")
    assert c.loc["370", "ons_code"] == "E08000038" and c.loc["825", "ons_code"] == "E06000060"


def test_reorganisation_links_with_dates() -> None:
    links = read_csv(PROCESSED / "council_links.csv")
    got = {
        (r.predecessor_la_code, r.successor_la_code, r.effective_date) for r in links.itertuples()
    }
    assert got == {
        ("835", "838", "2019-04-01"),
        ("835", "839", "2019-04-01"),
        ("836", "839", "2019-04-01"),
        ("837", "839", "2019-04-01"),
        ("928", "940", "2021-04-01"),
        ("928", "941", "2021-04-01"),
        ("909", "942", "2023-04-01"),
        ("909", "943", "2023-04-01"),
    }
    c = load_councils().set_index("la_code").fillna("")
    for pred, succ, effective in got:
        day = date.fromisoformat(effective)
        assert c.loc[pred, "valid_to"] == (day - timedelta(days=1)).isoformat()
        assert c.loc[succ, "valid_from"] == effective
        assert succ in c.loc[pred, "successors"].split(";")
        assert pred in c.loc[succ, "predecessors"].split(";")
    assert c.loc["839", "predecessors"] == "835;836;837"


def test_dorset_is_resolved_by_date() -> None:
    assert resolve_name("Dorset", on=date(2019, 3, 31)) == "835"
    assert resolve_name("Dorset", on=date(2019, 4, 1)) == "838"
    assert resolve_name("Dorset") == "838"  # default: today
    assert resolve_name("Dorset County Council") == "835"
    assert resolve_name("Dorset Council", on=date(2020, 1, 1)) == "838"
    assert resolve_name("Dorset (Pre LG)") == "835"  # LAIT's label
    names = read_csv(PROCESSED / "council_names.csv").fillna("")
    dorset = names[names.alias == "dorset"].set_index("la_code")
    assert (
        dorset.loc["835", "valid_to"] == "2019-03-31"
        and dorset.loc["838", "valid_from"] == "2019-04-01"
    )
    # every other alias means one council whatever the date
    assert set(names.loc[names.valid_from.ne("") | names.valid_to.ne(""), "alias"]) == {"dorset"}


def test_dates_may_be_datetimes_and_aggregates_are_not_councils() -> None:
    assert resolve_name("Dorset", on=pd.Timestamp("2019-03-31 23:00")) == "835"
    assert la_code_for_ons("E08000016", on=pd.Timestamp("2025-04-30 09:00")) == "370"
    assert is_aggregate_name("Yorkshire and the Humber") and is_aggregate_name("London (Inner)")
    assert not is_aggregate_name("City of London") and not is_aggregate_name("Dorset")


def test_urns_of_abolished_councils() -> None:
    c = load_councils().set_index("la_code").fillna("")
    # URNs in the HYPERLINK formulas of the official ODS (LA_inspections_2009-2023, tables 1 and 11)
    assert c.loc["837", "ofsted_urns"] == "80434"
    assert c.loc["836", "ofsted_urns"].split(";")[0] == "80433"
    assert c.loc["835", "ofsted_urns"] == "80463"
    assert c.loc["909", "ofsted_urns"].split(";")[0] == "80457"
    assert c.loc["928", "ofsted_urns"] == "121939"  # only the d2i lookup gives one
    assert la_code_for_urn("80463") == "835" and la_code_for_urn(2532283) == "838"
    with pytest.raises(UnresolvedCouncil, match="999999"):
        la_code_for_urn(999999)


# -- resolution on real inputs ---------------------------------------------------------------


def test_every_report_folder_resolves_and_its_urn_agrees(corpus_dir: Path) -> None:
    urns = read_csv(PROCESSED / "council_urns.csv").set_index("urn")
    folders = [p.name for p in corpus_dir.iterdir() if p.is_dir()]
    assert len(folders) == 153
    for folder in folders:
        urn, name = folder.split("_", 1)
        assert resolve_name(name, source=folder) == la_code_for_urn(urn), folder
        # independently confirmed by the data-to-insight lookup, not only by the folder name
        assert "d2i_lookup" in urns.loc[urn, "sources"], folder


def test_every_official_table_row_resolves_once(shared_data: Path) -> None:
    from python_calamine import CalamineWorkbook

    path = (
        shared_data
        / "ofsted-official"
        / "Childrens_social_care_in_England_2023_underlying_data.ods"
    )
    rows = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("LA_inspections_2009-2023")
        .to_python()
    )
    header = [i for i, r in enumerate(rows) if r[1] == "Local authority name"]
    assert len(header) == 2  # table 1 (councils at March 2023) and table 11 (before restructure)
    main = [r[1] for r in rows[header[0] + 1 : header[1]] if r[1]]
    before = [r[1] for r in rows[header[1] + 1 :] if r[1]]
    main_codes = [resolve_name(n, on=date(2023, 3, 31), source=path.name) for n in main]
    assert len(main_codes) == len(set(main_codes)) == 152
    assert set(main_codes) == set(_councils_on(date(2023, 3, 31)).la_code)
    before_codes = [resolve_name(n, on=date(2019, 3, 31), source=path.name) for n in before]
    assert before_codes == ["837", "835", "836", "928"]  # Bournemouth, Dorset, Poole, Northants
    assert (
        resolve_name("Bedford Borough") == "822" and resolve_name("Richmond Upon Thames") == "318"
    )


EES_SNAPSHOT = {  # month, day the EES `time_period` year refers to
    "csww_indicators_2017_to_2025.csv": (9, 30),
    "ons_mid-year_population_estimates_2012_to_2024.csv": (6, 30),
}


def test_every_ees_la_name_resolves(shared_data: Path) -> None:
    """Every LA row's name resolves to its own old_la_code, dated by its time_period.

    Some CLA files also carry rows for a council outside its lifetime (suppressed 'x' rows for
    old Dorset in 2020-23, new Dorset in 2019): there the name alone names the council in force,
    and only those rows may disagree with old_la_code.
    """
    councils = load_councils().fillna("").set_index("la_code")
    checked, out_of_period = 0, set()
    for path in sorted((shared_data / "context" / "ees").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        name_col = "la_name" if "la_name" in rows[0] else "LA Name"
        code_col = "old_la_code" if "old_la_code" in rows[0] else "LA num"
        month, day = EES_SNAPSHOT.get(path.name, (3, 31))
        seen = set()
        for row in rows:
            name, code = row[name_col].strip(), row[code_col].strip()
            level = row.get("geographic_level", "Local authority")
            key = (name, code, row.get("time_period", ""), level)
            if key in seen:
                continue
            seen.add(key)
            if level != "Local authority":
                assert not name and is_aggregate_name(row["region_name"] or row["country_name"])
                continue
            if not re.fullmatch(r"\d{3}( / \d{3})*", code):
                continue  # a note row ('Old SNs:') in the statistical neighbours sheet
            period = row.get("time_period", "")
            on = date(int(period[:4]), month, day) if period else date(2025, 1, 1)
            if " / " in name:
                assert resolve_joint(name, on=on, source=path.name) == tuple(code.split(" / "))
            else:
                got = resolve_name(name, on=on, source=path.name)
                if got != code:
                    council = councils.loc[code]
                    iso = on.isoformat()
                    in_force = (council.valid_from or "0000") <= iso <= (council.valid_to or "9999")
                    assert not in_force, (path.name, name, period, got, code)
                    out_of_period.add((path.name, name, code, got))
                ons = row.get("new_la_code", "")
                if ons.startswith("E"):
                    assert la_code_for_ons(ons) == code, (path.name, name, ons)
            checked += 1
    assert checked > 10_000
    assert {(name, code, got) for _, name, code, got in out_of_period} == {
        ("Dorset", "835", "838"),
        ("Dorset", "838", "835"),
    }
    assert {f for f, *_ in out_of_period} == {"cla_number_and_rate_per_10k_children_2019_2023.csv"}


def test_every_lait_name_resolves(shared_data: Path) -> None:
    pairs = set()
    for path in sorted((shared_data / "context" / "lait").glob("*.parquet")):
        df = pd.read_parquet(path, columns=["LA and Regions", "LA Number"]).drop_duplicates()
        pairs |= {(n, int(c)) for n, c in df.itertuples(index=False)}
    assert len(pairs) > 150
    for name, number in sorted(pairs):
        if number >= 970:  # England 970, regions 980-990 (data dictionary codes)
            assert is_aggregate_name(name), name
            with pytest.raises(UnresolvedCouncil):
                resolve_name(name)
        else:
            assert resolve_name(name, source="lait") == f"{number:03d}", name


def _printed_name(lines: list[str]) -> str:
    """The council name as laid out on page 1 of each report generation (SIF, 2013, ILACS)."""
    if lines[0] == "1" and not lines[1].startswith("Inspection of"):
        # SIF / early ILACS: page number, then the name (maybe over two lines)
        name = []
        for line in lines[1:]:
            if re.match(r"(Inspection|Re-?inspection|Review)\b", line):
                break
            name.append(line)
        return " ".join(name)
    if lines[0].startswith("Inspection of looked after"):  # 2013 looked-after-children reports
        return lines[2]
    if lines[0] == "1":
        lines = lines[1:]
    if lines[0].startswith("Inspection of"):  # ILACS: 'Inspection of <name> local authority ...'
        head = " ".join(lines[:4])
        match = re.match(
            r"Inspection of (?:the )?(.+?)(?: local\s*authority| children.s services| Inspection dates)",
            head,
        )
        assert match, head
        return match.group(1)
    return lines[0]  # 2012-13 reports open with the council's name


def test_every_name_printed_on_page_one_resolves(corpus_dir: Path) -> None:
    import pypdfium2

    resolved, unreadable = 0, []
    for pdf in sorted(corpus_dir.glob("*/*.pdf")):
        try:
            doc = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError:
            unreadable.append(pdf.name)  # HTML error pages saved as .pdf (shared/README.md)
            continue
        text = doc[0].get_textpage().get_text_range()
        doc.close()
        lines = [line.strip() for line in text.splitlines() if line.strip()][:8]
        name = _printed_name(lines)
        urn = pdf.parent.name.split("_", 1)[0]
        assert resolve_name(name, source=str(pdf)) == la_code_for_urn(urn), (pdf, name)
        resolved += 1
    assert len(unreadable) == 4 and resolved == len(list(corpus_dir.glob("*/*.pdf"))) - 4


# Spellings printed on page 1 of reports in the corpus (folder / file checked by hand).
PAGE_ONE = [
    ("Sunderland City Council", "394"),  # 80566_sunderland, 20 july 2015
    ("Kingston Upon Hull City Council", "810"),  # 80477_kingston upon hull
    ("London Borough of Barking and Dagenham", "301"),
    ("Royal Borough of Kingston upon", "314"),  # line-broken on page 1: never guessed
    ("Bristol City of", "801"),  # 80441_bristol, 22 october 2018
    ("Bristol City Council", "801"),
    ("Cornwall Council", "908"),
    ("Council of the Isles of Scilly", "420"),
    ("City of York Council", "816"),
    ("City of Bradford Metropolitan District", "380"),
    ("Bradford Children and Families Trust", "380"),
    ("Wakefield District Metropolitan Council", "384"),
    ("Metropolitan Borough of Solihull", "334"),
    ("St. Helens Metropolitan Borough", "342"),
    ("Medway Children’s Services", "887"),
    ("Surrey Safeguarding Children Board", "936"),  # LSCB-only review
    ("Cheshire East Unitary Authority", "895"),
    ("Southend-on-Sea city council", "882"),
    ("The Royal Borough of Windsor and Maidenhead", "868"),
    ("London Borough of Hammersmith & Fulham", "205"),
    ("Doncaster Metropolitan Borough Council", "371"),
    ("East Riding", "811"),
    ("Derby City", "831"),
    ("City of London", "201"),
    ("Newcastle", "391"),
]
CLASSIC = [
    ("St. Helens", "342"),
    ("Bristol, City of", "801"),
    ("Windsor & Maidenhead", "868"),
    ("London corporation", "201"),
    ("Kingston upon Hull", "810"),
    ("Herefordshire, County of", "884"),
    ("Telford & Wrekin", "894"),
    ("Southend on Sea", "882"),
    ("BCP", "839"),
    ("County Durham", "840"),
]


@pytest.mark.parametrize(("name", "la_code"), PAGE_ONE + CLASSIC)
def test_printed_and_classic_spellings(name: str, la_code: str) -> None:
    if name == "Royal Borough of Kingston upon":
        with pytest.raises(UnresolvedCouncil):
            resolve_name(name)
        return
    assert resolve_name(name) == la_code


def test_official_and_short_names_resolve_to_themselves() -> None:
    for row in load_councils().itertuples():
        on = date.fromisoformat(row.valid_to) if isinstance(row.valid_to, str) else None
        assert resolve_name(row.name, on=on) == row.la_code
        assert resolve_name(row.short_name, on=on) == row.la_code
        assert (
            resolve_name(row.slug.replace("-", " "), on=on) == row.la_code or row.la_code == "835"
        )


def test_bogus_name_raises_with_file_and_close_matches() -> None:
    with pytest.raises(UnresolvedCouncil) as err:
        resolve_name("Dorsett", source="context/ees/b1.csv")
    text = str(err.value)
    assert "'Dorsett'" in text and "context/ees/b1.csv" in text and "Dorset (838)" in text
    with pytest.raises(UnresolvedCouncil, match="Narnia.*foo.csv.*no close matches"):
        resolve_name("Narnia", source="foo.csv")
    with pytest.raises(UnresolvedCouncil, match="region"):
        resolve_name("Yorkshire and The Humber")
    with pytest.raises(UnresolvedCouncil, match="joint"):
        resolve_name("Kingston upon Thames / Richmond upon Thames")
    # a stripped form that would turn a council into a region is never produced
    with pytest.raises(UnresolvedCouncil):
        resolve_name("London")


# -- bad inputs ------------------------------------------------------------------------------


def test_missing_column_names_the_file(tmp_path: Path, shared_data: Path) -> None:
    bad = tmp_path / "dfe_las.csv"
    bad.write_text("new_la_code,la_name\nE06000001,Hartlepool\n")
    with pytest.raises(RegisterInputError, match=r"dfe_las\.csv: missing columns"):
        build_register(dfe_las=bad)


def test_conflicting_urn_is_refused(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / "reference" / "ofsted_provider_lookup_d2i.csv"
    text = src.read_text(encoding="utf-8-sig")
    # give Sunderland's URN to Barnet as well
    bad = tmp_path / "d2i.csv"
    bad.write_text(text.replace("80487,302,", "80566,302,", 1), encoding="utf-8")
    with pytest.raises(RegisterBuildError, match="URN 80566"):
        build_register(d2i=bad)


def test_link_dates_are_checked_against_dfe(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / "reference" / "dfe_las.csv"
    bad = tmp_path / "dfe_las.csv"
    shutil.copy(src, bad)
    text = bad.read_text().replace(
        "01/01/2009,31/03/2021,E12000004", "01/01/2009,31/03/2022,E12000004"
    )
    bad.write_text(text)
    with pytest.raises(RegisterBuildError, match="928 ends 2022-03-31"):
        build_register(dfe_las=bad)
