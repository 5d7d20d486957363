"""Running retrieval and generation through the work gate, timed, and as Server-Sent Events."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from advisor.api.gate import Overloaded, WorkTimeout
from advisor.api.models import ChunkOut, SearchResult, Source
from advisor.api.runtime import Runtime
from advisor.schemas import Answer, Chunk, Plan, SearchHit
from advisor.services.advice import AdvisorService, AskState, PlanState, State
from advisor.services.generation import Cited, Delta, Event, Restart

T = TypeVar("T")
S = TypeVar("S", AskState, PlanState)
log = logging.getLogger("advisor.api")


async def retrieve(runtime: Runtime, work: Callable[[], T]) -> T:
    """Retrieval work on the gate, within the retrieval timeout, while no document is being written."""

    def read() -> T:
        with runtime.index_access.reading():
            return work()

    with runtime.telemetry.retrieval.time():
        return await runtime.gate.run(read, runtime.settings.api.retrieval_timeout)


async def write(runtime: Runtime, work: Callable[[], T]) -> T:
    """Index-changing work on the gate, alone (no search runs meanwhile), within the generation timeout."""

    def exclusive() -> T:
        with runtime.index_access.writing():
            return work()

    return await runtime.gate.run(exclusive, runtime.settings.api.generation_timeout)


async def generate(runtime: Runtime, generator: str, work: Callable[[], T]) -> T:
    """Generation work on the gate, within the generation timeout."""
    with runtime.telemetry.generation.labels(generator).time():
        return await runtime.gate.run(work, runtime.settings.api.generation_timeout)


async def compute(runtime: Runtime, work: Callable[[], T]) -> T:
    """Arithmetic on the gate (it needs no index), within the retrieval timeout."""
    return await runtime.gate.run(work, runtime.settings.api.retrieval_timeout)


_INTERNAL = {"position", "start", "end"}


def search_result(hit: SearchHit) -> SearchResult:
    return SearchResult(**hit.chunk.model_dump(exclude=_INTERNAL), score=round(hit.score, 6))


def chunk_out(chunk: Chunk) -> ChunkOut:
    return ChunkOut(**chunk.model_dump(exclude=_INTERNAL))


def sources_of(state: State) -> list[Source]:
    """The passages a prepared request will draw on (the sections read for it), hits with their scores."""
    scores = {hit.chunk.chunk_id: round(hit.score, 6) for hit in state.hits}
    return [Source(**c.model_dump(exclude=_INTERNAL), score=scores.get(c.chunk_id)) for c in state.passages]


def sse(event: str, data: BaseModel | dict[str, Any]) -> str:
    """One Server-Sent Event with a JSON payload."""
    payload = data.model_dump_json() if isinstance(data, BaseModel) else json.dumps(data, ensure_ascii=False)
    return f"event: {event}\ndata: {payload}\n\n"


async def events(runtime: Runtime, advisor: AdvisorService, state: State) -> AsyncIterator[Event | Answer | Plan]:
    """The advisor's events for prepared evidence, as they are generated, through the work gate."""
    with runtime.telemetry.generation.labels(advisor.generator_name).time():
        async for event in runtime.gate.stream(lambda: advisor.stream(state), runtime.settings.api.generation_timeout):
            yield event


def cited_payload(event: Cited) -> dict[str, Any]:
    """What a client needs to show marker [number] while the text streams."""
    chunk = event.chunk
    return {"number": event.number, "chunk_id": chunk.chunk_id, "source": chunk.source, "title": chunk.title,
            "section": chunk.section, "language": chunk.language}  # fmt: skip


def failure(exc: Exception) -> dict[str, Any]:
    """A problem document for a failure after a stream has started."""
    status = 503 if isinstance(exc, Overloaded) else 504 if isinstance(exc, WorkTimeout) else 500
    if status == 500:
        log.error("streamed generation failed", exc_info=exc)
    detail = str(exc) if status != 500 else "internal error"
    return {"type": "about:blank", "status": status, "title": "Generation failed", "detail": detail}


async def advice_events(runtime: Runtime, advisor: AdvisorService, state: State) -> AsyncIterator[str]:
    """Server-Sent Events: `sources` first, then `citation`, `delta` and `restart` as the text is written, then
    `done` with the checked result.

    A failure after the first event arrives as an `error` event carrying a problem document.
    """
    yield sse("sources", {"answerable": advisor.has_evidence(state),
                          "sources": [s.model_dump() for s in sources_of(state)]})  # fmt: skip
    try:
        async for event in events(runtime, advisor, state):
            if isinstance(event, Delta):
                yield sse("delta", {"text": event.text})
            elif isinstance(event, Cited):
                yield sse("citation", cited_payload(event))
            elif isinstance(event, Restart):
                yield sse("restart", {"reason": event.reason})
            else:
                yield sse("done", event)
    except Exception as exc:  # the response has started: report in-band
        yield sse("error", failure(exc))
