"""`ofsted-record embeds`: standalone embeddable pages for every published chart."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def embeds(
        base_url: str = typer.Option(
            None,
            "--base-url",
            help="Public URL of the embeds folder for the iframe snippets "
            "(default $OFSTED_EMBED_BASE_URL, else a relative src).",
        ),
    ) -> None:
        """Write data/public/embeds/<slug>/ (page, PNG, SVG, spec, data, snippet) and lib/,
        from the warehouse (data/warehouse.duckdb)."""
        from ofsted_record.commands.charts import _run

        _run(embeds=True, base_url=base_url)
