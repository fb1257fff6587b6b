"""The service's one ASGI middleware: request id, body limit, access log, last-resort 500.

Pure ASGI (no ``BaseHTTPMiddleware``), so it adds microseconds, not a task per request, and it
sees the body as it streams in: a chunked upload without ``Content-Length`` is counted chunk
by chunk and refused with 413 the moment it passes the limit, never buffered whole.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("compliance.access")
log = logging.getLogger("compliance.api")

# A client's X-Request-ID is kept when it is short and plain (it ends up in log lines).
_REQUEST_ID_OK = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


# Screening results are per request and confidential: never cached, never sniffed as HTML.
_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]


class _BodyTooLarge(Exception):
    pass


def error_body(status: int, message: str, request_id: str, detail: list[dict[str, Any]] | None = None) -> bytes:
    body: dict[str, Any] = {"error": message, "status": status, "request_id": request_id}
    if detail is not None:
        body["detail"] = detail
    return orjson.dumps(body)


class ServiceMiddleware:
    """Outermost layer of the app.

    - ``X-Request-ID``: the client's (if plain) or a new one; on every response, in
      ``scope["state"]["request_id"]`` for handlers, and in the access log line.
    - Body limit: 413 on a declared ``Content-Length`` above the limit before reading, and on
      a streamed body as soon as the count passes it.
    - Access log: one record per request on ``compliance.access`` (method, path, status,
      duration, bytes), formatted as text or JSON by the logging config.
    - Anything that escapes the app is logged with its traceback and answered with a JSON 500
      carrying only the request id: no stack trace ever leaves the service.
    """

    def __init__(self, app: ASGIApp, limit: int, extra_headers: Callable[[], list[tuple[bytes, bytes]]]) -> None:
        self.app = app
        self.limit = limit
        self.extra_headers = extra_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = ""
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                candidate = v.decode("latin-1")
                if _REQUEST_ID_OK.fullmatch(candidate):
                    rid = candidate
                break
        rid = rid or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        rid_header = (b"x-request-id", rid.encode())
        fixed = [rid_header, *_SECURITY_HEADERS, *self.extra_headers()]
        status = 0
        sent_bytes = 0
        answered = False  # we answered ourselves (413/500): drop whatever the app still sends

        async def send_wrapped(message: Message) -> None:
            nonlocal status, sent_bytes
            if answered:
                return
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *fixed]
            elif message["type"] == "http.response.body":
                sent_bytes += len(message.get("body", b""))
            await send(message)

        async def answer(code: int, text: str) -> None:
            nonlocal answered, status, sent_bytes
            body = error_body(code, text, rid)
            answered = True
            status, sent_bytes = code, len(body)
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close"), *fixed]
            await send({"type": "http.response.start", "status": code, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        too_large = f"request body larger than {self.limit} bytes: send smaller batches"
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.strip().isdigit() and int(declared) > self.limit:
            await answer(413, too_large)
            self._log(scope, rid, status, start, sent_bytes)
            return

        seen = 0

        async def receive_counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    if status == 0 and not answered:
                        await answer(413, too_large)
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, receive_counted, send_wrapped)
        except _BodyTooLarge:
            pass
        except Exception:
            if answered:
                pass  # the app tripped over the 413 we already sent
            elif status:
                log.exception("request %s failed after its response started", rid)
            else:
                log.exception("request %s failed", rid)
                await answer(500, "internal error: quote the request id when you report it")
        self._log(scope, rid, status, start, sent_bytes)

    @staticmethod
    def _log(scope: Scope, rid: str, status: int, start: float, sent: int) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        access_log.info(
            "%s %s %s %s %.1fms", rid, scope["method"], scope["path"], status, (time.perf_counter() - start) * 1000,
            extra={"request_id": rid, "method": scope["method"], "path": scope["path"], "status": status,
                   "duration_ms": round((time.perf_counter() - start) * 1000, 2), "bytes": sent,
                   "client": f"{client[0]}:{client[1]}" if client else None})
