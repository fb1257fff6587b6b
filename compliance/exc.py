"""One exception tree for the project, with structured detail.

The CLI maps these to exit codes and the HTTP service to status codes, each in one place.
"""

from __future__ import annotations

from typing import Any

ECHO_LIMIT = 40  # characters of a bad value quoted in a message (a 5,000-digit cell stays readable)


def quoted(value: object) -> str:
    """``repr`` of a bad value for an error message, cut to its first ``ECHO_LIMIT`` characters."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= ECHO_LIMIT:
        return repr(value)
    return repr(text[:ECHO_LIMIT]) + f"... ({len(text)} characters)"


class ComplianceError(Exception):
    """Base of every error the library raises on purpose."""

    status: int = 500
    exit_code: int = 2

    def __init__(self, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context

    def __str__(self) -> str:
        return self.detail


class InvalidInput(ComplianceError):
    """A row or field of a shipment could not be read. Names the row and field."""

    status = 422

    def __init__(self, detail: str, *, row: int | None = None, field: str | None = None,
                 value: Any = None) -> None:
        super().__init__(detail, row=row, field=field, value=value)
        self.row = row
        self.field = field
        self.value = value


class InputFileError(ComplianceError):
    """A whole input file is unreadable (missing, binary, no header...)."""

    status = 400


class InvalidRuleFile(ComplianceError):
    """A rule file failed validation. Names the file, line and field."""

    def __init__(self, detail: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        where = path or "<rules>"
        if line is not None:
            where += f":{line}"
        if field:
            where += f" [{field}]"
        super().__init__(f"{where}: {detail}", path=path, line=line, field=field)
        self.path = path
        self.line = line
        self.field = field


class ListLoadError(ComplianceError):
    """A sanctions list file could not be parsed."""


class UnknownRule(ComplianceError):
    status = 404
