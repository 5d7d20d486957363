"""The indexed documents: list, add or replace, delete (the same indexing code as `advisor ingest`)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool

from advisor.api.deps import AdminCaller, Caller, RuntimeDep, ServicesDep
from advisor.api.models import (
    COMMON_PROBLEMS,
    DOCUMENT_ID,
    UPLOAD_FORM,
    DocumentDeleted,
    DocumentDetail,
    DocumentIn,
    DocumentList,
    DocumentSummary,
    DocumentUploaded,
    DocumentWritten,
    OutlineEntry,
    problem_responses,
)
from advisor.api.problems import Problem
from advisor.api.uploads import receive_upload
from advisor.api.work import write
from advisor.assembly import Services
from advisor.schemas import DocumentOutline
from advisor.services.documents import document_id, file_limits, make_document, read_file

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


def _outline(services: Services, doc_id: str) -> DocumentOutline | None:
    stored = services.state.outlines([doc_id]).get(doc_id)
    return DocumentOutline.model_validate_json(stored) if stored else None


def _entries(outline: DocumentOutline) -> list[OutlineEntry]:
    return [
        OutlineEntry(
            section_id=s.section_id, heading=s.path[-1] if s.path else "", path=s.path, level=s.level, page=s.page
        )
        for s in outline.sections
    ]


@router.post("", openapi_extra={"requestBody": UPLOAD_FORM}, responses=problem_responses(415))
async def upload_document(
    request: Request, runtime: RuntimeDep, services: ServicesDep, _: AdminCaller
) -> DocumentUploaded:
    """Add or replace a document from a file (.txt, .md, .html, .pdf, .docx), sent as multipart/form-data.

    Fields: `file`, and optional `id` (default: the file name without its extension), `language`
    (default: identified from the text) and `title` (default: the file's own title). The upload is
    streamed to disk and its size checked before it is parsed. Answers with the outcome (added, updated
    or unchanged) and the outline found. Needs an admin key when keys are configured.
    """
    limits = file_limits(runtime.settings.documents)
    with tempfile.TemporaryDirectory(prefix="advisor-upload-") as folder:
        upload = await receive_upload(request, limits.max_file_bytes, FilePath(folder))
        doc_id = upload.id or re.sub(r"[^A-Za-z0-9._-]+", "-", document_id(FilePath(upload.filename))).strip("-._")
        if not doc_id:
            raise Problem(422, "the file name gives no usable document id; send an `id` field")
        document = await run_in_threadpool(
            read_file, upload.path, limits, doc_id[:200], upload.language, upload.title, upload.content_type
        )
    change = await write(runtime, lambda: services.ingest.put(document))
    outline = _outline(services, document.id)
    return DocumentUploaded(
        id=document.id, status=change.status, chunks=change.chunks_total,  # type: ignore[arg-type]
        chunks_added=change.chunks_added, chunks_deleted=change.chunks_deleted, language=document.language,
        title=document.title, format=document.format, pages=outline.pages if outline else None,
        outline=_entries(outline) if outline else [],
    )  # fmt: skip


@router.get("/{doc_id}", responses=problem_responses(404))
async def get_document(doc_id: DocumentIdPath, services: ServicesDep, _: Caller) -> DocumentDetail:
    """A document's metadata (language, title, format, pages, number of chunks) and its outline."""
    outline = _outline(services, doc_id)
    keys = services.state.groups([doc_id]).get(doc_id)
    if outline is None or not keys:
        raise Problem(404, f"no document {doc_id!r}")
    return DocumentDetail(
        id=doc_id, language=outline.language, title=outline.title, chunks=len(keys), format=outline.format,
        pages=outline.pages, outline=_entries(outline),
    )  # fmt: skip


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
