"""Every environment variable the project reads, read once, typed, with a comment.

Nothing else in the package touches ``os.environ``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _default_rules_dir() -> Path:
    # Source checkout / editable install: the repository's top-level rules/.
    repo_rules = _PACKAGE_DIR.parent / "rules"
    if repo_rules.is_dir():
        return repo_rules
    # Wheel install: hatch force-includes rules/ as compliance/_bundled/rules.
    return _PACKAGE_DIR / "_bundled" / "rules"


# Directory of the rule bundle (YAML). Default: the bundled rules/.
RULES_DIR: Path = Path(env_str("COMPLIANCE_RULES_DIR") or _default_rules_dir())

# Bundled curated list of Belarus-sanctioned parties (part of the package).
CURATED_LIST: Path = _PACKAGE_DIR / "lists" / "data" / "belarus_curated.yaml"

# Where imported lists, decisions and the audit log live. Default: the user's data dir.
DATA_DIR: Path | None = Path(p) if (p := env_str("COMPLIANCE_DATA_DIR")) else None

# The audit store (decisions, quota ledger, audit log; SQLite). Default: audit.sqlite in DATA_DIR.
DB_PATH: Path | None = Path(p) if (p := env_str("COMPLIANCE_DB")) else None

# Comma-separated API keys for `compliance serve`; unset = no authentication.
API_KEYS: list[str] = [k.strip() for k in (env_str("COMPLIANCE_API_KEYS") or "").split(",") if k.strip()]

# Largest request body the HTTP service accepts, in bytes (default 20 MB).
MAX_BODY_BYTES: int = env_int("COMPLIANCE_MAX_BODY_BYTES", 20 * 1024 * 1024)

# Default jurisdiction whose regimes bind (EU, US, UK, LT).
JURISDICTION: str = (env_str("COMPLIANCE_JURISDICTION") or "EU").upper()

# Log level for the library and the service.
LOG_LEVEL: str = env_str("COMPLIANCE_LOG_LEVEL") or "WARNING"


def data_dir() -> Path:
    """The per-user data directory (created on first use)."""
    if DATA_DIR is not None:
        path = DATA_DIR
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("compliance", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


# What `compliance serve` was told (--rules, --lists, --jurisdiction, --db), handed to every
# uvicorn worker through the environment (workers are new processes); JSON.
SERVE_OPTIONS_VAR = "COMPLIANCE_SERVE_OPTIONS"


def export_serve_options(options: dict[str, object]) -> None:
    """Set by ``compliance serve`` before starting uvicorn (inherited by its workers)."""
    import json

    os.environ[SERVE_OPTIONS_VAR] = json.dumps(options)


def serve_options() -> dict[str, object]:
    """Read at app build time (not import time): the single-worker server runs in-process."""
    import json

    raw = os.environ.get(SERVE_OPTIONS_VAR)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
