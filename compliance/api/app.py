"""FastAPI application: screening, matching, rules and lists over HTTP (contract section 5).

One ``Screener`` is loaded at start, warmed up, and shared by every request (it is read-only
after load). ``POST /v1/lists/reload`` builds a new one beside it and swaps the reference:
requests in flight finish on the one they started with, and a failed reload keeps the old one.
With several workers, the worker that reloaded touches a stamp file and the others follow
within ``reload_poll_seconds``.

Single-shipment work (well under a millisecond) runs on the event loop; batches run in a
worker thread so the loop keeps answering. Responses are serialised with orjson.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import itertools
import json
import logging
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from fastapi.security import APIKeyHeader
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException

from compliance import __version__, settings
from compliance.api import schemas
from compliance.api.audit import ApiAudit, Entry, parse_key, row_tuple
from compliance.api.middleware import ServiceMiddleware, error_body
from compliance.audit.store import StoreError
from compliance.exc import ComplianceError, InputFileError, InvalidInput
from compliance.io import InputTable, RawRow, map_headers, open_input, result_record
from compliance.io.readers import DuplicateKeys, duplicate_key_problem, json_object, normalise_record
from compliance.models import INPUT_COLUMNS, ScreeningResult, Verdict, parse_shipment
from compliance.rules.quota import QuotaTracker
from compliance.screener import Screener

if TYPE_CHECKING:
    from compliance.audit import DbChoice
    from compliance.audit.ledger import Ledger

log = logging.getLogger("compliance.api")

# Rows per engine chunk in a batch (parties of a chunk are matched once) and per streamed block.
BATCH_CHUNK_ROWS = 1000
# Rows of one batch request. The body limit bounds bytes, not rows: a gzip-compressed CSV (read
# through, as by the CLI) holds millions of rows in a few KB, and ``[{},{},...]`` 20 MB holds
# 6 million items, each answered in one response built in memory.
MAX_BATCH_ROWS = settings.env_int("COMPLIANCE_MAX_BATCH_ROWS", 500_000)
STREAM_BLOCK_ROWS = 200
# Content types of batch bodies -> input format of compliance.io.
BATCH_FORMATS = {
    "application/json": "json", "text/json": "json",
    "text/csv": "csv", "application/csv": "csv", "text/plain": "csv", "text/tab-separated-values": "csv",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/ndjson": "jsonl",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet",
}
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": schemas.ErrorResponse, "description": "Bad input: the field at fault is named."},
          401: {"model": schemas.ErrorResponse, "description": "Missing or wrong X-API-Key."},
          413: {"model": schemas.ErrorResponse, "description": "Body above the limit."}}
_REQUEST_ID_HEADER = {"X-Request-ID": {"description": "Yours (if given and plain) or a new one; also in the log.",
                                       "schema": {"type": "string"}}}


class ApiError(Exception):
    """An error answered as JSON with a status and, for bad input, the fields at fault."""

    def __init__(self, status: int, message: str, detail: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.detail, self.headers = status, message, detail, headers


def _too_many_rows() -> ApiError:
    return ApiError(413, f"the body holds more than {MAX_BATCH_ROWS:,} rows (COMPLIANCE_MAX_BATCH_ROWS): send the "
                         "batch in parts, or screen the file with compliance screen")


def bad_field(field: str, message: str, where: str = "body") -> ApiError:
    loc: list[str | int] = [where] if field in ("body", "") else [where, *field.split(".")]
    return ApiError(422, "invalid request", [{"field": field or where, "loc": loc, "message": message}])


def _status_of(exc: ComplianceError) -> int:
    """The one mapping of the library's exceptions to HTTP statuses."""
    if isinstance(exc, InvalidInput | InputFileError):
        return 422
    return exc.status


def _dumps(content: Any) -> bytes:
    try:
        return orjson.dumps(content, default=str)
    except TypeError:  # an echoed integer beyond 64 bits: the slow serialiser copes
        return json.dumps(content, default=str, ensure_ascii=False).encode()


def _json(content: Any, status: int = 200) -> Response:
    return Response(_dumps(content), status_code=status, media_type="application/json")


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise bad_field("as_of", f"as_of {value!r} is not an ISO date (e.g. 2026-03-01)", "query") from None


class _Loaded:
    """A screener and what every response says about it (computed once per load)."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        b = screener.bundle
        self.provenance_base: dict[str, Any] = {
            "tool": "compliance", "tool_version": __version__,
            "rules": {"name": b.info.name, "version": b.version, "sha256": b.sha256},
            # File paths of the server are nobody's business: not in responses.
            "lists": [x.info.model_dump(mode="json", exclude={"path"}) for x in screener.lists],
        }
        lists = ",".join(f"{x.info.name}@{x.info.version or x.info.date or '?'}" for x in screener.lists)
        self.headers = [(b"x-rules-version", f"{b.info.name}@{b.version}".encode("ascii", "replace")),
                        (b"x-lists-version", lists.encode("ascii", "replace"))]

    def provenance(self, jurisdiction: str | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
        s = self.screener
        day = as_of or s.as_of
        return {**self.provenance_base, "jurisdiction": (jurisdiction or s.jurisdiction).upper(),
                "as_of": day.isoformat() if day else None}


class _WarningCatcher(logging.Handler):
    """Collects warnings logged by one thread (list loading logs a damaged file and skips it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


class _State:
    def __init__(self, loaded: _Loaded, loader: Callable[[], Screener], stamp: Path | None,
                 audit: ApiAudit | None = None) -> None:
        self.loaded = loaded
        self.audit = audit
        self.loader = loader
        self.lock = asyncio.Lock()
        self.stamp = stamp
        self.stamp_seen = _mtime(stamp)

    def load_strict(self) -> Screener:
        """Load anew; any warning from list loading (a damaged list skipped) fails the reload."""
        catcher = _WarningCatcher()
        lists_log = logging.getLogger("compliance.lists")
        lists_log.addHandler(catcher)
        try:
            new = self.loader()
        finally:
            lists_log.removeHandler(catcher)
        if catcher.messages:
            raise ComplianceError("; ".join(catcher.messages))
        return new

    async def reload(self) -> tuple[_Loaded, _Loaded]:
        async with self.lock:
            old = self.loaded
            try:
                new = await asyncio.to_thread(self.load_strict)
                _warm_up(new)
            except Exception as e:  # any failure keeps the old lists: that is the point
                log.warning("reload failed, previous rules and lists kept: %s", e)
                raise ApiError(409, f"reload failed, previous rules and lists kept: {e}") from None
            if self.audit is not None:  # the decisions recorded up to now, whatever the loader did
                await asyncio.to_thread(self.audit.refresh_decisions, new, force=True)
            self.loaded = _Loaded(new)
            log.info("reloaded: rules %s, %d lists", new.bundle.version, len(new.lists))
            return old, self.loaded


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None


def _warm_up(screener: Screener) -> None:
    """One dummy screen before serving: imports, caches and the index are hot for the first client."""
    screener.screen({"shipment_id": "warm-up", "hs_code": "310420", "destination_country": "PL",
                     "origin_country": "BY", "exporter_name": "Belaruskali"})


def _record(result: ScreeningResult) -> dict[str, Any]:
    return result_record(result, list(result.input))


def _summary(counts: Counter[str]) -> dict[str, int]:
    return {"rows": sum(counts.values()), **{v.value: counts.get(v.value, 0) for v in Verdict}}


_KEY_END = re.compile(rb'"\s*:')


def _count_keys(obj: Any) -> int:
    if isinstance(obj, dict):
        return len(obj) + sum(_count_keys(v) for v in obj.values() if isinstance(v, dict | list))
    if isinstance(obj, list):
        return sum(_count_keys(v) for v in obj if isinstance(v, dict | list))
    return 0


def _with_duplicate_keys(raw: bytes, data: Any) -> Any:
    """``data`` (orjson's reading of ``raw``), read again with repeated keys reported
    (``DuplicateKeys``) when ``raw`` may name a key twice. orjson keeps the last value of a
    repeated key silently; the cheap test (every key is a string then ':', so fewer such marks
    than keys read means none repeated) leaves ordinary bodies to orjson alone."""
    keys = _count_keys(data)
    marks = raw.count(b'":') + raw.count(b'" :')
    if marks <= keys and any(w in raw for w in (b'"\n', b'"\r', b'"\t', b'"  ')):  # other space before ':'
        marks = len(_KEY_END.findall(raw))
    if marks <= keys:
        return data
    try:
        return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=json_object)
    except (ValueError, RecursionError):
        return data


def _json_table(raw: bytes, charset: str | None = None) -> InputTable:
    """A JSON array (or ``{"shipments": [...]}``) as an input table: one row per item, none lost."""
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            raw = raw.decode(charset).encode()
        except (LookupError, UnicodeDecodeError) as e:
            raise bad_field("body", f"the body is not valid {charset}: {e}") from None
    try:
        data = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as e:
        raise bad_field("body", f"not valid JSON: {e}") from None
    data = _with_duplicate_keys(raw, data)
    if isinstance(data, DuplicateKeys) and isinstance(data.get("shipments"), list):
        raise bad_field("body", f"the body names {', '.join(repr(k) for k in data.duplicates)} more than once; "
                                "JSON keeps only the last, so shipments would be lost: give each key once")
    if isinstance(data, dict) and isinstance(data.get("shipments"), list):
        data = data["shipments"]
    if not isinstance(data, list):
        raise bad_field("body", "send a JSON array of shipment objects, {\"shipments\": [...]}, or a CSV body "
                                "with Content-Type: text/csv")
    if len(data) > MAX_BATCH_ROWS:
        raise _too_many_rows()
    columns: dict[str, None] = {}
    for item in data:
        if isinstance(item, dict):
            columns.update(dict.fromkeys(item))
    mapping, warnings = map_headers(list(columns), {})
    items = [it if isinstance(it, dict) else f"the item is a JSON {type(it).__name__}, not a shipment object"
             for it in data]
    return InputTable("body", "json", list(columns), mapping, items, warnings=warnings)


def create_app(screener: Screener | None = None, *, api_keys: list[str] | None = None,
               max_body_bytes: int | None = None, loader: Callable[[], Screener] | None = None,
               reload_poll_seconds: float = 2.0, db: DbChoice = None, rules_dir: str | Path | None = None,
               list_files: list[str | Path] | None = None, jurisdiction: str | None = None) -> FastAPI:
    """Build the service.

    Args:
        screener: the screener to serve (default: ``loader()``).
        api_keys: accepted ``X-API-Key`` values, each ``key`` or ``name:key`` (default
            ``COMPLIANCE_API_KEYS``; empty = open). The audit log names the caller by ``name``,
            or by ``key-`` and a short hash of the key: never the key itself.
        max_body_bytes: request body limit (default ``COMPLIANCE_MAX_BODY_BYTES``, 20 MB).
        loader: how to (re)load rules and lists (default ``Screener.load`` with ``rules_dir``,
            ``list_files``, ``jurisdiction`` and ``db``); used by reload.
        reload_poll_seconds: how often a worker checks whether another one reloaded, or a new
            decision was recorded (0 = never).
        db: the audit store (log, quota ledger, decisions) as ``compliance screen --db``: a path;
            ``None``: the default store when it exists; ``False``: none.
    """
    from compliance.audit import resolve_db

    db_path = resolve_db(db)
    extra_lists = list(list_files or [])
    load = loader or (lambda: Screener.load(rules_dir, extra_lists, jurisdiction=jurisdiction,
                                            db=db_path or False))
    first = screener or load()
    _warm_up(first)
    audit = ApiAudit(db_path) if db_path is not None else None
    if audit is not None and screener is not None:  # a screener given ready-made: this store's decisions
        audit.refresh_decisions(first, force=True)
    stamp = settings.data_dir() / "serve-reload.stamp" if reload_poll_seconds > 0 else None
    state = _State(_Loaded(first), load, stamp, audit)
    keys = [parse_key(k) for k in (settings.API_KEYS if api_keys is None else api_keys)]
    digests = [(name, hashlib.sha256(k.encode()).digest()) for name, k in keys]

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = (asyncio.create_task(_follow_reloads(state, reload_poll_seconds))
                if reload_poll_seconds > 0 and (stamp is not None or audit is not None) else None)
        yield
        if task is not None:
            task.cancel()
        if audit is not None:  # graceful shutdown: every queued log entry written
            await asyncio.to_thread(audit.close)

    app = FastAPI(
        title="compliance", version=__version__, lifespan=lifespan,
        description="Belarus sanctions export-control screening of shipments: goods, route, documents and "
                    "parties. Results have the fields of the CSV output (one per input row, in order); every "
                    "response names the rule bundle and list versions (`provenance`, and the `X-Rules-Version` "
                    "/ `X-Lists-Version` headers). Send `X-API-Key` when the service has keys configured "
                    "(every route but `/v1/health`). Errors are JSON: `error`, `status`, `request_id` and, for "
                    "bad input (422), `detail` naming each field.")
    app.state.audit = audit  # for operations and tests (flush the log writer)
    app.add_middleware(ServiceMiddleware, limit=max_body_bytes or settings.MAX_BODY_BYTES,
                       extra_headers=lambda: state.loaded.headers)

    def request_id(request: Request) -> str:
        return str(request.scope.get("state", {}).get("request_id", ""))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return Response(error_body(exc.status, exc.message, request_id(request), exc.detail),
                        status_code=exc.status, media_type="application/json", headers=exc.headers)

    @app.exception_handler(ComplianceError)
    async def compliance_error(request: Request, exc: ComplianceError) -> Response:
        status = _status_of(exc)
        detail: list[dict[str, Any]] | None = None
        if isinstance(exc, InvalidInput):
            detail = [{"field": f, "loc": ["body", f], "message": str(exc)} for f in (exc.field or "body").split(",")]
        return Response(error_body(status, str(exc) if detail is None else "invalid request", request_id(request),
                                   detail), status_code=status, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail: list[dict[str, Any]] = []
        for e in exc.errors():
            loc = [p for p in e.get("loc", ()) if isinstance(p, str | int)]
            where = loc[0] if loc and loc[0] in ("body", "query", "header", "path") else "body"
            rest = loc[1:] if loc and loc[0] == where else loc
            if e.get("type") == "json_invalid":
                rest = []  # the position of the syntax error is in the message
            # Union members (str | int) add their type name to the path: not a field.
            rest = [p for p in rest if not (isinstance(p, str) and (
                p in ("str", "int", "float", "bool") or "[" in p or p.startswith(("function-", "constrained-"))))]
            field = ".".join(str(p) for p in rest) or where
            msg = str(e.get("msg", "invalid"))
            prev = detail[-1] if detail else None
            kind = msg.removeprefix("Input should be a valid ")
            if prev is not None and prev["loc"] == [where, *rest] and kind != msg and "should be a valid" in prev["message"]:
                prev["message"] += f" or {kind}"  # one line per field for a union (text or number ...)
                continue
            if rest and not msg.startswith(str(rest[-1])):
                msg = f"{field}: {msg}"
            detail.append({"field": field, "loc": [where, *rest], "message": msg})
        return Response(error_body(422, "invalid request", request_id(request), detail), status_code=422,
                        media_type="application/json")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 400 and message == "There was an error parsing the body":
            return Response(error_body(422, "invalid request", request_id(request),
                                       [{"field": "body", "loc": ["body"],
                                         "message": "the body is not valid UTF-8 JSON"}]),
                            status_code=422, media_type="application/json")
        return Response(error_body(exc.status_code, message, request_id(request)), status_code=exc.status_code,
                        media_type="application/json", headers=exc.headers)

    key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="One of the keys in COMPLIANCE_API_KEYS (when set).")

    async def require_key(given: str | None = Depends(key_header)) -> str:
        """The caller's name for the audit log ("api:<key name>", "api:anonymous" without keys)."""
        if not digests:
            return "api:anonymous"
        probe = hashlib.sha256((given or "").encode()).digest()
        who = None
        for name, d in digests:  # every key compared, in constant time: no early exit to time
            if hmac.compare_digest(probe, d) and who is None:
                who = name
        if who is None:
            raise ApiError(401, "missing or wrong X-API-Key", headers={"WWW-Authenticate": "ApiKey"})
        return f"api:{who}"

    secured = [Depends(require_key)]

    def jurisdiction_of(loaded: _Loaded, value: str | None) -> str | None:
        if value and value.upper() not in loaded.screener.bundle.countries.jurisdictions:
            raise bad_field("jurisdiction", f"unknown jurisdiction {value!r}: use one of "
                                            f"{', '.join(loaded.screener.bundle.countries.jurisdictions)}", "query")
        return value.upper() if value else None

    jurisdiction_q = Query(None, description="Whose regimes bind: EU (default), US, UK or LT.", examples=["LT"])
    as_of_q = Query(None, description="ISO date for rows without a `date` (default today).", examples=["2026-03-01"])

    @app.get("/v1/health", tags=["operations"], response_model=schemas.HealthResponse,
             responses={200: {"headers": _REQUEST_ID_HEADER}})
    async def health() -> Response:
        """Liveness and what is loaded. Needs no key."""
        return _json({"status": "ok", "version": __version__, "provenance": state.loaded.provenance()})

    @app.post("/v1/screen", dependencies=secured, tags=["screening"], response_model=schemas.ScreenResponse,
              responses={**ERRORS, 200: {"headers": _REQUEST_ID_HEADER}})
    async def screen(request: Request, shipment: schemas.ShipmentIn, jurisdiction: str | None = jurisdiction_q,
                     as_of: str | None = as_of_q, actor: str = Depends(require_key)) -> Response:
        """Screen one shipment (contract columns). A malformed field gives 422 naming it."""
        loaded = state.loaded  # one screener for the whole request, even if a reload swaps it
        j = jurisdiction_of(loaded, jurisdiction)
        day = _parse_day(as_of)
        row = shipment.model_dump(exclude_unset=True)
        raw = await request.body()
        seen = _with_duplicate_keys(raw, row) if len(raw) < 1 << 20 else row
        if isinstance(seen, DuplicateKeys):
            problem, _ = duplicate_key_problem(seen, {k: k for k in seen if k in INPUT_COLUMNS})
            if problem:
                fields = [k for k in seen.duplicates if k in INPUT_COLUMNS]
                raise ApiError(422, "invalid request", [{"field": f, "loc": ["body", f], "message": problem}
                                                        for f in fields])
        # Read as a file row is (numeric HS codes, disguised party names ...), said in warnings.
        problems: list[str] = []
        data, notes = normalise_record(row, problems=problems)
        if problems:  # an amount of 10^15, a number as currency: as a batch row's ERROR
            raise ApiError(422, "invalid request", [{"field": (f := p.split(" ", 1)[0]), "loc": ["body", f],
                                                     "message": p} for p in problems])
        try:
            parsed = parse_shipment(data)
        except InvalidInput as e:
            fields = [f.strip() for f in (e.field or "body").split(",")]
            raise ApiError(422, "invalid request", [{"field": f, "loc": ["body", f], "message": str(e)}
                                                    for f in fields]) from None
        audit = state.audit
        if audit is None:
            result = loaded.screener.screen(parsed, row_number=1, jurisdiction=j, as_of=day, input_row=row,
                                            notes=notes)
            return _json({"result": _record(result), "provenance": loaded.provenance(j, day)})
        # A single declaration counts towards the quotas like a batch row (idempotent per
        # shipment_id); the ledger only reads here, and writes (off the loop) when it counted.
        ledger = audit.ledger()
        result = loaded.screener.screen(parsed, row_number=1, jurisdiction=j, as_of=day, input_row=row,
                                        quota=QuotaTracker(loaded.screener.bundle, ledger), notes=notes)
        written = await asyncio.to_thread(_flush_ledger, audit, ledger) if ledger.pending() else 0
        prov = loaded.provenance(j, day)
        audit.log(_entry("/v1/screen", actor, request_id(request), prov, [row_tuple(result)], written))
        return _json({"result": _record(result), "provenance": prov})

    @app.post("/v1/screen/batch", dependencies=secured, tags=["screening"], response_model=schemas.BatchResponse,
              responses={**ERRORS, 415: {"model": schemas.ErrorResponse, "description": "Unknown body type."},
                         200: {"headers": _REQUEST_ID_HEADER, "content": {"application/x-ndjson": {
                             "example": '{"provenance": {...}}\n{"shipment_id": "1", "verdict": "BLOCK", ...}\n'
                                        '{"summary": {"rows": 1, "BLOCK": 1, "REVIEW": 0, "CLEAR": 0, "ERROR": 0}}\n'}}}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ShipmentIn"}},
                                       "example": [schemas.POTASH_EXAMPLE, schemas.SHIPMENT_EXAMPLE]},
                  "text/csv": {"schema": {"type": "string"},
                               "example": "shipment_id,hs_code,destination_country,origin_country\n"
                                          "1,3104 20 50,PL,BY\n2,9403.60,DE,\n"},
                  "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                      "file": {"type": "string", "format": "binary",
                               "description": "A shipment file (.csv, .xlsx, .jsonl, .json, .parquet)"}}},
                      "example": {"file": "shipment_id,hs_code,destination_country\n1,3104 20 50,PL\n"}},
                  "application/x-ndjson": {"schema": {"type": "string"},
                                           "example": '{"shipment_id": "1", "hs_code": "3104 20 50", '
                                                      '"destination_country": "PL", "origin_country": "BY"}\n'}}}})
    async def screen_batch(request: Request, jurisdiction: str | None = jurisdiction_q,
                           as_of: str | None = as_of_q, actor: str = Depends(require_key)) -> Response:
        """Screen many shipments: one result per input row, in input order, unreadable rows as ERROR rows.

        The body is a JSON array of shipments, CSV (`text/csv`, any common encoding and delimiter,
        header names as in the CLI), JSON lines, .xlsx or .parquet. Send
        `Accept: application/x-ndjson` to get the results streamed as JSON lines: a provenance line,
        one line per row, a summary line.
        """
        loaded = state.loaded
        j = jurisdiction_of(loaded, jurisdiction)
        day = _parse_day(as_of)
        ctype = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        fmt = "upload" if ctype == "multipart/form-data" else BATCH_FORMATS.get(ctype or "application/json")
        if fmt is None:
            raise ApiError(415, f"unsupported Content-Type {ctype!r}: send application/json, text/csv, "
                                "application/x-ndjson, .xlsx, .parquet or a multipart/form-data file upload")
        if fmt == "json":
            table = _json_table(await request.body(), _charset(request))
            chunks: Iterable[list[RawRow]] = table.chunks(BATCH_CHUNK_ROWS)
            warnings = table.warnings
            cleanup: Callable[[], None] = lambda: None  # noqa: E731
        else:
            chunks, warnings, cleanup = await _open_body(request, fmt)
        prov = loaded.provenance(j, day)
        run_log = _BatchLog(state.audit, actor, request_id(request), prov, fmt)
        results = run_log.observe(_results(loaded.screener, chunks, j, day, run_log.ledger))
        if "application/x-ndjson" in request.headers.get("accept", ""):
            return StreamingResponse(_stream(results, prov, warnings, cleanup, run_log),
                                     media_type="application/x-ndjson")

        def run() -> bytes:
            # Each record is serialised as it is made: a large batch holds bytes, not dicts.
            try:
                counts: Counter[str] = Counter()
                parts = []
                try:
                    for r in results:
                        counts[r.verdict.value] += 1
                        parts.append(_dumps(_record(r)))
                except ApiError:  # more rows than a request may hold: no partial result set
                    run_log.abort()
                    raise
                except Exception as e:  # the reader failed mid-file: no partial result set
                    log.warning("batch body unreadable after %d rows: %s", len(parts), e)
                    run_log.abort()  # nothing returned: nothing counted or logged (as the CLI)
                    raise bad_field("body", f"the body cannot be read past row {len(parts)} ({type(e).__name__}): "
                                            "no results are returned for a partial file; send a valid file") from None
                run_log.finish()
                tail = _dumps({"summary": _summary(counts), "warnings": warnings, "provenance": prov})
                return b'{"results":[' + b",".join(parts) + b"]," + tail[1:]
            finally:
                run_log.close()
                cleanup()

        return Response(await asyncio.to_thread(run), media_type="application/json")

    @app.post("/v1/match", dependencies=secured, tags=["names"], response_model=schemas.MatchResponse,
              responses={**ERRORS, 200: {"headers": _REQUEST_ID_HEADER}})
    async def match(req: schemas.MatchRequest) -> Response:
        """Match one party name against every loaded list, with explanations."""
        from compliance.countries import resolve_country

        loaded = state.loaded
        cc = None
        if req.country:
            try:
                cc = resolve_country(req.country)
            except (ComplianceError, ValueError) as e:
                raise bad_field("country", str(e)) from None
        matches = loaded.screener.match(req.name, country=cc, limit=req.limit)
        return _json({"query": req.name, "country": cc, "matches": [{**m.model_dump(mode="json"), "list_entry_id": m.entity_id} for m in matches],
                      "provenance": loaded.provenance()})

    @app.get("/v1/rules", dependencies=secured, tags=["rules and lists"], response_model=schemas.RulesResponse,
             responses={401: ERRORS[401], 200: {"headers": _REQUEST_ID_HEADER}})
    async def rules() -> Response:
        """The rules of the loaded bundle (id, family, severity, regime, legal basis, validity)."""
        loaded = state.loaded
        return _json({"rules": [r.model_dump(mode="json", exclude={"goods"}, exclude_none=True)
                                for r in loaded.screener.bundle.rules], "provenance": loaded.provenance()})

    @app.get("/v1/lists", dependencies=secured, tags=["rules and lists"], response_model=schemas.ListsResponse,
             responses={401: ERRORS[401], 200: {"headers": _REQUEST_ID_HEADER}})
    async def lists() -> Response:
        """The loaded sanctions lists with version, date, entries and checksum."""
        loaded = state.loaded
        return _json({"lists": loaded.provenance_base["lists"], "provenance": loaded.provenance()})

    @app.post("/v1/lists/reload", dependencies=secured, tags=["operations"], response_model=schemas.ReloadResponse,
              responses={401: ERRORS[401], 409: {"model": schemas.ErrorResponse,
                                                 "description": "Reload failed; the previous rules and lists serve on."},
                         200: {"headers": _REQUEST_ID_HEADER}})
    async def reload() -> Response:
        """Reload rules and lists (after ``compliance lists import``) and swap them in atomically.

        A failure (bad rule file, damaged list) answers 409 and keeps serving the previous ones.
        """
        old, new = await state.reload()
        if state.stamp is not None:  # tell the other workers
            with contextlib.suppress(OSError):
                state.stamp.touch()
                state.stamp_seen = _mtime(state.stamp)
        return _json({"status": "reloaded", "provenance": new.provenance(), "previous": old.provenance()})

    def audit_store() -> ApiAudit:
        if state.audit is None:
            raise ApiError(409, "this service has no audit store: start it with compliance serve --db PATH")
        return state.audit

    @app.post("/v1/decisions", dependencies=secured, tags=["decisions"], status_code=201,
              response_model=schemas.DecisionResponse,
              responses={**ERRORS, 409: {"model": schemas.ErrorResponse, "description": "No audit store."},
                         201: {"headers": _REQUEST_ID_HEADER}})
    async def decide(request: Request, body: schemas.DecisionIn, actor: str = Depends(require_key)) -> Response:
        """Record a reviewer's decision, as ``compliance decide`` does: a party match that is a
        false positive (later screenings lower it to info while the list entry is unchanged), a
        shipment released or held, or the revocation of an earlier decision. Logged in the
        audit trail; applied at once by this worker, by the others within seconds."""
        from compliance.audit import decision_for_entity, record
        from compliance.audit.decisions import Decision
        from compliance.countries import resolve_country

        audit = audit_store()
        loaded = state.loaded
        reviewer = (body.reviewer or "").strip() or actor
        source = body.source or f"HTTP {actor}, request {request_id(request)}"
        need = {"false_positive": ("party_name", "list_entry_id"), "released": ("shipment_id",),
                "held": ("shipment_id",), "revoked": ("revokes",)}[body.kind]
        missing = [f for f in need if getattr(body, f) in (None, "")]
        if missing:
            raise ApiError(422, "invalid request", [{"field": f, "loc": ["body", f],
                                                     "message": f"a {body.kind} decision needs {f}"} for f in missing])
        if body.kind == "false_positive":
            assert body.list_entry_id is not None and body.party_name is not None
            entity = loaded.screener.entities.get(body.list_entry_id)
            if entity is None:
                raise bad_field("list_entry_id", f"list entry {body.list_entry_id!r} is not in the loaded lists")
            cc = None
            if body.party_country not in (None, ""):
                try:
                    cc = resolve_country(str(body.party_country))
                except (ComplianceError, ValueError) as e:
                    raise bad_field("party_country", str(e)) from None
            decision = decision_for_entity(entity, party_name=body.party_name, reason=body.reason, reviewer=reviewer,
                                           party_country=cc, entry_hash=body.entry_hash, source=source)
        else:
            decision = Decision(kind=body.kind, shipment_id=None if body.shipment_id is None else str(body.shipment_id),
                                revokes=body.revokes, reason=body.reason, reviewer=reviewer, source=source)

        def write() -> Any:
            try:
                done = record(audit.store(), decision)
            except StoreError:
                raise
            except ComplianceError as e:  # revoking an unknown decision, an empty reason ...
                raise bad_field("revokes" if "revoke" in str(e) else "body", str(e)) from None
            audit.refresh_decisions(loaded.screener, force=True)
            return done

        done = await asyncio.to_thread(write)
        return _json({"decision": done.model_dump(mode="json")}, status=201)

    @app.get("/v1/decisions", dependencies=secured, tags=["decisions"], response_model=schemas.DecisionsResponse,
             responses={401: ERRORS[401], 422: ERRORS[422],
                        409: {"model": schemas.ErrorResponse, "description": "No audit store."},
                        200: {"headers": _REQUEST_ID_HEADER}})
    async def decisions(kind: str | None = Query(None, description="Only this kind: false_positive, released, "
                                                                   "held or revoked."),
                        active: bool = Query(False, description="Leave out revoked decisions and revocations.")
                        ) -> Response:
        """The recorded decisions, oldest first."""
        from compliance.audit import list_decisions
        from compliance.audit.decisions import KINDS

        audit = audit_store()
        if kind is not None and kind not in KINDS:
            raise bad_field("kind", f"unknown kind {kind!r}: use one of {', '.join(KINDS)}", "query")
        found = await asyncio.to_thread(lambda: list_decisions(audit.store(), kind=kind, active_only=active))
        return _json({"decisions": [d.model_dump(mode="json") for d in found]})

    return app


async def _follow_reloads(state: _State, every: float) -> None:
    """Reload when another worker has (its stamp file changed); on failure keep serving. Apply
    decisions recorded since (by another worker, or ``compliance decide`` on the same store)."""
    while True:
        await asyncio.sleep(every)
        seen = _mtime(state.stamp)
        if seen is not None and seen != state.stamp_seen:
            state.stamp_seen = seen
            with contextlib.suppress(ApiError):
                await state.reload()
        if state.audit is not None:
            try:
                await asyncio.to_thread(state.audit.refresh_decisions, state.loaded.screener)
            except Exception as e:  # a busy or damaged store: keep serving with the decisions we have
                log.warning("decisions not refreshed: %s", e)


def _results(screener: Screener, chunks: Iterable[list[RawRow]], jurisdiction: str | None,
             as_of: dt.date | None, ledger: Ledger | None = None) -> Iterator[ScreeningResult]:
    from compliance.engine import iter_results

    return iter_results(screener, chunks, jurisdiction=jurisdiction, as_of=as_of, quota_store=ledger)


def _flush_ledger(audit: ApiAudit, ledger: Ledger) -> int:
    with audit.store().transaction() as conn:  # this thread's connection: the loop's is not shared
        return ledger.flush(conn)


def _entry(route: str, actor: str, rid: str, provenance: dict[str, Any],
           rows: list[tuple[int | None, str | None, str, str]], written: int, **extra: Any) -> Entry:
    details: dict[str, Any] = {"provenance": provenance, "inputs": [{"path": f"http:POST {route}", **extra}],
                               "request_id": rid, "quota_ledger_entries_written": written}
    return Entry("screen", actor, f"POST {route}", details, rows)


class _BatchLog:
    """The audit of one batch request: a ledger on the request's own connection (the rows are
    screened in pool threads), the rows' verdicts, and the log entry at the end."""

    def __init__(self, audit: ApiAudit | None, actor: str, rid: str, provenance: dict[str, Any],
                 fmt: str | None) -> None:
        self.audit, self.actor, self.rid, self.provenance, self.fmt = audit, actor, rid, provenance, fmt
        self.store = audit.request_store() if audit is not None else None
        self.ledger: Ledger | None = None
        if self.store is not None:
            from compliance.audit.ledger import Ledger

            self.ledger = Ledger(self.store)
        self.rows: list[tuple[int | None, str | None, str, str]] = []
        self.done = False

    def observe(self, results: Iterator[ScreeningResult]) -> Iterator[ScreeningResult]:
        if self.audit is None:
            return results
        return self._tap(results)

    def _tap(self, results: Iterator[ScreeningResult]) -> Iterator[ScreeningResult]:
        for r in results:
            self.rows.append(row_tuple(r))
            yield r

    def finish(self, incomplete: str | None = None) -> None:
        """Write the ledger (complete batches only: an interrupted one counts nothing, as in
        the CLI) and queue the log entry."""
        if self.audit is None or self.done:
            return
        self.done = True
        written = 0
        if incomplete is None and self.ledger is not None:
            written = self.ledger.flush()
        extra: dict[str, Any] = {"format": self.fmt or "json"}
        if incomplete is not None:
            extra["incomplete"] = incomplete
        self.audit.log(_entry("/v1/screen/batch", self.actor, self.rid, self.provenance, self.rows, written, **extra))

    def abort(self) -> None:
        self.done = True

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _charset(request: Request) -> str | None:
    return request.headers.get("content-type", "").partition("charset=")[2].split(";")[0].strip().strip('"') or None


async def _open_body(request: Request, fmt: str | None) -> tuple[Iterable[list[RawRow]], list[str], Callable[[], None]]:
    """Spool a file-like body to a temporary file (streamed, never whole in memory) and open it
    with the same readers as ``compliance screen``."""
    charset = _charset(request)
    fd, tmp = tempfile.mkstemp(prefix="compliance-body-")
    try:
        with os.fdopen(fd, "wb") as f:
            if fmt == "upload":  # curl -F file=@shipments.csv: the first file part, format by its name
                fmt, charset = await _copy_upload(request, f)
            else:
                async for chunk in request.stream():
                    f.write(chunk)
        if fmt:  # some readers (openpyxl) insist on the file's suffix
            os.replace(tmp, named := f"{tmp}.{fmt}")
            tmp = named
        try:
            table = await asyncio.to_thread(open_input, tmp, format=fmt, encoding=charset)
        except InputFileError as e:
            raise bad_field("body", str(e).replace(tmp, "body")) from None
        except Exception as e:  # a reader library's own error on a damaged file
            log.warning("unreadable %s body: %s", fmt or "file", e)
            raise bad_field("body", f"the body cannot be read as {fmt or 'a shipment file'} "
                                    f"({type(e).__name__}): send a valid file") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

    def cleanup() -> None:
        table.close()
        Path(tmp).unlink(missing_ok=True)

    def scrub() -> None:
        # Warnings name the file they are about: here the spool file, which means nothing to the client.
        table.warnings[:] = [w.replace(tmp, "body") for w in table.warnings]

    def chunks() -> Iterator[list[RawRow]]:
        scrub()
        rows = 0
        for chunk in table.chunks(BATCH_CHUNK_ROWS):
            scrub()  # what was said while this chunk was read (a repeated header, a code page)
            rows += len(chunk)
            if rows > MAX_BATCH_ROWS:
                raise _too_many_rows()
            yield chunk
        scrub()

    return chunks(), table.warnings, cleanup


async def _copy_upload(request: Request, out: IO[bytes]) -> tuple[str | None, str | None]:
    try:
        form = await request.form(max_files=1, max_fields=20)
    except ApiError:
        raise
    except Exception as e:  # malformed multipart: the parser's message says what
        raise bad_field("body", f"not a readable multipart/form-data body: {e}") from None
    try:
        upload = next((v for v in form.values() if isinstance(v, StarletteUploadFile)), None)
        if upload is None:
            raise bad_field("body", "the form has no file part: send the shipment file, e.g. curl -F file=@shipments.csv")
        while chunk := await upload.read(1 << 20):
            out.write(chunk)
        ctype = (upload.content_type or "").split(";")[0].strip().lower()
        suffix = Path(upload.filename or "").suffix.lower()
        fmt = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".xlsx": "xlsx", ".parquet": "parquet"}.get(suffix) or BATCH_FORMATS.get(ctype)
        charset = (upload.content_type or "").partition("charset=")[2].strip().strip('"') or None
        return fmt, charset
    finally:
        await form.close()


async def _stream(results: Iterator[ScreeningResult], provenance: dict[str, Any], warnings: list[str],
                  cleanup: Callable[[], None], run_log: _BatchLog) -> AsyncIterator[bytes]:
    counts: Counter[str] = Counter()

    def block() -> bytes:
        out = []
        for r in itertools.islice(results, STREAM_BLOCK_ROWS):
            counts[r.verdict.value] += 1
            out.append(_dumps(_record(r)))
            out.append(b"\n")
        return b"".join(out)

    try:
        yield orjson.dumps({"provenance": provenance}) + b"\n"
        while True:
            try:
                data = await asyncio.to_thread(block)
            except ApiError as e:  # more rows than a request may hold: the rows above are all there is
                run_log.finish(incomplete=e.message)
                yield orjson.dumps({"error": e.message + "; the results above are incomplete"}) + b"\n"
                return
            except Exception as e:  # the reader failed mid-file: say so instead of a summary line
                log.warning("streamed batch body unreadable after %d rows: %s", sum(counts.values()), e)
                # The client has these rows: they are logged, marked incomplete, and not counted.
                run_log.finish(incomplete=f"body unreadable past row {sum(counts.values())} ({type(e).__name__})")
                yield orjson.dumps({"error": f"the body cannot be read past row {sum(counts.values())} "
                                             f"({type(e).__name__}); the results above are incomplete"}) + b"\n"
                return
            if not data:
                break
            yield data
        await asyncio.to_thread(run_log.finish)
        yield orjson.dumps({"summary": _summary(counts), "warnings": warnings}) + b"\n"
    finally:
        run_log.finish(incomplete="the client went away before the end of the stream")
        run_log.close()
        cleanup()


def app_factory() -> FastAPI:
    """For ``uvicorn --factory`` (``compliance serve``): every worker builds its own app, with
    the options ``compliance serve`` was given (``settings.serve_options``)."""
    opts = settings.serve_options()
    rules_dir, lists, jurisdiction, db = (opts.get("rules_dir"), opts.get("lists"), opts.get("jurisdiction"),
                                          opts.get("db"))
    return create_app(rules_dir=str(rules_dir) if rules_dir else None,
                      list_files=[str(x) for x in lists] if isinstance(lists, list) else None,
                      jurisdiction=str(jurisdiction) if jurisdiction else None,
                      db=False if db is False else (str(db) if db else None))
