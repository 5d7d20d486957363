"""Writing with a fallback: the primary generator's events and checked result, else a `Restart` and the
fallback's; a generator that does not stream has its finished result replayed as events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from advisor.schemas import Answer, Chunk, Plan
from advisor.services.generation import Cited, Delta, Event, GenerationError, Generator, Restart, Result
from advisor.services.rendering import result_text

log = logging.getLogger("advisor.advice")


def written(primary: Generator, fallback: Generator, events_of: Callable[[Generator], Iterator[Event | Result]],
            passages: list[Chunk], checked: Callable[[Result], Result | None],
            refusal: Result) -> Iterator[Event | Result]:  # fmt: skip
    """The events of the first generator whose result passes `checked`, then that result (else the refusal)."""
    for generator in (primary, fallback):
        streamed = False
        result: Result | None = None
        reason = "the text has no supported citation"
        try:
            for event in events_of(generator):
                if isinstance(event, Answer | Plan):
                    result = checked(event)
                else:
                    streamed = True
                    yield event
        except (GenerationError, ValueError) as exc:
            reason = str(exc)
        if result is not None:
            if generator is not primary:
                result = _fell_back(result, primary.name)
            yield from ([result] if streamed else replayed(result, passages))
            return
        log.info("generator %s failed: %s", generator.name, reason)
        if streamed:
            yield Restart(reason)
    yield from replayed(refusal, passages)


def replayed(result: Result, passages: Sequence[Chunk]) -> Iterator[Event | Result]:
    """A finished result as events: each citation's first use, the text line by line, then the result."""
    by_id = {chunk.chunk_id: chunk for chunk in passages}
    for number, citation in enumerate(result.citations, 1):
        if citation.chunk_id in by_id:
            yield Cited(number, by_id[citation.chunk_id])
    for line in result_text(result).splitlines(keepends=True):
        yield Delta(line)
    yield result


def _fell_back(result: Result, primary: str) -> Result:
    return result.model_copy(update={"generator": f"{result.generator} (fallback from {primary})"})
