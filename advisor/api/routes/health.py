"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response

from advisor.api.deps import RuntimeDep
from advisor.api.models import Health, problem_responses
from advisor.api.problems import Problem

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Health:
    """Liveness: the process answers (it may still be loading models)."""
    return Health(status="ok")


@router.get("/readyz", responses=problem_responses(503))
async def readyz(runtime: RuntimeDep) -> Health:
    """Readiness: 200 once the models are loaded and the index is open, 503 before (or if loading failed)."""
    if runtime.services is None:
        detail = "loading failed; see the server log" if runtime.failure else "loading models and the index"
        raise Problem(503, detail, {"Retry-After": "1"})
    return Health(status="ready", chunks=runtime.services.store.count())


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(runtime: RuntimeDep) -> Response:
    """Request counts and latency by route and status, retrieval and generation time, index size."""
    return Response(runtime.telemetry.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")
