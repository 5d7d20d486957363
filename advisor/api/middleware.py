"""ASGI middleware: the request body limit (413 before any work) and request metrics."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.api.problems import PROBLEM_JSON
from advisor.api.telemetry import Telemetry


async def _send_problem(send: Send, status: int, title: str, detail: str, path: str) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": path})
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})


class _HttpMiddleware:
    """ASGI middleware that handles HTTP requests and passes every other scope (lifespan, websocket) through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class BodyLimit(_HttpMiddleware):
    """Reads at most `limit` bytes of a request body; a larger body gets 413 and is never parsed.

    The bodies of `streamed` routes ((method, path) pairs) are passed through unread: the route checks their
    declared length and counts the bytes as it streams them to disk, against its own limit.
    """

    def __init__(self, app: ASGIApp, limit: int, streamed: frozenset[tuple[str, str]] = frozenset()) -> None:
        super().__init__(app)
        self.limit = limit
        self.streamed = streamed

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["method"], scope["path"].rstrip("/")) in self.streamed:
            await self.app(scope, receive, send)
            return
        limit = self.limit
        too_large = f"the request body is larger than {limit} bytes"
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_problem(send, 413, "Content Too Large", too_large, scope["path"])
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_problem(send, 413, "Content Too Large", too_large, scope["path"])
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class RequestMetrics(_HttpMiddleware):
    """Counts requests and their latency by method, route template and status."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        super().__init__(app)
        self.telemetry = telemetry

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def tracked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            route: Any = scope.get("route")
            name = getattr(route, "path", None) or "unmatched"
            self.telemetry.observe_request(scope["method"], name, status, time.perf_counter() - started)
