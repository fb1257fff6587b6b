"""Helpers shared by the CLI modules: loading the screener, errors to exit codes, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand

from compliance.exc import ComplianceError

err_console = Console(stderr=True, soft_wrap=True)

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2


def parse_as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use ISO 8601, e.g. 2024-07-01") from None


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one clear line on stderr and exit code 2 (no traceback)."""
    try:
        yield
    except ComplianceError as e:
        # Escaped: rich would read a "[field]" in the message as markup and drop it.
        err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as e:
        if e.filename is None:
            raise
        # Name the file the user gave, not the hidden temporary file written beside it.
        path = Path(str(e.filename))
        hidden = re.fullmatch(r"\.(.+)\.[^.]+\.partial", path.name)
        name = path.with_name(hidden.group(1)) if hidden else path
        err_console.print(f"[bold red]error:[/] {escape(f'{name}: {e.strerror or e}')}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None


def load_screener(rules: Path | None, lists: list[Path] | None, jurisdiction: str | None,
                  as_of: dt.date | None = None, *, include_imported: bool = True,
                  db: Path | None | Literal[False] = None) -> "Screener":  # noqa: UP037
    from compliance.screener import Screener

    return Screener.load(rules, lists or None, jurisdiction=jurisdiction, as_of=as_of,
                         include_imported=include_imported, db=db)


if False:  # pragma: no cover - typing only
    from compliance.screener import Screener  # noqa: F401


def refuse_overwrite(inputs: Iterable[Path], option: str, out: str | Path | None) -> None:
    """A usage error when ``out`` is one of ``inputs`` (or a link to it): the output would replace
    the file it is made from."""
    if out is None:
        return
    for given in inputs:
        try:
            same = str(given) != "-" and given.exists() and Path(out).exists() and given.samefile(out)
        except OSError:
            same = False
        if same:
            raise typer.BadParameter(f"{out} is the input file {given}: write to another file", param_hint=option)


class RepeatedListsCommand(TyperCommand):
    """A command whose ``--lists`` takes several paths after one flag, as the contract writes it
    (``screen FILE... --lists A B``): after an input file has been given, the words that follow
    ``--lists`` up to the next option are all list files. Repeating the flag works as before,
    and before the first input file ``--lists`` takes one path (``screen --lists A FILE``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, expand_lists(args, self._value_options()))

    def _value_options(self) -> set[str]:
        names: set[str] = set()
        for p in self.params:
            if getattr(p, "param_type_name", "") == "option" and not getattr(p, "is_flag", False) \
                    and not getattr(p, "count", False):
                names.update(getattr(p, "opts", []))
                names.update(getattr(p, "secondary_opts", []))
        return names


def expand_lists(args: list[str], value_options: set[str], flag: str = "--lists") -> list[str]:
    """``FILE --lists A B --out X`` -> ``FILE --lists A --lists B --out X`` (see RepeatedListsCommand)."""
    out: list[str] = []
    seen_file = collecting = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out.extend(args[i:])
            break
        if collecting and not a.startswith("-"):
            out += [flag, a]
            i += 1
            continue
        collecting = False
        if a == flag and i + 1 < len(args):
            out += [a, args[i + 1]]
            collecting = seen_file
            i += 2
        elif a.startswith(flag + "="):
            out.append(a)
            collecting = seen_file
            i += 1
        elif a.startswith("-") and a != "-":
            out.append(a)
            if "=" not in a and a in value_options and i + 1 < len(args):
                out.append(args[i + 1])
                i += 1
            i += 1
        else:
            seen_file = True
            out.append(a)
            i += 1
    return out
