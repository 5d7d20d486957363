"""LLM generators through the deterministic fake model: JSON parsing, repair, fallback, languages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from advisor.assembly import Services, build_services
from advisor.backends.chat import openai_complete
from advisor.schemas import STAGES
from advisor.services.advice import text_outside_quotes
from advisor.settings import GeneratorSettings, Settings
from advisor.text.language import detect_language


@contextmanager
def _services(settings: Settings, reply: str) -> Iterator[Services]:
    """Services on the fake model; abstention is off so the fake embeddings never decline."""
    configured = settings.model_copy(
        update={
            "generator": GeneratorSettings(backend="fake", fake_reply=reply),
            "advice": settings.advice.model_copy(update={"decline_bias": -1e6}),
        }
    )
    services = build_services(configured)
    try:
        services.ingest.ingest_paths()
        yield services
    finally:
        services.close()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("用户留存和私域运营有什么关系?", "zh"),
        ("How do I prioritise channels?", "en"),
        ("¿Cómo renuevo membresías?", "es"),
    ],
)
def test_valid_model_output_becomes_a_cited_answer(fake_settings: Settings, question: str, language: str) -> None:
    with _services(fake_settings, "valid") as services:
        answer = services.advisor.ask(question)
    assert answer.generator == "fake"
    assert answer.citations and answer.language == language
    assert detect_language(text_outside_quotes(answer.answer)) == language


def test_broken_json_falls_back_to_extractive_and_says_so(fake_settings: Settings) -> None:
    with _services(fake_settings, "broken") as services:
        plan = services.advisor.plan("Plan to sell more fruit online")
        answer = services.advisor.ask("How do I keep users?")
    assert plan.generator == "extractive (fallback from fake)"
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert answer.generator == "extractive (fallback from fake)"


def test_answer_in_the_wrong_language_is_replaced(fake_settings: Settings) -> None:
    with _services(fake_settings, "wrong_language") as services:
        answer = services.advisor.ask("How do I keep users coming back?")
    assert answer.generator == "extractive (fallback from fake)"
    assert detect_language(text_outside_quotes(answer.answer)) == "en"


def test_fake_plan_has_five_cited_stages(fake_settings: Settings) -> None:
    with _services(fake_settings, "valid") as services:
        plan = services.advisor.plan("Crea un plan para vender más fruta por internet")
    assert plan.generator == "fake"
    assert plan.steps[0].title == "Entorno del sector (PEST)"
    assert all(item.citations for step in plan.steps for item in step.items)


class _RecordingChatServer(ThreadingHTTPServer):
    """An OpenAI-compatible endpoint that records each request body and replies with a fixed JSON answer."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.bodies: list[dict[str, Any]] = []


class _ChatHandler(BaseHTTPRequestHandler):
    server: _RecordingChatServer

    def do_POST(self) -> None:
        self.server.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        content = json.dumps({"answer": "Keep users with a community [1]", "citations": []})
        reply = {
            "id": "c1",
            "object": "chat.completion",
            "created": 0,
            "model": "local",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_openai_backend_sends_the_token_limit_in_the_configured_field(field: str) -> None:
    pytest.importorskip("langchain_openai")
    server = _RecordingChatServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = Settings(
            generator=GeneratorSettings(
                backend="openai",
                base_url=f"http://127.0.0.1:{server.server_port}/v1",
                model="local",
                max_tokens=321,
                max_tokens_field=field,  # type: ignore[arg-type]
            )
        )
        reply = openai_complete(settings)([{"role": "user", "content": "hi"}])
    finally:
        server.shutdown()
        server.server_close()
    assert json.loads(reply)["answer"].startswith("Keep users")
    (body,) = server.bodies
    assert body[field] == 321
    other = "max_completion_tokens" if field == "max_tokens" else "max_tokens"
    assert other not in body
    assert body["response_format"] == {"type": "json_object"}
