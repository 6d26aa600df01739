"""ofsted_record: the reproducible record of Ofsted's judgements of English councils'
children's services, 2009-2026.

Data flows source -> processed -> warehouse -> charts -> pages:

- ``extract``     report PDFs            -> data/processed/inspections.csv, judgements.csv
- ``register``    DfE/ONS/Ofsted lookups -> data/processed/councils.csv (+ name resolution)
- ``official``    Ofsted's 2009-2023 table -> reconciliation + official-only rows
- ``geography``   ONS boundaries, hexes  -> data/processed/geography/*.topojson
- ``context``     DfE/ONS statistics     -> data/processed/context/*.csv
- ``warehouse``   all of the above       -> data/warehouse.duckdb
- ``charts``      warehouse              -> Altair charts in the house style
- ``embeds``      charts                 -> data/public/embeds/<chart>/
"""

__version__ = "0.1.0"
