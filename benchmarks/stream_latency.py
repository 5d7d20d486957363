"""Streaming latency with a local LLM: the `sources` event and time to first token, beside the model's own.

Prints a table per request and a summary with the targets beside them; asserts nothing.

    .venv/bin/python benchmarks/stream_latency.py                       # 6 questions (zh/en/es) once
    .venv/bin/python benchmarks/stream_latency.py --rounds 3 --data-dir /tmp/advisor-data

Starts `python -m llama_cpp.server` (the GGUF of `scripts/fetch_model.py`, 2 threads) and the app in-process
(uvicorn in a thread) with the `openai` generator on it, `--max-tokens` 32 and `--prompt-chars` 3 700 (about
1 500 prompt tokens; each prompt's count, by the server's tokenizer on the ChatML text, is shown); an empty data
dir (default: a temporary one) is indexed first. Per question: sources = POST /v1/ask (stream) sent -> `sources`
event (retrieval; target p95 <= 200 ms); advisor TTFT = sent -> first `delta`; direct TTFT = the same messages
(rebuilt with `prepare_ask`, `screened`, `within` and the generator's prompt text) streamed from the model server
(temperature 0, same max_tokens) -> first chunk with content; overhead = advisor - direct TTFT (target median
<= 100 ms), also shown without retrieval (minus sources).

llama-cpp-python's server always reuses the token prefix shared with the previous request (no request field
turns this off), so every measured request follows a one-token request with another system prompt: both then
process the whole prompt. Their order alternates between rounds. A warm-up question (not measured) loads
everything; its messages are then sent directly right after the advisor's request: they come back in
milliseconds only if the advisor sent the same tokens ("prompt identity"). Everything shares the machine's
cores with whatever else runs: compare runs made on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import httpx
import numpy as np
import uvicorn
from load import stop_server  # benchmarks/load.py (scripts here run with their folder on the path)

from advisor.api.app import create_app
from advisor.assembly import Services, build_services
from advisor.services.prompts import ANSWER_SHAPE, ANSWER_TASK, LANGUAGE_NAMES, RULES, format_passages, within
from advisor.services.verification import screened
from advisor.settings import GeneratorSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["如何提高用户留存?", "How do I improve retention for a community product?",
             "¿Cómo priorizo los canales de adquisición de usuarios?", "运营工作可以拆成哪四个核心环节?",
             "How do I measure user activity and retention?",
             "¿Cómo planifico el lanzamiento de una tienda online?"]  # fmt: skip
WARM_UP = "What does user operations involve?"
TARGET_SOURCES_P95_MS = 200.0
TARGET_OVERHEAD_MS = 100.0
Messages = list[dict[str, str]]
FLUSH: Messages = [{"role": "system", "content": "Reset."}, {"role": "user", "content": "ok"}]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll GET `url` until it answers 200."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the model server exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=5.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:g} s")


def index(settings: Settings) -> int:
    """Chunks in the data dir, after indexing the bundled corpus when it is empty."""
    services = build_services(settings)
    try:
        if services.store.count() == 0:
            print("indexing the corpus ...", file=sys.stderr, flush=True)
            services.ingest.ingest_paths()
        return services.store.count()
    finally:
        services.close()


def advisor_messages(services: Services, question: str) -> tuple[Messages, str, bool]:
    """The messages the advisor's chat generator sends for `question`, its language and whether it answers."""
    state = services.advisor.prepare_ask(question)
    passages = within(screened(state.passages), services.settings.generator.prompt_chars)
    system = RULES.format(language=LANGUAGE_NAMES[state.language]) + " " + ANSWER_SHAPE
    user = f"{format_passages(passages)}\n\n{ANSWER_TASK[state.language].format(question=question)}"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return messages, state.language, state.verdict.answerable


def prompt_tokens(http: httpx.Client, model_url: str, messages: Messages) -> int:
    """Tokens of the ChatML prompt (Qwen's template) for `messages`, by the server's tokenizer."""
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"
    response = http.post(f"{model_url}/extras/tokenize/count", json={"input": text})
    return int(response.raise_for_status().json()["count"])


def one_token(http: httpx.Client, model_url: str, messages: Messages = FLUSH) -> float:
    """Milliseconds of a one-token completion, by default of a prompt that keeps the next one from reusing tokens."""
    start = time.perf_counter()
    body = {"model": "local", "messages": messages, "max_tokens": 1, "temperature": 0}
    http.post(f"{model_url}/v1/chat/completions", json=body).raise_for_status()
    return (time.perf_counter() - start) * 1000


def direct_ttft(http: httpx.Client, model_url: str, messages: Messages, max_tokens: int) -> float:
    """Milliseconds from sending the streamed chat completion to its first chunk with content."""
    body = {"model": "local", "messages": messages, "max_tokens": max_tokens, "temperature": 0, "stream": True}
    first = float("nan")
    start = time.perf_counter()
    with http.stream("POST", f"{model_url}/v1/chat/completions", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            choices = json.loads(line[6:])["choices"] if first != first and line.startswith("data: {") else []
            if any(c.get("delta", {}).get("content") for c in choices):  # `first` is NaN until then
                first = (time.perf_counter() - start) * 1000
    return first


def advisor_times(http: httpx.Client, url: str, question: str) -> tuple[float, float, list[str]]:
    """Milliseconds from sending POST /v1/ask (stream) to the `sources` event and to the first `delta`; the events."""
    times: dict[str, float] = {}
    events: list[str] = []
    start = time.perf_counter()
    with http.stream("POST", f"{url}/v1/ask", json={"question": question, "stream": True}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("event: "):
                events.append(line[7:])
                times.setdefault(line[7:], (time.perf_counter() - start) * 1000)
    return times.get("sources", float("nan")), times.get("delta", float("nan")), events


def quantiles(values: list[float]) -> tuple[float, float]:
    """p50 and p95 of the values that are not NaN."""
    p50, p95 = np.nanpercentile(values, [50, 95]) if any(v == v for v in values) else (float("nan"),) * 2
    return float(p50), float(p95)


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Rows of cells, columns padded to their widest cell (CJK counts double), the first one left-aligned."""
    width = [[sum(1 + (unicodedata.east_asian_width(ch) in "WF") for ch in cell) for cell in row] for row in rows]
    widest = [max(w[i] for w in width) for i in range(len(rows[0]))]
    for row, sizes in zip(rows, width, strict=True):
        pads = [" " * (most - size) for most, size in zip(widest, sizes, strict=True)]
        cells = [c + p if i == 0 else p + c for i, (c, p) in enumerate(zip(row, pads, strict=True))]
        print("  " + "  ".join(cells), flush=True)


def measure(args: argparse.Namespace, settings: Settings, url: str, model_url: str, services: Services) -> None:
    """The warm-up and identity check, then the measured rounds; prints the tables."""
    with httpx.Client(timeout=600.0) as http:
        print("warm-up ...", file=sys.stderr, flush=True)
        advisor_times(http, url, WARM_UP)
        identity_ms = one_token(http, model_url, advisor_messages(services, WARM_UP)[0])
        rows: list[tuple[str, ...]] = [("question", "lang", "tokens", "sources ms", "direct TTFT", "advisor TTFT",
                                        "overhead", "w/o retrieval", "events")]  # fmt: skip
        figures: dict[str, list[float]] = {"sources": [], "direct": [], "advisor": [], "overhead": [], "beyond": []}
        for n in range(args.rounds * len(QUESTIONS)):
            question = QUESTIONS[n % len(QUESTIONS)]
            print(f"round {n + 1}: {question}", file=sys.stderr, flush=True)
            messages, language, answerable = advisor_messages(services, question)
            tokens = prompt_tokens(http, model_url, messages)
            events: list[str] = []
            for step in ("direct", "advisor") if n % 2 == 0 else ("advisor", "direct"):
                one_token(http, model_url)
                if step == "direct":
                    direct = direct_ttft(http, model_url, messages, settings.generator.max_tokens)
                else:
                    sources, advisor, events = advisor_times(http, url, question)
            counts = {e: events.count(e) for e in dict.fromkeys(events)}
            if not answerable:
                advisor = float("nan")  # a refusal is replayed without the model
            values = (sources, direct, advisor, advisor - direct, advisor - sources - direct)
            for key, value in zip(figures, values, strict=True):
                figures[key].append(value)
            rows.append((question[:28], language, str(tokens), f"{sources:.0f}", f"{direct:.0f}", f"{advisor:.0f}",
                         f"{advisor - direct:+.0f}", f"{advisor - sources - direct:+.0f}",
                         " ".join(f"{e}:{k}" for e, k in counts.items())))  # fmt: skip
    print("\nper request (ms; overhead = advisor TTFT - direct TTFT of the same question)")
    print_table(rows)
    names = {"sources": ("sources event", f"p95 <= {TARGET_SOURCES_P95_MS:g}"), "direct": ("direct TTFT (model)", ""),
             "advisor": ("advisor TTFT", ""), "overhead": ("overhead", f"p50 <= {TARGET_OVERHEAD_MS:g}"),
             "beyond": ("overhead w/o retrieval", "")}  # fmt: skip
    summary: list[tuple[str, ...]] = [("figure", "n", "p50 ms", "p95 ms", "target ms")]
    for key, (name, target) in names.items():
        p50, p95 = quantiles(figures[key])
        summary.append((name, str(sum(v == v for v in figures[key])), f"{p50:.0f}", f"{p95:.0f}", target))
    print("\nsummary")
    print_table(summary)
    direct_p50 = quantiles(figures["direct"])[0]
    same = identity_ms < 0.2 * direct_p50
    print(f"\nprompt identity: the warm-up messages sent directly right after the advisor's request took "
          f"{identity_ms:.0f} ms (direct TTFT p50 {direct_p50:.0f} ms): "
          f"{'fully cached, the messages are identical' if same else 'NOT cached, the messages differ'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="times each of the 6 questions is asked")
    parser.add_argument("--data-dir", type=Path, help="an indexed (or empty) data dir (default: a temporary one)")
    parser.add_argument("--model", type=Path, help="the GGUF (default: the one scripts/fetch_model.py prints)")
    parser.add_argument("--prompt-chars", type=int, default=3_700, help="passage characters in the prompt")
    parser.add_argument("--max-tokens", type=int, default=32, help="tokens generated per request")
    args = parser.parse_args()
    fetch = [sys.executable, str(ROOT / "scripts" / "fetch_model.py")]
    model = args.model or Path(subprocess.run(fetch, check=True, capture_output=True, text=True).stdout.split()[-1])
    with tempfile.TemporaryDirectory(prefix="advisor-stream-") as temporary:
        port, app_port = free_port(), free_port()
        model_url, url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{app_port}"
        generator = GeneratorSettings(backend="openai", base_url=f"{model_url}/v1", model="local", timeout=600,
                                      max_tokens=args.max_tokens, prompt_chars=args.prompt_chars)  # fmt: skip
        settings = Settings(data_dir=args.data_dir or Path(temporary) / "data", generator=generator)
        chunks = index(settings)
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                   "--port", str(port), "--n_ctx", "8192", "--n_threads", "2"]  # fmt: skip
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} | {chunks} chunks | "
              f"model: {model.name} | max_tokens {args.max_tokens} | prompt_chars {args.prompt_chars} | "
              f"{args.rounds} round(s) of {len(QUESTIONS)} questions", flush=True)  # fmt: skip
        with (Path(temporary) / "llama.log").open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            app = create_app(settings)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning"))
            thread = threading.Thread(target=server.run, daemon=True)
            try:
                wait_for(f"{model_url}/v1/models", 180.0, process)
                thread.start()
                wait_for(f"{url}/readyz", 180.0)
                measure(args, settings, url, model_url, app.state.runtime.services)
            finally:
                server.should_exit = True
                if thread.is_alive():
                    thread.join(30)
                stop_server(process)
        print(f"load average at the end {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
