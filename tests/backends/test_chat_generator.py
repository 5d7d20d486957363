"""LLM generators through the deterministic fake model: JSON parsing, repair, fallback, languages."""

from __future__ import annotations

import pytest

from advisor.assembly import Services, build_services
from advisor.schemas import STAGES
from advisor.services.advice import text_outside_quotes
from advisor.settings import GeneratorSettings, Settings
from advisor.text.language import detect_language


def _services(settings: Settings, reply: str) -> Services:
    """Services on the fake model; abstention is off so the fake embeddings never decline."""
    configured = settings.model_copy(
        update={
            "generator": GeneratorSettings(backend="fake", fake_reply=reply),
            "advice": settings.advice.model_copy(update={"min_similarity": -1}),
        }
    )
    services = build_services(configured)
    services.ingest.ingest_paths()
    return services


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("用户留存和私域运营有什么关系?", "zh"),
        ("How do I prioritise channels?", "en"),
        ("¿Cómo renuevo membresías?", "es"),
    ],
)
def test_valid_model_output_becomes_a_cited_answer(fake_settings: Settings, question: str, language: str) -> None:
    services = _services(fake_settings, "valid")
    try:
        answer = services.advisor.ask(question)
    finally:
        services.close()
    assert answer.generator == "fake"
    assert answer.citations and answer.language == language
    assert detect_language(text_outside_quotes(answer.answer)) == language


def test_broken_json_falls_back_to_extractive_and_says_so(fake_settings: Settings) -> None:
    services = _services(fake_settings, "broken")
    try:
        plan = services.advisor.plan("Plan to sell more fruit online")
        answer = services.advisor.ask("How do I keep users?")
    finally:
        services.close()
    assert plan.generator == "extractive (fallback from fake)"
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert answer.generator == "extractive (fallback from fake)"


def test_answer_in_the_wrong_language_is_replaced(fake_settings: Settings) -> None:
    services = _services(fake_settings, "wrong_language")
    try:
        answer = services.advisor.ask("How do I keep users coming back?")
    finally:
        services.close()
    assert answer.generator == "extractive (fallback from fake)"
    assert detect_language(text_outside_quotes(answer.answer)) == "en"


def test_fake_plan_has_five_cited_stages(fake_settings: Settings) -> None:
    services = _services(fake_settings, "valid")
    try:
        plan = services.advisor.plan("Crea un plan para vender más fruta por internet")
    finally:
        services.close()
    assert plan.generator == "fake"
    assert plan.steps[0].title == "Entorno del sector (PEST)"
    assert all(item.citations for step in plan.steps for item in step.items)
