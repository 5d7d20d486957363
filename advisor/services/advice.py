"""The advisor chain: read the evidence → judge answerability → generate → verify citations → Answer or Plan."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from advisor.schemas import STAGES, Answer, Chunk, Language, Plan, SearchHit, Stage
from advisor.services.answerability import AnswerabilityJudge, Verdict
from advisor.services.enumerations import best_enumeration
from advisor.services.evidence import EvidenceReader, Gathered, ReadingUnit
from advisor.services.extractive import ANSWER_CHARS
from advisor.services.generation import (
    AnswerRequest,
    Event,
    Generator,
    PlanEvidence,
    PlanRequest,
    StreamingGenerator,
    drain,
)
from advisor.services.growth_advice import with_growth_model
from advisor.services.verification import screened, text_outside_quotes, verify_answer, verify_plan
from advisor.services.writing import replayed, written
from advisor.settings import AdviceSettings
from advisor.text import locale
from advisor.text.language import detect_language
from advisor.text.quality import visible_size

_TACTICS_PARENTS = 2  # the sections teaching tactics whose sub-sections are read too


class AdviceError(ValueError):
    """A request the advisor cannot serve."""


@dataclass
class AskState:
    """A question with the evidence read for it: what `write_answer` needs, and what streaming shows first."""

    question: str
    language: Language
    gathered: Gathered
    verdict: Verdict
    passages: list[Chunk] = field(default_factory=list)

    @property
    def hits(self) -> list[SearchHit]:
        return self.gathered.hits


@dataclass
class PlanState:
    """A plan request with the evidence read for each stage and for the goal."""

    goal: str
    context: str
    language: Language
    evidence: PlanEvidence
    verdict: Verdict
    passages: list[Chunk] = field(default_factory=list)

    @property
    def hits(self) -> list[SearchHit]:
        return self.evidence.goal.hits


State = AskState | PlanState


class AdvisorService:
    """Answers questions and writes plans from the sections that answer them, declining when they do not."""

    def __init__(self, reader: EvidenceReader, judge: AnswerabilityJudge, generator: Generator, fallback: Generator,
                 config: AdviceSettings) -> None:  # fmt: skip
        self._reader = reader
        self.judge = judge
        self._generator = generator
        self._fallback = fallback
        self.config = config
        self._stage_units: dict[tuple[int, Stage], list[ReadingUnit]] = {}
        self._stage_lock = threading.Lock()
        self.ask_chain: Runnable[dict[str, Any], Answer] = RunnableLambda(self._prepare_ask_request) | RunnableLambda(
            self.write_answer
        )
        self.plan_chain: Runnable[dict[str, Any], Plan] = RunnableLambda(self._prepare_plan_request) | RunnableLambda(
            self.write_plan
        )

    def _prepare_ask_request(self, request: dict[str, Any]) -> AskState:
        return self.prepare_ask(str(request["question"]), request.get("k"))

    def _prepare_plan_request(self, request: dict[str, Any]) -> PlanState:
        return self.prepare_plan(str(request["goal"]), str(request.get("context", "")))

    @property
    def streams(self) -> bool:
        """Whether the generator shows its text as it writes it (a chat model) rather than all at once."""
        return isinstance(self._generator, StreamingGenerator)

    @property
    def generator_name(self) -> str:
        """The name of the generator this advisor writes with."""
        return self._generator.name

    def ask(self, question: str, k: int | None = None) -> Answer:
        """A cited answer to `question` in its language, or a refusal when the articles do not cover it."""
        return self.ask_chain.invoke({"question": question, "k": k})

    def plan(self, goal: str, context: str = "") -> Plan:
        """A five-stage plan for `goal`, every step citing the articles."""
        return self.plan_chain.invoke({"goal": goal, "context": context})

    def write(self, state: State) -> Answer | Plan:
        """The answer or plan for prepared evidence."""
        return self.write_answer(state) if isinstance(state, AskState) else self.write_plan(state)

    def has_evidence(self, state: State) -> bool:
        """Whether the evidence addresses the request (False means the advisor will decline)."""
        return state.verdict.answerable

    def prepare_ask(self, question: str, k: int | None = None) -> AskState:
        """The first half of `ask`: the evidence and the verdict, for callers that show sources first."""
        question = _required(question, "question")
        language = detect_language(question)
        gathered = self._reader.gather(question, k or self.config.k)
        listed = best_enumeration(gathered.units, question, language)
        if listed is not None:  # a question that asks for a list reads the list that fits it first
            gathered.units = [listed[0], *(u for u in gathered.units if u is not listed[0])]
        gathered.units = gathered.units[: self.config.units]
        verdict = self.judge.judge(question, language, gathered.hits, gathered.units, gathered.query_vector)
        return AskState(question, language, gathered, verdict, gathered.passages())

    def write_answer(self, state: AskState) -> Answer:
        """The answer for prepared evidence (a refusal when it does not address the question)."""
        return drain(self.stream_answer(state))

    def stream_answer(self, state: AskState) -> Iterator[Event | Answer]:
        """The answer's events as it is written (see `StreamingGenerator`), then the checked answer."""
        language = state.language
        refusal = Answer(question=state.question, answer=locale.REFUSAL[language], language=language,
                         answerable=False, generator=self._generator.name, retrieved=_ids(state.passages))  # fmt: skip
        if not state.verdict.answerable:
            yield from replayed(refusal, state.passages)
            return
        shown = screened(state.passages)
        request = AnswerRequest(state.question, language, state.gathered, shown)

        def checked(answer: Answer) -> Answer | None:
            answer = verify_answer(answer, shown, state.passages)
            if not answer.citations or detect_language(text_outside_quotes(answer.answer)) != language:
                return None
            answer = verify_answer(_with_gaps(answer, state.verdict), shown, state.passages)
            return answer.model_copy(update={"retrieved": _ids(state.passages)})

        def events_of(generator: Generator) -> Iterator[Event | Answer]:
            if isinstance(generator, StreamingGenerator):
                return generator.stream_answer(request)
            return iter([generator.answer(request)])

        yield from written(self._generator, self._fallback, events_of, state.passages, checked, refusal)

    def stage_units(self, stage: Stage) -> list[ReadingUnit]:
        """The sections that teach a stage of the method (the same for every goal; cached per index version)."""
        key = (self._reader.sections.version, stage)
        with self._stage_lock:
            cached = self._stage_units.get(key)
        if cached is None:
            found: dict[tuple[str, int, int], ReadingUnit] = {}
            for query in locale.STAGE_QUERIES[stage].values():
                for unit in self._reader.gather(query, self.config.per_stage_k).units:
                    span = (unit.source, unit.read.start, unit.read.end)
                    if span not in found or unit.score > found[span].score:
                        found[span] = unit
            teaching = sorted(found.values(), key=lambda u: -u.score)
            if stage == "tactics":  # the sections under the one that teaches tactics: the actions per direction
                for unit in teaching[:_TACTICS_PARENTS]:
                    vector = self._reader.vectors.query(locale.STAGE_QUERIES[stage][unit.language])
                    for child in self._reader.subsections(unit, vector):
                        found.setdefault((child.source, child.read.start, child.read.end), child)
            cached = sorted(found.values(), key=lambda u: -u.score)
            with self._stage_lock:
                self._stage_units = {k: v for k, v in self._stage_units.items() if k[0] == key[0]}
                self._stage_units[key] = cached
        return cached

    def prepare_plan(self, goal: str, context: str = "") -> PlanState:
        """The first half of `plan`: the evidence for each stage and for the goal, and the verdict."""
        goal, context = _required(goal, "goal"), context.strip()
        language = detect_language(goal)
        gathered = self._reader.gather(f"{goal} {context}".strip(), self.config.k)
        on_goal = self._reader.gather(goal, self.config.k) if context else gathered  # judge scope on the goal
        verdict = self.judge.judge_goal(goal, language, on_goal.hits, on_goal.units, on_goal.query_vector)
        stages = {stage: self.stage_units(stage) for stage in STAGES}
        gathered.units = gathered.units[: self.config.units]
        evidence = PlanEvidence(stages, gathered)
        passages: dict[str, Chunk] = {}
        for stage, units in [*stages.items(), ("goal", gathered.units)]:
            for unit in units:
                for chunk in unit.chunks():
                    passages.setdefault(chunk.chunk_id, chunk)
                    if stage != "goal":
                        evidence.stage_of.setdefault(chunk.chunk_id, []).append(stage)  # type: ignore[arg-type]
        evidence.passages = list(passages.values())
        return PlanState(goal, context, language, evidence, verdict, evidence.passages)

    def write_plan(self, state: PlanState) -> Plan:
        """The plan for prepared evidence (a refusal when the goal is out of scope)."""
        return drain(self.stream_plan(state))

    def stream_plan(self, state: PlanState) -> Iterator[Event | Plan]:
        """The plan's events, a stage at a time as each is ready, then the checked plan."""
        language = state.language
        refusal = Plan(goal=state.goal, context=state.context, language=language, answerable=False,
                       reason=locale.REFUSAL[language], generator=self._generator.name,
                       retrieved=_ids(state.passages))  # fmt: skip
        if not state.verdict.answerable:
            yield from replayed(refusal, state.passages)
            return
        shown = screened(state.passages)
        evidence = PlanEvidence(state.evidence.stages, state.evidence.goal, shown, state.evidence.stage_of)
        request = PlanRequest(state.goal, state.context, language, evidence)

        def checked(plan: Plan) -> Plan | None:
            verified = verify_plan(plan, shown, state.passages)
            if verified is None or not verified.answerable:
                return None
            return with_growth_model(verified.model_copy(update={"retrieved": _ids(state.passages)}))

        def events_of(generator: Generator) -> Iterator[Event | Plan]:
            if isinstance(generator, StreamingGenerator):
                return generator.stream_plan(request)
            return iter([generator.plan(request)])

        yield from written(self._generator, self._fallback, events_of, state.passages, checked, refusal)

    def stream(self, state: State) -> Iterator[Event | Answer | Plan]:
        """The events of the answer or plan for prepared evidence, then the result."""
        return self.stream_answer(state) if isinstance(state, AskState) else self.stream_plan(state)


def _with_gaps(answer: Answer, verdict: Verdict) -> Answer:
    """A partial answer says what the sources do not cover."""
    covered = verdict.covered
    if not verdict.partial or not covered:
        return answer
    language = answer.language
    join = locale.LIST_JOIN[language]
    note = locale.PARTIAL[language].format(covered=join.join(covered), missing=join.join(verdict.missing))
    lines = answer.answer.split("\n")
    while len(lines) > 2 and visible_size("\n".join([*lines, note])) > ANSWER_CHARS:
        lines.pop()  # the last points make room; their citations go with them (verify_answer drops them)
    if lines[-1] == locale.SEE_ALSO[language]:
        lines.pop()
    return answer.model_copy(update={"answer": "\n".join([*lines, note])})


def _required(text: str, name: str) -> str:
    if not text or not text.strip():
        raise AdviceError(f"{name} is empty")
    return text.strip()


def _ids(passages: Sequence[Chunk]) -> list[str]:
    return [chunk.chunk_id for chunk in passages]
