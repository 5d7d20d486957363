"""Search and passage look-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from advisor.api.deps import Caller, RuntimeDep, ServicesDep
from advisor.api.models import (
    COMMON_PROBLEMS,
    ChunkOut,
    SearchRequest,
    SearchResponse,
    SectionOut,
    problem_responses,
)
from advisor.api.problems import Problem
from advisor.api.work import chunk_out, retrieve, search_result

router = APIRouter(prefix="/v1", tags=["retrieval"], responses=problem_responses(*COMMON_PROBLEMS))


@router.post("/search")
async def search(body: SearchRequest, runtime: RuntimeDep, services: ServicesDep, _: Caller) -> SearchResponse:
    """The passages that best match `query`, from every language unless `language` narrows it.

    `sources` restricts the search to some document ids. Scores are fused dense and lexical similarity.
    """
    hits = await retrieve(
        runtime, lambda: services.retriever.search(body.query, body.k, language=body.language, sources=body.sources)
    )
    return SearchResponse(results=[search_result(hit) for hit in hits])


@router.get("/chunks/{chunk_id}", responses=problem_responses(404))
async def chunk(
    chunk_id: Annotated[str, Path(min_length=1, max_length=200)], services: ServicesDep, _: Caller
) -> ChunkOut:
    """One stored passage, so a tool can show what a citation points to."""
    found = services.store.get([chunk_id])
    if not found:
        raise Problem(404, f"no chunk {chunk_id!r}")
    return chunk_out(found[0])


@router.get("/sections/{section_id}", responses=problem_responses(404))
async def section(
    section_id: Annotated[str, Path(min_length=1, max_length=200)], services: ServicesDep, _: Caller
) -> SectionOut:
    """One section of a document, read back from its chunks: heading path, text and list items."""
    found = services.sections.find(section_id)
    read = services.sections.section_text(section_id)
    if found is None or read is None:
        raise Problem(404, f"no section {section_id!r}")
    outline, entry = found
    return SectionOut(
        section_id=section_id,
        source=outline.source,
        language=outline.language,
        title=outline.title,
        section=outline.path_label(entry),
        heading=entry.heading,
        text=read.text,
        lists=services.sections.item_texts(section_id),
        chunk_ids=[c.chunk_id for c in read.chunks],
    )
