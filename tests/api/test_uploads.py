"""`POST /v1/documents` (multipart upload) and `GET /v1/documents/{id}`: formats, keys, limits and hostile files."""

from __future__ import annotations

import os
import shutil
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisor.api.app import create_app
from advisor.settings import DocumentSettings
from tests.api.conftest import api_settings, started
from tests.readers.makers import write_hostile, write_samples

ADMIN = {"Authorization": "Bearer admin-key"}
READER = {"Authorization": "Bearer reader-key"}
TYPES = {".pdf": "application/pdf", ".html": "text/html", ".md": "text/markdown", ".txt": "text/plain",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_samples(tmp_path_factory.mktemp("upload-samples"))


@pytest.fixture
def uploading(indexed_dir: Path, tmp_path: Path) -> Iterator[Any]:
    """Start an app with reader and admin keys on a private copy of the index; `changes` override settings."""
    running: list[Iterator[TestClient]] = []

    def make(**changes: object) -> TestClient:
        data_dir = tmp_path / f"data{len(running)}"
        shutil.copytree(indexed_dir, data_dir)
        settings = api_settings(data_dir, api_keys=["reader-key"], admin_keys=["admin-key"], **changes)
        clients = started(create_app(settings))
        running.append(clients)
        return next(clients)

    yield make
    for clients in running:
        next(clients, None)


def _upload(client: TestClient, path: Path, headers: dict[str, str] = ADMIN, **fields: str) -> Any:
    with path.open("rb") as file:
        files = {"file": (path.name, file, TYPES.get(path.suffix, "application/octet-stream"))}
        return client.post("/v1/documents", files=files, data=fields, headers=headers)


def _index_state(client: TestClient) -> tuple[Any, int]:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    chunks = sorted(chunk.chunk_id for chunk in runtime.services.store.iter_chunks())
    return client.get("/v1/documents", headers=READER).json(), hash(tuple(chunks))


def test_each_format_is_uploaded_and_described(uploading: Any, samples: dict[str, Path]) -> None:
    client = uploading()
    for fmt, path in samples.items():
        response = _upload(client, path)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["id"], body["status"], body["format"]) == (path.stem, "added", fmt)
        assert body["chunks"] == body["chunks_added"] > 0
        detail = client.get(f"/v1/documents/{path.stem}", headers=READER).json()
        assert detail["outline"] == body["outline"] and detail["chunks"] == body["chunks"]
        assert detail["format"] == fmt and detail["language"] == body["language"]
    pdf = client.get("/v1/documents/community-handbook", headers=READER).json()
    assert pdf["pages"] == 3 and [s["page"] for s in pdf["outline"] if s["heading"].startswith("第")] == [1, 2, 3]
    assert [s["heading"] for s in pdf["outline"] if s["heading"]] == ["第一章 社群拉新", "第二章 新成员留存",
                                                                     "第三章 活跃度维护"]  # fmt: skip
    found = client.post("/v1/search", json={"query": "群主应在新成员入群二十四小时内私聊欢迎", "k": 3}, headers=READER)
    top = found.json()["results"][0]
    assert top["source"] == "community-handbook" and top["page"] == 2 and top["section"].endswith("第二章 新成员留存")
    again = _upload(client, samples["pdf"])
    assert again.json()["status"] == "unchanged" and again.json()["chunks_added"] == 0


def test_upload_fields_override_id_language_and_title(uploading: Any, samples: dict[str, Path]) -> None:
    client = uploading()
    response = _upload(client, samples["text"], id="referral-rules", title="Referral rules", language="en")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["title"]) == ("referral-rules", "Referral rules")
    assert client.get("/v1/documents/referral-rules", headers=READER).json()["title"] == "Referral rules"
    assert client.get("/v1/documents/nothing-here", headers=READER).status_code == 404
    bad = _upload(client, samples["text"], language="fr")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_uploading_needs_an_admin_key(uploading: Any, samples: dict[str, Path]) -> None:
    client = uploading()
    before = _index_state(client)
    assert _upload(client, samples["docx"], headers=READER).status_code == 403
    assert _upload(client, samples["docx"], headers={}).status_code == 401
    assert _index_state(client) == before
    assert _upload(client, samples["docx"]).status_code == 200


def test_hostile_uploads_are_refused_and_change_nothing(
    uploading: Any, samples: dict[str, Path], tmp_path: Path
) -> None:
    client = uploading()
    assert _upload(client, samples["md"] if "md" in samples else samples["markdown"]).status_code == 200
    before = _index_state(client)
    for name, (path, status, phrase) in write_hostile(tmp_path / "hostile", samples).items():
        response = _upload(client, path)
        assert response.status_code == status, (name, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert phrase in response.json()["detail"], name
        assert _index_state(client) == before, name
    mismatch = client.post("/v1/documents", headers=ADMIN,
                           files={"file": ("guide.pdf", samples["pdf"].read_bytes(), "text/html")})  # fmt: skip
    assert mismatch.status_code == 422 and "does not match the extension" in mismatch.json()["detail"]
    not_a_form = client.post("/v1/documents", headers=ADMIN, json={"text": "hello"})
    assert not_a_form.status_code == 415
    no_file = client.post("/v1/documents", headers=ADMIN, files={"title": (None, "only a title")})
    assert no_file.status_code == 422
    assert _index_state(client) == before


def test_size_and_page_limits_come_from_settings(uploading: Any, samples: dict[str, Path]) -> None:
    client = uploading(documents=DocumentSettings(max_file_bytes=4_096, max_pages=2))
    before = _index_state(client)
    too_big = _upload(client, samples["docx"])
    assert too_big.status_code == 413 and too_big.headers["content-type"].startswith("application/problem+json")
    pages = _upload(client, samples["pdf"]) if samples["pdf"].stat().st_size <= 4_096 else None
    assert pages is None or pages.status_code == 413
    streamed = client.post(  # no Content-Length: the bytes are counted as they arrive
        "/v1/documents", headers={**ADMIN, "Content-Type": "multipart/form-data; boundary=b"},
        content=(b"x" * 1_024 for _ in range(100)),
    )  # fmt: skip
    assert streamed.status_code == 413
    assert _index_state(client) == before


def test_too_many_pages_is_refused(uploading: Any, samples: dict[str, Path]) -> None:
    client = uploading(documents=DocumentSettings(max_pages=2))
    response = _upload(client, samples["pdf"])
    assert response.status_code == 413 and "3 pages is over the limit of 2" in response.json()["detail"]


def _multipart(size: int, boundary: str) -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
           "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()  # fmt: skip
    piece = os.urandom(65_536)
    for _ in range(size // len(piece)):
        yield piece
    yield f"\r\n--{boundary}--\r\n".encode()


def test_the_upload_is_streamed_to_disk_not_held_in_memory(uploading: Any) -> None:
    """An 8 MB upload through the ASGI app allocates far less than 8 MB; the limit is checked before parsing."""
    client = uploading()
    size, boundary = 8 * 1_048_576, "streamed-boundary"
    headers = [(b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
               (b"authorization", b"Bearer admin-key")]  # fmt: skip

    async def call(body: Iterator[bytes], extra: list[tuple[bytes, bytes]]) -> tuple[int, int]:
        status, reads = 0, 0

        async def receive() -> dict[str, Any]:
            nonlocal reads
            reads += 1
            chunk = next(body, None)
            return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        scope = {"type": "http", "method": "POST", "path": "/v1/documents", "raw_path": b"/v1/documents",
                 "query_string": b"", "headers": headers + extra, "http_version": "1.1", "scheme": "http",
                 "server": ("testserver", 80), "client": ("127.0.0.1", 1234), "root_path": ""}  # fmt: skip
        await client.app(scope, receive, send)
        return status, reads

    assert client.portal.call(call, _multipart(65_536, boundary), [])[0] == 422  # type: ignore[union-attr]
    for query in ("retention", "retención", "留存"):  # the lemmatizers load on first use
        client.post("/v1/search", json={"query": query}, headers=READER)
    for thread in threading.enumerate():
        if thread.name == "advisor-warm-up":
            thread.join(120)
    tracemalloc.start()  # after a first upload, searches and the warm-up: only the upload allocates now
    try:
        status, _ = client.portal.call(call, _multipart(size, boundary), [])  # type: ignore[union-attr]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 422  # a PDF without its end: refused after it was received
    assert peak < size / 4, f"peak {peak} bytes for an upload of {size}"
    declared = [(b"content-length", str(100 * 1_048_576).encode())]
    status, reads = client.portal.call(call, _multipart(size, boundary), declared)  # type: ignore[union-attr]
    assert status == 413 and reads == 0
