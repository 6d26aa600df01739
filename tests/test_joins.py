"""Every table joins to the register and to the geometry for its date: a failed join draws a
blank map with no error, so test it across the whole record and the context tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ofsted_record import config, geography
from ofsted_record.register import load_councils
from ofsted_record.warehouse import connect


@pytest.fixture(scope="module")
def features() -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {}
    for vintage in geography.VINTAGES:
        out[vintage] = {
            "boundaries": set(geography.boundaries(vintage)["la_code"]),
            "hex": set(geography.hexes(vintage)["la_code"]),
        }
    return out


def test_every_inspection_maps_onto_the_geometry_of_its_date(features) -> None:
    record = pd.read_csv(config.processed_dir() / "record_inspections.csv", dtype=str)
    missing = []
    for row in record.itertuples():
        when = date.fromisoformat(row.published_date)
        if when < date(2009, 4, 1):
            continue
        vintage = geography.vintage_for(when)
        for kind, codes in features[vintage].items():
            if row.la_code not in codes:
                missing.append((row.inspection_id, row.la_code, vintage, kind))
    assert missing == []


def test_reorganised_councils_on_the_right_map(features, warehouse_path: Path) -> None:
    # Northamptonshire (928): ILACS published 29 July 2019, overall inadequate (Ofsted's official
    # table, sheet LA_inspections_2009-2023, row 165: date AH165, grade AI165).
    when = date(2019, 7, 29)
    assert "928" in features[geography.vintage_for(when)]["boundaries"]
    con = connect(warehouse_path)
    try:
        grade = con.execute(
            "SELECT grade FROM standing(CAST(? AS DATE), 'ended_by', 'overall_effectiveness') "
            "WHERE la_code = '928'",
            [date(2019, 8, 1)],
        ).fetchone()[0]
    finally:
        con.close()
    assert grade == "inadequate"
    current = features[geography.vintage_for(date(2026, 1, 1))]["boundaries"]
    assert {"940", "941"} <= current and "928" not in current


def test_register_and_current_geometry_agree(features) -> None:
    councils = load_councils()
    today = councils[councils["valid_to"].isna()]["la_code"]
    assert set(today) == features[geography.vintage_for(date(2026, 1, 1))]["boundaries"]
    assert len(set(today)) == 153


def test_warehouse_tables_join_to_the_register(warehouse_path: Path) -> None:
    con = connect(warehouse_path)
    try:
        for table in ("inspections", "interventions", "context_measures"):
            orphans = con.execute(
                f"SELECT count(*) FROM {table} t WHERE t.la_code NOT IN (SELECT la_code FROM councils)"
            ).fetchone()[0]
            assert orphans == 0, f"{table}: {orphans} rows with an unknown la_code"
        orphan_judgements = con.execute(
            "SELECT count(*) FROM judgements WHERE inspection_id NOT IN (SELECT inspection_id FROM inspections)"
        ).fetchone()[0]
        assert orphan_judgements == 0
    finally:
        con.close()
