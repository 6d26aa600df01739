"""`ofsted-record official`: Ofsted's official 2009-2023 table, reconciled with the reports."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def official() -> None:
        """Tidy the official table; reconcile it with the extraction; write the complete record.

        Writes data/processed/official_judgements.csv, and, when the extractor's
        inspections.csv/judgements.csv exist, reconciliation.csv, record_inspections.csv and
        record_judgements.csv.
        """
        from ofsted_record.official.build import run_official

        s = run_official()
        typer.echo(
            f"official table: {s.official_judgements} judgements, {s.official_inspections} "
            f"inspections, {s.councils} councils (names resolved by {s.resolver})"
        )
        for note in s.notes:
            typer.echo(f"note: {note}")
        if not s.reconciled:
            return
        typer.echo("reconciliation: " + ", ".join(f"{k} {v}" for k, v in s.status_counts.items()))
        if s.status_counts_2024:
            typer.echo(
                "reconciliation with the 31 March 2024 workbook (ILACS): "
                + ", ".join(f"{k} {v}" for k, v in s.status_counts_2024.items())
            )
        typer.echo(f"record: {s.record_inspections} inspections, {s.record_judgements} judgements")
        from ofsted_record.official.figures import docs_path, update_docs

        if docs_path().exists() and update_docs():
            typer.echo(f"rewrote the figures block of {docs_path()}")
        for line in s.unexplained:
            typer.echo(f"UNEXPLAINED disagreement: {line}", err=True)
        for line in s.stale_explanations:
            typer.echo(f"stale explanation (no such disagreement now): {line}", err=True)
        if s.unexplained:
            typer.echo(
                f"{len(s.unexplained)} disagreement(s) lack an explanation in "
                "src/ofsted_record/official/explanations.csv",
                err=True,
            )
