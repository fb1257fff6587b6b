"""Counting a result set in one pass: what the report's headline, charts and summary show.

Only counts what the results say (verdicts, findings, matches); nothing is re-screened. The
flagged rows (BLOCK, REVIEW, ERROR) are kept for the report's table up to a cap, so a batch of
millions of rows is counted in bounded memory; the report says when the cap cut the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from compliance.report.records import VERDICTS

FLAGGED: tuple[str, ...] = ("BLOCK", "REVIEW", "ERROR")
# Display order and colours shared by the HTML report, the xlsx workbook and the terminal.
VERDICT_ORDER: tuple[str, ...] = ("BLOCK", "REVIEW", "ERROR", "CLEAR")
SEVERITY_ORDER: tuple[str, ...] = ("block", "review", "info")
NO_COUNTRY = "(none)"
NO_CURRENCY = "(no currency)"


@lru_cache(maxsize=4096)
def country_label(raw: str) -> tuple[str, str]:
    """(ISO code, 'Name (CC)') for a country as written in the input; unknown text kept as is."""
    from compliance.countries import UnknownCountry, country_name, resolve_country

    text = raw.strip()
    if not text:
        return NO_COUNTRY, NO_COUNTRY
    try:
        code = resolve_country(text)
    except (UnknownCountry, ValueError):
        return text[:40], text[:40]
    return code, f"{country_name(code)} ({code})"


def hs_chapter(raw: Any) -> str | None:
    """The 2-digit HS chapter of a code as written (``8542.31`` -> ``85``), or None."""
    digits = "".join(ch for ch in str(raw) if ch.isdigit()) if raw not in (None, "") else ""
    if isinstance(raw, int) and len(digits) % 2 == 1:  # a spreadsheet dropped the leading zero of 0901...
        digits = "0" + digits
    return digits[:2] if len(digits) >= 4 else None


@lru_cache(maxsize=1)
def chapter_titles() -> dict[str, str]:
    from importlib import resources

    import yaml

    text = resources.files("compliance.report").joinpath("hs_chapters.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(k).zfill(2): str(v) for k, v in data.items()}


def parse_value(raw: Any) -> float | None:
    from compliance.models import parse_number

    try:
        return parse_number(raw, "value")
    except ValueError:
        return None


@dataclass
class RuleStat:
    """One rule as seen in the results: how many rows it fired on, and what it is."""

    rule_id: str
    family: str = ""
    severity: str = ""
    regime: str = ""
    legal_basis: str = ""
    rows: int = 0


@dataclass
class Tally:
    """Counts over a result set, fed one record at a time (see ``records``)."""

    keep_flagged: int = 10_000
    fields: Mapping[str, str] = field(default_factory=dict)  # contract column -> the file's column
    rows: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    rules: dict[str, RuleStat] = field(default_factory=dict)
    families: Counter[tuple[str, str]] = field(default_factory=Counter)  # (family, severity) -> findings
    countries: Counter[tuple[str, str]] = field(default_factory=Counter)  # (country label, verdict) -> rows
    chapter_value: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (chapter, currency, verdict)
    chapter_rows: Counter[str] = field(default_factory=Counter)
    entities: Counter[tuple[str, str]] = field(default_factory=Counter)  # (listed name, list) -> rows
    entity_severity: dict[tuple[str, str], str] = field(default_factory=dict)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    damaged: int = 0
    row_warnings: int = 0

    def get(self, rec: Mapping[str, Any], column: str) -> Any:
        """An input value by its contract column name, through the file's own column name."""
        return rec.get(self.fields.get(column, column), "")

    @property
    def flagged_total(self) -> int:
        return sum(n for v, n in self.verdicts.items() if v in FLAGGED or v not in VERDICTS)

    @property
    def truncated(self) -> bool:
        return len(self.flagged) < self.flagged_total

    @property
    def other_verdicts(self) -> dict[str, int]:
        return {k: n for k, n in self.verdicts.items() if k not in VERDICTS}

    def top_rules(self, limit: int | None = None) -> list[RuleStat]:
        order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        ranked = sorted(self.rules.values(), key=lambda r: (-r.rows, order.get(r.severity, 9), r.rule_id))
        return ranked[:limit] if limit else ranked

    def add(self, rec: Mapping[str, Any]) -> None:
        """Count one normalised record (``records.normalise_record`` or ``io.result_record``)."""
        self.rows += 1
        verdict = str(rec.get("verdict") or "ERROR")
        self.verdicts[verdict] += 1
        if rec.get("_damaged"):
            self.damaged += 1
        if rec.get("_warning"):
            self.row_warnings += 1
        findings = rec.get("findings") or []
        seen: set[str] = set()
        for f in findings:
            rule_id = str(f.get("rule_id") or "?")
            family = str(f.get("family") or "")
            severity = str(f.get("severity") or "")
            self.families[(family or "(none)", severity or "info")] += 1
            stat = self.rules.get(rule_id)
            if stat is None:
                stat = self.rules[rule_id] = RuleStat(rule_id, family, severity, str(f.get("regime") or ""),
                                                      str(f.get("legal_basis") or ""))
            if rule_id not in seen:
                stat.rows += 1
                seen.add(rule_id)
            matched = f.get("matched_name")
            if matched:
                key = (str(matched), str(f.get("list_name") or ""))
                self.entities[key] += 1
                sev = severity if severity in SEVERITY_ORDER else "info"
                prev = self.entity_severity.get(key)
                if prev is None or SEVERITY_ORDER.index(sev) < SEVERITY_ORDER.index(prev):
                    self.entity_severity[key] = sev
        if not findings and rec.get("rule_ids"):
            # Results whose findings column was lost (edited by hand): count the ids at least.
            for rule_id in dict.fromkeys(str(rec["rule_ids"]).split(";")):
                if rule_id:
                    self.rules.setdefault(rule_id, RuleStat(rule_id)).rows += 1
        _, label = country_label(str(self.get(rec, "destination_country") or ""))
        self.countries[(label, verdict)] += 1
        if verdict in ("BLOCK", "REVIEW"):
            chapter = hs_chapter(self.get(rec, "hs_code"))
            if chapter:
                self.chapter_rows[chapter] += 1
                value = parse_value(self.get(rec, "value"))
                if value:
                    currency = str(self.get(rec, "currency") or "").strip().upper()[:8] or NO_CURRENCY
                    ckey = (chapter, currency, verdict)
                    self.chapter_value[ckey] = self.chapter_value.get(ckey, 0.0) + value
        if verdict in FLAGGED or verdict not in VERDICTS:
            if len(self.flagged) < self.keep_flagged:
                self.flagged.append(dict(rec))
