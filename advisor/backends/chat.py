"""Chat model backends: each is one function, `complete(messages) -> str`.

OpenAI-compatible endpoints through langchain-openai, a local GGUF file through llama-cpp-python, and a
deterministic stand-in model (`fake`, chosen in settings like the others) that tests run against.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, cast

from pydantic import SecretStr

from advisor.extras import MissingExtraError
from advisor.schemas import STAGES, Language
from advisor.settings import Settings
from advisor.text.locale import ANSWER_INTRO, STAGE_TITLES
from advisor.text.sentences import split_sentences

Messages = list[dict[str, str]]
Complete = Callable[[Messages], str]
LANGUAGE_NAMES: dict[Language, str] = {"zh": "Simplified Chinese", "en": "English", "es": "Spanish"}


class ModelUnavailable(RuntimeError):
    """A model backend that cannot be started (e.g. its model file is missing)."""


def fake_complete(messages: Messages) -> str:
    """Deterministic stand-in for a model: quotes the first sentence of each passage, in the asked language."""
    system, user = messages[0]["content"], messages[1]["content"]
    language: Language = next((code for code, name in LANGUAGE_NAMES.items() if f"in {name}." in system), "en")
    passages = re.findall(r'<passage id="(\d+)" source="[^"]*" language="(\w+)">\n(.*?)\n</passage>', user, re.S)
    quotes = [{"passage": int(n), "quote": split_sentences(text, lang)[0]} for n, lang, text in passages]
    if '"steps"' in system:
        steps = [
            {
                "stage": stage,
                "items": [
                    {
                        "text": f"{STAGE_TITLES[language][stage]} [{i + 1}]",
                        "quotes": [quotes[i % len(quotes)]],
                        "supports": 1 if stage == "tactics" else None,
                    }
                ],
            }
            for i, stage in enumerate(STAGES)
        ]
        return json.dumps({"steps": steps}, ensure_ascii=False)
    return json.dumps({"answer": f"{ANSWER_INTRO[language]} [1]", "citations": quotes[:1]}, ensure_ascii=False)


def openai_complete(settings: Settings) -> Complete:
    """Any OpenAI-compatible chat endpoint, in JSON mode, through langchain-openai."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise MissingExtraError("the 'openai' backend", "openai") from exc
    config = settings.generator
    # langchain-openai always renames `max_tokens` to `max_completion_tokens`, which some servers ignore;
    # `extra_body` sends the field under the configured name.
    model = ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=SecretStr(config.api_key),
        timeout=config.timeout,
        temperature=0,
        max_retries=1,
        model_kwargs={"response_format": {"type": "json_object"}},
        extra_body={config.max_tokens_field: config.max_tokens},
    )

    def complete(messages: Messages) -> str:
        return str(model.invoke([(m["role"], m["content"]) for m in messages]).content)

    return complete


def llamacpp_complete(settings: Settings) -> Complete:
    """A local GGUF model through llama-cpp-python, constrained to JSON by its grammar support."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingExtraError("the 'llamacpp' backend", "llamacpp") from exc
    config = settings.generator
    if config.model_path is None or not config.model_path.is_file():
        raise ModelUnavailable(f"llamacpp: model file not found: {config.model_path}")
    llm = Llama(model_path=str(config.model_path), n_ctx=config.context_size, n_threads=2, verbose=False)

    def complete(messages: Messages) -> str:
        reply: Any = llm.create_chat_completion(
            messages=cast(Any, messages),
            response_format={"type": "json_object"},
            temperature=0,
            max_tokens=config.max_tokens,
        )
        return str(reply["choices"][0]["message"]["content"])

    return complete


def build_complete(settings: Settings) -> Complete:
    """The chat backend chosen by `settings.generator.backend` (openai, llamacpp or fake)."""
    backend = settings.generator.backend
    if backend == "openai":
        return openai_complete(settings)
    if backend == "llamacpp":
        return llamacpp_complete(settings)
    if settings.generator.fake_reply == "broken":
        return lambda messages: "Sure! Here is your plan: {not json"
    if settings.generator.fake_reply == "wrong_language":
        return _in_chinese(fake_complete)
    return fake_complete


def _in_chinese(complete: Complete) -> Complete:
    """A model that ignores the requested language and always writes Chinese (as small models do)."""

    def wrapped(messages: Messages) -> str:
        system = messages[0]["content"]
        for name in LANGUAGE_NAMES.values():
            system = system.replace(f"in {name}.", "in Simplified Chinese.")
        return complete([{"role": "system", "content": system}, *messages[1:]])

    return wrapped
