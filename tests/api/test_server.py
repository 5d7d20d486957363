"""`advisor serve` as a real process, driven with httpx and the official `openai` client; the one-writer lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from advisor.api.app import create_app
from advisor.assembly import build_services
from advisor.schemas import Answer
from advisor.settings import EmbeddingSettings, Settings, StoreSettings
from tests.api.conftest import started
from tests.conftest import CORPUS, free_port, running_chroma, running_server

pytestmark = pytest.mark.server
ADVISOR = str(Path(sys.executable).with_name("advisor"))
KEY = "test-key-7f3a"


def _environment(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "ADVISOR_CORPUS_DIR": str(CORPUS),
            "ADVISOR_EMBEDDINGS__BACKEND": "fake", "ADVISOR_API_KEYS": KEY}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A served, indexed advisor on a free port (fake embeddings, one API key); yields its URL and env."""
    env = _environment(tmp_path_factory.mktemp("served"))
    subprocess.run([ADVISOR, "ingest"], env=env, check=True, capture_output=True)
    port = free_port()
    with running_server([ADVISOR, "serve", "--port", str(port)], f"http://127.0.0.1:{port}/readyz", 60, env=env):
        yield f"http://127.0.0.1:{port}", env


def test_httpx_search_ask_and_stream(server: tuple[str, dict[str, str]]) -> None:
    url, _ = server
    auth = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=url, headers=auth, timeout=60) as client:
        assert client.post("/v1/search", json={"query": "retención de usuarios"}).json()["results"]
        answer = Answer.model_validate(client.post("/v1/ask", json={"question": "How do I keep users?"}).json())
        assert answer.answerable and answer.citations
        with client.stream("POST", "/v1/ask", json={"question": "How do I keep users?", "stream": True}) as stream:
            events = [line[7:] for line in stream.iter_lines() if line.startswith("event: ")]
        assert events[0] == "sources" and events[-1] == "done"
        assert httpx.post(f"{url}/v1/search", json={"query": "retention"}).status_code == 401


def test_openai_client_blocking_and_streaming(server: tuple[str, dict[str, str]]) -> None:
    url, _ = server
    client = openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0)
    assert [m.id for m in client.models.list()] == ["operations-advisor", "operations-advisor-plan"]
    question = [{"role": "user", "content": "¿Cómo retener a los usuarios de una comunidad?"}]
    completion = client.chat.completions.create(model="operations-advisor", messages=question)  # type: ignore[arg-type]
    assert completion.choices[0].message.content
    extra = completion.model_extra or {}
    assert extra["sources"] and extra["citations"]
    chunks = list(client.chat.completions.create(model="operations-advisor", messages=question, stream=True))  # type: ignore[arg-type]
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert streamed == completion.choices[0].message.content
    assert (chunks[0].model_extra or {})["sources"]
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0).models.list()


def test_cli_ingest_fails_at_once_while_the_server_holds_the_index(server: tuple[str, dict[str, str]]) -> None:
    _, env = server
    result = subprocess.run([ADVISOR, "ingest"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "in use by another advisor process (advisor serve pid" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # a one-line message (rich may wrap it once)


def test_api_against_a_chroma_server(tmp_path: Path) -> None:
    with running_chroma(tmp_path / "chroma") as port:
        settings = Settings(data_dir=tmp_path / "data", embeddings=EmbeddingSettings(backend="fake"),
                            store=StoreSettings(mode="http", port=port, collection="api"))  # fmt: skip
        services = build_services(settings)
        services.ingest.ingest_paths([CORPUS])
        services.close()
        clients = started(create_app(settings))
        client: TestClient = next(clients)
        results = client.post("/v1/search", json={"query": "retention"}).json()["results"]
        assert results
        text = "Chroma notes\n\n" + "Members who stop buying get a call within a week to ask why. " * 4
        assert client.put("/v1/documents/chroma-notes", json={"text": text}).json()["status"] == "added"
        found = client.post("/v1/search", json={"query": "stop buying", "sources": ["chroma-notes"]}).json()
        assert found["results"]
        assert client.delete("/v1/documents/chroma-notes").json()["chunks_deleted"] > 0
        next(clients, None)


def test_served_problem_documents_have_no_internals(server: tuple[str, dict[str, str]]) -> None:
    url, _ = server
    response = httpx.post(f"{url}/v1/ask", content=b"{", headers={"Authorization": f"Bearer {KEY}"})
    assert response.headers["content-type"] == "application/problem+json"
    assert not any(marker in response.text for marker in ("Traceback", ".py", "/tmp/"))
    assert 400 <= json.loads(response.text)["status"] < 500
