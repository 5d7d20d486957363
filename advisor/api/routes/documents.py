"""The indexed documents: list, add or replace, delete (the same indexing code as `advisor ingest`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from advisor.api.deps import AdminCaller, Caller, RuntimeDep, ServicesDep
from advisor.api.models import (
    COMMON_PROBLEMS,
    DOCUMENT_ID,
    DocumentDeleted,
    DocumentIn,
    DocumentList,
    DocumentSummary,
    DocumentWritten,
    problem_responses,
)
from advisor.api.problems import Problem
from advisor.api.work import write
from advisor.services.documents import make_document

router = APIRouter(prefix="/v1/documents", tags=["documents"], responses=problem_responses(*COMMON_PROBLEMS, 403))
DocumentIdPath = Annotated[str, Path(pattern=DOCUMENT_ID)]


@router.get("")
async def list_documents(services: ServicesDep, _: Caller) -> DocumentList:
    """Every indexed document with its language, title and number of chunks."""
    documents = []
    for source, keys in sorted(services.state.groups().items()):
        first = services.store.get(keys[:1])
        if first:
            chunk = first[0]
            documents.append(DocumentSummary(id=source, language=chunk.language, title=chunk.title, chunks=len(keys)))
    return DocumentList(documents=documents)


@router.put("/{doc_id}")
async def put_document(
    doc_id: DocumentIdPath, body: DocumentIn, runtime: RuntimeDep, services: ServicesDep, _: AdminCaller
) -> DocumentWritten:
    """Add or replace a document: cleaned, chunked and indexed. The same content again writes nothing.

    `language` is detected and `title` taken from the first line when they are not given. Needs an
    admin key when keys are configured.
    """
    document = make_document(doc_id, body.text, body.language, body.title)
    change = await write(runtime, lambda: services.ingest.put(document))
    return DocumentWritten(id=doc_id, status=change.status, chunks=change.chunks_total,  # type: ignore[arg-type]
                           chunks_added=change.chunks_added, chunks_deleted=change.chunks_deleted)  # fmt: skip


@router.delete("/{doc_id}", responses=problem_responses(404))
async def delete_document(
    doc_id: DocumentIdPath, runtime: RuntimeDep, services: ServicesDep, _: AdminCaller
) -> DocumentDeleted:
    """Remove a document and all its chunks. Needs an admin key when keys are configured."""
    deleted = await write(runtime, lambda: services.ingest.delete(doc_id))
    if not deleted:
        raise Problem(404, f"no document {doc_id!r}")
    return DocumentDeleted(id=doc_id, chunks_deleted=deleted)
