"""Generators turn numbered evidence passages into an `Answer` or a `Plan`.

Every generator gets the same request: the question (or goal and context), its language and the
retrieved passages, numbered from 1. Passages are data, never instructions. What a generator returns
is checked afterwards by the advisor service: citations must quote a given passage verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.embeddings import Embeddings

from advisor.schemas import Answer, Chunk, Language, Plan
from advisor.settings import Settings


class GenerationError(RuntimeError):
    """A generator's output could not be turned into a valid answer or plan."""


@dataclass
class Evidence:
    """Passages for one request, numbered from 1, with the stages each was retrieved for."""

    passages: list[Chunk]
    stages: dict[str, list[str]] = field(default_factory=dict)  # chunk_id -> stages it was retrieved for


@dataclass
class AnswerRequest:
    """A question to answer from the evidence."""

    question: str
    language: Language
    evidence: Evidence


@dataclass
class PlanRequest:
    """A goal to plan for from the evidence, with the user's own context."""

    goal: str
    context: str
    language: Language
    evidence: Evidence


class Generator(Protocol):
    """A backend that writes answers and plans from evidence."""

    name: str

    def answer(self, request: AnswerRequest) -> Answer:
        """An answer in the request's language, citing passages."""
        ...

    def plan(self, request: PlanRequest) -> Plan:
        """A five-stage plan in the request's language, every step citing passages."""
        ...


def build_generator(settings: Settings, embeddings: Embeddings) -> Generator:
    """The generator chosen by `settings.generator.backend`."""
    from advisor.backends.extractive import ExtractiveGenerator

    extractive = ExtractiveGenerator(embeddings)
    if settings.generator.backend == "extractive":
        return extractive
    from advisor.backends.chat import build_chat_generator

    return build_chat_generator(settings, extractive)
