"""What guards every request, before and after the routes: one pure ASGI middleware, in this order:

1. a request id (the client's `X-Request-ID` if sane, else a new one), echoed in the response headers;
2. the body-size cap: `Content-Length` over MAX_BODY_BYTES, or a streamed body that grows past it → 413, before
   any parsing (a 2 GB JSON body must not be read into memory to be rejected);
3. the per-client rate limit (the `limits` library, which slowapi is built on; a moving window in memory, per
   worker) → 429 with `Retry-After`; health, readiness and metrics are exempt so probes never get throttled;
4. the route itself; an exception that escapes it becomes a 500 whose body holds only an error id, and the log
   line holds the same id and the exception's type: never the input, never a stack trace in the response;
5. one JSON access-log line (logs.py) and the Prometheus counters (telemetry.py).

Why a pure ASGI class and not `@app.middleware("http")`: the latter wraps every response in extra tasks and
streams, measurable at the millisecond latencies this week is about.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import uuid
from typing import Any

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from week14_fastapi_docker.logs import LOGGER

access_log = logging.getLogger(f"{LOGGER}.access")
error_log = logging.getLogger(f"{LOGGER}.error")
EXEMPT = {"/health", "/ready", "/metrics"}  # probes and scrapes: never throttled, never logged per request
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


async def send_json(send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class ServiceMiddleware:
    def __init__(self, app, *, settings, telemetry, service) -> None:
        self.app = app
        self.settings = settings
        self.telemetry = telemetry
        self.service = service
        self.limits = parse_many(settings.rate_limit) if settings.rate_limit.strip() else []
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        status = {"code": 500}

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            rejected = await self._reject(scope, headers, send_with_id)
            if rejected is None:
                receive = await self._capped_body(receive, send_with_id, headers)
            if rejected is None and receive is not None:
                await self.app(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 - the one place an unexpected error becomes a clean 500
            error_id = uuid.uuid4().hex[:12]
            error_log.error(
                "unhandled error",
                exc_info=exc,
                extra={"error_id": error_id, "request_id": request_id, "route": _route(scope)},
            )
            if not status.get("started"):  # after the response started, the client gets a cut-off body
                await send_json(
                    send_with_id,
                    500,
                    {"detail": "internal error; quote error_id when reporting it", "error_id": error_id},
                )
        finally:
            elapsed = time.perf_counter() - start
            route = _route(scope, status["code"])
            self.telemetry.observe_request(route, scope.get("method", ""), status["code"], elapsed)
            if self.settings.access_log and path not in EXEMPT:
                state = scope.get("state") or {}
                model = self.service.model
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "route": route,
                        "method": scope.get("method", ""),
                        "status": status["code"],
                        "latency_ms": round(1000 * elapsed, 2),
                        "model_version": model.version if model else None,
                        "n_texts": state.get("n_texts"),
                        "batch_size": state.get("batch_size"),
                    },
                )

    async def _reject(self, scope, headers, send) -> bool | None:
        """Send 413 or 429 and return True, or return None to let the request through."""
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body_bytes):
            await send_json(
                send,
                413,
                {
                    "detail": f"the body is larger than {self.settings.max_body_bytes:,} bytes "
                    "(MAX_BODY_BYTES); send fewer or shorter texts"
                },
            )
            return True
        if self.limits and scope.get("path") not in EXEMPT:
            client = (scope.get("client") or ("unknown", 0))[0]
            for item in self.limits:
                if not self.limiter.hit(item, client):
                    reset, _ = self.limiter.get_window_stats(item, client)
                    retry = max(1, math.ceil(reset - time.time()))
                    await send_json(
                        send,
                        429,
                        {"detail": f"rate limit of {item} per client exceeded; retry in {retry} s"},
                        {"Retry-After": str(retry)},
                    )
                    return True
        return None

    async def _capped_body(self, receive, send, headers):
        """A `receive` that replays the body once it is known to fit; None after sending 413 for one that does not."""
        if headers.get(b"content-length") is not None and headers.get(b"transfer-encoding") is None:
            return receive  # the declared length was checked, and the server enforces it
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.settings.max_body_bytes:
                await send_json(
                    send,
                    413,
                    {
                        "detail": f"the body is larger than {self.settings.max_body_bytes:,} "
                        "bytes (MAX_BODY_BYTES); send fewer or shorter texts"
                    },
                )
                return None
            chunks.append(message)
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in chunks if m["type"] == "http.request")
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def replayed():
            return replay.pop() if replay else await receive()

        return replayed


def _route(scope, status: int | None = None) -> str:
    """The route template (/predict); a raw path only if it matched something (a fuzzer's 404s share one label)."""
    route = getattr(scope.get("route"), "path", None)
    if route:
        return route
    return "unmatched" if status in (None, 404, 405) else scope.get("path", "unmatched")
