"""OpenAI-compatible chat completions, so the `openai` SDK and tools built on it can use the advisor as a model.

Model `operations-advisor` answers the last user message; `operations-advisor-plan` writes a plan for it,
with earlier user messages as context. Responses carry two extra fields: `sources` (the passages drawn
on) and `citations` (the verified quotes the text's [n] markers refer to).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from advisor.api.deps import Caller, RuntimeDep, ServicesDep
from advisor.api.models import COMMON_PROBLEMS, MAX_TEXT, is_readable, problem_responses
from advisor.api.problems import Problem
from advisor.api.runtime import Runtime
from advisor.api.work import cited_payload, events, failure, generate, retrieve, sources_of
from advisor.schemas import Answer, Plan
from advisor.services.advice import AdvisorService, AskState, PlanState
from advisor.services.generation import Cited, Delta, Restart
from advisor.services.rendering import result_text

ASK_MODEL = "operations-advisor"
PLAN_MODEL = "operations-advisor-plan"
MODELS = (ASK_MODEL, PLAN_MODEL)
log = logging.getLogger("advisor.api")
_CREATED = 1_767_225_600  # 2026-01-01, the models' fixed creation time

router = APIRouter(prefix="/v1", tags=["openai-compatible"], responses=problem_responses(*COMMON_PROBLEMS, 404))


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=40)
    text: str | None = Field(default=None, max_length=MAX_TEXT)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The fields the advisor reads; other OpenAI parameters are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = _CREATED
    owned_by: str = "operations-advisor"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


@router.get("/models")
async def list_models(_: Caller) -> ModelList:
    """The advisor's two models: answers and plans."""
    return ModelList(data=[ModelCard(id=name) for name in MODELS])


def _request_texts(body: ChatCompletionRequest) -> tuple[str, str]:
    """The question (last user message) and the context (earlier user messages)."""
    users = [m.text().strip() for m in body.messages if m.role == "user" and m.text().strip()]
    if not users:
        raise Problem(422, "the conversation has no user message with text")
    question, context = users[-1], "\n".join(users[:-1])
    if not is_readable(question + context) or len(question) > MAX_TEXT or len(context) > MAX_TEXT:
        raise Problem(422, f"messages must be readable text of at most {MAX_TEXT} characters, without NUL")
    return question, context


def _citations(result: Answer | Plan) -> list[dict[str, Any]]:
    return [c.model_dump() for c in result.citations]


@router.post("/chat/completions", response_model=None, responses={200: {"content": {"text/event-stream": {}}}})
async def chat_completions(
    body: ChatCompletionRequest, runtime: RuntimeDep, services: ServicesDep, _: Caller
) -> dict[str, Any] | StreamingResponse:
    """A chat completion whose content is the advisor's cited answer (or plan, as Markdown).

    With `stream: true`, OpenAI-style `chat.completion.chunk` events as the text is generated: the first
    carries `sources`; a chunk carries `citation` when a marker [n] is first used, and `restart` when the text
    so far is withdrawn; the last carries `citations` (for its `answer`, the checked text), then `data: [DONE]`.
    """
    if body.model not in MODELS:
        raise Problem(404, f"model {body.model!r} does not exist; use one of {', '.join(MODELS)}")
    question, context = _request_texts(body)
    advisor = services.advisor
    state: AskState | PlanState
    if body.model == PLAN_MODEL:
        state = await retrieve(runtime, lambda: advisor.prepare_plan(question, context))
    else:
        state = await retrieve(runtime, lambda: advisor.prepare_ask(question))
    write = advisor.write
    sources = [s.model_dump() for s in sources_of(state)]
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if body.stream:
        return StreamingResponse(
            _chunks(runtime, advisor, state, completion_id, body.model, sources), media_type="text/event-stream"
        )
    result = await generate(runtime, advisor.generator_name, lambda: write(state))
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": result_text(result)}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "sources": sources,
        "citations": _citations(result),
        "answerable": result.answerable,
    }


def _chunk(completion_id: str, model: str, delta: dict[str, Any], finish: str | None, **extra: Any) -> str:
    payload = {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _chunks(runtime: Runtime, advisor: AdvisorService, state: AskState | PlanState, completion_id: str,
                  model: str, sources: list[dict[str, Any]]) -> AsyncIterator[str]:  # fmt: skip
    yield _chunk(completion_id, model, {"role": "assistant", "content": ""}, None, sources=sources)
    try:
        async for event in events(runtime, advisor, state):
            if isinstance(event, Delta):
                yield _chunk(completion_id, model, {"content": event.text}, None)
            elif isinstance(event, Cited):
                yield _chunk(completion_id, model, {}, None, citation=cited_payload(event))
            elif isinstance(event, Restart):
                yield _chunk(completion_id, model, {}, None, restart={"reason": event.reason})
            else:
                yield _chunk(completion_id, model, {}, "stop", citations=_citations(event),
                             answerable=event.answerable, answer=result_text(event))  # fmt: skip
    except Exception as exc:  # the stream has started: report the failure in-band, as OpenAI does
        problem = failure(exc)
        error = {"message": problem["detail"], "type": "server_error", "code": problem["status"]}
        yield f"data: {json.dumps({'error': error})}\n\n"
        return
    yield "data: [DONE]\n\n"
