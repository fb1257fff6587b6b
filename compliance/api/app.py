"""FastAPI application: screening, matching, rules and lists over HTTP.

One ``Screener`` is loaded at start and shared by every request (it is read-only);
``POST /v1/lists/reload`` builds a new one and swaps the reference, so requests in flight
finish on the old one and a failed reload keeps it.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hmac
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compliance import __version__, settings
from compliance.exc import ComplianceError, InvalidInput
from compliance.io import result_record
from compliance.models import INPUT_COLUMNS, ScreeningResult, parse_shipment
from compliance.screener import Screener

log = logging.getLogger("compliance.api")

SHIPMENT_EXAMPLE = {
    "shipment_id": "SO-48807", "hs_code": "8542.31", "destination_country": "KZ", "description": "Microcontrollers",
    "exporter_name": "Müller Maschinenbau GmbH", "exporter_country": "DE", "consignee_name": "Astana Components TOO",
    "consignee_country": "KZ", "end_user_country": "RU", "value": 51000, "currency": "EUR", "date": "2026-03-02",
}


class MatchRequest(BaseModel):
    name: str = Field(min_length=1, max_length=500, examples=["ОАО «Беларуськалий»"])
    country: str | None = Field(None, examples=["BY"])
    limit: int = Field(10, ge=1, le=100)


class _State:
    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        self.lock = asyncio.Lock()


class BodyLimit:
    """ASGI middleware: 413 for bodies above the limit, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _send_413(send, self.limit)
            return
        seen = 0
        too_big = False

        async def counted() -> Message:
            nonlocal seen, too_big
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    too_big = True
                    raise _TooLarge
            return msg

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _send_413(send, self.limit)


class _TooLarge(Exception):
    pass


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps({"error": f"request body larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _record(result: ScreeningResult) -> dict[str, Any]:
    columns = [c for c in INPUT_COLUMNS if c in result.input] + [c for c in result.input if c not in INPUT_COLUMNS]
    return result_record(result, columns)


def _parse_date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, detail=[{"field": field, "message": f"{value!r} is not an ISO date"}]) from None


def create_app(screener: Screener | None = None, *, api_keys: list[str] | None = None,
               max_body_bytes: int | None = None) -> FastAPI:
    """Build the service. Without arguments: the bundled rules, curated and imported lists,
    keys from ``COMPLIANCE_API_KEYS``, body limit from ``COMPLIANCE_MAX_BODY_BYTES``."""
    state = _State(screener or Screener.load())
    keys = [k.encode() for k in (settings.API_KEYS if api_keys is None else api_keys)]
    app = FastAPI(title="compliance", version=__version__,
                  description="Belarus sanctions export-control screening: goods, route, documents and parties. "
                              "Send `X-API-Key` when the service has keys configured.")
    app.add_middleware(BodyLimit, limit=max_body_bytes or settings.MAX_BODY_BYTES)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = rid
        start = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            log.exception("request %s failed", rid)
            response = JSONResponse({"error": "internal error", "request_id": rid}, status_code=500)
        response.headers["X-Request-ID"] = rid
        log.info(json.dumps({"request_id": rid, "method": request.method, "path": request.url.path,
                             "status": response.status_code, "ms": round((time.perf_counter() - start) * 1000, 2)}))
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse({"error": "invalid request", "detail": details,
                             "request_id": getattr(request.state, "request_id", None)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        body: dict[str, Any] = {"error": exc.detail if isinstance(exc.detail, str) else "invalid request",
                                "request_id": getattr(request.state, "request_id", None)}
        if not isinstance(exc.detail, str):
            body["detail"] = exc.detail
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    def require_key(request: Request) -> None:
        if not keys:
            return
        given = request.headers.get("x-api-key", "").encode()
        if not any(hmac.compare_digest(given, k) for k in keys):
            raise HTTPException(401, detail="missing or wrong X-API-Key")

    secured = [Depends(require_key)]

    def provenance(jurisdiction: str | None, as_of: dt.date | None) -> dict[str, Any]:
        return state.screener.provenance(jurisdiction=jurisdiction, as_of=as_of).model_dump(mode="json")

    @app.get("/v1/health", tags=["operations"])
    def health() -> dict[str, Any]:
        s = state.screener
        return {"status": "ok", "version": __version__, "rules_version": s.bundle.version,
                "lists": [{"name": x.info.name, "version": x.info.version, "entries": x.info.entries} for x in s.lists]}

    @app.post("/v1/screen", dependencies=secured, tags=["screening"])
    def screen(shipment: dict[str, Any] = Body(..., examples=[SHIPMENT_EXAMPLE]),  # noqa: B006
               jurisdiction: str | None = Query(None, examples=["EU"]),
               as_of: str | None = Query(None, description="ISO date for rows without a date")) -> dict[str, Any]:
        """Screen one shipment (contract columns). A malformed field gives 422 naming it."""
        day = _parse_date(as_of, "as_of")
        try:
            parse_shipment(dict(shipment))
        except InvalidInput as e:
            fields = (e.field or "shipment").split(",")
            raise HTTPException(422, detail=[{"field": f.strip(), "message": str(e)} for f in fields]) from None
        try:
            result = state.screener.screen(shipment, row_number=1, jurisdiction=jurisdiction, as_of=day)
        except ComplianceError as e:
            raise HTTPException(422, detail=[{"field": "jurisdiction", "message": str(e)}]) from None
        return {"result": _record(result), "provenance": provenance(jurisdiction, day)}

    async def _batch_rows(request: Request) -> list[dict[str, Any]]:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = await request.body()
        if ctype in ("text/csv", "application/csv"):
            text = raw.decode("utf-8-sig", errors="replace")
            delim = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            reader = csv.DictReader(io.StringIO(text), delimiter=delim)
            if not reader.fieldnames:
                raise HTTPException(422, detail=[{"field": "body", "message": "empty CSV: no header row"}])
            names = {f: " ".join(f.strip().lower().replace("_", " ").split()).replace(" ", "_") for f in reader.fieldnames}
            return [{names[k] if names[k] in INPUT_COLUMNS else k: v for k, v in r.items() if k is not None} for r in reader]
        try:
            data = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise HTTPException(422, detail=[{"field": "body", "message": f"not valid JSON: {e}"}]) from None
        if isinstance(data, dict) and isinstance(data.get("shipments"), list):
            data = data["shipments"]
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise HTTPException(422, detail=[{"field": "body", "message": "send a JSON array of shipment objects "
                                                                         "(or text/csv)"}])
        return data

    @app.post("/v1/screen/batch", dependencies=secured, tags=["screening"],
              openapi_extra={"requestBody": {"content": {
                  "application/json": {"example": [SHIPMENT_EXAMPLE]},
                  "text/csv": {"example": "shipment_id,hs_code,destination_country\n1,3104 20 50,PL\n"}}}})
    async def screen_batch(request: Request, jurisdiction: str | None = Query(None),
                           as_of: str | None = Query(None)) -> Response:
        """Screen many shipments: one result per row, in order, ERROR rows included. Ask for
        ``Accept: application/x-ndjson`` to get results streamed as JSON lines."""
        day = _parse_date(as_of, "as_of")
        rows = await _batch_rows(request)
        screener = state.screener
        if jurisdiction and jurisdiction.upper() not in screener.bundle.countries.jurisdictions:
            raise HTTPException(422, detail=[{"field": "jurisdiction", "message": f"unknown jurisdiction {jurisdiction!r}"}])
        prov = screener.provenance(jurisdiction=jurisdiction, as_of=day).model_dump(mode="json")
        if "application/x-ndjson" in request.headers.get("accept", ""):
            def lines() -> Iterator[bytes]:
                yield json.dumps({"provenance": prov}, ensure_ascii=False).encode() + b"\n"
                for r in screener.screen_many(rows, jurisdiction=jurisdiction, as_of=day):
                    yield json.dumps(_record(r), ensure_ascii=False, default=str).encode() + b"\n"

            async def stream() -> AsyncIterator[bytes]:
                it = lines()
                while True:
                    chunk = await asyncio.to_thread(next, it, None)
                    if chunk is None:
                        break
                    yield chunk

            return StreamingResponse(stream(), media_type="application/x-ndjson")
        results = await asyncio.to_thread(
            lambda: [_record(r) for r in screener.screen_many(rows, jurisdiction=jurisdiction, as_of=day)])
        summary: dict[str, int] = {}
        for rec in results:
            summary[rec["verdict"]] = summary.get(rec["verdict"], 0) + 1
        return JSONResponse({"results": results, "summary": summary, "provenance": prov})

    @app.post("/v1/match", dependencies=secured, tags=["names"])
    def match(req: MatchRequest) -> dict[str, Any]:
        """Match one party name against every loaded list, with explanations."""
        from compliance.countries import resolve_country

        cc = None
        if req.country:
            try:
                cc = resolve_country(req.country)
            except (ComplianceError, ValueError):
                raise HTTPException(422, detail=[{"field": "country", "message": f"unknown country {req.country!r}"}]) from None
        matches = state.screener.match(req.name, country=cc, limit=req.limit)
        return {"query": req.name, "country": cc, "matches": [m.model_dump(mode="json") for m in matches],
                "lists": [x.info.model_dump(mode="json") for x in state.screener.lists]}

    @app.get("/v1/rules", dependencies=secured, tags=["rules and lists"])
    def rules() -> dict[str, Any]:
        b = state.screener.bundle
        return {"bundle": {"name": b.info.name, "version": b.version, "sha256": b.sha256},
                "rules": [r.model_dump(mode="json", exclude={"goods"}, exclude_none=True) for r in b.rules]}

    @app.get("/v1/lists", dependencies=secured, tags=["rules and lists"])
    def lists() -> dict[str, Any]:
        return {"lists": [x.info.model_dump(mode="json") for x in state.screener.lists]}

    @app.post("/v1/lists/reload", dependencies=secured, tags=["operations"])
    async def reload() -> dict[str, Any]:
        """Reload rules and lists (e.g. after ``compliance lists import``); a failure keeps the old ones."""
        async with state.lock:
            old = state.screener
            try:
                new = await asyncio.to_thread(Screener.load, None, None, jurisdiction=old.jurisdiction)
            except ComplianceError as e:
                raise HTTPException(409, detail=f"reload failed, previous rules and lists kept: {e}") from None
            state.screener = new
        return {"status": "reloaded", "rules_version": new.bundle.version,
                "lists": [x.info.model_dump(mode="json") for x in new.lists]}

    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory`` with several workers."""
    return create_app()
