"""Logging for ``compliance serve``: access log as text or one JSON object per line.

The config is a ``logging.dictConfig`` dict handed to uvicorn, which applies it in every
worker process (a config made in the parent would not reach spawned workers).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

# Attributes our access records carry (set by ServiceMiddleware through ``extra``).
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "bytes", "client")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "compliance.access":
            out["event"] = "request"
        else:
            out["message"] = record.getMessage()
        for f in _FIELDS:
            if hasattr(record, f):
                out[f] = getattr(record, f)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def log_config(*, json: bool, access: bool, level: str = "INFO") -> dict[str, Any]:
    """dictConfig for uvicorn and the service loggers (stderr)."""
    formatter = "json" if json else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "compliance.api.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": formatter,
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            # Our access log replaces uvicorn's: it carries the request id.
            "compliance.access": {"handlers": ["stderr"], "level": "INFO" if access else "WARNING",
                                  "propagate": False},
            "compliance": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
