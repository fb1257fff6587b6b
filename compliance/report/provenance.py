"""The provenance of a result set (tool, rules bundle, lists) as facts a report can show.

The screen writes it as ``RESULTS.meta.json`` beside csv/xlsx/parquet output and embeds it in
json output (``compliance.screener.Provenance``). Fields this module does not know are shown
too, flattened, so a newer writer's additions are never hidden.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Known facts first, in this order; the rest follow as they come.
_FIRST = ("tool", "tool_version", "rules", "jurisdiction", "as_of", "run_at")
_LIST_KEYS = ("lists", "sanctions_lists")


@dataclass
class ProvenanceView:
    known: bool
    facts: list[tuple[str, str]] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rules(self) -> str | None:
        return next((v for k, v in self.facts if k == "rules bundle"), None)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _bundle(value: Mapping[str, Any]) -> str:
    name = _fmt(value.get("name"))
    version = _fmt(value.get("version"))
    text = " ".join(x for x in (name, version) if x) or "(unnamed bundle)"
    sha = _fmt(value.get("sha256"))
    return f"{text} (sha256 {sha[:12]})" if sha else text


def describe(meta: Mapping[str, Any] | None) -> ProvenanceView:
    """Facts to show for ``meta`` (``None`` or ``{}``: provenance not recorded)."""
    if not meta:
        return ProvenanceView(False)
    view = ProvenanceView(True)
    keys = [k for k in _FIRST if k in meta] + [k for k in meta if k not in _FIRST]
    for key in keys:
        value = meta[key]
        if key in _LIST_KEYS and isinstance(value, list):
            view.lists = [dict(v) if isinstance(v, Mapping) else {"name": _fmt(v)} for v in value]
            continue
        if key == "tool_version" and "tool" in meta and not isinstance(meta["tool"], Mapping):
            continue
        if key == "tool" and not isinstance(value, Mapping):
            version = meta.get("tool_version")
            view.facts.append(("tool", f"{_fmt(value)} {_fmt(version)}".strip()))
        elif key in ("rules", "rules_bundle", "bundle") and isinstance(value, Mapping):
            view.facts.append(("rules bundle", _bundle(value)))
            if value.get("path"):
                view.facts.append(("rules path", _fmt(value["path"])))
        elif isinstance(value, Mapping):
            for sub, sv in value.items():
                view.facts.append((f"{key} {sub}".replace("_", " "), _fmt(sv)))
        else:
            view.facts.append((key.replace("_", " "), _fmt(value)))
    return view
