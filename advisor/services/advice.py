"""The advisor chain: retrieve → number the passages → generate → verify citations → Answer or Plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from langchain_core.runnables import Runnable, RunnableLambda

from advisor.backends.generators import AnswerRequest, Evidence, GenerationError, Generator, PlanRequest
from advisor.schemas import STAGES, Answer, Chunk, Citation, Language, Plan, SearchHit
from advisor.services.growth_advice import with_growth_model
from advisor.services.retrieval import Retriever
from advisor.settings import AdviceSettings
from advisor.text.chunking import split_sentences
from advisor.text.injection import screen, strip_links
from advisor.text.language import detect_language
from advisor.text.phrases import REFUSAL, STAGE_DESCRIPTIONS

_MARKER = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|\"[^\"]*\"|«[^»]*»")


class AdviceError(ValueError):
    """A request the advisor cannot serve."""


def text_outside_quotes(text: str) -> str:
    """The advisor's own words: `text` without quoted evidence and citation markers."""
    return _MARKER.sub(" ", _QUOTED.sub(" ", text))


def valid_citations(citations: Sequence[Citation], *versions: Sequence[Chunk]) -> list[int | None]:
    """For each citation, its new 1-based number if it quotes its chunk verbatim in every version, else None."""
    texts = [{chunk.chunk_id: chunk.text for chunk in passages} for passages in versions]
    mapping: list[int | None] = []
    kept = 0
    for citation in citations:
        quote = citation.quote
        ok = quote.strip() != "" and all(quote in version.get(citation.chunk_id, "") for version in texts)
        kept += ok
        mapping.append(kept if ok else None)
    return mapping


def _renumber(text: str, mapping: Sequence[int | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        new = mapping[index] if 0 <= index < len(mapping) else None
        return f"[{new}]" if new else ""

    return _MARKER.sub(replace, text)


def screened(passages: Sequence[Chunk]) -> list[Chunk]:
    """The passages without sentences that address the model (orders, role blocks, links, images)."""
    return [
        chunk.model_copy(update={"text": screen(chunk.text, split_sentences(chunk.text, chunk.language))})
        for chunk in passages
    ]


def verify_answer(answer: Answer, *versions: Sequence[Chunk]) -> Answer:
    """Drop citations that are not verbatim quotes of retrieved passages, renumber markers, strip links.

    `versions` are the passages as stored and as shown to the generator; a quote must hold in each.
    """
    mapping = valid_citations(answer.citations, *versions)
    kept = [c for c, new in zip(answer.citations, mapping, strict=True) if new]
    return answer.model_copy(update={"citations": kept, "answer": strip_links(_renumber(answer.answer, mapping))})


def verify_plan(plan: Plan, *versions: Sequence[Chunk]) -> Plan | None:
    """The plan with only citations verified in every version of the passages, or None when a step has none."""
    mapping = valid_citations(plan.citations, *versions)
    kept = [c for c, new in zip(plan.citations, mapping, strict=True) if new]
    steps = []
    for step in plan.steps:
        items = []
        for item in step.items:
            numbers = [mapping[n - 1] for n in item.citations if 0 < n <= len(mapping) and mapping[n - 1]]
            text = strip_links(_renumber(item.text, mapping))
            items.append(item.model_copy(update={"citations": numbers, "text": text}))
        if plan.answerable and not any(item.citations for item in items):
            return None
        steps.append(step.model_copy(update={"items": items}))
    return plan.model_copy(update={"citations": kept, "steps": steps})


class AdvisorService:
    """Answers questions and writes plans from retrieved evidence, abstaining when the evidence is weak."""

    def __init__(self, retriever: Retriever, generator: Generator, fallback: Generator, config: AdviceSettings) -> None:
        self._retriever = retriever
        self._generator = generator
        self._fallback = fallback
        self.config = config
        self.ask_chain: Runnable[dict[str, object], Answer] = RunnableLambda(self.gather_answer) | RunnableLambda(
            self.write_answer
        )
        self.plan_chain: Runnable[dict[str, object], Plan] = RunnableLambda(self.gather_plan) | RunnableLambda(
            self.write_plan
        )

    def ask(self, question: str, k: int | None = None) -> Answer:
        """A cited answer to `question` in its language, or a refusal when the articles do not cover it."""
        return self.ask_chain.invoke({"question": _required(question, "question"), "k": k or self.config.k})

    def plan(self, goal: str, context: str = "") -> Plan:
        """A five-stage plan for `goal`, every step citing the articles."""
        return self.plan_chain.invoke({"goal": _required(goal, "goal"), "context": context.strip()})

    @property
    def generator_name(self) -> str:
        """The name of the generator this advisor writes with."""
        return self._generator.name

    def evidence_strength(self, hits: Sequence[SearchHit]) -> float:
        """Best dense similarity among the hits (what abstention is decided on)."""
        return max((hit.dense for hit in hits), default=-1.0)

    def prepare_ask(self, question: str, k: int | None = None) -> dict[str, object]:
        """The first half of `ask`: the retrieved evidence, for callers that show sources before the answer."""
        return self.gather_answer({"question": _required(question, "question"), "k": k or self.config.k})

    def prepare_plan(self, goal: str, context: str = "") -> dict[str, object]:
        """The first half of `plan`: the retrieved evidence."""
        return self.gather_plan({"goal": _required(goal, "goal"), "context": context.strip()})

    def has_evidence(self, state: dict[str, object]) -> bool:
        """Whether prepared evidence is strong enough to answer (False means the advisor will decline)."""
        hits: list[SearchHit] = state.get("goal_hits", state["hits"])  # type: ignore[assignment]
        return self.evidence_strength(hits) >= self.config.min_similarity

    def gather_answer(self, request: dict[str, object]) -> dict[str, object]:
        question = str(request["question"])
        hits = self._retriever.search(question, int(str(request["k"])))
        passages = self._retriever.with_neighbours(hits, self.config.neighbours)
        return {**request, "language": detect_language(question), "hits": hits, "passages": passages}

    def write_answer(self, state: dict[str, object]) -> Answer:
        question, language = str(state["question"]), _language(state)
        passages: list[Chunk] = state["passages"]  # type: ignore[assignment]
        refusal = Answer(question=question, answer=REFUSAL[language], language=language, answerable=False,
                         generator=self._generator.name, retrieved=_ids(passages))  # fmt: skip
        if not self.has_evidence(state):
            return refusal
        shown = screened(passages)
        request = AnswerRequest(question, language, Evidence(shown))
        for generator in (self._generator, self._fallback):
            try:
                answer = verify_answer(generator.answer(request), shown, passages)
            except GenerationError:
                continue
            if answer.citations and detect_language(text_outside_quotes(answer.answer)) == language:
                answer = answer.model_copy(update={"retrieved": _ids(passages)})
                return answer if generator is self._generator else _fell_back(answer, self._generator.name)
        return refusal

    def gather_plan(self, request: dict[str, object]) -> dict[str, object]:
        goal, context = str(request["goal"]), str(request["context"])
        hits: dict[str, SearchHit] = {}
        stages: dict[str, list[str]] = {}
        for stage in STAGES:
            for hit in self._retriever.search(f"{goal} {context} {STAGE_DESCRIPTIONS[stage]}", self.config.per_stage_k):
                hits.setdefault(hit.chunk.chunk_id, hit)
                stages.setdefault(hit.chunk.chunk_id, []).append(stage)
        goal_hits = self._retriever.search(f"{goal} {context}", self.config.k)
        if context:  # numbers and details in the context can dilute the goal; judge scope on the goal too
            goal_hits = goal_hits + self._retriever.search(goal, self.config.k)
        for hit in goal_hits:
            hits.setdefault(hit.chunk.chunk_id, hit)
        found = list(hits.values())
        return {**request, "language": detect_language(goal), "hits": found, "passages": [h.chunk for h in found],
                "goal_hits": goal_hits,
                "stages": stages}  # fmt: skip

    def write_plan(self, state: dict[str, object]) -> Plan:
        goal, context, language = str(state["goal"]), str(state["context"]), _language(state)
        passages: list[Chunk] = state["passages"]  # type: ignore[assignment]
        refusal = Plan(goal=goal, context=context, language=language, answerable=False, reason=REFUSAL[language],
                       generator=self._generator.name, retrieved=_ids(passages))  # fmt: skip
        if not self.has_evidence(state):
            return refusal
        shown = screened(passages)
        request = PlanRequest(goal, context, language, Evidence(shown, state["stages"]))  # type: ignore[arg-type]
        for generator in (self._generator, self._fallback):
            try:
                plan = verify_plan(generator.plan(request), shown, passages)
            except (GenerationError, ValueError):
                continue
            if plan is not None and plan.answerable:
                plan = with_growth_model(plan.model_copy(update={"retrieved": _ids(passages)}))
                return plan if generator is self._generator else _fell_back(plan, self._generator.name)
        return refusal


def _required(text: str, name: str) -> str:
    if not text or not text.strip():
        raise AdviceError(f"{name} is empty")
    return text.strip()


def _ids(passages: Sequence[Chunk]) -> list[str]:
    return [chunk.chunk_id for chunk in passages]


def _language(state: dict[str, object]) -> Language:
    return state["language"]  # type: ignore[return-value]


Result = TypeVar("Result", Answer, Plan)


def _fell_back(result: Result, primary: str) -> Result:
    return result.model_copy(update={"generator": f"{result.generator} (fallback from {primary})"})
