"""Multipart uploads: streamed to a temporary file on disk, their size counted as the bytes arrive."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from advisor.api.models import DOCUMENT_ID
from advisor.api.problems import Problem
from advisor.schemas import LANGUAGES

_FORM_OVERHEAD = 65_536  # bytes of multipart framing and fields allowed beyond the file itself
_FIELDS = ("id", "language", "title")


class _DiskSpool(MultiPartParser):
    """Starlette's parser, keeping at most 64 KiB of a file in memory before it goes to disk."""

    spool_max_size = 65_536


@dataclass
class Upload:
    """A received file, saved under `path` with its own extension, and the form's other fields."""

    path: Path
    filename: str
    content_type: str | None
    id: str | None
    language: str | None
    title: str | None


def _too_large(file_limit: int) -> Problem:
    return Problem(413, f"the upload is larger than the limit of {file_limit} bytes for a file")


async def _counted(request: Request, file_limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > file_limit + _FORM_OVERHEAD:
            raise _too_large(file_limit)
        yield chunk


def _field(form: Mapping[str, object], name: str) -> str | None:
    value = form.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Problem(422, f"the form field {name!r} must be text")
    return value


async def receive_upload(request: Request, file_limit: int, folder: Path) -> Upload:
    """The form's `file` saved into `folder`: 413 (before any byte is read when the declared length says so)
    for a body over `file_limit` and the form's framing, 415/422 for a form that is not one."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Problem(415, "send the file as multipart/form-data with a `file` field")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > file_limit + _FORM_OVERHEAD):
        raise _too_large(file_limit)
    parser = _DiskSpool(request.headers, _counted(request, file_limit), max_files=1, max_fields=len(_FIELDS))
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise Problem(400, f"the multipart form cannot be read: {exc.message}") from exc
    try:
        unknown = sorted(set(form.keys()) - {"file", *_FIELDS})
        if unknown:
            raise Problem(422, f"unknown form fields: {', '.join(unknown)}")
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise Problem(422, "the form needs a `file` field holding the document")
        values = dict(form)
        fields = {name: _field(values, name) for name in _FIELDS}
        if fields["id"] is not None and not re.match(DOCUMENT_ID, fields["id"]):
            raise Problem(422, f"the id must match {DOCUMENT_ID}")
        if fields["language"] is not None and fields["language"] not in LANGUAGES:
            raise Problem(422, f"the language must be one of {', '.join(LANGUAGES)}")
        if fields["title"] is not None and not 0 < len(fields["title"].strip()) <= 300:
            raise Problem(422, "the title must have 1 to 300 characters")
        name = Path(file.filename).name
        safe = re.sub(r"[^\w.-]+", "_", Path(name).stem)[:100] or "upload"
        path = folder / f"{safe}{Path(name).suffix.lower()}"  # errors name the file as the client sent it
        file.file.seek(0)
        with path.open("wb") as target:
            shutil.copyfileobj(file.file, target, 1 << 18)
        return Upload(path, name, file.content_type, fields["id"], fields["language"], fields["title"])
    finally:
        await form.close()
