"""`ofsted-record site`: build the explainer site's generated parts and render it with Quarto."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def site(
        render: bool = typer.Option(True, help="Render with Quarto after building (needs quarto)."),
        build: bool = typer.Option(True, help="Build the generated parts before rendering."),
    ) -> None:
        """Generate council pages, assets and downloads in site/, then `quarto render` to _site/."""
        from ofsted_record.site.build import QuartoMissing, build_site
        from ofsted_record.site.build import render as render_site

        if build:
            report = build_site()
            typer.echo(
                f"site: {report.council_pages} council pages, {report.downloads} download files, "
                f"{len(report.embeds)} embeds, data version {report.data_version}"
                + (f", re-stamped {', '.join(report.stamped)}" if report.stamped else "")
            )
        if not render:
            return
        try:
            out = render_site()
        except QuartoMissing as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=1) from None
        typer.echo(
            f"rendered to {out.out} ({out.mode}: {len(out.rendered)} pages, {out.seconds:.0f} s)"
        )
        for page, lines in out.warnings.items():
            for line in lines:
                typer.echo(f"warning: {page}: {line}", err=True)
