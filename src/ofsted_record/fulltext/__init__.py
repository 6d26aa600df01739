"""Full text of every report: paragraphs per page, phrase search, themes over time.

- ``build.build()``            report PDFs -> data/processed/fulltext/paragraphs.parquet, files.csv
- ``store.load_into(con)``     -> DuckDB tables report_paragraphs, report_files (+ FTS if loadable)
- ``store.search(phrase)``     -> paragraphs with the phrase, report metadata, snippet, page link
- ``themes.theme_shares(con)`` -> share of each year's reports mentioning each theme (themes.yml)
"""

# (``build`` is not re-exported: the name would shadow the ``build`` module.)
from ofsted_record.fulltext.store import load_into, search
from ofsted_record.fulltext.themes import theme_shares

__all__ = ["load_into", "search", "theme_shares"]
