"""`ofsted-record embeds`: standalone embeddable pages for every published chart."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def embeds(
        preview: bool = typer.Option(
            False,
            "--preview",
            help="Local preview: allow relative iframe addresses when no site address is set.",
        ),
    ) -> None:
        """Write data/public/embeds/<slug>/ (page, images, spec, data, snippet, oEmbed) and lib/,
        from the warehouse (data/warehouse.duckdb). Snippets point at `website: site-url` of
        _quarto.yml ($OFSTED_SITE_URL overrides it for a preview)."""
        from ofsted_record.commands.charts import _run

        _run(embeds=True, preview=preview)
