"""LLM generators in-process against the scripted OpenAI-compatible server: languages, plans, token limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from advisor.assembly import Services, build_services
from advisor.backends.chat import OpenAIChat
from advisor.schemas import STAGES
from advisor.services.chat_plan import STAGE_SCHEMA
from advisor.services.verification import text_outside_quotes
from advisor.settings import GeneratorSettings, Settings
from advisor.text.language import detect_language
from tests.scripted_llm import ScriptedState, scripted_llm


@pytest.fixture(scope="module")
def llm() -> Iterator[tuple[str, ScriptedState]]:
    with scripted_llm() as running:
        yield running


@contextmanager
def _services(settings: Settings, base_url: str, model: str) -> Iterator[Services]:
    """Services on the scripted model; abstention is off so the fake embeddings never decline."""
    configured = settings.model_copy(
        update={
            "generator": GeneratorSettings(backend="openai", base_url=base_url, model=model, structured="json_object"),
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
        ("How do I keep users coming back to a community product?", "en"),
        ("¿Cómo mantengo a los usuarios de una comunidad?", "es"),
    ],
)
def test_the_models_text_becomes_a_cited_answer_in_the_askers_language(
    fake_settings: Settings, llm: tuple[str, ScriptedState], question: str, language: str
) -> None:
    with _services(fake_settings, llm[0], "good") as services:
        answer = services.advisor.ask(question)
        chunks = {c.chunk_id: c.text for c in services.store.iter_chunks()}
    assert answer.generator == "openai", answer
    assert answer.citations and answer.language == language
    assert detect_language(text_outside_quotes(answer.answer)) == language
    assert all(c.quote in chunks[c.chunk_id] for c in answer.citations)


def test_a_plan_fills_the_schema_and_cites_every_stage(fake_settings: Settings, llm: tuple[str, ScriptedState]) -> None:
    base_url, state = llm
    before = len(state.exchanges)
    with _services(fake_settings, base_url, "good") as services:
        plan = services.advisor.plan("Plan how to keep users coming back to a community product")
    assert plan.generator == "openai", plan
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert all(item.citations for step in plan.steps for item in step.items)
    asked = state.exchanges[before:]
    assert len(asked) == len(STAGES)  # one request per stage, each held to the stage schema
    assert all(exchange.body["response_format"]["schema"] == STAGE_SCHEMA for exchange in asked)


def test_a_model_that_fails_falls_back_to_extractive_and_says_so(
    fake_settings: Settings, llm: tuple[str, ScriptedState]
) -> None:
    with _services(fake_settings, llm[0], "error") as services:
        plan = services.advisor.plan("Plan to sell more fruit online")
        answer = services.advisor.ask("How do I keep users?")
    assert plan.generator == "extractive (fallback from openai)"
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert answer.generator == "extractive (fallback from openai)"


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_openai_backend_sends_the_token_limit_in_the_configured_field(
    llm: tuple[str, ScriptedState], field: str
) -> None:
    base_url, state = llm
    before = len(state.exchanges)
    config = GeneratorSettings(backend="openai", base_url=base_url, model="good", max_tokens=321,
                               max_tokens_field=field)  # type: ignore[arg-type]  # fmt: skip
    text = "".join(OpenAIChat(config).stream([{"role": "system", "content": "x"}, {"role": "user", "content": "hi"}]))
    body = state.exchanges[before].body
    assert body[field] == 321 and body["stream"] is True
    assert ("max_completion_tokens" if field == "max_tokens" else "max_tokens") not in body
    assert "response_format" not in body and isinstance(text, str)
