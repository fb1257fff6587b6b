"""CLI: ``compliance serve`` — the HTTP service on uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.common import err_console


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (each loads rules and lists once)."),
    json_log: bool = typer.Option(False, "--json-log", help="Logs as JSON lines on stderr (one object per request)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
    graceful_seconds: int = typer.Option(30, "--graceful-seconds", min=0,
                                         help="On SIGTERM/SIGINT, how long requests in flight may take to finish."),
    rules: Path | None = typer.Option(None, "--rules", help="Rule bundle directory (default: bundled rules/)."),
    lists: list[Path] | None = typer.Option(None, "--lists", help="Extra sanctions list file(s) to load."),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j",
                                            help="EU | US | UK | LT: default for requests without ?jurisdiction="),
    db: Path | None = typer.Option(None, "--db", help="Audit store (screenings logged, quota ledger, decisions); "
                                   "default: the default store when it exists."),
    no_db: bool = typer.Option(False, "--no-db", help="Use no audit store."),
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs). Keys: COMPLIANCE_API_KEYS (key or name:key, comma-separated);
    body limit: COMPLIANCE_MAX_BODY_BYTES."""
    import uvicorn

    from compliance import settings
    from compliance.api.logs import log_config

    if rules is not None and not rules.is_dir():
        raise typer.BadParameter(f"{rules} is not a directory", param_hint="--rules")
    for f in lists or []:
        if not f.exists():
            raise typer.BadParameter(f"{f} does not exist", param_hint="--lists")
    if jurisdiction is not None and jurisdiction.upper() not in ("EU", "US", "UK", "LT"):
        raise typer.BadParameter("use EU, US, UK or LT", param_hint="--jurisdiction")
    # Absolute paths: every worker (a new process) resolves them the same way.
    settings.export_serve_options({
        "rules_dir": str(rules.resolve()) if rules else None, "lists": [str(f.resolve()) for f in lists or []],
        "jurisdiction": jurisdiction.upper() if jurisdiction else None,
        "db": False if no_db else (str(db.resolve()) if db else None)})

    if not json_log:  # with --json-log every stderr line is a JSON object
        err_console.print(f"compliance serve on http://{host}:{port} (docs at /docs), {workers} worker(s)")
    # uvicorn applies log_config in every worker; SIGTERM/SIGINT stop accepting connections
    # and let requests in flight finish (up to --graceful-seconds) before the worker exits.
    uvicorn.run("compliance.api.app:app_factory", factory=True, host=host, port=port, workers=workers,
                log_config=log_config(json=json_log, access=access_log), access_log=False,
                timeout_graceful_shutdown=graceful_seconds, server_header=False, proxy_headers=False)


def register(app: typer.Typer) -> None:
    app.command("serve", epilog="Example: COMPLIANCE_API_KEYS=secret compliance serve --port 8000 --workers 2 "
                                "--json-log")(serve)
