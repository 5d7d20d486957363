"""Dependencies the routes declare: the loaded services, the work gate, and who is calling."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request

from advisor.api.problems import Problem
from advisor.api.runtime import Runtime
from advisor.assembly import Services


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_services(runtime: RuntimeDep) -> Services:
    if runtime.services is None:
        raise Problem(503, "the service is starting; retry shortly", {"Retry-After": "1"})
    return runtime.services


ServicesDep = Annotated[Services, Depends(get_services)]


def _presented_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def _matches(key: str | None, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit on the first match)."""
    if key is None:
        return False
    found = False
    for candidate in keys:
        found |= hmac.compare_digest(key.encode(), candidate.encode())
    return found


def _admitted(request: Request, runtime: Runtime, admin: bool) -> str:
    """The caller's identity for rate limiting, after checking its key."""
    settings = runtime.settings
    key = _presented_key(request)
    client = request.client.host if request.client else "unknown"
    keyed = bool(settings.api_keys or settings.admin_keys)
    if keyed and admin:
        if not settings.admin_keys:
            raise Problem(403, "document writes are disabled: no admin keys are configured")
        if not _matches(key, settings.admin_keys):
            if not _matches(key, settings.api_keys):
                raise Problem(401, "an admin API key is required", {"WWW-Authenticate": "Bearer"})
            raise Problem(403, "this key may not change documents")
    elif keyed and not _matches(key, [*settings.api_keys, *settings.admin_keys]):
        raise Problem(401, "a valid API key is required", {"WWW-Authenticate": "Bearer"})
    identity = f"key:{hashlib.sha256(key.encode()).hexdigest()[:16]}" if keyed and key else f"client:{client}"
    wait = runtime.rate_limiter.retry_after(identity)
    if wait:
        raise Problem(429, "too many requests for this key", {"Retry-After": str(wait)})
    return identity


def caller(request: Request, runtime: RuntimeDep) -> str:
    """Any valid API key (none needed when no keys are configured), within its rate limit."""
    return _admitted(request, runtime, admin=False)


def admin_caller(request: Request, runtime: RuntimeDep) -> str:
    """An admin key, for document writes."""
    return _admitted(request, runtime, admin=True)


Caller = Annotated[str, Depends(caller)]
AdminCaller = Annotated[str, Depends(admin_caller)]
