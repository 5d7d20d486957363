"""The LLM path over HTTP against the scripted streaming server: tokens streamed as they are generated, markers
checked on the fly, quotes attributed afterwards, fallback visible, and a client that leaves stops the model."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from advisor.api.app import create_app
from advisor.services.prompts import LANGUAGE_REPAIR
from advisor.settings import AdviceSettings, GeneratorSettings
from tests.api.conftest import api_settings
from tests.conftest import free_port
from tests.scripted_llm import UNSUPPORTED, ScriptedState, scripted_llm

QUESTION = "How do I keep users coming back to a community product?"
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def llm() -> Iterator[tuple[str, ScriptedState]]:
    with scripted_llm() as running:
        yield running


@contextmanager
def serving(indexed_dir: Path, base_url: str, model: str, **generator: Any) -> Iterator[tuple[str, FastAPI]]:
    """`advisor serve`'s app on a real port, writing with the scripted model `model`."""
    settings = api_settings(
        indexed_dir,
        generator=GeneratorSettings(backend="openai", base_url=base_url, model=model, timeout=30, **generator),
        advice=AdviceSettings(decline_bias=-1e6),  # fake embeddings: never decline, the model is under test
    )
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    try:
        yield url, app
    finally:
        server.should_exit = True
        thread.join(15)


def sse_events(response: httpx.Response, start: float) -> Iterator[tuple[float, str, dict[str, Any]]]:
    """(seconds since `start`, event, data) for each Server-Sent Event as it arrives."""
    event = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield time.monotonic() - start, event, json.loads(line[6:])


def warm_up(url: str) -> None:
    """One question read up to its sources and left: the dictionaries a first question loads are loaded."""
    with httpx.stream("POST", url + "/v1/ask", json={"question": QUESTION, "stream": True}, timeout=60) as reply:
        for _, kind, _ in sse_events(reply, time.monotonic()):
            if kind == "sources":
                break


def ask_stream(url: str, path: str = "/v1/ask", **body: Any) -> list[tuple[float, str, dict[str, Any]]]:
    start = time.monotonic()
    with httpx.stream("POST", url + path, json={"question": QUESTION, "stream": True, **body}, timeout=60) as reply:
        assert reply.status_code == 200
        return list(sse_events(reply, start))


def test_first_delta_reaches_an_sse_client_while_the_model_is_still_writing(
    indexed_dir: Path, llm: tuple[str, ScriptedState], capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(indexed_dir, llm[0], "slow") as (url, _):
        warm_up(url)
        events = ask_stream(url)
    kinds = [kind for _, kind, _ in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    first_delta = next(at for at, kind, _ in events if kind == "delta")
    done_at, _, _answer = events[-1]
    with capsys.disabled():
        print(f"\nSSE: first delta after {first_delta:.2f} s, done after {done_at:.2f} s (a 40-word answer over 3 s)")
    assert first_delta < 1.0
    assert done_at - first_delta > 2.0  # the text arrived piece by piece while the model wrote it
    assert len([kind for kind in kinds if kind == "delta"]) >= 20


def test_invalid_markers_links_and_images_never_reach_the_client(
    indexed_dir: Path, llm: tuple[str, ScriptedState]
) -> None:
    with serving(indexed_dir, llm[0], "wrong-markers") as (url, _):
        events = ask_stream(url)
    streamed = "".join(data["text"] for _, kind, data in events if kind == "delta")
    sources = {s["chunk_id"] for s in events[0][2]["sources"]}
    cited = {data["number"]: data["chunk_id"] for _, kind, data in events if kind == "citation"}
    answer = events[-1][2]
    assert answer["generator"] == "openai", answer
    assert {int(n) for n in MARKER.findall(streamed)} <= set(cited), streamed
    assert set(cited.values()) <= sources
    assert "http" not in streamed and "promo.example" not in streamed and "logo" not in streamed
    assert sorted(cited) == list(range(1, len(cited) + 1))  # renumbered in order of first use
    final_numbers = {int(n) for n in MARKER.findall(answer["answer"])}
    assert final_numbers == set(range(1, len(answer["citations"]) + 1))


def test_the_done_event_carries_verbatim_quotes_and_the_sentences_they_support(
    indexed_dir: Path, llm: tuple[str, ScriptedState]
) -> None:
    with serving(indexed_dir, llm[0], "good") as (url, app):
        events = ask_stream(url)
        services = app.state.runtime.services
        chunks = {chunk.chunk_id: chunk.text for chunk in services.store.iter_chunks()}
    answer = events[-1][2]
    sources = {s["chunk_id"] for s in events[0][2]["sources"]}
    assert answer["generator"] == "openai" and answer["citations"]
    for citation in answer["citations"]:
        assert citation["chunk_id"] in sources
        assert citation["quote"] in chunks[citation["chunk_id"]]
        assert citation["supports"] and all(s in answer["answer"] for s in citation["supports"])


def test_an_unsupported_claim_is_reported_not_kept(indexed_dir: Path, llm: tuple[str, ScriptedState]) -> None:
    with serving(indexed_dir, llm[0], "unsupported", support_floor=0.9) as (url, _):
        events = ask_stream(url)
    answer = events[-1][2]
    assert answer["generator"] == "openai", answer
    assert UNSUPPORTED in "".join(data["text"] for _, kind, data in events if kind == "delta")
    (line,) = [line for line in answer["answer"].splitlines() if UNSUPPORTED in line]
    assert not MARKER.search(line)  # its marker is gone from the checked text
    assert UNSUPPORTED in [claim["sentence"] for claim in answer["unsupported"]]
    assert all(UNSUPPORTED not in c["supports"] for c in answer["citations"]) and answer["citations"]


def test_wrong_language_gets_one_repair_round_then_falls_back(
    indexed_dir: Path, llm: tuple[str, ScriptedState]
) -> None:
    base_url, state = llm
    before = len(state.exchanges)
    with serving(indexed_dir, base_url, "wrong-language") as (url, _):
        events = ask_stream(url)
    asked = state.exchanges[before:]
    assert len(asked) == 2 and asked[1].body["messages"][-1]["content"].endswith(LANGUAGE_REPAIR["en"])
    assert [kind for _, kind, _ in events].count("restart") == 2
    assert events[-1][2]["generator"] == "extractive (fallback from openai)"
    assert events[-1][2]["language"] == "en"


@pytest.mark.parametrize("model", ["error", "disconnect"])
def test_a_failing_model_falls_back_and_says_so(indexed_dir: Path, llm: tuple[str, ScriptedState], model: str) -> None:
    with serving(indexed_dir, llm[0], model) as (url, _):
        events = ask_stream(url)
        blocking = httpx.post(url + "/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert events[-1][1] == "done"
    assert events[-1][2]["generator"] == "extractive (fallback from openai)"
    assert blocking["generator"] == "extractive (fallback from openai)" and blocking["citations"]


def test_a_client_that_leaves_closes_the_upstream_request_and_frees_the_worker(
    indexed_dir: Path, llm: tuple[str, ScriptedState]
) -> None:
    base_url, state = llm
    before = len(state.exchanges)
    with serving(indexed_dir, base_url, "endless") as (url, app):
        start = time.monotonic()
        with httpx.stream("POST", url + "/v1/ask", json={"question": QUESTION, "stream": True}, timeout=60) as reply:
            for _, kind, _ in sse_events(reply, start):
                if kind == "delta":
                    break  # the client goes away mid-answer
        deadline = time.monotonic() + 10
        exchange = state.exchanges[before]
        while time.monotonic() < deadline and not (exchange.aborted and app.state.runtime.gate.busy == 0):
            time.sleep(0.1)
        print(f"upstream closed {time.monotonic() - start:.2f} s after the request")
        assert exchange.aborted and not exchange.finished
        assert app.state.runtime.gate.busy == 0


def test_openai_sdk_client_gets_content_as_it_is_written_and_citations_last(
    indexed_dir: Path, llm: tuple[str, ScriptedState], capsys: pytest.CaptureFixture[str]
) -> None:
    openai = pytest.importorskip("openai")
    with serving(indexed_dir, llm[0], "slow") as (url, _):
        warm_up(url)
        client = openai.OpenAI(base_url=url + "/v1", api_key="none")
        start = time.monotonic()
        first_content = None
        chunks = []
        for chunk in client.chat.completions.create(
            model="operations-advisor", messages=[{"role": "user", "content": QUESTION}], stream=True
        ):
            chunks.append(chunk)
            if first_content is None and chunk.choices and chunk.choices[0].delta.content:
                first_content = time.monotonic() - start
        total = time.monotonic() - start
    with capsys.disabled():
        print(f"\nopenai SDK: first content chunk after {first_content:.2f} s, stream ended after {total:.2f} s")
    assert first_content is not None and first_content < 1.0 and total - first_content > 2.0
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    extra = last.model_extra or {}
    assert extra["citations"] and all(c["quote"] for c in extra["citations"])
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert {int(n) for n in MARKER.findall(content)} <= set(range(1, len(extra["citations"]) + 1))


def test_plan_stages_stream_one_by_one_as_each_is_complete(indexed_dir: Path, llm: tuple[str, ScriptedState]) -> None:
    base_url, state = llm
    before = len(state.exchanges)
    with serving(indexed_dir, base_url, "slow", structured="json_object") as (url, _):
        start = time.monotonic()
        body = {"goal": "Plan how to keep users coming back to a community product", "stream": True}
        with httpx.stream("POST", url + "/v1/plan", json=body, timeout=60) as reply:
            events = list(sse_events(reply, start))
    request = state.exchanges[before].body
    assert request["response_format"]["type"] == "json_object" and "schema" in request["response_format"]
    deltas = [(at, data["text"]) for at, kind, data in events if kind == "delta"]
    plan = events[-1][2]
    assert plan["generator"] == "openai", plan
    assert [step["stage"] for step in plan["steps"]] == ["pest", "business_model", "metrics", "strategy", "tactics"]
    assert len(deltas) == 5 and all(text.strip().startswith(f"## {i}.") for i, (_, text) in enumerate(deltas, 1))
    assert len(state.exchanges) - before == 5
    assert deltas[-1][0] - deltas[0][0] > 1.0  # each stage went out when it was complete, not all at the end
