"""CLI: lists commands (placeholder until implemented)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the lists commands to the app."""
