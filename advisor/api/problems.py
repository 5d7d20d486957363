"""RFC 9457 problem details for every error response; no stack traces or paths leave the server."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.api.gate import Overloaded, WorkTimeout
from advisor.backends.lock import DataDirLocked
from advisor.services.advice import AdviceError
from advisor.services.documents import DocumentError
from advisor.services.retrieval import RetrievalError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("advisor.api")


class Problem(Exception):
    """An error to answer with a problem document."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


def problem_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A `application/problem+json` response for `status`."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail,
            "instance": request.url.path, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Where and why the request is invalid, without echoing the (possibly huge) input back."""
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")} for e in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error the API can raise to a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
        return problem_response(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(request, 422, "the request is not valid", errors=_validation_errors(exc))

    @app.exception_handler(AdviceError)
    @app.exception_handler(DocumentError)
    @app.exception_handler(RetrievalError)
    async def _unprocessable(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(request, getattr(exc, "status", 422), str(exc))

    @app.exception_handler(Overloaded)
    async def _overloaded(request: Request, exc: Overloaded) -> JSONResponse:
        return problem_response(request, 503, "the server is busy; retry shortly", {"Retry-After": "1"})

    @app.exception_handler(WorkTimeout)
    async def _timeout(request: Request, exc: WorkTimeout) -> JSONResponse:
        return problem_response(request, 504, f"the request took too long: {exc}")

    @app.exception_handler(DataDirLocked)
    async def _locked(request: Request, exc: DataDirLocked) -> JSONResponse:
        return problem_response(request, 503, "the index is locked by another process", {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(request, 500, "internal error")
