"""Answers and plans, blocking or streamed as Server-Sent Events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from advisor.api.deps import Caller, RuntimeDep, ServicesDep
from advisor.api.models import COMMON_PROBLEMS, AskRequest, PlanRequest, problem_responses
from advisor.api.runtime import Runtime
from advisor.api.work import advice_events, generate, retrieve
from advisor.schemas import Answer, Plan
from advisor.services.advice import AdvisorService, AskState, PlanState

router = APIRouter(prefix="/v1", tags=["advice"], responses=problem_responses(*COMMON_PROBLEMS))
Result = TypeVar("Result", Answer, Plan)
S = TypeVar("S", AskState, PlanState)
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "The result, or its events with `stream`"}
}


@router.post("/ask", response_model=Answer, responses=_STREAM)
async def ask(body: AskRequest, runtime: RuntimeDep, services: ServicesDep, _: Caller) -> Answer | StreamingResponse:
    """A cited answer in the question's language, or `answerable: false` when the articles do not cover it.

    With `stream: true` the response is `text/event-stream`: a `sources` event (the passages and
    `answerable`); then, as the text is generated, `delta` events (text pieces), a `citation` event when a
    marker [n] is first used (the passage it refers to) and `restart` when the text so far is withdrawn (e.g.
    it was in the wrong language); finally a `done` event with the checked `Answer`, whose text is authoritative.
    """
    advisor = services.advisor
    state = await retrieve(runtime, lambda: advisor.prepare_ask(body.question, body.k))
    return await _respond(runtime, advisor, state, advisor.write_answer, body.stream)


@router.post("/plan", response_model=Plan, responses=_STREAM)
async def plan(body: PlanRequest, runtime: RuntimeDep, services: ServicesDep, _: Caller) -> Plan | StreamingResponse:
    """A plan walking PEST → business model → metrics → strategy → tactics, every step cited.

    `context` carries the industry, product, current numbers and goal. With `stream: true`: a `sources`
    event, then each stage as a `delta` (Markdown) as soon as it is complete and checked, with `citation` and
    `restart` events as for answers, and a `done` event with the checked `Plan`.
    """
    advisor = services.advisor
    state = await retrieve(runtime, lambda: advisor.prepare_plan(body.goal, body.context))
    return await _respond(runtime, advisor, state, advisor.write_plan, body.stream)


async def _respond(
    runtime: Runtime,
    advisor: AdvisorService,
    state: S,
    write: Callable[[S], Result],
    stream: bool,
) -> Result | StreamingResponse:
    """The written result, or its Server-Sent Events when the caller asked for a stream."""
    if stream:
        return StreamingResponse(advice_events(runtime, advisor, state), media_type="text/event-stream")
    return await generate(runtime, advisor.generator_name, lambda: write(state))
