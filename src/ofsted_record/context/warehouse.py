"""Warehouse hook: load the processed context CSVs into DuckDB tables prefixed ``context_``."""

from __future__ import annotations

from pathlib import Path

from ofsted_record.config import processed_dir

# table name -> CSV in data/processed/context; column types fixed so codes stay text
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "context_measures": ("", {}),  # union of the four council x year tables, below
    "context_areas": (
        "areas.csv",
        {
            "level": "VARCHAR",
            "area_code": "VARCHAR",
            "area_name": "VARCHAR",
            "year": "INTEGER",
            "period": "VARCHAR",
            "measure": "VARCHAR",
            "value": "DOUBLE",
            "status": "VARCHAR",
            "source": "VARCHAR",
        },
    ),
    "context_deprivation": (
        "deprivation.csv",
        {
            "la_code": "VARCHAR",
            "geography": "INTEGER",
            "measure": "VARCHAR",
            "value": "DOUBLE",
            "status": "VARCHAR",
            "method": "VARCHAR",
        },
    ),
    "context_stat_neighbours": (
        "stat_neighbours.csv",
        {
            "model": "INTEGER",
            "la_code": "VARCHAR",
            "rank": "INTEGER",
            "neighbour_la_code": "VARCHAR",
            "closeness": "VARCHAR",
        },
    ),
    "context_gaps": (
        "gaps.csv",
        {
            "la_code": "VARCHAR",
            "measure": "VARCHAR",
            "year": "INTEGER",
            "reason": "VARCHAR",
            "detail": "VARCHAR",
        },
    ),
    "context_measure_dictionary": (
        "measures.csv",
        {
            "measure": "VARCHAR",
            "unit": "VARCHAR",
            "definition": "VARCHAR",
            "source_file": "VARCHAR",
            "publisher": "VARCHAR",
            "time_basis": "VARCHAR",
            "table": "VARCHAR",
            "first_year": "INTEGER",
            "last_year": "INTEGER",
        },
    ),
    "context_sources": ("sources.csv", {"source": "VARCHAR", "file": "VARCHAR"}),
}
MEASURE_FILES = ("demand.csv", "workforce.csv", "spending.csv", "population.csv")
MEASURE_TYPES = {
    "la_code": "VARCHAR",
    "year": "INTEGER",
    "period": "VARCHAR",
    "measure": "VARCHAR",
    "value": "DOUBLE",
    "status": "VARCHAR",
    "source": "VARCHAR",
    "note": "VARCHAR",
}

# file names are our own constants, passed as bound parameters; table names are constants too
CREATE_FROM_CSV = (
    "CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv($files, header = true, "
    "columns = $columns, nullstr = '', delim = ',', quote = '\"', escape = '\"')"
)


def load_into(con, context_dir: Path | None = None) -> list[str]:
    """Create the ``context_*`` tables in ``con`` from the processed CSVs; return their names."""
    base = context_dir or processed_dir() / "context"
    missing = [
        f
        for f in (*MEASURE_FILES, *(v[0] for v in TABLES.values() if v[0]))
        if not (base / f).exists()
    ]
    if missing:
        raise FileNotFoundError(f"{base}: missing {missing}; run `ofsted-record context`")
    created = []
    for table, (file, columns) in TABLES.items():
        if table == "context_measures":
            files = [str(base / f) for f in MEASURE_FILES]
            columns = MEASURE_TYPES
        else:
            files = [str(base / file)]
        con.execute(CREATE_FROM_CSV.format(table=table), {"files": files, "columns": columns})
        created.append(table)
    return created
