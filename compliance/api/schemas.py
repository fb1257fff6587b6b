"""Wire models of the HTTP service, with the examples shown in the OpenAPI docs.

Requests are validated with these models (a wrong type gives 422 naming the field); responses
are documented with them but serialised straight from the result records (orjson), so the
JSON a client gets is the CSV output's row, field for field (contract section 2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from compliance.models import Finding, Verdict

Text = StrictStr | None
# Countries may be ISO numeric codes sent as JSON numbers (112 = Belarus).
Country = StrictStr | StrictInt | None
Number = StrictInt | StrictFloat | StrictStr | None

SHIPMENT_EXAMPLE: dict[str, Any] = {
    "shipment_id": "SO-48807", "hs_code": "8542.31", "destination_country": "KZ", "description": "Microcontrollers",
    "exporter_name": "Müller Maschinenbau GmbH", "exporter_country": "DE", "consignee_name": "Astana Components TOO",
    "consignee_country": "KZ", "end_user_country": "RU", "value": 51000, "currency": "EUR", "date": "2026-03-02",
}
POTASH_EXAMPLE: dict[str, Any] = {
    "shipment_id": "1", "hs_code": "3104 20 50", "destination_country": "PL", "origin_country": "BY",
    "exporter_name": "JSC Belaruskali", "exporter_country": "BY", "date": "2026-03-01",
}


class ShipmentIn(BaseModel):
    """One shipment, contract section 1. Unknown extra fields are kept and echoed back."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [SHIPMENT_EXAMPLE, POTASH_EXAMPLE]})

    shipment_id: StrictStr | StrictInt = Field(description="Your id for the row; echoed back untouched.")
    hs_code: StrictStr | StrictInt = Field(description="HS / CN / HTS code, 4 to 10 digits; dots and spaces allowed.",
                                           examples=["8542.31", "3104 20 10"])
    destination_country: StrictStr | StrictInt = Field(description="ISO alpha-2/alpha-3/numeric or an English, Russian or "
                                                       "Belarusian name.", examples=["BY", "Kazakhstan", "Беларусь"])
    description: Text = None
    origin_country: Country = None
    transit_countries: StrictStr | list[StrictStr | StrictInt] | None = Field(
        None, description="In order; a list, or one string separated by ; , | or >", examples=["LT;BY", ["LT", "BY"]])
    exporter_name: Text = None
    exporter_country: Country = None
    consignee_name: Text = None
    consignee_country: Country = None
    end_user_name: Text = None
    end_user_country: Country = None
    manufacturer_name: Text = None
    manufacturer_country: Country = None
    end_use_doc_type: Text = Field(None, examples=["end_user_certificate"])
    end_use_doc_issuer: Text = Field(None, examples=["manufacturer"])
    end_use_doc_id: StrictStr | StrictInt | None = None
    quantity: Number = None
    unit: Text = None
    value: Number = None
    currency: Text = None
    date: Text = Field(None, description="ISO 8601; decides which rule versions are in force (default today).",
                       examples=["2026-03-02"])


class MatchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "ОАО «Беларуськалий»", "country": "BY"}]})

    name: StrictStr = Field(min_length=1, max_length=1000, examples=["ОАО «Беларуськалий»"])
    country: StrictStr | None = Field(None, max_length=120, examples=["BY", "Беларусь"])
    limit: StrictInt = Field(10, ge=1, le=100)


class ResultRow(BaseModel):
    """One output row: the input fields unchanged, then the result columns of the CSV output."""

    model_config = ConfigDict(extra="allow")

    shipment_id: Any = Field(description="As sent, untouched (\"\" when the row had none).")
    row_number: int | None = Field(None, description="1-based row of the request (1 for /v1/screen).")
    verdict: Verdict
    risk_score: int | None = Field(None, ge=0, le=100)
    rule_ids: str = Field(description="Finding rule ids, ';'-joined, most severe first.")
    reasons: str = Field(description="One sentence per finding, ';'-joined.")
    top_party_match: str | None = None
    top_party_score: float | None = None
    top_party_list: str | None = None
    findings: list[Finding]
    error: str | None = Field(None, description="For ERROR rows: what is wrong and how to fix it.")
    warnings: str = Field("", description="Row warnings (e.g. a repeated shipment_id), ';'-joined.")


class RulesRef(BaseModel):
    name: str
    version: str
    sha256: str


class ListRef(BaseModel):
    name: str
    format: str
    version: str | None = None
    date: dt.date | None = None
    entries: int = 0
    sha256: str | None = None
    imported_at: dt.datetime | None = None


class ProvenanceOut(BaseModel):
    """What the answer was computed with: the rule bundle and every list, with versions."""

    tool: str = "compliance"
    tool_version: str
    rules: RulesRef
    lists: list[ListRef]
    jurisdiction: str | None = None
    as_of: dt.date | None = None


PROVENANCE_EXAMPLE: dict[str, Any] = {
    "tool": "compliance", "tool_version": "0.1.0",
    "rules": {"name": "belarus", "version": "2026.12.3", "sha256": "fef7b31dbd342d005b25baf5d9918db961603e617f0af76051e6e7a47816a824"},
    "lists": [{"name": "curated-belarus", "format": "curated-yaml", "version": "2026.12.1", "date": "2026-12-04",
               "entries": 65, "sha256": "5c5a24991f0fc88824b7e1e4d7d286ed3649fdc6351550cbe44b98d142568b09"}],
    "jurisdiction": "EU", "as_of": None,
}
RESULT_EXAMPLE: dict[str, Any] = {
    **POTASH_EXAMPLE, "row_number": 1, "verdict": "BLOCK", "risk_score": 100,
    "rule_ids": "BY-PARTY-LISTED;BY-SECT-POTASH",
    "reasons": "exporter 'JSC Belaruskali' matches listed Belaruskali OAO (EU, curated-belarus, score 1.00): ...;"
               "Potash import ban: HS 3104 20 50 falls under listed 3104 20 and originates in Belarus ...",
    "top_party_match": "Belaruskali OAO", "top_party_score": 1.0, "top_party_list": "curated-belarus",
    "findings": [
        {"rule_id": "BY-PARTY-LISTED", "family": "party", "severity": "block", "regime": "EU",
         "legal_basis": "Council Implementing Regulation (EU) 2022/876",
         "message": "exporter 'JSC Belaruskali' matches listed Belaruskali OAO (EU, curated-belarus, score 1.00): ...",
         "evidence": {"party_role": "exporter", "party_name": "JSC Belaruskali", "party_country": "BY"},
         "confidence": "confirmed", "matched_name": "Belaruskali OAO", "list_entry_id": "curated:belaruskali",
         "list_name": "curated-belarus", "score": 1.0,
         "explanation": "matched 'belaruskali'; ignored legal forms: jsc, oao; same country (BY vs BY); score 1.00"},
        {"rule_id": "BY-SECT-POTASH", "family": "sector", "severity": "block", "regime": "EU",
         "legal_basis": "Art. 1i and Annex VIII of Council Regulation (EC) No 765/2006, inserted by Council "
                        "Regulation (EU) 2021/1030, extended by Council Regulation (EU) 2022/355",
         "message": "Potash import ban: HS 3104 20 50 falls under listed 3104 20 and originates in Belarus ...",
         "evidence": {"hs_code": "31042050", "listed_code": "3104 20", "origin_country": "BY"},
         "confidence": "confirmed"},
    ],
    "error": None, "warnings": "",
}
ERROR_ROW_EXAMPLE: dict[str, Any] = {
    "shipment_id": "3", "hs_code": "84", "destination_country": "DE", "row_number": 2, "verdict": "ERROR",
    "risk_score": None, "rule_ids": "", "reasons": "", "top_party_match": None, "top_party_score": None,
    "top_party_list": None, "findings": [],
    "error": "row 2: hs_code '84' has 2 digits: an HS/CN code has 4 to 10 digits (chapter-only codes are too coarse "
             "to screen)",
    "warnings": "",
}


class ScreenResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"result": RESULT_EXAMPLE,
                                                               "provenance": PROVENANCE_EXAMPLE}]})

    result: ResultRow
    provenance: ProvenanceOut


class BatchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "results": [RESULT_EXAMPLE, ERROR_ROW_EXAMPLE], "summary": {"rows": 2, "BLOCK": 1, "REVIEW": 0, "CLEAR": 0,
                                                                    "ERROR": 1},
        "warnings": [], "provenance": PROVENANCE_EXAMPLE}]})

    results: list[ResultRow] = Field(description="One per input row, in input order; unreadable rows are ERROR rows.")
    summary: dict[str, int] = Field(description="rows and the count of each verdict.")
    warnings: list[str] = Field(default_factory=list, description="Row warnings (e.g. a repeated shipment_id).")
    provenance: ProvenanceOut


class MatchOut(BaseModel):
    entity_id: str
    list_entry_id: str = Field(description="The same id as entity_id: the key a party finding uses.")
    list_name: str
    entity_name: str
    matched_name: str
    query: str
    score: float
    explanation: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class MatchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "Belaruskali", "country": "BY",
        "matches": [{"entity_id": "curated:belaruskali", "list_entry_id": "curated:belaruskali",
                     "list_name": "curated-belarus", "entity_name": "Belaruskali OAO",
                     "matched_name": "Belaruskali OAO", "query": "Belaruskali", "score": 1.0,
                     "explanation": "matched 'belaruskali'; ignored legal forms: oao; same country (BY vs BY); "
                                    "score 1.00",
                     "details": [{"token": "belaruskali", "matched": "belaruskali", "how": "exact", "credit": 1.0}]}],
        "provenance": PROVENANCE_EXAMPLE}]})

    query: str
    country: str | None
    matches: list[MatchOut]
    provenance: ProvenanceOut


class RulesResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "rules": [{"id": "BY-SECT-POTASH", "family": "sector", "kind": "import", "severity": "block",
                   "regime": "EU", "title": "Potash import ban", "legal_basis": "Art. 1i and Annex VIII of Council "
                   "Regulation (EC) No 765/2006", "valid_from": "2021-06-25", "confidence": "confirmed"}],
        "provenance": PROVENANCE_EXAMPLE}]})

    rules: list[dict[str, Any]]
    provenance: ProvenanceOut


class ListsResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"lists": PROVENANCE_EXAMPLE["lists"],
                                                               "provenance": PROVENANCE_EXAMPLE}]})

    lists: list[ListRef]
    provenance: ProvenanceOut


class HealthResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0",
                                                               "provenance": PROVENANCE_EXAMPLE}]})

    status: str
    version: str
    provenance: ProvenanceOut


class ReloadResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "reloaded", "provenance": PROVENANCE_EXAMPLE,
                                                               "previous": PROVENANCE_EXAMPLE}]})

    status: str
    provenance: ProvenanceOut
    previous: ProvenanceOut


class ErrorDetail(BaseModel):
    field: str = Field(description="The field at fault, e.g. hs_code, as_of, body.")
    loc: list[str | int] = Field(description="Where it is: ['body', 'hs_code'], ['query', 'as_of'].")
    message: str


class ErrorResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "error": "invalid request", "status": 422, "request_id": "4f6c0e0d2b7a4d1c9d0b8f9a1e2c3d4e",
        "detail": [{"field": "hs_code", "loc": ["body", "hs_code"],
                    "message": "hs_code '84' has 2 digits: an HS/CN code has 4 to 10 digits (chapter-only "
                               "codes are too coarse to screen)"}]}]})

    error: str
    status: int
    request_id: str
    detail: list[ErrorDetail] | None = None


class DecisionIn(BaseModel):
    """A reviewer's decision, as ``compliance decide`` records it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "false_positive", "party_name": "Belaruskali Trading GmbH", "list_entry_id": "curated:by-belaruskali",
         "party_country": "DE", "reason": "different company: other registry number", "reviewer": "J. Smith"},
        {"kind": "released", "shipment_id": "SO-48807", "reason": "end-user certificate checked",
         "reviewer": "J. Smith"}]})

    kind: Literal["false_positive", "released", "held", "revoked"]
    reason: StrictStr = Field(min_length=1, description="Why: kept in the audit log.")
    reviewer: Text = Field(None, description="Who decided (default: the API key's name).")
    party_name: Text = Field(None, description="false_positive: the party name as in the shipment.")
    list_entry_id: Text = Field(None, description="false_positive: the finding's list_entry_id.")
    party_country: Country = Field(None, description="false_positive: only for parties of this country.")
    entry_hash: Text = Field(None, description="false_positive: the finding's evidence.entry_hash (the entry "
                                               "version the reviewer saw; default: the loaded one).")
    shipment_id: StrictStr | StrictInt | None = Field(None, description="released / held: the shipment.")
    revokes: StrictInt | None = Field(None, description="revoked: the id of the decision withdrawn.")
    source: Text = Field(None, description="Where it was decided, e.g. a declaration number.")


class DecisionOut(BaseModel):
    id: int
    kind: str
    party_name: str | None = None
    party_key: str | None = None
    party_country: str | None = None
    list_entry_id: str | None = None
    list_name: str | None = None
    entry_name: str | None = None
    entry_hash: str | None = None
    shipment_id: str | None = None
    revokes: int | None = None
    reason: str
    reviewer: str
    decided_at: str
    source: str | None = None


class DecisionResponse(BaseModel):
    decision: DecisionOut


class DecisionsResponse(BaseModel):
    decisions: list[DecisionOut]
