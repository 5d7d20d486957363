"""The FastAPI application: routes, problem documents, limits and metrics around the assembled services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from advisor import __version__
from advisor.api.middleware import BodyLimit, RequestMetrics
from advisor.api.problems import install_problem_handlers
from advisor.api.routes import advice, documents, health, model, openai_compat, page, retrieval
from advisor.api.runtime import Runtime
from advisor.settings import Settings, get_settings

DESCRIPTION = """Cited, cross-lingual advice for internet-operations teams (Chinese, English, Spanish).

Every error is an RFC 9457 `application/problem+json` document. When API keys are configured
(`ADVISOR_API_KEYS`), send one as `Authorization: Bearer <key>` or `X-API-Key`; document writes need an
admin key (`ADVISOR_ADMIN_KEYS`)."""


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The API on `settings` (default: from the environment). Services load in the background at start-up,
    or earlier when a `runtime` that has already started is passed."""
    runtime = runtime or Runtime(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(title="Operations Advisor", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.runtime = runtime
    install_problem_handlers(app)
    for module in (retrieval, advice, model, documents, openai_compat, health, page):
        app.include_router(module.router)
    app.add_middleware(
        BodyLimit, limit=runtime.settings.api.max_body_bytes, streamed=frozenset({("POST", "/v1/documents")})
    )
    app.add_middleware(RequestMetrics, telemetry=runtime.telemetry)
    return app
