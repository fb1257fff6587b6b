"""The rule bundle schema: what a YAML rule file may say, validated by pydantic.

A bundle is a directory of YAML files (``rules/``): ``countries.yaml`` (country groups and
jurisdictions) and one file per rule family. Every rule names its legal basis, its source in
the legal-facts reference, the dates it is in force and how sure we are of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from compliance.countries import UnknownCountry, resolve_country
from compliance.models import Family, Severity

Confidence = Literal["confirmed", "scope-confirmed", "heuristic", "unverified"]

# What each family's rules test; the evaluator of the family dispatches on it.
RULE_KINDS: dict[Family, set[str]] = {
    Family.sector: {"export_ban", "import_ban"},
    Family.dual_use: {"export"},
    Family.chpl: {"export"},
    Family.transit: {"sensitive", "import_banned", "other"},
    Family.circumvention: {"diversion", "quota"},
    Family.end_use_doc: {"missing", "not_manufacturer"},
    Family.party: {"listed", "possible", "delisted"},
    Family.humanitarian: {"exemption"},
}

_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def _positive_number(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
        raise ValueError(f"{v!r} is not a positive number (EUR, no quotes or separators)")
    return v


def _boolean(v: Any) -> Any:
    if not isinstance(v, bool):
        raise ValueError(f"{v!r} is not true or false")
    return v


def _one_of(*allowed: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v not in allowed:
            raise ValueError(f"{v!r} is not one of {', '.join(allowed)}")
        return v
    return check


def _text(v: Any) -> Any:
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"{v!r} is not a text")
    return v


def _country_codes(values: Any) -> list[str]:
    """ISO codes of a YAML list of countries (codes or names); YAML's NO = false is refused."""
    out = []
    for c in values or []:
        if isinstance(c, bool):
            raise ValueError("a country code was read as true/false: quote it, e.g. \"NO\" for Norway")
        try:
            out.append(resolve_country(str(c)))
        except UnknownCountry as e:
            raise ValueError(str(e)) from None
    return out


def _quota_countries(v: Any) -> Any:
    if v == "high_risk":
        return v
    if not isinstance(v, list) or not v:
        raise ValueError(f"{v!r} is neither high_risk nor a list of countries")
    return _country_codes(v)


# The settings each family's evaluator reads (``params``), with their checks: a misspelt setting
# or value would otherwise be ignored without a word (``to: sanctionned`` judged as high_risk).
PARAMS: dict[tuple[Family, str], dict[str, Callable[[Any], Any]]] = {
    (Family.sector, "export_ban"): {"min_item_value_eur": _positive_number, "export_restricted": _boolean},
    (Family.dual_use, "export"): {"to": _one_of("sanctioned", "high_risk")},
    (Family.chpl, "export"): {"to": _one_of("sanctioned", "high_risk")},
    (Family.circumvention, "quota"): {"countries": _quota_countries, "period": _one_of("month", "quarter", "year"),
                                      "limit_eur": _positive_number, "group": _text},
}
# Settings a rule of that kind cannot work without.
REQUIRED_PARAMS: dict[tuple[Family, str], set[str]] = {(Family.circumvention, "quota"): {"limit_eur"}}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoodsEntry(Strict):
    """One HS/CN code (or chapter) a rule covers, with its own caveats."""

    code: str = Field(description="HS chapter (2 digits), heading, subheading or CN code; dots/spaces allowed")
    ex: bool = Field(False, description="only part of the code is covered ('ex' code): a hit gives REVIEW")
    confidence: Confidence | None = Field(None, description="overrides the rule's confidence for this code")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    overrides_humanitarian: bool = Field(False, description="applies even to humanitarian goods (luxury food)")
    note: str | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> str:
        digits = re.sub(r"[\s.]", "", str(v))
        if not digits.isdigit() or not 2 <= len(digits) <= 10 or len(digits) % 2:
            raise ValueError(f"{v!r} is not an HS chapter/heading/subheading/CN code (2, 4, 6, 8 or 10 digits)")
        chapter = int(digits[:2])
        if not 1 <= chapter <= 97 or chapter == 77:
            raise ValueError(f"{v!r}: HS chapter {digits[:2]} does not exist")
        return digits


class Rule(Strict):
    """One rule: an id, its family and kind, its legal facts and its match conditions."""

    id: str = Field(description="stable id, e.g. BY-SECT-POTASH")
    family: Family
    kind: str = Field(description="what the rule tests, per family (see RULE_KINDS)")
    title: str
    severity: Severity = Field(description="severity when the rule fires on confirmed facts")
    regime: str = Field(description="EU, US, UK, LT ...")
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    confidence: Confidence = "confirmed"
    rationale: str
    source: str = Field(description="where the fact comes from: reference section and source ids")
    reference: str | None = Field(None, description="row id in reference/belarus-rules.md")
    harmonise_russia: bool = Field(True, description="RU counts as a sanctioned country for this rule")
    wind_down_until: dt.date | None = Field(
        None, description="contracts concluded before the cut-off may be executed until this date: REVIEW")
    # The regulation's cut-off is its own date, not the day it entered into force (2022/355:
    # contracts concluded before 2 March 2022, in force 3 March).
    wind_down_contracts_before: dt.date | None = Field(
        None, description="the wind-down's contract cut-off date (default: valid_from)")
    goods: list[GoodsEntry] = Field(default_factory=list)
    goods_from: list[str] = Field(default_factory=list, description="reuse the goods of these rule ids")
    params: dict[str, Any] = Field(default_factory=dict, description="family-specific settings")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _RULE_ID.match(v):
            raise ValueError(f"rule id {v!r} must be upper-case words joined by '-', e.g. BY-SECT-POTASH")
        return v

    @field_validator("regime")
    @classmethod
    def _regime(cls, v: str) -> str:
        return v.upper()

    @field_validator("params")
    @classmethod
    def _params(cls, v: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        family, kind = info.data.get("family"), info.data.get("kind")
        if family is None or kind is None:
            return v  # the family or kind is wrong: that error is reported instead
        checks = PARAMS.get((family, kind), {})
        out = {}
        for key, value in v.items():
            if key not in checks:
                allowed = ", ".join(sorted(checks)) or "none"
                raise ValueError(f"unknown setting {key!r} for a {family.value} {kind} rule (allowed: {allowed})")
            try:
                out[key] = checks[key](value)
            except ValueError as e:
                raise ValueError(f"{key}: {e}") from None
        missing = REQUIRED_PARAMS.get((family, kind), set()) - set(v)
        if missing:
            raise ValueError(f"a {family.value} {kind} rule needs {', '.join(sorted(missing))}")
        return out

    @model_validator(mode="after")
    def _check(self) -> Rule:
        kinds = RULE_KINDS[self.family]
        if self.kind not in kinds:
            raise ValueError(f"kind {self.kind!r} is not a {self.family.value} kind: use one of {sorted(kinds)}")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class RuleFile(Strict):
    """A rule file: its header and its rules."""

    version: str | None = None
    family: Family | None = None
    description: str | None = None
    # Default of the file's rules: false turns Russia harmonisation off for the whole rule set.
    harmonise_russia: bool | None = None
    rules: list[Rule]


class CountryGroup(Strict):
    description: str
    source: str
    countries: list[str]
    confidence: Confidence = "confirmed"

    @field_validator("countries", mode="before")
    @classmethod
    def _countries(cls, v: Any) -> list[str]:
        return _country_codes(v)


class Jurisdiction(Strict):
    description: str
    binding_regimes: list[str]
    # An end-use document not issued by the manufacturer blocks (Lithuanian customs practice).
    manufacturer_document_blocks: bool = False


class CountriesFile(Strict):
    version: str | None = None
    description: str | None = None
    sanctioned: CountryGroup
    harmonised: CountryGroup
    partner: CountryGroup
    high_risk: CountryGroup
    jurisdictions: dict[str, Jurisdiction]
    default_jurisdiction: str = "EU"

    @model_validator(mode="after")
    def _check(self) -> CountriesFile:
        if self.default_jurisdiction not in self.jurisdictions:
            raise ValueError(f"default_jurisdiction {self.default_jurisdiction!r} is not defined")
        return self
