"""CLI: ``compliance serve`` — the HTTP service on uvicorn."""

from __future__ import annotations

import logging

import typer

from compliance.cli.common import err_console


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (each loads rules and lists once)."),
    json_log: bool = typer.Option(False, "--json-log", help="Access log as JSON lines on stderr."),
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs). Keys: COMPLIANCE_API_KEYS; body limit: COMPLIANCE_MAX_BODY_BYTES."""
    import uvicorn

    if json_log:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        api_log = logging.getLogger("compliance.api")
        api_log.addHandler(handler)
        api_log.setLevel(logging.INFO)
        api_log.propagate = False
    err_console.print(f"compliance serve on http://{host}:{port} (docs at /docs), {workers} worker(s)")
    # Graceful shutdown: uvicorn finishes requests in flight on SIGTERM/SIGINT.
    uvicorn.run("compliance.api.app:app_factory", factory=True, host=host, port=port, workers=workers,
                access_log=not json_log, timeout_graceful_shutdown=20, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve", epilog="Example: COMPLIANCE_API_KEYS=secret compliance serve --port 8000 --workers 2")(serve)
