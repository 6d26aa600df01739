"""CLI command modules; each defines ``register(app: typer.Typer) -> None``.

Keep imports of heavy libraries inside the command functions so ``--help`` stays fast.
"""
