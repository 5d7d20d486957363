"""Chat model backends: each streams the text of one completion, `stream(messages, schema) -> Iterator[str]`.

Any OpenAI-compatible endpoint through the `openai` SDK, and a local GGUF file through llama-cpp-python. Closing
the iterator closes the upstream request (or stops the local model) at once, so a client that leaves frees the
model. With a JSON `schema`, the output is constrained to it: a `response_format` for servers, a GBNF grammar
for llama-cpp-python.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any, Protocol, cast

from advisor.extras import MissingExtraError
from advisor.settings import GeneratorSettings

Messages = list[dict[str, str]]
Schema = dict[str, Any]


class ModelUnavailable(RuntimeError):
    """A model backend that cannot be started (e.g. its model file is missing)."""


class ChatModel(Protocol):
    """A chat model that streams its reply as text pieces.

    `stream` is a generator: the caller may stop early by closing it, which must end the upstream work.
    Errors from the model (unreachable, HTTP errors, timeouts) are raised from the iteration.
    """

    name: str

    def stream(self, messages: Messages, schema: Schema | None = None) -> Iterator[str]:
        """The reply's text as it is generated; with `schema`, a JSON document valid against it."""
        ...


class OpenAIChat:
    """Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server), streamed."""

    name = "openai"

    def __init__(self, config: GeneratorSettings) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:
            raise MissingExtraError("the 'openai' backend", "openai") from exc
        self._config = config
        self._client = OpenAI(base_url=config.base_url, api_key=config.api_key, timeout=config.timeout, max_retries=1)

    def _response_format(self, schema: Schema) -> dict[str, Any]:
        if self._config.structured == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema, "strict": True}}
        return {"type": "json_object", "schema": schema}  # llama.cpp server's form

    def stream(self, messages: Messages, schema: Schema | None = None) -> Iterator[str]:
        config = self._config
        extra: dict[str, Any] = {config.max_tokens_field: config.max_tokens}
        if schema is not None:
            extra["response_format"] = self._response_format(schema)
        response = self._client.chat.completions.create(
            model=config.model, messages=cast(Any, messages), stream=True, temperature=0, extra_body=extra
        )
        finished = False
        try:
            for chunk in response:
                for choice in chunk.choices:
                    if choice.delta.content:
                        yield choice.delta.content
                    finished = finished or choice.finish_reason is not None
        finally:
            response.close()
        if not finished:  # the connection ended mid-reply: what came is not the model's whole answer
            raise ConnectionError("the model's stream ended before the reply was finished")


def bounded(schema: Schema, chars: int) -> Schema:
    """`schema` with every string that has no `maxLength` given one, so a model looping inside a string still
    closes the JSON."""
    if schema.get("type") == "string" and "maxLength" not in schema:
        return {**schema, "maxLength": chars}
    return {key: bounded(value, chars) if isinstance(value, dict) else value for key, value in schema.items()}


class LlamaCppChat:
    """A local GGUF model through llama-cpp-python, one generation at a time; repetition is penalised and strings
    in a schema are bounded, since small local models tend to loop."""

    name = "llamacpp"

    def __init__(self, config: GeneratorSettings) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingExtraError("the 'llamacpp' backend", "llamacpp") from exc
        if config.model_path is None or not config.model_path.is_file():
            raise ModelUnavailable(f"llamacpp: model file not found: {config.model_path}")
        self._config = config
        self._llm = Llama(model_path=str(config.model_path), n_ctx=config.context_size, n_threads=2, verbose=False)
        self._lock = threading.Lock()  # one context: generations take turns

    def stream(self, messages: Messages, schema: Schema | None = None) -> Iterator[str]:
        from llama_cpp import LlamaGrammar

        grammar = None
        if schema is not None:
            bounded_schema = bounded(schema, self._config.max_string_chars)
            grammar = LlamaGrammar.from_json_schema(json.dumps(bounded_schema), verbose=False)
        with self._lock:
            chunks: Any = self._llm.create_chat_completion(
                messages=cast(Any, messages),
                temperature=0,
                repeat_penalty=self._config.repeat_penalty,
                max_tokens=self._config.max_tokens,
                grammar=grammar,
                stream=True,
            )
            try:
                for chunk in chunks:
                    content = chunk["choices"][0]["delta"].get("content")
                    if content:
                        yield content
            finally:
                chunks.close()


def build_chat(config: GeneratorSettings) -> ChatModel:
    """The chat backend `config.backend` names (openai or llamacpp)."""
    if config.backend == "openai":
        return OpenAIChat(config)
    if config.backend == "llamacpp":
        return LlamaCppChat(config)
    raise ValueError(f"generator backend {config.backend!r} is not a chat model")
