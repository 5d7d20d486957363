"""Generators turn evidence into an `Answer` or a `Plan`.

Every generator gets the same request: the question (or goal and context), its language and the evidence: the
reading units (sections) that answer it, and their chunks as numbered passages. Passages are data, never
instructions. What a generator returns is checked afterwards by the advisor service: citations must quote a
given passage verbatim.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from advisor.schemas import Answer, Chunk, Language, Plan, Stage
from advisor.services.evidence import Gathered, ReadingUnit


class GenerationError(RuntimeError):
    """A generator's output could not be turned into a valid answer or plan."""


@dataclass(frozen=True)
class Delta:
    """Text for the reader, in order; its [n] markers are the client's numbers."""

    text: str


@dataclass(frozen=True)
class Cited:
    """Marker [number] is used for the first time: it refers to this passage."""

    number: int
    chunk: Chunk


@dataclass(frozen=True)
class Restart:
    """The text streamed so far is withdrawn (wrong language, failed checks); what follows replaces it."""

    reason: str


Event = Delta | Cited | Restart
Result = TypeVar("Result", Answer, Plan)


def drain(events: Iterator[Event | Result]) -> Result:
    """The result at the end of a stream of events."""
    for event in events:
        if isinstance(event, Answer | Plan):
            return event
    raise GenerationError("the stream ended without a result")


@dataclass
class AnswerRequest:
    """A question to answer from the evidence."""

    question: str
    language: Language
    evidence: Gathered
    passages: list[Chunk] = field(default_factory=list)  # what the generator is shown, numbered from 1


@dataclass
class PlanEvidence:
    """For each stage, the units that teach it; for the goal, the units about this business."""

    stages: dict[Stage, list[ReadingUnit]]
    goal: Gathered
    passages: list[Chunk] = field(default_factory=list)
    stage_of: dict[str, list[Stage]] = field(default_factory=dict)  # chunk id -> stages it was read for


@dataclass
class PlanRequest:
    """A goal to plan for from the evidence, with the user's own context."""

    goal: str
    context: str
    language: Language
    evidence: PlanEvidence


class Generator(Protocol):
    """A backend-independent writer of answers and plans."""

    name: str

    def answer(self, request: AnswerRequest) -> Answer:
        """An answer in the request's language, citing passages."""
        ...

    def plan(self, request: PlanRequest) -> Plan:
        """A five-stage plan in the request's language, every step citing passages."""
        ...


@runtime_checkable
class StreamingGenerator(Generator, Protocol):
    """A generator that shows its text as it is written.

    Each stream yields `Event`s and ends with the result (`Answer` or `Plan`, before the advisor's checks), or
    raises `GenerationError`. Closing the stream early stops the generation.
    """

    def stream_answer(self, request: AnswerRequest) -> Iterator[Event | Answer]:
        """Events of the answer as it is generated, then the answer."""
        ...

    def stream_plan(self, request: PlanRequest) -> Iterator[Event | Plan]:
        """Events of the plan, a stage at a time as each is complete and valid, then the plan."""
        ...
