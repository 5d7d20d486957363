"""Plans written by a chat model a stage at a time: each stage is asked with the passages that teach it (those in
the asker's language first), constrained to a JSON schema, and its items checked (language, support) before the
stage is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from advisor.backends.chat import Schema
from advisor.schemas import Chunk, Citation, Language, PlanItem, PlanStep, Stage, UnsupportedClaim
from advisor.services.attribution import Attributor, claim_text
from advisor.services.generation import Cited, Delta, Event, GenerationError, PlanRequest
from advisor.services.prompts import STAGE_TASK, STRATEGY_POINTS, within, wrong_script
from advisor.services.rendering import step_text
from advisor.services.verification import MARKER, text_outside_quotes
from advisor.text.injection import strip_links
from advisor.text.language import detect_language
from advisor.text.locale import STAGE_TITLES

STAGE_SHAPE = (
    "Fill the JSON object: `items` holds one to three points for the step named below; each point's `text` ends "
    "with the [n] markers of the passages it uses. For tactics, `supports` is the number of the strategy point the "
    "action serves; elsewhere it is null."
)
STAGE_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "supports": {"type": ["integer", "null"]}},
                "required": ["text", "supports"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["items"],
    "additionalProperties": False,
}
_GOAL_PASSAGES = 2  # passages about the goal itself shown with every stage


def _folded(claim: str) -> str:
    return re.sub(r"\W+", "", claim).casefold()


class WrongLanguage(Exception):
    """A stage's points were all in another language than the asker's."""


def parse_items(reply: str) -> list[Any]:
    """The `items` of a stage reply, or `GenerationError`."""
    try:
        items = json.loads(reply[reply.index("{") : reply.rindex("}") + 1])["items"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GenerationError(f"a plan stage was not the JSON asked for ({str(exc)[:80]})") from exc
    if not isinstance(items, list):
        raise GenerationError("a plan stage's items are not a list")
    return items


def stage_passages(request: PlanRequest, stage: Stage, chars: int) -> list[Chunk]:
    """The passages read for `stage`, then the first about the goal; those in the asker's language first."""
    evidence = request.evidence
    teaching = [c for c in evidence.passages if stage in evidence.stage_of.get(c.chunk_id, [])]
    about_goal = [c for c in evidence.passages if not evidence.stage_of.get(c.chunk_id)][:_GOAL_PASSAGES]
    chosen = list({c.chunk_id: c for c in [*teaching, *about_goal]}.values())
    # A small model tends to take the first passages as they are: give it those it can use in its language.
    return within(sorted(chosen, key=lambda chunk: chunk.language != request.language), max(chars // 2, 600))


def stage_task(request: PlanRequest, stage: Stage, steps: list[PlanStep]) -> str:
    """The request for one stage in the asker's language (tactics also see the strategy points to serve)."""
    language = request.language
    task = STAGE_TASK[language].format(goal=request.goal, context=request.context or "-",
                                       stage=STAGE_TITLES[language][stage])  # fmt: skip
    if stage == "tactics" and len(steps) > 3:
        points = "\n".join(f"{n}. {MARKER.sub('', item.text).strip()}" for n, item in enumerate(steps[3].items, 1))
        task = f"{STRATEGY_POINTS[language]}\n{points}\n\n{task}"
    return task


class PlanWriter:
    """Turns each stage's points into a checked `PlanStep` and the events that show it; numbers citations across
    the whole plan."""

    def __init__(self, attributor: Attributor, language: Language) -> None:
        self._attributor = attributor
        self._language = language
        self.steps: list[PlanStep] = []
        self.unsupported: list[UnsupportedClaim] = []
        self._numbers: dict[str, int] = {}  # chunk id -> client number
        self._chunks: dict[str, Chunk] = {}
        self._claims: dict[str, list[tuple[str, tuple[int, int, float]]]] = {}
        self._made: set[str] = set()  # the points shown so far, folded

    def add(self, stage: Stage, raw_items: list[Any], passages: list[Chunk]) -> Iterator[Event]:
        """Events showing the stage, or `WrongLanguage` / `GenerationError` before anything is shown."""
        points: list[tuple[str, list[tuple[Chunk, tuple[int, int, float]]], Any]] = []
        off_language = 0
        for raw in raw_items:
            text = strip_links(str(raw.get("text", "")) if isinstance(raw, dict) else "")
            claim = claim_text(text)
            if not claim or _folded(claim) in self._made | {_folded(point[0]) for point in points}:
                continue  # a point made already (small models paste one passage into several points)
            if wrong_script(claim, self._language):
                off_language += 1  # a pasted passage in another language is not shown
                continue
            numbers = [int(n) for n in MARKER.findall(text.replace("【", "[").replace("】", "]"))]
            supported = self._supported(claim, numbers, passages)
            if supported:
                points.append((claim, supported, raw.get("supports") if isinstance(raw, dict) else None))
        if not points:
            if off_language:
                raise WrongLanguage
            raise GenerationError(f"the plan's {stage} stage cites no passage that supports it")
        written = " ".join(claim for claim, _, _ in points)
        if detect_language(text_outside_quotes(written)) != self._language:
            raise WrongLanguage
        events: list[Event] = []
        items = []
        strategies = [MARKER.sub("", item.text).strip() for item in self.steps[3].items] if len(self.steps) > 3 else []
        for claim, supports, serves in points:
            self._made.add(_folded(claim))
            chunks = [chunk for chunk, _ in supports]
            for chunk, span in supports:
                self._claims.setdefault(chunk.chunk_id, []).append((claim, span))
                if chunk.chunk_id not in self._numbers:
                    self._numbers[chunk.chunk_id] = len(self._numbers) + 1
                    self._chunks[chunk.chunk_id] = chunk
                    events.append(Cited(self._numbers[chunk.chunk_id], chunk))
            numbers = [self._numbers[chunk.chunk_id] for chunk in chunks]
            marks = "".join(f"[{n}]" for n in numbers)
            tied = None
            if stage == "tactics" and strategies:  # the strategy point the model named, else the closest one
                named = isinstance(serves, int) and 1 <= serves <= len(strategies)
                tied = serves if named else self._attributor.closest(claim, strategies) + 1
            items.append(PlanItem(text=f"{claim} {marks}", citations=numbers, supports=tied))
        step = PlanStep(stage=stage, title=STAGE_TITLES[self._language][stage], items=items)
        self.steps.append(step)
        yield from events
        yield Delta(("\n\n" if len(self.steps) > 1 else "") + step_text(len(self.steps), step, self._language))

    def _supported(
        self, claim: str, numbers: list[int], passages: list[Chunk]
    ) -> list[tuple[Chunk, tuple[int, int, float]]]:
        """The passages that support `claim` with their supporting spans: those it cites that do, else the shown one
        that does best; when none does, each cited passage is reported."""
        kept: list[tuple[Chunk, tuple[int, int, float]]] = []
        missed: list[Chunk] = []
        for number in dict.fromkeys(n for n in numbers if 1 <= n <= len(passages)):
            chunk = passages[number - 1]
            span = self._attributor.supports([claim], chunk)[0]
            if span is None:
                missed.append(chunk)
            else:
                kept.append((chunk, span))
        if not kept and (found := self._attributor.elsewhere(claim, passages)) is not None:
            kept.append(found)
        if not kept:
            self.unsupported += [UnsupportedClaim(sentence=claim, chunk_id=chunk.chunk_id) for chunk in missed]
        return kept

    def citations(self) -> list[Citation]:
        """The plan's citations, in the order of their numbers."""
        return [self._attributor.citation(self._chunks[chunk_id], self._claims[chunk_id]) for chunk_id in self._numbers]
