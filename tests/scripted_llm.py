"""A scripted OpenAI-compatible chat server for the tests: deterministic streamed replies chosen by the model name.

Models (the `model` field of the request):
- `good`: one bullet for each of the first passages: its first sentence (quoted after a lead in the asker's
  language when the passage is in another) and its [n] marker.
- `slow`: a 40-word answer streamed word by word over 3 s.
- `endless`: words every 50 ms for a minute (to see a client leave).
- `wrong-markers`: `good` plus markers of passages that were not shown ([0], [99]), a link and an image.
- `unsupported`: `good` plus a claim that no passage supports, citing passage 2.
- `wrong-language`: always Chinese, whatever the asker's language.
- `disconnect`: a few words, then the connection drops mid-stream.
- `error`: HTTP 500.
With a `response_format` (a plan stage), `good` and `slow` reply with one point citing a passage.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from advisor.text.locale import STAGE_TITLES

_PASSAGE = re.compile(r"^\[(\d+)\] (.*)$", re.M)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LANGUAGE = {"zh": "Simplified Chinese", "en": "English", "es": "Spanish"}
UNSUPPORTED = "Notarised llama permits halve quantum tax filings."
_SLOW_WORDS = (
    "Retention grows when users find value every week, so measure the weekly active share, invite new members "
    "into small groups, answer their first questions quickly, reward the members who help others, and review "
    "the numbers with the team every Friday afternoon."
)


def _language_asked(system: str) -> str:
    return next((code for code, name in _LANGUAGE.items() if f"in {name} only" in system), "en")


def _first_sentence(text: str) -> str:
    match = re.match(r".+?[。！？.!?](?=\s|$)", text)
    return (match.group(0) if match else text)[:200]


def _in_language(text: str, language: str) -> bool:
    chinese = len(_CJK.findall(text)) > len(text) * 0.15
    return chinese == (language == "zh")


def _quoted(sentence: str, language: str) -> str:
    """The sentence itself in its language, else quoted after a lead in the asked one (a model would translate)."""
    if _in_language(sentence, language):
        return sentence
    return {"zh": "资料指出：「{}」", "en": "The source says: “{}”", "es": "La fuente dice: «{}»"}[language].format(
        sentence
    )


@dataclass
class Exchange:
    """One request the server received and how its stream ended."""

    body: dict[str, Any]
    finished: bool = False  # the whole reply was written
    aborted: bool = False  # the client closed the connection before the end


@dataclass
class ScriptedState:
    exchanges: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._json(200, {"object": "list", "data": [{"id": "good", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        exchange = Exchange(body)
        with self.server.state.lock:
            self.server.state.exchanges.append(exchange)
        model = body.get("model", "good")
        if model == "error":
            self._json(500, {"error": {"message": "scripted failure", "type": "server_error"}})
            return
        pieces, delay = self._script(model, body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for index, piece in enumerate(pieces):
                if model == "disconnect" and index == 3:
                    self.connection.shutdown(2)
                    return
                chunk = {"id": "s1", "object": "chat.completion.chunk", "created": 0, "model": model,
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}  # fmt: skip
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
                time.sleep(delay)
            end = {"id": "s1", "object": "chat.completion.chunk", "created": 0, "model": model,
                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}  # fmt: skip
            self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
            self.wfile.flush()
            exchange.finished = True
        except OSError:
            exchange.aborted = True
        self.close_connection = True

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _script(self, model: str, body: dict[str, Any]) -> tuple[list[str], float]:
        messages = body["messages"]
        system = messages[0]["content"]
        user = "\n".join(m["content"] for m in messages[1:])
        language = "zh" if model == "wrong-language" else _language_asked(system)
        passages = [(int(n), text) for n, text in _PASSAGE.findall(user)]
        if model == "wrong-language":  # a model that ignores the asker's language
            passages = [(n, text) for n, text in passages if _CJK.search(text)] or [(1, "用户留存最重要。")]
        fitting = [(n, _quoted(_first_sentence(text), language)) for n, text in passages[:3]]
        if body.get("response_format"):  # a plan stage: a good model makes new points for each stage
            stage = next((n for n, title in enumerate(STAGE_TITLES[language].values()) if title in user), 0)
            rotated = passages[stage:] + passages[:stage]
            fitting = [(n, _quoted(_first_sentence(text), language)) for n, text in rotated[:3]]
            fitting = fitting or [(1, "Grow retention.")]
            points = [{"text": f"{sentence} [{n}]", "supports": 1} for n, sentence in fitting]
            text = json.dumps({"items": points}, ensure_ascii=False)
            return [text[i : i + 12] for i in range(0, len(text), 12)], 0.1 if model == "slow" else 0.0
        if model == "slow":
            return [word + " " for word in _SLOW_WORDS.split()], 3.0 / 40
        if model == "endless":
            return ["more "] * 1200, 0.05
        lines = [f"- {sentence} [{n}]" for n, sentence in fitting]
        if model == "unsupported":
            lines.append(f"- {UNSUPPORTED} [2]")
        if model == "wrong-markers":
            lines += ["- See [our site](http://promo.example/x) and ![logo](http://promo.example/l.png) [99][0]"]
            lines[0] = lines[0].replace(f"[{fitting[0][0]}]", f"[{fitting[0][0]}][42]")
        text = "\n".join(lines)
        return [text[i : i + 5] for i in range(0, len(text), 5)], 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = ScriptedState()


@contextmanager
def scripted_llm() -> Iterator[tuple[str, ScriptedState]]:
    """A running scripted server: its base URL (for `ADVISOR_GENERATOR__BASE_URL`) and what it received."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1", server.state
    finally:
        server.shutdown()
        server.server_close()
